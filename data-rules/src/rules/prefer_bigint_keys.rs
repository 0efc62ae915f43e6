//! `prefer-bigint-keys`: integer or smallint keys that will run out.

use super::prelude::*;

crate::rule!(PreferBigintKeys {
    id: "prefer-bigint-keys",
    level: Warning,
    category: Design,
    summary: "Primary keys, identity and serial columns should be bigint, not int",
    explanation: "An integer key runs out after about 2.1 billion values (smallint after 32767), counting values burnt by rolled-back inserts. Widening it later rewrites the table and every referencing table under ACCESS EXCLUSIVE locks. bigint costs four more bytes per row.",
    bad: "CREATE TABLE orders (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    good: "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    remedy: "Declare keys (and the foreign keys pointing at them) as bigint from the start.",
});

impl Rule for PreferBigintKeys {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let table_keys: Vec<String> = match &s.node {
            NodeEnum::CreateStmt(cs) => create_constraints(cs)
                .filter(|c| is(c, ConstrType::ConstrPrimary))
                .flat_map(|c| names(&c.keys))
                .collect(),
            _ => Vec::new(),
        };
        for (table, cd, _) in introduced_columns(&s.node) {
            let Some(tn) = &cd.type_name else { continue };
            let base = type_base(tn);
            let small = matches!(
                base.as_str(),
                "int4"
                    | "int2"
                    | "integer"
                    | "smallint"
                    | "int"
                    | "serial"
                    | "serial4"
                    | "smallserial"
                    | "serial2"
            );
            let key = table_keys.contains(&cd.colname)
                || column_constraints(cd)
                    .any(|c| is(c, ConstrType::ConstrPrimary) || is(c, ConstrType::ConstrIdentity))
                || serial_type(cd);
            if small && key {
                out.add(
                    &Self::META,
                    Some(s),
                    format!("{table}.{}", cd.colname),
                    format!(
                        "key column {table}.{} is {}: it runs out long before bigint would",
                        cd.colname,
                        canonical_type(tn)
                    ),
                );
            }
        }
    }
}
