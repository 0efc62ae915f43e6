//! `require-two-approvals-for-production`: the seed policy of recorded approvals.

use super::prelude::*;

crate::rule!(RequireTwoApprovalsForProduction {
    id: "require-two-approvals-for-production",
    level: Error,
    category: Directive,
    summary: "Prime Directive: protected environments need two recorded approvals of the exact plan",
    explanation: "Approvals are recorded with `data approve --name ... --reason ...` in .data/approvals.jsonl, keyed by the plan hash: changing the plan invalidates them. Protected environments need required_approvals (default 2) distinct approvers. Judged only when an environment is named (--env).",
    bad: "-- data lint --env production with one approval recorded for this plan\nALTER TABLE users ADD COLUMN plan text;",
    good: "-- data lint --env production after two people ran data approve for this plan\nALTER TABLE users ADD COLUMN plan text;",
    remedy: "Have two people review the plan and record `data approve --name NAME --reason WHY --env ENV`.",
});

impl Rule for RequireTwoApprovalsForProduction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        let needed = cx.settings.required_approvals as usize;
        if !cx.environment_given || needed == 0 || cx.statements.is_empty() {
            return;
        }
        let mut names: Vec<&str> = cx
            .approvals
            .iter()
            .filter(|a| {
                a.plan == cx.plan_hash
                    && (a.environment.is_empty() || a.environment == cx.environment)
            })
            .map(|a| a.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.len() < needed {
            let short = cx.plan_hash.get(..12).unwrap_or(cx.plan_hash);
            out.add_at(
                &Self::META,
                None,
                format!("plan {short}"),
                format!(
                    "{} of {needed} approvals recorded for plan {short} in {}",
                    names.len(),
                    cx.environment
                ),
            );
        }
    }
}
