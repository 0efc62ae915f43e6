//! `truncate-table`: TRUNCATE of an existing table in a migration.

use super::prelude::*;

crate::rule!(TruncateTable {
    id: "truncate-table",
    level: Warning,
    category: Destructive,
    summary: "TRUNCATE in a migration deletes every row and takes an ACCESS EXCLUSIVE lock",
    explanation: "TRUNCATE is instant and irreversible: it is not MVCC-safe (concurrent transactions see an empty table), it takes the strongest lock, and no rollback plan brings the rows back.",
    bad: "TRUNCATE audit_log;",
    good: "DELETE FROM audit_log WHERE created_at < now() - interval '90 days';",
    remedy: "Delete what must go explicitly and in batches; keep TRUNCATE for tables created in the same migration or for scratch data.",
});

impl Rule for TruncateTable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::TruncateStmt(t) = &s.node else {
            return;
        };
        for r in &t.relations {
            if let Some(NodeEnum::RangeVar(rv)) = &r.node {
                let table = qname(rv);
                if cx.table_exists_before(&table, s.index) {
                    out.add(
                        &Self::META,
                        Some(s),
                        table.to_string(),
                        format!("TRUNCATE deletes every row of {table}"),
                    );
                }
            }
        }
    }
}
