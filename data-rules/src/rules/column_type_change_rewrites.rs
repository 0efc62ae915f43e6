//! `column-type-change-rewrites`: ALTER COLUMN TYPE that rewrites or scans the table.

use super::prelude::*;

crate::rule!(ColumnTypeChangeRewrites {
    id: "column-type-change-rewrites",
    level: Error,
    category: Rewrite,
    summary: "Changing a column's type rewrites the table unless the change is binary-coercible",
    explanation: "ALTER COLUMN ... TYPE holds an ACCESS EXCLUSIVE lock while PostgreSQL rewrites every row and rebuilds every index of the table, unless the old and new types are binary-coercible: varchar(10) -> varchar(20), varchar -> text, numeric(10,2) -> numeric(12,2), cidr -> inet. Shortening a limit (varchar(20) -> varchar(10)) does not rewrite but scans every row under the lock. Running code may also break on the new type.",
    bad: "-- before\nCREATE TABLE users (id bigint PRIMARY KEY, age integer);\n-- after\nCREATE TABLE users (id bigint PRIMARY KEY, age bigint);",
    good: "-- before\nCREATE TABLE users (id bigint PRIMARY KEY, name varchar(10));\n-- after\nCREATE TABLE users (id bigint PRIMARY KEY, name varchar(20));",
    remedy: "Prefer binary-coercible changes. Otherwise expand and contract: add a new column, write to both (trigger), backfill in batches, switch readers, then drop the old column.",
});

impl Rule for ColumnTypeChangeRewrites {
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
        for cmd in alter_cmds(at) {
            if !cmd_is(cmd, AlterTableType::AtAlterColumnType) {
                continue;
            }
            let Some(cd) = cmd_column(cmd) else { continue };
            let Some(tn) = &cd.type_name else { continue };
            let new = canonical_type(tn);
            let object = format!("{table}.{}", cmd.name);
            let using = cd.raw_default.is_some() && cx.mode == Mode::Files;
            let old = cx.old_column(&table, &cmd.name).map(|c| c.ty.sql.clone());
            let (change, why) = match (&old, cx.mode) {
                (Some(old), _) => {
                    let c = if using {
                        TypeChange::Rewrite
                    } else {
                        classify_type_change(old, &new)
                    };
                    (c, format!("{old} -> {new}"))
                }
                (None, _) => (
                    TypeChange::Rewrite,
                    format!("to {new} (the old type is not known here, so a rewrite is assumed)"),
                ),
            };
            let message = match change {
                TypeChange::Free => continue,
                TypeChange::Scan => format!("column {object} changes type {why}: every row is checked under an ACCESS EXCLUSIVE lock"),
                TypeChange::Rewrite => format!("column {object} changes type {why}: the table and its indexes are rewritten under an ACCESS EXCLUSIVE lock"),
            };
            out.add(&Self::META, Some(s), object, message);
        }
    }
}
