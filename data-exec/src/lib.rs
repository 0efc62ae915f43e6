//! data-exec: throwaway local PostgreSQL clusters, SQL execution and schema dumps for `data`.
//!
//! [`TempCluster::start`] finds the PostgreSQL programs, runs `initdb` in a temporary
//! directory and starts a server that listens only on a Unix socket there. Databases are
//! created and dropped through sqlx; SQL files run through `psql`; schemas come out of
//! `pg_dump` and [`normalize_dump`] makes two dumps comparable regardless of column order.
//!
//! [`Database`] applies plans to any database ([`Database::apply`]): under a per-environment
//! advisory lock, transactional steps in transactions together with their row in the
//! in-database ledger `data_ledger.deployments`, non-transactional steps checkpointed one by
//! one. [`DatabaseServer`] copies whole databases (`CREATE DATABASE ... TEMPLATE`, an atomic
//! rename swap for restores, `pg_dump -Fc`/`pg_restore` as the fallback). URLs are only ever
//! shown through [`redact_url`].

#![warn(missing_docs)]

mod apply;
mod bindir;
mod client;
mod cluster;
mod database;
mod error;
mod guardian;
mod identity;
mod initdb;
mod introspect;
mod ledger_table;
mod local;
mod normalize;
mod port;
mod process;
mod redact;
mod server;
mod snapshot;
mod sql;
mod url;

pub use apply::{checksum, lock_key, ApplyReport, ApplyRequest, Step, StepEvent};
pub use bindir::BinDir;
pub use client::PsqlOutput;
pub use cluster::TempCluster;
pub use database::Database;
pub use error::{Error, Result};
pub use ledger_table::LedgerRow;
pub use local::LocalServer;
pub use normalize::normalize_dump;
pub use redact::{redact_url, scrub};
pub use snapshot::{
    derived_name, dump_schema_to_file, dump_to_file, restore_file, DatabaseServer, Session,
};
pub use sql::quote_ident;
pub use url::{
    database_of, is_local, percent_encode, server_of, socket_url, with_database, SUPERUSER,
};
