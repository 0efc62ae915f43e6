//! `stored-generated-column`: adding a stored generated column rewrites the table.

use super::prelude::*;

crate::rule!(StoredGeneratedColumn {
    id: "stored-generated-column",
    level: Error,
    category: Rewrite,
    summary: "Adding a stored generated column to an existing table rewrites it",
    explanation: "GENERATED ALWAYS AS (...) STORED computes the value for every existing row, rewriting the table under an ACCESS EXCLUSIVE lock.",
    bad: "ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (qty * price) STORED;",
    good: "ALTER TABLE orders ADD COLUMN total numeric;\n-- keep it current with a trigger, backfill in batches",
    remedy: "Add a plain column kept current by a trigger and backfill it in batches, or create the generated column with the table.",
});

impl Rule for StoredGeneratedColumn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        for (table, cd, added) in introduced_columns(&s.node) {
            if added && column_generated(cd) && cx.table_exists_before(&table, s.index) {
                out.add(
                    &Self::META,
                    Some(s),
                    format!("{table}.{}", cd.colname),
                    format!("stored generated column {table}.{} is added to an existing table: full rewrite under an ACCESS EXCLUSIVE lock", cd.colname),
                );
            }
        }
    }
}
