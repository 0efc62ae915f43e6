//! `require-lock-timeout`: strong locks taken without a lock_timeout.

use super::prelude::*;

crate::rule!(RequireLockTimeout {
    id: "require-lock-timeout",
    level: Warning,
    category: Locking,
    summary: "Set a lock_timeout before taking strong locks on existing tables",
    explanation: "A DDL statement waiting for its lock blocks every later query on the table, even ones it would not conflict with, for as long as the oldest running transaction lasts. With lock_timeout set, the migration gives up after a few seconds and can be retried, instead of taking the application down.",
    bad: "ALTER TABLE orders ADD COLUMN note text;",
    good: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
    remedy: "In migration files: SET lock_timeout (a few seconds) before the first DDL. For golden changes: set lock_timeout under [plan] in data.toml (default 5s); every transaction of the plan and the deploy set it.",
});

impl Rule for RequireLockTimeout {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        timeout_check(
            &Self::META,
            "lock_timeout",
            cx.settings.lock_timeout.is_some()
                || cx.plan.is_some_and(|p| p.options.lock_timeout.is_some()),
            cx,
            out,
        );
    }
}

/// Shared by the lock and statement timeout rules: the first strong-lock statement on an
/// existing table with no `SET <setting>` before it (files), or no configured value (changes).
pub(crate) fn timeout_check(
    meta: &'static RuleMeta,
    setting: &str,
    configured: bool,
    cx: &Context<'_>,
    out: &mut Findings,
) {
    let mut set = false;
    for s in cx.statements {
        if let NodeEnum::VariableSetStmt(v) = &s.node {
            if v.name.eq_ignore_ascii_case(setting) {
                set = true;
            }
        }
        let Some(table) = locked_table(&s.node) else {
            continue;
        };
        if !cx.table_exists_before(&table, s.index) {
            continue;
        }
        let ok = match cx.mode {
            Mode::Files => set,
            Mode::Change => configured || set,
        };
        if !ok {
            let message = match cx.mode {
                Mode::Files => format!("{table} is locked with no {setting} set before: a blocked lock queue can take the application down"),
                Mode::Change => format!("{table} is locked and no {setting} is configured (data.toml [plan] or .data-prime-directive.yml)"),
            };
            out.add(meta, Some(s), table.to_string(), message);
        }
        return;
    }
}

/// The existing table a DDL statement locks strongly, if any.
pub(crate) fn locked_table(node: &NodeEnum) -> Option<QName> {
    match node {
        NodeEnum::AlterTableStmt(a) => qname_opt(&a.relation),
        NodeEnum::IndexStmt(i) if !i.concurrent => qname_opt(&i.relation),
        NodeEnum::RenameStmt(r) => qname_opt(&r.relation),
        NodeEnum::CreateTrigStmt(t) => qname_opt(&t.relation),
        NodeEnum::TruncateStmt(t) => t.relations.iter().find_map(|r| match &r.node {
            Some(NodeEnum::RangeVar(rv)) => Some(qname(rv)),
            _ => None,
        }),
        NodeEnum::DropStmt(d) if d.remove_type == ObjectType::ObjectTable as i32 => {
            drop_names(&d.objects).into_iter().next()
        }
        _ => None,
    }
}
