//! `concurrently-in-transaction`: CONCURRENTLY operations inside a transaction block.

use super::prelude::*;

crate::rule!(ConcurrentlyInTransaction {
    id: "concurrently-in-transaction",
    level: Error,
    category: Transactions,
    summary: "CREATE/DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY cannot run in a transaction block",
    explanation: "PostgreSQL refuses CONCURRENTLY inside BEGIN ... COMMIT (the build needs to commit between its phases), so the migration fails at that statement, after the earlier statements of the transaction have run and been rolled back.",
    bad: "BEGIN;\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\nCOMMIT;",
    good: "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);",
    remedy: "Run the concurrent statement on its own, outside any transaction block (disable the migration tool's per-file transaction for that file).",
});

impl Rule for ConcurrentlyInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        if !s.in_transaction {
            return;
        }
        let what = match &s.node {
            NodeEnum::IndexStmt(i) if i.concurrent => format!("index {}", i.idxname),
            NodeEnum::DropStmt(d) if d.concurrent => "DROP INDEX".to_string(),
            NodeEnum::ReindexStmt(r) if r.params.iter().any(|o| matches!(&o.node, Some(NodeEnum::DefElem(d)) if d.defname.eq_ignore_ascii_case("concurrently"))) => "REINDEX".to_string(),
            _ => return,
        };
        out.add(
            &Self::META,
            Some(s),
            what.clone(),
            format!("{what} uses CONCURRENTLY inside a transaction block: PostgreSQL rejects it"),
        );
    }
}
