//! `created-at-default`: a creation timestamp without a default.

use super::{is_timestamp, Change, Pattern, Suggestion};

/// Recognises `created_at` / `inserted_at` without a default.
pub struct CreatedAtDefault;

impl Pattern for CreatedAtDefault {
    fn id(&self) -> &'static str {
        "created-at-default"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            if !matches!(c.name.as_str(), "created_at" | "inserted_at")
                || !is_timestamp(c)
                || c.default.is_some()
            {
                continue;
            }
            let col = &c.name;
            out.push(Suggestion {
                id: self.id(),
                title: format!("{}.{col} has no default", t.name),
                object: format!("{}.{col}", t.name),
                explanation: "A creation timestamp is only reliable when the database sets it: with DEFAULT now() every insert path gets it, including scripts and other services, and NOT NULL makes sure of it.".to_string(),
                sql: format!("ALTER TABLE {} ALTER COLUMN {col} SET DEFAULT now();", t.name.sql()),
            });
        }
    }
}
