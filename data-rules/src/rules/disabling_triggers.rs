//! `disabling-triggers`: triggers switched off on a table.

use super::prelude::*;

crate::rule!(DisablingTriggers {
    id: "disabling-triggers",
    level: Warning,
    category: Security,
    summary: "Disabling triggers skips audit, derived data and (with ALL) foreign-key checks",
    explanation: "DISABLE TRIGGER ALL also disables the internal triggers that enforce foreign keys, so rows violating them get in silently; user triggers keep audit logs and derived columns current. It also takes a SHARE ROW EXCLUSIVE lock.",
    bad: "ALTER TABLE orders DISABLE TRIGGER ALL;",
    good: "-- make the trigger function skip bulk loads explicitly instead:\nSET LOCAL app.bulk_load = 'on';",
    remedy: "Keep triggers enabled; if a bulk load must bypass one, make the trigger function check a setting, and never disable ALL.",
});

impl Rule for DisablingTriggers {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::AlterTableStmt(at) = &s.node else {
            return;
        };
        let Some(table) = qname_opt(&at.relation) else {
            return;
        };
        for c in alter_cmds(at) {
            if cmd_is(c, AlterTableType::AtDisableTrig)
                || cmd_is(c, AlterTableType::AtDisableTrigAll)
                || cmd_is(c, AlterTableType::AtDisableTrigUser)
            {
                let which = if c.name.is_empty() {
                    "triggers".to_string()
                } else {
                    format!("trigger {}", c.name)
                };
                out.add(
                    &Self::META,
                    Some(s),
                    table.to_string(),
                    format!("{which} disabled on {table}"),
                );
            }
        }
    }
}
