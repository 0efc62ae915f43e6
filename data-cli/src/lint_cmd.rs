//! `data lint` and `data approve`: judge a golden change (or migration files) against the
//! Prime Directive, print findings and suggestions, record overrides and approvals.

use anyhow::{anyhow, Context as _};
use clap::{Args, ValueEnum};
use data_core::{Engine, SchemaSource};
use data_rules::{audit, report, DirectiveConfig, Judge, Options, Override};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Output formats of `data lint`.
#[derive(Copy, Clone, ValueEnum)]
pub enum LintFormat {
    /// Grouped findings with remedies, then suggestions.
    Human,
    /// The whole report as JSON.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

/// How a golden change is judged.
#[derive(Copy, Clone, ValueEnum)]
pub enum JudgeArg {
    /// The change itself, as a plain migration would apply it (default).
    Change,
    /// The plan's own SQL: mitigations it applies (CONCURRENTLY, NOT VALID) count.
    Plan,
}

/// Arguments of `data lint`.
#[derive(Args)]
pub struct LintArgs {
    /// Migration files or folders of .sql files to lint statement by statement. Without
    /// paths, the pending golden change (from --from to the working tree) is linted.
    pub paths: Vec<PathBuf>,
    /// The base of the golden change: a revision, file or folder (default HEAD).
    #[arg(long, value_name = "REV")]
    pub from: Option<String>,
    /// The target of the golden change (default: the project folder's working tree).
    #[arg(long, value_name = "REV")]
    pub to: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// The environment to judge for (its section of .data-prime-directive.yml); deploy-time
    /// rules (freeze windows, approvals) are judged only when it is given.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// Accept findings of RULE (or RULE=OBJECT) for this run; needs --reason, and is recorded
    /// in .data/audit.jsonl.
    #[arg(long = "override", value_name = "RULE[=OBJECT]")]
    pub overrides: Vec<String>,
    /// The written reason for --override.
    #[arg(long)]
    pub reason: Option<String>,
    /// Who overrides (default: git config user.name, then $USER).
    #[arg(long = "as", value_name = "NAME")]
    pub who: Option<String>,
    /// How to judge a golden change.
    #[arg(long, value_enum, default_value_t = JudgeArg::Change)]
    pub judge: JudgeArg,
    /// A row estimate, TABLE=ROWS (schema-qualified or in public); repeatable.
    #[arg(long = "rows", value_name = "TABLE=ROWS")]
    pub rows: Vec<String>,
    /// Confirms that a backup was taken (for always-backup-before-destructive).
    #[arg(long)]
    pub backup_taken: bool,
}

/// Arguments of `data approve`.
#[derive(Args)]
pub struct ApproveArgs {
    /// Who approves.
    #[arg(long)]
    pub name: String,
    /// Why (required, written).
    #[arg(long)]
    pub reason: String,
    /// The environment the approval is for.
    #[arg(long = "env", value_name = "NAME", default_value = "production")]
    pub environment: String,
    /// The base of the golden change (default HEAD).
    #[arg(long, value_name = "REV")]
    pub from: Option<String>,
    /// The target (default: the working tree).
    #[arg(long, value_name = "REV")]
    pub to: Option<String>,
}

/// Exits with code 2 after a usage message.
fn usage(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}

fn parse_table(name: &str) -> data_ast::model::QName {
    match name.split_once('.') {
        Some((s, t)) => data_ast::model::QName::new(s, t),
        None => data_ast::model::QName::new("public", name),
    }
}

/// The golden change's models and plan.
fn golden_change(
    project: &Path,
    from: Option<&str>,
    to: Option<&str>,
) -> anyhow::Result<(data_core::Schema, data_core::Schema, data_core::Plan)> {
    let engine = Engine::for_project(project)?;
    let from = SchemaSource::parse(from.unwrap_or("HEAD"), project)?;
    let to = match to {
        Some(t) => SchemaSource::parse(t, project)?,
        None => SchemaSource::Folder(project.to_path_buf()),
    };
    let old = engine
        .load(&from)
        .with_context(|| format!("loading the base {}", from.label()))?;
    let new = engine.load(&to)?;
    let plans = data_ast::plan::plan_with(&old.schema, &new.schema, engine.plan_options())?;
    Ok((old.schema, new.schema, plans.forward))
}

/// `.sql` files named by the arguments (folders searched recursively), in path order.
fn sql_files(paths: &[PathBuf]) -> anyhow::Result<Vec<(String, String)>> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for e in entries {
                if e.is_dir() || e.extension().is_some_and(|x| x == "sql") {
                    walk(&e, out)?;
                }
            }
        } else {
            out.push(p.to_path_buf());
        }
        Ok(())
    }
    let mut found = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(anyhow!("{}: no such file or folder", p.display()));
        }
        walk(p, &mut found)?;
    }
    found
        .into_iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

/// Who is acting: `--as`, `git config user.name`, `$USER`.
fn who(explicit: Option<&str>) -> String {
    if let Some(w) = explicit.filter(|w| !w.trim().is_empty()) {
        return w.to_string();
    }
    let git = std::process::Command::new("git")
        .args(["config", "user.name"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty());
    git.or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// Runs `data lint`; exits 1 when error findings remain, 2 on usage errors.
pub fn run(args: LintArgs, project: &Path) -> anyhow::Result<ExitCode> {
    if !args.overrides.is_empty() && args.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        usage(&format!(
            "override of `{}` refused: an override needs a written reason (--reason \"...\")",
            args.overrides.join(", ")
        ));
    }
    let known = data_rules::registry::ids();
    let mut overrides = Vec::new();
    for o in &args.overrides {
        let (rule, object) = match o.split_once('=') {
            Some((r, obj)) => (r.to_string(), Some(obj.to_string())),
            None => (o.clone(), None),
        };
        if !known.contains(&rule.as_str()) {
            usage(&format!("unknown rule `{rule}` (see `data rules`)"));
        }
        overrides.push(Override {
            rule,
            object,
            reason: args.reason.clone().unwrap_or_default(),
        });
    }
    let config = DirectiveConfig::load(project)?;
    let environment = args
        .environment
        .clone()
        .unwrap_or_else(|| "development".into());
    let mut rows = data_rules::context::RowEstimates::new();
    for r in &args.rows {
        let Some((t, n)) = r.split_once('=') else {
            usage(&format!("--rows expects TABLE=ROWS, got `{r}`"))
        };
        let Ok(n) = n.trim().parse::<u64>() else {
            usage(&format!("--rows: `{n}` is not a number"))
        };
        rows.insert(parse_table(t.trim()), n);
    }
    let opts = Options {
        settings: config.settings(&environment),
        environment: environment.clone(),
        environment_given: args.environment.is_some(),
        judge: match args.judge {
            JudgeArg::Change => Judge::Change,
            JudgeArg::Plan => Judge::Plan,
        },
        rows,
        approvals: audit::load_approvals(project)?,
        now: chrono::Utc::now(),
        overrides,
        backup_taken: args.backup_taken,
    };
    let report = if args.paths.is_empty() {
        let (old, new, plan) = golden_change(project, args.from.as_deref(), args.to.as_deref())?;
        data_rules::lint_change(&old, &new, &plan, &opts)
    } else {
        data_rules::lint_files(&sql_files(&args.paths)?, &opts)
    };
    if !report.overrides_applied.is_empty() {
        let records = audit::record_overrides(
            project,
            &report.overrides_applied,
            &who(args.who.as_deref()),
            &report.plan_hash,
            &environment,
        )?;
        eprintln!(
            "recorded {} override(s) in {}",
            records.len(),
            audit::audit_path(project).display()
        );
    }
    let text = match args.format {
        LintFormat::Human => report::human(&report),
        LintFormat::Json => report::json(&report),
        LintFormat::Sarif => report::sarif(&report, data_core::VERSION),
    };
    let mut text = text;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    crate::emit::stdout(&text);
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `data approve`: records an approval of the pending golden change's plan.
pub fn approve(args: ApproveArgs, project: &Path) -> anyhow::Result<ExitCode> {
    if args.name.trim().is_empty() || args.reason.trim().is_empty() {
        usage("an approval needs --name and a written --reason");
    }
    // For a deployment environment, the plan approved is the one `data align` will run: from
    // the environment's deployed tag to HEAD. Otherwise the golden change (HEAD -> work tree).
    let deploying = args.from.is_none()
        && args.to.is_none()
        && data_core::Project::open(project)
            .and_then(|p| p.environments())
            .is_ok_and(|envs| envs.contains(&args.environment));
    let plan = if deploying {
        let pending = data_core::Project::open(project)?.pending(&args.environment, None)?;
        pending.diff.plans.forward
    } else {
        golden_change(project, args.from.as_deref(), args.to.as_deref())?.2
    };
    let approval = data_rules::Approval {
        timestamp: audit::now_rfc3339(),
        plan: plan.hash(),
        name: args.name,
        reason: args.reason,
        environment: args.environment,
    };
    audit::record_approval(project, &approval)?;
    outln!(
        "approved plan {} for {} as {} ({} operations)",
        approval.plan.get(..12).unwrap_or(&approval.plan),
        approval.environment,
        approval.name,
        plan.operations.len()
    );
    Ok(ExitCode::SUCCESS)
}
