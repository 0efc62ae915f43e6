//! The convergence oracle: for every case in `tests/fixtures/cases/<case>/{old.sql,new.sql}`,
//! `data diff` must migrate a database built from old.sql into one whose schema dump equals
//! that of a database built from new.sql, must find nothing to do between new.sql and itself,
//! and its `--rollback` output must take the migrated database back to old.sql's schema.
//!
//! `ORACLE_ONLY=<substring>` restricts the run to cases whose name contains it. A case folder
//! holding a `skip-rollback` file (whose text says why) is not required to roll back.
//! Run it with `cargo test -p data-cli --test oracle -- --nocapture` to see one line per case;
//! the SQL and dumps of each case are left in `target/tmp/oracle/<case>/`.

mod support;

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use data_exec::{normalize_dump, TempCluster};
use support::cli::{fixtures_dir, run_data, scratch_dir, RunOutput};
use support::db::{database_name, shared_cluster, ScratchDb};
use support::textdiff::first_differences;

/// How many cases run at the same time.
const PARALLEL_CASES: usize = 4;
/// How many differing dump lines a failure shows.
const DIFF_LINES: usize = 20;
/// The environment variable restricting which cases run.
const ONLY_ENV: &str = "ORACLE_ONLY";
/// The marker file excusing a case from the rollback stages.
const SKIP_ROLLBACK_FILE: &str = "skip-rollback";

/// One oracle case: a folder holding old.sql and new.sql.
struct Case {
    name: String,
    dir: PathBuf,
}

impl Case {
    fn old_sql(&self) -> PathBuf {
        self.dir.join("old.sql")
    }

    fn new_sql(&self) -> PathBuf {
        self.dir.join("new.sql")
    }

    /// Why rollback is not required for this case, if its folder says so.
    fn skip_rollback_reason(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.dir.join(SKIP_ROLLBACK_FILE)).ok()?;
        let reason = text.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(if reason.is_empty() {
            "no reason given".to_owned()
        } else {
            reason
        })
    }
}

/// The step of a case that failed.
#[derive(Debug, Clone, Copy)]
enum Stage {
    BuildOld,
    BuildNew,
    Diff,
    ApplyForward,
    CompareForward,
    NoOpDiff,
    DiffRollback,
    ApplyRollback,
    CompareRollback,
    Harness,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::BuildOld => "build-old",
            Stage::BuildNew => "build-new",
            Stage::Diff => "diff",
            Stage::ApplyForward => "apply-forward",
            Stage::CompareForward => "compare-forward",
            Stage::NoOpDiff => "no-op-diff",
            Stage::DiffRollback => "diff-rollback",
            Stage::ApplyRollback => "apply-rollback",
            Stage::CompareRollback => "compare-rollback",
            Stage::Harness => "harness",
        })
    }
}

/// A failed case: where it failed and a short reason (possibly several lines for a dump diff).
struct Failure {
    stage: Stage,
    reason: String,
}

/// How one case ended: passed (perhaps with a note) or failed.
type Outcome = Result<Option<String>, Failure>;

/// Shorthand for building a [`Failure`].
fn fail(stage: Stage, reason: impl Into<String>) -> Failure {
    Failure {
        stage,
        reason: reason.into(),
    }
}

/// proptest: random pairs of schema states over one small universe of names (see
/// `support::evolution`) must converge, re-plan empty and roll back like the fixture cases.
#[test]
fn generated_evolutions_converge() {
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    require_diff_command();
    let cluster = shared_cluster();
    let mut runner = TestRunner::new(Config {
        cases: 40,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(
        &(proptest::num::u64::ANY, proptest::num::u64::ANY),
        |(a, b)| {
            let name = format!("gen_{a:016x}_{b:016x}");
            let dir = scratch_dir(&["generated", &name]);
            let _ = std::fs::create_dir_all(&dir);
            let old = support::evolution::schema(&mut support::evolution::Rng::new(a));
            let new = support::evolution::schema(&mut support::evolution::Rng::new(b));
            std::fs::write(dir.join("old.sql"), &old)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            std::fs::write(dir.join("new.sql"), &new)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let case = Case { name, dir };
            match run_case(cluster, &case) {
                Ok(_) => Ok(()),
                Err(f) => Err(TestCaseError::fail(format!(
                    "[{}] {}\n--- old.sql\n{old}--- new.sql\n{new}",
                    f.stage, f.reason
                ))),
            }
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn convergence_oracle() {
    let cases = discover_cases();
    assert!(
        !cases.is_empty(),
        "no oracle cases under {} match {ONLY_ENV}={:?}",
        cases_dir().display(),
        std::env::var(ONLY_ENV).unwrap_or_default()
    );
    require_diff_command();
    let cluster = shared_cluster();

    let outcomes = run_all(cluster, &cases);

    let mut failed = 0;
    for (case, outcome) in cases.iter().zip(&outcomes) {
        match outcome {
            Ok(None) => println!("ok    {}", case.name),
            Ok(Some(note)) => println!("ok    {} ({note})", case.name),
            Err(failure) => {
                failed += 1;
                let mut lines = failure.reason.lines();
                let first = lines.next().unwrap_or_default();
                println!("FAIL  {} [{}] {first}", case.name, failure.stage);
                for line in lines {
                    println!("        {line}");
                }
            }
        }
    }
    let passed = cases.len() - failed;
    println!("{passed} passed, {failed} failed");
    assert!(
        failed == 0,
        "{failed} of {} oracle cases failed (see the FAIL lines above; files in {})",
        cases.len(),
        scratch_dir(&["oracle"]).display()
    );
}

/// The folder holding one sub-folder per case.
fn cases_dir() -> PathBuf {
    fixtures_dir().join("cases")
}

/// Every case folder with both old.sql and new.sql, sorted by name, filtered by `ORACLE_ONLY`.
fn discover_cases() -> Vec<Case> {
    let only = std::env::var(ONLY_ENV).unwrap_or_default();
    let dir = cases_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot read the oracle cases in {}: {e}", dir.display()),
    };
    let mut cases: Vec<Case> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.join("old.sql").is_file() && path.join("new.sql").is_file())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            name.contains(&only).then_some(Case { name, dir: path })
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// Fails the whole test at once, with a clear message, if the binary has no `diff` command.
fn require_diff_command() {
    let help = run_data(["diff", "--help"])
        .unwrap_or_else(|e| panic!("cannot run the data binary under test: {e}"));
    let problem = if !help.success() {
        help.failure_summary()
    } else if help.stdout.trim().is_empty() {
        "exited 0 but printed nothing".to_owned()
    } else {
        return;
    };
    panic!(
        "the data binary under test does not implement `data diff` yet \
         (`data diff --help`: {problem}), so no oracle case can run"
    );
}

/// Runs every case, [`PARALLEL_CASES`] at a time, returning outcomes in case order.
fn run_all(cluster: &TempCluster, cases: &[Case]) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..cases.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL_CASES.min(cases.len()) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(index) else {
                    break;
                };
                let outcome = catch_unwind(AssertUnwindSafe(|| run_case(cluster, case)))
                    .unwrap_or_else(|panic| Err(fail(Stage::Harness, panic_text(&*panic))));
                let mut slots = slots.lock().unwrap_or_else(|poison| poison.into_inner());
                slots[index] = Some(outcome);
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner())
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(fail(Stage::Harness, "case never ran"))))
        .collect()
}

/// The message of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .map(|text| format!("panicked: {text}"))
        .unwrap_or_else(|| "panicked".to_owned())
}

/// Runs one case through every stage, stopping at the first failure.
fn run_case(cluster: &TempCluster, case: &Case) -> Outcome {
    let files = Artifacts::new(&case.name);
    let old_db = build_database(cluster, "o", case, &case.old_sql(), Stage::BuildOld)?;
    let new_db = build_database(cluster, "n", case, &case.new_sql(), Stage::BuildNew)?;
    let old_dump = normalized_dump(&old_db, Stage::BuildOld)?;
    let new_dump = normalized_dump(&new_db, Stage::BuildNew)?;
    files.write("old.dump", &old_dump);
    files.write("new.dump", &new_dump);

    let forward = data_diff(&case.old_sql(), &case.new_sql(), false, Stage::Diff)?;
    files.write("forward.sql", &forward);
    apply(&old_db, &forward, Stage::ApplyForward)?;
    let migrated = normalized_dump(&old_db, Stage::CompareForward)?;
    files.write("forward.dump", &migrated);
    compare(
        &new_dump,
        &migrated,
        "new db",
        "migrated db",
        &files,
        Stage::CompareForward,
    )?;

    let no_op = data_diff(&case.new_sql(), &case.new_sql(), false, Stage::NoOpDiff)?;
    require_no_statements(&no_op)?;

    if let Some(reason) = case.skip_rollback_reason() {
        return Ok(Some(format!("rollback skipped: {reason}")));
    }
    let rollback = data_diff(&case.old_sql(), &case.new_sql(), true, Stage::DiffRollback)?;
    files.write("rollback.sql", &rollback);
    apply(&old_db, &rollback, Stage::ApplyRollback)?;
    let rolled_back = normalized_dump(&old_db, Stage::CompareRollback)?;
    files.write("rollback.dump", &rolled_back);
    compare(
        &old_dump,
        &rolled_back,
        "old db",
        "rolled-back db",
        &files,
        Stage::CompareRollback,
    )?;
    Ok(None)
}

/// Creates a database for `case` named from `prefix` and the case's hash, and runs `sql` in it.
fn build_database<'a>(
    cluster: &'a TempCluster,
    prefix: &str,
    case: &Case,
    sql: &Path,
    stage: Stage,
) -> Result<ScratchDb<'a>, Failure> {
    let name = database_name(prefix, &case.name);
    let db = ScratchDb::create(cluster, &name).map_err(|e| fail(stage, e.to_string()))?;
    cluster
        .psql_file(db.name(), sql)
        .map_err(|e| fail(stage, error_line(&e)))?;
    Ok(db)
}

/// The normalised schema dump of `db`.
fn normalized_dump(db: &ScratchDb<'_>, stage: Stage) -> Result<String, Failure> {
    db.cluster()
        .dump_schema(db.name())
        .map(|dump| normalize_dump(&dump))
        .map_err(|e| fail(stage, error_line(&e)))
}

/// Runs `data diff OLD NEW --allow-empty [--rollback]` and returns its stdout (cases may
/// drop everything on purpose).
fn data_diff(old: &Path, new: &Path, rollback: bool, stage: Stage) -> Result<String, Failure> {
    let mut args = vec![
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "--allow-empty".as_ref(),
    ];
    if rollback {
        args.push("--rollback".as_ref());
    }
    let out: RunOutput =
        run_data(args).map_err(|e| fail(stage, format!("cannot run data: {e}")))?;
    if out.success() {
        Ok(out.stdout)
    } else {
        Err(fail(stage, format!("data diff {}", out.failure_summary())))
    }
}

/// Runs migration `sql` against `db` with psql, stopping at the first error.
fn apply(db: &ScratchDb<'_>, sql: &str, stage: Stage) -> Result<(), Failure> {
    db.cluster()
        .psql_sql(db.name(), sql)
        .map_err(|e| fail(stage, error_line(&e)))
}

/// Fails unless the two normalised dumps are equal, showing the first differing lines.
fn compare(
    expected: &str,
    actual: &str,
    expected_label: &str,
    actual_label: &str,
    files: &Artifacts,
    stage: Stage,
) -> Result<(), Failure> {
    if expected == actual {
        return Ok(());
    }
    let diff = first_differences(expected, actual, DIFF_LINES);
    Err(fail(
        stage,
        format!(
            "{actual_label} differs from {expected_label} (- {expected_label}, + {actual_label}; files in {})\n{diff}",
            files.dir.display()
        ),
    ))
}

/// Fails if a diff that should be empty holds anything but blank lines and `--` comments.
fn require_no_statements(sql: &str) -> Result<(), Failure> {
    let extra: Vec<&str> = sql
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("--"))
        .collect();
    if extra.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = extra.iter().take(5).copied().collect();
    Err(fail(
        Stage::NoOpDiff,
        format!(
            "`data diff new.sql new.sql` is not empty ({} lines), starting:\n{}",
            extra.len(),
            shown.join("\n")
        ),
    ))
}

/// The most telling single line of a data-exec error: psql's first ERROR line if any.
fn error_line(error: &data_exec::Error) -> String {
    error
        .first_error_line()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            error
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
}

/// The folder where a case leaves its SQL and dumps for inspection.
struct Artifacts {
    dir: PathBuf,
}

impl Artifacts {
    /// A fresh (emptied) folder for `case`.
    fn new(case: &str) -> Artifacts {
        let dir = scratch_dir(&["oracle", case]);
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        Artifacts { dir }
    }

    /// Saves `text` as `file`; a failure to save only loses a debugging aid.
    fn write(&self, file: &str, text: &str) {
        let _ = std::fs::write(self.dir.join(file), text);
    }
}
