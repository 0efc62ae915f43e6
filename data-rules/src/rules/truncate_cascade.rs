//! `truncate-cascade`: TRUNCATE ... CASCADE empties tables not named in the statement.

use super::prelude::*;

crate::rule!(TruncateCascade {
    id: "truncate-cascade",
    level: Error,
    category: Destructive,
    summary: "TRUNCATE ... CASCADE also empties every table referencing the named ones",
    explanation: "CASCADE follows foreign keys: truncating a small lookup table can silently empty orders, invoices and everything else pointing at it, recursively.",
    bad: "TRUNCATE countries CASCADE;",
    good: "TRUNCATE staging_import;",
    remedy: "Name every table to be emptied explicitly, without CASCADE, after checking what references them.",
});

impl Rule for TruncateCascade {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::TruncateStmt(t) = &s.node else {
            return;
        };
        if t.behavior != DropBehavior::DropCascade as i32 {
            return;
        }
        let names: Vec<String> = t
            .relations
            .iter()
            .filter_map(|r| match &r.node {
                Some(NodeEnum::RangeVar(rv)) => Some(qname(rv).to_string()),
                _ => None,
            })
            .collect();
        let object = names.join(", ");
        out.add(
            &Self::META,
            Some(s),
            object.clone(),
            format!("TRUNCATE {object} CASCADE also empties every table that references it"),
        );
    }
}
