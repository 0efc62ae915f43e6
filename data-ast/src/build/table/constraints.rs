//! Table constraints: the order PostgreSQL adds them in, `USING INDEX`, foreign key
//! actions, exclusion bodies, and foreign keys resolved against primary keys.

use super::annotation_near;
use super::def_elem_text;
use super::node_names;
use crate::build::context::{qname, Builder};
use crate::build::Stmt;
use crate::expr::{self, string_of};
use crate::model::{Constraint, ConstraintKind, Dep, QName, Table};
use crate::quote;
use pg_query::protobuf::{self, ConstrType, Node};
use pg_query::NodeEnum;
use std::collections::BTreeMap;

/// What makes two index-backed constraints of one CREATE TABLE duplicates: keys, INCLUDE,
/// NULLS NOT DISTINCT, DEFERRABLE, INITIALLY DEFERRED.
type IndexKey = (Vec<String>, Vec<String>, bool, bool, bool);

/// A constraint as written, before it gets its final name.
pub(crate) struct PendingConstraint {
    pub node: protobuf::Constraint,
    /// The column it was written on, for column constraints.
    pub column: Option<String>,
}

impl Builder {
    /// Names and adds constraints in the order PostgreSQL does: index-backed ones first
    /// (duplicates of the primary key dropped, as the server does in CREATE TABLE), then
    /// CHECK, then foreign keys.
    pub(crate) fn add_constraints(
        &mut self,
        st: &Stmt,
        table: &mut Table,
        pending: Vec<PendingConstraint>,
        in_create: bool,
    ) {
        let kind = |p: &PendingConstraint| {
            ConstrType::try_from(p.node.contype).unwrap_or(ConstrType::Undefined)
        };
        let mut index_backed: Vec<&PendingConstraint> = pending
            .iter()
            .filter(|p| {
                matches!(
                    kind(p),
                    ConstrType::ConstrPrimary
                        | ConstrType::ConstrUnique
                        | ConstrType::ConstrExclusion
                )
            })
            .collect();
        index_backed.sort_by_key(|p| {
            if kind(p) == ConstrType::ConstrPrimary {
                0
            } else {
                1
            }
        });
        let mut seen: Vec<IndexKey> = Vec::new();
        for p in index_backed {
            let c = &p.node;
            if kind(p) != ConstrType::ConstrExclusion && c.indexname.is_empty() {
                let key = (
                    node_names(&c.keys),
                    node_names(&c.including),
                    c.nulls_not_distinct,
                    c.deferrable,
                    c.initdeferred,
                );
                if in_create && seen.contains(&key) {
                    continue;
                }
                seen.push(key);
            }
            self.add_one_constraint(st, table, p);
        }
        for p in pending
            .iter()
            .filter(|p| kind(p) == ConstrType::ConstrCheck)
        {
            self.add_one_constraint(st, table, p);
        }
        for p in pending
            .iter()
            .filter(|p| kind(p) == ConstrType::ConstrForeign)
        {
            self.add_one_constraint(st, table, p);
        }
    }

    fn add_one_constraint(&mut self, st: &Stmt, table: &mut Table, p: &PendingConstraint) {
        let c = &p.node;
        let origin = st.origin_loc(c.location);
        let schema = table.name.schema.clone();
        let ctype = ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined);
        if !c.indexname.is_empty() {
            // ADD CONSTRAINT ... USING INDEX: the index becomes the constraint's.
            let index_name = QName::new(&schema, &c.indexname);
            let Some(index) = self.schema.indexes.remove(&index_name) else {
                self.error(
                    st,
                    origin,
                    format!(
                        "index \"{}\" named in USING INDEX is not declared",
                        c.indexname
                    ),
                );
                return;
            };
            let name = if c.conname.is_empty() {
                c.indexname.clone()
            } else {
                c.conname.clone()
            };
            let columns = index_columns(&index.create_sql);
            let kind = if ctype == ConstrType::ConstrPrimary {
                for col in &columns {
                    if let Some(column) = table.columns.iter_mut().find(|x| &x.name == col) {
                        column.not_null = true;
                    }
                }
                ConstraintKind::PrimaryKey {
                    columns,
                    include: Vec::new(),
                }
            } else {
                ConstraintKind::Unique {
                    columns,
                    include: Vec::new(),
                    nulls_not_distinct: index.create_sql.contains("NULLS NOT DISTINCT"),
                }
            };
            self.take_constraint(&schema, &name);
            table.constraints.insert(
                name.clone(),
                constraint(name, kind, c, origin, constraint_rename(st, c.location)),
            );
            return;
        }
        let kind = match ctype {
            ConstrType::ConstrPrimary => {
                let columns = node_names(&c.keys);
                for col in &columns {
                    if let Some(column) = table.columns.iter_mut().find(|x| &x.name == col) {
                        column.not_null = true;
                    }
                }
                ConstraintKind::PrimaryKey {
                    columns,
                    include: node_names(&c.including),
                }
            }
            ConstrType::ConstrUnique => ConstraintKind::Unique {
                columns: node_names(&c.keys),
                include: node_names(&c.including),
                nulls_not_distinct: c.nulls_not_distinct,
            },
            ConstrType::ConstrCheck => match c.raw_expr.as_deref() {
                Some(e) => ConstraintKind::Check {
                    expr: expr::render(e),
                },
                None => return,
            },
            ConstrType::ConstrForeign => {
                let Some(pk) = &c.pktable else { return };
                ConstraintKind::ForeignKey {
                    columns: node_names(&c.fk_attrs),
                    table: qname(pk),
                    ref_columns: node_names(&c.pk_attrs),
                    match_type: match c.fk_matchtype.as_str() {
                        "f" => "FULL",
                        "p" => "PARTIAL",
                        _ => "SIMPLE",
                    }
                    .to_string(),
                    on_update: fk_action(&c.fk_upd_action, &[]),
                    on_delete: fk_action(&c.fk_del_action, &c.fk_del_set_cols),
                }
            }
            ConstrType::ConstrExclusion => {
                let (body, deps) = exclusion_body(c);
                ConstraintKind::Exclude { body, deps }
            }
            _ => {
                self.error(st, origin, "this constraint kind is not supported here");
                return;
            }
        };
        let name = if !c.conname.is_empty() {
            c.conname.clone()
        } else {
            self.generated_constraint_name(table, &kind, c, p.column.as_deref())
        };
        if table.constraints.contains_key(&name) {
            self.error(
                st,
                origin,
                format!("constraint \"{name}\" is declared twice on {}", table.name),
            );
            return;
        }
        self.take_constraint(&schema, &name);
        if matches!(
            kind,
            ConstraintKind::PrimaryKey { .. }
                | ConstraintKind::Unique { .. }
                | ConstraintKind::Exclude { .. }
        ) {
            self.take_relation(QName::new(&schema, &name));
        }
        table.constraints.insert(
            name.clone(),
            constraint(name, kind, c, origin, constraint_rename(st, c.location)),
        );
    }

    /// Fills referenced columns of foreign keys written without them from the referenced
    /// table's primary key.
    pub(crate) fn resolve_foreign_keys(&mut self) {
        let pks: BTreeMap<QName, Vec<String>> = self
            .schema
            .tables
            .iter()
            .filter_map(|(n, t)| t.primary_key().map(|pk| (n.clone(), pk.to_vec())))
            .collect();
        for table in self.schema.tables.values_mut() {
            for c in table.constraints.values_mut() {
                if let ConstraintKind::ForeignKey {
                    table: target,
                    ref_columns,
                    ..
                } = &mut c.kind
                {
                    if ref_columns.is_empty() {
                        if let Some(pk) = pks.get(target) {
                            *ref_columns = pk.clone();
                        }
                    }
                }
            }
        }
    }
}

fn constraint(
    name: String,
    kind: ConstraintKind,
    c: &protobuf::Constraint,
    origin: crate::source::Origin,
    renamed_from: Option<String>,
) -> Constraint {
    Constraint {
        name,
        kind,
        deferrable: c.deferrable,
        initially_deferred: c.initdeferred,
        not_valid: c.skip_validation,
        no_inherit: c.is_no_inherit,
        comment: None,
        renamed_from,
        origin,
    }
}

pub(super) fn apply_attribute(c: &mut protobuf::Constraint, attr: i32) {
    match ConstrType::try_from(attr) {
        Ok(ConstrType::ConstrAttrDeferrable) => c.deferrable = true,
        Ok(ConstrType::ConstrAttrNotDeferrable) => c.deferrable = false,
        Ok(ConstrType::ConstrAttrDeferred) => {
            c.initdeferred = true;
            c.deferrable = true;
        }
        Ok(ConstrType::ConstrAttrImmediate) => c.initdeferred = false,
        _ => {}
    }
}

/// The text of an `ON UPDATE` / `ON DELETE` action.
fn fk_action(code: &str, set_cols: &[Node]) -> String {
    let cols = if set_cols.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            node_names(set_cols)
                .iter()
                .map(|c| quote::ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match code {
        "r" => "RESTRICT".to_string(),
        "c" => "CASCADE".to_string(),
        "n" => format!("SET NULL{cols}"),
        "d" => format!("SET DEFAULT{cols}"),
        _ => "NO ACTION".to_string(),
    }
}

/// `USING method (elem WITH op, ...) [INCLUDE (...)] [WHERE (...)]` of an EXCLUDE constraint.
fn exclusion_body(c: &protobuf::Constraint) -> (String, Vec<Dep>) {
    let mut deps = Vec::new();
    let elems: Vec<String> = c
        .exclusions
        .iter()
        .filter_map(|pair| match &pair.node {
            Some(NodeEnum::List(l)) if l.items.len() == 2 => {
                let elem = match &l.items[0].node {
                    Some(NodeEnum::IndexElem(e)) => index_elem_sql(e, &mut deps),
                    _ => return None,
                };
                let op = match &l.items[1].node {
                    Some(NodeEnum::List(ops)) => ops
                        .items
                        .iter()
                        .filter_map(string_of)
                        .collect::<Vec<_>>()
                        .join("."),
                    _ => return None,
                };
                Some(format!("{elem} WITH {op}"))
            }
            _ => None,
        })
        .collect();
    let method = if c.access_method.is_empty() {
        "btree"
    } else {
        &c.access_method
    };
    let mut body = format!("USING {} ({})", method, elems.join(", "));
    if !c.including.is_empty() {
        body.push_str(&format!(
            " INCLUDE ({})",
            node_names(&c.including)
                .iter()
                .map(|n| quote::ident(n))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(w) = c.where_clause.as_deref() {
        let e = expr::render(w);
        deps.extend(e.deps);
        body.push_str(&format!(" WHERE ({})", e.sql));
    }
    (body, deps)
}

/// Canonical text of one index element: column or expression, collation, opclass, order.
pub(crate) fn index_elem_sql(e: &protobuf::IndexElem, deps: &mut Vec<Dep>) -> String {
    let mut out = if let Some(x) = e.expr.as_deref() {
        let r = expr::render(x);
        deps.extend(r.deps);
        match &x.node {
            Some(NodeEnum::FuncCall(_)) if !r.sql.starts_with('(') => r.sql,
            _ => format!("({})", r.sql),
        }
    } else {
        quote::ident(&e.name)
    };
    if !e.collation.is_empty() {
        out.push_str(&format!(
            " COLLATE {}",
            crate::build::context::collation_name(&e.collation).sql()
        ));
    }
    if !e.opclass.is_empty() {
        let parts: Vec<String> = e.opclass.iter().filter_map(string_of).collect();
        out.push(' ');
        out.push_str(
            &parts
                .iter()
                .map(|p| quote::ident(p))
                .collect::<Vec<_>>()
                .join("."),
        );
        if !e.opclassopts.is_empty() {
            out.push_str(&format!(
                " ({})",
                e.opclassopts
                    .iter()
                    .filter_map(def_elem_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    match protobuf::SortByDir::try_from(e.ordering) {
        Ok(protobuf::SortByDir::SortbyDesc) => out.push_str(" DESC"),
        Ok(protobuf::SortByDir::SortbyAsc) => {}
        _ => {}
    }
    let desc = e.ordering == protobuf::SortByDir::SortbyDesc as i32;
    match protobuf::SortByNulls::try_from(e.nulls_ordering) {
        Ok(protobuf::SortByNulls::SortbyNullsFirst) if !desc => out.push_str(" NULLS FIRST"),
        Ok(protobuf::SortByNulls::SortbyNullsLast) if desc => out.push_str(" NULLS LAST"),
        _ => {}
    }
    out
}

/// The key columns of a canonical `CREATE INDEX` statement (for `USING INDEX`).
fn index_columns(create_sql: &str) -> Vec<String> {
    let Some(open) = create_sql.find(" (") else {
        return Vec::new();
    };
    let rest = &create_sql[open + 2..];
    let mut depth = 0;
    let mut end = rest.len();
    for (i, ch) in rest.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = i;
                break;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    rest[..end]
        .split(", ")
        .map(|c| {
            c.split(' ')
                .next()
                .unwrap_or(c)
                .trim_matches('"')
                .to_string()
        })
        .collect()
}

fn constraint_rename(st: &Stmt, location: i32) -> Option<String> {
    annotation_near(st, location).map(|s| s.to_string())
}
