//! `transaction-nesting`: BEGIN inside a transaction, or COMMIT without one.

use super::prelude::*;

crate::rule!(TransactionNesting {
    id: "transaction-nesting",
    level: Warning,
    category: Transactions,
    summary: "Do not nest BEGIN, or COMMIT a transaction the migration did not open",
    explanation: "A second BEGIN only warns and does nothing, so the first COMMIT ends the outer transaction early: later statements run outside it and are not rolled back on failure. A stray COMMIT ends the migration tool's own transaction the same way.",
    bad: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nBEGIN;\nALTER TABLE orders ADD COLUMN tag text;\nCOMMIT;\nCOMMIT;",
    good: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN tag text;\nCOMMIT;",
    remedy: "Use one BEGIN ... COMMIT per file (or none, when the migration tool wraps each file).",
});

impl Rule for TransactionNesting {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        if cx.mode != Mode::Files {
            return;
        }
        let mut depth = 0usize;
        for s in cx.statements {
            let NodeEnum::TransactionStmt(t) = &s.node else {
                continue;
            };
            let k = t.kind;
            if k == TransactionStmtKind::TransStmtBegin as i32
                || k == TransactionStmtKind::TransStmtStart as i32
            {
                if depth > 0 {
                    out.add(&Self::META, Some(s), "transaction", "BEGIN inside an open transaction: the inner COMMIT ends the outer transaction early");
                }
                depth += 1;
            } else if k == TransactionStmtKind::TransStmtCommit as i32
                || k == TransactionStmtKind::TransStmtRollback as i32
            {
                if depth == 0 {
                    out.add(&Self::META, Some(s), "transaction", "COMMIT or ROLLBACK without a BEGIN in this file ends a transaction the migration did not open");
                }
                depth = depth.saturating_sub(1);
            }
        }
    }
}
