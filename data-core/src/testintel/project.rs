//! Test intelligence on a project: its test files, the coverage of its golden SQL, the tests a
//! change requires, scaffolds written into `tests/`, and the coverage gate of `promote` and
//! `align`.

use super::coverage::{self, Coverage};
use super::gate::{self, GateResult};
use super::required::{self, RequiredTest};
use super::scaffold::{self, ScaffoldFile};
use crate::deploy::Pending;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::source::SchemaSource;
use data_ast::model::Schema;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The tests a change requires and which exist.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredReport {
    /// The schema the change starts from.
    pub from: String,
    /// The schema it ends at.
    pub to: String,
    /// Whether policies got behaviour tests per Supabase API role.
    pub supabase: bool,
    /// Every required test, most important first, with what satisfies it.
    pub tests: Vec<RequiredTest>,
    /// The coverage of the target schema.
    #[serde(skip)]
    pub coverage: Coverage,
    /// The target schema.
    #[serde(skip)]
    pub new: Schema,
    /// The starting schema.
    #[serde(skip)]
    pub old: Schema,
}

impl RequiredReport {
    /// Required tests no assertion satisfies.
    pub fn missing(&self) -> impl Iterator<Item = &RequiredTest> {
        self.tests.iter().filter(|t| t.satisfied_by.is_none())
    }
}

/// What `data test scaffold` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ScaffoldReport {
    /// Files written, relative to the project.
    pub written: Vec<ScaffoldFile>,
    /// Files not written because a file of that name exists (relative to the project).
    pub kept: Vec<String>,
    /// Required tests that were missing before.
    pub missing: usize,
}

impl Project {
    /// The tests folder.
    pub fn tests_dir(&self) -> PathBuf {
        self.dir().join(&self.config().tests_dir)
    }

    /// Every `.sql` file under the tests folder as (path relative to the project, text),
    /// sorted by path.
    pub fn test_sources(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for path in crate::deploy::test_files(&self.tests_dir())? {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                path: path.display().to_string(),
                source: e,
            })?;
            out.push((self.relative(&path), text));
        }
        Ok(out)
    }

    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(self.dir())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// The coverage of the golden SQL at `at` (a revision, file or folder; default: the
    /// project's folder as it is on disk) by the tests on disk.
    pub fn coverage(&self, at: Option<&str>) -> Result<Coverage> {
        let source = match at {
            Some(a) => SchemaSource::parse(a, self.dir())?,
            None => SchemaSource::Folder(self.dir().to_path_buf()),
        };
        let schema = self.engine().load(&source)?.schema;
        self.coverage_of(&schema)
    }

    fn coverage_of(&self, schema: &Schema) -> Result<Coverage> {
        let files = self.test_sources()?;
        Ok(coverage::compute(
            schema,
            &files,
            &self.config().testing.exclude_schemas,
        ))
    }

    fn supabase(&self, schema: &Schema) -> bool {
        self.config()
            .testing
            .supabase
            .unwrap_or_else(|| required::is_supabase(schema))
    }

    /// The tests the change from `from` to `to` requires, and which the tests on disk satisfy.
    /// `from` defaults to what `env` has deployed (nothing: the empty schema), `to` to the
    /// project's folder on disk.
    pub fn required_tests(
        &self,
        env: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<RequiredReport> {
        let from_source = match from {
            Some(f) => SchemaSource::parse(f, self.dir())?,
            None => {
                let deployed = self
                    .ledger()
                    .ok()
                    .and_then(|l| l.current(env).ok().flatten());
                self.at(deployed.as_ref().map(|d| d.commit.as_str()))
            }
        };
        let to_source = match to {
            Some(t) => SchemaSource::parse(t, self.dir())?,
            None => SchemaSource::Folder(self.dir().to_path_buf()),
        };
        let (_, old, new) = self.engine().diff_models(&from_source, &to_source)?;
        self.required_between(from_source.label(), to_source.label(), old, new)
    }

    fn required_between(
        &self,
        from: String,
        to: String,
        old: Schema,
        new: Schema,
    ) -> Result<RequiredReport> {
        let supabase = self.supabase(&new);
        let exclude = &self.config().testing.exclude_schemas;
        let mut tests = required::derive(&old, &new, supabase, exclude);
        let coverage = self.coverage_of(&new)?;
        required::satisfy(&mut tests, &coverage.facts);
        Ok(RequiredReport {
            from,
            to,
            supabase,
            tests,
            coverage,
            new,
            old,
        })
    }

    /// Writes pgTAP files for the missing tests of `report` under the tests folder, never
    /// replacing an existing file.
    pub fn write_scaffold(&self, report: &RequiredReport) -> Result<ScaffoldReport> {
        let files = scaffold::scaffold(&report.tests, &report.new, &report.old, report.supabase);
        let mut out = ScaffoldReport {
            written: Vec::new(),
            kept: Vec::new(),
            missing: report.missing().count(),
        };
        for mut f in files {
            let path = self.tests_dir().join(&f.path);
            let rel = self.relative(&path);
            if path.exists() {
                out.kept.push(rel);
                continue;
            }
            let io = |e| Error::Io {
                path: path.display().to_string(),
                source: e,
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(&path, &f.text).map_err(io)?;
            f.path = rel;
            out.written.push(f);
        }
        Ok(out)
    }

    /// The coverage gate for the pending plan of `env`.
    pub fn coverage_gate(&self, env: &str, pending: &Pending) -> Result<GateResult> {
        let report = self.required_between(
            pending.diff.header.from.clone(),
            pending.diff.header.to.clone(),
            pending.old.clone(),
            pending.new.clone(),
        )?;
        gate::evaluate(&self.config().testing, env, &report.tests, &report.coverage).map_err(
            |message| Error::Config {
                path: self.dir().join("data.toml").display().to_string(),
                message,
            },
        )
    }
}
