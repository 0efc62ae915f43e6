//! The deploy workflow: the pending plan of an environment, `automate` (migration files),
//! `test` (the plan on a throwaway server, then pgTAP), `promote`, and `align` / `rollback`
//! (the gated deployment itself, recorded in the database and in git).

mod align;
mod automate;
mod gates;
mod pending;
mod promote;
mod state;
pub mod tap;
mod testing;

pub use align::{AlignOptions, AlignReport, Confirmation};
pub use automate::MigrationFiles;
pub use gates::{Gate, GateStatus};
pub use pending::Pending;
pub use state::{Promotion, TestRecord};
pub(crate) use testing::test_files;
pub use testing::{TestFileResult, TestReport};
