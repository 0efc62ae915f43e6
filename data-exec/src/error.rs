//! The one error type of data-exec: everything that can go wrong while running a throwaway PostgreSQL.

use std::path::PathBuf;
use std::time::Duration;

/// Errors raised while finding, starting, using or stopping a local PostgreSQL cluster.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No PostgreSQL server binaries were found in any of the places searched.
    #[error(
        "PostgreSQL server binaries (initdb, postgres) not found; searched: {searched}. \
         Install them with `apt-get install postgresql`, or set PG_BINDIR to the directory holding initdb"
    )]
    BinariesNotFound {
        /// Human-readable list of the places that were searched.
        searched: String,
    },

    /// The process runs as root but there is no `postgres` OS user to own the cluster.
    #[error(
        "running as root, but there is no `postgres` OS user to run the server as \
         (PostgreSQL refuses to run as root); install the `postgresql` package or create that user"
    )]
    NoPostgresUser,

    /// A filesystem operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the path involved.
        context: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// An external program could not be started at all.
    #[error("could not run `{program}`: {source}")]
    Spawn {
        /// The program that failed to start.
        program: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// An external program ran but reported failure.
    #[error("`{program}` failed ({status}): {output}")]
    CommandFailed {
        /// The program that failed.
        program: String,
        /// How it exited.
        status: String,
        /// What it printed (stderr, and stdout when useful).
        output: String,
    },

    /// The server process exited before it became ready to accept connections.
    #[error("PostgreSQL exited during startup ({status}); server log:\n{log}")]
    ServerExited {
        /// How the server exited.
        status: String,
        /// The tail of the server log.
        log: String,
    },

    /// The server did not become ready within the allotted time.
    #[error("PostgreSQL did not become ready within {waited:?}; server log:\n{log}")]
    StartTimeout {
        /// How long we waited.
        waited: Duration,
        /// The tail of the server log.
        log: String,
    },

    /// The Unix socket path would be longer than the operating system allows.
    #[error("socket directory {dir} is too long for a Unix socket path; set TMPDIR to a shorter directory")]
    SocketPathTooLong {
        /// The directory that was too long.
        dir: PathBuf,
    },

    /// A database name cannot be used (empty, too long or containing a NUL byte).
    #[error("invalid database name {name:?}: {reason}")]
    InvalidDatabaseName {
        /// The rejected name.
        name: String,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// psql stopped on an error while running SQL.
    #[error("psql failed on database `{database}` ({status}):\n{stderr}")]
    Psql {
        /// The database the SQL ran against.
        database: String,
        /// How psql exited.
        status: String,
        /// What psql printed on stderr (its ERROR lines).
        stderr: String,
    },

    /// pg_dump failed.
    #[error("pg_dump failed on database `{database}` ({status}):\n{stderr}")]
    Dump {
        /// The database being dumped.
        database: String,
        /// How pg_dump exited.
        status: String,
        /// What pg_dump printed on stderr.
        stderr: String,
    },

    /// A statement executed through sqlx failed.
    #[error("SQL failed on database `{database}`: {source}")]
    Sql {
        /// The database the statement ran against.
        database: String,
        /// The sqlx error.
        #[source]
        source: sqlx::Error,
    },

    /// Another deployment of the environment holds its advisory lock.
    #[error("another deployment of `{environment}` is in progress (advisory lock held); waited {waited:?}")]
    Locked {
        /// The environment.
        environment: String,
        /// How long we waited.
        waited: Duration,
    },

    /// The database moved on since the plan was made (another deployment finished first).
    #[error("the plan for `{environment}` starts from {}, but the database's ledger says {deployed} is deployed; plan again", .expected.as_deref().unwrap_or("an empty schema"))]
    Stale {
        /// The environment.
        environment: String,
        /// The commit the ledger says is deployed.
        deployed: String,
        /// The commit the plan starts from.
        expected: Option<String>,
    },

    /// A plan step failed; the transaction it ran in was rolled back.
    #[error("step {step} ({label}) failed, its transaction was rolled back: {message}")]
    StepFailed {
        /// The 1-based step number.
        step: usize,
        /// What the step does.
        label: String,
        /// PostgreSQL's error, without secrets.
        message: String,
        /// The ledger row recording the failed attempt, when it could be written.
        ledger_id: Option<i64>,
    },

    /// The server is too old for the catalog queries of introspection.
    #[error("cannot read the catalog of `{database}`: it runs PostgreSQL {version}, and introspection needs 13 or later")]
    UnsupportedServer {
        /// The database, password redacted.
        database: String,
        /// The server's version, as it reports it.
        version: String,
    },

    /// Other sessions use a database that is being copied or swapped, and PostgreSQL refuses
    /// while they do.
    #[error(
        "database `{database}` is in use by other sessions: {sessions}; close them (or let data \
         end them with --terminate) and try again"
    )]
    DatabaseInUse {
        /// The database.
        database: String,
        /// Who is connected: pid, user and application of each session.
        sessions: String,
    },

    /// A database that should be created exists already.
    #[error("database `{database}` exists already; drop it first or choose another name")]
    DatabaseExists {
        /// The database.
        database: String,
    },

    /// The internal async runtime used for sqlx could not be built.
    #[error("could not build the tokio runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

impl Error {
    /// Builds an [`Error::Io`] with a context line.
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// The first line containing `ERROR:` in psql's or pg_dump's stderr, if this error carries one.
    pub fn first_error_line(&self) -> Option<&str> {
        let text = match self {
            Error::Psql { stderr, .. } | Error::Dump { stderr, .. } => stderr,
            Error::CommandFailed { output, .. } => output,
            _ => return None,
        };
        text.lines()
            .find(|line| line.contains("ERROR:") || line.contains("FATAL:"))
            .or_else(|| text.lines().find(|line| !line.trim().is_empty()))
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
