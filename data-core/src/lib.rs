//! data-core: the facade an embedding program depends on. It reads golden SQL from files,
//! folders or git revisions, builds schema models, plans migrations with their rollback, and
//! compiles a whole schema into one ordered SQL file.
//!
//! ```no_run
//! use data_core::{Engine, SchemaSource};
//! let engine = Engine::new();
//! let here = std::path::Path::new(".");
//! let from = SchemaSource::parse("HEAD~1", here)?;
//! let to = SchemaSource::parse("sql", here)?;
//! let diff = engine.diff(&from, &to)?;
//! print!("{}", diff.render(data_core::RenderFormat::Sql, false));
//! # Ok::<(), data_core::Error>(())
//! ```

mod config;
mod engine;
mod error;
mod source;

pub use config::{Config, PlanConfig};
pub use data_ast::model::Schema;
pub use data_ast::plan::{
    Group, ObjectKind, OpKind, Operation, Plan, PlanOptions, PlanPair, RenderFormat, Stage,
};
pub use data_ast::{Diagnostic, Severity};
pub use engine::{Diff, Engine, Loaded};
pub use error::{Error, Result};
pub use source::{FsAndGit, SchemaSource, SourceReader, FOLDER_ORDER};

/// The version of data, as printed in plan headers.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
