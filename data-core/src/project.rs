//! A project: its folder, its `data.toml`, an engine configured by it, and its git ledger.
//! The workflows that combine the engine and the ledger (recording a deployment, history,
//! status, time travel) start here.

use crate::config::Config;
use crate::engine::{Diff, Engine};
use crate::error::Result;
use crate::source::SchemaSource;
use chrono::{DateTime, Utc};
use data_ledger::{Change, Deployment, Ledger, NewDeployment, Outcome, Override, RepoLocation};
use std::path::{Path, PathBuf};

/// A project folder with its config and engine.
pub struct Project {
    dir: PathBuf,
    config: Config,
    engine: Engine,
}

/// What a caller says about a deployment to record; the plan, counts and chain links are
/// computed by [`Project::record_deployment`].
#[derive(Debug, Clone)]
pub struct DeploymentRequest {
    /// The environment.
    pub environment: String,
    /// The revision deployed (default in the CLI: `HEAD`).
    pub to: String,
    /// The commit deployed before; `None` means the environment's current deployment.
    pub from: Option<String>,
    /// Who deployed; `None` takes git config's identity.
    pub operator: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// Findings let through, with reasons.
    pub overrides: Vec<Override>,
    /// Start time (default: now).
    pub started_at: Option<DateTime<Utc>>,
    /// End time (default: now).
    pub finished_at: Option<DateTime<Utc>>,
    /// A note.
    pub note: Option<String>,
}

impl DeploymentRequest {
    /// A succeeded deployment of `to` to `environment`, now, by the git identity.
    pub fn new(environment: impl Into<String>, to: impl Into<String>) -> Self {
        DeploymentRequest {
            environment: environment.into(),
            to: to.into(),
            from: None,
            operator: None,
            outcome: Outcome::Succeeded,
            overrides: Vec::new(),
            started_at: None,
            finished_at: None,
            note: None,
        }
    }
}

impl Project {
    /// Opens the project in `dir` (reads `dir/data.toml` when present).
    pub fn open(dir: &Path) -> Result<Project> {
        let config = Config::load(dir)?;
        let engine = Engine::new().with_config(&config);
        Ok(Project {
            dir: dir.to_path_buf(),
            config,
            engine,
        })
    }

    /// Lets this project's plans go to a target that declares no objects (dropping
    /// everything), as `--allow-empty` asks; see [`Engine::allow_empty_target`].
    pub fn allow_empty_target(mut self, allow: bool) -> Self {
        self.engine = std::mem::take(&mut self.engine).allow_empty_target(allow);
        self
    }

    /// The project folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The project config.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The engine, configured by the project.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The git ledger of the repository holding the project.
    pub fn ledger(&self) -> Result<Ledger> {
        Ok(Ledger::open(&self.dir)?)
    }

    /// The golden SQL of this project at a revision, or the empty schema for `None`.
    pub fn at(&self, rev: Option<&str>) -> SchemaSource {
        match rev {
            Some(rev) => SchemaSource::GitRevision {
                project: self.dir.clone(),
                rev: rev.to_string(),
            },
            None => SchemaSource::Empty,
        }
    }

    /// The project's path inside its repository (`""` at the root).
    pub fn repo_prefix(&self) -> Result<String> {
        Ok(RepoLocation::discover(&self.dir)?.prefix)
    }

    /// The plan between two revisions (`None`: the empty schema) and its object-level changes.
    pub fn changes_between(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(Diff, Vec<Change>)> {
        let diff = self.engine.diff(&self.at(from), &self.at(to))?;
        let changes = changes_of(&diff);
        Ok((diff, changes))
    }

    /// Plans from the environment's current deployment (or `request.from`) to `request.to`
    /// and records the deployment as a tag through the ledger. Nothing is applied to any
    /// database: this is the record the deploy workflow writes, and the way to register a
    /// deployment made by other means (or a baseline of an existing database).
    pub fn record_deployment(&self, request: DeploymentRequest) -> Result<Deployment> {
        let ledger = self.ledger()?;
        let to = ledger.repo().commit(&request.to)?;
        let from = match &request.from {
            Some(rev) => Some(ledger.repo().commit(rev)?.id),
            None => ledger
                .current(&request.environment)?
                .and_then(|d| d.record().map(|r| r.to_commit.clone())),
        };
        let (diff, changes) = self.changes_between(from.as_deref(), Some(&to.id))?;
        let mut request = request;
        request.from = from;
        request.to = to.id;
        self.record_planned(request, diff.plans.forward.hash(), changes)
    }

    /// Records a deployment whose plan hash and changes the caller already has.
    pub(crate) fn record_planned(
        &self,
        request: DeploymentRequest,
        plan_hash: String,
        changes: Vec<Change>,
    ) -> Result<Deployment> {
        let ledger = self.ledger()?;
        let now = Utc::now();
        let started_at = request.started_at.unwrap_or(now);
        let record = NewDeployment {
            environment: request.environment,
            to: request.to,
            from_commit: request.from,
            plan_hash,
            changes,
            overrides: request.overrides,
            operator: request.operator,
            tool_version: crate::VERSION.to_string(),
            started_at,
            finished_at: request.finished_at.unwrap_or(now).max(started_at),
            outcome: request.outcome,
            note: request.note,
        };
        Ok(ledger.record(record)?)
    }

    /// Deployments newest first, of one environment or of all, at most `limit`.
    pub fn history(&self, env: Option<&str>, limit: Option<usize>) -> Result<Vec<Deployment>> {
        let ledger = self.ledger()?;
        let envs = match env {
            Some(e) => vec![e.to_string()],
            None => ledger.environments()?,
        };
        let mut all = Vec::new();
        for e in envs {
            all.extend(ledger.deployments(&e)?);
        }
        all.sort_by(|a, b| {
            b.tag
                .order_key()
                .cmp(&a.tag.order_key())
                .then_with(|| a.tag.env.cmp(&b.tag.env))
        });
        if let Some(n) = limit {
            all.truncate(n);
        }
        Ok(all)
    }

    /// Environments named in `data.toml` or by deployment tags, sorted.
    pub fn environments(&self) -> Result<Vec<String>> {
        let mut envs: Vec<String> = self.config.environments.keys().cloned().collect();
        if let Ok(ledger) = self.ledger() {
            envs.extend(ledger.environments()?);
        }
        envs.sort();
        envs.dedup();
        Ok(envs)
    }
}

/// The object-level changes of a diff's forward plan, in plan order.
pub fn changes_of(diff: &Diff) -> Vec<Change> {
    diff.plans
        .forward
        .operations
        .iter()
        .map(|op| Change {
            op: op_label(op.kind).to_string(),
            kind: op.object.kind.label().to_string(),
            identity: op.identity.clone(),
            destructive: op.destructive,
        })
        .collect()
}

fn op_label(kind: crate::OpKind) -> &'static str {
    match kind {
        crate::OpKind::Create => "create",
        crate::OpKind::Drop => "drop",
        crate::OpKind::Alter => "alter",
        crate::OpKind::Rename => "rename",
    }
}
