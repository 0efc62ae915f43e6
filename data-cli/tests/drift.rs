//! `data drift` against a real database: the example project deployed (recorded as a baseline),
//! then changed by hand with psql.

mod support;

use data_core::{DeploymentRequest, Outcome, Project};
use support::cli::run_data;
use support::db::{shared_cluster, ScratchDb};
use support::repo::TestRepo;

#[test]
fn a_column_added_by_hand_is_drift() {
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/supabase-app/sql");
    let mut repo = TestRepo::new();
    repo.copy_in(&example, "sql");
    std::fs::write(
        repo.path().join("data.toml"),
        "[environments.dev]\nurl_env = \"DATA_TEST_DRIFT_DEV_URL\"\n",
    )
    .unwrap();
    repo.commit("example project");

    let cluster = shared_cluster();
    let db = ScratchDb::create(cluster, "drift_dev").unwrap();
    let project = Project::open(repo.path()).unwrap();
    let schema = project
        .engine()
        .compile(&project.at(Some("HEAD")), false)
        .unwrap();
    cluster.psql_sql(db.name(), &schema).unwrap();
    let mut baseline = DeploymentRequest::new("dev", "HEAD");
    baseline.outcome = Outcome::Baseline;
    project.record_deployment(baseline).unwrap();
    std::env::set_var("DATA_TEST_DRIFT_DEV_URL", cluster.url(db.name()));

    let dir = repo.path().to_str().unwrap();
    let clean = run_data(["-C", dir, "drift", "dev"]).unwrap();
    assert!(clean.success(), "{}\n{}", clean.stdout, clean.stderr);
    assert!(clean.stdout.contains("dev: no drift"), "{}", clean.stdout);

    let introspected = run_data(["-C", dir, "introspect", "dev"]).unwrap();
    assert!(introspected.success(), "{}", introspected.stderr);
    assert!(introspected.stdout.contains("CREATE TABLE app.projects ("));
    let live_sql = repo.path().join("live.sql");
    std::fs::write(&live_sql, &introspected.stdout).unwrap();
    let reloaded = run_data(["-C", dir, "compile", live_sql.to_str().unwrap()]).unwrap();
    assert!(reloaded.success(), "{}", reloaded.stderr);

    cluster
        .psql_sql(
            db.name(),
            "ALTER TABLE app.projects ADD COLUMN nickname text;",
        )
        .unwrap();
    let drifted = run_data(["-C", dir, "drift", "dev"]).unwrap();
    assert_eq!(
        drifted.status.and_then(|s| s.code()),
        Some(1),
        "{}",
        drifted.stderr
    );
    assert!(
        drifted
            .stdout
            .contains("column app.projects.nickname: added by hand"),
        "{}",
        drifted.stdout
    );
    let sql = run_data(["-C", dir, "drift", "dev", "--format", "sql"]).unwrap();
    assert!(
        sql.stdout
            .contains("ALTER TABLE app.projects DROP COLUMN nickname"),
        "{}",
        sql.stdout
    );
    let json: serde_json::Value = serde_json::from_str(
        &run_data(["-C", dir, "drift", "dev", "--format", "json"])
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["changes"][0]["identity"], "app.projects.nickname");
    assert!(!json.to_string().contains("password"));

    let unset = run_data(["-C", dir, "drift", "prod"]).unwrap();
    assert_eq!(unset.status.and_then(|s| s.code()), Some(1));
    assert!(
        unset.stderr.contains("not described in data.toml"),
        "{}",
        unset.stderr
    );
}
