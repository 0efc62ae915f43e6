//! A database named by URL (an environment's, or a throwaway one): applying plans and reading
//! its ledger, through a private tokio runtime so callers stay synchronous.

use crate::apply::{self, ApplyReport, ApplyRequest, StepEvent};
use crate::bindir::BinDir;
use crate::client;
use crate::error::{Error, Result};
use crate::ledger_table::{self, LedgerRow};
use crate::redact::redact_url;
use sqlx::{Connection, PgConnection};
use tokio::runtime::Runtime;

/// A database to deploy to.
pub struct Database {
    url: String,
    label: String,
    runtime: Runtime,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.label)
            .finish()
    }
}

impl Database {
    /// A handle on the database at `url` (no connection is made yet).
    pub fn new(url: impl Into<String>) -> Result<Database> {
        let url = url.into();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        Ok(Database {
            label: redact_url(&url),
            url,
            runtime,
        })
    }

    /// The URL with any password replaced by `***`: the only form ever shown.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Applies a plan (see [`ApplyRequest`]); on failure the transactional part in progress is
    /// rolled back and the attempt is recorded as failed in the ledger table.
    pub fn apply(&self, request: &ApplyRequest) -> Result<ApplyReport> {
        self.apply_with_progress(request, &mut |_| {})
    }

    /// [`Database::apply`], calling `progress` before each step.
    pub fn apply_with_progress(
        &self,
        request: &ApplyRequest,
        progress: &mut dyn FnMut(&StepEvent<'_>),
    ) -> Result<ApplyReport> {
        self.runtime
            .block_on(apply::apply(&self.url, &self.label, request, progress))
    }

    /// The ledger rows of `environment`, oldest first (none when the table does not exist).
    pub fn ledger(&self, environment: &str) -> Result<Vec<LedgerRow>> {
        self.runtime.block_on(async {
            let mut conn = self.connect().await?;
            if !ledger_table::exists(&mut conn)
                .await
                .map_err(|e| self.sql(e))?
            {
                return Ok(Vec::new());
            }
            let rows = sqlx::query_as(&format!(
                "{} WHERE environment = $1 ORDER BY id",
                ledger_table::SELECT
            ))
            .bind(environment)
            .fetch_all(&mut conn)
            .await
            .map_err(|e| self.sql(e))?;
            let _ = conn.close().await;
            Ok(rows)
        })
    }

    /// The schema as `pg_dump --schema-only` prints it (PostgreSQL's own rendering), without
    /// data's ledger schema. Uses the PostgreSQL client programs found by [`BinDir::locate`].
    pub fn dump_schema(&self) -> Result<String> {
        let bindir = BinDir::locate()?;
        client::dump_schema_excluding(&bindir, &self.url, &self.label, &["data_ledger"]).map_err(
            |e| match e {
                Error::Dump {
                    database,
                    status,
                    stderr,
                } => Error::Dump {
                    database,
                    status,
                    stderr: crate::redact::scrub(&stderr, &self.url),
                },
                other => other,
            },
        )
    }

    /// The schema read from `pg_catalog` (see the `introspect` module): SQL statements the
    /// engine models like golden SQL, every name schema-qualified, without data's ledger
    /// schema or extensions' members. Needs no client programs.
    pub fn introspect(&self) -> Result<String> {
        self.runtime.block_on(async {
            let mut conn = self.connect().await?;
            let (number, version): (String, String) =
                sqlx::query_as("SELECT current_setting('server_version_num'), version()")
                    .fetch_one(&mut conn)
                    .await
                    .map_err(|e| self.sql(e))?;
            if number.parse::<u32>().unwrap_or(0) < crate::introspect::OLDEST_SERVER {
                return Err(Error::UnsupportedServer {
                    database: self.label.clone(),
                    version,
                });
            }
            let sql = crate::introspect::catalog_sql(&mut conn)
                .await
                .map_err(|e| self.sql(e))?;
            let _ = conn.close().await;
            Ok(sql)
        })
    }

    /// PostgreSQL's row estimates (`pg_class.reltuples`) of every table: (schema, table, rows).
    /// A table never analysed reports `None` rather than a guess.
    pub fn row_estimates(&self) -> Result<Vec<(String, String, Option<u64>)>> {
        self.runtime.block_on(async {
            let mut conn = self.connect().await?;
            let rows: Vec<(String, String, f32)> = sqlx::query_as(
                "SELECT n.nspname::text, c.relname::text, c.reltuples FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') \
                 AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
            )
            .fetch_all(&mut conn)
            .await
            .map_err(|e| self.sql(e))?;
            let _ = conn.close().await;
            Ok(rows
                .into_iter()
                .map(|(s, t, n)| (s, t, (n >= 0.0).then_some(n as u64)))
                .collect())
        })
    }

    /// Stores the git tag written for ledger row `id`.
    pub fn set_tag(&self, id: i64, tag: &str) -> Result<()> {
        self.runtime.block_on(async {
            let mut conn = self.connect().await?;
            sqlx::query("UPDATE data_ledger.deployments SET tag = $2 WHERE id = $1")
                .bind(id)
                .bind(tag)
                .execute(&mut conn)
                .await
                .map_err(|e| self.sql(e))?;
            let _ = conn.close().await;
            Ok(())
        })
    }

    async fn connect(&self) -> Result<PgConnection> {
        PgConnection::connect(&self.url)
            .await
            .map_err(|e| self.sql(e))
    }

    fn sql(&self, source: sqlx::Error) -> Error {
        Error::Sql {
            database: self.label.clone(),
            source,
        }
    }
}
