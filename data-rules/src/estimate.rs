//! Duration estimates of a plan or file, from statement kinds and table sizes when known.
//!
//! The per-row costs are deliberately rough (commodity SSD, warm cache): they rank plans and
//! catch the migration that takes an hour, not the one that takes 40 s instead of 30 s.

use crate::context::{Context, Stmt};
use crate::sql::*;
use data_ast::model::QName;
use pg_query::protobuf::{AlterTableType, ConstrType};
use pg_query::NodeEnum;
use serde::Serialize;

/// Seconds per row of a full rewrite (table and indexes).
const REWRITE_PER_ROW: f64 = 4e-6;
/// Seconds per row of an index build.
const INDEX_PER_ROW: f64 = 1.5e-6;
/// Seconds per row of a validating scan.
const SCAN_PER_ROW: f64 = 0.4e-6;
/// Seconds per row of a whole-table UPDATE or DELETE.
const DML_PER_ROW: f64 = 5e-6;
/// Seconds of a catalog-only statement.
const CATALOG: f64 = 0.005;

/// An estimate of how long a unit runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Estimate {
    /// Estimated seconds for the statements whose cost is known.
    pub seconds: f64,
    /// Tables whose size matters but is unknown (the estimate is then a lower bound).
    pub unknown_tables: Vec<String>,
}

impl Estimate {
    /// Whether every table that matters had a row estimate.
    pub fn complete(&self) -> bool {
        self.unknown_tables.is_empty()
    }
}

/// The table a statement works through row by row, and the cost per row.
fn per_row(s: &Stmt<'_>, cx: &Context<'_>) -> Option<(QName, f64)> {
    match &s.node {
        NodeEnum::IndexStmt(i) => {
            let t = qname_opt(&i.relation)?;
            let factor = if i.concurrent { 2.0 } else { 1.0 };
            Some((t, INDEX_PER_ROW * factor))
        }
        NodeEnum::AlterTableStmt(a) => {
            let t = qname_opt(&a.relation)?;
            let mut cost: f64 = 0.0;
            for cmd in alter_cmds(a) {
                if cmd_is(cmd, AlterTableType::AtAlterColumnType) {
                    let new = cmd_column(cmd)
                        .and_then(|c| c.type_name.as_ref())
                        .map(canonical_type);
                    let old = cx.old_column(&t, &cmd.name).map(|c| c.ty.sql.clone());
                    let change = match (old, new) {
                        (Some(o), Some(n)) => classify_type_change(&o, &n),
                        _ => TypeChange::Rewrite,
                    };
                    cost += match change {
                        TypeChange::Free => 0.0,
                        TypeChange::Scan => SCAN_PER_ROW,
                        TypeChange::Rewrite => REWRITE_PER_ROW,
                    };
                } else if cmd_is(cmd, AlterTableType::AtAddColumn) {
                    if let Some(cd) = cmd_column(cmd) {
                        if column_default(cd).and_then(volatile_call).is_some()
                            || column_generated(cd)
                        {
                            cost += REWRITE_PER_ROW;
                        }
                        if column_constraints(cd).any(|c| {
                            is(c, ConstrType::ConstrPrimary) || is(c, ConstrType::ConstrUnique)
                        }) {
                            cost += INDEX_PER_ROW;
                        }
                    }
                } else if cmd_is(cmd, AlterTableType::AtAddConstraint) {
                    if let Some(c) = cmd_constraint(cmd) {
                        if is(c, ConstrType::ConstrPrimary)
                            || is(c, ConstrType::ConstrUnique)
                            || is(c, ConstrType::ConstrExclusion)
                        {
                            cost += if c.indexname.is_empty() {
                                INDEX_PER_ROW
                            } else {
                                0.0
                            };
                        } else if !c.skip_validation {
                            cost += SCAN_PER_ROW;
                        }
                    }
                } else if cmd_is(cmd, AlterTableType::AtValidateConstraint)
                    || cmd_is(cmd, AlterTableType::AtSetNotNull)
                {
                    cost += SCAN_PER_ROW;
                } else if cmd_is(cmd, AlterTableType::AtSetLogged)
                    || cmd_is(cmd, AlterTableType::AtSetUnLogged)
                {
                    cost += REWRITE_PER_ROW;
                }
            }
            (cost > 0.0).then_some((t, cost))
        }
        NodeEnum::UpdateStmt(u) => Some((qname_opt(&u.relation)?, DML_PER_ROW)),
        NodeEnum::DeleteStmt(d) => Some((qname_opt(&d.relation)?, DML_PER_ROW)),
        NodeEnum::ClusterStmt(c) => Some((qname_opt(&c.relation)?, REWRITE_PER_ROW)),
        _ => None,
    }
}

/// Estimates the unit in `cx`.
pub fn estimate(cx: &Context<'_>) -> Estimate {
    let mut e = Estimate::default();
    for s in cx.statements {
        match per_row(s, cx) {
            Some((t, cost)) if cx.table_exists_before(&t, s.index) => match cx.rows(&t) {
                Some(n) => e.seconds += cost * n as f64 + CATALOG,
                None => {
                    e.seconds += CATALOG;
                    let name = t.to_string();
                    if !e.unknown_tables.contains(&name) {
                        e.unknown_tables.push(name);
                    }
                }
            },
            _ => e.seconds += CATALOG,
        }
    }
    e
}
