//! Semantic migration intelligence: patterns that recognise the intent of a golden change
//! (soft deletes, audit timestamps, multi-tenancy, ...) and suggest what usually goes with it,
//! with SQL. One pattern per file; suggestions never fail a lint.

mod audit_timestamps;
mod boolean_nullable;
mod created_at_default;
mod email_lookup;
mod enum_growth;
mod exposed_table_without_rls;
mod fk_without_index;
mod float_money;
mod multi_tenancy;
mod soft_delete;
mod status_text;
mod typed_json;

use crate::config::Settings;
use data_ast::model::{Column, Schema, Table};
use serde::Serialize;

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The pattern's id, e.g. `soft-delete`.
    pub id: &'static str,
    /// One line.
    pub title: String,
    /// The object it is about.
    pub object: String,
    /// Why it is suggested.
    pub explanation: String,
    /// The SQL to add to golden SQL (a sketch to adapt).
    pub sql: String,
}

/// A pattern: recognises an intent in a change and suggests what goes with it.
pub trait Pattern: Send + Sync {
    /// Its id.
    fn id(&self) -> &'static str;
    /// Adds its suggestions for the change.
    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>);
}

/// A golden change as patterns see it.
pub struct Change<'a> {
    /// Before.
    pub old: &'a Schema,
    /// After.
    pub new: &'a Schema,
    /// Effective settings (exposed schemas).
    pub settings: &'a Settings,
}

impl<'a> Change<'a> {
    /// Columns present in `new` but not in `old` (new tables included), with their table.
    pub fn added_columns(&self) -> Vec<(&'a Table, &'a Column)> {
        let mut out = Vec::new();
        for (name, t) in &self.new.tables {
            let source = t.renamed_from.as_ref().unwrap_or(name);
            let old = self.old.tables.get(source);
            for c in &t.columns {
                let was = old.is_some_and(|o| {
                    o.column(&c.name).is_some()
                        || c.renamed_from
                            .as_ref()
                            .is_some_and(|f| o.column(f).is_some())
                });
                if !was && c.local {
                    out.push((t, c));
                }
            }
        }
        out
    }

    /// Tables present in `new` but not in `old`.
    pub fn new_tables(&self) -> Vec<&'a Table> {
        self.new
            .tables
            .iter()
            .filter(|(n, t)| {
                !self.old.tables.contains_key(*n)
                    && !t
                        .renamed_from
                        .as_ref()
                        .is_some_and(|f| self.old.tables.contains_key(f))
            })
            .map(|(_, t)| t)
            .collect()
    }

    /// Whether any index or key of `table` starts with `columns`.
    pub fn indexed(&self, table: &Table, columns: &[String]) -> bool {
        use data_ast::model::ConstraintKind;
        let keyed = table.constraints.values().any(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns: k, .. }
            | ConstraintKind::Unique { columns: k, .. } => k.starts_with(columns),
            _ => false,
        });
        keyed
            || self
                .new
                .indexes
                .values()
                .any(|i| i.table == table.name && index_columns(&i.create_sql).starts_with(columns))
    }
}

/// The plain column list of a canonical `CREATE INDEX` (expressions give an empty name).
pub fn index_columns(create_sql: &str) -> Vec<String> {
    match data_ast::parse::parse_text(create_sql) {
        Ok(nodes) => match nodes.first() {
            Some(pg_query::NodeEnum::IndexStmt(i)) => i
                .index_params
                .iter()
                .map(|p| match &p.node {
                    Some(pg_query::NodeEnum::IndexElem(e)) => e.name.clone(),
                    _ => String::new(),
                })
                .collect(),
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    }
}

/// Whether a column's canonical type is a timestamp.
pub fn is_timestamp(c: &Column) -> bool {
    c.ty.sql.starts_with("timestamp")
}

/// Whether a column's canonical type is textual.
pub fn is_text(c: &Column) -> bool {
    c.ty.sql == "text" || c.ty.sql.starts_with("character varying") || c.ty.sql == "citext"
}

/// Every pattern.
pub fn patterns() -> Vec<&'static dyn Pattern> {
    vec![
        &soft_delete::SoftDelete,
        &audit_timestamps::AuditTimestamps,
        &multi_tenancy::MultiTenancy,
        &fk_without_index::FkWithoutIndex,
        &exposed_table_without_rls::ExposedTableWithoutRls,
        &enum_growth::EnumGrowth,
        &typed_json::TypedJson,
        &created_at_default::CreatedAtDefault,
        &status_text::StatusText,
        &email_lookup::EmailLookup,
        &boolean_nullable::BooleanNullable,
        &float_money::FloatMoney,
    ]
}

/// Runs every pattern over a change.
pub fn suggest(old: &Schema, new: &Schema, settings: &Settings) -> Vec<Suggestion> {
    let change = Change { old, new, settings };
    let mut out = Vec::new();
    for p in patterns() {
        p.suggest(&change, &mut out);
    }
    out
}
