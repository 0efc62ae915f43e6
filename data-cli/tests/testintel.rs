//! Database test intelligence end to end: scaffolded pgTAP tests pass on the example project on
//! a throwaway server, coverage JSON moves with the test files, filters and test functions, and
//! the strict coverage gate blocks `promote` and `align` until a reason is given, which the
//! audit log records.

mod support;

use support::cli::RunOutput;
use support::db::{shared_cluster, ScratchDb};
use support::repo::TestRepo;

/// The example project (golden SQL and tests) in a fresh git repository, with a `dev`
/// environment (test and promote use a throwaway server; only `align` reaches its database).
fn example_repo(extra_config: &str) -> TestRepo {
    let mut repo = TestRepo::new();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/supabase-app");
    repo.copy_in(&example.join("sql"), "sql");
    repo.copy_in(&example.join("tests"), "tests");
    std::fs::write(
        repo.path().join("data.toml"),
        format!("[environments.dev]\nurl_env = \"DATA_TEST_TESTINTEL_URL\"\n{extra_config}"),
    )
    .unwrap();
    std::fs::write(repo.path().join(".gitignore"), ".data/\n").unwrap();
    repo.commit("the example project");
    repo
}

fn data(repo: &TestRepo, args: &[&str]) -> RunOutput {
    repo.data(args)
}

fn ok(repo: &TestRepo, args: &[&str]) -> String {
    repo.data_ok(args)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn scaffolded_tests_pass_on_the_example_project() {
    let mut repo = example_repo("");
    let before = json(&ok(&repo, &["test", "required", "--format", "json"]));
    let missing = before["missing"].as_u64().unwrap();
    assert!(missing > 100, "{before}");
    let out = ok(&repo, &["test", "scaffold"]);
    assert!(
        out.contains("wrote tests/scaffold/table_app_tasks.sql"),
        "{out}"
    );
    // Every required test is now present, and a second scaffold writes nothing.
    let after = json(&ok(
        &repo,
        &["test", "required", "--format", "json", "--check"],
    ));
    assert_eq!(after["missing"], 0, "{after}");
    assert!(ok(&repo, &["test", "scaffold"]).contains("nothing to scaffold"));
    repo.commit("scaffolded tests");
    let out = data(&repo, &["test", "dev"]);
    assert!(out.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("ok     tests/scaffold/table_app_tasks.sql"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("FAILED"), "{}", out.stdout);
    // Behaviour blocks switch roles.
    let tasks =
        std::fs::read_to_string(repo.path().join("tests/scaffold/table_app_tasks.sql")).unwrap();
    for role in ["anon", "authenticated", "service_role"] {
        assert!(
            tasks.contains(&format!("SET LOCAL ROLE {role};")),
            "{tasks}"
        );
    }
}

#[test]
fn coverage_json_follows_the_test_files() {
    let repo = example_repo("");
    let base = json(&ok(&repo, &["test", "coverage", "--format", "json"]));
    // tests/schema.sql, counted by hand: tables memberships (has_table, hasnt_table names a
    // gone one), tasks (fk_ok), milestones (policies_are); columns tasks.assignee_id,
    // profiles.locale, projects.name, tasks.milestone_id; type task_status; policies
    // milestones_select, milestones_write.
    assert_eq!(base["kinds"]["tables"]["covered"], 3, "{}", base["kinds"]);
    assert_eq!(base["kinds"]["columns"]["covered"], 4);
    assert_eq!(base["kinds"]["types"]["covered"], 1);
    assert_eq!(base["kinds"]["policies"]["covered"], 2);
    assert_eq!(base["kinds"]["functions"]["covered"], 0);
    std::fs::write(
        repo.path().join("tests/extra.sql"),
        "BEGIN;\nSELECT plan(3);\nSELECT has_function('app', 'create_organization');\n\
         SELECT has_index('app', 'tasks', 'tasks_search_idx', 'search index');\n\
         SELECT col_not_null('app', 'tasks', 'title');\nSELECT * FROM finish();\nROLLBACK;\n",
    )
    .unwrap();
    let more = json(&ok(&repo, &["test", "coverage", "--format", "json"]));
    std::fs::remove_file(repo.path().join("tests/extra.sql")).unwrap();
    let again = json(&ok(&repo, &["test", "coverage", "--format", "json"]));
    assert_eq!(again, base);
    let mut changed = Vec::new();
    for kind in [
        "tables",
        "columns",
        "functions",
        "policies",
        "triggers",
        "indexes",
        "views",
        "types",
    ] {
        let (b, m) = (&base["kinds"][kind], &more["kinds"][kind]);
        assert_eq!(b["total"], m["total"]);
        let d = m["covered"].as_u64().unwrap() - b["covered"].as_u64().unwrap();
        if d > 0 {
            changed.push((kind, d));
        }
    }
    assert_eq!(
        changed,
        vec![("columns", 1), ("functions", 1), ("indexes", 1)]
    );
    let covered_by_extra: Vec<String> = more["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| {
            o["files"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "tests/extra.sql")
        })
        .map(|o| {
            format!(
                "{} {}",
                o["kind"].as_str().unwrap(),
                o["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        covered_by_extra,
        vec![
            "column app.tasks.title",
            "function app.create_organization",
            "index app.tasks_search_idx"
        ]
    );
    let md = ok(&repo, &["test", "coverage", "--format", "markdown"]);
    assert!(md.starts_with("### Database test coverage"), "{md}");
    let html = ok(&repo, &["test", "coverage", "--format", "html"]);
    assert!(
        html.contains("<table>") && !html.contains("<script"),
        "{html}"
    );
}

#[test]
fn strict_gate_blocks_promote_until_a_reason_is_audited() {
    let mut repo = example_repo("\n[testing]\nlevel = \"strict\"\n");
    let db = ScratchDb::create(shared_cluster(), "testintel_gate").unwrap();
    std::env::set_var("DATA_TEST_TESTINTEL_URL", shared_cluster().url(db.name()));
    ok(&repo, &["test", "scaffold"]);
    repo.commit("tests for everything");
    ok(&repo, &["test", "dev"]);
    ok(&repo, &["promote", "dev"]);
    // A new policy without a test, on a table that had none (so no `policies_are` fails).
    repo.golden(
        "policies/audit_log.sql",
        "create policy audit_log_read on private.audit_log for select using (false);\n",
    );
    repo.commit("a policy without tests");
    ok(&repo, &["test", "dev"]);
    let refused = data(&repo, &["promote", "dev"]);
    assert!(!refused.success());
    assert!(
        refused
            .stderr
            .contains("policy private.audit_log.audit_log_read: command [critical]"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--reason"), "{}", refused.stderr);
    let blocked = data(&repo, &["align", "dev", "--dry-run"]);
    assert!(
        blocked
            .stderr
            .contains("BLOCKED  test coverage: 6 missing required test(s) block at level strict"),
        "{}",
        blocked.stderr
    );
    let out = ok(
        &repo,
        &["promote", "dev", "--reason", "hotfix, tests follow in #42"],
    );
    assert!(out.contains("coverage gate was overridden"), "{out}");
    let through = data(&repo, &["align", "dev", "--dry-run"]);
    assert!(through.success(), "{}", through.stderr);
    assert!(
        through.stderr.contains("accepted test coverage")
            && through
                .stderr
                .contains("reason: hotfix, tests follow in #42"),
        "{}",
        through.stderr
    );
    let audit = std::fs::read_to_string(repo.path().join(".data/audit.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = audit.lines().map(json).collect();
    assert!(lines.iter().any(|l| l["rule"] == "test-coverage"
        && l["object"] == "policy private.audit_log.audit_log_read: command"
        && l["reason"] == "hotfix, tests follow in #42"
        && l["environment"] == "dev"));
}

#[test]
fn test_functions_and_filters() {
    let mut repo = example_repo("");
    std::fs::create_dir_all(repo.path().join("tests/labels")).unwrap();
    std::fs::write(
        repo.path().join("tests/labels/functions.sql"),
        "CREATE SCHEMA IF NOT EXISTS test;\n\
         CREATE OR REPLACE FUNCTION test.run_labels_tests() RETURNS SETOF text LANGUAGE plpgsql AS $$\n\
         BEGIN\n    RETURN NEXT has_table('app', 'labels', 'labels exist');\n\
         RETURN NEXT col_not_null('app', 'labels', 'name', 'labels have names');\nEND\n$$;\n",
    )
    .unwrap();
    repo.commit("a test function");
    // The function's assertions count for coverage.
    let c = json(&ok(&repo, &["test", "coverage", "--format", "json"]));
    let by_fn: Vec<&str> = c["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| {
            o["files"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "tests/labels/functions.sql")
        })
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(by_fn, vec!["app.labels", "app.labels.name"]);
    let all = ok(&repo, &["test", "dev"]);
    assert!(
        all.contains("ok     test.run_labels_tests() (2 test(s))"),
        "{all}"
    );
    assert!(all.contains("ok     tests/schema.sql (8 test(s))"), "{all}");
    assert!(all.contains("result recorded for this plan"), "{all}");
    let suite = ok(&repo, &["test", "dev", "--suite", "labels"]);
    assert!(
        suite.contains("test.run_labels_tests()") && !suite.contains("tests/schema.sql"),
        "{suite}"
    );
    assert!(suite.contains("filtered run, not recorded"), "{suite}");
    let named = json(&ok(
        &repo,
        &["test", "dev", "--name", "locale", "--format", "json"],
    ));
    assert_eq!(named["tests"], 1, "{named}");
    assert_eq!(
        named["files"][0]["tests"][0]["description"],
        "every profile has a locale"
    );
    let md = ok(
        &repo,
        &["test", "dev", "--file", "schema", "--format", "markdown"],
    );
    assert!(md.contains("| ✅ `tests/schema.sql` | 8 | 0 |"), "{md}");
}

#[test]
fn grants_get_privilege_tests_that_pass() {
    // pg_monitor exists on every server, so the GRANT applies on the throwaway one.
    let mut repo = TestRepo::new();
    std::fs::write(
        repo.path().join("data.toml"),
        "managed_roles = [\"pg_monitor\"]\n[environments.dev]\nurl_env = \"DATA_TEST_TESTINTEL_URL\"\n",
    )
    .unwrap();
    std::fs::write(repo.path().join(".gitignore"), ".data/\n").unwrap();
    repo.golden(
        "tables/t.sql",
        "create schema app;\ncreate table app.t (id int primary key);\ngrant select, insert on app.t to pg_monitor;\n",
    );
    repo.commit("a table with a grant");
    let required = ok(&repo, &["test", "required"]);
    assert!(
        required.contains("MISSING  critical table app.t: privileges as pg_monitor"),
        "{required}"
    );
    ok(&repo, &["test", "scaffold"]);
    let file = std::fs::read_to_string(repo.path().join("tests/scaffold/table_app_t.sql")).unwrap();
    assert!(
        file.contains(
            "table_privs_are('app', 't', 'pg_monitor', ARRAY['INSERT', 'SELECT']::name[]"
        ),
        "{file}"
    );
    repo.commit("scaffolded");
    let run = ok(&repo, &["test", "dev"]);
    assert!(run.contains("PASSED: 6 test(s), 0 failure(s)"), "{run}");
}
