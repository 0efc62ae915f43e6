//! The deployment record carried in a tag's message: what was deployed where, by whom, with
//! which plan and outcome, and the hash that chains it to the environment's previous record.
//!
//! The message is one summary line for people, a blank line, then the record as JSON. The
//! record's hash is BLAKE3 over its canonical JSON (keys sorted, no whitespace) without the
//! `record_hash` field itself, so any edit of any field, even one the reader does not know,
//! changes the hash.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The value of [`DeploymentRecord::format`] this version writes.
pub const RECORD_FORMAT: &str = "data.deployment/1";

/// How a deployment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every step applied.
    Succeeded,
    /// A step failed; the transactional part was rolled back.
    Failed,
    /// Recorded without applying anything (the database already had this schema).
    Baseline,
}

impl Outcome {
    /// The lower-case name.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Baseline => "baseline",
        }
    }

    /// Whether the environment has this deployment's schema afterwards.
    pub fn took_effect(self) -> bool {
        matches!(self, Outcome::Succeeded | Outcome::Baseline)
    }
}

/// One object-level change of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Change {
    /// `create`, `drop`, `alter` or `rename`.
    pub op: String,
    /// The object kind, e.g. `table`, `column`, `policy`.
    pub kind: String,
    /// The object, e.g. `public.users.email`.
    pub identity: String,
    /// Whether the step destroys data or objects.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub destructive: bool,
}

/// A safety-rule finding that was let through, with the reason given.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Override {
    /// The rule id.
    pub rule: String,
    /// The object the finding was about.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub object: String,
    /// Why it was accepted.
    pub reason: String,
}

/// Operation counts of a deployment's plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// All operations.
    pub total: usize,
    /// Destructive operations.
    pub destructive: usize,
    /// Per object kind, per operation (`{"table": {"create": 2}}`).
    pub by_kind: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Counts {
    /// Counts the given changes.
    pub fn of(changes: &[Change]) -> Counts {
        let mut counts = Counts::default();
        for c in changes {
            counts.total += 1;
            counts.destructive += usize::from(c.destructive);
            *counts
                .by_kind
                .entry(c.kind.clone())
                .or_default()
                .entry(c.op.clone())
                .or_default() += 1;
        }
        counts
    }

    /// `4 ops: 3 table, 1 policy` (with `, 1 destructive` when any), or `no changes`.
    pub fn kinds_summary(&self) -> String {
        if self.by_kind.is_empty() {
            return "no changes".to_string();
        }
        let kinds: Vec<String> = self
            .by_kind
            .iter()
            .map(|(kind, ops)| format!("{} {kind}", ops.values().sum::<usize>()))
            .collect();
        let destructive = if self.destructive > 0 {
            format!(" ({} destructive)", self.destructive)
        } else {
            String::new()
        };
        let ops = if self.total == 1 { "op" } else { "ops" };
        format!("{} {ops}{destructive}: {}", self.total, kinds.join(", "))
    }

    /// `3 table (2 create, 1 alter), 1 policy (1 drop)`, or `no changes`.
    pub fn summary(&self) -> String {
        if self.by_kind.is_empty() {
            return "no changes".to_string();
        }
        self.by_kind
            .iter()
            .map(|(kind, ops)| {
                let n: usize = ops.values().sum();
                let detail: Vec<String> = ops.iter().map(|(op, k)| format!("{k} {op}")).collect();
                format!("{n} {kind} ({})", detail.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a deployment tag records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentRecord {
    /// The record format, [`RECORD_FORMAT`].
    pub format: String,
    /// The tag this record belongs to, `data/<env>/<stamp>`.
    pub tag: String,
    /// The environment.
    pub environment: String,
    /// The commit deployed before (the previous deployment's), if any.
    pub from_commit: Option<String>,
    /// The commit deployed; the tag points at it.
    pub to_commit: String,
    /// The previous deployment tag of this environment, if any.
    pub previous_tag: Option<String>,
    /// The hash of the previous record of this environment, if any.
    pub previous_record_hash: Option<String>,
    /// The hash of the plan that was applied.
    pub plan_hash: String,
    /// Operation counts.
    pub operations: Counts,
    /// The object-level changes, in plan order.
    pub changes: Vec<Change>,
    /// Safety-rule findings let through, with reasons.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// Who deployed (`Name <email>`).
    pub operator: String,
    /// The version of data that deployed.
    pub tool_version: String,
    /// When the deployment started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: DateTime<Utc>,
    /// How it ended.
    pub outcome: Outcome,
    /// A free-text note, e.g. the error of a failed deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// BLAKE3 of this record's canonical JSON without this field.
    pub record_hash: String,
}

impl DeploymentRecord {
    /// Computes the hash of this record as it is now (ignoring `record_hash`).
    pub fn compute_hash(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        hash_value(value)
    }

    /// The tag message: a summary line, a blank line, the record as pretty JSON.
    pub fn to_message(&self) -> String {
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        format!("{}\n\n{json}\n", self.summary_line())
    }

    /// `data deployment to prod: succeeded, 4 operations (1 destructive)`.
    pub fn summary_line(&self) -> String {
        format!(
            "data deployment to {}: {}, {} operation{} ({} destructive)",
            self.environment,
            self.outcome.label(),
            self.operations.total,
            if self.operations.total == 1 { "" } else { "s" },
            self.operations.destructive
        )
    }
}

/// A record as found in a tag message, with the hash recomputed from the text as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRecord {
    /// The record.
    pub record: DeploymentRecord,
    /// The hash of the message's JSON as found, including any field this version does not know.
    pub actual_hash: String,
}

/// Reads the record out of a tag message (the JSON object after the summary line).
pub fn parse_message(message: &str) -> Result<ParsedRecord> {
    let start = message
        .find("\n{")
        .map(|i| i + 1)
        .or_else(|| message.starts_with('{').then_some(0))
        .ok_or_else(|| Error::Record("the tag message holds no JSON record".into()))?;
    let end = message
        .find("\n-----BEGIN ")
        .filter(|e| *e > start)
        .unwrap_or(message.len());
    let json = &message[start..end];
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| Error::Record(format!("invalid JSON: {e}")))?;
    let record: DeploymentRecord = serde_json::from_value(value.clone())
        .map_err(|e| Error::Record(format!("not a deployment record: {e}")))?;
    Ok(ParsedRecord {
        record,
        actual_hash: hash_value(value),
    })
}

/// BLAKE3 over the canonical JSON of `value` without its `record_hash` member.
fn hash_value(mut value: serde_json::Value) -> String {
    if let serde_json::Value::Object(map) = &mut value {
        map.remove("record_hash");
    }
    let mut text = String::new();
    canonical(&value, &mut text);
    format!("blake3:{}", blake3::hash(text.as_bytes()).to_hex())
}

/// Compact JSON with object keys sorted, whatever map type serde_json was built with.
fn canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> DeploymentRecord {
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        let changes = vec![Change {
            op: "create".into(),
            kind: "table".into(),
            identity: "public.users".into(),
            destructive: false,
        }];
        let mut r = DeploymentRecord {
            format: RECORD_FORMAT.into(),
            tag: "data/prod/2026.331.120000".into(),
            environment: "prod".into(),
            from_commit: None,
            to_commit: "0".repeat(40),
            previous_tag: None,
            previous_record_hash: None,
            plan_hash: "p".into(),
            operations: Counts::of(&changes),
            changes,
            overrides: vec![],
            operator: "Ada <ada@example.com>".into(),
            tool_version: "0.1.0".into(),
            started_at: at,
            finished_at: at,
            outcome: Outcome::Succeeded,
            note: None,
            record_hash: String::new(),
        };
        r.record_hash = r.compute_hash();
        r
    }

    #[test]
    fn message_round_trips_with_the_same_hash() {
        let r = sample();
        let parsed = parse_message(&r.to_message()).unwrap();
        assert_eq!(parsed.record, r);
        assert_eq!(parsed.actual_hash, r.record_hash);
        assert!(r
            .to_message()
            .starts_with("data deployment to prod: succeeded, 1 operation (0 destructive)\n\n{"));
    }

    #[test]
    fn any_edit_changes_the_hash() {
        let r = sample();
        let edited = r.to_message().replace("Ada", "Eve");
        assert_ne!(parse_message(&edited).unwrap().actual_hash, r.record_hash);
        let extra = r.to_message().replacen('{', "{\"extra\": 1,", 1);
        assert_ne!(parse_message(&extra).unwrap().actual_hash, r.record_hash);
        let reformatted = r.to_message().replace("\n  ", "\n");
        assert_eq!(
            parse_message(&reformatted).unwrap().actual_hash,
            r.record_hash
        );
    }

    #[test]
    fn messages_without_records_are_errors() {
        assert!(parse_message("just words").is_err());
        assert!(parse_message("x\n\n{ not json").is_err());
        assert!(parse_message("x\n\n{\"a\": 1}").is_err());
    }

    #[test]
    fn counts_summarise_per_kind() {
        let r = sample();
        assert_eq!(r.operations.summary(), "1 table (1 create)");
        assert_eq!(Counts::default().summary(), "no changes");
    }
}
