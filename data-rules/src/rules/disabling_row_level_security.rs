//! `disabling-row-level-security`: RLS switched off on a table.

use super::prelude::*;

crate::rule!(DisablingRowLevelSecurity {
    id: "disabling-row-level-security",
    level: Warning,
    category: Security,
    summary: "Disabling row-level security exposes every row to every role with table privileges",
    explanation: "With RLS off, policies are ignored: a client role that could see only its tenant's rows now sees all of them. On exposed schemas (PostgREST, Supabase) that is a data leak the moment the migration commits.",
    bad: "ALTER TABLE documents DISABLE ROW LEVEL SECURITY;",
    good: "DROP POLICY IF EXISTS documents_read ON documents;\nCREATE POLICY documents_read ON documents FOR SELECT USING (owner_id = current_setting('app.user_id')::bigint);",
    remedy: "Change the policies instead of disabling RLS; if RLS must go, revoke client privileges first.",
});

impl Rule for DisablingRowLevelSecurity {
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
        if alter_cmds(at).any(|c| cmd_is(c, AlterTableType::AtDisableRowSecurity))
            && cx.table_exists_before(&table, s.index)
        {
            out.add(
                &Self::META,
                Some(s),
                table.to_string(),
                format!("row-level security is disabled on {table}: its policies stop applying"),
            );
        }
    }
}
