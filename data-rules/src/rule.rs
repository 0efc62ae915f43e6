//! The rule framework: a rule's catalogue entry ([`RuleMeta`]), its checks ([`Rule`]), and the
//! [`crate::rule!`] macro that writes both the doc comment and the catalogue entry from one text.

use crate::context::{Context, Stmt};
use crate::finding::Findings;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing; never fails a lint.
    Info,
    /// Probably wrong; reported, does not fail a lint.
    Warning,
    /// Dangerous; fails a lint (exit 1) unless overridden with a reason.
    Error,
}

impl Level {
    /// The lower-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule protects against; groups the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Locks that block reads or writes for long.
    Locking,
    /// Table rewrites and full scans under a strong lock.
    Rewrite,
    /// Data or objects lost.
    Destructive,
    /// Changes running application code does not expect.
    Compatibility,
    /// Type and schema design choices that hurt later.
    Design,
    /// Transaction handling of the migration itself.
    Transactions,
    /// Access control.
    Security,
    /// The project's own Prime Directive (config-driven policy).
    Directive,
}

impl Category {
    /// The kebab-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Locking => "locking",
            Category::Rewrite => "rewrite",
            Category::Destructive => "destructive",
            Category::Compatibility => "compatibility",
            Category::Design => "design",
            Category::Transactions => "transactions",
            Category::Security => "security",
            Category::Directive => "directive",
        }
    }
}

/// A rule's catalogue entry: everything `data rules explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// Kebab-case id, e.g. `require-concurrent-index-creation`.
    pub id: &'static str,
    /// Default level (a config may re-level or disable it).
    pub level: Level,
    /// What it protects against.
    pub category: Category,
    /// One line.
    pub summary: &'static str,
    /// Why it matters.
    pub explanation: &'static str,
    /// SQL that triggers it.
    pub bad: &'static str,
    /// SQL that does the same safely.
    pub good: &'static str,
    /// What to do about a finding.
    pub remedy: &'static str,
}

/// A safety rule. Rules judge statements (of a plan's operations or of a migration file) with
/// knowledge of the old and new schema, and may judge the whole unit once.
pub trait Rule: Send + Sync {
    /// The catalogue entry.
    fn meta(&self) -> &'static RuleMeta;

    /// Judges one statement. The default judges nothing.
    fn check_statement(&self, _stmt: &Stmt<'_>, _cx: &Context<'_>, _out: &mut Findings) {}

    /// Judges the whole plan or file once, after its statements. The default judges nothing.
    fn check_unit(&self, _cx: &Context<'_>, _out: &mut Findings) {}
}

/// Declares a rule's unit struct with its doc comment and its `META` catalogue entry, both from
/// the same literals, so the documentation and `data rules explain` can never disagree.
#[macro_export]
macro_rules! rule {
    (
        $name:ident {
            id: $id:literal,
            level: $level:ident,
            category: $cat:ident,
            summary: $summary:literal,
            explanation: $expl:literal,
            bad: $bad:literal,
            good: $good:literal,
            remedy: $remedy:literal $(,)?
        }
    ) => {
        #[doc = concat!("`", $id, "` (", stringify!($level), "): ", $summary, "\n\n", $expl,
                            "\n\n# Bad\n\n```sql\n", $bad, "\n```\n\n# Good\n\n```sql\n", $good,
                            "\n```\n\n# Remedy\n\n", $remedy)]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            /// The rule's catalogue entry (the same text as this type's documentation).
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                id: $id,
                level: $crate::rule::Level::$level,
                category: $crate::rule::Category::$cat,
                summary: $summary,
                explanation: $expl,
                bad: $bad,
                good: $good,
                remedy: $remedy,
            };
        }
    };
}
