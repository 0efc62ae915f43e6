//! Columns of `CREATE TABLE`: types, defaults, serial and identity sequences, generated
//! expressions, and the constraints written on a column (handed on as pending).

use super::annotation_near;
use super::constraints::{apply_attribute, PendingConstraint};
use super::string_node;
use crate::build::context::{qname, Builder};
use crate::build::Stmt;
use crate::expr;
use crate::model::{Column, Dep, Expr, QName, Sequence, Table, TypeRef};
use crate::names;
use crate::quote;
use crate::typename;
use pg_query::protobuf::{ColumnDef, ConstrType, Node};
use pg_query::NodeEnum;

impl Builder {
    /// Builds a column; constraints written on it go to `pending`.
    pub(crate) fn column(
        &mut self,
        st: &Stmt,
        table: &mut Table,
        cd: &ColumnDef,
        pending: &mut Vec<PendingConstraint>,
    ) -> Option<Column> {
        let origin = st.origin_loc(cd.location);
        let tn = cd.type_name.as_ref()?;
        let mut col = Column {
            name: cd.colname.clone(),
            ty: typename::type_ref(tn),
            collation: cd
                .coll_clause
                .as_ref()
                .map(|c| crate::build::context::collation_name(&c.collname)),
            default: None,
            not_null: cd.is_not_null,
            identity: None,
            identity_options: String::new(),
            generated: None,
            comment: None,
            renamed_from: column_rename(st, cd.location),
            local: true,
            origin,
        };
        if let Some(int_type) = typename::serial_kind(tn) {
            col.ty = TypeRef {
                sql: int_type.to_string(),
                user_type: None,
            };
            col.not_null = true;
            let seq = names::choose_name(&table.name.name, Some(&col.name), "seq", |n| {
                self.relation_taken(&QName::new(&table.name.schema, n))
            });
            let seq_name = QName::new(&table.name.schema, seq);
            self.take_relation(seq_name.clone());
            col.default = Some(nextval_default(&seq_name));
            let mut sequence = default_sequence(seq_name.clone(), int_type, col.origin.clone());
            sequence.owned_by = Some((table.name.clone(), col.name.clone()));
            self.created_at.insert(format!("rel:{seq_name}"), st.seq);
            self.schema.sequences.insert(seq_name, sequence);
        }
        if let Some(d) = &cd.raw_default {
            col.default = Some(normalize_default(expr::render(d)));
        }
        for c in &cd.constraints {
            let Some(NodeEnum::Constraint(c)) = &c.node else {
                continue;
            };
            match ConstrType::try_from(c.contype) {
                Ok(ConstrType::ConstrNull) => col.not_null = false,
                Ok(ConstrType::ConstrNotnull) => col.not_null = true,
                Ok(ConstrType::ConstrDefault) => {
                    col.default = c
                        .raw_expr
                        .as_deref()
                        .map(|e| normalize_default(expr::render(e)))
                }
                Ok(ConstrType::ConstrIdentity) => {
                    col.identity = Some(c.generated_when != "d");
                    col.not_null = true;
                    col.identity_options = self.identity_options(st, &col.ty.sql, &c.options);
                    let seq = names::choose_name(&table.name.name, Some(&col.name), "seq", |n| {
                        self.relation_taken(&QName::new(&table.name.schema, n))
                    });
                    self.take_relation(QName::new(&table.name.schema, seq));
                }
                Ok(ConstrType::ConstrGenerated) => {
                    col.generated = c.raw_expr.as_deref().map(expr::render)
                }
                Ok(
                    ConstrType::ConstrAttrDeferrable
                    | ConstrType::ConstrAttrNotDeferrable
                    | ConstrType::ConstrAttrDeferred
                    | ConstrType::ConstrAttrImmediate,
                ) => {
                    if let Some(last) = pending.last_mut() {
                        apply_attribute(&mut last.node, c.contype);
                    }
                }
                Ok(ConstrType::ConstrAttrEnforced | ConstrType::ConstrAttrNotEnforced) => {}
                _ => {
                    let mut node = (**c).clone();
                    if node.contype == ConstrType::ConstrForeign as i32 && node.fk_attrs.is_empty()
                    {
                        node.fk_attrs = vec![string_node(&col.name)];
                    }
                    if matches!(
                        ConstrType::try_from(node.contype),
                        Ok(ConstrType::ConstrPrimary | ConstrType::ConstrUnique)
                    ) && node.keys.is_empty()
                    {
                        node.keys = vec![string_node(&col.name)];
                    }
                    if node.contype == ConstrType::ConstrPrimary as i32 {
                        col.not_null = true;
                    }
                    pending.push(PendingConstraint {
                        node,
                        column: Some(col.name.clone()),
                    });
                }
            }
        }
        if let Some(seq) = cd.identity_sequence.as_ref() {
            self.take_relation(qname(seq));
        }
        Some(col)
    }

    /// Canonical text of an identity column's sequence options, empty when all are defaults.
    pub(crate) fn identity_options(&mut self, st: &Stmt, ty: &str, options: &[Node]) -> String {
        if options.is_empty() {
            return String::new();
        }
        let name = QName::new("", "");
        let mut seq = default_sequence(name.clone(), ty, st.origin());
        self.apply_sequence_options(st, &mut seq, options, true);
        let mut plain = default_sequence(name, ty, st.origin());
        self.apply_sequence_options(st, &mut plain, &[], true);
        if crate::plan::render::sequence_options(&seq)
            == crate::plan::render::sequence_options(&plain)
        {
            String::new()
        } else {
            identity_option_text(&seq)
        }
    }
}

/// `nextval('schema.seq'::regclass)`, the default of a serial column.
pub(crate) fn nextval_default(seq: &QName) -> Expr {
    Expr {
        sql: format!("nextval({}::regclass)", quote::literal(&seq.sql())),
        deps: vec![
            Dep::Relation(seq.clone()),
            Dep::Function(QName::new("pg_catalog", "nextval")),
        ],
    }
}

/// Normalises `nextval('seq'::regclass)` so that `'seq'` and `'public.seq'` compare equal.
pub(crate) fn normalize_default(e: Expr) -> Expr {
    if let Some(rest) = e.sql.strip_prefix("nextval(") {
        if rest.ends_with("::regclass)") {
            if let Some(Dep::Relation(seq)) = e.deps.iter().find(|d| matches!(d, Dep::Relation(_)))
            {
                let mut n = nextval_default(seq);
                n.deps = e.deps.clone();
                return n;
            }
        }
    }
    e
}

/// A sequence with every option at its default for `data_type`.
pub(crate) fn default_sequence(
    name: QName,
    data_type: &str,
    origin: crate::source::Origin,
) -> Sequence {
    let max = match data_type {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        _ => i64::MAX,
    };
    Sequence {
        name,
        data_type: data_type.to_string(),
        increment: 1,
        min_value: 1,
        max_value: max,
        start: 1,
        cache: 1,
        cycle: false,
        owned_by: None,
        comment: None,
        origin,
    }
}

/// A `-- data:renamed from=` annotation on the line of (or the line before) a column.
fn column_rename(st: &Stmt, location: i32) -> Option<String> {
    annotation_near(st, location).map(|s| s.to_string())
}

/// Sequence options without the `AS type` part, as written inside `AS IDENTITY (...)`.
pub fn identity_option_text(seq: &Sequence) -> String {
    let full = crate::plan::render::sequence_options(seq);
    full.split_once(" INCREMENT")
        .map(|(_, rest)| format!("INCREMENT{rest}"))
        .unwrap_or(full)
}
