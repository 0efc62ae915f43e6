//! `multi-tenancy`: a tenant key column wants an index and a tenant isolation policy.

use super::{Change, Pattern, Suggestion};

/// Recognises `tenant_id`, `org_id`, `organization_id`, `account_id`, `workspace_id`.
pub struct MultiTenancy;

impl Pattern for MultiTenancy {
    fn id(&self) -> &'static str {
        "multi-tenancy"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            if !matches!(
                c.name.as_str(),
                "tenant_id" | "org_id" | "organization_id" | "account_id" | "workspace_id"
            ) {
                continue;
            }
            let table = t.name.sql();
            let short = &t.name.name;
            let col = &c.name;
            let mut sql = String::new();
            if !change.indexed(t, std::slice::from_ref(&c.name)) {
                sql.push_str(&format!(
                    "CREATE INDEX {short}_{col}_idx ON {table} ({col});\n"
                ));
            }
            if !t.rls_enabled {
                sql.push_str(&format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n"));
            }
            let has_policy = change.new.policies.keys().any(|(tab, _)| *tab == t.name);
            if !has_policy {
                sql.push_str(&format!(
                    "CREATE POLICY {short}_tenant_isolation ON {table}\n  USING ({col} = current_setting('app.{col}')::{ty})\n  WITH CHECK ({col} = current_setting('app.{col}')::{ty});\n",
                    ty = c.ty.sql
                ));
            }
            if !c.not_null {
                sql.push_str(&format!("-- every row belongs to a tenant\nALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL;\n"));
            }
            if sql.is_empty() {
                continue;
            }
            out.push(Suggestion {
                id: self.id(),
                title: format!("{} becomes tenant-scoped by {col}: index it and isolate tenants", t.name),
                object: format!("{}.{col}", t.name),
                explanation: format!("Almost every query will filter on {col}, so it needs an index (usually as the first column of composite indexes too). Isolation should not depend on every query remembering the filter: an RLS policy enforces it in the database."),
                sql: sql.trim_end().to_string(),
            });
        }
    }
}
