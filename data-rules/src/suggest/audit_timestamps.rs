//! `audit-timestamps`: an `updated_at` column wants a trigger that keeps it current.

use super::{is_timestamp, Change, Pattern, Suggestion};

/// Recognises `updated_at` / `modified_at` and suggests the trigger.
pub struct AuditTimestamps;

impl Pattern for AuditTimestamps {
    fn id(&self) -> &'static str {
        "audit-timestamps"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            if !matches!(c.name.as_str(), "updated_at" | "modified_at" | "changed_at")
                || !is_timestamp(c)
            {
                continue;
            }
            let has_trigger = change.new.triggers.keys().any(|(tab, _)| *tab == t.name);
            if has_trigger {
                continue;
            }
            let table = t.name.sql();
            let short = &t.name.name;
            let col = &c.name;
            let schema = &t.name.schema;
            out.push(Suggestion {
                id: self.id(),
                title: format!("{}.{col} is only correct if a trigger maintains it", t.name),
                object: format!("{}.{col}", t.name),
                explanation: format!("Code forgets to set {col} on some UPDATE path sooner or later; a BEFORE UPDATE trigger sets it on every one. Give it DEFAULT now() and NOT NULL too, so inserts are covered."),
                sql: format!(
                    "CREATE FUNCTION {schema}.set_{col}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.{col} := now();\n  RETURN NEW;\nEND\n$$;\nCREATE TRIGGER {short}_set_{col} BEFORE UPDATE ON {table}\n  FOR EACH ROW EXECUTE FUNCTION {schema}.set_{col}();"
                ),
            });
        }
    }
}
