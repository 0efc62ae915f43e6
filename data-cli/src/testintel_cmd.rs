//! `data test` and its test-intelligence subcommands: `coverage`, `required`, `scaffold`.
//! Parsing and printing only; the work lives in data-core's `testintel` module.

use crate::deploy_cmd;
use clap::{Args, Subcommand, ValueEnum};
use data_core::deploy::TestReport;
use data_core::testintel::{report, TestFilter};
use data_core::Project;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

/// `data test`: without a subcommand, runs the tests of an environment's pending plan.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TestCli {
    #[command(subcommand)]
    command: Option<TestCommand>,
    #[command(flatten)]
    pub(crate) run: deploy_cmd::TestArgs,
    /// Only test files whose path (under tests/) contains this (the run is not recorded).
    #[arg(long, value_name = "PATTERN")]
    file: Option<String>,
    /// Only tests/SUITE/ and test.run_SUITE_tests() (the run is not recorded).
    #[arg(long, value_name = "SUITE")]
    suite: Option<String>,
    /// Only test functions whose name, and script tests whose description, contain this (the
    /// run is not recorded).
    #[arg(long, value_name = "PATTERN")]
    name: Option<String>,
    /// Output format of the run.
    #[arg(long, value_enum, default_value_t = RunFormat::Human)]
    format: RunFormat,
    /// Run again whenever golden SQL, a test file or HEAD changes (a changed test file alone
    /// re-runs only that file); stop with Ctrl-C.
    #[arg(long)]
    watch: bool,
}

#[derive(Copy, Clone, ValueEnum)]
enum RunFormat {
    Human,
    Json,
    Markdown,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = RunFormat::Human)]
    format: RunFormat,
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
        None => {
            let filter = TestFilter {
                file: args.file.clone(),
                suite: args.suite.clone(),
                name: args.name.clone(),
            };
            if args.watch {
                watch(project, &args, filter)
            } else {
                run_tests(project, &args, &filter)
            }
        }
        Some(TestCommand::Coverage(a)) => coverage(project, a),
        Some(TestCommand::Required(a)) => required(project, a),
        Some(TestCommand::Scaffold(a)) => scaffold(project, a),
    }
}

fn run_tests(project: &Project, args: &TestCli, filter: &TestFilter) -> anyhow::Result<ExitCode> {
    let report = project.test_plan_filtered(&args.run.env, filter)?;
    let text = match args.format {
        RunFormat::Human => {
            let mut t = deploy_cmd::render_test(&report);
            if !filter.is_empty() {
                t = t.replace(
                    "; result recorded for this plan",
                    "; filtered run, not recorded for this plan",
                );
            }
            t
        }
        RunFormat::Json => run_json(&report),
        RunFormat::Markdown => run_markdown(&report),
    };
    out!("{text}");
    if let Some(path) = &args.run.junit {
        std::fs::write(path, report.junit())
            .map_err(|e| anyhow::anyhow!("could not write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_json(r: &TestReport) -> String {
    let files: Vec<serde_json::Value> = r
        .files
        .iter()
        .map(|f| {
            serde_json::json!({
                "path": f.path,
                "passed": f.passed(),
                "planned": f.run.planned,
                "error": f.error,
                "tests": f.run.tests.iter().map(|t| serde_json::json!({
                    "number": t.number,
                    "ok": t.ok,
                    "description": t.description,
                    "diagnostics": t.diagnostics,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = serde_json::json!({
        "environment": r.environment,
        "plan_hash": r.plan_hash,
        "operations": r.operations,
        "apply_error": r.apply_error,
        "passed": r.passed(),
        "tests": r.tests(),
        "failures": r.failures(),
        "files": files,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn run_markdown(r: &TestReport) -> String {
    let mut out = format!(
        "### {} database tests for `{}`: {} test(s), {} failure(s)\n\nPlan `{}` ({} operation(s)).\n\n",
        if r.passed() { "✅" } else { "❌" },
        r.environment,
        r.tests(),
        r.failures(),
        &r.plan_hash[..r.plan_hash.len().min(12)],
        r.operations
    );
    if let Some(e) = &r.apply_error {
        out.push_str(&format!("The plan did not apply: `{e}`\n"));
        return out;
    }
    out.push_str("| file | tests | failed |\n|---|---:|---:|\n");
    for f in &r.files {
        out.push_str(&format!(
            "| {} `{}` | {} | {} |\n",
            if f.passed() { "✅" } else { "❌" },
            f.path,
            f.run.tests.len(),
            f.run.failures() + usize::from(f.error.is_some())
        ));
    }
    let failed: Vec<String> = r
        .files
        .iter()
        .flat_map(|f| {
            f.run
                .tests
                .iter()
                .filter(|t| !t.ok)
                .map(move |t| format!("- `{}` #{} {}", f.path, t.number, t.description))
                .chain(f.error.iter().map(move |e| format!("- `{}`: {e}", f.path)))
        })
        .collect();
    if !failed.is_empty() {
        out.push_str(&format!("\n**Failures**\n\n{}\n", failed.join("\n")));
    }
    out
}

/// Modification times of the golden SQL and test files, and HEAD's commit.
fn snapshot(project: &Project) -> BTreeMap<PathBuf, SystemTime> {
    let mut out = BTreeMap::new();
    let mut stack = vec![
        project.dir().join(&project.config().sql_dir),
        project.tests_dir(),
    ];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(t) = e.metadata().and_then(|m| m.modified()) {
                out.insert(p, t);
            }
        }
    }
    if let Some(head) = project
        .ledger()
        .ok()
        .and_then(|l| l.repo().commit("HEAD").ok())
    {
        out.insert(
            PathBuf::from(format!("HEAD {}", head.id)),
            SystemTime::UNIX_EPOCH,
        );
    }
    out
}

fn watch(project: &Project, args: &TestCli, filter: TestFilter) -> anyhow::Result<ExitCode> {
    let tests_dir = project.tests_dir();
    let mut before = snapshot(project);
    let mut current = filter.clone();
    loop {
        if let Err(e) = run_tests(project, args, &current) {
            eprintln!("error: {e}");
        }
        eprintln!("watching golden SQL, tests and HEAD; Ctrl-C stops");
        let changed = loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = snapshot(project);
            if now != before {
                let changed: Vec<PathBuf> = now
                    .iter()
                    .filter(|(p, t)| before.get(*p) != Some(*t))
                    .map(|(p, _)| p.clone())
                    .chain(before.keys().filter(|p| !now.contains_key(*p)).cloned())
                    .collect();
                before = now;
                break changed;
            }
        };
        // A single changed test script re-runs alone; anything else re-runs what was asked.
        current = match changed.as_slice() {
            [one] if one.starts_with(&tests_dir) && one.exists() => TestFilter {
                file: one
                    .strip_prefix(&tests_dir)
                    .ok()
                    .map(|p| p.display().to_string()),
                ..filter.clone()
            },
            _ => filter.clone(),
        };
        eprintln!(
            "changed: {}",
            changed
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
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
        RunFormat::Human => report::required_human(&r),
        RunFormat::Json => report::required_json(&r),
        RunFormat::Markdown => report::required_markdown(&r),
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
