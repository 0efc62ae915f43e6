//! The error type of data-ledger.

/// What can go wrong reading or writing git.
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
    /// Another git operation failed.
    #[error("git: could not {action}: {message}")]
    Git {
        /// What was being done.
        action: String,
        /// gix's message.
        message: String,
    },
    /// An environment name that cannot be part of a tag name.
    #[error("`{0}` is not a valid environment name (letters, digits, `-` and `_`, starting with a letter or digit)")]
    InvalidEnvironment(String),
    /// A tag message that holds no valid deployment record.
    #[error("{0}")]
    Record(String),
    /// No deployment tag of that name.
    #[error("no deployment tag `{0}`")]
    UnknownDeployment(String),
    /// git config asks for signed tags and signing failed.
    #[error("could not sign the deployment tag ({program}): {message}")]
    Signing {
        /// The signing program.
        program: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// A [`Error::Git`] from an action and any displayable cause.
    pub(crate) fn git(action: impl Into<String>, cause: impl std::fmt::Display) -> Error {
        Error::Git {
            action: action.into(),
            message: cause.to_string(),
        }
    }
}

/// Result alias of data-ledger.
pub type Result<T, E = Error> = std::result::Result<T, E>;
