//! The rules, one per file. Each file declares its rule with [`crate::rule!`] (id, level,
//! category, explanation, bad and good examples, remedy) and implements [`crate::rule::Rule`].

pub mod always_backup_before_destructive;
pub mod avoid_money_type;
pub mod check_without_not_valid;
pub mod cluster_table;
pub mod column_type_change_rewrites;
pub mod concurrently_in_transaction;
pub mod default_removed_from_required_column;
pub mod disabling_row_level_security;
pub mod disabling_triggers;
pub mod domain_constraint_added;
pub mod domain_with_constraint;
pub mod dropping_column;
pub mod dropping_database;
pub mod dropping_schema;
pub mod dropping_table;
pub mod dropping_type;
pub mod enum_value_added_in_transaction;
pub mod enum_value_removed;
pub mod enum_values_reordered;
pub mod exclusion_constraint_on_existing_table;
pub mod explicit_lock_table;
pub mod foreign_key_without_not_valid;
pub mod grant_to_public;
pub mod identifier_too_long;
pub mod maximum_migration_duration;
pub mod never_drop_tables_with_data;
pub mod no_migrations_on_friday_after_3pm;
pub mod not_null_column_without_default;
pub mod prefer_bigint_keys;
pub mod prefer_identity;
pub mod prefer_jsonb_over_json;
pub mod prefer_robust_statements;
pub mod prefer_text_over_char;
pub mod prefer_text_over_varchar;
pub mod prefer_timestamptz;
pub mod primary_key_column_added;
pub mod primary_key_without_index;
pub mod refresh_materialized_view_blocking;
pub mod reindex_without_concurrently;
pub mod renaming_column;
pub mod renaming_table;
pub mod require_concurrent_index_creation;
pub mod require_concurrent_index_deletion;
pub mod require_lock_timeout;
pub mod require_statement_timeout;
pub mod require_two_approvals_for_production;
pub mod security_definer_without_search_path;
pub mod set_logged_or_unlogged;
pub mod set_not_null_without_check;
pub mod stored_generated_column;
pub mod syntax_error;
pub mod table_without_primary_key;
pub mod transaction_nesting;
pub mod truncate_cascade;
pub mod truncate_table;
pub mod unbatched_backfill;
pub mod unique_constraint_without_index;
pub mod vacuum_full;
pub mod volatile_default_on_new_column;

/// What every rule file uses.
pub(crate) mod prelude {
    pub use crate::config::human_duration;
    pub use crate::context::{Context, Mode, Stmt};
    pub use crate::finding::{Findings, Location};
    pub use crate::rule::{Level, Rule, RuleMeta};
    pub use crate::sql::*;
    pub use data_ast::model::{ConstraintKind, QName, TypeKind};
    pub use pg_query::protobuf::{
        AlterTableType, ConstrType, DropBehavior, ObjectType, RoleSpecType, TransactionStmtKind,
    };
    pub use pg_query::NodeEnum;

    /// Reports every object a `DROP <kind>` statement names as dropped for good (shared by the
    /// table, type and schema drop rules, which differ only in the object kind).
    pub fn report_drops(
        meta: &'static RuleMeta,
        s: &Stmt<'_>,
        kind: ObjectType,
        noun: &str,
        out: &mut Findings,
    ) {
        let NodeEnum::DropStmt(d) = &s.node else {
            return;
        };
        if d.remove_type != kind as i32 {
            return;
        }
        let cascade = if d.behavior == DropBehavior::DropCascade as i32 {
            " with CASCADE (dependent objects go too)"
        } else {
            ""
        };
        for name in drop_names(&d.objects) {
            let name = if name.schema.is_empty() {
                name.name.clone()
            } else {
                name.to_string()
            };
            out.add(
                meta,
                Some(s),
                name.clone(),
                format!("{noun} {name} is dropped{cascade}: this cannot be undone by a rollback"),
            );
        }
    }

    /// A finding location from a model origin (none for synthesised objects).
    pub fn origin_location(o: &data_ast::Origin) -> Option<Location> {
        (o.line > 0).then(|| Location {
            file: o.file.to_string(),
            line: o.line,
            column: o.column,
        })
    }
}
