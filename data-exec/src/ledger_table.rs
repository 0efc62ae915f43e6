//! The in-database ledger, `data_ledger.deployments`: one row per deployment attempt, written
//! in the same transaction as the DDL it records, so the database's own copy of its history
//! can never disagree with its schema.

use sqlx::PgConnection;

/// Creates the ledger schema and table when missing.
pub(crate) const CREATE: &str = "
CREATE SCHEMA IF NOT EXISTS data_ledger;
CREATE TABLE IF NOT EXISTS data_ledger.deployments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    environment text NOT NULL,
    from_commit text,
    to_commit text NOT NULL,
    plan_hash text NOT NULL,
    checksum text NOT NULL,
    operator text NOT NULL,
    tool_version text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    steps_total integer NOT NULL,
    steps_done integer NOT NULL DEFAULT 0,
    error text,
    tag text
);
CREATE INDEX IF NOT EXISTS deployments_environment_idx
    ON data_ledger.deployments (environment, id);
";

/// One row of `data_ledger.deployments`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LedgerRow {
    /// The row id.
    pub id: i64,
    /// The environment.
    pub environment: String,
    /// The commit deployed before.
    pub from_commit: Option<String>,
    /// The commit deployed.
    pub to_commit: String,
    /// The plan's hash.
    pub plan_hash: String,
    /// BLAKE3 of the statements applied.
    pub checksum: String,
    /// Who deployed.
    pub operator: String,
    /// The tool version.
    pub tool_version: String,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    /// Steps in the plan.
    pub steps_total: i32,
    /// Steps committed.
    pub steps_done: i32,
    /// The error of a failed attempt.
    pub error: Option<String>,
    /// The git tag recorded for this attempt, once written.
    pub tag: Option<String>,
}

pub(crate) const SELECT: &str = "SELECT id, environment, from_commit, to_commit, plan_hash, \
    checksum, operator, tool_version, status, steps_total, steps_done, error, tag \
    FROM data_ledger.deployments";

/// Whether the ledger table exists in the connected database.
pub(crate) async fn exists(conn: &mut PgConnection) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT to_regclass('data_ledger.deployments') IS NOT NULL")
        .fetch_one(conn)
        .await
}
