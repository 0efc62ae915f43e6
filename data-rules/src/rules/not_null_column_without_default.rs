//! `not-null-column-without-default`: a required column added to a table that holds rows.

use super::prelude::*;

crate::rule!(NotNullColumnWithoutDefault {
    id: "not-null-column-without-default",
    level: Error,
    category: Compatibility,
    summary: "A NOT NULL column added to an existing table needs a default",
    explanation: "ALTER TABLE ... ADD COLUMN ... NOT NULL without a DEFAULT fails on a table that has rows, and if the table is empty in development it passes there and fails in production. Even when it succeeds, application code still running the old version inserts rows without the column and starts failing.",
    bad: "ALTER TABLE users ADD COLUMN plan text NOT NULL;",
    good: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
    remedy: "Give the column a constant DEFAULT (no rewrite since PostgreSQL 11), or add it nullable, backfill in batches, then add a NOT VALID CHECK (col IS NOT NULL), VALIDATE it, and SET NOT NULL.",
});

impl Rule for NotNullColumnWithoutDefault {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        for (table, cd, added) in introduced_columns(&s.node) {
            if !added || !cx.table_exists_before(&table, s.index) {
                continue;
            }
            let identity = column_constraints(cd).any(|c| is(c, ConstrType::ConstrIdentity))
                || serial_type(cd);
            if column_not_null(cd)
                && column_default(cd).is_none()
                && !identity
                && !column_generated(cd)
            {
                out.add(
                    &Self::META,
                    Some(s),
                    format!("{table}.{}", cd.colname),
                    format!(
                        "column {}.{} is added NOT NULL without a default to existing table {table}: it fails if the table has rows",
                        table, cd.colname
                    ),
                );
            }
        }
    }
}
