//! `domain-with-constraint`: CHECK constraints on domains.

use super::prelude::*;

crate::rule!(DomainWithConstraint {
    id: "domain-with-constraint",
    level: Info,
    category: Design,
    summary: "Domain CHECK constraints are hard to change later",
    explanation: "Changing or adding a domain's CHECK validates every column of the domain in every table at once, under locks, and it is invisible from the tables' definitions. A CHECK on each column can be changed table by table with NOT VALID + VALIDATE.",
    bad: "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');",
    good: "CREATE DOMAIN email AS text;\nCREATE TABLE users (id bigint PRIMARY KEY, address email CHECK (address LIKE '%@%'));",
    remedy: "Prefer table CHECK constraints, or accept that changing the domain's rule needs a maintenance window.",
});

impl Rule for DomainWithConstraint {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::CreateDomainStmt(d) = &s.node else {
            return;
        };
        let check = d.constraints.iter().any(
            |c| matches!(&c.node, Some(NodeEnum::Constraint(c)) if is(c, ConstrType::ConstrCheck)),
        );
        if check {
            let name = dotted(&d.domainname).join(".");
            out.add(
                &Self::META,
                Some(s),
                name.clone(),
                format!("domain {name} carries a CHECK constraint"),
            );
        }
    }
}
