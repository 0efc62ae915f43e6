//! The error type of data-ast and the per-statement diagnostics it reports.

use crate::source::Origin;
use serde::Serialize;

/// Everything that can go wrong while turning golden SQL into a plan.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// Golden SQL that PostgreSQL's parser rejects, or that the model cannot hold.
    #[error("{}", render_diagnostics(.0))]
    #[diagnostic(
        code(data::golden_sql),
        help(
            "fix the statements named above; nothing is planned from a schema that failed to load"
        )
    )]
    InvalidSchema(Vec<Diagnostic>),
    /// The operations of a plan depend on each other in a circle.
    #[error("the plan has a dependency cycle: {0}")]
    #[diagnostic(code(data::plan_cycle))]
    Cycle(String),
    /// A plan option has a value PostgreSQL would not accept.
    #[error("invalid {name} `{value}`: expected {expected}")]
    #[diagnostic(code(data::plan_option))]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// The value given.
        value: String,
        /// What it should look like.
        expected: &'static str,
    },
    /// pg_query could not turn a tree back into SQL.
    #[error("could not render SQL for {what}: {message}")]
    #[diagnostic(code(data::render))]
    Render {
        /// The object being rendered.
        what: String,
        /// pg_query's message.
        message: String,
    },
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: a statement that was deliberately not modelled (e.g. `SET`).
    Note,
    /// Something a user should look at; the schema still loads.
    Warning,
    /// The schema cannot be trusted: a plan must not be made from it.
    Error,
}

/// One finding about one statement, with the place it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// Where the offending text is.
    pub origin: Origin,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The source line, for display under the message.
    pub snippet: String,
}

impl Diagnostic {
    /// Builds a diagnostic at `origin`.
    pub fn new(
        severity: Severity,
        origin: Origin,
        message: impl Into<String>,
        snippet: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            origin,
            message: message.into(),
            snippet: snippet.into(),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}: {}: {}", self.origin, label, self.message)?;
        if !self.snippet.is_empty() {
            let gutter = self.origin.line.to_string();
            write!(f, "\n {gutter} | {}", self.snippet)?;
            let pad = " ".repeat(gutter.len());
            let caret_at = self
                .snippet
                .chars()
                .take(self.origin.column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect::<String>();
            write!(f, "\n {pad} | {caret_at}^")?;
        }
        Ok(())
    }
}

fn render_diagnostics(list: &[Diagnostic]) -> String {
    let errors: Vec<String> = list
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    format!(
        "{} error(s) in golden SQL:\n{}",
        errors.len(),
        errors.join("\n")
    )
}

/// Result alias of data-ast.
pub type Result<T, E = Error> = std::result::Result<T, E>;
