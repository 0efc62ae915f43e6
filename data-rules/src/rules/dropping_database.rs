//! `dropping-database`: DROP database destroys data or objects.

use super::prelude::*;

crate::rule!(DroppingDatabase {
    id: "dropping-database",
    level: Error,
    category: Destructive,
    summary: "DROP DATABASE does not belong in a migration",
    explanation:
        "A migration that drops a database destroys everything in it and cannot be rolled back.",
    bad: "DROP DATABASE analytics;",
    good: "-- decommission databases by hand, after a backup, outside migrations",
    remedy: "Remove the statement; retire databases through an operational runbook.",
});

impl Rule for DroppingDatabase {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::DropdbStmt(d) = &s.node else {
            return;
        };
        out.add(
            &Self::META,
            Some(s),
            d.dbname.clone(),
            format!("database {} is dropped: everything in it is lost", d.dbname),
        );
    }
}
