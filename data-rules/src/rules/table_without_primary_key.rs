//! `table-without-primary-key`: tables created with no primary key.

use super::prelude::*;

crate::rule!(TableWithoutPrimaryKey {
    id: "table-without-primary-key",
    level: Warning,
    category: Design,
    summary: "Every table should have a primary key",
    explanation: "Without a primary key, rows cannot be updated or deleted through logical replication (UPDATE and DELETE fail on the publisher once a publication includes the table), ORMs cannot address rows, and duplicates creep in.",
    bad: "CREATE TABLE page_views (url text, seen_at timestamptz);",
    good: "CREATE TABLE page_views (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, url text, seen_at timestamptz);",
    remedy: "Declare a primary key when creating the table (an identity column when nothing natural exists).",
});

impl Rule for TableWithoutPrimaryKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::CreateStmt(cs) = &s.node else {
            return;
        };
        let Some(table) = qname_opt(&cs.relation) else {
            return;
        };
        if cs.partbound.is_some() || cs.of_typename.is_some() || !cs.inh_relations.is_empty() {
            return;
        }
        if cs
            .relation
            .as_ref()
            .is_some_and(|r| r.relpersistence == "t")
        {
            return;
        }
        let inline = create_columns(cs)
            .any(|cd| column_constraints(cd).any(|c| is(c, ConstrType::ConstrPrimary)));
        let table_level = create_constraints(cs).any(|c| is(c, ConstrType::ConstrPrimary));
        // A golden change may add the key in a separate operation.
        let in_model = cx
            .new
            .tables
            .get(&table)
            .is_some_and(|t| t.primary_key().is_some());
        if !inline && !table_level && !in_model {
            out.add(
                &Self::META,
                Some(s),
                table.to_string(),
                format!("table {table} has no primary key"),
            );
        }
    }
}
