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
        let NodeEnum::DropStmt(d) = &s.node else {
            return;
        };
        if d.remove_type != ObjectType::ObjectSchema as i32 {
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
                format!("schema {name} is dropped{cascade}: this cannot be undone by a rollback"),
            );
        }
    }
}
