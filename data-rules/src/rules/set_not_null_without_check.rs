//! `set-not-null-without-check`: SET NOT NULL that scans the table under an exclusive lock.

use super::prelude::*;

crate::rule!(SetNotNullWithoutCheck {
    id: "set-not-null-without-check",
    level: Error,
    category: Locking,
    summary: "SET NOT NULL on an existing table needs a validated CHECK (col IS NOT NULL) first",
    explanation: "ALTER COLUMN ... SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock to prove there is no NULL. Since PostgreSQL 12 the scan is skipped when a validated CHECK constraint already proves it, and a CHECK can be added NOT VALID and validated without blocking writes.",
    bad: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    good: "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;",
    remedy: "Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (instant), then drop the CHECK.",
});

impl SetNotNullWithoutCheck {
    /// Whether a validated `CHECK (col IS NOT NULL)` exists before statement `at`.
    fn proven(cx: &Context<'_>, table: &QName, column: &str, at: usize) -> bool {
        if let Some(t) = cx.old_table(table) {
            let in_old = t.constraints.values().any(|c| {
                !c.not_valid
                    && matches!(&c.kind, ConstraintKind::Check { expr } if check_text_is_not_null(&expr.sql, column))
            });
            if in_old {
                return true;
            }
        }
        // Files: a CHECK added earlier and validated earlier in the same file.
        let mut checks: Vec<String> = Vec::new();
        let mut validated = false;
        for s in cx.before(at) {
            let NodeEnum::AlterTableStmt(a) = &s.node else {
                continue;
            };
            if qname_opt(&a.relation).as_ref() != Some(table) {
                continue;
            }
            for cmd in alter_cmds(a) {
                if let Some(c) = cmd_constraint(cmd) {
                    if is(c, ConstrType::ConstrCheck)
                        && c.raw_expr
                            .as_deref()
                            .is_some_and(|e| is_not_null_check(e, column))
                    {
                        if !c.skip_validation {
                            return true;
                        }
                        checks.push(c.conname.clone());
                    }
                }
                if cmd_is(cmd, AlterTableType::AtValidateConstraint) && checks.contains(&cmd.name) {
                    validated = true;
                }
            }
        }
        validated
    }
}

impl Rule for SetNotNullWithoutCheck {
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
        for cmd in alter_cmds(at).filter(|c| cmd_is(c, AlterTableType::AtSetNotNull)) {
            if Self::proven(cx, &table, &cmd.name, s.index) {
                continue;
            }
            out.add(
                &Self::META,
                Some(s),
                format!("{table}.{}", cmd.name),
                format!("SET NOT NULL on {table}.{} scans the table under an ACCESS EXCLUSIVE lock: no validated CHECK ({} IS NOT NULL) proves it first", cmd.name, cmd.name),
            );
        }
    }
}
