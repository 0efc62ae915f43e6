//! `prefer-text-over-char`: Do not use char(n).

use super::prelude::*;

crate::rule!(PreferTextOverChar {
    id: "prefer-text-over-char",
    level: Warning,
    category: Design,
    summary: "Do not use char(n)",
    explanation: "char(n) pads values with spaces to n characters, compares ignoring trailing spaces in some operators and not in others, and is no faster than text. It surprises every client that reads it.",
    bad: "CREATE TABLE countries (code char(2) PRIMARY KEY);",
    good: "CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2));",
    remedy: "Declare text with a CHECK on the length.",
});

impl PreferTextOverChar {
    /// Whether a column type (base name, typmods) is what this rule flags.
    fn flags(base: &str, mods: &[i64]) -> bool {
        let _ = mods;
        base == "bpchar" || base == "char"
    }
}

impl Rule for PreferTextOverChar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        for (table, col, cd) in typed_columns(&s.node) {
            let Some(tn) = &cd.type_name else { continue };
            if Self::flags(&type_base(tn), &typmods(tn)) {
                out.add(&Self::META, Some(s), format!("{table}.{}", col), format!("column {table}.{} is declared {}: char(n) pads with spaces; prefer text with a CHECK", col, canonical_type(tn)));
            }
        }
    }
}
