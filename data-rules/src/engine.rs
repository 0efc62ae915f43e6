//! Running the rules: over a golden change (a plan with both models) or over migration files
//! (statement by statement), then applying the config's levels and the overrides.

use crate::config::{Override, RuleSetting, Settings};
use crate::context::{Approval, Context, Judge, Mode, RowEstimates, Stmt};
use crate::estimate::{estimate, Estimate};
use crate::finding::{Finding, Findings, Location};
use crate::registry;
use crate::rule::Level;
use crate::rules::syntax_error::SyntaxError;
use crate::sql::{drop_names, location_at, qname_opt};
use crate::suggest::{self, Suggestion};
use chrono::{DateTime, Utc};
use data_ast::model::{QName, Schema};
use data_ast::plan::{Operation, Plan};
use pg_query::protobuf::{ObjectType, TransactionStmtKind};
use pg_query::NodeEnum;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything a lint run needs besides its input.
#[derive(Debug, Clone)]
pub struct Options {
    /// Effective settings of the environment.
    pub settings: Settings,
    /// The environment's name.
    pub environment: String,
    /// Whether the environment was named explicitly (deploy-time rules judge only then).
    pub environment_given: bool,
    /// How a change is judged.
    pub judge: Judge,
    /// Row estimates.
    pub rows: RowEstimates,
    /// Approvals recorded (all plans; filtered by hash).
    pub approvals: Vec<Approval>,
    /// The time to judge deploy windows at.
    pub now: DateTime<Utc>,
    /// Overrides given on the command line (the config's come with the settings).
    pub overrides: Vec<Override>,
    /// Whether a backup was confirmed.
    pub backup_taken: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            settings: Settings::default(),
            environment: "development".into(),
            environment_given: false,
            judge: Judge::Change,
            rows: RowEstimates::new(),
            approvals: Vec::new(),
            now: Utc::now(),
            overrides: Vec::new(),
            backup_taken: false,
        }
    }
}

/// An override that matched findings (to be written to the audit log).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedOverride {
    /// The rule.
    pub rule: String,
    /// The object of the finding it accepted.
    pub object: String,
    /// The reason given.
    pub reason: String,
}

/// The result of a lint run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// What was linted: `change` or `files`.
    pub mode: &'static str,
    /// The environment judged.
    pub environment: String,
    /// The plan hash (change) or content hash (files).
    pub plan_hash: String,
    /// Number of statements judged.
    pub statements: usize,
    /// Findings, in order of position.
    pub findings: Vec<Finding>,
    /// Suggestions (change mode).
    pub suggestions: Vec<Suggestion>,
    /// Estimated duration.
    pub estimate: Estimate,
    /// Overrides that accepted findings.
    pub overrides_applied: Vec<AppliedOverride>,
}

impl Report {
    /// Whether any finding is an error (the lint fails).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Error)
    }

    /// Counts by level: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let c = |l| self.findings.iter().filter(|f| f.level == l).count();
        (c(Level::Error), c(Level::Warning), c(Level::Info))
    }
}

/// Lints a golden change: the plan from `old` to `new`.
pub fn lint_change(old: &Schema, new: &Schema, plan: &Plan, opts: &Options) -> Report {
    let mut stmts = Vec::new();
    let mut syntax = Findings::default();
    for op in &plan.operations {
        let location = op_location(op);
        for sql in &op.sql {
            match data_ast::parse::parse_text(sql) {
                Ok(nodes) => {
                    for node in nodes.iter() {
                        stmts.push(Stmt {
                            node: node.clone(),
                            sql: sql.clone(),
                            op: Some(op),
                            location: location.clone(),
                            in_transaction: op.transactional,
                            index: stmts.len(),
                        });
                    }
                }
                Err(e) => syntax.add_at(
                    &SyntaxError::META,
                    location.clone(),
                    op.identity.clone(),
                    e.message,
                ),
            }
        }
    }
    let hash = plan.hash();
    let mut report = run(
        Mode::Change,
        old,
        new,
        Some(plan),
        &stmts,
        &hash,
        opts,
        BTreeMap::new(),
        BTreeMap::new(),
    );
    report.findings.extend(syntax.items);
    report.suggestions = suggest::suggest(old, new, &opts.settings);
    finish(report, opts)
}

/// Lints migration files, each on its own: statements in order, tables not created earlier in
/// the same file treated as existing.
pub fn lint_files(files: &[(String, String)], opts: &Options) -> Report {
    let empty = Schema::default();
    let mut total = Report {
        mode: "files",
        environment: opts.environment.clone(),
        ..Report::default()
    };
    let mut hasher = blake3::Hasher::new();
    for (path, text) in files {
        hasher.update(text.as_bytes());
        let mut stmts = Vec::new();
        let mut syntax = Findings::default();
        let mut depth = 0usize;
        for span in data_ast::split::split(text).statements {
            let sql = text.get(span.start..span.end).unwrap_or("");
            let location = location_at(path, text, span.start);
            match data_ast::parse::parse_text(sql) {
                Ok(nodes) => {
                    for node in nodes.iter() {
                        if let NodeEnum::TransactionStmt(t) = node {
                            let k = t.kind;
                            if k == TransactionStmtKind::TransStmtBegin as i32
                                || k == TransactionStmtKind::TransStmtStart as i32
                            {
                                depth += 1;
                            } else if k == TransactionStmtKind::TransStmtCommit as i32
                                || k == TransactionStmtKind::TransStmtRollback as i32
                            {
                                depth = depth.saturating_sub(1);
                            }
                        }
                        stmts.push(Stmt {
                            node: node.clone(),
                            sql: sql.to_string(),
                            op: None,
                            location: Some(location.clone()),
                            in_transaction: depth > 0,
                            index: stmts.len(),
                        });
                    }
                }
                Err(e) => {
                    let at = if e.cursor > 0 {
                        let prefix: String = sql.chars().take(e.cursor - 1).collect();
                        location_at(path, text, span.start + prefix.len())
                    } else {
                        location
                    };
                    syntax.add_at(&SyntaxError::META, Some(at), path.clone(), e.message);
                }
            }
        }
        let (created, created_indexes) = created_in(&stmts);
        let hash = blake3::hash(text.as_bytes()).to_hex().to_string();
        let r = run(
            Mode::Files,
            &empty,
            &empty,
            None,
            &stmts,
            &hash,
            opts,
            created,
            created_indexes,
        );
        total.statements += r.statements;
        total.findings.extend(r.findings);
        total.findings.extend(syntax.items);
        total.estimate.seconds += r.estimate.seconds;
        for t in r.estimate.unknown_tables {
            if !total.estimate.unknown_tables.contains(&t) {
                total.estimate.unknown_tables.push(t);
            }
        }
    }
    total.plan_hash = hasher.finalize().to_hex().to_string();
    finish(total, opts)
}

/// Tables and indexes created in a file, by the index of the creating statement.
fn created_in(stmts: &[Stmt<'_>]) -> (BTreeMap<QName, usize>, BTreeMap<QName, usize>) {
    let mut tables = BTreeMap::new();
    let mut indexes = BTreeMap::new();
    for s in stmts {
        match &s.node {
            NodeEnum::CreateStmt(c) => {
                if let Some(t) = qname_opt(&c.relation) {
                    tables.entry(t).or_insert(s.index);
                }
            }
            NodeEnum::CreateTableAsStmt(c) => {
                if let Some(t) = c.into.as_ref().and_then(|i| qname_opt(&i.rel)) {
                    tables.entry(t).or_insert(s.index);
                }
            }
            NodeEnum::IndexStmt(i) => {
                if let Some(t) = qname_opt(&i.relation) {
                    if !i.idxname.is_empty() {
                        indexes
                            .entry(QName::new(t.schema, i.idxname.clone()))
                            .or_insert(s.index);
                    }
                }
            }
            NodeEnum::DropStmt(d) if d.remove_type == ObjectType::ObjectTable as i32 => {
                // A table dropped and re-created later counts as new from its CREATE on.
                for t in drop_names(&d.objects) {
                    if tables.get(&t).is_some_and(|i| *i < s.index) {
                        tables.remove(&t);
                    }
                }
            }
            _ => {}
        }
    }
    (tables, indexes)
}

#[allow(clippy::too_many_arguments)]
fn run<'a>(
    mode: Mode,
    old: &'a Schema,
    new: &'a Schema,
    plan: Option<&'a Plan>,
    stmts: &'a [Stmt<'a>],
    hash: &'a str,
    opts: &'a Options,
    created: BTreeMap<QName, usize>,
    created_indexes: BTreeMap<QName, usize>,
) -> Report {
    let cx = Context {
        mode,
        judge: opts.judge,
        old,
        new,
        plan,
        statements: stmts,
        settings: &opts.settings,
        environment: &opts.environment,
        environment_given: opts.environment_given,
        rows: &opts.rows,
        approvals: &opts.approvals,
        plan_hash: hash,
        now: opts.now,
        backup_taken: opts.backup_taken,
        created,
        created_indexes,
    };
    let mut out = Findings::default();
    let rules: Vec<_> = registry::all()
        .into_iter()
        .filter(|r| opts.settings.rules.get(r.meta().id) != Some(&RuleSetting::Off))
        .collect();
    for s in stmts {
        for r in &rules {
            r.check_statement(s, &cx, &mut out);
        }
    }
    for r in &rules {
        r.check_unit(&cx, &mut out);
    }
    Report {
        mode: if mode == Mode::Change {
            "change"
        } else {
            "files"
        },
        environment: opts.environment.clone(),
        plan_hash: hash.to_string(),
        statements: stmts.len(),
        findings: out.items,
        suggestions: Vec::new(),
        estimate: estimate(&cx),
        overrides_applied: Vec::new(),
    }
}

/// Applies config levels and overrides, sorts and de-duplicates findings.
fn finish(mut report: Report, opts: &Options) -> Report {
    for f in &mut report.findings {
        if let Some(RuleSetting::Level(l)) = opts.settings.rules.get(f.rule) {
            // A rule's own downgrade (e.g. an incomplete estimate) stays below the new level.
            if f.level
                == registry::find(f.rule)
                    .map(|r| r.meta().level)
                    .unwrap_or(f.level)
            {
                f.level = *l;
            }
        }
    }
    report
        .findings
        .retain(|f| opts.settings.rules.get(f.rule) != Some(&RuleSetting::Off));
    let overrides: Vec<&Override> = opts
        .settings
        .overrides
        .iter()
        .chain(opts.overrides.iter())
        .collect();
    for f in &mut report.findings {
        if let Some(o) = overrides
            .iter()
            .find(|o| o.rule == f.rule && o.object.as_deref().is_none_or(|obj| obj == f.object))
        {
            f.level = Level::Info;
            f.overridden = Some(o.reason.clone());
            report.overrides_applied.push(AppliedOverride {
                rule: f.rule.to_string(),
                object: f.object.clone(),
                reason: o.reason.clone(),
            });
        }
    }
    report
        .findings
        .sort_by(|a, b| (&a.location, a.rule, &a.object).cmp(&(&b.location, b.rule, &b.object)));
    report.findings.dedup_by(|a, b| {
        a.rule == b.rule
            && a.object == b.object
            && a.location == b.location
            && a.message == b.message
    });
    report
}

/// Where the object an operation touches is declared: the step's own golden SQL origin (the
/// new side, or the old one for drops).
fn op_location(op: &Operation) -> Option<Location> {
    let o = if op.kind == data_ast::plan::OpKind::Drop {
        op.origin.old.as_ref().or(op.origin.new.as_ref())
    } else {
        op.origin.primary()
    }?;
    (o.line > 0).then(|| Location {
        file: o.file.to_string(),
        line: o.line,
        column: o.column,
    })
}
