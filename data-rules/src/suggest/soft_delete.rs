//! `soft-delete`: a `deleted_at` (or `archived_at`) timestamp marks soft deletes.

use super::{is_timestamp, Change, Pattern, Suggestion};

/// Recognises soft deletes and suggests the partial index, the policy and a cleanup function.
pub struct SoftDelete;

impl Pattern for SoftDelete {
    fn id(&self) -> &'static str {
        "soft-delete"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            if !matches!(c.name.as_str(), "deleted_at" | "archived_at" | "removed_at")
                || !is_timestamp(c)
            {
                continue;
            }
            let table = t.name.sql();
            let short = &t.name.name;
            let col = &c.name;
            let key = t
                .primary_key()
                .and_then(|k| k.first().cloned())
                .unwrap_or_else(|| "id".into());
            let mut sql = format!(
                "-- queries of live rows skip the deleted ones cheaply\nCREATE INDEX {short}_live_idx ON {table} ({key}) WHERE {col} IS NULL;\n"
            );
            if t.rls_enabled {
                sql.push_str(&format!(
                    "-- hide soft-deleted rows from clients (restrictive: combines with existing policies)\nCREATE POLICY {short}_hide_deleted ON {table} AS RESTRICTIVE FOR SELECT USING ({col} IS NULL);\n"
                ));
            } else {
                sql.push_str(&format!(
                    "-- a view of live rows for code that must not see deleted ones\nCREATE VIEW {}.{short}_live AS SELECT * FROM {table} WHERE {col} IS NULL;\n",
                    t.name.schema
                ));
            }
            sql.push_str(&format!(
                "-- purge rows deleted long ago (run from a scheduler)\nCREATE FUNCTION {}.purge_{short}(keep interval DEFAULT interval '30 days') RETURNS bigint LANGUAGE sql AS $$\n  WITH gone AS (DELETE FROM {table} WHERE {col} < now() - keep RETURNING 1)\n  SELECT count(*) FROM gone\n$$;",
                t.name.schema
            ));
            out.push(Suggestion {
                id: self.id(),
                title: format!("soft deletes on {}: add a partial index, hide deleted rows, purge old ones", t.name),
                object: format!("{}.{col}", t.name),
                explanation: format!("{col} marks rows as deleted instead of removing them. Queries then filter on {col} IS NULL everywhere: a partial index keeps them fast, {} keeps clients from seeing deleted rows, and a purge function stops the table from growing forever. Unique constraints may need to become partial unique indexes (WHERE {col} IS NULL) so a deleted row does not block re-creating it.", if t.rls_enabled { "a restrictive RLS policy" } else { "a view of live rows" }),
                sql,
            });
        }
    }
}
