//! The error type of data-core.

use data_ast::Diagnostic;

/// What can go wrong in the engine's workflows.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// Golden SQL did not load: the diagnostics say where and why.
    #[error("golden SQL in {source_label} has {} error(s)", .diagnostics.iter().filter(|d| d.severity == data_ast::Severity::Error).count())]
    #[diagnostic(
        code(data::golden_sql),
        help("fix the statements listed; nothing is planned from a schema that failed to load")
    )]
    InvalidGoldenSql {
        /// The source that failed.
        source_label: String,
        /// All diagnostics, errors first.
        diagnostics: Vec<Diagnostic>,
    },
    /// The target of a plan declares no objects while the current state has some: the plan
    /// would drop everything, which an empty file or folder given by mistake must not do.
    #[error("{target} declares no objects: the plan would drop {would_drop}; pass --allow-empty to plan that on purpose")]
    #[diagnostic(
        code(data::empty_target),
        help("check the path; to drop everything on purpose, pass --allow-empty (Engine::allow_empty_target in the library)")
    )]
    EmptyTarget {
        /// The target as shown in plan headers.
        target: String,
        /// What would be dropped, counted per object kind.
        would_drop: String,
    },
    /// A path or revision that names nothing.
    #[error("`{0}` is neither a .sql file, a folder, nor a git revision of this repository")]
    #[diagnostic(code(data::unknown_source))]
    UnknownSource(String),
    /// Reading files failed.
    #[error("could not read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// `data.toml` is not valid.
    #[error("invalid project config {path}: {message}")]
    #[diagnostic(code(data::config))]
    Config {
        /// The file.
        path: String,
        /// What is wrong, with line and column.
        message: String,
    },
    /// A point in history that names nothing.
    #[error("cannot travel to `{point}`: {message}")]
    #[diagnostic(
        code(data::point),
        help("use a deployment tag (data/<env>/<stamp>), a git revision, or an RFC 3339 time such as 2026-11-27T12:00:00Z")
    )]
    BadPoint {
        /// The point as given.
        point: String,
        /// Why it does not resolve.
        message: String,
    },
    /// An environment that `data.toml` does not describe, or whose URL variable is unset.
    #[error("environment `{env}`: {message}")]
    #[diagnostic(code(data::environment))]
    Environment {
        /// The environment.
        env: String,
        /// What is missing.
        message: String,
    },
    /// A workflow gate refused to go on.
    #[error("{0}")]
    #[diagnostic(code(data::gate))]
    Gate(String),
    /// A holodeck, buffer or reality that is missing, exists already, or cannot be used here;
    /// the message says what to do.
    #[error("{0}")]
    #[diagnostic(code(data::copies))]
    Copies(String),
    /// An override naming a rule id that no rule has.
    #[error("unknown rule `{0}` (see `data rules` for the catalogue)")]
    #[diagnostic(code(data::unknown_rule))]
    UnknownRule(String),
    /// Overrides given without a written reason (the overrides as given, comma-separated).
    #[error("override of `{0}` refused: an override needs a written reason (--reason \"...\")")]
    #[diagnostic(code(data::override_reason))]
    OverrideWithoutReason(String),
    /// A request that cannot be carried out as given (a value in the wrong form, a name or
    /// reason missing); the message says what is expected.
    #[error("{0}")]
    #[diagnostic(code(data::request))]
    InvalidRequest(String),
    /// The Prime Directive config or audit log could not be read or written.
    #[error(transparent)]
    Rules(#[from] data_rules::Error),
    /// Talking to PostgreSQL failed.
    #[error(transparent)]
    Exec(#[from] data_exec::Error),
    /// Reading git failed.
    #[error(transparent)]
    Git(#[from] data_ledger::Error),
    /// Planning failed.
    #[error(transparent)]
    Plan(#[from] data_ast::Error),
}

impl Error {
    /// Whether the caller asked for something malformed (an unknown rule, an override without
    /// a reason, a value in the wrong form) rather than the work failing: the CLI's usage
    /// errors, exit code 2.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::UnknownRule(_) | Error::OverrideWithoutReason(_) | Error::InvalidRequest(_)
        )
    }
}

/// Result alias of data-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
