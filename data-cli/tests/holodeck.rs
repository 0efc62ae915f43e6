//! Holodecks, the transporter buffer and the Q continuum on real PostgreSQL: branch databases
//! made, listed and collected with real git branches; save points, their stack and realities;
//! what-if runs that never touch the original; a restore that fails midway.

mod support;

use data_exec::{normalize_dump, BinDir, DatabaseServer};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use support::cli::{run_data, RunOutput};
use support::db::{shared_cluster, ScratchDb};
use support::repo::TestRepo;

const GOLDEN: &str = "create table public.items (id int primary key, name text not null);\n";

/// A project in a git repository whose `dev` environment is a scratch database of the shared
/// cluster and whose holodecks live on that cluster too.
struct Setup {
    repo: TestRepo,
    db: ScratchDb<'static>,
}

impl Setup {
    /// `key` names the database and the URL variables, so tests never share them.
    fn new(key: &str) -> Setup {
        let mut repo = TestRepo::new();
        repo.golden("tables/items.sql", GOLDEN);
        let var = format!("DATA_TEST_HOLODECK_{}_URL", key.to_uppercase());
        let hd_var = format!("DATA_TEST_HOLODECK_{}_SERVER", key.to_uppercase());
        std::fs::write(
            repo.path().join("data.toml"),
            format!(
                "[environments.dev]\nurl_env = \"{var}\"\n\n[holodeck]\nurl_env = \"{hd_var}\"\n"
            ),
        )
        .unwrap();
        std::fs::write(repo.path().join(".gitignore"), ".data/\n").unwrap();
        repo.commit("items");
        let db = ScratchDb::create(shared_cluster(), &format!("hd_{key}")).unwrap();
        std::env::set_var(&var, shared_cluster().url(db.name()));
        std::env::set_var(&hd_var, shared_cluster().url("postgres"));
        Setup { repo, db }
    }

    /// The dev database with golden SQL's table and three rows.
    fn with_rows(key: &str) -> Setup {
        let s = Setup::new(key);
        s.sql(&format!(
            "{GOLDEN}insert into items values (1, 'one'), (2, 'two'), (3, 'three');"
        ));
        s
    }

    fn data(&self, args: &[&str]) -> RunOutput {
        self.repo.data(args)
    }

    fn ok(&self, args: &[&str]) -> String {
        self.repo.data_ok(args)
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.data(args);
        assert_eq!(
            out.status.and_then(|s| s.code()),
            Some(1),
            "data {args:?} should fail:\n{}\n{}",
            out.stdout,
            out.stderr
        );
        format!("{}{}", out.stdout, out.stderr)
    }

    fn sql(&self, sql: &str) -> String {
        psql(&shared_cluster().url(self.db.name()), sql)
    }

    fn names(&self) -> String {
        self.sql("select string_agg(name, ',' order by id) from items")
    }

    fn schema(&self) -> String {
        schema_of(&shared_cluster().url(self.db.name()))
    }
}

/// What `psql -t -A` prints for `sql` on `url`; panics when psql fails.
fn psql(url: &str, sql: &str) -> String {
    let out = Command::new(BinDir::locate().unwrap().program("psql"))
        .args([
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn schema_of(url: &str) -> String {
    normalize_dump(
        &data_exec::Database::new(url)
            .unwrap()
            .dump_schema()
            .unwrap(),
    )
}

/// Databases of the shared cluster whose name starts with `prefix`.
fn databases_like(prefix: &str) -> String {
    psql(
        &shared_cluster().url("postgres"),
        &format!(
            "select coalesce(string_agg(datname, ',' order by datname), '') from pg_database \
             where datname like '{prefix}%'"
        ),
    )
}

fn example_sql() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/supabase-app/sql")
}

/// Stops the local holodeck server of a project when the test ends, passed or failed.
struct StopHolodeckServer<'a>(&'a Path);

impl Drop for StopHolodeckServer<'_> {
    fn drop(&mut self) {
        let _ = run_data(["-C", self.0.to_str().unwrap(), "holodeck", "stop"]);
    }
}

/// A psql session held open on a database until dropped.
struct Session(Child);

impl Session {
    fn open(url: &str, db: &str) -> Session {
        // Held from the start, so a panic below still ends the process.
        let session = Session(
            Command::new(BinDir::locate().unwrap().program("psql"))
                .args(["-X", "-q", "-d", url, "-c", "select pg_sleep(60)"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let admin = shared_cluster().url("postgres");
        for _ in 0..200 {
            let n = psql(
                &admin,
                &format!("select count(*) from pg_stat_activity where datname = '{db}'"),
            );
            if n != "0" {
                return session;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("the session on {db} never showed up");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_holodeck_on_the_local_server_holds_the_example_schema_until_dropped() {
    let mut repo = TestRepo::new();
    repo.copy_in(&example_sql(), "sql");
    std::fs::write(
        repo.path().join("data.toml"),
        "[environments.dev]\nlocal = true\n",
    )
    .unwrap();
    std::fs::write(repo.path().join(".gitignore"), ".data/\n").unwrap();
    repo.commit("example");
    let _stop = StopHolodeckServer(repo.path());
    let dir = repo.path().to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["-C", dir];
        all.extend_from_slice(args);
        run_data(all).unwrap()
    };
    let created = run(&["holodeck", "create", "test-x"]);
    assert!(created.success(), "{}", created.stderr);
    assert!(created
        .stdout
        .contains("created holodeck test-x from commit"));
    let url = run(&["holodeck", "url", "test-x"]);
    assert!(url.success(), "{}", url.stderr);
    let url = url.stdout.trim().to_string();
    assert!(
        url.starts_with("postgres://postgres@%2Ftmp%2Fdata-local-"),
        "{url}"
    );
    assert_eq!(
        psql(&url, "select to_regclass('app.projects') is not null"),
        "t"
    );
    let tables = psql(
        &url,
        "select count(*) from information_schema.tables where table_schema = 'app'",
    );
    assert!(tables.parse::<u32>().unwrap() >= 10, "{tables}");
    let list = run(&["holodeck", "list"]).stdout;
    assert!(
        list.contains("test-x") && list.contains("main") && list.contains("ready"),
        "{list}"
    );
    // A stopped server is reported, and `url` starts it again.
    assert!(run(&["holodeck", "stop"]).stdout.contains("stopped"));
    let list = run(&["holodeck", "list"]).stdout;
    assert!(
        list.contains("test-x") && list.contains("server not running"),
        "{list}"
    );
    let again = run(&["holodeck", "url", "test-x"]);
    assert!(again.success(), "{}", again.stderr);
    let url = again.stdout.trim().to_string();
    assert_eq!(
        psql(&url, "select to_regclass('app.projects') is not null"),
        "t"
    );

    let dropped = run(&["holodeck", "drop", "test-x"]);
    assert!(
        dropped.stdout.contains("dropped holodeck test-x"),
        "{}",
        dropped.stderr
    );
    let server = DatabaseServer::for_url(&url).unwrap();
    assert!(!server.exists("holodeck_test-x").unwrap());
    assert!(run(&["holodeck", "list"]).stdout.contains("no holodecks"));
    let gone = run(&["holodeck", "url", "test-x"]);
    assert!(
        gone.stderr.contains("no holodeck `test-x`"),
        "{}",
        gone.stderr
    );
}

#[test]
fn holodecks_follow_git_branches_and_gc_drops_merged_and_deleted_ones() {
    let s = Setup::new("gc");
    let git = |args: &[&str]| s.repo.git(args);
    git(&["checkout", "-q", "-b", "feat-merged"]);
    s.repo
        .golden("tables/tags.sql", "create table public.tags (id int);\n");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "tags"]);
    assert!(s
        .ok(&["holodeck", "create"])
        .contains("created holodeck feat-merged"));

    git(&["checkout", "-q", "main"]);
    git(&["checkout", "-q", "-b", "feat/Deleted"]);
    assert!(s
        .ok(&["holodeck", "create"])
        .contains("created holodeck feat-deleted"));

    git(&["checkout", "-q", "main"]);
    git(&["checkout", "-q", "-b", "feat-open"]);
    s.repo
        .golden("tables/notes.sql", "create table public.notes (id int);\n");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "notes"]);
    s.ok(&["holodeck", "create"]);
    // A holodeck holds its branch's golden schema.
    let open_url = s.ok(&["holodeck", "url", "feat-open"]).trim().to_string();
    assert_eq!(
        psql(&open_url, "select to_regclass('public.notes') is not null"),
        "t"
    );
    assert_eq!(
        psql(&open_url, "select to_regclass('public.tags') is null"),
        "t"
    );
    let again = s.fails(&["holodeck", "create"]);
    assert!(again.contains("exists already"), "{again}");

    git(&["checkout", "-q", "main"]);
    git(&["merge", "-q", "--no-ff", "-m", "merge tags", "feat-merged"]);
    git(&["branch", "-q", "-D", "feat/Deleted"]);

    let list = s.ok(&["holodeck", "list"]);
    for name in [
        "feat-merged",
        "feat/Deleted",
        "feat-open",
        "ready",
        "MiB",
        "postgres://postgres@",
    ] {
        assert!(list.contains(name), "{name} missing from:\n{list}");
    }
    // A holodeck whose database went away is reported, not forgotten.
    let server = DatabaseServer::for_url(&shared_cluster().url("postgres")).unwrap();
    server.drop_database("holodeck_feat-deleted").unwrap();
    let list = s.ok(&["holodeck", "list"]);
    assert!(
        list.lines()
            .any(|l| l.contains("feat-deleted") && l.contains("database missing")),
        "{list}"
    );

    let dry = s.ok(&["holodeck", "gc", "--dry-run"]);
    assert!(
        dry.contains("would drop holodeck feat-merged: branch feat-merged is merged into main"),
        "{dry}"
    );
    assert!(
        dry.contains("would drop holodeck feat-deleted: branch feat/Deleted was deleted"),
        "{dry}"
    );
    assert!(!dry.contains("feat-open"), "{dry}");
    assert!(server.exists("holodeck_feat-merged").unwrap());

    let gc = s.ok(&["holodeck", "gc"]);
    assert!(gc.contains("dropped holodeck feat-merged"), "{gc}");
    assert!(!server.exists("holodeck_feat-merged").unwrap());
    assert!(server.exists("holodeck_feat-open").unwrap());
    let list = s.ok(&["holodeck", "list"]);
    assert!(
        list.contains("feat-open") && !list.contains("feat-merged"),
        "{list}"
    );
    assert!(s.ok(&["holodeck", "gc"]).contains("nothing to collect"));

    let join = s.ok(&["holodeck", "join", "feat-open"]);
    assert!(join.contains("psql \"postgres://postgres@"), "{join}");
    s.ok(&["holodeck", "drop", "feat-open"]);
    assert!(!server.exists("holodeck_feat-open").unwrap());
}

#[test]
fn a_holodeck_copies_an_environment_with_its_data() {
    let s = Setup::with_rows("envcopy");
    s.ok(&["holodeck", "create", "copy", "--env", "dev", "--with-data"]);
    let url = s.ok(&["holodeck", "url", "copy"]).trim().to_string();
    assert_eq!(psql(&url, "select count(*) from items"), "3");
    s.ok(&["holodeck", "create", "shape", "--env", "dev"]);
    let url = s.ok(&["holodeck", "url", "shape"]).trim().to_string();
    assert_eq!(psql(&url, "select count(*) from items"), "0");
    s.ok(&["holodeck", "drop", "copy"]);
    s.ok(&["holodeck", "drop", "shape"]);
}

#[test]
fn a_restored_save_point_brings_a_deleted_row_back() {
    let s = Setup::with_rows("save");
    let saved = s.ok(&["buffer", "save", "s1"]);
    assert!(
        saved.contains("saved dev as s1 (database hd_save__buf_s1"),
        "{saved}"
    );
    s.sql("delete from items where id = 2");
    assert_eq!(s.names(), "one,three");
    assert!(s
        .ok(&["buffer", "restore", "s1"])
        .contains("restored dev to s1"));
    assert_eq!(s.names(), "one,two,three");
    // The save point stays for another restore.
    s.sql("delete from items");
    s.ok(&["buffer", "restore", "s1"]);
    assert_eq!(s.names(), "one,two,three");

    // The dump fallback (what remote servers get) restores the same way.
    s.ok(&["buffer", "save", "d1", "--method", "dump"]);
    s.sql("update items set name = 'changed'");
    s.ok(&["buffer", "restore", "d1"]);
    assert_eq!(s.names(), "one,two,three");

    let list = s.ok(&["buffer", "list"]);
    assert!(
        list.contains("s1") && list.contains("d1") && list.contains("dump "),
        "{list}"
    );
    let again = s.fails(&["buffer", "save", "s1"]);
    assert!(again.contains("`s1` exists already for dev"), "{again}");
    s.ok(&["buffer", "drop", "s1"]);
    s.ok(&["buffer", "drop", "d1"]);
    assert_eq!(databases_like("hd_save_"), "");
    assert!(s.ok(&["buffer", "list"]).contains("no save points"));
    let missing = s.fails(&["buffer", "restore", "s1"]);
    assert!(missing.contains("no save point `s1` for dev"), "{missing}");
}

#[test]
fn push_and_pop_restore_in_reverse_order() {
    let s = Setup::with_rows("stack");
    s.ok(&["buffer", "push"]);
    s.sql("delete from items where id = 3");
    assert!(s.ok(&["buffer", "push"]).contains("as stack-2"));
    s.sql("delete from items where id = 2");
    assert_eq!(s.names(), "one");
    assert!(s.ok(&["buffer", "pop"]).contains("popped stack-2"));
    assert_eq!(s.names(), "one,two");
    assert!(s.ok(&["buffer", "pop"]).contains("popped stack-1"));
    assert_eq!(s.names(), "one,two,three");
    let empty = s.fails(&["buffer", "pop"]);
    assert!(empty.contains("the stack of dev is empty"), "{empty}");
    assert_eq!(databases_like("hd_stack_"), "");
}

#[test]
fn a_restore_that_fails_midway_leaves_the_original_intact() {
    let s = Setup::with_rows("midway");
    s.ok(&["buffer", "save", "before"]);
    s.sql("delete from items where id = 1");
    let url = shared_cluster().url(s.db.name());
    {
        // The copy is built, then the swap meets a session on the database and stops.
        let _session = Session::open(&url, s.db.name());
        let failed = s.fails(&["buffer", "restore", "before"]);
        assert!(failed.contains("is in use by other sessions"), "{failed}");
        assert!(failed.contains("--terminate"), "{failed}");
        assert_eq!(s.names(), "two,three");
        assert_eq!(databases_like("hd_midway_"), "hd_midway__buf_before");

        // With --terminate the session is ended and the restore goes through.
        s.ok(&["buffer", "restore", "before", "--terminate"]);
    }
    assert_eq!(s.names(), "one,two,three");
    assert_eq!(databases_like("hd_midway_"), "hd_midway__buf_before");
    s.ok(&["buffer", "drop", "before"]);
}

#[test]
fn realities_remember_their_commit_and_come_back() {
    let s = Setup::with_rows("reality");
    let head = s.repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let snap = s.ok(&["q", "snap", "--reality", "r1"]);
    assert!(
        snap.contains(&format!("saved at commit {}", &head[..10])),
        "{snap}"
    );
    s.sql("drop table items");
    let list = s.ok(&["q", "realities"]);
    assert!(
        list.contains("r1") && list.contains("reality") && list.contains(&head[..10]),
        "{list}"
    );
    // Realities and save points are apart.
    assert!(s.ok(&["buffer", "list"]).contains("no save points"));
    s.ok(&["q", "restore", "r1"]);
    assert_eq!(s.names(), "one,two,three");
    s.ok(&["q", "drop", "r1"]);
    assert_eq!(databases_like("hd_reality_"), "");
}

#[test]
fn a_failing_what_if_reports_the_failure_and_leaves_the_original_unchanged() {
    let s = Setup::with_rows("whatif_fail");
    let before = s.schema();
    let plan = s.repo.path().join("plan.sql");
    std::fs::write(
        &plan,
        "create table public.audit (id int);\nalter table public.items add column note text not null;\n",
    )
    .unwrap();
    let out = s.fails(&["q", "what-if", plan.to_str().unwrap()]);
    assert!(out.contains("result: FAILED"), "{out}");
    assert!(out.contains("contains null values"), "{out}");
    // What ran before the failure is shown as the clone's schema change.
    assert!(out.contains("create table public.audit"), "{out}");
    assert!(
        out.contains("the original database was not touched"),
        "{out}"
    );
    assert_eq!(s.schema(), before);
    assert_eq!(s.names(), "one,two,three");
    assert_eq!(databases_like("hd_whatif_fail_"), "");
}

#[test]
fn what_if_runs_the_pending_plan_on_a_clone() {
    let s = Setup::new("whatif_ok");
    let before = s.schema();
    let out = s.ok(&["q", "what-if"]);
    assert!(out.contains("pending plan of dev"), "{out}");
    assert!(out.contains("result: SUCCEEDED"), "{out}");
    assert!(out.contains("create table public.items"), "{out}");
    assert_eq!(s.schema(), before);
    assert_eq!(databases_like("hd_whatif_ok_"), "");
}

#[test]
fn timetravel_spins_up_a_holodeck_at_a_past_point() {
    let mut s = Setup::new("spinup");
    s.repo
        .golden("tables/later.sql", "create table public.later (id int);\n");
    s.repo.commit("later");
    let out = s.ok(&["timetravel", "--to", "HEAD~1", "--spin-up", "past"]);
    assert!(
        out.contains("holodeck past holds the schema at HEAD~1"),
        "{out}"
    );
    let url = s.ok(&["holodeck", "url", "past"]).trim().to_string();
    assert_eq!(
        psql(&url, "select to_regclass('public.items') is not null"),
        "t"
    );
    assert_eq!(
        psql(&url, "select to_regclass('public.later') is null"),
        "t"
    );
    s.ok(&["holodeck", "drop", "past"]);
}
