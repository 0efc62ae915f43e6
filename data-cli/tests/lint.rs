//! `data rules`, `data lint` and `data approve` as a user runs them: the catalogue, exit codes
//! for migration files and golden changes, suggestions, SARIF, overrides and their audit
//! record, config errors. No PostgreSQL needed.

mod support;

use std::path::{Path, PathBuf};
use support::cli::{run_data, scratch_dir};

fn code(out: &support::cli::RunOutput) -> Option<i32> {
    out.status.and_then(|s| s.code())
}

/// A fresh scratch folder with `files` written into it.
fn project(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch_dir(&["lint", test]);
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().expect("because every file has a folder"))
            .expect("writable");
        std::fs::write(&p, text).expect("writable");
    }
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("because git is installed")
        .status
        .success();
    assert!(ok, "git {args:?} failed");
}

/// A git project whose committed golden SQL has `orders`; the working tree then gets `after`.
fn golden_project(test: &str, after: &str) -> PathBuf {
    let dir = project(
        test,
        &[("sql/tables/orders.sql", "CREATE TABLE public.orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL\n);\n")],
    );
    git(&dir, &["init", "-q"]);
    git(&dir, &["config", "user.name", "Lint Tester"]);
    git(&dir, &["config", "user.email", "lint@example.invalid"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "base"]);
    std::fs::write(dir.join("sql/tables/orders.sql"), after).expect("writable");
    dir
}

#[test]
fn rules_lists_the_catalogue_and_explains_one() {
    let out = run_data(["rules"]).expect("runs");
    assert_eq!(code(&out), Some(0), "{}", out.stderr);
    let rules = out.stdout.lines().filter(|l| l.starts_with("  ")).count();
    assert!(rules >= 45, "only {rules} rules:\n{}", out.stdout);
    let out = run_data(["rules", "explain", "require-concurrent-index-creation"]).expect("runs");
    assert_eq!(code(&out), Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains("Bad:") && out.stdout.contains("Good:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("CREATE INDEX CONCURRENTLY"),
        "{}",
        out.stdout
    );
    let out = run_data(["rules", "explain", "no-such-rule"]).expect("runs");
    assert_eq!(code(&out), Some(2));
}

#[test]
fn create_index_in_a_migration_file_fails_naming_the_rule() {
    let dir = project("file-index", &[("001.sql", "CREATE INDEX i ON t (c);\n")]);
    let out = run_data(["lint", &dir.join("001.sql").display().to_string()]).expect("runs");
    assert_eq!(code(&out), Some(1), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("require-concurrent-index-creation"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("001.sql"), "{}", out.stdout);
    let dir = project("file-index-ok", &[("001.sql", "SET lock_timeout = '5s';\nSET statement_timeout = '60s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\n")]);
    let out = run_data(["lint", &dir.display().to_string()]).expect("runs");
    assert_eq!(code(&out), Some(0), "{}{}", out.stdout, out.stderr);
}

#[test]
fn golden_change_adding_an_index_fails_and_deleted_at_gets_a_suggestion() {
    let dir = golden_project(
        "golden-index",
        "CREATE TABLE public.orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL,\n  deleted_at timestamptz\n);\nCREATE INDEX orders_customer_idx ON public.orders (customer_id);\n",
    );
    let d = dir.display().to_string();
    let out = run_data(["-C", &d, "lint"]).expect("runs");
    assert_eq!(code(&out), Some(1), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("require-concurrent-index-creation"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("CONCURRENTLY outside the transaction"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Suggestions"), "{}", out.stdout);
    assert!(out.stdout.contains("[soft-delete]"), "{}", out.stdout);
    assert!(
        out.stdout.contains("WHERE deleted_at IS NULL"),
        "{}",
        out.stdout
    );
    let out = run_data(["-C", &d, "lint", "--format", "json"]).expect("runs");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert!(v["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "soft-delete"));
}

#[test]
fn golden_change_adding_only_deleted_at_passes() {
    let dir = golden_project(
        "golden-soft",
        "CREATE TABLE public.orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL,\n  deleted_at timestamptz\n);\n",
    );
    let out = run_data(["-C", &dir.display().to_string(), "lint"]).expect("runs");
    assert_eq!(code(&out), Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("[soft-delete]"), "{}", out.stdout);
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let dir = project("sarif", &[("001.sql", "CREATE INDEX i ON t (c);\n")]);
    let out = run_data([
        "lint",
        "--format",
        "sarif",
        &dir.join("001.sql").display().to_string(),
    ])
    .expect("runs");
    assert_eq!(code(&out), Some(1));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["tool"]["driver"]["name"], "data");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "require-concurrent-index-creation" && r["level"] == "error"));
}

#[test]
fn override_needs_a_reason_and_is_audited() {
    let dir = project("override", &[("001.sql", "CREATE INDEX i ON t (c);\n")]);
    let file = dir.join("001.sql").display().to_string();
    let d = dir.display().to_string();
    let out = run_data([
        "-C",
        &d,
        "lint",
        &file,
        "--override",
        "require-concurrent-index-creation",
    ])
    .expect("runs");
    assert_eq!(code(&out), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("reason"), "{}", out.stderr);
    assert!(!dir.join(".data/audit.jsonl").exists());
    let out = run_data([
        "-C",
        &d,
        "lint",
        &file,
        "--override",
        "require-concurrent-index-creation",
        "--reason",
        "t has 40 rows",
        "--as",
        "Ann",
    ])
    .expect("runs");
    assert_eq!(code(&out), Some(0), "{}{}", out.stdout, out.stderr);
    let audit = std::fs::read_to_string(dir.join(".data/audit.jsonl")).expect("audit written");
    let rec: serde_json::Value = serde_json::from_str(audit.lines().next().unwrap()).unwrap();
    assert_eq!(rec["rule"], "require-concurrent-index-creation");
    assert_eq!(rec["reason"], "t has 40 rows");
    assert_eq!(rec["who"], "Ann");
    assert_eq!(rec["object"], "public.i");
    assert!(rec["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(rec["plan"].as_str().unwrap().len(), 64);
}

#[test]
fn lint_and_align_read_overrides_with_one_parser() {
    let dir = project(
        "override-parser",
        &[("001.sql", "CREATE INDEX i ON t (c);\n")],
    );
    let file = dir.join("001.sql").display().to_string();
    let d = dir.display().to_string();
    let lint = |extra: &[&str]| {
        let mut args = vec!["-C", &d, "lint", &file];
        args.extend_from_slice(extra);
        run_data(args).expect("runs")
    };
    let align = |extra: &[&str]| {
        let mut args = vec!["-C", &d, "align", "dev"];
        args.extend_from_slice(extra);
        run_data(args).expect("runs")
    };
    // An unknown rule is a usage error, with or without an object, for both commands.
    for out in [
        lint(&["--override", "no-such-rule", "--reason", "why"]),
        lint(&["--override", "no-such-rule=public.t", "--reason", "why"]),
        align(&["--override", "no-such-rule", "--reason", "why"]),
    ] {
        assert_eq!(code(&out), Some(2), "{}", out.stderr);
        assert!(
            out.stderr.contains("unknown rule `no-such-rule`"),
            "{}",
            out.stderr
        );
    }
    // So is an override without a written reason; both commands name --reason.
    for out in [
        lint(&["--override", "renaming-table"]),
        lint(&["--override", "renaming-table", "--reason", "  "]),
        align(&["--override", "renaming-table"]),
    ] {
        assert_eq!(code(&out), Some(2), "{}", out.stderr);
        assert!(
            out.stderr
                .contains("override of `renaming-table` refused: an override needs a written reason (--reason"),
            "{}",
            out.stderr
        );
    }
    // align still takes --override-reason (hidden): parsing passes, and the run stops later
    // because this folder is no git repository.
    let out = align(&["--override", "renaming-table", "--override-reason", "why"]);
    assert_eq!(code(&out), Some(1), "{}", out.stderr);
    assert!(!out.stderr.contains("reason"), "{}", out.stderr);
    let help = run_data(["align", "--help"]).expect("runs");
    assert!(help.stdout.contains("--reason"), "{}", help.stdout);
    assert!(
        !help.stdout.contains("--override-reason"),
        "{}",
        help.stdout
    );
    // Malformed row estimates are usage errors too.
    let out = lint(&["--rows", "t"]);
    assert_eq!(code(&out), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("TABLE=ROWS"), "{}", out.stderr);
    assert!(!dir.join(".data/audit.jsonl").exists());
}

#[test]
fn the_operator_comes_from_git_config() {
    let dir = golden_project(
        "operator",
        "CREATE TABLE public.orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL\n);\nCREATE INDEX orders_customer_idx ON public.orders (customer_id);\n",
    );
    let out = run_data([
        "-C",
        &dir.display().to_string(),
        "lint",
        "--override",
        "require-concurrent-index-creation=public.orders_customer_idx",
        "--reason",
        "orders is empty",
    ])
    .expect("runs");
    assert_eq!(code(&out), Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("recorded 1 override(s)"),
        "{}",
        out.stderr
    );
    let audit = std::fs::read_to_string(dir.join(".data/audit.jsonl")).expect("audit written");
    let rec: serde_json::Value = serde_json::from_str(audit.lines().next().unwrap()).unwrap();
    assert_eq!(rec["who"], "Lint Tester <lint@example.invalid>");
    assert_eq!(rec["object"], "public.orders_customer_idx");
    assert_eq!(rec["reason"], "orders is empty");
}

#[test]
fn config_errors_name_the_line() {
    let dir = project(
        "config",
        &[
            (
                ".data-prime-directive.yml",
                "lock_timeout: 5s\nrules:\n  prefer-timestamptz: loud\n",
            ),
            ("001.sql", "SELECT 1;\n"),
        ],
    );
    let out = run_data([
        "-C",
        &dir.display().to_string(),
        "lint",
        &dir.join("001.sql").display().to_string(),
    ])
    .expect("runs");
    assert_eq!(code(&out), Some(1));
    assert!(
        out.stderr.contains(".data-prime-directive.yml:3:"),
        "{}",
        out.stderr
    );
}

#[test]
fn approvals_satisfy_the_production_gate() {
    let dir = golden_project(
        "approve",
        "CREATE TABLE public.orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL,\n  note text\n);\n",
    );
    std::fs::write(
        dir.join(".data-prime-directive.yml"),
        "lock_timeout: 5s\nstatement_timeout: 60s\nno_migrations_on_friday_after_3pm: false\n",
    )
    .unwrap();
    let d = dir.display().to_string();
    let out = run_data(["-C", &d, "lint", "--env", "production"]).expect("runs");
    assert_eq!(code(&out), Some(1), "{}", out.stdout);
    assert!(
        out.stdout.contains("require-two-approvals-for-production"),
        "{}",
        out.stdout
    );
    for name in ["Ann", "Bob"] {
        let out =
            run_data(["-C", &d, "approve", "--name", name, "--reason", "reviewed"]).expect("runs");
        assert_eq!(code(&out), Some(0), "{}", out.stderr);
    }
    let out = run_data(["-C", &d, "lint", "--env", "production"]).expect("runs");
    assert_eq!(code(&out), Some(0), "{}{}", out.stdout, out.stderr);
}
