//! `dropping-column`: ALTER TABLE DROP COLUMN destroys data and breaks running code.

use super::prelude::*;

crate::rule!(DroppingColumn {
    id: "dropping-column",
    level: Error,
    category: Destructive,
    summary: "Dropping a column destroys its data and breaks code that still selects it",
    explanation: "DROP COLUMN is instant, but the values are gone: the rollback re-adds the column empty. Application instances still running the previous release fail on every query naming the column, and ORMs that select every column fail even without naming it.",
    bad: "ALTER TABLE users DROP COLUMN legacy_flag;",
    good: "-- release 1: the code stops reading and writing users.legacy_flag; make it harmless meanwhile\nALTER TABLE users ALTER COLUMN legacy_flag DROP NOT NULL;\n-- release 2, after a backup: drop it, with an override stating why",
    remedy: "Stop using the column in code and deploy that first; take a backup; drop it in a later release (override with a written reason).",
});

impl Rule for DroppingColumn {
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
        for cmd in alter_cmds(at).filter(|c| cmd_is(c, AlterTableType::AtDropColumn)) {
            out.add(
                &Self::META,
                Some(s),
                format!("{table}.{}", cmd.name),
                format!(
                    "column {table}.{} is dropped: its data is lost and code still using it fails",
                    cmd.name
                ),
            );
        }
    }
}
