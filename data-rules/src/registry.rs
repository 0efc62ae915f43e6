//! The registry: every rule, in catalogue order (by category, then id).

use crate::rule::{Rule, RuleMeta};
use crate::rules::*;

/// Every rule.
pub fn all() -> Vec<&'static dyn Rule> {
    let mut v: Vec<&'static dyn Rule> = vec![
        &always_backup_before_destructive::AlwaysBackupBeforeDestructive,
        &avoid_money_type::AvoidMoneyType,
        &check_without_not_valid::CheckWithoutNotValid,
        &cluster_table::ClusterTable,
        &column_type_change_rewrites::ColumnTypeChangeRewrites,
        &concurrently_in_transaction::ConcurrentlyInTransaction,
        &default_removed_from_required_column::DefaultRemovedFromRequiredColumn,
        &disabling_row_level_security::DisablingRowLevelSecurity,
        &disabling_triggers::DisablingTriggers,
        &domain_constraint_added::DomainConstraintAdded,
        &domain_with_constraint::DomainWithConstraint,
        &dropping_column::DroppingColumn,
        &dropping_database::DroppingDatabase,
        &dropping_schema::DroppingSchema,
        &dropping_table::DroppingTable,
        &dropping_type::DroppingType,
        &enum_value_added_in_transaction::EnumValueAddedInTransaction,
        &enum_value_removed::EnumValueRemoved,
        &enum_values_reordered::EnumValuesReordered,
        &exclusion_constraint_on_existing_table::ExclusionConstraintOnExistingTable,
        &explicit_lock_table::ExplicitLockTable,
        &foreign_key_without_not_valid::ForeignKeyWithoutNotValid,
        &grant_to_public::GrantToPublic,
        &identifier_too_long::IdentifierTooLong,
        &maximum_migration_duration::MaximumMigrationDuration,
        &never_drop_tables_with_data::NeverDropTablesWithData,
        &no_migrations_on_friday_after_3pm::NoMigrationsOnFridayAfter3pm,
        &not_null_column_without_default::NotNullColumnWithoutDefault,
        &prefer_bigint_keys::PreferBigintKeys,
        &prefer_identity::PreferIdentity,
        &prefer_jsonb_over_json::PreferJsonbOverJson,
        &prefer_robust_statements::PreferRobustStatements,
        &prefer_text_over_char::PreferTextOverChar,
        &prefer_text_over_varchar::PreferTextOverVarchar,
        &prefer_timestamptz::PreferTimestamptz,
        &primary_key_column_added::PrimaryKeyColumnAdded,
        &primary_key_without_index::PrimaryKeyWithoutIndex,
        &refresh_materialized_view_blocking::RefreshMaterializedViewBlocking,
        &reindex_without_concurrently::ReindexWithoutConcurrently,
        &renaming_column::RenamingColumn,
        &renaming_table::RenamingTable,
        &require_concurrent_index_creation::RequireConcurrentIndexCreation,
        &require_concurrent_index_deletion::RequireConcurrentIndexDeletion,
        &require_lock_timeout::RequireLockTimeout,
        &require_statement_timeout::RequireStatementTimeout,
        &require_two_approvals_for_production::RequireTwoApprovalsForProduction,
        &security_definer_without_search_path::SecurityDefinerWithoutSearchPath,
        &set_logged_or_unlogged::SetLoggedOrUnlogged,
        &set_not_null_without_check::SetNotNullWithoutCheck,
        &stored_generated_column::StoredGeneratedColumn,
        &syntax_error::SyntaxError,
        &table_without_primary_key::TableWithoutPrimaryKey,
        &transaction_nesting::TransactionNesting,
        &truncate_cascade::TruncateCascade,
        &truncate_table::TruncateTable,
        &unbatched_backfill::UnbatchedBackfill,
        &unique_constraint_without_index::UniqueConstraintWithoutIndex,
        &vacuum_full::VacuumFull,
        &volatile_default_on_new_column::VolatileDefaultOnNewColumn,
    ];
    v.sort_by_key(|r| (r.meta().category, r.meta().id));
    v
}

/// Every rule's catalogue entry.
pub fn catalogue() -> Vec<&'static RuleMeta> {
    all().into_iter().map(|r| r.meta()).collect()
}

/// Every rule id.
pub fn ids() -> Vec<&'static str> {
    all().into_iter().map(|r| r.meta().id).collect()
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().id == id)
}
