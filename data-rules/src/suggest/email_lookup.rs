//! `email-lookup`: an email column looked up case-insensitively.

use super::{is_text, Change, Pattern, Suggestion};

/// Recognises `email` columns without a case-insensitive unique index.
pub struct EmailLookup;

impl Pattern for EmailLookup {
    fn id(&self) -> &'static str {
        "email-lookup"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            if !matches!(c.name.as_str(), "email" | "email_address")
                || !is_text(c)
                || c.ty.sql == "citext"
            {
                continue;
            }
            let lowered = change
                .new
                .indexes
                .values()
                .any(|i| i.table == t.name && i.create_sql.contains("lower("));
            if lowered {
                continue;
            }
            let col = &c.name;
            out.push(Suggestion {
                id: self.id(),
                title: format!("{}.{col} should be unique regardless of case", t.name),
                object: format!("{}.{col}", t.name),
                explanation: "People type addresses with varying case; a plain unique constraint lets Ann@x.org and ann@x.org register twice, and lookups with lower() cannot use a plain index.".into(),
                sql: format!("CREATE UNIQUE INDEX {}_{col}_lower_key ON {} (lower({col}));", t.name.name, t.name.sql()),
            });
        }
    }
}
