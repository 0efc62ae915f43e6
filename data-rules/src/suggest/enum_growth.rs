//! `enum-growth`: an enum that keeps growing wants to be a lookup table.

use super::{Change, Pattern, Suggestion};
use data_ast::model::TypeKind;

/// Recognises enums that gained values and are large enough to be data rather than a type.
pub struct EnumGrowth;

/// From this many labels on, a growing enum is suggested as a lookup table.
const LARGE: usize = 6;

impl Pattern for EnumGrowth {
    fn id(&self) -> &'static str {
        "enum-growth"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (name, t) in &change.new.types {
            let TypeKind::Enum { values, .. } = &t.kind else {
                continue;
            };
            let Some(old) = change.old.types.get(name) else {
                continue;
            };
            let TypeKind::Enum { values: before, .. } = &old.kind else {
                continue;
            };
            let added = values.iter().filter(|v| !before.contains(v)).count();
            if added == 0 || values.len() < LARGE {
                continue;
            }
            let lookup = format!("{}_values", name.name);
            let rows: Vec<String> = values
                .iter()
                .map(|v| {
                    format!(
                        "('{}', {})",
                        v.replace('\'', "''"),
                        10 * (values.iter().position(|x| x == v).unwrap_or(0) + 1)
                    )
                })
                .collect();
            out.push(Suggestion {
                id: self.id(),
                title: format!("enum {name} grew to {} values: consider a lookup table", values.len()),
                object: name.to_string(),
                explanation: "Enum values cannot be removed or reordered without rebuilding the type and rewriting every table using it, and adding one is a schema migration. When the list keeps changing it is data: a lookup table referenced by a foreign key changes with an INSERT, can carry labels and ordering, and is visible to queries.".into(),
                sql: format!("CREATE TABLE {}.{lookup} (\n  value text PRIMARY KEY,\n  sort_order integer NOT NULL\n);\nINSERT INTO {}.{lookup} (value, sort_order) VALUES\n  {};\n-- then: columns of type {name} become text REFERENCES {}.{lookup} (value)", name.schema, name.schema, rows.join(",\n  "), name.schema),
            });
        }
    }
}
