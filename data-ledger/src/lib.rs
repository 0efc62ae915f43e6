//! data-ledger: data's memory in git. For now: golden SQL files as they were at any revision,
//! read from the object database with gix (no checkout, no `git` process).

mod error;
mod tree;

pub use error::{Error, Result};
pub use tree::{files_at, GitFile, RepoLocation};
