//! `vacuum-full`: VACUUM FULL in a migration.

use super::prelude::*;

crate::rule!(VacuumFull {
    id: "vacuum-full",
    level: Error,
    category: Locking,
    summary: "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
    explanation: "VACUUM FULL copies the whole table to reclaim space; nothing can read or write it meanwhile, and it needs free disk for a second copy. It does not belong in a migration.",
    bad: "VACUUM FULL orders;",
    good: "VACUUM (ANALYZE) orders;",
    remedy: "Use plain VACUUM (it runs alongside reads and writes), or an online tool such as pg_repack in a maintenance window.",
});

impl Rule for VacuumFull {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::VacuumStmt(v) = &s.node else {
            return;
        };
        let full = v.options.iter().any(|o| {
            matches!(&o.node, Some(NodeEnum::DefElem(d)) if d.defname.eq_ignore_ascii_case("full"))
        });
        if full {
            let names: Vec<String> = v
                .rels
                .iter()
                .filter_map(|r| match &r.node {
                    Some(NodeEnum::VacuumRelation(vr)) => {
                        qname_opt(&vr.relation).map(|q| q.to_string())
                    }
                    _ => None,
                })
                .collect();
            let object = if names.is_empty() {
                "database".to_string()
            } else {
                names.join(", ")
            };
            out.add(
                &Self::META,
                Some(s),
                object.clone(),
                format!("VACUUM FULL of {object} blocks reads and writes while it rewrites"),
            );
        }
    }
}
