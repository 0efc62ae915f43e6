//! The ledger commands: `history`, `status`, `timetravel`, `audit`. Each parses nothing
//! itself: it calls data-core and prints one of its renderings.

use clap::{Args, Subcommand, ValueEnum};
use data_core::report;
use data_core::{DeploymentRequest, Outcome, Override, Project, RenderFormat};
use std::path::PathBuf;
use std::process::ExitCode;

/// Human or JSON.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum ViewFormat {
    /// For people.
    Human,
    /// For programs.
    Json,
}

/// `data history`.
#[derive(Args)]
pub struct HistoryArgs {
    /// Only this environment (default: all).
    env: Option<String>,
    /// At most this many deployments.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    format: ViewFormat,
}

/// `data status`.
#[derive(Args)]
pub struct StatusArgs {
    /// Only this environment (default: every environment in data.toml or in tags).
    env: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    format: ViewFormat,
}

/// Schema output of `timetravel`.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    /// The compiled golden SQL.
    Sql,
    /// An object list.
    Human,
}

/// `data timetravel`.
#[derive(Args)]
pub struct TimetravelArgs {
    /// Where to go: a deployment tag, a git revision, or an RFC 3339 time.
    #[arg(long, value_name = "POINT", required_unless_present = "timeline")]
    to: Option<String>,
    /// The environment whose deployments resolve times and bare stamps.
    #[arg(long, value_name = "ENV")]
    env: Option<String>,
    /// Output format of the schema.
    #[arg(long, value_enum, default_value_t = SchemaFormat::Sql)]
    format: SchemaFormat,
    /// Print what changed from POINT to POINT2 (a plan and a summary) instead of the schema.
    #[arg(long, value_name = "POINT2", requires = "to")]
    diff: Option<String>,
    /// Print every deployment with its changes (of ENV, or of all environments).
    #[arg(long, value_name = "ENV", num_args = 0..=1, default_missing_value = "", conflicts_with_all = ["to", "diff"])]
    timeline: Option<String>,
    /// With --timeline: also write the timeline as a self-contained HTML page.
    #[arg(long, value_name = "FILE", requires = "timeline")]
    html: Option<PathBuf>,
    /// Build a holodeck from the golden SQL at POINT (named NAME, default `tt-<commit>`) and
    /// print its URL instead of the schema.
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "", requires = "to", conflicts_with = "diff")]
    spin_up: Option<String>,
}

/// `data audit`.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of deployment records and report the first broken link.
    Verify {
        /// Only this environment (default: all).
        env: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
        format: ViewFormat,
    },
    /// Record a deployment made outside data (or a baseline) as a deployment tag.
    ///
    /// Plans from the environment's current deployment to REV to fill in the record; applies
    /// nothing to any database.
    Record(RecordArgs),
    /// Print one deployment record.
    Show {
        /// The tag, `data/<env>/<stamp>`.
        tag: String,
    },
}

/// `data audit record`.
#[derive(Args)]
pub struct RecordArgs {
    /// The environment.
    env: String,
    /// The revision deployed.
    #[arg(long, default_value = "HEAD")]
    to: String,
    /// The revision deployed before (default: the environment's current deployment).
    #[arg(long)]
    from: Option<String>,
    /// Who deployed (default: git config user.name and user.email).
    #[arg(long = "as", value_name = "WHO")]
    operator: Option<String>,
    /// How it ended.
    #[arg(long, value_enum, default_value_t = OutcomeArg::Succeeded)]
    outcome: OutcomeArg,
    /// A note kept in the record.
    #[arg(long)]
    note: Option<String>,
    /// When the deployment started (RFC 3339; default: now). For backfilling history.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it finished (RFC 3339; default: the start time, or now).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    finished: Option<chrono::DateTime<chrono::Utc>>,
    /// A rule finding let through: `RULE=REASON` (the reason is required).
    #[arg(long = "override", value_name = "RULE=REASON")]
    overrides: Vec<String>,
}

/// Outcomes on the command line.
#[derive(Copy, Clone, ValueEnum)]
pub enum OutcomeArg {
    /// Every step applied.
    Succeeded,
    /// A step failed.
    Failed,
    /// The database already had this schema.
    Baseline,
}

fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    data_core::parse_moment(text)
        .ok_or_else(|| format!("`{text}` is not an RFC 3339 time such as 2026-11-27T12:00:00Z"))
}

/// Runs `data history`.
pub fn history(project: &Project, args: HistoryArgs) -> anyhow::Result<ExitCode> {
    let list = project.history(args.env.as_deref(), args.limit)?;
    match args.format {
        ViewFormat::Human => out!("{}", report::history_human(&list)),
        ViewFormat::Json => out!("{}", report::history_json(&list)),
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `data status`.
pub fn status(project: &Project, args: StatusArgs) -> anyhow::Result<ExitCode> {
    let status = project.status(args.env.as_deref())?;
    match args.format {
        ViewFormat::Human => out!("{}", report::status_human(&status)),
        ViewFormat::Json => outln!("{}", serde_json::to_string_pretty(&status)?),
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `data timetravel`.
pub fn timetravel(project: &Project, args: TimetravelArgs) -> anyhow::Result<ExitCode> {
    if let Some(env) = args.timeline {
        let envs = if env.is_empty() {
            project.ledger()?.environments()?
        } else {
            vec![env]
        };
        let ledger = project.ledger()?;
        let mut all = Vec::new();
        for e in envs {
            let list = ledger.deployments(&e)?;
            out!("{}", report::timeline_text(&e, &list));
            all.push((e, list));
        }
        if let Some(path) = args.html {
            let title = match all.as_slice() {
                [(e, _)] => format!("Deployment timeline: {e}"),
                _ => "Deployment timeline".to_string(),
            };
            std::fs::write(&path, report::timeline_html(&title, &all))
                .map_err(|e| anyhow::anyhow!("could not write {}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let to = args.to.unwrap_or_default();
    let point = project.resolve_point(&to, args.env.as_deref())?;
    if let Some(second) = args.diff {
        let other = project.resolve_point(&second, args.env.as_deref())?;
        let mut diff = project.engine().diff(
            &project.at(Some(&point.commit.id)),
            &project.at(Some(&other.commit.id)),
        )?;
        diff.header.from = point.label();
        diff.header.to = other.label();
        out!("{}", diff.render(RenderFormat::Human, false));
        outln!();
        out!("{}", diff.render(RenderFormat::Sql, false));
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(name) = args.spin_up {
        let name = if name.is_empty() {
            format!("tt-{}", &point.commit.id[..point.commit.id.len().min(10)])
        } else {
            name
        };
        let h = project.holodeck_create(&data_core::HolodeckRequest {
            name: Some(name),
            from: Some(point.commit.id.clone()),
            env: None,
            with_data: false,
            terminate: false,
        })?;
        let url = project.holodeck_url(&h.name)?;
        outln!("holodeck {} holds the schema at {}", h.name, point.label());
        outln!("url: {}", data_core::redact_url(&url));
        return Ok(ExitCode::SUCCESS);
    }
    let source = project.at(Some(&point.commit.id));
    match args.format {
        SchemaFormat::Sql => {
            let sql = project.engine().compile(&source, false)?;
            outln!("-- time travel to {}", point.label());
            out!("{sql}");
        }
        SchemaFormat::Human => {
            let loaded = project.engine().load(&source)?;
            out!("{}", report::schema_human(&point.label(), &loaded.schema));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `data audit …`.
pub fn audit(project: &Project, command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify { env, format } => verify(project, env, format),
        AuditCommand::Record(args) => record(project, args),
        AuditCommand::Show { tag } => {
            let d = project.ledger()?.find(&tag)?;
            match &d.record {
                Ok(p) => outln!("{}", serde_json::to_string_pretty(&p.record)?),
                Err(e) => anyhow::bail!("{tag} holds no readable record: {e}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn verify(project: &Project, env: Option<String>, format: ViewFormat) -> anyhow::Result<ExitCode> {
    let ledger = project.ledger()?;
    let envs = match env {
        Some(e) => vec![e],
        None => ledger.environments()?,
    };
    let mut reports = Vec::new();
    for e in &envs {
        reports.push(ledger.verify(e)?);
    }
    let all_ok = reports.iter().all(|r| r.ok());
    match format {
        ViewFormat::Json => outln!("{}", serde_json::to_string_pretty(&reports)?),
        ViewFormat::Human => {
            if reports.is_empty() {
                outln!("no deployment records");
            }
            for r in &reports {
                match &r.broken {
                    None => outln!(
                        "{}: chain intact, {} record{} verified ({} signed)",
                        r.environment,
                        r.records,
                        if r.records == 1 { "" } else { "s" },
                        r.signed
                    ),
                    Some(b) => outln!(
                        "{}: BROKEN LINK at {} ({} of {} records verified before it)\n  {b}",
                        r.environment,
                        b.tag,
                        r.verified,
                        r.records
                    ),
                }
            }
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn record(project: &Project, args: RecordArgs) -> anyhow::Result<ExitCode> {
    let mut overrides = Vec::new();
    for o in &args.overrides {
        let (rule, reason) = o.split_once('=').unwrap_or((o, ""));
        if reason.trim().is_empty() {
            anyhow::bail!(
                "override `{rule}` needs a reason: --override {rule}=\"why this is safe\""
            );
        }
        overrides.push(Override {
            rule: rule.trim().to_string(),
            object: String::new(),
            reason: reason.trim().to_string(),
        });
    }
    let mut request = DeploymentRequest::new(args.env, args.to);
    request.from = args.from;
    request.operator = args.operator;
    request.note = args.note;
    request.started_at = args.at;
    request.finished_at = args.finished.or(args.at);
    request.overrides = overrides;
    request.outcome = match args.outcome {
        OutcomeArg::Succeeded => Outcome::Succeeded,
        OutcomeArg::Failed => Outcome::Failed,
        OutcomeArg::Baseline => Outcome::Baseline,
    };
    let d = project.record_deployment(request)?;
    let summary = d.record().map(|r| r.summary_line()).unwrap_or_default();
    outln!(
        "recorded {} on {}: {summary}",
        d.tag,
        &d.commit[..d.commit.len().min(10)]
    );
    Ok(ExitCode::SUCCESS)
}

/// Output of `data drift`.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum DriftFormat {
    /// For people.
    Human,
    /// For programs.
    Json,
    /// The plan that brings the live database back to its golden schema.
    Sql,
}

/// `data drift`.
#[derive(Args)]
pub struct DriftArgs {
    /// The environment (its URL comes from the variable `url_env` in data.toml names).
    env: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DriftFormat::Human)]
    format: DriftFormat,
}

/// Runs `data drift`: exit 0 without drift, 1 with.
pub fn drift(project: &Project, args: DriftArgs) -> anyhow::Result<ExitCode> {
    let drift = project.drift(&args.env)?;
    match args.format {
        DriftFormat::Human => out!("{}", report::drift_human(&drift)),
        DriftFormat::Json => outln!("{}", serde_json::to_string_pretty(&drift)?),
        DriftFormat::Sql => {
            if let Some(diff) = &drift.diff {
                out!("{}", diff.render(RenderFormat::Sql, true));
            }
        }
    }
    Ok(if drift.drifted() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `data introspect`.
#[derive(Args)]
pub struct IntrospectArgs {
    /// The environment whose database is read (its URL comes from data.toml's `url_env`).
    env: String,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

/// Runs `data introspect`.
pub fn introspect(project: &Project, args: IntrospectArgs) -> anyhow::Result<ExitCode> {
    let sql = project.introspect(&args.env)?;
    match &args.output {
        Some(path) => std::fs::write(path, sql)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => out!("{sql}"),
    }
    Ok(ExitCode::SUCCESS)
}
