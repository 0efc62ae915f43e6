//! `prefer-identity`: serial columns instead of identity columns.

use super::prelude::*;

crate::rule!(PreferIdentity {
    id: "prefer-identity",
    level: Warning,
    category: Design,
    summary: "Use GENERATED ... AS IDENTITY, not serial",
    explanation: "serial creates a separate sequence owned loosely by the column: permissions on it must be granted separately, copying the table (CREATE TABLE ... LIKE) shares the sequence, and nothing stops inserts from bypassing it. Identity columns are the SQL-standard form, tied to the column.",
    bad: "CREATE TABLE orders (id serial PRIMARY KEY);",
    good: "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    remedy: "Declare bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT when rows are sometimes inserted with explicit ids).",
});

impl Rule for PreferIdentity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        for (table, cd, _) in introduced_columns(&s.node) {
            let nextval = column_default(cd)
                .and_then(volatile_call)
                .is_some_and(|f| f == "nextval");
            if serial_type(cd) || nextval {
                out.add(&Self::META, Some(s), format!("{table}.{}", cd.colname), format!("column {table}.{} takes its values from a serial sequence: prefer an identity column", cd.colname));
            }
        }
    }
}
