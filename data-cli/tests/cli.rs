//! The `data diff` and `data compile` commands as a user runs them: exit codes, error
//! positions, determinism, destructive flags and renames, and the example project on a real
//! PostgreSQL.

mod support;

use support::cli::{fixtures_dir, run_data, run_data_env, scratch_dir};
use support::db::{database_name, shared_cluster, ScratchDb};

fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("because data-cli sits in the workspace")
        .to_path_buf()
}

fn example(name: &str) -> String {
    repo_root()
        .join("examples")
        .join(name)
        .display()
        .to_string()
}

/// Writes `files` into a fresh scratch folder and returns its path.
fn scratch_files(test: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = scratch_dir(&["cli", test]);
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().expect("because every file has a folder"))
            .expect("because the scratch folder is writable");
        std::fs::write(&p, text).expect("because the scratch folder is writable");
    }
    dir
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let dir = scratch_files(
        "syntax",
        &[
            ("old.sql", "create table t (a int);\n"),
            (
                "new.sql",
                "create table t (a int);\n\ncreate tabel u (b int);\n",
            ),
        ],
    );
    let out = run_data([
        "diff",
        &dir.join("old.sql").display().to_string(),
        &dir.join("new.sql").display().to_string(),
    ])
    .expect("because the binary runs");
    assert_eq!(out.status.and_then(|s| s.code()), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("new.sql:3:8"),
        "stderr should name file, line and column:\n{}",
        out.stderr
    );
    assert!(out.stderr.contains("tabel"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "nothing may be planned from broken SQL"
    );
}

/// The line of `text` holding `needle`, and the one after it.
fn line_and_next<'a>(text: &'a str, needle: &str) -> (&'a str, &'a str) {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line holds `{needle}`:\n{text}"));
    (lines[at], lines.get(at + 1).copied().unwrap_or(""))
}

#[test]
fn syntax_errors_are_drawn_with_the_line_and_a_caret_under_the_column() {
    let dir = scratch_files(
        "syntax-drawn",
        &[
            ("old.sql", "create table t (a int);\n"),
            (
                "new.sql",
                "create table t (a int);\n\n\tcreate   tabel u (b int);\n",
            ),
        ],
    );
    let args = [
        "diff".to_string(),
        dir.join("old.sql").display().to_string(),
        dir.join("new.sql").display().to_string(),
    ];
    // stderr is a pipe here, not a terminal: no colour whether NO_COLOR is set or not.
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        let out = run_data_env(&args, env).expect("because the binary runs");
        let err = &out.stderr;
        assert_eq!(out.status.and_then(|s| s.code()), Some(1), "{err}");
        assert!(
            out.stdout.is_empty(),
            "nothing may be planned from broken SQL"
        );
        assert!(
            !err.contains('\u{1b}'),
            "ANSI escape codes off a terminal:\n{err}"
        );
        assert!(
            err.contains(&format!("[{}:3:11]", dir.join("new.sql").display())),
            "the file, line and column:\n{err}"
        );
        assert!(err.contains("syntax error at or near \"tabel\""), "{err}");
        let (source, under) = line_and_next(err, "create   tabel");
        assert!(
            source.trim_start().starts_with("3 |"),
            "the file's line number:\n{err}"
        );
        // miette draws a tab as spaces; the caret lines up under the word all the same.
        let word = source.find("tabel").expect("because the line holds it");
        assert_eq!(
            under.find('^'),
            Some(word),
            "a caret under the column:\n{err}"
        );
        assert!(
            under[word..].starts_with("^^|^^"),
            "the word underlined:\n{err}"
        );
        assert!(err.contains("help: "), "a help line:\n{err}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = run_data(["diff", "only-one-side"]).expect("because the binary runs");
    assert_eq!(out.status.and_then(|s| s.code()), Some(2));
}

#[test]
fn diff_is_byte_for_byte_deterministic() {
    let args = [
        "diff",
        &example("supabase-app-v1"),
        &example("supabase-app"),
    ];
    let first = run_data(args).expect("because the binary runs");
    assert!(first.success(), "{}", first.failure_summary());
    for _ in 0..3 {
        let again = run_data(args).expect("because the binary runs");
        assert_eq!(first.stdout, again.stdout);
    }
    let json = run_data([
        "diff",
        &example("supabase-app-v1"),
        &example("supabase-app"),
        "--format",
        "json",
    ])
    .expect("because the binary runs");
    let again = run_data([
        "diff",
        &example("supabase-app-v1"),
        &example("supabase-app"),
        "--format",
        "json",
    ])
    .expect("because the binary runs");
    assert_eq!(json.stdout, again.stdout);
}

fn json_ops(old: &str, new: &str, test: &str) -> Vec<serde_json::Value> {
    let dir = scratch_files(test, &[("old.sql", old), ("new.sql", new)]);
    let out = run_data([
        "diff",
        &dir.join("old.sql").display().to_string(),
        &dir.join("new.sql").display().to_string(),
        "--format",
        "json",
    ])
    .expect("because the binary runs");
    assert!(out.success(), "{}", out.failure_summary());
    let doc: serde_json::Value =
        serde_json::from_str(&out.stdout).expect("because --format json prints JSON");
    doc["operations"].as_array().cloned().unwrap_or_default()
}

#[test]
fn unannotated_drops_are_destructive() {
    let ops = json_ops(
        "create table keep (a int, gone int);\ncreate table old_t (id int);\n",
        "create table keep (a int);\n",
        "destructive",
    );
    let dropped: Vec<(&str, &str, bool)> = ops
        .iter()
        .filter(|o| o["kind"] == "drop")
        .map(|o| {
            (
                o["object"]["kind"].as_str().unwrap_or(""),
                o["identity"].as_str().unwrap_or(""),
                o["destructive"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert!(
        dropped.contains(&("table", "public.old_t", true)),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&("column", "public.keep.gone", true)),
        "{dropped:?}"
    );
    for o in &ops {
        assert!(
            o["sql"].is_array() && o["reverse_sql"].is_array() && o["lock"].is_string(),
            "{o}"
        );
    }
}

/// `--format json` carries each step's typed facts and the format version: object kind, schema,
/// name and member, a PostgreSQL lock mode, whether it rewrites, the tables it touches and where
/// its object is written.
#[test]
fn json_plan_has_typed_steps() {
    let old = "create table t (id int primary key, name text);\n";
    let new =
        "create table t (id int primary key, name text);\ncreate index t_name_idx on t (name);\n";
    let dir = scratch_files("typed_steps", &[("old.sql", old), ("new.sql", new)]);
    let json = |extra: &[&str]| -> serde_json::Value {
        let (a, b) = (
            dir.join("old.sql").display().to_string(),
            dir.join("new.sql").display().to_string(),
        );
        let mut args = vec!["diff", a.as_str(), b.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        let out = run_data(args).expect("because the binary runs");
        assert!(out.success(), "{}", out.failure_summary());
        serde_json::from_str(&out.stdout).expect("because --format json prints JSON")
    };
    let doc = json(&[]);
    assert_eq!(doc["format_version"], 2);
    let op = &doc["operations"][0];
    assert_eq!(op["object"]["kind"], "index", "{op}");
    assert_eq!(op["object"]["schema"], "public", "{op}");
    assert_eq!(op["object"]["name"], "t_name_idx", "{op}");
    assert_eq!(op["lock"], "SHARE UPDATE EXCLUSIVE", "{op}");
    assert_eq!(op["rewrite"], false, "{op}");
    assert_eq!(op["tables"][0]["name"], "t", "{op}");
    assert_eq!(op["tables"][0]["access"], "scan", "{op}");
    assert!(
        op["origin"]["new"]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("new.sql")),
        "{op}"
    );
    assert_eq!(op["origin"]["new"]["line"], 2, "{op}");
    let plain = json(&["--unsafe-fast"]);
    assert_eq!(plain["operations"][0]["lock"], "SHARE");
}

#[test]
fn annotated_renames_are_renames() {
    let ops = json_ops(
        "create table customers (id int primary key, fname text);\n",
        "-- data:renamed from=customers\ncreate table clients (\n  id int primary key,\n  first_name text -- data:renamed from=fname\n);\n",
        "rename",
    );
    let kinds: Vec<(&str, &str)> = ops
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap_or(""),
                o["object"]["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(kinds.contains(&("rename", "table")), "{kinds:?}");
    assert!(kinds.contains(&("rename", "column")), "{kinds:?}");
    assert!(!ops.iter().any(|o| o["destructive"] == true), "{ops:?}");
    assert!(!kinds.iter().any(|(k, _)| *k == "drop"), "{kinds:?}");
}

#[test]
fn human_summary_of_the_example() {
    let out = run_data([
        "diff",
        &example("supabase-app-v1"),
        &example("supabase-app"),
        "--format",
        "human",
    ])
    .expect("because the binary runs");
    assert!(out.success(), "{}", out.failure_summary());
    let text = out.stdout.replace(&example(""), "examples/");
    insta::assert_snapshot!("example_human", text);
}

#[test]
fn example_compiles_loads_and_migrates() {
    let cluster = shared_cluster();
    let compiled_v1 =
        run_data(["compile", &example("supabase-app-v1")]).expect("because the binary runs");
    let compiled_v2 =
        run_data(["compile", &example("supabase-app")]).expect("because the binary runs");
    assert!(
        compiled_v1.success() && compiled_v2.success(),
        "{} {}",
        compiled_v1.failure_summary(),
        compiled_v2.failure_summary()
    );
    let plan = run_data([
        "diff",
        &example("supabase-app-v1"),
        &example("supabase-app"),
    ])
    .expect("because the binary runs");
    assert!(plan.success(), "{}", plan.failure_summary());

    let migrated = ScratchDb::create(cluster, &database_name("ex", "migrated"))
        .expect("because the cluster runs");
    let direct = ScratchDb::create(cluster, &database_name("ex", "direct"))
        .expect("because the cluster runs");
    cluster
        .psql_sql(migrated.name(), &compiled_v1.stdout)
        .expect("compiled v1 loads into an empty database");
    cluster
        .psql_sql(direct.name(), &compiled_v2.stdout)
        .expect("compiled v2 loads into an empty database");
    cluster
        .psql_sql(migrated.name(), &plan.stdout)
        .expect("the plan applies to v1");
    let a = data_exec::normalize_dump(
        &cluster
            .dump_schema(migrated.name())
            .expect("because pg_dump runs"),
    );
    let b = data_exec::normalize_dump(
        &cluster
            .dump_schema(direct.name())
            .expect("because pg_dump runs"),
    );
    assert!(
        a == b,
        "v1 + plan differs from v2:\n{}",
        support::textdiff::first_differences(&b, &a, 30)
    );
}

#[test]
fn fixtures_exist() {
    assert!(fixtures_dir().join("cases").is_dir());
}

#[test]
fn grants_are_planned_for_managed_roles_only() {
    let old = "create table t (id int);\ncreate function f(a int) returns int language sql as $$ select a $$;\ngrant select on t to data_test_reader;\ngrant select on t to data_test_other;\n";
    let new = "create table t (id int);\ncreate table u (id int);\ncreate function f(a int) returns int language sql as $$ select a $$;\ngrant select, insert on t to data_test_reader;\ngrant all on all tables in schema public to data_test_writer;\ngrant execute on function f(int) to data_test_reader;\n";
    let dir = scratch_files(
        "grants",
        &[
            (
                "data.toml",
                "managed_roles = [\"data_test_reader\", \"data_test_writer\"]\n",
            ),
            ("old.sql", old),
            ("new.sql", new),
        ],
    );
    let project = dir.display().to_string();
    let plan =
        run_data(["-C", &project, "diff", "old.sql", "new.sql"]).expect("because the binary runs");
    assert!(plan.success(), "{}", plan.failure_summary());
    assert!(
        plan.stdout
            .contains("GRANT INSERT ON TABLE public.t TO data_test_reader"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("GRANT EXECUTE ON FUNCTION public.f(integer) TO data_test_reader"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("ON TABLE public.u TO data_test_writer"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("data_test_other"),
        "unmanaged roles are never planned:\n{}",
        plan.stdout
    );
    let noop =
        run_data(["-C", &project, "diff", "new.sql", "new.sql"]).expect("because the binary runs");
    assert!(noop.stdout.contains("-- no changes"), "{}", noop.stdout);

    let cluster = shared_cluster();
    let db = ScratchDb::create(cluster, &database_name("cli", "grants"))
        .expect("because the cluster runs");
    let roles = "DO $$ BEGIN CREATE ROLE data_test_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\nDO $$ BEGIN CREATE ROLE data_test_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\nDO $$ BEGIN CREATE ROLE data_test_other; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n";
    cluster
        .psql_sql(db.name(), roles)
        .expect("roles are created");
    cluster.psql_sql(db.name(), old).expect("old.sql loads");
    cluster
        .psql_sql(db.name(), &plan.stdout)
        .expect("the plan applies");
    let check = "DO $$ BEGIN
      IF NOT has_table_privilege('data_test_reader', 'public.t', 'INSERT') THEN RAISE EXCEPTION 'reader cannot insert'; END IF;
      IF NOT has_table_privilege('data_test_writer', 'public.u', 'TRUNCATE') THEN RAISE EXCEPTION 'writer lacks ALL on u'; END IF;
      IF NOT has_table_privilege('data_test_other', 'public.t', 'SELECT') THEN RAISE EXCEPTION 'unmanaged grant was revoked'; END IF;
    END $$;";
    cluster
        .psql_sql(db.name(), check)
        .expect("privileges are as golden SQL says");
}

#[test]
fn git_revisions_are_read_without_a_checkout() {
    let dir = scratch_files(
        "git",
        &[(
            "app/sql/tables/t.sql",
            "create table t (id int primary key);\n",
        )],
    );
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=data tests",
                "-c",
                "user.email=tests@example.invalid",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("because git is installed");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    std::fs::write(
        dir.join("app/sql/tables/t.sql"),
        "create table t (id int primary key, note text);\n",
    )
    .expect("because the scratch folder is writable");
    git(&["commit", "-q", "-am", "two"]);
    // The work tree now differs from both commits: only git's objects may be read.
    std::fs::write(dir.join("app/sql/tables/t.sql"), "this is not sql;\n")
        .expect("because the scratch folder is writable");
    let project = dir.join("app").display().to_string();
    let out =
        run_data(["-C", &project, "diff", "HEAD~1", "HEAD"]).expect("because the binary runs");
    assert!(out.success(), "{}", out.failure_summary());
    assert!(
        out.stdout
            .contains("ALTER TABLE public.t ADD COLUMN note text"),
        "{}",
        out.stdout
    );
    let broken =
        run_data(["-C", &project, "diff", "HEAD", "sql"]).expect("because the binary runs");
    assert_eq!(broken.status.and_then(|s| s.code()), Some(1));
    assert!(broken.stderr.contains("t.sql:1:1"), "{}", broken.stderr);
}

/// Runs `data diff FROM TO [extra...]` on paths of a scratch folder.
fn diff_in(dir: &std::path::Path, from: &str, to: &str, extra: &[&str]) -> support::cli::RunOutput {
    let from = dir.join(from).display().to_string();
    let to = dir.join(to).display().to_string();
    let mut args = vec!["diff", from.as_str(), to.as_str()];
    args.extend_from_slice(extra);
    run_data(args).expect("because the binary runs")
}

#[test]
fn include_of_a_missing_file_exits_1_naming_it() {
    let dir = scratch_files(
        "include-missing",
        &[
            ("old.sql", "create table t (a int);\n"),
            ("new/main.sql", "create table t (a int);\n\\i missing.sql\n"),
        ],
    );
    let out = diff_in(&dir, "old.sql", "new", &[]);
    assert_eq!(out.status.and_then(|s| s.code()), Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("main.sql:2:1"), "{}", out.stderr);
    assert!(
        out.stderr.contains("new/missing.sql does not exist"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn relative_include_of_a_sibling_loads_its_objects_with_their_own_positions() {
    let dir = scratch_files(
        "include-sibling",
        &[
            ("old.sql", ""),
            (
                "new/main.sql",
                "create schema app;\n\\ir parts/t.sql\ncreate index t_a on app.t (a);\n",
            ),
            ("new/parts/t.sql", "\ncreate table app.t (a int);\n"),
            ("broken/main.sql", "\\ir parts/t.sql\n"),
            ("broken/parts/t.sql", "\ncreate tabel app.t (a int);\n"),
        ],
    );
    // A folder: the included file is read where it is included, not a second time.
    for target in ["new", "new/main.sql"] {
        let out = diff_in(&dir, "old.sql", target, &[]);
        assert!(out.success(), "{target}: {}", out.failure_summary());
        assert!(out.stdout.contains("CREATE TABLE app.t"), "{}", out.stdout);
        assert!(out.stdout.contains("CREATE INDEX t_a"), "{}", out.stdout);
    }
    let out = diff_in(&dir, "old.sql", "broken", &[]);
    assert_eq!(out.status.and_then(|s| s.code()), Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("parts/t.sql:2:8"), "{}", out.stderr);
}

#[test]
fn empty_target_folder_exits_non_zero_unless_allowed() {
    let dir = scratch_files(
        "empty-target",
        &[(
            "old.sql",
            "create table t (a int);\ncreate table u (a int);\ncreate index on t (a);\n",
        )],
    );
    std::fs::create_dir_all(dir.join("empty")).expect("because the scratch folder is writable");
    let out = diff_in(&dir, "old.sql", "empty", &[]);
    assert_ne!(out.status.and_then(|s| s.code()), Some(0), "{}", out.stdout);
    assert!(out.stderr.contains("2 tables, 1 index"), "{}", out.stderr);
    assert!(out.stderr.contains("--allow-empty"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let out = diff_in(&dir, "old.sql", "empty", &["--allow-empty"]);
    assert!(out.success(), "{}", out.failure_summary());
    assert!(out.stdout.contains("DROP TABLE public.t"), "{}", out.stdout);
}

#[test]
fn byte_order_mark_file_loads() {
    let dir = scratch_files(
        "bom",
        &[
            ("old.sql", ""),
            ("new.sql", "\u{feff}create table t (a int);\n"),
        ],
    );
    let out = diff_in(&dir, "old.sql", "new.sql", &[]);
    assert!(out.success(), "{}", out.failure_summary());
    assert!(
        out.stdout.contains("CREATE TABLE public.t"),
        "{}",
        out.stdout
    );
}

#[test]
fn identifier_over_63_bytes_warns_with_file_and_line() {
    let long = "a".repeat(70);
    let new = format!("create table t (\n  {long} int\n);\n");
    let dir = scratch_files("long-identifier", &[("old.sql", ""), ("new.sql", &new)]);
    let out = diff_in(&dir, "old.sql", "new.sql", &[]);
    assert!(out.success(), "{}", out.failure_summary());
    assert!(out.stderr.contains("new.sql:2:3"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("truncates it to \"{}\"", "a".repeat(63))),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains(&"a".repeat(63)), "{}", out.stdout);
}
