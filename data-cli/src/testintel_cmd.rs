//! `data test` and its test-intelligence subcommands: `coverage`, `required`, `scaffold`.
//! Parsing and printing only; the work lives in data-core's `testintel` module.

use crate::deploy_cmd;
use clap::{Args, Subcommand, ValueEnum};
use data_core::testintel::report;
use data_core::Project;
use std::path::PathBuf;
use std::process::ExitCode;

/// `data test`: without a subcommand, runs the tests of an environment's pending plan.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TestCli {
    #[command(subcommand)]
    command: Option<TestCommand>,
    #[command(flatten)]
    run: deploy_cmd::TestArgs,
}

/// The subcommands of `data test`.
#[derive(Subcommand)]
enum TestCommand {
    /// Report which schema objects the pgTAP tests cover, per kind, with the uncovered ones.
    Coverage(CoverageArgs),
    /// List the tests a change requires and which of them exist.
    Required(RequiredArgs),
    /// Write pgTAP files for the missing required tests into the tests folder.
    Scaffold(ScaffoldArgs),
}

#[derive(Copy, Clone, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
    Markdown,
    Html,
}

#[derive(Args)]
struct CoverageArgs {
    /// The golden SQL to measure: a revision, file or folder (default: the project on disk).
    #[arg(long, value_name = "REV")]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct RequiredArgs {
    /// Where the change starts: a revision, file or folder (default: what ENV has deployed).
    from: Option<String>,
    /// Where it ends (default: the project on disk).
    to: Option<String>,
    /// The environment whose deployment FROM defaults to.
    #[arg(long, default_value = "dev")]
    env: String,
    /// Output format (html is not offered here).
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// Exit 1 when a required test is missing.
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct ScaffoldArgs {
    /// Where the change starts (default: what ENV has deployed).
    from: Option<String>,
    /// Where it ends (default: the project on disk).
    to: Option<String>,
    /// The environment whose deployment FROM defaults to.
    #[arg(long, default_value = "dev")]
    env: String,
    /// Print the files instead of writing them.
    #[arg(long)]
    dry_run: bool,
}

/// Runs `data test` or one of its subcommands.
pub fn run(project: &Project, args: TestCli) -> anyhow::Result<ExitCode> {
    match args.command {
        None => deploy_cmd::test(project, args.run),
        Some(TestCommand::Coverage(a)) => coverage(project, a),
        Some(TestCommand::Required(a)) => required(project, a),
        Some(TestCommand::Scaffold(a)) => scaffold(project, a),
    }
}

fn coverage(project: &Project, args: CoverageArgs) -> anyhow::Result<ExitCode> {
    let c = project.coverage(args.at.as_deref())?;
    let text = match args.format {
        ReportFormat::Human => report::coverage_human(&c),
        ReportFormat::Json => report::coverage_json(&c),
        ReportFormat::Markdown => report::coverage_markdown(&c),
        ReportFormat::Html => report::coverage_html(&c),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| anyhow::anyhow!("could not write {}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn required(project: &Project, args: RequiredArgs) -> anyhow::Result<ExitCode> {
    let r = project.required_tests(&args.env, args.from.as_deref(), args.to.as_deref())?;
    let text = match args.format {
        ReportFormat::Human => report::required_human(&r),
        ReportFormat::Json => report::required_json(&r),
        ReportFormat::Markdown => report::required_markdown(&r),
        ReportFormat::Html => anyhow::bail!("`data test required` prints human, json or markdown"),
    };
    out!("{text}");
    Ok(if args.check && r.missing().next().is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn scaffold(project: &Project, args: ScaffoldArgs) -> anyhow::Result<ExitCode> {
    let r = project.required_tests(&args.env, args.from.as_deref(), args.to.as_deref())?;
    if args.dry_run {
        let files = data_core::testintel::scaffold::scaffold(&r.tests, &r.new, &r.old, r.supabase);
        for f in files {
            outln!("-- {} ({} test(s))\n{}", f.path, f.tests, f.text);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let s = project.write_scaffold(&r)?;
    if s.missing == 0 {
        outln!("nothing to scaffold: every required test exists");
    }
    for f in &s.written {
        outln!(
            "wrote {} ({} test(s) for {} required)",
            f.path,
            f.tests,
            f.covers.len()
        );
    }
    for k in &s.kept {
        outln!("kept {k}: the file exists; move it aside to scaffold it again");
    }
    if !s.written.is_empty() {
        outln!("run `data test {}` to run them", args.env);
    }
    Ok(ExitCode::SUCCESS)
}
