//! `renaming-column`: a column renamed under running code.

use super::prelude::*;

crate::rule!(RenamingColumn {
    id: "renaming-column",
    level: Error,
    category: Compatibility,
    summary: "Renaming a column breaks code still using the old name",
    explanation: "ALTER TABLE ... RENAME COLUMN is instant, and every query of the previous release that names the column fails from that moment until the new release is fully rolled out.",
    bad: "ALTER TABLE users RENAME COLUMN name TO full_name;",
    good: "ALTER TABLE users ADD COLUMN full_name text;\n-- write both columns from code (or a trigger), backfill, switch readers, drop name later",
    remedy: "Expand and contract: add the new column, write both, backfill, move readers, then drop the old column in a later release.",
});

impl Rule for RenamingColumn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::RenameStmt(r) = &s.node else {
            return;
        };
        if r.rename_type != ObjectType::ObjectColumn as i32 {
            return;
        }
        let Some(table) = qname_opt(&r.relation) else {
            return;
        };
        if cx.table_exists_before(&table, s.index) {
            out.add(
                &Self::META,
                Some(s),
                format!("{table}.{}", r.subname),
                format!(
                    "column {table}.{} is renamed to {}: running code using the old name fails",
                    r.subname, r.newname
                ),
            );
        }
    }
}
