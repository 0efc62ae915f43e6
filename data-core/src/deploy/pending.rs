//! The pending plan of an environment: from its deployed commit (or the empty schema) to a
//! target revision, normally HEAD.

use crate::engine::Diff;
use crate::error::Result;
use crate::project::{changes_of, Project};
use data_ast::model::Schema;
use data_exec::Step;
use data_ledger::{Change, CommitInfo, Deployment};

/// What deploying `to` on an environment would do.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The environment.
    pub environment: String,
    /// The deployment in effect, if any.
    pub deployed: Option<Deployment>,
    /// The target commit.
    pub to: CommitInfo,
    /// The plan and its rollback.
    pub diff: Diff,
    /// Object-level changes of the forward plan.
    pub changes: Vec<Change>,
    /// The deployed schema (empty when nothing is deployed).
    pub old: Schema,
    /// The schema being deployed.
    pub new: Schema,
}

impl Pending {
    /// The forward plan's hash: what `test` records, `promote` marks and `align` checks.
    pub fn plan_hash(&self) -> String {
        self.diff.plans.forward.hash()
    }

    /// The deployed commit, if any.
    pub fn from_commit(&self) -> Option<&str> {
        self.deployed.as_ref().map(|d| d.commit.as_str())
    }

    /// The plan's operations as executable steps, in order, with the plan's groups (labels
    /// added to an enum, for instance, are committed in a group of their own before the rest).
    pub fn steps(&self) -> Vec<Step> {
        self.diff
            .plans
            .forward
            .operations
            .iter()
            .map(|op| Step {
                label: format!("{:?} {} {}", op.kind, op.object.kind.label(), op.identity)
                    .to_lowercase(),
                statements: op.sql.clone(),
                transactional: op.transactional,
                group: op.group,
            })
            .collect()
    }
}

impl Project {
    /// The plan that returns `env` from its deployed commit to the older commit `target`: the
    /// rollback of the plan from `target` to the deployed commit, so renames annotated in the
    /// newer golden SQL are undone as renames, not as drop and create.
    pub fn pending_rollback(&self, env: &str, target: &str) -> Result<Pending> {
        let ledger = self.ledger()?;
        let deployed = ledger.current(env)?;
        let target = ledger.repo().commit(target)?;
        let current = deployed.as_ref().map(|d| d.commit.clone());
        let (mut diff, target_schema, current_schema) = self
            .engine()
            .diff_models_unchecked(&self.at(Some(&target.id)), &self.at(current.as_deref()))?;
        std::mem::swap(&mut diff.plans.forward, &mut diff.plans.rollback);
        diff.header.from = match &deployed {
            Some(d) => format!("{} (commit {})", d.tag, &d.commit[..10.min(d.commit.len())]),
            None => format!("{env}: nothing deployed"),
        };
        diff.header.to = format!("commit {}", target.short_id());
        let changes = changes_of(&diff);
        Ok(Pending {
            environment: env.to_string(),
            deployed,
            to: target,
            diff,
            changes,
            old: current_schema,
            new: target_schema,
        })
    }

    /// The plan from `env`'s deployed commit to `to` (default `HEAD`).
    pub fn pending(&self, env: &str, to: Option<&str>) -> Result<Pending> {
        data_ledger::check_environment(env)?;
        let ledger = self.ledger()?;
        let deployed = ledger.current(env)?;
        let to = ledger.repo().commit(to.unwrap_or("HEAD"))?;
        let (mut diff, old, new) = self.engine().diff_models(
            &self.at(deployed.as_ref().map(|d| d.commit.as_str())),
            &self.at(Some(&to.id)),
        )?;
        diff.header.from = match &deployed {
            Some(d) => format!("{} (commit {})", d.tag, &d.commit[..10.min(d.commit.len())]),
            None => format!("{env}: nothing deployed"),
        };
        diff.header.to = format!("commit {}", to.short_id());
        let changes = changes_of(&diff);
        Ok(Pending {
            environment: env.to_string(),
            deployed,
            to,
            diff,
            changes,
            old,
            new,
        })
    }
}
