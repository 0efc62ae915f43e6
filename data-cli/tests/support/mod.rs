//! Helpers shared by data-cli's integration tests: running the `data` binary, one PostgreSQL
//! cluster per test binary, scratch databases and a small line diff for readable failures.
//!
//! Each integration test crate uses only part of this module, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod cli;
pub mod db;
pub mod evolution;
pub mod repo;
pub mod textdiff;
