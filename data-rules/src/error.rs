//! The error type of data-rules.

/// What can go wrong while configuring rules or recording overrides and approvals.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `.data-prime-directive.yml` is not valid; the message names line and column.
    #[error("invalid Prime Directive config {path}:{line}:{column}: {message}")]
    Config {
        /// The file.
        path: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A value that cannot be read (duration, time, time zone).
    #[error("invalid value `{value}` for {what}: {message}")]
    InvalidValue {
        /// Which setting.
        what: String,
        /// The value given.
        value: String,
        /// Why it is invalid.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("could not access {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A record could not be encoded.
    #[error("could not encode a record: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Result alias of data-rules.
pub type Result<T, E = Error> = std::result::Result<T, E>;
