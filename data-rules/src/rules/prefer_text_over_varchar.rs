//! `prefer-text-over-varchar`: Use text (with a CHECK if a limit matters), not varchar(n).

use super::prelude::*;

crate::rule!(PreferTextOverVarchar {
    id: "prefer-text-over-varchar",
    level: Warning,
    category: Design,
    summary: "Use text (with a CHECK if a limit matters), not varchar(n)",
    explanation: "varchar(n) stores exactly like text; the limit is usually arbitrary, and raising it later is free only for some changes while lowering it scans the table under an ACCESS EXCLUSIVE lock. A CHECK (length(col) <= n) states the rule and can be replaced with NOT VALID + VALIDATE without blocking.",
    bad: "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));",
    good: "CREATE TABLE users (id bigint PRIMARY KEY, email text CHECK (length(email) <= 320));",
    remedy: "Declare text, and add a CHECK constraint when a length limit is a real rule.",
});

impl PreferTextOverVarchar {
    /// Whether a column type (base name, typmods) is what this rule flags.
    fn flags(base: &str, mods: &[i64]) -> bool {
        let _ = mods;
        base == "varchar" && !mods.is_empty()
    }
}

impl Rule for PreferTextOverVarchar {
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
                        "column {table}.{} is declared {}: prefer text with a CHECK on length",
                        col,
                        canonical_type(tn)
                    ),
                );
            }
        }
    }
}
