//! The engine: load, plan, compile. Holds the parse cache shared by every call.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::source::{FsAndGit, SchemaSource, SourceReader};
use data_ast::build::{self, LoadOptions};
use data_ast::parse::ParseCache;
use data_ast::plan::{self, PlanHeader, PlanOptions, PlanPair, RenderFormat};
use data_ast::{Diagnostic, Severity};

/// A loaded schema with its diagnostics.
pub type Loaded = build::Loaded;

/// The result of `diff`: both plans and what to print above them.
#[derive(Debug, Clone)]
pub struct Diff {
    /// Forward and rollback plans.
    pub plans: PlanPair,
    /// Labels and version for headers.
    pub header: PlanHeader,
    /// Warnings and notes from loading both sides.
    pub diagnostics: Vec<Diagnostic>,
}

impl Diff {
    /// Renders the forward plan, or the rollback.
    pub fn render(&self, format: RenderFormat, rollback: bool) -> String {
        self.plans.render(&self.header, format, rollback)
    }
}

/// The engine. Cheap to create; reuse one to share its parse cache.
pub struct Engine<R: SourceReader = FsAndGit> {
    reader: R,
    cache: ParseCache,
    options: LoadOptions,
    plan_options: PlanOptions,
    allow_empty: bool,
}

impl Default for Engine<FsAndGit> {
    fn default() -> Self {
        Engine::with_reader(FsAndGit)
    }
}

impl Engine<FsAndGit> {
    /// An engine reading files and git, with the default config.
    pub fn new() -> Self {
        Self::default()
    }

    /// An engine configured by the project folder's `data.toml` (if any).
    pub fn for_project(dir: &std::path::Path) -> Result<Self> {
        Ok(Engine::new().with_config(&Config::load(dir)?))
    }
}

impl<R: SourceReader> Engine<R> {
    /// An engine with another source reader.
    pub fn with_reader(reader: R) -> Self {
        Engine {
            reader,
            cache: ParseCache::new(),
            options: LoadOptions::default(),
            plan_options: PlanOptions::default(),
            allow_empty: false,
        }
    }

    /// Applies a project config (managed roles, `[plan]` options).
    pub fn with_config(mut self, config: &Config) -> Self {
        self.options.managed_roles = config.managed_roles.clone();
        self.plan_options = config.plan.options();
        self
    }

    /// Sets how `diff` plans: online-safe or fast, and the timeouts.
    pub fn with_plan_options(mut self, options: PlanOptions) -> Self {
        self.plan_options = options;
        self
    }

    /// Lets `diff` plan to a target that declares no objects (dropping everything). By
    /// default such a plan is refused with [`Error::EmptyTarget`].
    pub fn allow_empty_target(mut self, allow: bool) -> Self {
        self.allow_empty = allow;
        self
    }

    /// How `diff` plans.
    pub fn plan_options(&self) -> &PlanOptions {
        &self.plan_options
    }

    /// Loads a source into a model. Errors in golden SQL fail the load.
    pub fn load(&self, source: &SchemaSource) -> Result<Loaded> {
        let files = self.reader.read(source)?;
        let loaded = build::load_with(&files, &self.cache, &self.options);
        Self::checked(source, loaded)
    }

    /// Loads two sources at once (the sides of a diff): both are read, their distinct
    /// statements parsed in one parallel batch and both models built at the same time.
    pub fn load_both(&self, a: &SchemaSource, b: &SchemaSource) -> Result<(Loaded, Loaded)> {
        let files_a = self.reader.read(a)?;
        let files_b = self.reader.read(b)?;
        let (la, lb) = build::load_pair(&files_a, &files_b, &self.cache, &self.options);
        Ok((Self::checked(a, la)?, Self::checked(b, lb)?))
    }

    /// `loaded`, or the error listing its golden SQL errors.
    fn checked(source: &SchemaSource, loaded: Loaded) -> Result<Loaded> {
        if loaded.has_errors() {
            let mut diagnostics = loaded.diagnostics.clone();
            diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
            return Err(Error::InvalidGoldenSql {
                source_label: source.label(),
                diagnostics,
            });
        }
        Ok(loaded)
    }

    /// Plans the migration from `from` to `to` and its rollback. A `to` that declares no
    /// objects while `from` has some is refused unless [`Engine::allow_empty_target`] allows
    /// it (an explicit [`SchemaSource::Empty`] is always allowed).
    pub fn diff(&self, from: &SchemaSource, to: &SchemaSource) -> Result<Diff> {
        Ok(self.diff_models(from, to)?.0)
    }

    /// [`Engine::diff`], also returning both models (old, new) for callers that judge them.
    pub fn diff_models(
        &self,
        from: &SchemaSource,
        to: &SchemaSource,
    ) -> Result<(Diff, data_ast::model::Schema, data_ast::model::Schema)> {
        self.diff_loaded(from, to, |schema| schema, !self.allow_empty)
    }

    /// [`Engine::diff_models`] without the empty-target check, for plans whose real target
    /// is `from` (a rollback is the reverse of a plan to the current state).
    pub(crate) fn diff_models_unchecked(
        &self,
        from: &SchemaSource,
        to: &SchemaSource,
    ) -> Result<(Diff, data_ast::model::Schema, data_ast::model::Schema)> {
        self.diff_loaded(from, to, |schema| schema, false)
    }

    /// Plans from `from` to `to` after rewriting both models into the comparable form of
    /// [`data_ast::equivalence`], so definitions that differ only in how PostgreSQL prints
    /// them back (`'x'::text` for `'x'`, `= ANY (ARRAY[...])` for `IN (...)`, ...) are
    /// equal. For comparing a live database with golden SQL; the statements of the plan are
    /// rendered from the comparable form, so use [`Engine::diff`] for plans to run.
    pub fn diff_equivalent(&self, from: &SchemaSource, to: &SchemaSource) -> Result<Diff> {
        Ok(self
            .diff_loaded(from, to, data_ast::equivalence::comparable_owned, false)?
            .0)
    }

    fn diff_loaded(
        &self,
        from: &SchemaSource,
        to: &SchemaSource,
        view: fn(data_ast::model::Schema) -> data_ast::model::Schema,
        check_target: bool,
    ) -> Result<(Diff, data_ast::model::Schema, data_ast::model::Schema)> {
        let (mut old, mut new) = self.load_both(from, to)?;
        if check_target && *to != SchemaSource::Empty {
            crate::empty_target::check(&old.schema, &new.schema, &to.label())?;
        }
        old.schema = view(old.schema);
        new.schema = view(new.schema);
        let plans = plan::plan_with(&old.schema, &new.schema, &self.plan_options)?;
        let mut diagnostics: Vec<Diagnostic> = old
            .diagnostics
            .into_iter()
            .chain(new.diagnostics)
            .filter(|d| d.severity >= Severity::Warning)
            .collect();
        diagnostics.dedup();
        let diff = Diff {
            plans,
            header: PlanHeader {
                from: from.label(),
                to: to.label(),
                tool_version: crate::VERSION.to_string(),
            },
            diagnostics,
        };
        Ok((diff, old.schema, new.schema))
    }

    /// The whole schema of `source` as one dependency-ordered SQL script for an empty database,
    /// optionally followed by its seed data.
    pub fn compile(&self, source: &SchemaSource, with_data: bool) -> Result<String> {
        let loaded = self.load(source)?;
        let empty = data_ast::model::Schema::default();
        let plans = plan::plan(&empty, &loaded.schema)?;
        let mut out = String::new();
        out.push_str(&format!(
            "-- data compile of {}\n-- tool: data {}\n-- objects: {} operations\n",
            source.label(),
            crate::VERSION,
            plans.forward.operations.len()
        ));
        for op in &plans.forward.operations {
            out.push('\n');
            for s in &op.sql {
                out.push_str(s.trim_end().trim_end_matches(';'));
                out.push_str(";\n");
            }
        }
        if with_data && !loaded.schema.seed.is_empty() {
            out.push_str("\n-- seed data\n");
            for s in &loaded.schema.seed {
                out.push_str(&format!("-- {}\n{};\n", s.origin, s.sql));
            }
        }
        Ok(out)
    }
}
