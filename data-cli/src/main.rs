//! The `data` command: parse arguments, call data-core, render. Exit codes: 0 success,
//! 1 error, 2 usage.

use clap::{Parser, Subcommand, ValueEnum};
use data_core::{Engine, RenderFormat, SchemaSource, Severity};
use std::path::PathBuf;
use std::process::ExitCode;

mod lint_cmd;
mod rules_cmd;

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
    /// List the safety rules, or explain one (`data rules explain ID`).
    Rules {
        #[command(subcommand)]
        command: Option<rules_cmd::RulesCommand>,
    },
    /// Judge the pending golden change (or migration files) against the safety rules.
    Lint(lint_cmd::LintArgs),
    /// Record an approval of the pending golden change's plan (.data/approvals.jsonl).
    Approve(lint_cmd::ApproveArgs),
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
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let project = cli.directory.clone().unwrap_or_else(|| PathBuf::from("."));
    let engine = Engine::for_project(&project)?;
    match cli.command {
        Command::Diff {
            from,
            to,
            format,
            rollback,
        } => {
            let from = SchemaSource::parse(&from, &project)?;
            let to = SchemaSource::parse(&to, &project)?;
            let diff = engine.diff(&from, &to)?;
            for d in diff
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
            {
                eprintln!("{d}");
            }
            let format = match format {
                Format::Sql => RenderFormat::Sql,
                Format::Json => RenderFormat::Json,
                Format::Human => RenderFormat::Human,
            };
            print!("{}", diff.render(format, rollback));
        }
        Command::Compile {
            source,
            output,
            data,
        } => {
            let source = match source {
                Some(s) => SchemaSource::parse(&s, &project)?,
                None => SchemaSource::Folder(project.clone()),
            };
            let sql = engine.compile(&source, data)?;
            match output {
                Some(path) => std::fs::write(&path, sql)
                    .map_err(|e| anyhow::anyhow!("could not write {}: {e}", path.display()))?,
                None => print!("{sql}"),
            }
        }
        Command::Rules { command } => rules_cmd::run(command)?,
        Command::Lint(args) => lint_cmd::run(args, &project)?,
        Command::Approve(args) => lint_cmd::approve(args, &project)?,
    }
    Ok(())
}

/// Prints an error; golden SQL errors list every diagnostic with file, line, column and snippet.
fn report(e: &anyhow::Error) {
    if let Some(data_core::Error::InvalidGoldenSql { diagnostics, .. }) =
        e.downcast_ref::<data_core::Error>()
    {
        eprintln!("error: {e}");
        for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
            eprintln!("{d}");
        }
        return;
    }
    eprintln!("error: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        eprintln!("  caused by: {s}");
        source = s.source();
    }
}
