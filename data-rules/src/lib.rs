//! data-rules: the Prime Directive. Safety rules judge the statements of a migration plan (or
//! of migration files) with knowledge of the old and new schema; a YAML config re-levels them
//! per environment and adds the project's own policies; suggestions recognise the intent of a
//! change and propose what usually goes with it.
//!
//! ```
//! use data_rules::{lint_files, Options};
//! let files = vec![("m.sql".to_string(), "CREATE INDEX i ON t (c);".to_string())];
//! let report = lint_files(&files, &Options::default());
//! assert!(report.findings.iter().any(|f| f.rule == "require-concurrent-index-creation"));
//! ```

pub mod audit;
pub mod config;
pub mod context;
pub mod engine;
pub mod error;
pub mod estimate;
pub mod finding;
pub mod registry;
pub mod report;
pub mod rule;
pub mod rules;
pub mod sql;
pub mod suggest;

pub use config::{DirectiveConfig, Override, RuleSetting, Settings};
pub use context::{Approval, Judge, Mode};
pub use data_ast::plan::{Operation, Plan};
pub use engine::{lint_change, lint_files, AppliedOverride, Options, Report};
pub use error::{Error, Result};
pub use finding::{Finding, Location};
pub use rule::{Category, Level, Rule, RuleMeta};
pub use suggest::Suggestion;
