//! `never-drop-tables-with-data`: the seed policy against dropping tables that hold rows.

use super::prelude::*;

crate::rule!(NeverDropTablesWithData {
    id: "never-drop-tables-with-data",
    level: Error,
    category: Directive,
    summary: "Prime Directive: never drop a table that holds rows",
    explanation: "A table is dropped only when it is known to be empty. Row estimates come from the live database when one is consulted (or from --rows); when the count is unknown, protected environments treat the table as holding data and block the drop. Disable with never_drop_tables_with_data: false.",
    bad: "DROP TABLE customers;",
    good: "-- after the rows were archived and the table emptied (estimate 0):\nDROP TABLE customers_archive_2019;",
    remedy: "Archive or move the rows first and drop the empty table, or override with a written reason after a backup.",
});

impl Rule for NeverDropTablesWithData {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        if !cx.settings.never_drop_tables_with_data {
            return;
        }
        let NodeEnum::DropStmt(d) = &s.node else {
            return;
        };
        if d.remove_type != ObjectType::ObjectTable as i32 {
            return;
        }
        for t in drop_names(&d.objects) {
            if !cx.table_exists_before(&t, s.index) {
                continue;
            }
            match cx.rows(&t) {
                Some(0) => {}
                Some(n) => out.add(&Self::META, Some(s), t.to_string(), format!("table {t} holds about {n} rows and is dropped")),
                None if cx.protected() => out.add(&Self::META, Some(s), t.to_string(), format!("table {t} is dropped and its row count is unknown (no database consulted): treated as holding data in protected environment {}", cx.environment)),
                None => {}
            }
        }
    }
}
