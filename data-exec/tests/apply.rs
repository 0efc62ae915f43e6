//! Applying plans on a real throwaway server: the ledger row commits with the DDL, a failing
//! statement leaves the schema as it was with a failed row, non-transactional steps are
//! checkpointed and resumed, and the per-environment advisory lock keeps deployments apart.

use data_exec::{lock_key, normalize_dump, ApplyRequest, Database, Error, Step, TempCluster};
use std::sync::OnceLock;
use std::time::Duration;

fn cluster() -> &'static TempCluster {
    static CLUSTER: OnceLock<TempCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| TempCluster::start().expect("a throwaway PostgreSQL cluster"))
}

fn step(label: &str, sql: &str, transactional: bool) -> Step {
    Step {
        label: label.to_string(),
        statements: vec![sql.to_string()],
        transactional,
        group: if transactional { 1 } else { 2 },
    }
}

fn request(env: &str, steps: Vec<Step>) -> ApplyRequest {
    ApplyRequest {
        environment: env.to_string(),
        from_commit: None,
        to_commit: "c0ffee".into(),
        plan_hash: format!("plan-{}", steps.len()),
        operator: "Tester <t@example.com>".into(),
        tool_version: "0.1.0".into(),
        steps,
        lock_timeout: Some("2s".into()),
        statement_timeout: Some("30s".into()),
        lock_wait: Duration::from_millis(300),
    }
}

/// The schema without the ledger itself.
fn dump(db: &str) -> String {
    normalize_dump(
        &Database::new(cluster().url(db))
            .unwrap()
            .dump_schema()
            .unwrap(),
    )
}

#[test]
fn steps_apply_with_their_ledger_row() {
    let url = cluster().create_database("apply_ok").unwrap();
    let db = Database::new(&url).unwrap();
    let report = db
        .apply(&request(
            "dev",
            vec![
                step(
                    "create table t",
                    "CREATE TABLE t (id int PRIMARY KEY, c int)",
                    true,
                ),
                step(
                    "create index t_c_idx",
                    "CREATE INDEX CONCURRENTLY t_c_idx ON t (c)",
                    false,
                ),
                step("comment", "COMMENT ON TABLE t IS 'x'", true),
            ],
        ))
        .unwrap();
    assert_eq!(report.steps_done, 3);
    assert_eq!(report.resumed_from, 0);
    let rows = db.ledger("dev").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "succeeded");
    assert_eq!(rows[0].steps_done, 3);
    assert!(dump("apply_ok").contains("CREATE INDEX t_c_idx"));
    db.set_tag(report.ledger_id, "data/dev/2026.331.000000")
        .unwrap();
    assert_eq!(
        db.ledger("dev").unwrap()[0].tag.as_deref(),
        Some("data/dev/2026.331.000000")
    );
    assert!(db.ledger("prod").unwrap().is_empty());
}

#[test]
fn a_failing_second_statement_changes_nothing_and_is_recorded() {
    let url = cluster().create_database("apply_fail").unwrap();
    let db = Database::new(&url).unwrap();
    db.apply(&request(
        "dev",
        vec![step("base", "CREATE TABLE base (id int)", true)],
    ))
    .unwrap();
    let before = dump("apply_fail");
    let mut second = request(
        "dev",
        vec![
            step("create table a", "CREATE TABLE a (id int)", true),
            step(
                "alter missing",
                "ALTER TABLE missing ADD COLUMN x int",
                true,
            ),
        ],
    );
    second.from_commit = Some("c0ffee".into());
    let err = db.apply(&second).unwrap_err();
    match &err {
        Error::StepFailed {
            step,
            label,
            message,
            ledger_id,
        } => {
            assert_eq!(*step, 2);
            assert_eq!(label, "alter missing");
            assert!(
                message.contains("relation \"missing\" does not exist"),
                "{message}"
            );
            assert!(ledger_id.is_some());
        }
        other => panic!("unexpected error: {other}"),
    }
    assert_eq!(dump("apply_fail"), before);
    let rows = db.ledger("dev").unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].status, "failed");
    assert_eq!(rows[1].steps_done, 0);
    assert!(rows[1].error.as_deref().unwrap().contains("does not exist"));
}

#[test]
fn a_failed_lone_step_resumes_after_the_cause_is_fixed() {
    let url = cluster().create_database("apply_resume").unwrap();
    let db = Database::new(&url).unwrap();
    cluster()
        .execute_script(
            "apply_resume",
            "CREATE TABLE blocker (id int); CREATE INDEX r_idx ON blocker (id)",
        )
        .unwrap();
    let plan = request(
        "dev",
        vec![
            step("create table r", "CREATE TABLE r (id int, c int)", true),
            step(
                "create index r_idx",
                "CREATE INDEX CONCURRENTLY r_idx ON r (c)",
                false,
            ),
        ],
    );
    let err = db.apply(&plan).unwrap_err();
    assert!(matches!(err, Error::StepFailed { step: 2, .. }), "{err}");
    let rows = db.ledger("dev").unwrap();
    assert_eq!((rows[0].status.as_str(), rows[0].steps_done), ("failed", 1));
    cluster()
        .execute_script("apply_resume", "DROP TABLE blocker")
        .unwrap();
    let report = db.apply(&plan).unwrap();
    assert_eq!(report.resumed_from, 1);
    assert_eq!(report.steps_done, 2);
    let rows = db.ledger("dev").unwrap();
    assert_eq!(rows.len(), 1, "the same attempt was resumed");
    assert_eq!(rows[0].status, "succeeded");
}

#[test]
fn a_held_environment_lock_refuses_a_second_deployment() {
    let url = cluster().create_database("apply_lock").unwrap();
    let db = Database::new(&url).unwrap();
    let holder = std::process::Command::new(cluster().bin_dir().program("psql"))
        .args(["-X", "-q", "-d", &url, "-c"])
        .arg(format!(
            "SELECT pg_advisory_lock({}); SELECT pg_sleep(3)",
            lock_key("prod")
        ))
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let err = db
        .apply(&request(
            "prod",
            vec![step("t", "CREATE TABLE locked_out (id int)", true)],
        ))
        .unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "{err}");
    assert!(!dump("apply_lock").contains("locked_out"));
    // Another environment is not blocked.
    db.apply(&request(
        "dev",
        vec![step("t", "CREATE TABLE other_env (id int)", true)],
    ))
    .unwrap();
    let mut holder = holder;
    let _ = holder.wait();
    db.apply(&request(
        "prod",
        vec![step("t", "CREATE TABLE after_lock (id int)", true)],
    ))
    .unwrap();
}

#[test]
fn urls_are_shown_without_passwords() {
    let db = Database::new("postgres://app:hunter2@127.0.0.1:1/x").unwrap();
    assert_eq!(db.label(), "postgres://app:***@127.0.0.1:1/x");
    let err = db.apply(&request("dev", vec![])).unwrap_err().to_string();
    assert!(!err.contains("hunter2"), "{err}");
    assert!(!format!("{db:?}").contains("hunter2"));
}

#[test]
fn a_plan_made_before_another_deployment_finished_is_refused() {
    let url = cluster().create_database("apply_stale").unwrap();
    let db = Database::new(&url).unwrap();
    db.apply(&request(
        "dev",
        vec![step("a", "CREATE TABLE first_one (id int)", true)],
    ))
    .unwrap();
    // A second plan that still believes nothing is deployed.
    let err = db
        .apply(&request(
            "dev",
            vec![step("b", "CREATE TABLE second_one (id int)", true)],
        ))
        .unwrap_err();
    assert!(matches!(err, Error::Stale { .. }), "{err}");
    assert!(!dump("apply_stale").contains("second_one"));
}

#[test]
fn progress_is_reported_before_each_step() {
    let url = cluster().create_database("apply_progress").unwrap();
    let db = Database::new(&url).unwrap();
    let mut seen = Vec::new();
    db.apply_with_progress(
        &request(
            "dev",
            vec![
                step("one", "CREATE TABLE p1 (id int)", true),
                step("two", "CREATE INDEX CONCURRENTLY p1_idx ON p1 (id)", false),
            ],
        ),
        &mut |e| seen.push(format!("{}/{} {}", e.index + 1, e.total, e.label)),
    )
    .unwrap();
    assert_eq!(seen, vec!["1/2 one", "2/2 two"]);
}

#[test]
fn a_connection_killed_mid_apply_rolls_back_and_is_recorded() {
    let url = cluster().create_database("apply_killed").unwrap();
    let db = Database::new(&url).unwrap();
    let before = dump("apply_killed");
    let killer = {
        let psql = cluster().bin_dir().program("psql");
        let url = url.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(800));
            std::process::Command::new(psql)
                .args(["-X", "-q", "-d", &url, "-c"])
                .arg(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid() \
                     AND query LIKE '%pg_sleep%'",
                )
                .output()
                .unwrap()
        })
    };
    let err = db
        .apply(&request(
            "dev",
            vec![
                step("create", "CREATE TABLE doomed (id int)", true),
                step("slow", "SELECT pg_sleep(10)", true),
            ],
        ))
        .unwrap_err();
    killer.join().unwrap();
    match &err {
        Error::StepFailed {
            step, ledger_id, ..
        } => {
            assert_eq!(*step, 2);
            assert!(
                ledger_id.is_some(),
                "the failure was recorded on a new connection"
            );
        }
        other => panic!("unexpected error: {other}"),
    }
    assert_eq!(dump("apply_killed"), before);
    let rows = db.ledger("dev").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "failed");
}
