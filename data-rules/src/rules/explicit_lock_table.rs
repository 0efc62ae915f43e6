//! `explicit-lock-table`: LOCK TABLE in a migration.

use super::prelude::*;

crate::rule!(ExplicitLockTable {
    id: "explicit-lock-table",
    level: Warning,
    category: Locking,
    summary: "LOCK TABLE holds a lock until the transaction ends",
    explanation: "An explicit LOCK TABLE (ACCESS EXCLUSIVE by default) is held until COMMIT: everything else the migration does afterwards extends the outage. It is rarely needed: each DDL statement takes the lock it needs.",
    bad: "BEGIN;\nLOCK TABLE orders;\nUPDATE orders SET status = 'new' WHERE status IS NULL;\nCOMMIT;",
    good: "UPDATE orders SET status = 'new' WHERE id BETWEEN 1 AND 10000 AND status IS NULL;",
    remedy: "Drop the explicit lock; if one is really needed, take the weakest mode that works, with NOWAIT or a lock_timeout, and keep the transaction short.",
});

impl Rule for ExplicitLockTable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::LockStmt(l) = &s.node else {
            return;
        };
        for r in &l.relations {
            if let Some(NodeEnum::RangeVar(rv)) = &r.node {
                let t = qname(rv);
                out.add(
                    &Self::META,
                    Some(s),
                    t.to_string(),
                    format!("LOCK TABLE {t} holds its lock until the transaction ends"),
                );
            }
        }
    }
}
