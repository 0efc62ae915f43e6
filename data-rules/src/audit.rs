//! The audit trail: overrides and approvals, appended as JSON lines under the project's `.data/`
//! folder (`audit.jsonl`, `approvals.jsonl`).

use crate::context::Approval;
use crate::engine::AppliedOverride;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One audit record: a finding accepted by an override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When (RFC 3339, UTC).
    pub timestamp: String,
    /// What happened: `override`.
    pub event: String,
    /// The rule overridden.
    pub rule: String,
    /// The object of the finding.
    pub object: String,
    /// The written reason.
    pub reason: String,
    /// Who.
    pub who: String,
    /// The plan (or files) hash.
    pub plan: String,
    /// The environment.
    pub environment: String,
}

/// `.data/audit.jsonl` of a project.
pub fn audit_path(project: &Path) -> PathBuf {
    project.join(".data").join("audit.jsonl")
}

/// `.data/approvals.jsonl` of a project.
pub fn approvals_path(project: &Path) -> PathBuf {
    project.join(".data").join("approvals.jsonl")
}

/// The current time as RFC 3339 UTC with seconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn append_lines<T: Serialize>(path: &Path, records: &[T]) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let io = |e| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut text = String::new();
    for r in records {
        text.push_str(&serde_json::to_string(r)?);
        text.push('\n');
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)
}

/// Appends one record per applied override to the project's audit log.
pub fn record_overrides(
    project: &Path,
    applied: &[AppliedOverride],
    who: &str,
    plan: &str,
    environment: &str,
) -> Result<Vec<AuditRecord>> {
    let timestamp = now_rfc3339();
    let records: Vec<AuditRecord> = applied
        .iter()
        .map(|a| AuditRecord {
            timestamp: timestamp.clone(),
            event: "override".into(),
            rule: a.rule.clone(),
            object: a.object.clone(),
            reason: a.reason.clone(),
            who: who.to_string(),
            plan: plan.to_string(),
            environment: environment.to_string(),
        })
        .collect();
    append_lines(&audit_path(project), &records)?;
    Ok(records)
}

/// Records an approval; the name and reason must not be empty.
pub fn record_approval(project: &Path, approval: &Approval) -> Result<()> {
    if approval.name.trim().is_empty() || approval.reason.trim().is_empty() {
        return Err(Error::InvalidValue {
            what: "approval".into(),
            value: String::new(),
            message: "an approval needs a name and a written reason".into(),
        });
    }
    append_lines(&approvals_path(project), std::slice::from_ref(approval))
}

/// Reads every approval recorded in a project (none when the file is absent); unreadable lines
/// are skipped.
pub fn load_approvals(project: &Path) -> Result<Vec<Approval>> {
    let path = approvals_path(project);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::Io {
            path: path.display().to_string(),
            source: e,
        }),
    }
}
