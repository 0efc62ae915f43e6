//! The deploy commands: `automate`, `test` (its report), `promote`, `align`, `rollback`. Parsing and
//! printing only; the workflow lives in data-core's `deploy` module.

use clap::Args;
use data_core::deploy::{AlignOptions, AlignReport, Confirmation, GateStatus, TestReport};
use data_core::{Project, RenderFormat, StepEvent};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// `data automate`.
#[derive(Args)]
pub struct AutomateArgs {
    /// The environment whose deployed tag the plan starts from (default: dev).
    #[arg(default_value = "dev")]
    env: String,
    /// Plan even when HEAD's golden SQL declares no objects (the plan drops everything).
    #[arg(long)]
    pub(crate) allow_empty: bool,
}

/// `data test`.
#[derive(Args)]
pub struct TestArgs {
    /// The environment whose deployed schema the plan is applied to (default: dev).
    #[arg(default_value = "dev")]
    pub(crate) env: String,
    /// Also write the results as JUnit XML.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Plan even when HEAD's golden SQL declares no objects (the plan drops everything).
    #[arg(long)]
    pub(crate) allow_empty: bool,
}

/// `data promote`.
#[derive(Args)]
pub struct PromoteArgs {
    /// The environment (default: dev).
    #[arg(default_value = "dev")]
    env: String,
    /// Who promotes (default: git config's identity).
    #[arg(long = "as", value_name = "WHO")]
    operator: Option<String>,
    /// Promote although the coverage gate blocks, for this reason (recorded in
    /// .data/audit.jsonl and carried into the deployment record).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// Plan even when HEAD's golden SQL declares no objects (the plan drops everything).
    #[arg(long)]
    pub(crate) allow_empty: bool,
}

/// `data align` and `data rollback`.
#[derive(Args)]
pub struct DeployArgs {
    /// The environment.
    env: String,
    /// Print the gates and the SQL that would run; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Confirm without a prompt (refused for protected environments).
    #[arg(long)]
    yes: bool,
    /// Non-interactive run (CI); protected environments also need --reason.
    #[arg(long, requires = "reason")]
    ci: bool,
    /// The written reason: why a non-interactive deployment (--ci) is right, and why the
    /// findings let through with --override are acceptable (recorded in .data/audit.jsonl and
    /// the deployment tag).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// Deploy although the live schema drifted from the deployed tag, for this reason.
    #[arg(long, value_name = "REASON")]
    accept_drift: Option<String>,
    /// Who deploys (default: git config's identity).
    #[arg(long = "as", value_name = "WHO")]
    operator: Option<String>,
    /// Let Prime Directive findings of RULE (or of RULE on OBJECT only) through; repeatable,
    /// needs --reason.
    #[arg(long = "override", value_name = "RULE[=OBJECT]")]
    overrides: Vec<String>,
    /// The reason for --override alone, when it differs from --reason (kept for scripts
    /// written before --override took --reason).
    #[arg(long, value_name = "TEXT", hide = true)]
    override_reason: Option<String>,
    /// Confirm that a backup was taken (for `always_backup_before_destructive`).
    #[arg(long)]
    backup_taken: bool,
    /// Plan even when HEAD's golden SQL declares no objects (the plan drops everything).
    #[arg(long)]
    pub(crate) allow_empty: bool,
}

/// `data rollback` adds the target.
#[derive(Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    deploy: DeployArgs,
    /// The deployment tag to return to (default: the deployment before the current one).
    #[arg(long, value_name = "TAG")]
    to: Option<String>,
}

/// Runs `data automate`.
pub fn automate(project: &Project, args: AutomateArgs) -> anyhow::Result<ExitCode> {
    match project.automate(&args.env)? {
        None => outln!("{}: nothing to do, HEAD's golden SQL is deployed", args.env),
        Some((pending, files)) => {
            outln!(
                "{}: {} operation(s), plan {}",
                args.env,
                pending.diff.plans.forward.operations.len(),
                &pending.plan_hash()[..12]
            );
            for f in files.all() {
                outln!("wrote {}", f.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The console report of a `data test` run (its runner lives in `testintel_cmd`).
pub(crate) fn render_test(report: &TestReport) -> String {
    let mut out = format!(
        "plan {} for {}: {} operation(s) ",
        &report.plan_hash[..12],
        report.environment,
        report.operations
    );
    match &report.apply_error {
        Some(e) => {
            out.push_str(&format!("did NOT apply on a throwaway server:\n  {e}\n"));
            return out;
        }
        None => out.push_str("applied on a throwaway server\n"),
    }
    if report.files.is_empty() {
        out.push_str("no pgTAP tests found\n");
    }
    for f in &report.files {
        let failed = f.run.failures();
        out.push_str(&format!(
            "{} {} ({} test(s){})\n",
            if f.passed() { "ok    " } else { "FAILED" },
            f.path,
            f.run.tests.len(),
            if failed > 0 {
                format!(", {failed} failed")
            } else {
                String::new()
            }
        ));
        for t in f.run.tests.iter().filter(|t| !t.ok) {
            out.push_str(&format!("    not ok {} - {}\n", t.number, t.description));
            for d in &t.diagnostics {
                out.push_str(&format!("      # {d}\n"));
            }
        }
        if let Some(e) = &f.error {
            out.push_str(&format!("    {e}\n"));
        }
    }
    out.push_str(&format!(
        "{}: {} test(s), {} failure(s); result recorded for this plan\n",
        if report.passed() { "PASSED" } else { "FAILED" },
        report.tests(),
        report.failures()
    ));
    out
}

/// Runs `data promote`.
pub fn promote(project: &Project, args: PromoteArgs) -> anyhow::Result<ExitCode> {
    let p = project.promote_with(&args.env, args.operator, args.reason.as_deref())?;
    outln!(
        "promoted plan {} for {} (by {})",
        &p.plan_hash[..12],
        p.environment,
        p.by
    );
    if let Some(reason) = &p.coverage_reason {
        outln!("the coverage gate was overridden: {reason} (recorded in .data/audit.jsonl)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `data align`.
pub fn align(project: &Project, args: DeployArgs) -> anyhow::Result<ExitCode> {
    let options = options(project, &args)?;
    let mut bar = StepBar::default();
    let report = project.align_with_progress(&args.env, &options, &mut |e| bar.step(e));
    bar.finish();
    Ok(finish(&report?, args.dry_run))
}

/// Runs `data rollback`.
pub fn rollback(project: &Project, args: RollbackArgs) -> anyhow::Result<ExitCode> {
    let options = options(project, &args.deploy)?;
    let mut bar = StepBar::default();
    let report =
        project.rollback_with_progress(&args.deploy.env, args.to.as_deref(), &options, &mut |e| {
            bar.step(e)
        });
    bar.finish();
    let report = report?;
    for c in report.pending.changes.iter().filter(|c| c.destructive) {
        eprintln!("data loss: {} {} {}", c.op, c.kind, c.identity);
    }
    Ok(finish(&report, args.deploy.dry_run))
}

/// A progress bar on stderr over the steps of an apply (drawn only on a terminal).
#[derive(Default)]
struct StepBar {
    bar: Option<indicatif::ProgressBar>,
}

impl StepBar {
    fn step(&mut self, event: &StepEvent<'_>) {
        let bar = self.bar.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::new(event.total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        bar.set_position(event.index as u64);
        bar.set_message(event.label.to_string());
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

fn options(project: &Project, args: &DeployArgs) -> anyhow::Result<AlignOptions> {
    // Checked before the prompt: a usage error must not ask for the environment's name first.
    if args
        .accept_drift
        .as_deref()
        .is_some_and(|r| r.trim().is_empty())
    {
        anyhow::bail!("--accept-drift needs a written reason");
    }
    let rule_overrides = data_core::parse_overrides(
        &args.overrides,
        args.override_reason.as_deref().or(args.reason.as_deref()),
    )?;
    let protected = project
        .config()
        .environments
        .get(&args.env)
        .is_some_and(|e| e.protected);
    let confirmation = if args.ci {
        match &args.reason {
            Some(r) if !r.trim().is_empty() => Confirmation::Ci(r.trim().to_string()),
            _ => anyhow::bail!("--ci needs --reason \"why\""),
        }
    } else if args.yes {
        Confirmation::Yes
    } else if protected && !args.dry_run && std::io::stdin().is_terminal() {
        eprint!("{} is protected. Type its name to deploy: ", args.env);
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        if line.trim() == args.env {
            Confirmation::Typed
        } else {
            Confirmation::None
        }
    } else {
        Confirmation::None
    };
    Ok(AlignOptions {
        dry_run: args.dry_run,
        confirmation,
        accept_drift: args.accept_drift.clone(),
        operator: args.operator.clone(),
        rule_overrides,
        backup_taken: args.backup_taken,
    })
}

fn finish(report: &AlignReport, dry_run: bool) -> ExitCode {
    for g in &report.gates {
        let mark = match &g.status {
            GateStatus::Passed => "ok      ".to_string(),
            GateStatus::Failed => "BLOCKED ".to_string(),
            GateStatus::Accepted(_) => "accepted".to_string(),
            GateStatus::Skipped => "skipped ".to_string(),
        };
        eprintln!("{mark} {}: {}", g.name, g.detail);
        if let GateStatus::Accepted(reason) = &g.status {
            eprintln!("         reason: {reason}");
        }
    }
    let plan = &report.pending.diff;
    if dry_run {
        out!("{}", plan.render(RenderFormat::Sql, false));
        if report.blocked() {
            eprintln!("dry run: nothing was changed; a gate would block the deployment");
            return ExitCode::from(1);
        }
        eprintln!("dry run: nothing was changed");
        return ExitCode::SUCCESS;
    }
    if report.blocked() {
        eprintln!("nothing was changed: a gate blocked the deployment");
        return ExitCode::from(1);
    }
    if plan.plans.forward.operations.is_empty() {
        outln!(
            "{}: nothing to deploy, the golden SQL at {} is in place",
            report.pending.environment,
            report.pending.to.short_id()
        );
        return ExitCode::SUCCESS;
    }
    match (&report.deployment, &report.error) {
        (Some(d), None) => {
            outln!(
                "deployed {} operation(s) to {}; recorded as {}",
                plan.plans.forward.operations.len(),
                report.pending.environment,
                d.tag
            );
            ExitCode::SUCCESS
        }
        (d, Some(e)) => {
            eprintln!("error: {e}");
            if let Some(d) = d {
                eprintln!("the failed attempt is recorded as {}", d.tag);
            }
            ExitCode::from(1)
        }
        (None, None) => ExitCode::SUCCESS,
    }
}

/// `data server`.
#[derive(clap::Subcommand)]
pub enum ServerCommand {
    /// Show the local servers of the environments marked `local = true`.
    Status,
    /// Start the local server of an environment (it also starts on first use).
    Start {
        /// The environment.
        env: String,
    },
    /// Stop the local server of an environment.
    Stop {
        /// The environment.
        env: String,
    },
}

/// Runs `data server …`.
pub fn server(project: &Project, command: ServerCommand) -> anyhow::Result<ExitCode> {
    let local_envs: Vec<String> = project
        .config()
        .environments
        .iter()
        .filter(|(_, e)| e.local)
        .map(|(n, _)| n.clone())
        .collect();
    let check = |env: &str| -> anyhow::Result<()> {
        if local_envs.iter().any(|e| e == env) {
            Ok(())
        } else {
            anyhow::bail!("`{env}` is not a local environment: set local = true under [environments.{env}] in data.toml")
        }
    };
    match command {
        ServerCommand::Status => {
            if local_envs.is_empty() {
                outln!("no local environments in data.toml");
            }
            for env in &local_envs {
                match data_core::LocalServer::running(&project.local_server_key(env))? {
                    Some(s) => outln!("{env}: running at {}", s.url(env)),
                    None => outln!("{env}: stopped"),
                }
            }
        }
        ServerCommand::Start { env } => {
            check(&env)?;
            outln!("{env}: {}", project.database_url(&env)?);
        }
        ServerCommand::Stop { env } => {
            check(&env)?;
            if data_core::LocalServer::stop(&project.local_server_key(&env))? {
                outln!("{env}: stopped");
            } else {
                outln!("{env}: was not running");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
