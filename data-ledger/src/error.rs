//! The error type of data-ledger.

/// What can go wrong reading git.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No git repository contains the given folder.
    #[error("{path} is not inside a git repository: {message}")]
    NotARepository {
        /// The folder searched from.
        path: String,
        /// gix's message.
        message: String,
    },
    /// The revision does not name a commit.
    #[error("`{rev}` does not name a commit in {repo}: {message}")]
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// The repository.
        repo: String,
        /// gix's message.
        message: String,
    },
    /// Reading objects failed.
    #[error("could not read {what} at `{rev}`: {message}")]
    Read {
        /// What was being read.
        what: String,
        /// The revision.
        rev: String,
        /// gix's message.
        message: String,
    },
}

/// Result alias of data-ledger.
pub type Result<T, E = Error> = std::result::Result<T, E>;
