//! The ledger on real repositories: recording deployments as tags, reading them back, the hash
//! chain catching edited, inserted and deleted records, and the repository facts.

mod support;

use chrono::{DateTime, TimeZone, Utc};
use data_ledger::{files_at, Change, Ledger, NewDeployment, Outcome, Override, Problem, TagName};
use support::ScriptedRepo;

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, h, m, s).unwrap()
}

fn deployment(env: &str, to: &str, when: DateTime<Utc>) -> NewDeployment {
    NewDeployment {
        environment: env.to_string(),
        to: to.to_string(),
        from_commit: None,
        plan_hash: "sha256:plan".to_string(),
        changes: vec![Change {
            op: "create".into(),
            kind: "table".into(),
            identity: "public.users".into(),
            destructive: false,
        }],
        overrides: vec![],
        operator: None,
        tool_version: "0.1.0".into(),
        started_at: when,
        finished_at: when + chrono::Duration::seconds(2),
        outcome: Outcome::Succeeded,
        note: None,
    }
}

fn two_commits() -> (ScriptedRepo, String, String) {
    let mut repo = ScriptedRepo::new();
    repo.write("sql/tables/users.sql", "CREATE TABLE users (id int);\n");
    let first = repo.commit("first schema");
    repo.write(
        "sql/tables/users.sql",
        "CREATE TABLE users (id int, email text);\n",
    );
    let second = repo.commit("add email");
    (repo, first, second)
}

#[test]
fn records_are_written_as_chained_tags_and_read_back() {
    let (repo, first, second) = two_commits();
    let ledger = Ledger::open(repo.path()).unwrap();
    let one = ledger
        .record(deployment("prod", &first, at(10, 0, 0)))
        .unwrap();
    assert_eq!(one.tag.to_string(), "data/prod/2026.331.100000");
    assert_eq!(one.commit, first);
    let r1 = one
        .record
        .as_ref()
        .map_err(|e| e.clone())
        .unwrap()
        .record
        .clone();
    assert_eq!(r1.operator, "Ada Lovelace <ada@example.com>");
    assert_eq!(r1.previous_tag, None);
    assert_eq!(r1.from_commit, None);

    let mut again = deployment("prod", "HEAD", at(10, 0, 0));
    again.operator = Some("CI <ci@example.com>".into());
    again.overrides = vec![Override {
        rule: "ban-drop-column".into(),
        object: "public.users.legacy".into(),
        reason: "column unused since March".into(),
    }];
    let two = ledger.record(again).unwrap();
    assert_eq!(two.tag.to_string(), "data/prod/2026.331.100000-2");
    let r2 = two.record().unwrap();
    assert_eq!(r2.to_commit, second);
    assert_eq!(r2.from_commit.as_deref(), Some(first.as_str()));
    assert_eq!(
        r2.previous_tag.as_deref(),
        Some("data/prod/2026.331.100000")
    );
    assert_eq!(
        r2.previous_record_hash.as_deref(),
        Some(r1.record_hash.as_str())
    );
    assert_eq!(r2.overrides.len(), 1);

    ledger
        .record(deployment("staging", &first, at(9, 0, 0)))
        .unwrap();
    assert_eq!(ledger.environments().unwrap(), vec!["prod", "staging"]);
    let tags: Vec<String> = ledger
        .deployments("prod")
        .unwrap()
        .iter()
        .map(|d| d.tag.to_string())
        .collect();
    assert_eq!(
        tags,
        vec!["data/prod/2026.331.100000", "data/prod/2026.331.100000-2"]
    );
    assert_eq!(ledger.current("prod").unwrap().unwrap().commit, second);
    assert_eq!(
        ledger
            .in_effect_at("prod", at(10, 0, 1))
            .unwrap()
            .map(|d| d.commit),
        None
    );
    assert!(ledger.verify("prod").unwrap().ok());
    // git itself sees an annotated tag whose message is the record.
    let shown = repo.git(&["cat-file", "-p", "data/prod/2026.331.100000"]);
    assert!(
        shown.contains("tagger Ada Lovelace <ada@example.com>"),
        "{shown}"
    );
    assert!(shown.contains("\"plan_hash\": \"sha256:plan\""), "{shown}");
}

#[test]
fn failed_deployments_stay_in_the_chain_but_not_in_effect() {
    let (repo, first, second) = two_commits();
    let ledger = Ledger::open(repo.path()).unwrap();
    ledger
        .record(deployment("prod", &first, at(8, 0, 0)))
        .unwrap();
    let mut failed = deployment("prod", &second, at(9, 0, 0));
    failed.outcome = Outcome::Failed;
    failed.note = Some("statement 2 failed".into());
    ledger.record(failed).unwrap();
    assert_eq!(ledger.current("prod").unwrap().unwrap().commit, first);
    let third = ledger
        .record(deployment("prod", &second, at(10, 0, 0)))
        .unwrap();
    assert_eq!(
        third.record().unwrap().from_commit.as_deref(),
        Some(first.as_str())
    );
    assert_eq!(ledger.verify("prod").unwrap().verified, 3);
}

#[test]
fn an_edited_record_breaks_the_chain_at_that_tag() {
    let (repo, first, second) = two_commits();
    let ledger = Ledger::open(repo.path()).unwrap();
    ledger
        .record(deployment("prod", &first, at(10, 0, 0)))
        .unwrap();
    ledger
        .record(deployment("prod", &second, at(11, 0, 0)))
        .unwrap();
    repo.rewrite_tag_message("data/prod/2026.331.100000", |m| {
        m.replace("Ada Lovelace", "Mallory")
    });
    let report = Ledger::open(repo.path()).unwrap().verify("prod").unwrap();
    let broken = report.broken.expect("edit detected");
    assert_eq!(broken.tag, "data/prod/2026.331.100000");
    assert_eq!(broken.problem, Problem::Altered);
    assert_eq!(report.verified, 0);
}

#[test]
fn an_edited_record_with_a_recomputed_hash_breaks_the_next_link() {
    let (repo, first, second) = two_commits();
    let ledger = Ledger::open(repo.path()).unwrap();
    ledger
        .record(deployment("prod", &first, at(10, 0, 0)))
        .unwrap();
    ledger
        .record(deployment("prod", &second, at(11, 0, 0)))
        .unwrap();
    repo.rewrite_tag_message("data/prod/2026.331.100000", |m| {
        let mut parsed = data_ledger::parse_message(m).unwrap().record;
        parsed.operator = "Mallory <m@example.com>".into();
        parsed.record_hash = parsed.compute_hash();
        parsed.to_message()
    });
    let report = Ledger::open(repo.path()).unwrap().verify("prod").unwrap();
    let broken = report.broken.expect("edit detected");
    assert_eq!(broken.tag, "data/prod/2026.331.110000");
    assert_eq!(
        broken.previous.as_deref(),
        Some("data/prod/2026.331.100000")
    );
    assert_eq!(broken.problem, Problem::Broken);
    assert_eq!(report.verified, 1);
}

#[test]
fn a_deleted_record_is_a_missing_link() {
    let (repo, first, second) = two_commits();
    let ledger = Ledger::open(repo.path()).unwrap();
    ledger
        .record(deployment("prod", &first, at(10, 0, 0)))
        .unwrap();
    ledger
        .record(deployment("prod", &second, at(11, 0, 0)))
        .unwrap();
    ledger
        .record(deployment("prod", &second, at(12, 0, 0)))
        .unwrap();
    repo.git(&["tag", "-d", "data/prod/2026.331.110000"]);
    let broken = Ledger::open(repo.path())
        .unwrap()
        .verify("prod")
        .unwrap()
        .broken
        .expect("deletion detected");
    assert_eq!(broken.tag, "data/prod/2026.331.120000");
    assert_eq!(broken.problem, Problem::Missing);
    assert!(
        broken.detail.contains("data/prod/2026.331.110000"),
        "{}",
        broken.detail
    );
}

#[test]
fn a_retargeted_tag_is_misplaced() {
    let (repo, first, second) = two_commits();
    let ledger = Ledger::open(repo.path()).unwrap();
    ledger
        .record(deployment("prod", &first, at(10, 0, 0)))
        .unwrap();
    let message = repo.git(&[
        "tag",
        "-l",
        "--format=%(contents)",
        "data/prod/2026.331.100000",
    ]);
    let file = repo.path().join(".git/MSG");
    std::fs::write(&file, message).unwrap();
    repo.git(&[
        "tag",
        "-f",
        "-a",
        "data/prod/2026.331.100000",
        "-F",
        file.to_str().unwrap(),
        &second,
    ]);
    let broken = Ledger::open(repo.path())
        .unwrap()
        .verify("prod")
        .unwrap()
        .broken
        .unwrap();
    assert_eq!(broken.problem, Problem::Misplaced);
}

#[test]
fn foreign_and_lightweight_tags() {
    let (repo, first, _) = two_commits();
    repo.git(&["tag", "v1.0"]);
    repo.git(&["tag", "data/prod/2026.331.090000", &first]);
    let ledger = Ledger::open(repo.path()).unwrap();
    let all = ledger.deployments("prod").unwrap();
    assert_eq!(all.len(), 1);
    assert!(all[0].record.is_err());
    let report = ledger.verify("prod").unwrap();
    assert_eq!(report.broken.unwrap().problem, Problem::Unreadable);
    assert!(ledger.find("data/prod/2026.331.080000").is_err());
    assert!(ledger.deployments("bad env").is_err());
}

#[test]
fn golden_sql_at_a_tag_is_read_from_git_not_the_work_tree() {
    let (mut repo, first, _) = two_commits();
    let ledger = Ledger::open(repo.path()).unwrap();
    let d = ledger
        .record(deployment("prod", &first, at(10, 0, 0)))
        .unwrap();
    repo.write("sql/tables/orders.sql", "CREATE TABLE orders (id int);\n");
    repo.write("docs/readme.sql", "-- not golden\n");
    repo.commit("orders");
    let files = files_at(repo.path(), &d.tag.to_string(), "sql", ".sql").unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, "sql/tables/users.sql");
    assert_eq!(files[0].text, "CREATE TABLE users (id int);\n");
    let now = files_at(repo.path(), "HEAD", "sql", ".sql").unwrap();
    assert_eq!(now.len(), 2);
    assert!(files_at(repo.path(), "HEAD", "nothing-here", ".sql")
        .unwrap()
        .is_empty());
}

#[test]
fn repository_facts() {
    let (mut repo, first, second) = two_commits();
    let ledger = Ledger::open(repo.path()).unwrap();
    let git = ledger.repo();
    assert_eq!(git.branch().unwrap().as_deref(), Some("main"));
    assert_eq!(git.commits_between(&first, "HEAD").unwrap(), 1);
    assert_eq!(git.commits_between("HEAD", "HEAD").unwrap(), 0);
    let c1 = git.commit(&first).unwrap();
    let c2 = git.commit(&second).unwrap();
    assert_eq!(c2.summary, "add email");
    let between = c1.time + chrono::Duration::seconds(10);
    assert_eq!(
        git.last_commit_before("HEAD", between).unwrap().unwrap().id,
        first
    );
    assert_eq!(
        git.last_commit_before("HEAD", c1.time - chrono::Duration::seconds(1))
            .unwrap(),
        None
    );
    assert!(git.uncommitted("").unwrap().is_empty());
    repo.write("sql/tables/users.sql", "CREATE TABLE users (id bigint);\n");
    repo.write("sql/tables/new.sql", "CREATE TABLE n (id int);\n");
    repo.write("elsewhere/x.txt", "x");
    let dirty = Ledger::open(repo.path())
        .unwrap()
        .repo()
        .uncommitted("sql")
        .unwrap();
    assert_eq!(dirty, vec!["sql/tables/new.sql", "sql/tables/users.sql"]);
    repo.git(&["checkout", "-q", "--detach", &first, "--force"]);
    assert_eq!(
        Ledger::open(repo.path()).unwrap().repo().branch().unwrap(),
        None
    );
    let _ = repo.commit("nothing");
    assert!(TagName::parse("data/prod/2026.331.100000").is_some());
}

#[test]
fn tags_are_signed_when_git_config_asks() {
    if std::process::Command::new("gpg")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: gpg is not installed");
        return;
    }
    let (repo, first, _) = two_commits();
    let home = tempfile::tempdir().unwrap();
    let gen = std::process::Command::new("gpg")
        .env("GNUPGHOME", home.path())
        .args([
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Ada Lovelace <ada@example.com>",
            "ed25519",
            "sign",
            "never",
        ])
        .output()
        .unwrap();
    if !gen.status.success() {
        eprintln!("skipped: gpg cannot make a key here");
        return;
    }
    repo.git(&["config", "tag.gpgSign", "true"]);
    std::env::set_var("GNUPGHOME", home.path());
    let ledger = Ledger::open(repo.path()).unwrap();
    let d = ledger
        .record(deployment("prod", &first, at(10, 0, 0)))
        .unwrap();
    assert!(d.signed);
    let verify = std::process::Command::new("git")
        .args(["verify-tag", &d.tag.to_string()])
        .env("GNUPGHOME", home.path())
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    let report = ledger.verify("prod").unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.signed, 1);
}
