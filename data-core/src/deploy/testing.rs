//! `data test`: on a throwaway server, build the environment's deployed schema, apply the
//! pending plan through the real apply path, run the pgTAP files under `tests/` and the test
//! functions `test.run_*_tests()` they define, and remember the result against the plan hash so
//! `promote` can check that exactly this plan was tested (a filtered run is not remembered).

use super::state::{self, TestRecord};
use super::tap::{self, TapRun};
use crate::error::{Error, Result};
use crate::project::Project;
use crate::testintel::discover::{self, FileRole};
use crate::testintel::TestFilter;
use chrono::Utc;
use data_exec::{ApplyRequest, Database, TempCluster};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The result of one test file.
#[derive(Debug, Clone)]
pub struct TestFileResult {
    /// The file, relative to the project.
    pub path: String,
    /// Its TAP output.
    pub run: TapRun,
    /// Why the file did not run to its end, if it did not.
    pub error: Option<String>,
}

impl TestFileResult {
    /// Whether everything in the file passed.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.run.failures() == 0
    }
}

/// What `data test` found.
#[derive(Debug, Clone)]
pub struct TestReport {
    /// The environment.
    pub environment: String,
    /// The plan tested.
    pub plan_hash: String,
    /// Operations in the plan.
    pub operations: usize,
    /// Why applying the plan failed, if it did (no tests run then).
    pub apply_error: Option<String>,
    /// One entry per test file.
    pub files: Vec<TestFileResult>,
}

impl TestReport {
    /// Whether the plan applied and every test passed.
    pub fn passed(&self) -> bool {
        self.apply_error.is_none() && self.files.iter().all(TestFileResult::passed)
    }

    /// Tests run.
    pub fn tests(&self) -> usize {
        self.files.iter().map(|f| f.run.tests.len()).sum()
    }

    /// Tests failed (including files that did not run to their end, and the plan itself when
    /// it did not apply).
    pub fn failures(&self) -> usize {
        usize::from(self.apply_error.is_some())
            + self
                .files
                .iter()
                .map(|f| f.run.failures() + usize::from(f.error.is_some()))
                .sum::<usize>()
    }

    /// JUnit XML of the run.
    pub fn junit(&self) -> String {
        let mut suites: Vec<(String, TapRun, Option<String>)> = Vec::new();
        if let Some(e) = &self.apply_error {
            suites.push(("apply plan".into(), TapRun::default(), Some(e.clone())));
        }
        for f in &self.files {
            suites.push((f.path.clone(), f.run.clone(), f.error.clone()));
        }
        tap::junit(&suites)
    }
}

impl Project {
    /// Tests the pending plan of `env` on a throwaway server and records the outcome.
    pub fn test_plan(&self, env: &str) -> Result<TestReport> {
        self.test_plan_filtered(env, &TestFilter::default())
    }

    /// [`Project::test_plan`] running only what `filter` selects; a filtered run is not
    /// recorded, so it cannot stand in for the whole suite at `promote`.
    pub fn test_plan_filtered(&self, env: &str, filter: &TestFilter) -> Result<TestReport> {
        let pending = self.pending(env, None)?;
        let plan_hash = pending.plan_hash();
        let cluster = TempCluster::start()?;
        let db = "data_test";
        cluster.create_database(db)?;
        if let Some(from) = pending.from_commit() {
            let deployed = self.engine().compile(&self.at(Some(from)), false)?;
            cluster.psql_sql(db, &deployed)?;
        }
        let request = ApplyRequest {
            environment: env.to_string(),
            from_commit: pending.from_commit().map(str::to_string),
            to_commit: pending.to.id.clone(),
            plan_hash: plan_hash.clone(),
            operator: "data test".to_string(),
            tool_version: crate::VERSION.to_string(),
            steps: pending.steps(),
            lock_timeout: pending.diff.plans.forward.options.lock_timeout.clone(),
            statement_timeout: pending.diff.plans.forward.options.statement_timeout.clone(),
            lock_wait: Duration::from_secs(5),
        };
        let mut report = TestReport {
            environment: env.to_string(),
            plan_hash: plan_hash.clone(),
            operations: pending.diff.plans.forward.operations.len(),
            apply_error: None,
            files: Vec::new(),
        };
        match Database::new(cluster.url(db))?.apply(&request) {
            Err(e) => report.apply_error = Some(e.to_string()),
            Ok(_) => {
                let tests_dir = self.dir().join(&self.config().tests_dir);
                let files = test_files(&tests_dir)?;
                if !files.is_empty() {
                    cluster
                        .execute_script(db, "CREATE EXTENSION IF NOT EXISTS pgtap")
                        .map_err(|e| Error::Environment {
                            env: env.to_string(),
                            message: format!(
                                "pgTAP is not available on the throwaway server ({e}); install \
                                 it, e.g. `apt-get install postgresql-15-pgtap`"
                            ),
                        })?;
                }
                let mut scripts = Vec::new();
                for path in files {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    let rel = path
                        .strip_prefix(&tests_dir)
                        .unwrap_or(&path)
                        .display()
                        .to_string();
                    match discover::classify(&text) {
                        FileRole::Functions => {
                            // Loaded for good: the functions it defines run below.
                            if let Err(e) = cluster.psql_file(db, &path) {
                                report.files.push(TestFileResult {
                                    path: self.relative_path(&path),
                                    run: TapRun::default(),
                                    error: Some(first_error(&e.to_string())),
                                });
                            }
                        }
                        FileRole::Script if filter.runs_file(&rel) => scripts.push(path),
                        FileRole::Script => {}
                    }
                }
                for path in scripts {
                    let out = cluster.psql_file_output(db, &path)?;
                    let mut run = tap::parse(&out.stdout);
                    let error = if !out.success {
                        Some(first_error(&out.stderr))
                    } else if run.tests.is_empty() {
                        Some("the file printed no TAP test lines".to_string())
                    } else {
                        None
                    };
                    if filter.name.is_some() {
                        run.tests.retain(|t| filter.reports(&t.description));
                        run.planned = None;
                        if run.tests.is_empty() && error.is_none() {
                            continue;
                        }
                    }
                    report.files.push(TestFileResult {
                        path: path
                            .strip_prefix(self.dir())
                            .unwrap_or(&path)
                            .display()
                            .to_string(),
                        run,
                        error,
                    });
                }
                self.run_test_functions(&cluster, db, filter, &mut report)?;
            }
        }
        if !filter.is_empty() {
            return Ok(report);
        }
        state::write_json(
            &state::test_record_path(self.dir(), &plan_hash),
            &TestRecord {
                plan_hash,
                environment: env.to_string(),
                passed: report.passed(),
                tests: report.tests(),
                failures: report.failures(),
                at: Utc::now(),
                tool_version: crate::VERSION.to_string(),
            },
        )?;
        Ok(report)
    }
}

impl Project {
    fn relative_path(&self, path: &Path) -> String {
        path.strip_prefix(self.dir())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Runs every `test.run_<suite>_tests()` the filter selects, each in a transaction rolled
    /// back, under `no_plan()`: each row the function returns is a TAP line.
    fn run_test_functions(
        &self,
        cluster: &TempCluster,
        db: &str,
        filter: &TestFilter,
        report: &mut TestReport,
    ) -> Result<()> {
        let scratch = state::state_dir(self.dir()).join("tests").join("run");
        std::fs::create_dir_all(&scratch).map_err(|e| Error::Io {
            path: scratch.display().to_string(),
            source: e,
        })?;
        let write = |name: &str, sql: &str| -> Result<PathBuf> {
            let path = scratch.join(name);
            std::fs::write(&path, sql).map_err(|e| Error::Io {
                path: path.display().to_string(),
                source: e,
            })?;
            Ok(path)
        };
        let list = write(
            "list.sql",
            &format!(
                "SELECT p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
                 WHERE n.nspname = '{}' AND p.proretset AND p.prorettype = 'pg_catalog.text'::regtype AND p.pronargs = 0 ORDER BY 1;\n",
                discover::TEST_SCHEMA
            ),
        )?;
        let names = cluster.psql_file_output(db, &list)?;
        let functions: Vec<String> = names
            .stdout
            .lines()
            .map(str::trim)
            .filter(|n| discover::is_test_function(n) && filter.runs_function(n))
            .map(str::to_string)
            .collect();
        for name in functions {
            let runner = write(
                &format!("{name}.sql"),
                &format!(
                    "BEGIN;\nSELECT * FROM no_plan();\nSELECT * FROM {}.{}();\nSELECT * FROM finish();\nROLLBACK;\n",
                    discover::TEST_SCHEMA,
                    name
                ),
            )?;
            let out = cluster.psql_file_output(db, &runner)?;
            let mut run = tap::parse(&out.stdout);
            if filter.name.is_some() {
                run.planned = None;
            }
            let error = if !out.success {
                Some(first_error(&out.stderr))
            } else if run.tests.is_empty() {
                Some("the function returned no TAP test lines".to_string())
            } else {
                None
            };
            report.files.push(TestFileResult {
                path: format!("{}.{name}()", discover::TEST_SCHEMA),
                run,
                error,
            });
        }
        Ok(())
    }
}

fn first_error(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.contains("ERROR"))
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("psql failed")
        .trim()
        .to_string()
}

/// Every `.sql` file under `dir`, sorted by path (none when the folder does not exist).
pub(crate) fn test_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error::Io {
            path: d.display().to_string(),
            source: e,
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "sql") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}
