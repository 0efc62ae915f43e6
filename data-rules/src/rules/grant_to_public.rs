//! `grant-to-public`: privileges granted to every role.

use super::prelude::*;

crate::rule!(GrantToPublic {
    id: "grant-to-public",
    level: Warning,
    category: Security,
    summary: "GRANT ... TO PUBLIC gives the privilege to every role, present and future",
    explanation: "PUBLIC includes every role that exists now or is created later, including roles of other applications sharing the cluster and roles exposed through an API gateway.",
    bad: "GRANT SELECT ON customers TO PUBLIC;",
    good: "GRANT SELECT ON customers TO reporting;",
    remedy: "Grant to the specific roles that need the privilege.",
});

impl Rule for GrantToPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::GrantStmt(g) = &s.node else {
            return;
        };
        if !g.is_grant {
            return;
        }
        let public = g.grantees.iter().any(|r| matches!(&r.node, Some(NodeEnum::RoleSpec(rs)) if rs.roletype == RoleSpecType::RolespecPublic as i32));
        if public {
            let objects: Vec<String> = g
                .objects
                .iter()
                .filter_map(|o| match &o.node {
                    Some(NodeEnum::RangeVar(rv)) => Some(qname(rv).to_string()),
                    _ => None,
                })
                .collect();
            let object = if objects.is_empty() {
                "objects".to_string()
            } else {
                objects.join(", ")
            };
            out.add(
                &Self::META,
                Some(s),
                object.clone(),
                format!("privileges on {object} are granted to PUBLIC"),
            );
        }
    }
}
