//! `float-money`: money amounts in floating point.

use super::{Change, Pattern, Suggestion};

/// Recognises amount-like columns of type real or double precision.
pub struct FloatMoney;

impl Pattern for FloatMoney {
    fn id(&self) -> &'static str {
        "float-money"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (t, c) in change.added_columns() {
            let money_name = ["price", "amount", "total", "cost", "balance", "fee"]
                .iter()
                .any(|w| {
                    c.name == *w
                        || c.name.ends_with(&format!("_{w}"))
                        || c.name.starts_with(&format!("{w}_"))
                });
            if !money_name || !matches!(c.ty.sql.as_str(), "real" | "double precision") {
                continue;
            }
            let col = &c.name;
            out.push(Suggestion {
                id: self.id(),
                title: format!("{}.{col} holds money in floating point", t.name),
                object: format!("{}.{col}", t.name),
                explanation: "Binary floating point cannot represent most decimal fractions: sums drift by cents and equality comparisons fail. numeric keeps decimal amounts exact.".into(),
                sql: format!("-- while the table is new (otherwise a rewrite):\nALTER TABLE {} ALTER COLUMN {col} TYPE numeric(14,2);", t.name.sql()),
            });
        }
    }
}
