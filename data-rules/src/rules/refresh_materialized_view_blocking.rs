//! `refresh-materialized-view-blocking`: REFRESH MATERIALIZED VIEW without CONCURRENTLY.

use super::prelude::*;

crate::rule!(RefreshMaterializedViewBlocking {
    id: "refresh-materialized-view-blocking",
    level: Warning,
    category: Locking,
    summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks readers",
    explanation: "A plain refresh takes an ACCESS EXCLUSIVE lock on the view: every query reading it waits until the refresh query finishes. CONCURRENTLY (which needs a unique index on the view) lets readers see the old contents meanwhile.",
    bad: "REFRESH MATERIALIZED VIEW daily_sales;",
    good: "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;",
    remedy: "Give the view a unique index and refresh it CONCURRENTLY.",
});

impl Rule for RefreshMaterializedViewBlocking {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::RefreshMatViewStmt(r) = &s.node else {
            return;
        };
        let Some(view) = qname_opt(&r.relation) else {
            return;
        };
        if !r.concurrent && cx.table_exists_before(&view, s.index) {
            out.add(
                &Self::META,
                Some(s),
                view.to_string(),
                format!(
                    "refreshing {view} without CONCURRENTLY blocks every reader until it finishes"
                ),
            );
        }
    }
}
