//! `prefer-jsonb-over-json`: Use jsonb, not json.

use super::prelude::*;

crate::rule!(PreferJsonbOverJson {
    id: "prefer-jsonb-over-json",
    level: Warning,
    category: Design,
    summary: "Use jsonb, not json",
    explanation: "json stores the raw text and re-parses it on every access; it has no equality operator (so no DISTINCT, GROUP BY or unique index) and no GIN indexing. jsonb is parsed once and indexable.",
    bad: "CREATE TABLE events (id bigint PRIMARY KEY, payload json);",
    good: "CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);",
    remedy: "Declare jsonb unless the exact input text (key order, duplicates, whitespace) must be kept.",
});

impl PreferJsonbOverJson {
    /// Whether a column type (base name, typmods) is what this rule flags.
    fn flags(base: &str, mods: &[i64]) -> bool {
        let _ = mods;
        base == "json"
    }
}

impl Rule for PreferJsonbOverJson {
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
                        "column {table}.{} is declared {}: prefer jsonb",
                        col,
                        canonical_type(tn)
                    ),
                );
            }
        }
    }
}
