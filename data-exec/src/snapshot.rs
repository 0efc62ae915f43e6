//! Whole-database copies on one server: clones through `CREATE DATABASE ... TEMPLATE`, the
//! rename swap that makes a restore atomic, the sessions that block a clone, sizes, and the
//! `pg_dump -Fc` / `pg_restore` fallback for copies that cannot be made on the server itself.

use std::path::Path;
use std::process::Command;

use sqlx::{Connection, PgConnection};
use tokio::runtime::Runtime;

use crate::bindir::BinDir;
use crate::error::{Error, Result};
use crate::redact::{redact_url, scrub};
use crate::sql::{check_database_name, quote_ident};
use crate::url::{database_of, with_database};
use crate::{client, process};

/// SQLSTATE 55006, `object_in_use`: another session uses a database being cloned or renamed.
const OBJECT_IN_USE: &str = "55006";
/// SQLSTATE 42P04, `duplicate_database`.
const DUPLICATE_DATABASE: &str = "42P04";

/// Another session connected to a database, as `pg_stat_activity` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The backend's process id (what `pg_terminate_backend` takes).
    pub pid: i32,
    /// The role it is logged in as.
    pub user: String,
    /// Its `application_name` (empty when the client set none).
    pub application: String,
}

/// The server a database URL points at, reached through a maintenance database on it, for the
/// operations that act on whole databases. Methods block (a private runtime drives sqlx).
pub struct DatabaseServer {
    url: String,
    label: String,
    runtime: Runtime,
}

impl std::fmt::Debug for DatabaseServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseServer")
            .field("url", &self.label)
            .finish()
    }
}

impl DatabaseServer {
    /// The server of `url` (any database on it; the URL's user must be allowed to create,
    /// rename and drop databases for the copying operations).
    pub fn for_url(url: &str) -> Result<DatabaseServer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        Ok(DatabaseServer {
            label: redact_url(url),
            url: url.to_string(),
            runtime,
        })
    }

    /// The URL of database `db` on this server (same user and options).
    pub fn url(&self, db: &str) -> String {
        with_database(&self.url, db)
    }

    /// The database the URL given to [`DatabaseServer::for_url`] names, if any.
    pub fn database(&self) -> Option<String> {
        database_of(&self.url)
    }

    /// Whether the server answers at all.
    pub fn reachable(&self) -> bool {
        self.query_one::<i32>(&[], "SELECT 1", &[]).is_ok()
    }

    /// The server's version as `server_version_num` gives it (150004 for 15.4).
    pub fn version(&self) -> Result<i32> {
        self.query_one(
            &[],
            "SELECT current_setting('server_version_num')::int",
            &[],
        )
    }

    /// Whether database `db` exists.
    pub fn exists(&self, db: &str) -> Result<bool> {
        let n: i64 = self.query_one(
            &[],
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[db],
        )?;
        Ok(n > 0)
    }

    /// The size of database `db` in bytes (`pg_database_size`); `None` when it does not exist.
    pub fn size(&self, db: &str) -> Result<Option<u64>> {
        if !self.exists(db)? {
            return Ok(None);
        }
        let n: i64 = self.query_one(&[], "SELECT pg_database_size($1::text::name)", &[db])?;
        Ok(u64::try_from(n).ok())
    }

    /// The other sessions connected to database `db`.
    pub fn sessions(&self, db: &str) -> Result<Vec<Session>> {
        let rows: Vec<(i32, String, String)> = self.runtime.block_on(async {
            let mut conn = self.connect(&[db]).await?;
            let rows = sqlx::query_as(
                "SELECT pid, coalesce(usename::text, ''), coalesce(application_name, '') \
                 FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() \
                 ORDER BY pid",
            )
            .bind(db)
            .fetch_all(&mut conn)
            .await
            .map_err(|e| self.sql(e));
            let _ = conn.close().await;
            rows
        })?;
        Ok(rows
            .into_iter()
            .map(|(pid, user, application)| Session {
                pid,
                user,
                application,
            })
            .collect())
    }

    /// Ends every other session connected to database `db`; returns how many were ended.
    pub fn terminate(&self, db: &str) -> Result<usize> {
        let n: i64 = self.query_one(
            &[db],
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()) ended",
            &[db],
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Creates the empty database `db` (from `template0`).
    pub fn create_empty(&self, db: &str) -> Result<()> {
        check_database_name(db)?;
        let sql = format!("CREATE DATABASE {} TEMPLATE template0", quote_ident(db));
        self.execute(&[db], &sql).map_err(|e| self.explain(e, db))
    }

    /// Creates `target` as a copy of `source` (`CREATE DATABASE target TEMPLATE source`): a
    /// file-level copy, far faster than dump and restore. PostgreSQL refuses while other
    /// sessions use `source`; with `terminate` they are ended first, otherwise the error is
    /// [`Error::DatabaseInUse`] naming them. From PostgreSQL 15 on, the copy uses
    /// `STRATEGY = FILE_COPY`: the default `WAL_LOG` writes every block through the WAL, which
    /// took about twice as long on the 64 MB benchmark database (`benches/snapshot.rs`).
    pub fn clone_database(&self, source: &str, target: &str, terminate: bool) -> Result<()> {
        check_database_name(source)?;
        check_database_name(target)?;
        if terminate {
            self.terminate(source)?;
        }
        let strategy = if self.version()? >= 150000 {
            " STRATEGY = FILE_COPY"
        } else {
            ""
        };
        let sql = format!(
            "CREATE DATABASE {} TEMPLATE {}{strategy}",
            quote_ident(target),
            quote_ident(source)
        );
        self.execute(&[source, target], &sql)
            .map_err(|e| self.explain(e, source))
    }

    /// Creates `target` as a copy of `source` that nobody can connect to (a save point:
    /// connections would only block cloning it back).
    pub fn freeze_copy(&self, source: &str, target: &str, terminate: bool) -> Result<()> {
        self.clone_database(source, target, terminate)?;
        let sql = format!(
            "ALTER DATABASE {} WITH ALLOW_CONNECTIONS false",
            quote_ident(target)
        );
        if let Err(e) = self.execute(&[source, target], &sql) {
            let _ = self.drop_database(target);
            return Err(e);
        }
        Ok(())
    }

    /// Drops database `db` if it exists, ending the sessions still using it.
    pub fn drop_database(&self, db: &str) -> Result<()> {
        check_database_name(db)?;
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(db));
        self.execute(&[db], &sql)
    }

    /// Replaces database `target` by the already built database `copy`: both renames run in
    /// one transaction, so `target` names either the old or the new database at every moment,
    /// never nothing; the old one is dropped afterwards. When the swap fails (sessions on
    /// `target` without `terminate`), `copy` is dropped and `target` is left as it was.
    pub fn swap_in(&self, copy: &str, target: &str, terminate: bool) -> Result<()> {
        check_database_name(copy)?;
        check_database_name(target)?;
        let old = derived_name(target, "old");
        let names = [copy, target, old.as_str()];
        let swapped = (|| {
            self.drop_database(&old)?;
            if terminate {
                self.terminate(target)?;
            }
            let sql = format!(
                "BEGIN; ALTER DATABASE {t} RENAME TO {o}; ALTER DATABASE {c} RENAME TO {t}; COMMIT;",
                t = quote_ident(target),
                o = quote_ident(&old),
                c = quote_ident(copy)
            );
            self.execute(&names, &sql)
                .map_err(|e| self.explain(e, target))
        })();
        if let Err(e) = swapped {
            let _ = self.drop_database(copy);
            return Err(e);
        }
        self.drop_database(&old)
    }

    /// Makes database `target` a copy of `snapshot` again: the copy is built beside it first
    /// (`CREATE DATABASE ... TEMPLATE snapshot`), then swapped in by [`DatabaseServer::swap_in`],
    /// so a restore that fails at any step leaves `target` untouched.
    pub fn restore_from(&self, snapshot: &str, target: &str, terminate: bool) -> Result<()> {
        let copy = derived_name(target, "restore");
        self.drop_database(&copy)?;
        if let Err(e) = self.clone_database(snapshot, &copy, false) {
            let _ = self.drop_database(&copy);
            return Err(e);
        }
        self.swap_in(&copy, target, terminate)
    }

    /// Like [`DatabaseServer::restore_from`] from a `pg_dump -Fc` file: the copy is created
    /// empty and filled by `pg_restore` before the swap.
    pub fn restore_dump(&self, file: &Path, target: &str, terminate: bool) -> Result<()> {
        let copy = derived_name(target, "restore");
        self.drop_database(&copy)?;
        self.create_empty(&copy)?;
        if let Err(e) = restore_file(file, &self.url(&copy)) {
            let _ = self.drop_database(&copy);
            return Err(e);
        }
        self.swap_in(&copy, target, terminate)
    }

    /// Runs `sql` in database `db` with psql, stopping at the first error
    /// ([`Error::Psql`] carries psql's stderr).
    pub fn run_script(&self, db: &str, sql: &str) -> Result<()> {
        let bindir = BinDir::locate()?;
        client::psql_text(&bindir, &self.url(db), db, sql)
    }

    /// Turns "object in use" into [`Error::DatabaseInUse`] with the sessions named, and
    /// "duplicate database" into [`Error::DatabaseExists`].
    fn explain(&self, error: Error, db: &str) -> Error {
        let code = match &error {
            Error::Sql {
                source: sqlx::Error::Database(e),
                ..
            } => e.code().map(|c| c.into_owned()),
            _ => None,
        };
        match code.as_deref() {
            Some(OBJECT_IN_USE) => {
                let sessions = self.sessions(db).unwrap_or_default();
                let who = sessions
                    .iter()
                    .map(|s| match s.application.as_str() {
                        "" => format!("pid {} ({})", s.pid, s.user),
                        app => format!("pid {} ({}, {app})", s.pid, s.user),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                Error::DatabaseInUse {
                    database: db.to_string(),
                    sessions: if who.is_empty() {
                        "sessions that have since ended".to_string()
                    } else {
                        who
                    },
                }
            }
            Some(DUPLICATE_DATABASE) => Error::DatabaseExists {
                database: db.to_string(),
            },
            _ => error,
        }
    }

    /// Runs `sql` on a maintenance database that is none of `busy` (a session there would
    /// block cloning or renaming them).
    fn execute(&self, busy: &[&str], sql: &str) -> Result<()> {
        self.runtime.block_on(async {
            let mut conn = self.connect(busy).await?;
            let outcome = sqlx::raw_sql(sql).execute(&mut conn).await.map(|_| ());
            let _ = conn.close().await;
            outcome.map_err(|e| self.sql(e))
        })
    }

    fn query_one<T>(&self, busy: &[&str], sql: &str, binds: &[&str]) -> Result<T>
    where
        T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    {
        self.runtime.block_on(async {
            let mut conn = self.connect(busy).await?;
            let mut query = sqlx::query_scalar::<_, T>(sql);
            for b in binds {
                query = query.bind(*b);
            }
            let value = query.fetch_one(&mut conn).await.map_err(|e| self.sql(e));
            let _ = conn.close().await;
            value
        })
    }

    async fn connect(&self, busy: &[&str]) -> Result<PgConnection> {
        let maintenance = ["postgres", "template1"]
            .into_iter()
            .find(|db| !busy.contains(db))
            .unwrap_or("postgres");
        PgConnection::connect(&self.url(maintenance))
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

/// A database name for a copy belonging to `base`, such as `app__restore`: readable, and cut
/// (with a hash of the whole) to PostgreSQL's 63 bytes.
pub fn derived_name(base: &str, suffix: &str) -> String {
    let full = format!("{base}__{suffix}");
    if full.len() <= 63 {
        return full;
    }
    let hash = blake3::hash(full.as_bytes()).to_hex();
    let keep = 63 - suffix.len() - 2 - 9;
    let mut cut = keep.min(base.len());
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{}__{suffix}", &base[..cut], &hash[..8])
}

/// Writes database `url` to `file` with `pg_dump -Fc` (compressed custom format).
pub fn dump_to_file(url: &str, file: &Path) -> Result<()> {
    dump_with(url, file, &[])
}

/// Writes only the schema of database `url` to `file` with `pg_dump -Fc --schema-only`.
pub fn dump_schema_to_file(url: &str, file: &Path) -> Result<()> {
    dump_with(url, file, &["--schema-only"])
}

fn dump_with(url: &str, file: &Path, extra: &[&str]) -> Result<()> {
    let bindir = BinDir::locate()?;
    let mut command = Command::new(bindir.program("pg_dump"));
    command
        .args(["-Fc", "--no-owner", "--no-privileges"])
        .args(extra)
        .arg("-f")
        .arg(file)
        .args(["-d", url]);
    let out = process::output(&mut command, "pg_dump")?;
    if out.status.success() {
        return Ok(());
    }
    Err(Error::Dump {
        database: redact_url(url),
        status: process::describe(out.status),
        stderr: scrub(&String::from_utf8_lossy(&out.stderr), url),
    })
}

/// Loads a `pg_dump -Fc` file into the (empty) database `url` with `pg_restore`, stopping at
/// the first error.
pub fn restore_file(file: &Path, url: &str) -> Result<()> {
    let bindir = BinDir::locate()?;
    let mut command = Command::new(bindir.program("pg_restore"));
    command
        .args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            url,
        ])
        .arg(file);
    let out = process::output(&mut command, "pg_restore")?;
    if out.status.success() {
        return Ok(());
    }
    Err(Error::CommandFailed {
        program: "pg_restore".to_string(),
        status: process::describe(out.status),
        output: scrub(&String::from_utf8_lossy(&out.stderr), url),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_fit() {
        assert_eq!(derived_name("app", "restore"), "app__restore");
        let long = "x".repeat(63);
        let name = derived_name(&long, "restore");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("__restore"));
        assert_ne!(
            derived_name(&long, "old"),
            derived_name(&"y".repeat(63), "old")
        );
    }
}
