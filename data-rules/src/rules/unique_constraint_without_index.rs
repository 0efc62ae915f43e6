//! `unique-constraint-without-index`: ADD UNIQUE that builds its index under an exclusive lock.

use super::prelude::*;

crate::rule!(UniqueConstraintWithoutIndex {
    id: "unique-constraint-without-index",
    level: Error,
    category: Locking,
    summary: "A UNIQUE constraint on an existing table must use a prebuilt unique index",
    explanation: "ADD CONSTRAINT ... UNIQUE builds its index while holding an ACCESS EXCLUSIVE lock: the table can be neither read nor written for the whole build. Build the unique index CONCURRENTLY first, then attach it with USING INDEX, which is instant.",
    bad: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
    good: "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
    remedy: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX.",
});

impl Rule for UniqueConstraintWithoutIndex {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        for (table, c) in added_constraints(&s.node) {
            if !is(c, ConstrType::ConstrUnique) || !c.indexname.is_empty() {
                continue;
            }
            if !cx.table_exists_before(&table, s.index) {
                continue;
            }
            let name = if c.conname.is_empty() {
                "unique".to_string()
            } else {
                c.conname.clone()
            };
            out.add(
                &Self::META,
                Some(s),
                format!("{table}.{name}"),
                format!("UNIQUE {name} on existing table {table} builds its index under an ACCESS EXCLUSIVE lock"),
            );
        }
    }
}
