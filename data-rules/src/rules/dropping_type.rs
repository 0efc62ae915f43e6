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
        let NodeEnum::DropStmt(d) = &s.node else {
            return;
        };
        if d.remove_type != ObjectType::ObjectType as i32 {
            return;
        }
        for name in drop_names(&d.objects) {
            let name = if name.schema.is_empty() {
                name.name.clone()
            } else {
                name.to_string()
            };
            let cascade = if d.behavior == DropBehavior::DropCascade as i32 {
                " with CASCADE (dependent objects go too)"
            } else {
                ""
            };
            out.add(
                &Self::META,
                Some(s),
                name.clone(),
                format!("type {name} is dropped{cascade}: this cannot be undone by a rollback"),
            );
        }
    }
}
