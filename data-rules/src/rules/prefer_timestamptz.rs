//! `prefer-timestamptz`: Use timestamptz, not timestamp without time zone.

use super::prelude::*;

crate::rule!(PreferTimestamptz {
    id: "prefer-timestamptz",
    level: Warning,
    category: Design,
    summary: "Use timestamptz, not timestamp without time zone",
    explanation: "timestamp without time zone stores wall-clock values with no zone: the same instant written from servers or sessions in different zones compares wrong, and daylight-saving changes make values ambiguous. timestamptz stores an absolute instant and converts on output.",
    bad: "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);",
    good: "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamptz);",
    remedy: "Declare timestamptz (timestamp with time zone). Converting later is a rewrite unless the session time zone is UTC.",
});

impl PreferTimestamptz {
    /// Whether a column type (base name, typmods) is what this rule flags.
    fn flags(base: &str, mods: &[i64]) -> bool {
        let _ = mods;
        base == "timestamp"
    }
}

impl Rule for PreferTimestamptz {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        for (table, col, cd) in typed_columns(&s.node) {
            let Some(tn) = &cd.type_name else { continue };
            if Self::flags(&type_base(tn), &typmods(tn)) {
                out.add(
                    &Self::META,
                    Some(s),
                    format!("{table}.{}", col),
                    format!(
                        "column {table}.{} is declared {}: prefer timestamptz",
                        col,
                        canonical_type(tn)
                    ),
                );
            }
        }
    }
}
