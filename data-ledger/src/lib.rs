//! data-ledger: data's memory in git, read and written with gix (no checkout, no `git`
//! process).
//!
//! - Golden SQL files as they were at any revision ([`files_at`]).
//! - Deployment records as annotated tags `data/<env>/<YYYY.DDD.HHMMSS>` on the deployed commit
//!   ([`Ledger::record`], [`Ledger::deployments`]), each chained to the previous record of its
//!   environment by hash, so [`Ledger::verify`] finds an edited, inserted or deleted record.
//! - The repository facts the status and time-travel views need ([`Repo`]).

mod audit;
mod error;
mod ledger;
mod record;
mod repo;
mod sign;
mod stamp;
mod tree;

pub use audit::{AuditReport, BrokenLink, Problem};
pub use error::{Error, Result};
pub use ledger::{Deployment, Ledger, NewDeployment};
pub use record::{
    parse_message, Change, Counts, DeploymentRecord, Outcome, Override, ParsedRecord, RECORD_FORMAT,
};
pub use repo::{operator_at, CommitInfo, Repo};
pub use stamp::{check_environment, TagName, TAG_PREFIX};
pub use tree::{file_at, files_at, GitFile, RepoLocation};
