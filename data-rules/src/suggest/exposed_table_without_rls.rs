//! `exposed-table-without-rls`: a new table in an exposed schema with row-level security off.

use super::{Change, Pattern, Suggestion};

/// Recognises new tables in exposed schemas (default `public`) without RLS.
pub struct ExposedTableWithoutRls;

impl Pattern for ExposedTableWithoutRls {
    fn id(&self) -> &'static str {
        "exposed-table-without-rls"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for t in change.new_tables() {
            if t.rls_enabled
                || !change.settings.exposed_schemas.contains(&t.name.schema)
                || t.partition_of.is_some()
            {
                continue;
            }
            let table = t.name.sql();
            out.push(Suggestion {
                id: self.id(),
                title: format!("new table {} in exposed schema {} has no row-level security", t.name, t.name.schema),
                object: t.name.to_string(),
                explanation: format!("Schema {} is exposed to clients (PostgREST, Supabase, a shared role): without RLS every client role with table privileges reads and writes every row. Enable RLS and state who may see what; with RLS on and no policy, nothing is visible to clients.", t.name.schema),
                sql: format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\nCREATE POLICY {}_owner ON {table}\n  USING (owner_id = current_setting('app.user_id')::bigint);", t.name.name),
            });
        }
    }
}
