//! The deploy workflow end to end on the example project and a real server: automate, test,
//! promote, align, a second release, rollback; and the gates that stop a deployment.

mod support;

use data_exec::normalize_dump;
use support::cli::{run_data, RunOutput};
use support::db::{shared_cluster, ScratchDb};
use support::repo::TestRepo;

fn example(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .join("sql")
}

const PGTAP_TEST: &str = "BEGIN;\nSELECT plan(2);\nSELECT has_schema('app');\nSELECT has_table('app', 'projects', 'projects exist');\nSELECT * FROM finish();\nROLLBACK;\n";

struct Setup {
    repo: TestRepo,
    db: ScratchDb<'static>,
}

impl Setup {
    fn new(db: &str, url_var: &str, extra_config: &str) -> Setup {
        let mut repo = TestRepo::new();
        repo.copy_in(&example("supabase-app-v1"), "sql");
        std::fs::write(
            repo.path().join("data.toml"),
            format!("[environments.dev]\nurl_env = \"{url_var}\"\n{extra_config}"),
        )
        .unwrap();
        std::fs::write(repo.path().join(".gitignore"), ".data/\n").unwrap();
        std::fs::create_dir_all(repo.path().join("tests")).unwrap();
        std::fs::write(repo.path().join("tests/app.sql"), PGTAP_TEST).unwrap();
        repo.commit("release 1");
        let db = ScratchDb::create(shared_cluster(), db).unwrap();
        std::env::set_var(url_var, shared_cluster().url(db.name()));
        Setup { repo, db }
    }

    fn data(&self, args: &[&str]) -> RunOutput {
        self.repo.data(args)
    }

    fn ok(&self, args: &[&str]) -> String {
        self.repo.data_ok(args)
    }

    /// The schema without data's own ledger.
    fn dump(&self) -> String {
        dump_of(self.db.name())
    }

    fn ledger(&self) -> String {
        let out = std::process::Command::new(shared_cluster().bin_dir().program("psql"))
            .args(["-X", "-q", "-t", "-A", "-d", &shared_cluster().url(self.db.name()), "-c"])
            .arg("SELECT status || ' ' || steps_done || '/' || steps_total || ' ' || coalesce(tag, '-') FROM data_ledger.deployments ORDER BY id")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// The schema a fresh database gets from the golden SQL of `example`.
fn built_from(example_name: &str, db: &str) -> String {
    let cluster = shared_cluster();
    let scratch = ScratchDb::create(cluster, db).unwrap();
    let dir = example(example_name);
    let out = run_data(["compile", dir.parent().unwrap().to_str().unwrap()]).unwrap();
    assert!(out.success(), "{}", out.stderr);
    cluster.psql_sql(scratch.name(), &out.stdout).unwrap();
    dump_of(scratch.name())
}

fn dump_of(db: &str) -> String {
    let url = shared_cluster().url(db);
    normalize_dump(
        &data_exec::Database::new(url)
            .unwrap()
            .dump_schema()
            .unwrap(),
    )
}

/// Fails with the first differing lines only.
fn assert_same(actual: String, expected: String) {
    if actual != expected {
        panic!(
            "{}",
            support::textdiff::first_differences(&expected, &actual, 20)
        );
    }
}

#[test]
fn automate_test_promote_align_then_rollback() {
    let mut s = Setup::new("deploy_cycle", "DATA_TEST_DEPLOY_CYCLE_URL", "");
    let automated = s.ok(&["automate", "dev"]);
    assert!(automated.contains("wrote"), "{automated}");
    // The same repository state writes the same files.
    assert_eq!(s.ok(&["automate", "dev"]), automated);

    let blocked = s.data(&["align", "dev"]);
    assert_eq!(blocked.status.and_then(|c| c.code()), Some(1));
    assert!(
        blocked.stderr.contains("was never tested"),
        "{}",
        blocked.stderr
    );
    assert!(s
        .ok(&["test", "dev"])
        .contains("PASSED: 2 test(s), 0 failure(s)"));
    s.ok(&["promote", "dev"]);
    let deployed = s.ok(&["align", "dev"]);
    assert!(deployed.contains("recorded as data/dev/"), "{deployed}");
    assert_same(s.dump(), built_from("supabase-app-v1", "deploy_cycle_v1"));
    let ledger = s.ledger();
    assert!(ledger.starts_with("succeeded 95/95 data/dev/"), "{ledger}");
    assert!(s.ok(&["drift", "dev"]).contains("no drift"));

    s.repo.copy_in(&example("supabase-app"), "sql");
    s.repo.commit("release 2");
    s.ok(&[
        "test",
        "dev",
        "--junit",
        s.repo.path().join(".data/junit.xml").to_str().unwrap(),
    ]);
    s.ok(&["promote", "dev"]);
    // Release 2 renames and drops: the Prime Directive stops it until each is accepted.
    let stopped = s.data(&["align", "dev"]);
    assert_eq!(stopped.status.and_then(|c| c.code()), Some(1));
    assert!(
        stopped.stderr.contains("BLOCKED  prime directive"),
        "{}",
        stopped.stderr
    );
    assert!(
        stopped.stderr.contains("renaming-table on app.org_members"),
        "{}",
        stopped.stderr
    );
    // The gate's hint names the flags align takes.
    assert!(
        stopped
            .stderr
            .contains("pass --override RULE[=OBJECT] --reason \"...\""),
        "{}",
        stopped.stderr
    );
    let no_reason = s.data(&["align", "dev", "--override", "renaming-table"]);
    assert_eq!(no_reason.status.and_then(|c| c.code()), Some(2));
    assert!(
        no_reason
            .stderr
            .contains("needs a written reason (--reason"),
        "{}",
        no_reason.stderr
    );
    s.ok(&[
        "align",
        "dev",
        "--override",
        "renaming-table",
        "--override",
        "renaming-column",
        "--override",
        "dropping-column",
        "--reason",
        "release 2 ships with the app version that uses the new names",
    ]);
    let audit = std::fs::read_to_string(s.repo.path().join(".data/audit.jsonl")).unwrap();
    assert_eq!(audit.lines().count(), 3, "{audit}");
    assert_same(s.dump(), built_from("supabase-app", "deploy_cycle_v2"));

    // `--override-reason` (the flag's name before it became `--reason`) still works.
    let rolled = s.data(&[
        "rollback",
        "dev",
        "--override",
        "renaming-table",
        "--override",
        "renaming-column",
        "--override",
        "dropping-column",
        "--override",
        "dropping-table",
        "--override",
        "column-type-change-rewrites",
        "--override",
        "enum-value-removed",
        "--override-reason",
        "rolling release 2 back",
    ]);
    assert!(rolled.success(), "{}\n{}", rolled.stdout, rolled.stderr);
    assert!(rolled.stderr.contains("data loss:"), "{}", rolled.stderr);
    assert_same(s.dump(), built_from("supabase-app-v1", "deploy_cycle_v1b"));
    let history = s.ok(&["history", "dev", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&history).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(list[0]["note"]
        .as_str()
        .unwrap()
        .starts_with("rollback from data/dev/"));
    assert_eq!(s.ledger().lines().count(), 3);
    assert!(s.ok(&["audit", "verify", "dev"]).contains("chain intact"));
}

#[test]
fn gates_stop_a_deployment_before_it_touches_the_database() {
    let s = Setup::new(
        "deploy_gates",
        "DATA_TEST_DEPLOY_GATES_URL",
        "[environments.prod]\nurl_env = \"DATA_TEST_DEPLOY_GATES_URL\"\nprotected = true\nbranch = \"main\"\n",
    );
    // Deploy windows depend on the clock: this test must not fail on Friday afternoons.
    std::fs::write(
        s.repo.path().join(".data-prime-directive.yml"),
        "environments:\n  prod:\n    no_migrations_on_friday_after_3pm: false\n",
    )
    .unwrap();
    s.repo.git(&["add", "-A"]);
    s.repo.git(&["commit", "-q", "-m", "rules"]);
    let before = s.dump();
    // A dirty working tree.
    std::fs::write(
        s.repo.path().join("sql/tables/scratch.sql"),
        "CREATE TABLE scratch (id int);\n",
    )
    .unwrap();
    let dirty = s.data(&["align", "prod", "--yes"]);
    assert_eq!(dirty.status.and_then(|c| c.code()), Some(1));
    assert!(
        dirty
            .stderr
            .contains("BLOCKED  clean working tree: 1 uncommitted file"),
        "{}",
        dirty.stderr
    );
    assert!(
        dirty.stderr.contains("--yes is refused for protected prod"),
        "{}",
        dirty.stderr
    );
    assert!(
        dirty.stderr.contains("nothing was changed"),
        "{}",
        dirty.stderr
    );
    std::fs::remove_file(s.repo.path().join("sql/tables/scratch.sql")).unwrap();
    assert_eq!(s.dump(), before);
    // A dry run shows the plan and the gates, and changes nothing.
    let dry = s.data(&["align", "prod", "--dry-run"]);
    assert_eq!(dry.status.and_then(|c| c.code()), Some(1));
    assert!(
        dry.stdout.contains("-- data migration plan"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stderr.contains("dry run: nothing was changed"),
        "{}",
        dry.stderr
    );
    assert_eq!(s.dump(), before);
    // A non-interactive run of a protected environment needs a reason.
    let no_reason = s.data(&["align", "prod", "--ci"]);
    assert_eq!(no_reason.status.and_then(|c| c.code()), Some(2));
    s.ok(&["test", "prod"]);
    s.ok(&["promote", "prod"]);
    // Production needs two approvals of exactly this plan.
    let unapproved = s.data(&["align", "prod", "--ci", "--reason", "release train 42"]);
    assert!(
        unapproved.stderr.contains("0 of 2 approvals"),
        "{}",
        unapproved.stderr
    );
    s.ok(&[
        "approve",
        "--env",
        "prod",
        "--name",
        "Ada",
        "--reason",
        "reviewed in PR 7",
    ]);
    s.ok(&[
        "approve",
        "--env",
        "prod",
        "--name",
        "Linus",
        "--reason",
        "reviewed in PR 7",
    ]);
    let ci = s.ok(&["align", "prod", "--ci", "--reason", "release train 42"]);
    assert!(ci.contains("recorded as data/prod/"), "{ci}");
    let record: serde_json::Value =
        serde_json::from_str(&s.ok(&["history", "prod", "--format", "json"])).unwrap();
    assert_eq!(record[0]["overrides"][0]["reason"], "release train 42");
}

#[test]
fn a_failing_statement_leaves_the_schema_and_records_the_failure() {
    let mut s = Setup::new("deploy_fail", "DATA_TEST_DEPLOY_FAIL_URL", "");
    s.ok(&["test", "dev"]);
    s.ok(&["promote", "dev"]);
    s.ok(&["align", "dev"]);
    std::fs::write(
        s.repo.path().join("sql/tables/zz_extra.sql"),
        "CREATE TABLE app.extra_one (id int);\nCREATE TABLE app.extra_two (id int);\n",
    )
    .unwrap();
    s.repo.commit("two tables");
    s.ok(&["test", "dev"]);
    s.ok(&["promote", "dev"]);
    // Someone creates the second table by hand: the plan's second statement will fail.
    shared_cluster()
        .psql_sql(s.db.name(), "CREATE TABLE app.extra_two (id int);")
        .unwrap();
    let before = s.dump();
    let drifted = s.data(&["align", "dev"]);
    assert_eq!(drifted.status.and_then(|c| c.code()), Some(1));
    assert!(
        drifted.stderr.contains("BLOCKED  no drift"),
        "{}",
        drifted.stderr
    );
    let failed = s.data(&["align", "dev", "--accept-drift", "testing the failure path"]);
    assert_eq!(failed.status.and_then(|c| c.code()), Some(1));
    assert!(
        failed.stderr.contains("already exists"),
        "{}",
        failed.stderr
    );
    assert!(
        failed
            .stderr
            .contains("the failed attempt is recorded as data/dev/"),
        "{}",
        failed.stderr
    );
    assert_eq!(s.dump(), before);
    let ledger = s.ledger();
    assert!(
        ledger
            .lines()
            .last()
            .unwrap()
            .starts_with("failed 0/2 data/dev/"),
        "{ledger}"
    );
    let history: serde_json::Value =
        serde_json::from_str(&s.ok(&["history", "dev", "--format", "json"])).unwrap();
    assert_eq!(history[0]["outcome"], "failed");
}

#[test]
fn two_concurrent_aligns_never_both_apply() {
    let s = Setup::new("deploy_race", "DATA_TEST_DEPLOY_RACE_URL", "");
    s.ok(&["test", "dev"]);
    s.ok(&["promote", "dev"]);
    let dir = s.repo.path().to_str().unwrap().to_string();
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || run_data(["-C", dir.as_str(), "align", "dev"]).unwrap())
        })
        .collect();
    let results: Vec<RunOutput> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    let applied = results
        .iter()
        .filter(|r| r.stdout.contains("recorded as data/dev/"))
        .count();
    assert_eq!(applied, 1, "{results:?}");
    for r in &results {
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    assert_eq!(
        s.ledger()
            .lines()
            .filter(|l| l.starts_with("succeeded"))
            .count(),
        1
    );
    assert_same(s.dump(), built_from("supabase-app-v1", "deploy_race_v1"));
}

/// Stops a local server when the test ends, passed or failed.
struct StopServer<'a>(&'a std::path::Path);

impl Drop for StopServer<'_> {
    fn drop(&mut self) {
        let _ = run_data(["-C", self.0.to_str().unwrap(), "server", "stop", "dev"]);
    }
}

#[test]
fn a_local_environment_runs_on_a_server_data_starts_itself() {
    let mut repo = TestRepo::new();
    repo.copy_in(&example("supabase-app"), "sql");
    std::fs::write(
        repo.path().join("data.toml"),
        "[environments.dev]\nlocal = true\n",
    )
    .unwrap();
    std::fs::write(repo.path().join(".gitignore"), ".data/\n").unwrap();
    repo.commit("example");
    let _stop = StopServer(repo.path());
    let dir = repo.path().to_str().unwrap();
    let ok = |args: &[&str]| {
        let mut all = vec!["-C", dir];
        all.extend_from_slice(args);
        let out = run_data(all).unwrap();
        assert!(out.success(), "{args:?}: {}\n{}", out.stdout, out.stderr);
        out.stdout
    };
    assert!(ok(&["server", "status"]).contains("dev: stopped"));
    ok(&["test", "dev"]);
    ok(&["promote", "dev"]);
    assert!(ok(&["align", "dev"]).contains("recorded as data/dev/"));
    let status = ok(&["server", "status"]);
    assert!(
        status.contains("dev: running at postgres://postgres@"),
        "{status}"
    );
    assert!(ok(&["drift", "dev"]).contains("no drift"));
    assert!(ok(&["server", "stop", "dev"]).contains("dev: stopped"));
}
