//! `identifier-too-long`: names longer than PostgreSQL keeps.

use super::prelude::*;

crate::rule!(IdentifierTooLong {
    id: "identifier-too-long",
    level: Error,
    category: Design,
    summary: "Identifiers longer than 63 bytes are silently truncated",
    explanation: "PostgreSQL keeps only the first 63 bytes of a name (NAMEDATALEN - 1) and says so only in a NOTICE. Two long names sharing their first 63 bytes collide, and code or golden SQL using the full name no longer matches the catalog, so every later diff sees a difference.",
    bad: "CREATE INDEX orders_customer_id_created_at_status_region_currency_country_partial_idx_v2 ON orders (customer_id);",
    good: "CREATE INDEX orders_customer_created_idx ON orders (customer_id);",
    remedy: "Keep names at most 63 bytes (multi-byte characters count several bytes).",
});

impl Rule for IdentifierTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        // The parser truncates identifiers itself, so the statement's tokens are read instead.
        let creates = matches!(
            &s.node,
            NodeEnum::CreateStmt(_)
                | NodeEnum::IndexStmt(_)
                | NodeEnum::ViewStmt(_)
                | NodeEnum::RenameStmt(_)
                | NodeEnum::CreateSeqStmt(_)
                | NodeEnum::AlterTableStmt(_)
                | NodeEnum::CreateFunctionStmt(_)
                | NodeEnum::CreateTrigStmt(_)
                | NodeEnum::CreatePolicyStmt(_)
                | NodeEnum::CreateSchemaStmt(_)
                | NodeEnum::CompositeTypeStmt(_)
                | NodeEnum::CreateEnumStmt(_)
                | NodeEnum::CreateDomainStmt(_)
        );
        if !creates {
            return;
        }
        let Ok(scan) = pg_query::scan(&s.sql) else {
            return;
        };
        let mut seen = Vec::new();
        for t in &scan.tokens {
            if t.token != pg_query::protobuf::Token::Ident as i32 {
                continue;
            }
            let text = s.sql.get(t.start as usize..t.end as usize).unwrap_or("");
            let name = text.trim_matches('"');
            if name.len() > 63 && !seen.contains(&name) {
                seen.push(name);
                out.add(
                    &Self::META,
                    Some(s),
                    name.to_string(),
                    format!(
                        "identifier is {} bytes; PostgreSQL truncates it to 63",
                        name.len()
                    ),
                );
            }
        }
    }
}
