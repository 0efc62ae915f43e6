//! `data promote`: marks the pending plan of an environment ready, only when `data test`
//! passed for exactly this plan and the coverage gate (`[testing]`) lets it through, or a
//! written reason, recorded in the audit log, overrides the gate.

use super::state::{self, Promotion, TestRecord};
use crate::error::{Error, Result};
use crate::project::Project;
use chrono::Utc;

impl Project {
    /// Promotes the pending plan of `env`; refuses unless its tests passed.
    pub fn promote(&self, env: &str, by: Option<String>) -> Result<Promotion> {
        self.promote_with(env, by, None)
    }

    /// [`Project::promote`], letting a blocking coverage gate through for `coverage_reason`,
    /// which is recorded in `.data/audit.jsonl` (one line per missing test) and the promotion.
    pub fn promote_with(
        &self,
        env: &str,
        by: Option<String>,
        coverage_reason: Option<&str>,
    ) -> Result<Promotion> {
        let pending = self.pending(env, None)?;
        let plan_hash = pending.plan_hash();
        let tested: Option<TestRecord> =
            state::read_json(&state::test_record_path(self.dir(), &plan_hash))?;
        let short = &plan_hash[..plan_hash.len().min(12)];
        match tested {
            Some(t) if t.passed => {}
            Some(t) => {
                return Err(Error::Gate(format!(
                    "plan {short} failed its tests ({} failure(s)); it cannot be promoted",
                    t.failures
                )))
            }
            None => {
                return Err(Error::Gate(format!(
                    "plan {short} for {env} was not tested; run `data test {env}` first"
                )))
            }
        }
        let by = by.unwrap_or_else(|| self.operator());
        let gate = self.coverage_gate(env, &pending)?;
        let mut accepted = None;
        if !gate.passed() {
            match coverage_reason.map(str::trim).filter(|r| !r.is_empty()) {
                None => {
                    return Err(Error::Gate(format!(
                        "test coverage: {}; add the tests (`data test scaffold` writes them) or pass --reason \"...\"",
                        gate.detail()
                    )))
                }
                Some(reason) => {
                    let mut applied: Vec<data_rules::AppliedOverride> = gate
                        .blocking
                        .iter()
                        .map(|t| data_rules::AppliedOverride {
                            rule: "test-coverage".into(),
                            object: t.id(),
                            reason: reason.to_string(),
                        })
                        .collect();
                    applied.extend(gate.below.iter().map(|(kind, pct, min)| {
                        data_rules::AppliedOverride {
                            rule: "test-coverage".into(),
                            object: format!("{} coverage {pct}% < {min}%", kind.plural()),
                            reason: reason.to_string(),
                        }
                    }));
                    data_rules::audit::record_overrides(self.dir(), &applied, &by, &plan_hash, env)?;
                    accepted = Some(reason.to_string());
                }
            }
        }
        let promotion = Promotion {
            environment: env.to_string(),
            plan_hash,
            at: Utc::now(),
            by,
            coverage_reason: accepted,
        };
        state::write_json(&state::promotion_path(self.dir(), env), &promotion)?;
        Ok(promotion)
    }
}
