//! Every rule judged on its own catalogue examples: the bad example must trigger it (pinned by a
//! snapshot of its findings), the good example must not. Examples written as `-- before` /
//! `-- after` golden SQL are linted as a golden change; the others as a migration file.

use chrono::TimeZone;
use data_rules::{lint_change, lint_files, registry, Approval, Options, Report, RuleMeta};

/// Splits a `-- before ... -- after ...` example into its two sides.
fn sides(sql: &str) -> Option<(String, String)> {
    let rest = sql.strip_prefix("-- before\n")?;
    let (before, after) = rest.split_once("\n-- after\n")?;
    Some((before.to_string(), after.to_string()))
}

/// Loads golden SQL text into a model.
fn model(sql: &str) -> data_ast::model::Schema {
    let cache = data_ast::parse::ParseCache::new();
    let loaded = data_ast::build::load(&[data_ast::SourceFile::new("golden.sql", sql)], &cache);
    assert!(
        !loaded.has_errors(),
        "example does not load: {:?}",
        loaded.diagnostics
    );
    loaded.schema
}

/// The options a rule's examples are judged under (deploy-time rules need an environment, a
/// clock, rows or approvals).
fn options(id: &str, bad: bool) -> Options {
    let mut o = Options::default();
    let production = |o: &mut Options| {
        o.environment = "production".into();
        o.environment_given = true;
        o.settings = data_rules::DirectiveConfig::default().settings("production");
    };
    // A Tuesday morning: outside the default freeze window.
    o.now = chrono::Utc.with_ymd_and_hms(2025, 6, 3, 10, 0, 0).unwrap();
    match id {
        "never-drop-tables-with-data" => {
            production(&mut o);
            if !bad {
                o.rows.insert(
                    data_ast::model::QName::new("public", "customers_archive_2019"),
                    0,
                );
            }
        }
        "always-backup-before-destructive" => production(&mut o),
        "no-migrations-on-friday-after-3pm" => {
            production(&mut o);
            if bad {
                o.now = chrono::Utc.with_ymd_and_hms(2025, 6, 6, 16, 30, 0).unwrap();
            }
        }
        "require-two-approvals-for-production" => production(&mut o),
        "maximum-migration-duration" => {
            o.rows
                .insert(data_ast::model::QName::new("public", "orders"), 50_000_000);
        }
        _ => {}
    }
    o
}

fn lint_example(meta: &RuleMeta, sql: &str, bad: bool) -> Report {
    let opts = options(meta.id, bad);
    let run = |opts: &Options| match sides(sql) {
        Some((before, after)) => {
            let (old, new) = (model(&before), model(&after));
            let plans = data_ast::plan::plan(&old, &new).expect("example plans");
            lint_change(&old, &new, &plans.forward, opts)
        }
        None => lint_files(&[("example.sql".to_string(), sql.to_string())], opts),
    };
    let report = run(&opts);
    if meta.id == "require-two-approvals-for-production" {
        // Approvals are keyed by the plan hash: record one (bad) or two (good) for this plan.
        let mut opts = opts.clone();
        let approve = |name: &str| Approval {
            timestamp: "2025-06-03T09:00:00Z".into(),
            plan: report.plan_hash.clone(),
            name: name.into(),
            reason: "reviewed".into(),
            environment: "production".into(),
        };
        opts.approvals = if bad {
            vec![approve("ann")]
        } else {
            vec![approve("ann"), approve("bob")]
        };
        return run(&opts);
    }
    report
}

fn own(report: &Report, id: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == id)
        .map(|f| {
            let at = f
                .location
                .as_ref()
                .map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
                .unwrap_or_else(|| "-".into());
            format!(
                "{} {} [{}] {}: {}",
                at, f.level, f.rule, f.object, f.message
            )
        })
        .collect()
}

#[test]
fn every_rule_fires_on_its_bad_example_and_not_on_its_good_one() {
    let mut failures = Vec::new();
    for rule in registry::all() {
        let meta = rule.meta();
        let bad = lint_example(meta, meta.bad, true);
        let found = own(&bad, meta.id);
        if found.is_empty() {
            failures.push(format!(
                "{}: bad example does not trigger it; findings: {:?}",
                meta.id,
                bad.findings.iter().map(|f| f.rule).collect::<Vec<_>>()
            ));
        } else {
            insta::assert_snapshot!(format!("{}-bad", meta.id), found.join("\n"));
        }
        let good = lint_example(meta, meta.good, false);
        let found = own(&good, meta.id);
        if !found.is_empty() {
            failures.push(format!("{}: good example triggers it: {found:?}", meta.id));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn catalogue_is_complete_and_consistent() {
    let all = registry::catalogue();
    assert!(all.len() >= 45, "only {} rules", all.len());
    let mut ids: Vec<&str> = all.iter().map(|m| m.id).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "duplicate rule ids");
    for m in all {
        assert!(
            m.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            m.id
        );
        for (what, text) in [
            ("summary", m.summary),
            ("explanation", m.explanation),
            ("bad", m.bad),
            ("good", m.good),
            ("remedy", m.remedy),
        ] {
            assert!(!text.trim().is_empty(), "{}: empty {what}", m.id);
        }
    }
}

#[test]
fn tables_created_in_the_same_file_are_exempt() {
    let sql = "CREATE TABLE t (id bigint PRIMARY KEY, c text);\nCREATE INDEX t_c_idx ON t (c);\n";
    let r = lint_files(&[("m.sql".into(), sql.into())], &Options::default());
    assert!(
        r.findings
            .iter()
            .all(|f| f.rule != "require-concurrent-index-creation"),
        "{:?}",
        r.findings
    );
    let sql = "CREATE INDEX t_c_idx ON t (c);\n";
    let r = lint_files(&[("m.sql".into(), sql.into())], &Options::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "require-concurrent-index-creation")
        .expect("fires");
    assert_eq!(
        f.location.as_ref().map(|l| (l.line, l.column)),
        Some((1, 1))
    );
}

#[test]
fn binary_coercible_type_changes_pass_and_rewrites_do_not() {
    use data_rules::sql::{classify_type_change as c, TypeChange::*};
    assert_eq!(c("character varying(10)", "character varying(20)"), Free);
    assert_eq!(c("character varying(10)", "text"), Free);
    assert_eq!(c("character varying", "text"), Free);
    assert_eq!(c("numeric(10,2)", "numeric(12,2)"), Free);
    assert_eq!(c("character varying(20)", "character varying(10)"), Scan);
    assert_eq!(c("integer", "bigint"), Rewrite);
    assert_eq!(c("text", "integer"), Rewrite);
    assert_eq!(c("numeric(10,2)", "numeric(10,3)"), Rewrite);
}

#[test]
fn syntax_errors_are_findings_with_position() {
    let r = lint_files(
        &[(
            "m.sql".into(),
            "SELECT 1;\nALTER TABEL t ADD COLUMN c int;\n".into(),
        )],
        &Options::default(),
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "syntax-error")
        .expect("reported");
    assert_eq!(f.location.as_ref().map(|l| l.line), Some(2));
}

#[test]
fn config_levels_and_overrides_apply() {
    let cfg = data_rules::DirectiveConfig::parse(
        "x.yml",
        "rules:\n  require-concurrent-index-creation: warning\n  prefer-robust-statements: off\n",
    )
    .unwrap();
    let mut o = Options {
        settings: cfg.settings("development"),
        ..Options::default()
    };
    let files = [(
        "m.sql".to_string(),
        "CREATE INDEX i ON t (c);\nDROP TABLE old_t;\n".to_string(),
    )];
    let r = lint_files(&files, &o);
    let ix = r
        .findings
        .iter()
        .find(|f| f.rule == "require-concurrent-index-creation")
        .unwrap();
    assert_eq!(ix.level, data_rules::Level::Warning);
    assert!(r
        .findings
        .iter()
        .all(|f| f.rule != "prefer-robust-statements"));
    o.overrides.push(data_rules::Override {
        rule: "dropping-table".into(),
        object: Some("public.old_t".into()),
        reason: "empty since 2023".into(),
    });
    let r = lint_files(&files, &o);
    let d = r
        .findings
        .iter()
        .find(|f| f.rule == "dropping-table")
        .unwrap();
    assert_eq!(d.level, data_rules::Level::Info);
    assert_eq!(d.overridden.as_deref(), Some("empty since 2023"));
    assert_eq!(r.overrides_applied.len(), 1);
    assert!(!r.has_errors(), "{:?}", r.findings);
}
