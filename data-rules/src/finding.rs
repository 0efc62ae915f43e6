//! Findings: what a rule reports, with where and how to fix it.

use crate::context::Stmt;
use crate::rule::{Level, RuleMeta};
use serde::Serialize;

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file, as given (relative to the project when possible).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// The effective level (after config and overrides).
    pub level: Level,
    /// The object concerned, e.g. `public.orders` or `public.orders.status`.
    pub object: String,
    /// What is wrong, in this case.
    pub message: String,
    /// Where, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What to do (the rule's remedy).
    pub remedy: &'static str,
    /// The written reason when the finding was overridden.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overridden: Option<String>,
}

/// The findings of one lint run, collected by rules.
#[derive(Debug, Default)]
pub struct Findings {
    /// Everything found so far.
    pub items: Vec<Finding>,
}

impl Findings {
    /// Records a finding of `meta` on `object`, placed at `stmt` when given.
    pub fn add(
        &mut self,
        meta: &'static RuleMeta,
        stmt: Option<&Stmt<'_>>,
        object: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.items.push(Finding {
            rule: meta.id,
            level: meta.level,
            object: object.into(),
            message: message.into(),
            location: stmt.and_then(|s| s.location.clone()),
            remedy: meta.remedy,
            overridden: None,
        });
    }

    /// Like [`Findings::add`] at an explicit location.
    pub fn add_at(
        &mut self,
        meta: &'static RuleMeta,
        location: Option<Location>,
        object: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.items.push(Finding {
            rule: meta.id,
            level: meta.level,
            object: object.into(),
            message: message.into(),
            location,
            remedy: meta.remedy,
            overridden: None,
        });
    }
}
