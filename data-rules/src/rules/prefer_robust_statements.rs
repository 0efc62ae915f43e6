//! `prefer-robust-statements`: statements in a non-transactional migration that fail on retry.

use super::prelude::*;

crate::rule!(PreferRobustStatements {
    id: "prefer-robust-statements",
    level: Info,
    category: Transactions,
    summary: "Outside a transaction, use IF [NOT] EXISTS so a retried migration does not fail half way",
    explanation: "A migration file that does not run in one transaction (for example because it builds indexes CONCURRENTLY) can stop half way. Re-running it then fails on the first object that already exists (or is already gone). IF NOT EXISTS / IF EXISTS make each step safe to repeat. Applies to migration files; data's own plans are tracked step by step.",
    bad: "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);",
    good: "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);",
    remedy: "Add IF NOT EXISTS to CREATE and IF EXISTS to DROP statements that run outside a transaction.",
});

impl Rule for PreferRobustStatements {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        if cx.mode != Mode::Files || s.in_transaction {
            return;
        }
        let (fragile, what) = match &s.node {
            NodeEnum::IndexStmt(i) => (!i.if_not_exists, format!("index {}", i.idxname)),
            NodeEnum::CreateStmt(c) => (
                !c.if_not_exists,
                format!(
                    "table {}",
                    qname_opt(&c.relation)
                        .map(|q| q.to_string())
                        .unwrap_or_default()
                ),
            ),
            NodeEnum::DropStmt(d) => (!d.missing_ok, "DROP".to_string()),
            _ => return,
        };
        if fragile {
            out.add(&Self::META, Some(s), what.clone(), format!("{what} outside a transaction without IF [NOT] EXISTS fails when the migration is retried"));
        }
    }
}
