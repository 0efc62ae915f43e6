//! `check-without-not-valid`: a CHECK constraint added to an existing table and validated at once.

use super::prelude::*;

crate::rule!(CheckWithoutNotValid {
    id: "check-without-not-valid",
    level: Error,
    category: Locking,
    summary: "A CHECK constraint added to an existing table must be NOT VALID first, then validated",
    explanation: "ADD CONSTRAINT ... CHECK scans the whole table under an ACCESS EXCLUSIVE lock: nothing can read or write it until every row is checked. Added NOT VALID, it is enforced for new rows immediately; VALIDATE CONSTRAINT later checks old rows under a lock that lets reads and writes go on.",
    bad: "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);",
    good: "ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_qty_positive;",
    remedy: "Add the CHECK with NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (data's online-safe plan does this for golden changes).",
});

impl Rule for CheckWithoutNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::AlterTableStmt(at) = &s.node else {
            return;
        };
        let Some(table) = qname_opt(&at.relation) else {
            return;
        };
        if !cx.table_exists_before(&table, s.index) {
            return;
        }
        for c in alter_cmds(at)
            .filter(|c| cmd_is(c, AlterTableType::AtAddConstraint))
            .filter_map(cmd_constraint)
        {
            if !is(c, ConstrType::ConstrCheck) || (c.skip_validation && cx.honours_mitigation()) {
                continue;
            }
            let name = if c.conname.is_empty() {
                "check".to_string()
            } else {
                c.conname.clone()
            };
            out.add(
                &Self::META,
                Some(s),
                format!("{table}.{name}"),
                format!("CHECK {name} on existing table {table} is validated under an ACCESS EXCLUSIVE lock; add it NOT VALID and VALIDATE it separately"),
            );
        }
    }
}
