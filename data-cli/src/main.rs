//! The `data` command: parse arguments, call data-core, render. Exit codes: 0 success,
//! 1 error, 2 usage.

use clap::{Parser, Subcommand, ValueEnum};
use data_core::{Engine, RenderFormat, SchemaSource, Severity};
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
            unsafe_fast,
            lock_timeout,
            statement_timeout,
        } => {
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
