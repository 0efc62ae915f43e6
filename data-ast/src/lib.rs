//! data-ast: golden SQL text to a schema model, the diff of two models, and the ordered
//! migration plan with its rollback. Pure: this crate does no I/O.

pub mod build;
pub mod equivalence;
pub mod error;
pub mod expr;
pub mod include;
pub mod long_names;
pub mod model;
pub mod names;
pub mod parse;
pub mod plan;
pub mod quote;
pub mod source;
pub mod split;
pub mod typename;

pub use error::{Diagnostic, Error, Result, Severity};
pub use source::{Origin, SourceFile};
