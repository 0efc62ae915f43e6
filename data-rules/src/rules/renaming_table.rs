//! `renaming-table`: a table renamed under running code.

use super::prelude::*;

crate::rule!(RenamingTable {
    id: "renaming-table",
    level: Error,
    category: Compatibility,
    summary: "Renaming a table breaks code still using the old name",
    explanation: "The rename is instant, but every application instance still running the previous release fails on its next query. There is no moment when old and new code can both work.",
    bad: "ALTER TABLE customers RENAME TO clients;",
    good: "-- expand: create the new name as an updatable view, move code over, then rename in a later release\nCREATE VIEW clients AS SELECT * FROM customers;",
    remedy: "Expand and contract: add a view (or the new table with dual writes), switch the code, then remove the old name in a later release.",
});

impl Rule for RenamingTable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::RenameStmt(r) = &s.node else {
            return;
        };
        if r.rename_type != ObjectType::ObjectTable as i32 {
            return;
        }
        let Some(table) = qname_opt(&r.relation) else {
            return;
        };
        if cx.table_exists_before(&table, s.index) {
            out.add(
                &Self::META,
                Some(s),
                table.to_string(),
                format!(
                    "table {table} is renamed to {}: running code using the old name fails",
                    r.newname
                ),
            );
        }
    }
}
