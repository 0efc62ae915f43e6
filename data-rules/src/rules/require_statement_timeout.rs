//! `require-statement-timeout`: strong locks taken without a statement_timeout.

use super::prelude::*;

crate::rule!(RequireStatementTimeout {
    id: "require-statement-timeout",
    level: Warning,
    category: Locking,
    summary: "Set a statement_timeout so a migration cannot hold locks indefinitely",
    explanation: "A statement that scans or rewrites a table for longer than expected keeps its lock the whole time. statement_timeout bounds that: the statement is cancelled and the transaction rolls back instead of blocking the application for an hour.",
    bad: "ALTER TABLE orders ALTER COLUMN qty TYPE bigint;",
    good: "SET statement_timeout = '60s';\nALTER TABLE orders ALTER COLUMN qty TYPE bigint;",
    remedy: "In migration files: SET statement_timeout before the first DDL. For golden changes: set statement_timeout under [plan] in data.toml; every transaction of the plan and the deploy set it.",
});

impl Rule for RequireStatementTimeout {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        super::require_lock_timeout::timeout_check(
            &Self::META,
            "statement_timeout",
            cx.settings.statement_timeout.is_some()
                || cx
                    .plan
                    .is_some_and(|p| p.options.statement_timeout.is_some()),
            cx,
            out,
        );
    }
}
