//! `enum-value-added-in-transaction`: ALTER TYPE ... ADD VALUE inside a transaction.

use super::prelude::*;

crate::rule!(EnumValueAddedInTransaction {
    id: "enum-value-added-in-transaction",
    level: Info,
    category: Transactions,
    summary: "An enum value added in a transaction cannot be used before COMMIT",
    explanation: "Since PostgreSQL 12 ALTER TYPE ... ADD VALUE may run in a transaction block, but the new value cannot be used (inserted, compared, set as default) until the transaction commits; before 12 the statement fails outright in a transaction.",
    bad: "BEGIN;\nALTER TYPE status ADD VALUE 'archived';\nUPDATE tickets SET state = 'archived' WHERE closed_at < now() - interval '1 year';\nCOMMIT;",
    good: "ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived';\n-- use the value in a later migration",
    remedy: "Add enum values in a migration of their own, and use them from the next one.",
});

impl Rule for EnumValueAddedInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::AlterEnumStmt(e) = &s.node else {
            return;
        };
        if e.new_val.is_empty()
            || !e.old_val.is_empty()
            || !s.in_transaction
            || cx.mode != Mode::Files
        {
            return;
        }
        let name = dotted(&e.type_name).join(".");
        out.add(&Self::META, Some(s), name.clone(), format!("value '{}' is added to enum {name} inside a transaction: it is unusable until COMMIT", e.new_val));
    }
}
