//! `foreign-key-without-not-valid`: a foreign key added to an existing table and validated at once.

use super::prelude::*;

crate::rule!(ForeignKeyWithoutNotValid {
    id: "foreign-key-without-not-valid",
    level: Error,
    category: Locking,
    summary: "A foreign key added to an existing table must be NOT VALID first, then validated",
    explanation: "ADD CONSTRAINT ... FOREIGN KEY checks every existing row while holding a SHARE ROW EXCLUSIVE lock on both the table and the referenced table: writes to both stop for the whole scan. Added NOT VALID, the constraint applies to new rows at once and the old rows are checked later by VALIDATE CONSTRAINT, which only takes a SHARE UPDATE EXCLUSIVE lock.",
    bad: "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
    good: "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
    remedy: "Add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (data's online-safe plan does this for golden changes).",
});

impl Rule for ForeignKeyWithoutNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        for (table, c) in added_constraints(&s.node) {
            if !is(c, ConstrType::ConstrForeign) || !cx.table_exists_before(&table, s.index) {
                continue;
            }
            if c.skip_validation && cx.honours_mitigation() {
                continue;
            }
            let name = if c.conname.is_empty() {
                "foreign key".to_string()
            } else {
                c.conname.clone()
            };
            let target = qname_opt(&c.pktable)
                .map(|q| q.to_string())
                .unwrap_or_default();
            out.add(
                &Self::META,
                Some(s),
                format!("{table}.{name}"),
                format!("foreign key {name} on existing table {table} (referencing {target}) is validated while writes to both tables are blocked; add it NOT VALID and VALIDATE it separately"),
            );
        }
    }
}
