//! The gates a deployment passes before anything touches the database. Each reports passed,
//! failed (with the reason), accepted (failed, but let through with a written reason) or
//! skipped (not applicable).

use super::automate;
use super::pending::Pending;
use super::state::{self, Promotion, TestRecord};
use crate::error::Result;
use crate::project::Project;
use serde::Serialize;

/// How a gate ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reason")]
pub enum GateStatus {
    /// The check holds.
    Passed,
    /// The check fails: the deployment stops.
    Failed,
    /// The check fails but was accepted with this reason (kept in the deployment record).
    Accepted(String),
    /// The check does not apply here.
    Skipped,
}

/// One gate's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// The gate, e.g. `clean working tree`.
    pub name: String,
    /// How it ended.
    #[serde(flatten)]
    pub status: GateStatus,
    /// What was found.
    pub detail: String,
}

impl Gate {
    pub(crate) fn new(name: &str, status: GateStatus, detail: impl Into<String>) -> Gate {
        Gate {
            name: name.to_string(),
            status,
            detail: detail.into(),
        }
    }

    /// Whether this gate stops the deployment.
    pub fn blocks(&self) -> bool {
        self.status == GateStatus::Failed
    }
}

impl Project {
    /// No modified, staged or untracked files under the project, other than data's own state
    /// (`.data/`) and the migration files `data automate` writes for this very plan.
    pub(crate) fn gate_clean_tree(&self, pending: &Pending) -> Result<Gate> {
        let ledger = self.ledger()?;
        let prefix = self.repo_prefix()?;
        let base = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let generated = format!(
            "{base}{}/{}.",
            self.config().migrations_dir.trim_matches('/'),
            automate::stem(pending)
        );
        let state = format!("{base}.data/");
        let dirty: Vec<String> = ledger
            .repo()
            .uncommitted(&prefix)?
            .into_iter()
            .filter(|p| !p.starts_with(&state) && !p.starts_with(&generated))
            .collect();
        Ok(if dirty.is_empty() {
            Gate::new(
                "clean working tree",
                GateStatus::Passed,
                "nothing uncommitted",
            )
        } else {
            let shown: Vec<&str> = dirty.iter().take(5).map(String::as_str).collect();
            Gate::new(
                "clean working tree",
                GateStatus::Failed,
                format!(
                    "{} uncommitted file{}: {}{}; commit or stash them first",
                    dirty.len(),
                    if dirty.len() == 1 { "" } else { "s" },
                    shown.join(", "),
                    if dirty.len() > 5 { ", ..." } else { "" }
                ),
            )
        })
    }

    /// On the environment's required branch, and not behind its upstream.
    pub(crate) fn gate_branch(&self, env: &str) -> Result<Gate> {
        let ledger = self.ledger()?;
        let repo = ledger.repo();
        let current = repo.branch()?;
        let required = self
            .config()
            .environments
            .get(env)
            .and_then(|e| e.branch.clone());
        if let Some(required) = &required {
            if current.as_deref() != Some(required.as_str()) {
                return Ok(Gate::new(
                    "branch",
                    GateStatus::Failed,
                    format!(
                        "{env} deploys from `{required}`, but {} is checked out",
                        current
                            .as_deref()
                            .map(|b| format!("`{b}`"))
                            .unwrap_or_else(|| "a detached HEAD".to_string())
                    ),
                ));
            }
        }
        let Some(branch) = current else {
            return Ok(Gate::new("branch", GateStatus::Skipped, "detached HEAD"));
        };
        if let Some(upstream) = repo.upstream(&branch) {
            let behind = repo.commits_between("HEAD", &upstream)?;
            if behind > 0 {
                return Ok(Gate::new(
                    "branch",
                    GateStatus::Failed,
                    format!("`{branch}` is {behind} commit(s) behind {upstream}; pull first"),
                ));
            }
        }
        Ok(Gate::new(
            "branch",
            if required.is_some() {
                GateStatus::Passed
            } else {
                GateStatus::Skipped
            },
            format!("on `{branch}`"),
        ))
    }

    /// The coverage gate (`[testing]` in `data.toml`): the tests the plan requires exist, or
    /// `data promote --reason` let exactly this plan through (already audited then; the reason
    /// goes into the deployment record).
    pub(crate) fn gate_coverage(
        &self,
        env: &str,
        pending: &Pending,
    ) -> Result<(Gate, Option<data_ledger::Override>)> {
        let name = "test coverage";
        let result = self.coverage_gate(env, pending)?;
        if result.passed() {
            let status =
                if result.level == crate::testintel::GateLevel::Off && result.below.is_empty() {
                    GateStatus::Skipped
                } else {
                    GateStatus::Passed
                };
            return Ok((Gate::new(name, status, result.detail()), None));
        }
        let promotion: Option<Promotion> =
            state::read_json(&state::promotion_path(self.dir(), env))?;
        let plan_hash = pending.plan_hash();
        match promotion
            .filter(|p| p.plan_hash == plan_hash)
            .and_then(|p| p.coverage_reason)
        {
            Some(reason) => Ok((
                Gate::new(name, GateStatus::Accepted(reason.clone()), result.detail()),
                Some(data_ledger::Override {
                    rule: "test-coverage".into(),
                    object: env.to_string(),
                    reason,
                }),
            )),
            None => Ok((
                Gate::new(
                    name,
                    GateStatus::Failed,
                    format!(
                        "{}; add the tests, or `data promote {env} --reason \"...\"`",
                        result.detail()
                    ),
                ),
                None,
            )),
        }
    }

    /// The plan was tested (`data test`) and promoted (`data promote`) for this environment.
    pub(crate) fn gate_promoted(&self, env: &str, plan_hash: &str) -> Result<Gate> {
        let promotion: Option<Promotion> =
            state::read_json(&state::promotion_path(self.dir(), env))?;
        let tested: Option<TestRecord> =
            state::read_json(&state::test_record_path(self.dir(), plan_hash))?;
        let short = &plan_hash[..plan_hash.len().min(12)];
        Ok(match (promotion, tested) {
            (Some(p), Some(t)) if p.plan_hash == plan_hash && t.passed => Gate::new(
                "tested and promoted",
                GateStatus::Passed,
                format!("plan {short} passed {} test(s) and was promoted by {}", t.tests, p.by),
            ),
            (_, Some(t)) if !t.passed => Gate::new(
                "tested and promoted",
                GateStatus::Failed,
                format!("plan {short} failed its tests ({} failure(s)); fix and run `data test {env}`", t.failures),
            ),
            (_, None) => Gate::new(
                "tested and promoted",
                GateStatus::Failed,
                format!("plan {short} was never tested; run `data test {env}` then `data promote {env}`"),
            ),
            _ => Gate::new(
                "tested and promoted",
                GateStatus::Failed,
                format!("plan {short} passed its tests but is not promoted; run `data promote {env}`"),
            ),
        })
    }
}

impl Project {
    /// The Prime Directive on the plan as it will run (`Judge::Plan`: hazards the online-safe
    /// plan mitigates pass), with this environment's settings, approvals, the live database's
    /// row estimates and the overrides given. Returns the overrides that accepted findings.
    pub(crate) fn gate_rules(
        &self,
        env: &str,
        pending: &Pending,
        options: &super::AlignOptions,
        database: &data_exec::Database,
    ) -> Result<(Gate, Vec<data_rules::AppliedOverride>)> {
        use data_rules::{audit, DirectiveConfig, Judge, Options};
        let config = DirectiveConfig::load(self.dir())?;
        let mut rows = data_rules::context::RowEstimates::new();
        // Unknown row counts stay unknown (protected environments then block drops).
        if let Ok(estimates) = database.row_estimates() {
            for (schema, table, n) in estimates {
                if let Some(n) = n {
                    rows.insert(data_ast::model::QName::new(&schema, &table), n);
                }
            }
        }
        let opts = Options {
            settings: config.settings(env),
            environment: env.to_string(),
            environment_given: true,
            judge: Judge::Plan,
            rows,
            approvals: audit::load_approvals(self.dir())?,
            now: chrono::Utc::now(),
            overrides: options.rule_overrides.clone(),
            backup_taken: options.backup_taken,
        };
        let report = data_rules::lint_change(
            &pending.old,
            &pending.new,
            &pending.diff.plans.forward,
            &opts,
        );
        let errors: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.level == data_rules::Level::Error)
            .map(|f| format!("{} on {}: {}", f.rule, f.object, f.message))
            .collect();
        let gate = if errors.is_empty() {
            let accepted = report.overrides_applied.len();
            let (_, warnings, _) = report.counts();
            let detail = format!(
                "{warnings} warning(s), {accepted} finding(s) accepted with a reason; see `data lint --env {env} --judge plan`"
            );
            if accepted > 0 {
                let reasons: Vec<String> = report
                    .overrides_applied
                    .iter()
                    .map(|o| format!("{}: {}", o.rule, o.reason))
                    .collect();
                Gate::new(
                    "prime directive",
                    GateStatus::Accepted(reasons.join("; ")),
                    detail,
                )
            } else {
                Gate::new("prime directive", GateStatus::Passed, detail)
            }
        } else {
            Gate::new(
                "prime directive",
                GateStatus::Failed,
                format!(
                    "{} error(s): {}; fix the change or pass --override RULE[=OBJECT] --reason \"...\"",
                    errors.len(),
                    errors.join("; ")
                ),
            )
        };
        Ok((gate, report.overrides_applied))
    }
}
