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
//!
//! Recording a deployment in the git ledger and checking the trail:
//!
//! ```no_run
//! use data_core::{DeploymentRequest, Project};
//! let project = Project::open(std::path::Path::new("."))?;
//! let mut request = DeploymentRequest::new("prod", "HEAD");
//! request.operator = Some("Release Bot <release@example.com>".into());
//! let deployment = project.record_deployment(request)?;
//! println!("recorded {}", deployment.tag);
//! assert!(project.ledger()?.verify("prod")?.ok());
//! # Ok::<(), data_core::Error>(())
//! ```
//!
//! Judging the pending golden change against the Prime Directive (the safety rules), with an
//! override read by the same parser `data lint` and `data align` use:
//!
//! ```no_run
//! use data_core::{parse_overrides, LintFormat, LintRequest, Project};
//! let project = Project::open(std::path::Path::new("."))?;
//! let mut request = LintRequest::change();
//! request.overrides = parse_overrides(&["renaming-table"], Some("the app reads both names"))?;
//! let outcome = project.lint(&request)?;
//! print!("{}", outcome.render(LintFormat::Human));
//! assert!(!outcome.failed());
//! # Ok::<(), data_core::Error>(())
//! ```
//!
//! A save point of a database and its restore (a template copy swapped in by renames), and
//! a plan tried on a throwaway clone:
//!
//! ```no_run
//! use data_core::{BufferKind, BufferOptions, Project, Target};
//! let project = Project::open(std::path::Path::new("."))?;
//! let dev = Target::Env("dev".into());
//! project.buffer_save(&dev, "before", BufferKind::Save, BufferOptions::default())?;
//! project.buffer_restore(&dev, "before", BufferKind::Save, BufferOptions::default())?;
//! let outcome = project.what_if(&dev, None, BufferOptions::default())?;
//! println!("pending plan applies: {}", outcome.succeeded);
//! # Ok::<(), data_core::Error>(())
//! ```

mod buffer;
mod config;
pub mod deploy;
mod drift;
mod empty_target;
mod engine;
mod error;
mod holodeck;
mod init;
pub mod lint;
mod project;
mod qcontinuum;
pub mod report;
mod source;
mod status;
pub mod testintel;
mod timetravel;

pub use buffer::{Buffer, BufferKind, BufferOptions, Method, Target};
pub use config::{Config, DeploySettings, Environment, HolodeckSettings, PlanConfig};
pub use data_ast::model::Schema;
pub use data_ast::plan::{
    Access, Action, Change as StatementChange, Group, LockMode, ObjectKind, ObjectRef, OpKind,
    Operation, Phase, Plan, PlanOptions, PlanPair, RenderFormat, Stage, StepOrigin, TableAccess,
    FORMAT_VERSION,
};
pub use data_ast::{Diagnostic, Origin, Severity};
pub use data_exec::{redact_url, LocalServer, StepEvent};
pub use data_ledger::{
    AuditReport, BrokenLink, Change, Counts, Deployment, DeploymentRecord, Ledger, Outcome,
    Override, Problem, TagName,
};
pub use drift::Drift;
pub use engine::{Diff, Engine, Loaded};
pub use error::{Error, Result};
pub use holodeck::{safe_name, Holodeck, HolodeckRequest, HolodeckStatus};
pub use init::init_project;
pub use lint::{
    check_overrides, explain_rule, parse_overrides, render_lint, rules_catalogue, ApprovalRequest,
    Approved, Judge, LintFormat, LintInput, LintOutcome, LintReport, LintRequest, RuleOverride,
    SAMPLE_DIRECTIVE,
};
pub use project::{changes_of, DeploymentRequest, Project};
pub use qcontinuum::WhatIf;
pub use source::{FsAndGit, SchemaSource, SourceReader, FOLDER_ORDER};
pub use status::{DeployedAt, EnvironmentStatus, Status};
pub use timetravel::{parse_moment, Point};

/// The version of data, as printed in plan headers.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
