//! data-rules: safety rules (the Prime Directive) judged on migration plans. The rules arrive
//! with their own issue; the crate exists so the boundary (rules read plans, never SQL text)
//! is fixed from the start.

pub use data_ast::plan::{Operation, Plan};
