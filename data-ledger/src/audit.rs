//! The tamper-evident trail: every record carries its own hash and the hash of the previous
//! record of its environment. Verifying recomputes both along the chain and reports the first
//! link that does not hold.

use crate::error::Result;
use crate::ledger::{Deployment, Ledger};
use serde::Serialize;

/// What is wrong with a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The tag message holds no readable record.
    Unreadable,
    /// The record's content no longer matches its own hash: it was edited.
    Altered,
    /// The record names another tag, environment or commit than the tag it sits in.
    Misplaced,
    /// The record points to a previous deployment that no longer exists.
    Missing,
    /// The record's previous-record hash does not match the previous record.
    Broken,
}

/// The first link of a chain that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// The deployment tag where the check failed.
    pub tag: String,
    /// The deployment before it in the chain, if any.
    pub previous: Option<String>,
    /// The kind of problem.
    pub problem: Problem,
    /// What exactly does not match.
    pub detail: String,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.previous {
            Some(p) => write!(f, "{p} -> {}: {}", self.tag, self.detail),
            None => write!(f, "{}: {}", self.tag, self.detail),
        }
    }
}

/// The result of verifying one environment's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// The environment.
    pub environment: String,
    /// Records checked before the first problem (all of them when the chain holds).
    pub verified: usize,
    /// Records in the chain.
    pub records: usize,
    /// How many tags carry signatures.
    pub signed: usize,
    /// The first problem, if any.
    pub broken: Option<BrokenLink>,
}

impl AuditReport {
    /// Whether the whole chain holds.
    pub fn ok(&self) -> bool {
        self.broken.is_none()
    }
}

impl Ledger {
    /// Recomputes `env`'s chain from its first record to its last.
    pub fn verify(&self, env: &str) -> Result<AuditReport> {
        let chain = self.deployments(env)?;
        let mut report = AuditReport {
            environment: env.to_string(),
            verified: 0,
            records: chain.len(),
            signed: chain.iter().filter(|d| d.signed).count(),
            broken: None,
        };
        for (i, d) in chain.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| &chain[p]);
            if let Some(problem) = check_link(d, previous, &chain) {
                report.broken = Some(problem);
                return Ok(report);
            }
            report.verified += 1;
        }
        Ok(report)
    }
}

fn check_link(
    d: &Deployment,
    previous: Option<&Deployment>,
    chain: &[Deployment],
) -> Option<BrokenLink> {
    let tag = d.tag.to_string();
    let prev_name = previous.map(|p| p.tag.to_string());
    let broken = |problem: Problem, detail: String| BrokenLink {
        tag: tag.clone(),
        previous: prev_name.clone(),
        problem,
        detail,
    };
    let parsed = match &d.record {
        Ok(p) => p,
        Err(e) => {
            return Some(broken(
                Problem::Unreadable,
                format!("unreadable record: {e}"),
            ))
        }
    };
    let r = &parsed.record;
    if parsed.actual_hash != r.record_hash {
        return Some(broken(
            Problem::Altered,
            format!(
                "the record was altered: its content hashes to {} but it was written as {}",
                parsed.actual_hash, r.record_hash
            ),
        ));
    }
    if r.tag != tag || r.environment != d.tag.env {
        return Some(broken(
            Problem::Misplaced,
            format!(
                "the record belongs to {} ({}), not to this tag",
                r.tag, r.environment
            ),
        ));
    }
    if r.to_commit != d.commit {
        return Some(broken(
            Problem::Misplaced,
            format!(
                "the tag points at commit {} but the record says {}",
                d.commit, r.to_commit
            ),
        ));
    }
    match (previous, &r.previous_tag) {
        (None, None) => None,
        (_, Some(named)) if !chain.iter().any(|c| c.tag.to_string() == *named) => Some(broken(
            Problem::Missing,
            format!("the previous deployment {named} is missing (its tag was deleted)"),
        )),
        (None, Some(named)) => Some(broken(
            Problem::Missing,
            format!("the record follows {named}, which is not before it in the chain"),
        )),
        (Some(p), None) => Some(broken(
            Problem::Broken,
            format!("the record claims to be the first, but {} comes before it", p.tag),
        )),
        (Some(p), Some(named)) if *named != p.tag.to_string() => Some(broken(
            Problem::Broken,
            format!(
                "the record follows {named}, but the deployment before it is {} (a record was inserted or removed)",
                p.tag
            ),
        )),
        (Some(p), Some(_)) => {
            let actual = p.record.as_ref().map(|x| x.actual_hash.clone()).ok();
            if actual.as_deref() == r.previous_record_hash.as_deref() {
                None
            } else {
                Some(broken(
                    Problem::Broken,
                    format!(
                        "the previous record {} hashes to {} but this record expects {}",
                        p.tag,
                        actual.unwrap_or_else(|| "nothing readable".into()),
                        r.previous_record_hash.as_deref().unwrap_or("none")
                    ),
                ))
            }
        }
    }
}
