//! `reindex-without-concurrently`: REINDEX that blocks writes.

use super::prelude::*;

crate::rule!(ReindexWithoutConcurrently {
    id: "reindex-without-concurrently",
    level: Error,
    category: Locking,
    summary: "REINDEX must use CONCURRENTLY",
    explanation: "A plain REINDEX blocks writes to the table (and reads that would use the index) for the whole rebuild. REINDEX CONCURRENTLY (PostgreSQL 12+) builds a replacement alongside and swaps it in.",
    bad: "REINDEX INDEX orders_customer_idx;",
    good: "REINDEX INDEX CONCURRENTLY orders_customer_idx;",
    remedy: "Use REINDEX ... CONCURRENTLY outside a transaction block.",
});

impl Rule for ReindexWithoutConcurrently {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::ReindexStmt(r) = &s.node else {
            return;
        };
        let concurrent = r.params.iter().any(|o| {
            matches!(&o.node, Some(NodeEnum::DefElem(d)) if d.defname.eq_ignore_ascii_case("concurrently"))
        });
        if !concurrent {
            let object = qname_opt(&r.relation)
                .map(|q| q.to_string())
                .unwrap_or_else(|| r.name.clone());
            out.add(
                &Self::META,
                Some(s),
                object.clone(),
                format!("REINDEX of {object} without CONCURRENTLY blocks writes for the rebuild"),
            );
        }
    }
}
