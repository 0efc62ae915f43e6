//! `dropping-schema`: DROP schema destroys data or objects.

use super::prelude::*;

crate::rule!(DroppingSchema {
    id: "dropping-schema",
    level: Error,
    category: Destructive,
    summary: "Dropping a schema destroys everything in it",
    explanation: "DROP SCHEMA (with CASCADE) removes every table, view and function inside it, with their data. The rollback cannot bring the data back.",
    bad: "DROP SCHEMA reporting CASCADE;",
    good: "-- retire the schema first: nobody can use it, nothing is lost\nREVOKE USAGE ON SCHEMA reporting FROM PUBLIC;\n-- then drop its objects one by one, each reviewed",
    remedy: "Drop the objects one by one after a backup, so each loss is reviewed; then drop the empty schema without CASCADE.",
});

impl Rule for DroppingSchema {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        report_drops(&Self::META, s, ObjectType::ObjectSchema, "schema", out);
    }
}
