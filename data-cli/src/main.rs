//! The `data` command: parse arguments, call data-core, render. Exit codes: 0 success,
//! 1 error, 2 usage. data-core is the only data crate it depends on.

#[macro_use]
mod emit;
mod deploy_cmd;
mod diagnostics;
mod holodeck_cmd;
mod ledger_cmd;
mod lint_cmd;
mod rules_cmd;
mod testintel_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use data_core::{Engine, Project, RenderFormat, SchemaSource, Severity};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: the engine allocates many small trees and strings in parallel; measured on the
/// 10k-table benchmark pair it is markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Schema-as-code and deployment safety for PostgreSQL.
#[derive(Parser)]
#[command(name = "data", version, about)]
struct Cli {
    /// Run as if started in this folder (the project folder).
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    directory: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Plan the migration from one schema state to another.
    ///
    /// Each side is a .sql file, a folder of golden SQL (or a project folder with sql/ inside),
    /// or a git revision (tag, branch, commit, HEAD~1) of the current repository.
    Diff {
        /// The current state.
        from: String,
        /// The desired state.
        to: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Sql)]
        format: Format,
        /// Print the rollback (to -> from) instead of the forward plan.
        #[arg(long)]
        rollback: bool,
        /// Plain statements instead of online-safe ones on existing tables (no CONCURRENTLY,
        /// no NOT VALID then VALIDATE): faster, but holds stronger locks for longer.
        #[arg(long)]
        unsafe_fast: bool,
        /// lock_timeout set in every transaction block, e.g. 5s (0 disables it).
        #[arg(long, value_name = "DURATION")]
        lock_timeout: Option<String>,
        /// statement_timeout set for every step, e.g. 30min (default: the server's).
        #[arg(long, value_name = "DURATION")]
        statement_timeout: Option<String>,
        /// Plan even when TO declares no objects, dropping everything FROM has (refused by
        /// default: an empty file or folder is usually a mistake).
        #[arg(long)]
        allow_empty: bool,
    },
    /// Write the whole schema as one dependency-ordered SQL file for an empty database.
    Compile {
        /// A revision, file or folder (default: the project folder).
        source: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Append the seed data (sql/data) after the schema.
        #[arg(long)]
        data: bool,
    },
    /// List recorded deployments, newest first.
    History(ledger_cmd::HistoryArgs),
    /// Show each environment's deployed tag, commits since, and pending changes.
    Status(ledger_cmd::StatusArgs),
    /// Show the schema at a deployment, revision or moment; diff two points; or print the
    /// deployment timeline (also as HTML).
    Timetravel(ledger_cmd::TimetravelArgs),
    /// Create a project here: data.toml, the sql/ folders, tests/, a sample
    /// .data-prime-directive.yml and a .gitignore entry for .data/.
    Init,
    /// Write the pending plan of an environment as migration files (up, down, JSON).
    Automate(deploy_cmd::AutomateArgs),
    /// Apply the pending plan to the environment's deployed schema on a throwaway server and
    /// run the pgTAP tests; the result is recorded against the plan hash. Subcommands report
    /// coverage, list the tests a change requires and scaffold the missing ones.
    Test(testintel_cmd::TestCli),
    /// Mark the tested pending plan ready for the environment.
    Promote(deploy_cmd::PromoteArgs),
    /// Deploy HEAD to an environment, through every gate.
    Align(deploy_cmd::DeployArgs),
    /// Return an environment to an earlier deployment's schema.
    Rollback(deploy_cmd::RollbackArgs),
    /// Start, stop and show the local servers of environments marked `local = true`.
    Server {
        #[command(subcommand)]
        command: deploy_cmd::ServerCommand,
    },
    /// Compare an environment's live database with the golden SQL at its deployed tag.
    ///
    /// Exit 0 when they match, 1 when the live schema drifted.
    Drift(ledger_cmd::DriftArgs),
    /// Print an environment's live schema, read from its catalog, as golden-style SQL (a
    /// start for golden SQL when the database exists already; no pg_dump needed).
    Introspect(ledger_cmd::IntrospectArgs),
    /// Verify, record and show deployment records (the tamper-evident trail).
    Audit {
        #[command(subcommand)]
        command: ledger_cmd::AuditCommand,
    },
    /// List the safety rules, or explain one (`data rules explain ID`).
    Rules {
        #[command(subcommand)]
        command: Option<rules_cmd::RulesCommand>,
    },
    /// Judge the pending golden change (or migration files) against the safety rules.
    Lint(lint_cmd::LintArgs),
    /// Record an approval of the pending golden change's plan (.data/approvals.jsonl).
    Approve(lint_cmd::ApproveArgs),
    /// Branch databases: the golden schema at a revision (or a copy of an environment) in an
    /// isolated database, tied to a git branch.
    Holodeck {
        #[command(subcommand)]
        command: holodeck_cmd::HolodeckCommand,
    },
    /// Save points of a database (the transporter buffer): save, restore, list, drop, and a
    /// push/pop stack.
    Buffer(holodeck_cmd::BufferArgs),
    /// The Q continuum: named realities of a database with their git commit, and what-if runs
    /// of a plan on a throwaway clone.
    Q(holodeck_cmd::QArgs),
}

#[derive(Copy, Clone, ValueEnum)]
enum Format {
    Sql,
    Json,
    Human,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => diagnostics::report(&e),
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let project = cli.directory.clone().unwrap_or_else(|| PathBuf::from("."));
    match cli.command {
        Command::History(args) => ledger_cmd::history(&Project::open(&project)?, args),
        Command::Status(args) => ledger_cmd::status(&Project::open(&project)?, args),
        Command::Timetravel(args) => ledger_cmd::timetravel(&Project::open(&project)?, args),
        Command::Audit { command } => ledger_cmd::audit(&Project::open(&project)?, command),
        Command::Drift(args) => ledger_cmd::drift(&Project::open(&project)?, args),
        Command::Introspect(args) => ledger_cmd::introspect(&Project::open(&project)?, args),
        Command::Server { command } => deploy_cmd::server(&Project::open(&project)?, command),
        Command::Init => {
            let created = data_core::init_project(&project, data_core::SAMPLE_DIRECTIVE)?;
            if created.is_empty() {
                outln!("nothing to do: the project files exist already");
            }
            for p in created {
                outln!("created {}", p.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Automate(args) => deploy_cmd::automate(&open(&project, args.allow_empty)?, args),
        Command::Test(args) => testintel_cmd::run(&open(&project, args.run.allow_empty)?, args),
        Command::Promote(args) => deploy_cmd::promote(&open(&project, args.allow_empty)?, args),
        Command::Align(args) => deploy_cmd::align(&open(&project, args.allow_empty)?, args),
        Command::Rollback(args) => deploy_cmd::rollback(&Project::open(&project)?, args),
        Command::Diff {
            from,
            to,
            format,
            rollback,
            unsafe_fast,
            lock_timeout,
            statement_timeout,
            allow_empty,
        } => {
            let engine = Engine::for_project(&project)?.allow_empty_target(allow_empty);
            let mut options = engine.plan_options().clone();
            if unsafe_fast {
                options.online = false;
            }
            if lock_timeout.is_some() {
                options.lock_timeout = lock_timeout;
            }
            if statement_timeout.is_some() {
                options.statement_timeout = statement_timeout;
            }
            let engine = engine.with_plan_options(options);
            let from = SchemaSource::parse(&from, &project)?;
            let to = SchemaSource::parse(&to, &project)?;
            let diff = engine.diff(&from, &to)?;
            for d in diff
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
            {
                diagnostics::warn(d);
            }
            let format = match format {
                Format::Sql => RenderFormat::Sql,
                Format::Json => RenderFormat::Json,
                Format::Human => RenderFormat::Human,
            };
            out!("{}", diff.render(format, rollback));
            Ok(ExitCode::SUCCESS)
        }
        Command::Compile {
            source,
            output,
            data,
        } => {
            let engine = Engine::for_project(&project)?;
            let source = match source {
                Some(s) => SchemaSource::parse(&s, &project)?,
                None => SchemaSource::Folder(project.clone()),
            };
            let sql = engine.compile(&source, data)?;
            match output {
                Some(path) => std::fs::write(&path, sql)
                    .map_err(|e| anyhow::anyhow!("could not write {}: {e}", path.display()))?,
                None => out!("{sql}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules { command } => rules_cmd::run(command),
        Command::Lint(args) => lint_cmd::run(args, &Project::open(&project)?),
        Command::Approve(args) => lint_cmd::approve(args, &Project::open(&project)?),
        Command::Holodeck { command } => holodeck_cmd::holodeck(&Project::open(&project)?, command),
        Command::Buffer(args) => holodeck_cmd::buffer(&Project::open(&project)?, args),
        Command::Q(args) => holodeck_cmd::q(&Project::open(&project)?, args),
    }
}

/// Opens the project; `allow_empty` lets its plans go to a HEAD that declares no objects.
fn open(project: &std::path::Path, allow_empty: bool) -> anyhow::Result<Project> {
    Ok(Project::open(project)?.allow_empty_target(allow_empty))
}
