//! `set-logged-or-unlogged`: switching a table's persistence rewrites it.

use super::prelude::*;

crate::rule!(SetLoggedOrUnlogged {
    id: "set-logged-or-unlogged",
    level: Error,
    category: Rewrite,
    summary: "ALTER TABLE SET LOGGED / SET UNLOGGED rewrites the table",
    explanation: "Changing persistence copies the whole table (and writes it all to WAL when made LOGGED) under an ACCESS EXCLUSIVE lock. UNLOGGED tables are also emptied after a crash and are not replicated.",
    bad: "ALTER TABLE page_views SET UNLOGGED;",
    good: "CREATE UNLOGGED TABLE page_views_buffer (LIKE page_views);",
    remedy: "Decide persistence when creating the table; to switch, create a new table and move data in batches.",
});

impl Rule for SetLoggedOrUnlogged {
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
        if alter_cmds(at).any(|c| {
            cmd_is(c, AlterTableType::AtSetLogged) || cmd_is(c, AlterTableType::AtSetUnLogged)
        }) {
            out.add(&Self::META, Some(s), table.to_string(), format!("persistence of {table} changes: the whole table is rewritten under an ACCESS EXCLUSIVE lock"));
        }
    }
}
