//! `require-concurrent-index-deletion`: DROP INDEX without CONCURRENTLY.

use super::prelude::*;

crate::rule!(RequireConcurrentIndexDeletion {
    id: "require-concurrent-index-deletion",
    level: Error,
    category: Locking,
    summary: "DROP INDEX on an existing table must use CONCURRENTLY",
    explanation: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. It is quick once it has the lock, but it queues behind every running query on the table, and every later query queues behind it: a long report turns into an outage. DROP INDEX CONCURRENTLY waits for conflicting transactions without blocking new ones.",
    bad: "DROP INDEX orders_customer_idx;",
    good: "DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;",
    remedy: "Use DROP INDEX CONCURRENTLY outside a transaction block (one index per statement).",
});

impl Rule for RequireConcurrentIndexDeletion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::DropStmt(d) = &s.node else {
            return;
        };
        if d.remove_type != ObjectType::ObjectIndex as i32 {
            return;
        }
        if d.concurrent && cx.honours_mitigation() {
            return;
        }
        for name in drop_names(&d.objects) {
            if !cx.index_exists_before(&name, s.index) {
                continue;
            }
            // The index goes with a relation the plan drops anyway.
            if cx
                .old_index_table(&name)
                .is_some_and(|t| cx.relation_dropped(t))
            {
                continue;
            }
            out.add(
                &Self::META,
                Some(s),
                name.to_string(),
                format!("index {name} is dropped without CONCURRENTLY: the table is locked against reads and writes while the drop waits"),
            );
        }
    }
}
