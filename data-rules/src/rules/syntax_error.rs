//! `syntax-error`: a statement PostgreSQL's parser rejects.

use super::prelude::*;

crate::rule!(SyntaxError {
    id: "syntax-error",
    level: Error,
    category: Transactions,
    summary: "Every statement must parse",
    explanation: "A statement PostgreSQL cannot parse fails the migration at that point; statements before it may already have run when the file is not one transaction. Nothing after it can be judged.",
    bad: "ALTER TABEL orders ADD COLUMN note text;",
    good: "ALTER TABLE orders ADD COLUMN note text;",
    remedy: "Fix the statement at the position given.",
});

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
}
