//! `boolean-nullable`: a boolean flag with three states.

use super::{Change, Pattern, Suggestion};

/// Recognises nullable boolean columns without a default.
pub struct BooleanNullable;

impl Pattern for BooleanNullable {
    fn id(&self) -> &'static str {
        "boolean-nullable"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            if c.ty.sql != "boolean" || c.not_null || c.default.is_some() {
                continue;
            }
            let col = &c.name;
            out.push(Suggestion {
                id: self.id(),
                title: format!("{}.{col} is a boolean that can be NULL", t.name),
                object: format!("{}.{col}", t.name),
                explanation: "A nullable flag has three states; WHERE NOT flag silently skips the NULL rows. Unless 'unknown' is meant, give it a default and NOT NULL (instant with a constant default).".into(),
                sql: format!("ALTER TABLE {} ALTER COLUMN {col} SET DEFAULT false;\n-- after backfilling NULLs: ALTER TABLE {} ALTER COLUMN {col} SET NOT NULL;", t.name.sql(), t.name.sql()),
            });
        }
    }
}
