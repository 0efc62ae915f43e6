//! `typed-json`: a JSON column whose shape should be stated.

use super::{Change, Pattern, Suggestion};

/// Recognises added json/jsonb columns.
pub struct TypedJson;

impl Pattern for TypedJson {
    fn id(&self) -> &'static str {
        "typed-json"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            if c.ty.sql != "json" && c.ty.sql != "jsonb" {
                continue;
            }
            let table = t.name.sql();
            let col = &c.name;
            out.push(Suggestion {
                id: self.id(),
                title: format!("{}.{col} is untyped JSON: state its shape or promote known fields", t.name),
                object: format!("{}.{col}", t.name),
                explanation: format!("Fields that every row has and queries filter on belong in typed columns (constraints, statistics, plain indexes). What stays JSON should at least be checked: a CHECK on its top-level type and required keys stops malformed documents at the door.{}", if c.ty.sql == "json" { " Use jsonb rather than json unless the raw text must be kept." } else { "" }),
                sql: format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {}_{col}_is_object\n  CHECK (jsonb_typeof({col}::jsonb) = 'object') NOT VALID;\n-- a field every query uses, promoted to a typed generated column:\n-- ALTER TABLE {table} ADD COLUMN kind text GENERATED ALWAYS AS ({col}::jsonb ->> 'kind') STORED;",
                    t.name.name
                ),
            });
        }
    }
}
