//! `primary-key-without-index`: ADD PRIMARY KEY that builds its index under an exclusive lock.

use super::prelude::*;

crate::rule!(PrimaryKeyWithoutIndex {
    id: "primary-key-without-index",
    level: Error,
    category: Locking,
    summary: "A primary key added to an existing table must use a prebuilt unique index",
    explanation: "ADD PRIMARY KEY builds a unique index and sets the key columns NOT NULL while holding an ACCESS EXCLUSIVE lock. On a large table that is a long outage. A unique index built CONCURRENTLY can be promoted with PRIMARY KEY USING INDEX.",
    bad: "ALTER TABLE events ADD PRIMARY KEY (id);",
    good: "CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;",
    remedy: "Make sure the columns are NOT NULL (via a validated CHECK), CREATE UNIQUE INDEX CONCURRENTLY, then ADD PRIMARY KEY USING INDEX.",
});

impl Rule for PrimaryKeyWithoutIndex {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::AlterTableStmt(at) = &s.node else {
            return;
        };
        let Some(table) = qname_opt(&at.relation) else {
            return;
        };
        if !cx.table_exists_before(&table, s.index) {
            return;
        }
        for c in alter_cmds(at)
            .filter(|c| cmd_is(c, AlterTableType::AtAddConstraint))
            .filter_map(cmd_constraint)
        {
            if is(c, ConstrType::ConstrPrimary) && c.indexname.is_empty() {
                out.add(
                    &Self::META,
                    Some(s),
                    table.to_string(),
                    format!("primary key on existing table {table} builds its index under an ACCESS EXCLUSIVE lock"),
                );
            }
        }
    }
}
