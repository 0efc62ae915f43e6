//! `dropping-table`: DROP table destroys data or objects.

use super::prelude::*;

crate::rule!(DroppingTable {
    id: "dropping-table",
    level: Error,
    category: Destructive,
    summary: "Dropping a table destroys its data",
    explanation: "DROP TABLE deletes every row for good: the rollback plan can re-create the table but not its contents. Running code that still reads or writes the table fails at once.",
    bad: "DROP TABLE legacy_sessions;",
    good: "-- release 1: the code stops using the table; block writes so stragglers show up\nREVOKE INSERT, UPDATE, DELETE ON legacy_sessions FROM app;\n-- release 2, after a backup: drop it, with an override stating why",
    remedy: "Remove every use from the code first and deploy that; take a backup; then drop in a later release (override with a written reason).",
});

impl Rule for DroppingTable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        report_drops(&Self::META, s, ObjectType::ObjectTable, "table", out);
    }
}
