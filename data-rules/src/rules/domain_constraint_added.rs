//! `domain-constraint-added`: ALTER DOMAIN ADD CONSTRAINT checks every column of the domain.

use super::prelude::*;

crate::rule!(DomainConstraintAdded {
    id: "domain-constraint-added",
    level: Warning,
    category: Locking,
    summary: "ALTER DOMAIN ... ADD CONSTRAINT scans every table using the domain",
    explanation: "A new domain constraint is checked against every column of that domain in every table, under locks that block writes to those tables. Which tables those are is not visible in the statement.",
    bad: "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');",
    good: "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%') NOT VALID;\nALTER DOMAIN email VALIDATE CONSTRAINT email_has_at;",
    remedy: "Add the constraint NOT VALID and VALIDATE CONSTRAINT separately.",
});

impl Rule for DomainConstraintAdded {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::AlterDomainStmt(d) = &s.node else {
            return;
        };
        if d.subtype != "C" {
            return;
        }
        let not_valid = matches!(d.def.as_deref().and_then(|n| n.node.as_ref()), Some(NodeEnum::Constraint(c)) if c.skip_validation);
        if !not_valid {
            let name = dotted(&d.type_name).join(".");
            out.add(&Self::META, Some(s), name.clone(), format!("constraint added to domain {name} is checked against every column using it, blocking writes"));
        }
    }
}
