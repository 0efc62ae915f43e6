//! The names PostgreSQL generates for unnamed constraints (`t_pkey`, `t_a_key`, `t_a_check`,
//! `t_b_fkey`, `t_a_excl`), and the column names it figures for index elements.

use super::super::context::Builder;
use crate::expr::string_of;
use crate::model::{ConstraintKind, QName, Table};
use crate::names;
use crate::typename;
use pg_query::protobuf::{self, Node};
use pg_query::NodeEnum;

impl Builder {
    /// The name PostgreSQL gives an unnamed constraint.
    pub(super) fn generated_constraint_name(
        &self,
        table: &Table,
        kind: &ConstraintKind,
        c: &protobuf::Constraint,
        column: Option<&str>,
    ) -> String {
        let schema = &table.name.schema;
        let t = &table.name.name;
        let rel_taken = |n: &str| {
            self.relation_taken(&QName::new(schema, n)) || self.constraint_taken(schema, n)
        };
        let con_taken =
            |n: &str| self.constraint_taken(schema, n) || table.constraints.contains_key(n);
        match kind {
            ConstraintKind::PrimaryKey { .. } => names::choose_name(t, None, "pkey", rel_taken),
            ConstraintKind::Unique { columns, .. } => {
                names::choose_name(t, Some(&names::column_addition(columns)), "key", rel_taken)
            }
            ConstraintKind::Exclude { .. } => {
                let cols: Vec<String> = c
                    .exclusions
                    .iter()
                    .filter_map(|pair| match &pair.node {
                        Some(NodeEnum::List(l)) => l.items.first().and_then(|e| match &e.node {
                            Some(NodeEnum::IndexElem(ie)) => Some(index_elem_column_name(ie)),
                            _ => None,
                        }),
                        _ => None,
                    })
                    .collect();
                names::choose_name(t, Some(&names::column_addition(&cols)), "excl", rel_taken)
            }
            ConstraintKind::Check { .. } => {
                let cols = c
                    .raw_expr
                    .as_deref()
                    .map(referenced_columns)
                    .unwrap_or_default();
                let col = if cols.len() == 1 {
                    Some(cols[0].clone())
                } else {
                    None
                };
                let col = col.or_else(|| column.filter(|_| cols.is_empty()).map(str::to_string));
                names::choose_name(t, col.as_deref(), "check", con_taken)
            }
            ConstraintKind::ForeignKey { columns, .. } => {
                names::choose_name(t, Some(&names::column_addition(columns)), "fkey", con_taken)
            }
        }
    }
}

/// Distinct column names an expression refers to, in order of appearance.
pub(crate) fn referenced_columns(node: &Node) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(n) = &node.node else { return out };
    let mut consider = |c: &protobuf::ColumnRef| {
        if let Some(name) = c.fields.last().and_then(string_of) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    };
    if let NodeEnum::ColumnRef(c) = n {
        consider(c);
    }
    for (child, _, _, _) in n.nodes() {
        if let pg_query::NodeRef::ColumnRef(c) = child {
            consider(c);
        }
    }
    out
}

/// The column name PostgreSQL uses for an index element in generated index names.
pub(crate) fn index_elem_column_name(e: &protobuf::IndexElem) -> String {
    if !e.indexcolname.is_empty() {
        return e.indexcolname.clone();
    }
    if !e.name.is_empty() {
        return e.name.clone();
    }
    e.expr
        .as_deref()
        .and_then(|x| figure_colname(x).map(|(n, _)| n))
        .unwrap_or_else(|| "expr".to_string())
}

/// PostgreSQL's `FigureColnameInternal` for the shapes that matter in index names.
fn figure_colname(node: &Node) -> Option<(String, u8)> {
    match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) => c.fields.last().and_then(string_of).map(|n| (n, 2)),
        NodeEnum::FuncCall(f) => f.funcname.last().and_then(string_of).map(|n| (n, 2)),
        NodeEnum::TypeCast(c) => {
            let inner = c.arg.as_deref().and_then(figure_colname);
            match inner {
                Some((n, s)) if s > 1 => Some((n, s)),
                _ => c
                    .type_name
                    .as_ref()
                    .and_then(|t| typename::name_parts(t).last().cloned())
                    .map(|n| (n, 1)),
            }
        }
        NodeEnum::CaseExpr(_) => Some(("case".into(), 1)),
        NodeEnum::AArrayExpr(_) => Some(("array".into(), 2)),
        NodeEnum::CoalesceExpr(_) => Some(("coalesce".into(), 2)),
        NodeEnum::MinMaxExpr(m) => Some((if m.op == 1 { "greatest" } else { "least" }.into(), 2)),
        NodeEnum::NullIfExpr(_) => Some(("nullif".into(), 2)),
        _ => None,
    }
}
