//! Time travel: naming a point in the project's past — a deployment tag, any git revision, or
//! a moment in time — and reading the golden SQL as it was there.

use crate::error::{Error, Result};
use crate::project::Project;
use chrono::{DateTime, NaiveDate, Utc};
use data_ledger::{CommitInfo, Deployment, TagName};

/// A resolved point in history.
#[derive(Debug, Clone)]
pub struct Point {
    /// What the user asked for.
    pub asked: String,
    /// The commit whose golden SQL is the schema at that point.
    pub commit: CommitInfo,
    /// The deployment the point resolved through, if any.
    pub deployment: Option<Deployment>,
}

impl Point {
    /// `data/prod/2026.331.120000 (commit 1a2b3c4d5e)` or `HEAD~2 (commit …)`.
    pub fn label(&self) -> String {
        match &self.deployment {
            Some(d) => format!("{} (commit {})", d.tag, self.commit.short_id()),
            None => format!("{} (commit {})", self.asked, self.commit.short_id()),
        }
    }
}

/// Reads an RFC 3339 timestamp, or a bare `YYYY-MM-DD` (midnight UTC).
pub fn parse_moment(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

impl Project {
    /// Resolves POINT: a deployment tag (`data/<env>/<stamp>`, or just `<stamp>` with an
    /// environment), an RFC 3339 timestamp (the deployment of `env` in effect then, or without
    /// an environment the last commit on HEAD made by then), or any git revision.
    pub fn resolve_point(&self, point: &str, env: Option<&str>) -> Result<Point> {
        let ledger = self.ledger()?;
        let bad = |message: String| Error::BadPoint {
            point: point.to_string(),
            message,
        };
        if let Some(at) = parse_moment(point) {
            return match env {
                Some(env) => {
                    let d = ledger.in_effect_at(env, at)?.ok_or_else(|| {
                        bad(format!("no deployment of `{env}` had taken effect by {at}"))
                    })?;
                    let commit = ledger.repo().commit(&d.commit)?;
                    Ok(Point {
                        asked: point.to_string(),
                        commit,
                        deployment: Some(d),
                    })
                }
                None => {
                    let commit = ledger
                        .repo()
                        .last_commit_before("HEAD", at)?
                        .ok_or_else(|| bad(format!("HEAD has no commit made by {at}")))?;
                    Ok(Point {
                        asked: point.to_string(),
                        commit,
                        deployment: None,
                    })
                }
            };
        }
        let tag = if TagName::parse(point).is_some() {
            Some(point.to_string())
        } else {
            env.map(|e| format!("data/{e}/{point}"))
                .filter(|t| TagName::parse(t).is_some())
        };
        if let Some(tag) = tag {
            if let Ok(d) = ledger.find(&tag) {
                let commit = ledger.repo().commit(&d.commit)?;
                return Ok(Point {
                    asked: point.to_string(),
                    commit,
                    deployment: Some(d),
                });
            }
            if TagName::parse(point).is_some() {
                return Err(bad("no such deployment tag".to_string()));
            }
        }
        let commit = ledger.repo().commit(point)?;
        Ok(Point {
            asked: point.to_string(),
            commit,
            deployment: None,
        })
    }
}
