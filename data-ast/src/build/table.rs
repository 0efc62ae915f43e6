//! `CREATE TABLE`: columns, inline and table constraints, partitions and inheritance, with
//! the names PostgreSQL would generate for unnamed constraints and serial sequences.
//!
//! Columns, constraints and the names PostgreSQL generates live in their own files; this one
//! holds the statement itself and the clause printers the other builders share.

mod columns;
mod constraints;
mod generated_names;

pub use columns::identity_option_text;
pub(crate) use columns::{default_sequence, normalize_default};
pub(crate) use constraints::{index_elem_sql, PendingConstraint};
pub(crate) use generated_names::index_elem_column_name;

use super::context::{qname, Builder};
use super::Stmt;
use crate::expr::{self, string_of};
use crate::model::{QName, Table};
use crate::quote;
use crate::typename;
use pg_query::protobuf::{self, Node, PartitionBoundSpec, PartitionSpec};
use pg_query::NodeEnum;

impl Builder {
    pub(crate) fn create_table(&mut self, st: &Stmt, s: &protobuf::CreateStmt) {
        let Some(rv) = &s.relation else { return };
        let name = qname(rv);
        let origin = st.origin_loc(rv.location);
        if rv.relpersistence == "t" {
            self.error(
                st,
                origin,
                "temporary tables are session objects and cannot be part of golden SQL",
            );
            return;
        }
        if s.of_typename.is_some() {
            self.error(
                st,
                origin,
                "typed tables (CREATE TABLE ... OF type) are not supported yet",
            );
            return;
        }
        if s.if_not_exists && self.schema.tables.contains_key(&name) {
            return;
        }
        if !self.record_creation(st, format!("rel:{name}"), false, &format!("table {name}")) {
            return;
        }
        let mut table = Table {
            name: name.clone(),
            columns: Vec::new(),
            constraints: crate::model::NameMap::new(),
            unlogged: rv.relpersistence == "u",
            partition_by: s.partspec.as_ref().map(partition_spec_sql),
            partition_of: None,
            inherits: Vec::new(),
            rls_enabled: false,
            rls_forced: false,
            options: s.options.iter().filter_map(def_elem_text).collect(),
            comment: None,
            renamed_from: st.renamed_from().map(expr::parse_dotted_name),
            origin,
        };
        let parents: Vec<QName> = s
            .inh_relations
            .iter()
            .filter_map(|n| match &n.node {
                Some(NodeEnum::RangeVar(r)) => Some(qname(r)),
                _ => None,
            })
            .collect();
        match &s.partbound {
            Some(bound) => {
                table.partition_of = parents
                    .first()
                    .map(|p| (p.clone(), partition_bound_sql(bound)))
            }
            None => table.inherits = parents,
        }
        self.take_relation(name.clone());

        let mut pending = Vec::new();
        for elt in &s.table_elts {
            match &elt.node {
                Some(NodeEnum::ColumnDef(cd)) => {
                    if let Some(col) = self.column(st, &mut table, cd, &mut pending) {
                        if table.column(&col.name).is_some() {
                            self.error(
                                st,
                                col.origin.clone(),
                                format!("column \"{}\" is declared twice", col.name),
                            );
                        } else {
                            table.columns.push(col);
                        }
                    }
                }
                Some(NodeEnum::Constraint(c)) => pending.push(PendingConstraint {
                    node: (**c).clone(),
                    column: None,
                }),
                Some(NodeEnum::TableLikeClause(_)) => self.error(
                    st,
                    st.origin(),
                    "CREATE TABLE ... (LIKE ...) is not supported: write the columns out",
                ),
                _ => {}
            }
        }
        for c in &s.constraints {
            if let Some(NodeEnum::Constraint(c)) = &c.node {
                pending.push(PendingConstraint {
                    node: (**c).clone(),
                    column: None,
                });
            }
        }
        self.add_constraints(st, &mut table, pending, true);
        self.schema.tables.insert(name, table);
    }
}

/// A `String` node.
pub(crate) fn string_node(s: &str) -> Node {
    Node {
        node: Some(NodeEnum::String(protobuf::String {
            sval: s.to_string(),
        })),
    }
}

/// The strings of a list of `String` (or `IndexElem`) nodes.
pub(crate) fn node_names(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            Some(NodeEnum::IndexElem(e)) => Some(e.name.clone()),
            _ => None,
        })
        .collect()
}

/// `k=v` text of a storage parameter or option.
pub(crate) fn def_elem_text(n: &Node) -> Option<String> {
    let Some(NodeEnum::DefElem(d)) = &n.node else {
        return None;
    };
    let key = if d.defnamespace.is_empty() {
        d.defname.clone()
    } else {
        format!("{}.{}", d.defnamespace, d.defname)
    };
    Some(match d.arg.as_deref() {
        Some(a) => {
            let v = match &a.node {
                Some(NodeEnum::String(s)) => s.sval.clone(),
                Some(NodeEnum::Integer(i)) => i.ival.to_string(),
                Some(NodeEnum::Float(f)) => f.fval.clone(),
                Some(NodeEnum::Boolean(b)) => b.boolval.to_string(),
                Some(NodeEnum::TypeName(t)) => typename::type_ref(t).sql,
                _ => expr::render(a).sql,
            };
            format!("{key}={v}")
        }
        None => key,
    })
}

/// `RANGE (a, b)` text of a PARTITION BY clause.
fn partition_spec_sql(p: &PartitionSpec) -> String {
    let strategy = match protobuf::PartitionStrategy::try_from(p.strategy) {
        Ok(protobuf::PartitionStrategy::List) => "LIST",
        Ok(protobuf::PartitionStrategy::Hash) => "HASH",
        _ => "RANGE",
    };
    let params: Vec<String> = p
        .part_params
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::PartitionElem(e)) => {
                let mut s = match e.expr.as_deref() {
                    Some(x) => format!("({})", expr::render(x).sql),
                    None => quote::ident(&e.name),
                };
                if !e.collation.is_empty() {
                    s.push_str(&format!(
                        " COLLATE {}",
                        super::context::collation_name(&e.collation).sql()
                    ));
                }
                if !e.opclass.is_empty() {
                    s.push_str(&format!(
                        " {}",
                        e.opclass
                            .iter()
                            .filter_map(string_of)
                            .map(|p| quote::ident(&p))
                            .collect::<Vec<_>>()
                            .join(".")
                    ));
                }
                Some(s)
            }
            _ => None,
        })
        .collect();
    format!("{strategy} ({})", params.join(", "))
}

/// `FOR VALUES ...` / `DEFAULT` text of a partition bound.
pub(crate) fn partition_bound_sql(b: &PartitionBoundSpec) -> String {
    if b.is_default {
        return "DEFAULT".to_string();
    }
    let list = |nodes: &[Node]| {
        nodes
            .iter()
            .map(|n| expr::render(n).sql)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match b.strategy.as_str() {
        "l" => format!("FOR VALUES IN ({})", list(&b.listdatums)),
        "h" => format!(
            "FOR VALUES WITH (modulus {}, remainder {})",
            b.modulus, b.remainder
        ),
        _ => format!(
            "FOR VALUES FROM ({}) TO ({})",
            list(&b.lowerdatums),
            list(&b.upperdatums)
        ),
    }
}

/// The `renamed from=` annotation belonging to the element at `location`: a trailing comment
/// on the same line, or a comment on its own line right before it.
pub(crate) fn annotation_near<'a>(st: &'a Stmt, location: i32) -> Option<&'a str> {
    if location < 0 {
        return None;
    }
    let at = st.start + location as usize;
    let text = &st.file.text;
    let line_start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    let prev_start = text[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    st.inner
        .iter()
        .filter(|a| a.key == "renamed")
        .find_map(|a| {
            let same_line = a.trailing && a.offset > at && a.offset < line_end;
            let line_before = !a.trailing && a.offset >= prev_start && a.offset < line_start;
            (same_line || line_before).then(|| a.arg("from")).flatten()
        })
}
