//! `default-removed-from-required-column`: DROP DEFAULT on a NOT NULL column.

use super::prelude::*;

crate::rule!(DefaultRemovedFromRequiredColumn {
    id: "default-removed-from-required-column",
    level: Warning,
    category: Compatibility,
    summary: "Dropping the default of a NOT NULL column breaks inserts that omit it",
    explanation: "Code of the previous release that inserts rows without naming the column relied on the default; once it is gone those inserts fail with a NOT NULL violation.",
    bad: "-- before\nCREATE TABLE users (id bigint PRIMARY KEY, plan text NOT NULL DEFAULT 'free');\n-- after\nCREATE TABLE users (id bigint PRIMARY KEY, plan text NOT NULL);",
    good: "-- before\nCREATE TABLE users (id bigint PRIMARY KEY, plan text NOT NULL DEFAULT 'free');\n-- after\nCREATE TABLE users (id bigint PRIMARY KEY, plan text NOT NULL DEFAULT 'trial');",
    remedy: "Deploy code that always sets the column first, then drop the default in a later release.",
});

impl Rule for DefaultRemovedFromRequiredColumn {
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
        for cmd in alter_cmds(at) {
            if !cmd_is(cmd, AlterTableType::AtColumnDefault) || cmd.def.is_some() {
                continue;
            }
            // A reset (dropped and set again in the same plan) is not a removal.
            let still = cx
                .new
                .tables
                .get(&table)
                .and_then(|t| t.column(&cmd.name))
                .map(|c| (c.not_null, c.default.is_some()));
            let required = match (cx.mode, still) {
                (Mode::Change, Some((nn, has_default))) => nn && !has_default,
                (Mode::Change, None) => false,
                (Mode::Files, _) => false,
            };
            if required && cx.table_exists_before(&table, s.index) {
                out.add(&Self::META, Some(s), format!("{table}.{}", cmd.name), format!("default of required column {table}.{} is dropped: inserts that omit it start failing", cmd.name));
            }
        }
    }
}
