//! `status-text`: a free-text status column.

use super::{is_text, Change, Pattern, Suggestion};
use data_ast::model::ConstraintKind;

/// Recognises `status` / `state` text columns without a CHECK naming them.
pub struct StatusText;

impl Pattern for StatusText {
    fn id(&self) -> &'static str {
        "status-text"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            if !matches!(c.name.as_str(), "status" | "state" | "stage" | "phase") || !is_text(c) {
                continue;
            }
            let checked = t.constraints.values().any(
                |k| matches!(&k.kind, ConstraintKind::Check { expr } if expr.sql.contains(&c.name)),
            );
            if checked {
                continue;
            }
            let col = &c.name;
            out.push(Suggestion {
                id: self.id(),
                title: format!("{}.{col} accepts any text", t.name),
                object: format!("{}.{col}", t.name),
                explanation: "A status column has a small set of valid values; as free text, typos and stale values ('Pending', 'pending ') creep in and every query must guess. A CHECK lists the values and is easy to change (NOT VALID + VALIDATE); a lookup table suits lists that change often.".into(),
                sql: format!("ALTER TABLE {} ADD CONSTRAINT {}_{col}_valid\n  CHECK ({col} IN ('pending', 'active', 'done')) NOT VALID;", t.name.sql(), t.name.name),
            });
        }
    }
}
