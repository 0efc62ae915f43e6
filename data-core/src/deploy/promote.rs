//! `data promote`: marks the pending plan of an environment ready, only when `data test`
//! passed for exactly this plan.

use super::state::{self, Promotion, TestRecord};
use crate::error::{Error, Result};
use crate::project::Project;
use chrono::Utc;

impl Project {
    /// Promotes the pending plan of `env`; refuses unless its tests passed.
    pub fn promote(&self, env: &str, by: Option<String>) -> Result<Promotion> {
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
        let promotion = Promotion {
            environment: env.to_string(),
            plan_hash,
            at: Utc::now(),
            by: by.unwrap_or_else(|| {
                self.ledger()
                    .map(|l| l.operator())
                    .unwrap_or_else(|_| "unknown".into())
            }),
        };
        state::write_json(&state::promotion_path(self.dir(), env), &promotion)?;
        Ok(promotion)
    }
}
