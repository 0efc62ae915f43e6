//! `lint` and `approve`: a golden change (or migration files) judged against the Prime
//! Directive (data-rules), the overrides that accepted findings appended to
//! `.data/audit.jsonl`, approvals of a plan to `.data/approvals.jsonl`. One parser reads
//! overrides (`RULE[=OBJECT]` plus a written reason, checked against the rules registry) for
//! `lint` and for the deploy gate of `align` and `rollback`. The results are reports; printing
//! them is the caller's business.

use crate::error::{Error, Result};
use crate::project::Project;
use crate::source::SchemaSource;
use data_rules::{audit, DirectiveConfig, Options};
use std::path::{Path, PathBuf};

pub use data_rules::audit::AuditRecord;
pub use data_rules::{
    AppliedOverride, Approval, Finding, Judge, Level, Override as RuleOverride,
    Report as LintReport, Suggestion,
};

/// The sample `.data-prime-directive.yml` that `data init` writes, every key explained.
pub const SAMPLE_DIRECTIVE: &str = data_rules::config::SAMPLE;

/// What a lint run judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintInput {
    /// The golden change from `from` (a revision, `.sql` file or folder; default `HEAD`) to
    /// `to` (default: the project folder's working tree), judged through its plan.
    Change {
        /// The base.
        from: Option<String>,
        /// The target.
        to: Option<String>,
    },
    /// Migration files, and folders searched for `.sql` files, statement by statement.
    Files(Vec<PathBuf>),
}

/// A lint run as the caller asks for it.
#[derive(Debug, Clone)]
pub struct LintRequest {
    /// What to judge.
    pub input: LintInput,
    /// The environment (its section of `.data-prime-directive.yml`); deploy-time rules (freeze
    /// windows, approvals) are judged only when it is given. Default `development`.
    pub environment: Option<String>,
    /// How a golden change is judged.
    pub judge: Judge,
    /// Findings accepted for this run (see [`parse_overrides`]); recorded in the audit log.
    pub overrides: Vec<RuleOverride>,
    /// Who overrides (default: [`Project::operator`]).
    pub operator: Option<String>,
    /// Row estimates: table (`schema.table`, or `table` in `public`) and rows.
    pub rows: Vec<(String, u64)>,
    /// A backup was taken (for `always-backup-before-destructive`).
    pub backup_taken: bool,
}

impl LintRequest {
    /// Lints the pending golden change (`HEAD` to the working tree) with default settings.
    pub fn change() -> LintRequest {
        LintRequest::of(LintInput::Change {
            from: None,
            to: None,
        })
    }

    /// Lints migration files (and folders of them) with default settings.
    pub fn files(paths: Vec<PathBuf>) -> LintRequest {
        LintRequest::of(LintInput::Files(paths))
    }

    fn of(input: LintInput) -> LintRequest {
        LintRequest {
            input,
            environment: None,
            judge: Judge::Change,
            overrides: Vec::new(),
            operator: None,
            rows: Vec::new(),
            backup_taken: false,
        }
    }
}

/// How a lint report is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintFormat {
    /// Findings grouped with their remedies, then suggestions.
    Human,
    /// The whole report as JSON.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

/// Renders a lint report (always ending with a newline).
pub fn render_lint(report: &LintReport, format: LintFormat) -> String {
    let mut text = match format {
        LintFormat::Human => data_rules::report::human(report),
        LintFormat::Json => data_rules::report::json(report),
        LintFormat::Sarif => data_rules::report::sarif(report, crate::VERSION),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// What a lint run found and recorded.
#[derive(Debug, Clone)]
pub struct LintOutcome {
    /// Findings, suggestions, estimate and the overrides that accepted findings.
    pub report: LintReport,
    /// The audit records written for the overrides applied (none when none applied).
    pub recorded: Vec<AuditRecord>,
    /// The audit log they were appended to.
    pub audit_log: PathBuf,
}

impl LintOutcome {
    /// Whether error findings remain (the lint fails).
    pub fn failed(&self) -> bool {
        self.report.has_errors()
    }

    /// The report rendered in `format`.
    pub fn render(&self, format: LintFormat) -> String {
        render_lint(&self.report, format)
    }
}

/// An approval to record.
#[derive(Debug, Clone)]
pub struct ApprovalRequest {
    /// Who approves.
    pub name: String,
    /// Why (required).
    pub reason: String,
    /// The environment the approval is for.
    pub environment: String,
    /// The base of the golden change (default `HEAD`).
    pub from: Option<String>,
    /// The target (default: the working tree).
    pub to: Option<String>,
}

/// A recorded approval and the size of the plan approved.
#[derive(Debug, Clone)]
pub struct Approved {
    /// The record appended to `.data/approvals.jsonl`.
    pub approval: Approval,
    /// The number of operations of the plan approved.
    pub operations: usize,
}

/// Reads overrides given as `RULE` or `RULE=OBJECT`, all accepted for one written `reason`.
/// Refuses overrides without a reason ([`Error::OverrideWithoutReason`]), unknown rule ids
/// ([`Error::UnknownRule`]) and an empty object ([`Error::InvalidRequest`]). No overrides and
/// no reason is fine.
pub fn parse_overrides<S: AsRef<str>>(
    specs: &[S],
    reason: Option<&str>,
) -> Result<Vec<RuleOverride>> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let reason = reason.map(str::trim).unwrap_or("");
    if reason.is_empty() {
        let given: Vec<&str> = specs.iter().map(AsRef::as_ref).collect();
        return Err(Error::OverrideWithoutReason(given.join(", ")));
    }
    specs
        .iter()
        .map(|spec| {
            let spec = spec.as_ref().trim();
            let (rule, object) = match spec.split_once('=') {
                Some((rule, object)) => {
                    let object = object.trim();
                    if object.is_empty() {
                        return Err(Error::InvalidRequest(format!(
                            "override `{spec}` names no object: use RULE or RULE=OBJECT"
                        )));
                    }
                    (rule.trim(), Some(object.to_string()))
                }
                None => (spec, None),
            };
            let parsed = RuleOverride {
                rule: rule.to_string(),
                object,
                reason: reason.to_string(),
            };
            check_overrides(std::slice::from_ref(&parsed))?;
            Ok(parsed)
        })
        .collect()
}

/// Checks overrides built by the caller as [`parse_overrides`] checks the ones it reads: a
/// known rule and a written reason each.
pub fn check_overrides(overrides: &[RuleOverride]) -> Result<()> {
    let known = data_rules::registry::ids();
    for o in overrides {
        if o.reason.trim().is_empty() {
            let what = match &o.object {
                Some(object) => format!("{}={object}", o.rule),
                None => o.rule.clone(),
            };
            return Err(Error::OverrideWithoutReason(what));
        }
        if !known.contains(&o.rule.as_str()) {
            return Err(Error::UnknownRule(o.rule.clone()));
        }
    }
    Ok(())
}

/// The catalogue of rules, by category, as `data rules` prints it.
pub fn rules_catalogue() -> String {
    data_rules::report::catalogue_text()
}

/// One rule explained (why, a bad and a good example, the remedy); `None` for an unknown id.
pub fn explain_rule(id: &str) -> Option<String> {
    data_rules::registry::find(id).map(|rule| data_rules::report::explain_text(rule.meta()))
}

impl Project {
    /// Who is acting in this project: the committer git config names (`Name <email>`, read
    /// through the ledger, no `git` process), else `$USER`, else `unknown`.
    pub fn operator(&self) -> String {
        data_ledger::operator_at(self.dir())
    }

    /// Judges a golden change or migration files against the Prime Directive, and appends
    /// the overrides that accepted findings to `.data/audit.jsonl`.
    pub fn lint(&self, request: &LintRequest) -> Result<LintOutcome> {
        check_overrides(&request.overrides)?;
        let config = DirectiveConfig::load(self.dir())?;
        let environment = request
            .environment
            .clone()
            .unwrap_or_else(|| "development".into());
        let mut rows = data_rules::context::RowEstimates::new();
        for (table, n) in &request.rows {
            rows.insert(qualified(table)?, *n);
        }
        let opts = Options {
            settings: config.settings(&environment),
            environment: environment.clone(),
            environment_given: request.environment.is_some(),
            judge: request.judge,
            rows,
            approvals: audit::load_approvals(self.dir())?,
            now: chrono::Utc::now(),
            overrides: request.overrides.clone(),
            backup_taken: request.backup_taken,
        };
        let report = match &request.input {
            LintInput::Change { from, to } => {
                let (diff, old, new) = self.golden_change(from.as_deref(), to.as_deref())?;
                data_rules::lint_change(&old, &new, &diff.plans.forward, &opts)
            }
            LintInput::Files(paths) => data_rules::lint_files(&sql_files(paths)?, &opts),
        };
        let recorded = if report.overrides_applied.is_empty() {
            Vec::new()
        } else {
            let operator = request
                .operator
                .clone()
                .filter(|o| !o.trim().is_empty())
                .unwrap_or_else(|| self.operator());
            audit::record_overrides(
                self.dir(),
                &report.overrides_applied,
                &operator,
                &report.plan_hash,
                &environment,
            )?
        };
        Ok(LintOutcome {
            report,
            recorded,
            audit_log: audit::audit_path(self.dir()),
        })
    }

    /// Records an approval of a plan in `.data/approvals.jsonl`. For a deployment environment
    /// (in `data.toml` or the ledger) without `from` and `to`, the plan approved is the one
    /// `align` will run: from its deployed tag to `HEAD`; otherwise the golden change.
    pub fn approve(&self, request: ApprovalRequest) -> Result<Approved> {
        if request.name.trim().is_empty() || request.reason.trim().is_empty() {
            return Err(Error::InvalidRequest(
                "an approval needs a name (--name) and a written reason (--reason)".into(),
            ));
        }
        let deploying = request.from.is_none()
            && request.to.is_none()
            && self
                .environments()
                .is_ok_and(|envs| envs.contains(&request.environment));
        let plan = if deploying {
            self.pending(&request.environment, None)?.diff.plans.forward
        } else {
            self.golden_change(request.from.as_deref(), request.to.as_deref())?
                .0
                .plans
                .forward
        };
        let approval = Approval {
            timestamp: audit::now_rfc3339(),
            plan: plan.hash(),
            name: request.name,
            reason: request.reason,
            environment: request.environment,
        };
        audit::record_approval(self.dir(), &approval)?;
        Ok(Approved {
            approval,
            operations: plan.operations.len(),
        })
    }

    /// The golden change from `from` (default `HEAD`) to `to` (default the working tree):
    /// the plan and both models.
    fn golden_change(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(crate::Diff, crate::Schema, crate::Schema)> {
        let from = SchemaSource::parse(from.unwrap_or("HEAD"), self.dir())?;
        let to = match to {
            Some(t) => SchemaSource::parse(t, self.dir())?,
            None => SchemaSource::Folder(self.dir().to_path_buf()),
        };
        self.engine().diff_models(&from, &to)
    }
}

/// `schema.table`, or `table` in `public`.
fn qualified(table: &str) -> Result<data_ast::model::QName> {
    let table = table.trim();
    let (schema, name) = table.split_once('.').unwrap_or(("public", table));
    if schema.is_empty() || name.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "`{table}` is not a table name: use TABLE or SCHEMA.TABLE"
        )));
    }
    Ok(data_ast::model::QName::new(schema, name))
}

/// The `.sql` files named by `paths` (folders searched recursively), in path order, with
/// their text.
fn sql_files(paths: &[PathBuf]) -> Result<Vec<(String, String)>> {
    fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }
    fn walk(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for e in entries {
                if e.is_dir() || e.extension().is_some_and(|x| x == "sql") {
                    walk(&e, out)?;
                }
            }
        } else {
            out.push(p.to_path_buf());
        }
        Ok(())
    }
    let mut found = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(io(
                p,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
        walk(p, &mut found)?;
    }
    found
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_read_rule_and_object_with_one_reason() {
        let parsed = parse_overrides(
            &["renaming-table", "dropping-column=public.t.c"],
            Some("  release 2  "),
        )
        .unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].rule, "renaming-table");
        assert_eq!(parsed[0].object, None);
        assert_eq!(parsed[0].reason, "release 2");
        assert_eq!(parsed[1].rule, "dropping-column");
        assert_eq!(parsed[1].object.as_deref(), Some("public.t.c"));
        assert!(parse_overrides::<&str>(&[], None).unwrap().is_empty());
    }

    #[test]
    fn overrides_need_a_reason_and_a_known_rule() {
        let e = parse_overrides(&["renaming-table"], None).unwrap_err();
        assert!(matches!(e, Error::OverrideWithoutReason(ref r) if r == "renaming-table"));
        assert!(e.is_usage());
        assert!(e.to_string().contains("--reason"), "{e}");
        let e = parse_overrides(&["renaming-table"], Some("   ")).unwrap_err();
        assert!(matches!(e, Error::OverrideWithoutReason(_)));
        let e = parse_overrides(&["no-such-rule=public.t"], Some("why")).unwrap_err();
        assert!(matches!(e, Error::UnknownRule(ref r) if r == "no-such-rule"));
        assert!(e.is_usage());
        let e = parse_overrides(&["renaming-table="], Some("why")).unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)));
        let built = RuleOverride {
            rule: "renaming-table".into(),
            object: None,
            reason: String::new(),
        };
        assert!(matches!(
            check_overrides(&[built]),
            Err(Error::OverrideWithoutReason(_))
        ));
    }

    #[test]
    fn rules_are_explained_through_the_facade() {
        assert!(rules_catalogue().contains("require-concurrent-index-creation"));
        assert!(explain_rule("require-concurrent-index-creation")
            .is_some_and(|t| t.contains("CONCURRENTLY")));
        assert!(explain_rule("no-such-rule").is_none());
        assert!(SAMPLE_DIRECTIVE.contains("lock_timeout"));
    }

    #[test]
    fn table_names_default_to_public() {
        assert_eq!(
            qualified("orders").unwrap(),
            data_ast::model::QName::new("public", "orders")
        );
        assert_eq!(
            qualified("app.orders").unwrap(),
            data_ast::model::QName::new("app", "orders")
        );
        assert!(qualified(".orders").is_err());
    }
}
