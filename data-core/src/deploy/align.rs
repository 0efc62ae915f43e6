//! `data align` and `data rollback`: the deployment itself. Gates first (nothing touches the
//! database until all pass), then the plan is applied under the environment's advisory lock
//! with its ledger row, and finally the deployment tag is written through the git ledger — for
//! failed attempts too.

use super::gates::{Gate, GateStatus};
use super::pending::Pending;
use crate::error::{Error, Result};
use crate::project::{DeploymentRequest, Project};
use chrono::Utc;
use data_exec::{ApplyRequest, Database, StepEvent};
use data_ledger::{Deployment, Outcome, Override};
use std::time::Duration;

/// How the person deploying confirmed a protected environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// Not confirmed.
    None,
    /// The environment's name was typed at the prompt.
    Typed,
    /// `--yes`: enough for unprotected environments only.
    Yes,
    /// `--ci --reason`: a non-interactive run with a written reason.
    Ci(String),
}

/// Options of `align` and `rollback`.
#[derive(Debug, Clone)]
pub struct AlignOptions {
    /// Print what would run; change nothing.
    pub dry_run: bool,
    /// The confirmation given.
    pub confirmation: Confirmation,
    /// Deploy despite drift, for this reason.
    pub accept_drift: Option<String>,
    /// Who deploys (default: git's identity).
    pub operator: Option<String>,
    /// Rule findings let through, each with its reason (audited); read them with
    /// [`crate::parse_overrides`].
    pub rule_overrides: Vec<data_rules::Override>,
    /// A backup was taken before this deployment (for `always_backup_before_destructive`).
    pub backup_taken: bool,
}

/// What `align` or `rollback` did.
#[derive(Debug, Clone)]
pub struct AlignReport {
    /// The plan.
    pub pending: Pending,
    /// Every gate, in order.
    pub gates: Vec<Gate>,
    /// Whether the plan was applied (false for dry runs and blocked or failed deployments).
    pub applied: bool,
    /// The error of a failed apply.
    pub error: Option<String>,
    /// The tag recorded (for applied and failed attempts).
    pub deployment: Option<Deployment>,
}

impl AlignReport {
    /// Whether a gate stopped the deployment.
    pub fn blocked(&self) -> bool {
        self.gates.iter().any(Gate::blocks)
    }
}

impl Project {
    /// Deploys HEAD to `env` through every gate.
    pub fn align(&self, env: &str, options: &AlignOptions) -> Result<AlignReport> {
        self.align_with_progress(env, options, &mut |_| {})
    }

    /// [`Project::align`], calling `progress` before each step is applied.
    pub fn align_with_progress(
        &self,
        env: &str,
        options: &AlignOptions,
        progress: &mut dyn FnMut(&StepEvent<'_>),
    ) -> Result<AlignReport> {
        crate::lint::check_overrides(&options.rule_overrides)?;
        let pending = self.pending(env, None)?;
        let promoted = self.gate_promoted(env, &pending.plan_hash())?;
        let coverage = self.gate_coverage(env, &pending)?;
        self.deploy(
            env,
            pending,
            vec![(promoted, None), coverage],
            options,
            None,
            progress,
        )
    }

    /// Returns `env` to the schema of `to` (a deployment tag), by default the deployment before
    /// the current one, through the same gates except the test and promotion of the plan.
    pub fn rollback(
        &self,
        env: &str,
        to: Option<&str>,
        options: &AlignOptions,
    ) -> Result<AlignReport> {
        self.rollback_with_progress(env, to, options, &mut |_| {})
    }

    /// [`Project::rollback`], calling `progress` before each step is applied.
    pub fn rollback_with_progress(
        &self,
        env: &str,
        to: Option<&str>,
        options: &AlignOptions,
        progress: &mut dyn FnMut(&StepEvent<'_>),
    ) -> Result<AlignReport> {
        crate::lint::check_overrides(&options.rule_overrides)?;
        let ledger = self.ledger()?;
        let history = ledger.deployments(env)?;
        let current = ledger.current(env)?.ok_or_else(|| {
            Error::Gate(format!(
                "nothing is deployed to {env}; nothing to roll back"
            ))
        })?;
        let target = match to {
            Some(tag) => ledger.find(tag)?,
            None => history
                .iter()
                .rev()
                .filter(|d| d.took_effect() && d.tag.order_key() < current.tag.order_key())
                .find(|d| d.commit != current.commit)
                .cloned()
                .ok_or_else(|| {
                    Error::Gate(format!(
                        "{} is the first deployment of {env}: there is no earlier schema to return to",
                        current.tag
                    ))
                })?,
        };
        let pending = self.pending_rollback(env, &target.commit)?;
        let note = format!("rollback from {} to {}", current.tag, target.tag);
        self.deploy(env, pending, Vec::new(), options, Some(note), progress)
    }

    fn deploy(
        &self,
        env: &str,
        pending: Pending,
        before: Vec<(Gate, Option<Override>)>,
        options: &AlignOptions,
        note: Option<String>,
        progress: &mut dyn FnMut(&StepEvent<'_>),
    ) -> Result<AlignReport> {
        let url = self.database_url(env)?;
        let protected = self
            .config()
            .environments
            .get(env)
            .is_some_and(|e| e.protected);
        let mut gates = vec![self.gate_clean_tree(&pending)?, self.gate_branch(env)?];
        let mut overrides = Vec::new();
        for (gate, accepted) in before {
            gates.push(gate);
            overrides.extend(accepted);
        }
        gates.push(confirmation_gate(env, protected, &options.confirmation));
        if let Confirmation::Ci(reason) = &options.confirmation {
            overrides.push(Override {
                rule: "non-interactive-deploy".into(),
                object: env.to_string(),
                reason: reason.clone(),
            });
        }
        let database = Database::new(&url)?;
        let (rules_gate, applied) = self.gate_rules(env, &pending, options, &database)?;
        gates.push(rules_gate);
        overrides.extend(applied.iter().map(|a| Override {
            rule: a.rule.clone(),
            object: a.object.clone(),
            reason: a.reason.clone(),
        }));
        // Drift is checked last: it needs the database and a throwaway server.
        if !gates.iter().any(Gate::blocks) {
            let drift = self.drift_at(env, &url)?;
            gates.push(if !drift.drifted() {
                Gate::new(
                    "no drift",
                    GateStatus::Passed,
                    "the live schema matches the deployed tag",
                )
            } else {
                let listed: Vec<String> = drift
                    .changes
                    .iter()
                    .take(5)
                    .map(|c| format!("{} {} {}", c.op, c.kind, c.identity))
                    .collect();
                let detail = format!(
                    "the live schema differs from the deployed tag in {} place(s): {}",
                    drift.changes.len(),
                    listed.join("; ")
                );
                match &options.accept_drift {
                    Some(reason) => {
                        overrides.push(Override {
                            rule: "drift".into(),
                            object: env.to_string(),
                            reason: reason.clone(),
                        });
                        Gate::new("no drift", GateStatus::Accepted(reason.clone()), detail)
                    }
                    None => Gate::new(
                        "no drift",
                        GateStatus::Failed,
                        detail + "; see `data drift`, or pass --accept-drift \"reason\"",
                    ),
                }
            });
        }
        let mut report = AlignReport {
            pending,
            gates,
            applied: false,
            error: None,
            deployment: None,
        };
        if report.blocked()
            || options.dry_run
            || report.pending.diff.plans.forward.operations.is_empty()
        {
            return Ok(report);
        }
        let pending = &report.pending;
        let started = Utc::now();
        let operator = options.operator.clone().unwrap_or_else(|| self.operator());
        let request = ApplyRequest {
            environment: env.to_string(),
            from_commit: pending.from_commit().map(str::to_string),
            to_commit: pending.to.id.clone(),
            plan_hash: pending.plan_hash(),
            operator: operator.clone(),
            tool_version: crate::VERSION.to_string(),
            steps: pending.steps(),
            lock_timeout: pending.diff.plans.forward.options.lock_timeout.clone(),
            statement_timeout: pending.diff.plans.forward.options.statement_timeout.clone(),
            lock_wait: Duration::from_secs(self.config().deploy.lock_wait_seconds),
        };
        if !applied.is_empty() {
            data_rules::audit::record_overrides(
                self.dir(),
                &applied,
                &operator,
                &pending.plan_hash(),
                env,
            )?;
        }
        let outcome = database.apply_with_progress(&request, progress);
        let (result, ledger_id) = match outcome {
            Ok(r) => (Outcome::Succeeded, Some(r.ledger_id)),
            Err(e) => match &e {
                data_exec::Error::StepFailed { ledger_id, .. } => {
                    let id = *ledger_id;
                    report.error = Some(e.to_string());
                    (Outcome::Failed, id)
                }
                _ => return Err(e.into()),
            },
        };
        let mut record = DeploymentRequest::new(env, pending.to.id.clone());
        record.from = pending.from_commit().map(str::to_string);
        record.operator = Some(operator);
        record.outcome = result;
        record.overrides = overrides;
        record.started_at = Some(started);
        record.finished_at = Some(Utc::now());
        record.note = match (&note, &report.error) {
            (Some(n), Some(e)) => Some(format!("{n}; {e}")),
            (Some(n), None) => Some(n.clone()),
            (None, e) => e.clone(),
        };
        let deployment = self.record_deployment_with(record, &report.pending)?;
        if let Some(id) = ledger_id {
            database.set_tag(id, &deployment.tag.to_string())?;
        }
        report.applied = result == Outcome::Succeeded;
        report.deployment = Some(deployment);
        Ok(report)
    }

    /// Records a deployment whose plan is already known.
    fn record_deployment_with(
        &self,
        request: DeploymentRequest,
        pending: &Pending,
    ) -> Result<Deployment> {
        self.record_planned(request, pending.plan_hash(), pending.changes.clone())
    }
}

fn confirmation_gate(env: &str, protected: bool, confirmation: &Confirmation) -> Gate {
    let name = "confirmation";
    match (protected, confirmation) {
        (false, _) => Gate::new(name, GateStatus::Skipped, format!("{env} is not protected")),
        (true, Confirmation::Typed) => {
            Gate::new(name, GateStatus::Passed, "environment name typed")
        }
        (true, Confirmation::Ci(reason)) => Gate::new(
            name,
            GateStatus::Accepted(reason.clone()),
            "non-interactive deployment of a protected environment",
        ),
        (true, Confirmation::Yes) => Gate::new(
            name,
            GateStatus::Failed,
            format!(
                "--yes is refused for protected {env}; type its name, or use --ci --reason \"...\""
            ),
        ),
        (true, Confirmation::None) => Gate::new(
            name,
            GateStatus::Failed,
            format!("{env} is protected: type its name to confirm, or use --ci --reason \"...\""),
        ),
    }
}
