//! `exclusion-constraint-on-existing-table`: EXCLUDE constraints block the table while built.

use super::prelude::*;

crate::rule!(ExclusionConstraintOnExistingTable {
    id: "exclusion-constraint-on-existing-table",
    level: Error,
    category: Locking,
    summary: "An exclusion constraint added to an existing table blocks it for the whole index build",
    explanation: "ADD CONSTRAINT ... EXCLUDE builds its index under an ACCESS EXCLUSIVE lock and, unlike UNIQUE, cannot be attached from an index built CONCURRENTLY. On a table with data this is an outage for the duration of the build.",
    bad: "ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
    good: "CREATE TABLE bookings (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));",
    remedy: "Declare exclusion constraints when the table is created, or schedule the change in a maintenance window with the table's size known.",
});

impl Rule for ExclusionConstraintOnExistingTable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        for (table, c) in added_constraints(&s.node) {
            if is(c, ConstrType::ConstrExclusion) && cx.table_exists_before(&table, s.index) {
                out.add(
                    &Self::META,
                    Some(s),
                    format!("{table}.{}", c.conname),
                    format!("exclusion constraint on existing table {table} builds its index under an ACCESS EXCLUSIVE lock"),
                );
            }
        }
    }
}
