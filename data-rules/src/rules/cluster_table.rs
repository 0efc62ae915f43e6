//! `cluster-table`: CLUSTER in a migration.

use super::prelude::*;

crate::rule!(ClusterTable {
    id: "cluster-table",
    level: Error,
    category: Locking,
    summary: "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
    explanation: "CLUSTER reorders a table by an index by writing a full new copy; reads and writes wait until it is done.",
    bad: "CLUSTER orders USING orders_created_idx;",
    good: "-- keep the physical order with a fillfactor and regular VACUUM, or run pg_repack --order-by\nALTER TABLE orders SET (fillfactor = 90);",
    remedy: "Do not CLUSTER in a migration; use an online reorganisation tool in a maintenance window.",
});

impl Rule for ClusterTable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::ClusterStmt(c) = &s.node else {
            return;
        };
        let object = qname_opt(&c.relation)
            .map(|q| q.to_string())
            .unwrap_or_else(|| "database".into());
        out.add(
            &Self::META,
            Some(s),
            object.clone(),
            format!("CLUSTER {object} blocks reads and writes while it rewrites"),
        );
    }
}
