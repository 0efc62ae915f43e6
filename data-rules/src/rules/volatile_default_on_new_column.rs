//! `volatile-default-on-new-column`: a column added with a per-row default rewrites the table.

use super::prelude::*;

crate::rule!(VolatileDefaultOnNewColumn {
    id: "volatile-default-on-new-column",
    level: Error,
    category: Rewrite,
    summary: "A column added to an existing table with a volatile default rewrites the table",
    explanation: "Since PostgreSQL 11 a constant default is stored once in the catalog and ADD COLUMN is instant. A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval) must be evaluated per row, so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock. now() and CURRENT_TIMESTAMP are stable, not volatile, and do not rewrite.",
    bad: "ALTER TABLE events ADD COLUMN token uuid DEFAULT gen_random_uuid();",
    good: "ALTER TABLE events ADD COLUMN token uuid;\nALTER TABLE events ALTER COLUMN token SET DEFAULT gen_random_uuid();\n-- then backfill existing rows in batches",
    remedy: "Add the column without the default, then SET DEFAULT in a second statement (only new rows get it), and backfill existing rows in batches.",
});

impl Rule for VolatileDefaultOnNewColumn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        for (table, cd, added) in introduced_columns(&s.node) {
            if !added || !cx.table_exists_before(&table, s.index) {
                continue;
            }
            let Some(def) = column_default(cd) else {
                continue;
            };
            if let Some(f) = volatile_call(def) {
                out.add(
                    &Self::META,
                    Some(s),
                    format!("{table}.{}", cd.colname),
                    format!("column {table}.{} is added with volatile default {f}(): the whole table is rewritten under an ACCESS EXCLUSIVE lock", cd.colname),
                );
            }
        }
    }
}
