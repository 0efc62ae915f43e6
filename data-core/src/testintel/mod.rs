//! Database test intelligence: which schema objects the pgTAP tests cover (`coverage`), which
//! tests a change requires (`required`), pgTAP files for the missing ones (`scaffold`), the
//! coverage gate of `promote` and `align` (`gate`), and their reports (`report`).
//!
//! The pure parts (reading assertions out of test files with pg_query, mapping them to the
//! model, deriving and scaffolding required tests) need no database; `project` joins them to a
//! [`crate::Project`].

pub mod assertions;
pub mod coverage;
pub mod discover;
pub mod gate;
mod project;
pub mod report;
pub mod required;
pub mod scaffold;

pub use assertions::{Facet, Fact, ObjectKey, ObjectKind as CoverageKind};
pub use coverage::{Coverage, KindCoverage};
pub use discover::TestFilter;
pub use gate::{GateLevel, TestingConfig};
pub use project::{RequiredReport, ScaffoldReport};
pub use required::{Priority, RequiredTest};

#[cfg(test)]
mod tests;
