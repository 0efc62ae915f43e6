//! `primary-key-column-added`: ADD COLUMN ... PRIMARY KEY (often serial) on an existing table.

use super::prelude::*;

crate::rule!(PrimaryKeyColumnAdded {
    id: "primary-key-column-added",
    level: Error,
    category: Rewrite,
    summary: "Adding a key column (PRIMARY KEY or UNIQUE) to an existing table rewrites and indexes it under lock",
    explanation: "ADD COLUMN id serial PRIMARY KEY fills every existing row from a sequence (a full rewrite) and builds the unique index, all under an ACCESS EXCLUSIVE lock. A UNIQUE column added inline builds its index under the same lock.",
    bad: "ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;",
    good: "ALTER TABLE events ADD COLUMN id bigint;\n-- backfill in batches, then:\nCREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;",
    remedy: "Add the column plain, backfill in batches, build the unique index CONCURRENTLY and attach it with USING INDEX.",
});

impl Rule for PrimaryKeyColumnAdded {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        for (table, cd, added) in introduced_columns(&s.node) {
            if !added || !cx.table_exists_before(&table, s.index) {
                continue;
            }
            if column_constraints(cd)
                .any(|c| is(c, ConstrType::ConstrPrimary) || is(c, ConstrType::ConstrUnique))
            {
                out.add(
                    &Self::META,
                    Some(s),
                    format!("{table}.{}", cd.colname),
                    format!("key column {table}.{} is added to an existing table: rewrite and index build under an ACCESS EXCLUSIVE lock", cd.colname),
                );
            }
        }
    }
}
