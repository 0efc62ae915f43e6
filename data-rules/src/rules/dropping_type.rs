//! `dropping-type`: DROP type destroys data or objects.

use super::prelude::*;

crate::rule!(DroppingType {
    id: "dropping-type",
    level: Warning,
    category: Destructive,
    summary: "Dropping a type breaks every column and function using it",
    explanation: "DROP TYPE fails while columns use the type, and with CASCADE it drops those columns with their data.",
    bad: "DROP TYPE order_status CASCADE;",
    good: "-- first move columns off the type (expand and contract)\nALTER TABLE orders ADD COLUMN status_text text;",
    remedy: "Move columns to another type first (expand and contract), then drop the unused type without CASCADE.",
});

impl Rule for DroppingType {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        report_drops(&Self::META, s, ObjectType::ObjectType, "type", out);
    }
}
