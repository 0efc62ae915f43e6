//! `unbatched-backfill`: UPDATE or DELETE of a whole existing table in one statement.

use super::prelude::*;

crate::rule!(UnbatchedBackfill {
    id: "unbatched-backfill",
    level: Warning,
    category: Locking,
    summary: "UPDATE or DELETE without WHERE on an existing table locks every row in one transaction",
    explanation: "A whole-table UPDATE in a migration locks every row it touches until COMMIT, doubles the table's size in dead tuples, and floods WAL and replicas. Inside the schema migration's transaction it also holds the DDL locks for its whole duration.",
    bad: "UPDATE users SET plan = 'free';",
    good: "UPDATE users SET plan = 'free' WHERE id BETWEEN 1 AND 10000 AND plan IS NULL;",
    remedy: "Backfill in batches of a few thousand rows, each in its own transaction, outside the schema migration.",
});

impl Rule for UnbatchedBackfill {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let (rel, where_clause, verb) = match &s.node {
            NodeEnum::UpdateStmt(u) => (&u.relation, &u.where_clause, "UPDATE"),
            NodeEnum::DeleteStmt(d) => (&d.relation, &d.where_clause, "DELETE"),
            _ => return,
        };
        let Some(table) = qname_opt(rel) else { return };
        if where_clause.is_none() && cx.table_exists_before(&table, s.index) {
            out.add(
                &Self::META,
                Some(s),
                table.to_string(),
                format!("{verb} of every row of existing table {table} in one statement"),
            );
        }
    }
}
