//! `TempCluster`: a private PostgreSQL server in a temporary directory, gone when dropped.

use std::path::{Path, PathBuf};

use tempfile::TempDir;
use tokio::runtime::Runtime;

use crate::bindir::BinDir;
use crate::error::{Error, Result};
use crate::guardian::Guardian;
use crate::identity::RunAs;
use crate::server::{Server, ServerSpec};
use crate::sql::{check_database_name, quote_ident};
use crate::url::socket_url;
use crate::{client, initdb, port, sql};

/// The longest socket path the kernel accepts (sun_path holds 108 bytes with the NUL).
const MAX_SOCKET_PATH: usize = 107;
/// The database every fresh cluster has, used for CREATE/DROP DATABASE.
const MAINTENANCE_DB: &str = "postgres";

/// A throwaway PostgreSQL cluster listening only on a Unix socket inside its own temp directory.
///
/// Dropping it stops the server and deletes the directory, also while unwinding from a panic.
/// Should the process end without dropping it (a `static`, or a kill), a watchdog process does
/// the same. All methods block; call them from synchronous code (not inside an async runtime).
/// The type is `Send + Sync`, so one cluster can serve many threads at once.
pub struct TempCluster {
    bindir: BinDir,
    root: Option<TempDir>,
    root_path: PathBuf,
    data_dir: PathBuf,
    port: u16,
    server: Option<Server>,
    guardian: Option<Guardian>,
    runtime: Option<Runtime>,
}

impl TempCluster {
    /// Finds the PostgreSQL programs (see [`BinDir::locate`]) and starts a fresh cluster.
    pub fn start() -> Result<TempCluster> {
        TempCluster::start_with(BinDir::locate()?)
    }

    /// Starts a fresh cluster using the programs in `bindir`.
    pub fn start_with(bindir: BinDir) -> Result<TempCluster> {
        let run_as = RunAs::detect()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("data-exec-sqlx")
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let root = make_root_dir()?;
        let root_path = root.path().to_path_buf();
        let data_dir = root_path.join("data");
        let guardian = Guardian::spawn(&data_dir, &root_path)?;
        let mut cluster = TempCluster {
            bindir,
            root: Some(root),
            root_path,
            data_dir,
            port: port::free_port(),
            server: None,
            guardian: Some(guardian),
            runtime: Some(runtime),
        };
        // On any error below, dropping `cluster` cleans up whatever was made so far.
        cluster.boot(run_as)?;
        Ok(cluster)
    }

    /// Runs initdb, starts the server and checks that sqlx can reach it.
    fn boot(&mut self, run_as: RunAs) -> Result<()> {
        run_as.take_ownership(&self.root_path)?;
        initdb::init_data_dir(&self.bindir, run_as, &self.root_path, &self.data_dir)?;
        let log_path = self.root_path.join("server.log");
        let spec = ServerSpec {
            bindir: &self.bindir,
            run_as,
            data_dir: &self.data_dir,
            socket_dir: &self.root_path,
            port: self.port,
            log_path: &log_path,
        };
        let server = self.server.insert(Server::spawn(&spec)?);
        server.wait_ready()?;
        self.execute_script(MAINTENANCE_DB, "SELECT 1")
    }

    /// The directory holding the server's Unix socket (the URL's host).
    pub fn socket_dir(&self) -> &Path {
        &self.root_path
    }

    /// The port number naming the socket file `.s.PGSQL.<port>`.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The PostgreSQL programs this cluster runs.
    pub fn bin_dir(&self) -> &BinDir {
        &self.bindir
    }

    /// A `postgres://` URL for database `db`, with the socket directory as percent-encoded host.
    ///
    /// It carries no password: the cluster trusts local connections.
    pub fn url(&self, db: &str) -> String {
        socket_url(&self.root_path, self.port, db)
    }

    /// Creates database `name` from `template0` and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        check_database_name(name)?;
        let statement = format!("CREATE DATABASE {} TEMPLATE template0", quote_ident(name));
        self.execute_script(MAINTENANCE_DB, &statement)?;
        Ok(self.url(name))
    }

    /// Drops database `name` if it exists, disconnecting any sessions still using it.
    pub fn drop_database(&self, name: &str) -> Result<()> {
        check_database_name(name)?;
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name));
        self.execute_script(MAINTENANCE_DB, &statement)
    }

    /// Runs `sql` (one or more statements) in database `db` through sqlx's `raw_sql`.
    pub fn execute_script(&self, db: &str, sql: &str) -> Result<()> {
        let url = self.url(db);
        self.runtime().block_on(sql::execute(&url, db, sql))
    }

    /// Runs the SQL file at `path` in database `db` with `psql`, stopping at the first error.
    ///
    /// On failure the error is [`Error::Psql`] carrying psql's stderr.
    pub fn psql_file(&self, db: &str, path: &Path) -> Result<()> {
        client::psql_file(&self.bindir, &self.url(db), db, path)
    }

    /// Runs `sql` in database `db` with `psql` (fed on stdin), stopping at the first error.
    pub fn psql_sql(&self, db: &str, sql: &str) -> Result<()> {
        client::psql_text(&self.bindir, &self.url(db), db, sql)
    }

    /// Runs the file at `path` in database `db` with `psql -t -A` (tuples only, unaligned, as
    /// TAP output needs) and returns what it printed; a failing file is not an error here.
    pub fn psql_file_output(&self, db: &str, path: &Path) -> Result<client::PsqlOutput> {
        client::psql_file_output(&self.bindir, &self.url(db), path)
    }

    /// The schema of database `db` as printed by `pg_dump --schema-only --no-owner --no-privileges`.
    pub fn dump_schema(&self, db: &str) -> Result<String> {
        client::dump_schema(&self.bindir, &self.url(db), db)
    }

    /// The runtime driving sqlx; present from construction until drop.
    fn runtime(&self) -> &Runtime {
        self.runtime
            .as_ref()
            .expect("the runtime is only taken out in Drop")
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            server.stop();
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
        if let Some(root) = self.root.take() {
            let _ = root.close();
        }
        // With the server stopped and the directory gone, the guardian has nothing left to do.
        drop(self.guardian.take());
    }
}

impl std::fmt::Debug for TempCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TempCluster")
            .field("socket_dir", &self.root_path)
            .field("port", &self.port)
            .field("bin_dir", &self.bindir.path())
            .finish()
    }
}

/// Creates the cluster's temporary directory, somewhere short enough for a socket path.
fn make_root_dir() -> Result<TempDir> {
    let socket_name_len = "/.s.PGSQL.65535".len();
    let preferred = std::env::temp_dir();
    let base = if preferred.as_os_str().len() + 20 + socket_name_len <= MAX_SOCKET_PATH {
        preferred
    } else {
        PathBuf::from("/tmp")
    };
    let root = tempfile::Builder::new()
        .prefix("data-pg.")
        .tempdir_in(&base)
        .map_err(|e| {
            Error::io(
                format!("creating a temporary directory in {}", base.display()),
                e,
            )
        })?;
    if root.path().as_os_str().len() + socket_name_len > MAX_SOCKET_PATH {
        return Err(Error::SocketPathTooLong {
            dir: root.path().to_path_buf(),
        });
    }
    Ok(root)
}
