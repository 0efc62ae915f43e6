//! `data status`: where each environment stands against the repository — what is deployed,
//! how many commits have landed since, and what a deployment of HEAD would change.

use crate::error::Result;
use crate::project::Project;
use chrono::{DateTime, Utc};
use data_ledger::{Change, CommitInfo, Counts, Outcome};
use serde::Serialize;

/// The repository and every environment.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The branch checked out (`None`: detached HEAD).
    pub branch: Option<String>,
    /// HEAD's commit id.
    pub head: String,
    /// Files under the project that are modified, staged or untracked.
    pub uncommitted: Vec<String>,
    /// One entry per environment.
    pub environments: Vec<EnvironmentStatus>,
}

impl Status {
    /// Whether the project's files are all committed.
    pub fn clean(&self) -> bool {
        self.uncommitted.is_empty()
    }
}

/// Where one environment stands.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentStatus {
    /// The environment.
    pub name: String,
    /// Whether `data.toml` marks it protected.
    pub protected: bool,
    /// The deployment in effect, if any.
    pub deployed: Option<DeployedAt>,
    /// The newest deployment tag when it did not take effect (e.g. failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failed: Option<String>,
    /// Commits on HEAD since the deployed commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commits_since: Option<usize>,
    /// Counts of the plan from the deployed commit to HEAD.
    pub pending: Counts,
    /// The plan's object-level changes.
    pub pending_changes: Vec<Change>,
    /// Why the pending plan could not be made, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The deployment an environment is at.
#[derive(Debug, Clone, Serialize)]
pub struct DeployedAt {
    /// The tag.
    pub tag: String,
    /// The commit.
    pub commit: String,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Who deployed.
    pub operator: Option<String>,
    /// The outcome.
    pub outcome: Option<Outcome>,
}

impl Project {
    /// The status of one environment, or of every known one.
    pub fn status(&self, env: Option<&str>) -> Result<Status> {
        let ledger = self.ledger()?;
        let repo = ledger.repo();
        let head: CommitInfo = repo.commit("HEAD")?;
        let envs = match env {
            Some(e) => {
                data_ledger::check_environment(e)?;
                vec![e.to_string()]
            }
            None => self.environments()?,
        };
        let mut environments = Vec::new();
        for name in envs {
            let all = ledger.deployments(&name)?;
            let current = all.iter().rev().find(|d| d.took_effect());
            let newest = all.last();
            let last_failed = newest
                .filter(|n| !n.took_effect())
                .map(|n| n.tag.to_string());
            let deployed = current.map(|d| DeployedAt {
                tag: d.tag.to_string(),
                commit: d.commit.clone(),
                finished_at: d.record().map(|r| r.finished_at),
                operator: d.record().map(|r| r.operator.clone()),
                outcome: d.record().map(|r| r.outcome),
            });
            let from = deployed.as_ref().map(|d| d.commit.clone());
            let commits_since = match &from {
                Some(c) => Some(repo.commits_between(c, &head.id)?),
                None => None,
            };
            let (pending_changes, error) =
                match self.changes_between(from.as_deref(), Some(&head.id)) {
                    Ok((_, changes)) => (changes, None),
                    Err(e) => (Vec::new(), Some(e.to_string())),
                };
            environments.push(EnvironmentStatus {
                protected: self
                    .config()
                    .environments
                    .get(&name)
                    .is_some_and(|e| e.protected),
                name,
                deployed,
                last_failed,
                commits_since,
                pending: Counts::of(&pending_changes),
                pending_changes,
                error,
            });
        }
        Ok(Status {
            branch: repo.branch()?,
            head: head.id,
            uncommitted: repo.uncommitted(&self.repo_prefix()?)?,
            environments,
        })
    }
}
