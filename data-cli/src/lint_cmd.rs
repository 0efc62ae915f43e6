//! `data lint` and `data approve`: arguments in, a data-core request out, the report printed.
//! Judging, the override parser, the audit log and the operator live in data-core's `lint`.

use clap::{Args, ValueEnum};
use data_core::{ApprovalRequest, Judge, LintFormat as Format, LintInput, LintRequest, Project};
use std::path::PathBuf;
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
    /// Accept findings of RULE (or of RULE on OBJECT only) for this run; repeatable, needs
    /// --reason, and is recorded in .data/audit.jsonl.
    #[arg(long = "override", value_name = "RULE[=OBJECT]")]
    pub overrides: Vec<String>,
    /// The written reason for --override.
    #[arg(long)]
    pub reason: Option<String>,
    /// Who overrides (default: git config's user.name <user.email>, then $USER).
    #[arg(long = "as", value_name = "NAME")]
    pub who: Option<String>,
    /// How to judge a golden change.
    #[arg(long, value_enum, default_value_t = JudgeArg::Change)]
    pub judge: JudgeArg,
    /// A row estimate, TABLE=ROWS (schema-qualified or in public); repeatable.
    #[arg(long = "rows", value_name = "TABLE=ROWS", value_parser = table_rows)]
    pub rows: Vec<(String, u64)>,
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

/// `TABLE=ROWS` of `--rows`.
fn table_rows(text: &str) -> Result<(String, u64), String> {
    let Some((table, rows)) = text.split_once('=') else {
        return Err(format!("expected TABLE=ROWS, got `{text}`"));
    };
    let rows = rows
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("`{}` is not a number of rows", rows.trim()))?;
    Ok((table.trim().to_string(), rows))
}

/// Runs `data lint`; exits 1 when error findings remain, 2 on usage errors (through
/// [`data_core::Error::is_usage`]).
pub fn run(args: LintArgs, project: &Project) -> anyhow::Result<ExitCode> {
    let request = LintRequest {
        input: if args.paths.is_empty() {
            LintInput::Change {
                from: args.from,
                to: args.to,
            }
        } else {
            LintInput::Files(args.paths)
        },
        environment: args.environment,
        judge: match args.judge {
            JudgeArg::Change => Judge::Change,
            JudgeArg::Plan => Judge::Plan,
        },
        overrides: data_core::parse_overrides(&args.overrides, args.reason.as_deref())?,
        operator: args.who,
        rows: args.rows,
        backup_taken: args.backup_taken,
    };
    let outcome = project.lint(&request)?;
    if !outcome.recorded.is_empty() {
        eprintln!(
            "recorded {} override(s) in {}",
            outcome.recorded.len(),
            outcome.audit_log.display()
        );
    }
    crate::emit::stdout(&outcome.render(match args.format {
        LintFormat::Human => Format::Human,
        LintFormat::Json => Format::Json,
        LintFormat::Sarif => Format::Sarif,
    }));
    Ok(if outcome.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `data approve`: records an approval of the pending golden change's plan (or, for a
/// deployment environment, of the plan `data align` will run).
pub fn approve(args: ApproveArgs, project: &Project) -> anyhow::Result<ExitCode> {
    let approved = project.approve(ApprovalRequest {
        name: args.name,
        reason: args.reason,
        environment: args.environment,
        from: args.from,
        to: args.to,
    })?;
    let a = &approved.approval;
    outln!(
        "approved plan {} for {} as {} ({} operations)",
        a.plan.get(..12).unwrap_or(&a.plan),
        a.environment,
        a.name,
        approved.operations
    );
    Ok(ExitCode::SUCCESS)
}
