//! data-exec: throwaway local PostgreSQL clusters, SQL execution and schema dumps for `data`.
//!
//! [`TempCluster::start`] finds the PostgreSQL programs, runs `initdb` in a temporary
//! directory and starts a server that listens only on a Unix socket there. Databases are
//! created and dropped through sqlx; SQL files run through `psql`; schemas come out of
//! `pg_dump` and [`normalize_dump`] makes two dumps comparable regardless of column order.

#![warn(missing_docs)]

mod bindir;
mod client;
mod cluster;
mod error;
mod guardian;
mod identity;
mod initdb;
mod normalize;
mod port;
mod process;
mod server;
mod sql;
mod url;

pub use bindir::BinDir;
pub use cluster::TempCluster;
pub use error::{Error, Result};
pub use normalize::normalize_dump;
pub use sql::quote_ident;
pub use url::{percent_encode, socket_url, SUPERUSER};
