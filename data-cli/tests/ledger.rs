//! The ledger commands on real git repositories built by the tests: deployment records written
//! through the library API and the CLI, history, status, the audit chain (and a tampered
//! record), time travel to tags, revisions and moments, diffs between deployments and the
//! timeline in text and HTML.

mod support;

use chrono::{TimeZone, Utc};
use data_core::{DeploymentRequest, Outcome, Project};
use support::cli::RunOutput;
use support::repo::TestRepo;

fn data(repo: &TestRepo, args: &[&str]) -> RunOutput {
    repo.data(args)
}

fn ok(repo: &TestRepo, args: &[&str]) -> String {
    repo.data_ok(args)
}

const USERS_V1: &str = "CREATE TABLE public.users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text NOT NULL\n);\n";
const USERS_V2: &str = "CREATE TABLE public.users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text NOT NULL,\n  name text\n);\n";
const ORDERS: &str = "CREATE TABLE public.orders (\n  id bigint PRIMARY KEY,\n  user_id bigint REFERENCES public.users (id)\n);\n";

/// Three commits: users; users + name; users + name + orders.
fn three_commits() -> (TestRepo, [String; 3]) {
    let mut repo = TestRepo::new();
    repo.golden("tables/users.sql", USERS_V1);
    let a = repo.commit("users");
    repo.golden("tables/users.sql", USERS_V2);
    let b = repo.commit("users get a name");
    repo.golden("tables/orders.sql", ORDERS);
    let c = repo.commit("orders");
    (repo, [a, b, c])
}

fn record(repo: &TestRepo, env: &str, rev: &str, hour: u32) -> data_core::Deployment {
    let project = Project::open(repo.path()).expect("project opens");
    let at = Utc.with_ymd_and_hms(2026, 2, 1, hour, 0, 0).unwrap();
    let mut request = DeploymentRequest::new(env, rev);
    request.operator = Some("Deploy Bot <bot@example.com>".into());
    request.started_at = Some(at);
    request.finished_at = Some(at + chrono::Duration::seconds(30));
    project
        .record_deployment(request)
        .expect("deployment recorded")
}

#[test]
fn a_recorded_deployment_is_listed_and_its_chain_verifies_until_a_record_is_edited() {
    let mut repo = TestRepo::new();
    repo.golden("tables/users.sql", USERS_V1);
    repo.commit("users");
    repo.golden("tables/users.sql", USERS_V2);
    let head = repo.commit("users get a name");
    let d = record(&repo, "prod", "HEAD", 9);
    let tag = d.tag.to_string();
    assert_eq!(tag, "data/prod/2026.032.090000");

    let json: serde_json::Value =
        serde_json::from_str(&ok(&repo, &["history", "prod", "--format", "json"])).unwrap();
    let entry = &json[0];
    assert_eq!(entry["tag"], tag.as_str());
    assert_eq!(entry["environment"], "prod");
    assert_eq!(entry["to_commit"], head.as_str());
    assert_eq!(entry["commit"], head.as_str());
    assert_eq!(entry["from_commit"], serde_json::Value::Null);
    assert_eq!(entry["operator"], "Deploy Bot <bot@example.com>");
    assert_eq!(entry["outcome"], "succeeded");
    assert_eq!(entry["operations"]["by_kind"]["table"]["create"], 1);
    assert_eq!(entry["intact"], true);
    for field in [
        "plan_hash",
        "tool_version",
        "started_at",
        "finished_at",
        "record_hash",
    ] {
        assert!(entry[field].is_string(), "{field} missing: {entry}");
    }

    assert!(ok(&repo, &["audit", "verify", "prod"]).contains("chain intact, 1 record verified"));

    let message = repo.git(&["tag", "-l", "--format=%(contents)", &tag]);
    let edited = repo.path().join(".git/EDITED");
    std::fs::write(&edited, message.replace("Deploy Bot", "Someone Else")).unwrap();
    repo.git(&[
        "tag",
        "-f",
        "-a",
        &tag,
        "-F",
        edited.to_str().unwrap(),
        &head,
    ]);
    let out = data(&repo, &["audit", "verify", "prod"]);
    assert_eq!(out.status.and_then(|s| s.code()), Some(1), "{out:?}");
    assert!(
        out.stdout.contains(&format!("BROKEN LINK at {tag}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("altered"), "{}", out.stdout);
}

#[test]
fn time_travel_reads_the_schema_of_a_tag_after_later_commits() {
    let (repo, [a, _, _]) = three_commits();
    let d = record(&repo, "prod", &a, 9);
    let sql = ok(&repo, &["timetravel", "--to", &d.tag.to_string()]);
    assert!(sql.contains("CREATE TABLE public.users"), "{sql}");
    assert!(!sql.contains("name text"), "{sql}");
    assert!(!sql.contains("orders"), "{sql}");
    let human = ok(
        &repo,
        &[
            "timetravel",
            "--to",
            &d.tag.to_string(),
            "--format",
            "human",
        ],
    );
    insta::assert_snapshot!("timetravel_human", human);
    // A revision works too, and so does a bare stamp with --env.
    let at_rev = ok(&repo, &["timetravel", "--to", "HEAD~1"]);
    assert!(
        at_rev.contains("name text") && !at_rev.contains("orders"),
        "{at_rev}"
    );
    let bare = ok(
        &repo,
        &["timetravel", "--to", "2026.032.090000", "--env", "prod"],
    );
    assert!(
        bare.contains("time travel to data/prod/2026.032.090000"),
        "{bare}"
    );
}

#[test]
fn a_timestamp_picks_the_deployment_in_effect() {
    let (repo, [a, b, c]) = three_commits();
    record(&repo, "prod", &a, 9);
    record(&repo, "prod", &b, 11);
    record(&repo, "prod", &c, 13);
    let at = |t: &str| ok(&repo, &["timetravel", "--to", t, "--env", "prod"]);
    let noon = at("2026-02-01T12:00:00Z");
    assert!(noon.contains("data/prod/2026.032.110000"), "{noon}");
    assert!(
        noon.contains("name text") && !noon.contains("orders"),
        "{noon}"
    );
    // Deployments take effect when they finish (30 s after the start here).
    assert!(at("2026-02-01T11:00:10Z").contains("data/prod/2026.032.090000"));
    assert!(at("2026-02-01T13:00:30+00:00").contains("data/prod/2026.032.130000"));
    let before = data(
        &repo,
        &[
            "timetravel",
            "--to",
            "2026-01-15T00:00:00Z",
            "--env",
            "prod",
        ],
    );
    assert_eq!(before.status.and_then(|s| s.code()), Some(1));
    assert!(
        before.stderr.contains("no deployment of `prod`"),
        "{}",
        before.stderr
    );
    // Without an environment, a moment means the last commit made by then.
    let commit_time = ok(&repo, &["timetravel", "--to", "2026-01-02T12:00:00Z"]);
    assert!(
        commit_time.contains(&format!("commit {}", &b[..10])),
        "{commit_time}"
    );
}

#[test]
fn diff_between_two_deployments_prints_their_plan() {
    let (repo, [a, _, c]) = three_commits();
    let first = record(&repo, "prod", &a, 9).tag.to_string();
    let second = record(&repo, "prod", &c, 10).tag.to_string();
    let out = ok(&repo, &["timetravel", "--to", &first, "--diff", &second]);
    assert!(
        out.contains("ALTER TABLE public.users ADD COLUMN name text"),
        "{out}"
    );
    assert!(out.contains("CREATE TABLE public.orders"), "{out}");
    insta::assert_snapshot!("timetravel_diff", out);
}

#[test]
fn history_status_and_timeline_for_people() {
    let (mut repo, [a, b, _]) = three_commits();
    record(&repo, "staging", &a, 8);
    record(&repo, "prod", &a, 9);
    record(&repo, "staging", &b, 10);
    let project = Project::open(repo.path()).unwrap();
    let mut failed = DeploymentRequest::new("prod", "HEAD");
    failed.outcome = Outcome::Failed;
    failed.operator = Some("Deploy Bot <bot@example.com>".into());
    failed.note = Some("ERROR: lock timeout on public.users".into());
    let at = Utc.with_ymd_and_hms(2026, 2, 1, 11, 0, 0).unwrap();
    failed.started_at = Some(at);
    failed.finished_at = Some(at);
    project.record_deployment(failed).unwrap();

    insta::assert_snapshot!("history_human", ok(&repo, &["history"]));
    insta::assert_snapshot!(
        "history_limit",
        ok(&repo, &["history", "staging", "--limit", "1"])
    );
    insta::assert_snapshot!(
        "timeline_text",
        ok(&repo, &["timetravel", "--timeline", "prod"])
    );

    std::fs::write(
        repo.path().join("data.toml"),
        "[environments.prod]\nprotected = true\n[environments.dev]\n",
    )
    .unwrap();
    repo.commit("config");
    repo.golden(
        "tables/users.sql",
        "CREATE TABLE public.users (id bigint PRIMARY KEY);\n",
    );
    std::fs::write(repo.path().join("notes.txt"), "x").unwrap();
    insta::assert_snapshot!("status_human", ok(&repo, &["status"]));
    let json: serde_json::Value =
        serde_json::from_str(&ok(&repo, &["status", "prod", "--format", "json"])).unwrap();
    assert_eq!(json["branch"], "main");
    assert_eq!(
        json["uncommitted"],
        serde_json::json!(["notes.txt", "sql/tables/users.sql"])
    );
    assert_eq!(
        json["environments"][0]["deployed"]["tag"],
        "data/prod/2026.032.090000"
    );
    assert_eq!(json["environments"][0]["commits_since"], 3);
    assert_eq!(
        json["environments"][0]["last_failed"],
        "data/prod/2026.032.110000"
    );
}

#[test]
fn the_timeline_page_is_self_contained() {
    let (repo, [a, b, c]) = three_commits();
    record(&repo, "prod", &a, 9);
    record(&repo, "prod", &b, 10);
    record(&repo, "prod", &c, 11);
    let page = repo.path().join("timeline.html");
    ok(
        &repo,
        &[
            "timetravel",
            "--timeline",
            "prod",
            "--html",
            page.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<details>").count(), 3);
    assert!(html.contains("data/prod/2026.032.100000"));
    assert!(html.contains("public.orders"));
    for remote in [
        "http://", "https://", "src=", "<script", "<link", "@import", "url(",
    ] {
        assert!(
            !html.contains(remote),
            "the page refers to something outside it: {remote}"
        );
    }
    render_in_headless_chromium(&page);
}

/// When Chromium is installed, renders the page headless and checks the DOM it built.
fn render_in_headless_chromium(page: &std::path::Path) {
    let Some(browser) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        eprintln!("headless check skipped: no Chromium installed");
        return;
    };
    let out = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("data/prod/2026.032.110000"),
        "chromium rendered: {dom}"
    );
    assert!(dom.contains("<details>"), "chromium rendered: {dom}");
}

#[test]
fn the_cli_records_deployments_and_refuses_overrides_without_reasons() {
    let (repo, _) = three_commits();
    let out = ok(
        &repo,
        &[
            "audit",
            "record",
            "dev",
            "--as",
            "Ops <ops@example.com>",
            "--at",
            "2026-03-01T10:00:00Z",
            "--override",
            "ban-drop-table=table was emptied and archived first",
        ],
    );
    assert_eq!(out, format!("recorded data/dev/2026.060.100000 on {}: data deployment to dev: succeeded, 3 operations (0 destructive)\n", &repo.git(&["rev-parse", "HEAD"])[..10]));
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&repo, &["audit", "show", "data/dev/2026.060.100000"])).unwrap();
    assert_eq!(
        shown["overrides"][0]["reason"],
        "table was emptied and archived first"
    );
    let refused = data(
        &repo,
        &["audit", "record", "dev", "--override", "ban-drop-table"],
    );
    assert_eq!(refused.status.and_then(|s| s.code()), Some(1));
    assert!(
        refused.stderr.contains("needs a reason"),
        "{}",
        refused.stderr
    );
    let bad_env = data(&repo, &["audit", "record", "prod/eu"]);
    assert!(
        bad_env.stderr.contains("not a valid environment name"),
        "{}",
        bad_env.stderr
    );
    let unknown = data(&repo, &["timetravel", "--to", "data/dev/2020.001.000000"]);
    assert_eq!(unknown.status.and_then(|s| s.code()), Some(1));
    assert!(
        unknown.stderr.contains("no such deployment tag"),
        "{}",
        unknown.stderr
    );
    assert!(ok(&repo, &["audit", "verify"]).contains("dev: chain intact"));
}
