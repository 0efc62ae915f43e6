//! `avoid-money-type`: Do not use the money type.

use super::prelude::*;

crate::rule!(AvoidMoneyType {
    id: "avoid-money-type",
    level: Warning,
    category: Design,
    summary: "Do not use the money type",
    explanation: "money formats and parses according to the server's lc_monetary setting, has a fixed fraction precision, and carries no currency. Restoring a dump on a server with another locale changes or rejects values.",
    bad: "CREATE TABLE invoices (id bigint PRIMARY KEY, amount money);",
    good: "CREATE TABLE invoices (id bigint PRIMARY KEY, amount numeric(12,2), currency text NOT NULL);",
    remedy: "Store numeric (or integer minor units) with an explicit currency column.",
});

impl AvoidMoneyType {
    /// Whether a column type (base name, typmods) is what this rule flags.
    fn flags(base: &str, mods: &[i64]) -> bool {
        let _ = mods;
        base == "money"
    }
}

impl Rule for AvoidMoneyType {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        for (table, col, cd) in typed_columns(&s.node) {
            let Some(tn) = &cd.type_name else { continue };
            if Self::flags(&type_base(tn), &typmods(tn)) {
                out.add(&Self::META, Some(s), format!("{table}.{}", col), format!("column {table}.{} is declared {}: money depends on the server locale; prefer numeric", col, canonical_type(tn)));
            }
        }
    }
}
