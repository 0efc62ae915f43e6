//! Online-safe plans as a user sees them: which statements run inside a transaction block and
//! which outside, what stays plain on tables the plan creates and on partitioned tables, the
//! `--unsafe-fast`, `--lock-timeout` and `--statement-timeout` flags, the `[plan]` table of
//! data.toml, and JSON that says where each operation runs. Snapshots pin the SQL of one
//! plan in both modes; the oracle proves every fixture's plan converges on PostgreSQL.

mod support;

use support::cli::{fixtures_dir, run_data, scratch_dir};

/// Where a statement of a rendered plan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Inside,
    Outside,
}

/// The statements of a rendered SQL plan (comments and blank lines left out), each with
/// whether it runs inside a `BEGIN` ... `COMMIT` block. Panics on an unbalanced block.
fn statements(sql: &str) -> Vec<(String, Place)> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in sql
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("--"))
    {
        match line {
            "BEGIN;" => {
                assert!(!inside, "BEGIN inside a block:\n{sql}");
                inside = true;
            }
            "COMMIT;" => {
                assert!(inside, "COMMIT outside a block:\n{sql}");
                inside = false;
            }
            _ => out.push((
                line.to_string(),
                if inside {
                    Place::Inside
                } else {
                    Place::Outside
                },
            )),
        }
    }
    assert!(!inside, "a block is left open:\n{sql}");
    out
}

/// The case folder of a fixture, as a string.
fn case(name: &str) -> String {
    fixtures_dir()
        .join("cases")
        .join(name)
        .display()
        .to_string()
}

/// `data diff old.sql new.sql [extra...]` of a fixture case; panics unless it succeeds.
fn diff(name: &str, extra: &[&str]) -> String {
    let dir = case(name);
    let mut args = vec![
        "diff".to_string(),
        format!("{dir}/old.sql"),
        format!("{dir}/new.sql"),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = run_data(&args).expect("because the data binary runs");
    assert!(out.success(), "{}", out.failure_summary());
    // Paths differ between machines; the snapshot keeps the case-relative part.
    out.stdout.replace(&format!("{dir}/"), "")
}

/// The statements that start with `prefix`, with where they run.
fn starting<'a>(all: &'a [(String, Place)], prefix: &str) -> Vec<&'a (String, Place)> {
    all.iter().filter(|(s, _)| s.starts_with(prefix)).collect()
}

#[test]
fn default_plan_builds_indexes_concurrently_outside_the_transaction() {
    let sql = diff("online_index_on_existing_table", &[]);
    let all = statements(&sql);
    let creates = starting(&all, "CREATE ");
    assert_eq!(creates.len(), 3, "{sql}");
    for (s, place) in creates {
        assert!(
            s.starts_with("CREATE INDEX CONCURRENTLY ")
                || s.starts_with("CREATE UNIQUE INDEX CONCURRENTLY "),
            "{s}"
        );
        assert_eq!(*place, Place::Outside, "{s}");
    }
    assert!(
        sql.contains(
            ": outside transaction: CREATE INDEX CONCURRENTLY cannot run in a transaction block\n"
        ),
        "{sql}"
    );
}

#[test]
fn unsafe_fast_is_plain_and_in_one_transaction() {
    let sql = diff("online_mixed_existing_and_new_tables", &["--unsafe-fast"]);
    let all = statements(&sql);
    assert!(all.iter().all(|(_, p)| *p == Place::Inside), "{sql}");
    assert!(
        !sql.contains("CONCURRENTLY") && !sql.contains("NOT VALID"),
        "{sql}"
    );
    assert_eq!(sql.matches("BEGIN;").count(), 1, "{sql}");
}

#[test]
fn online_and_fast_sql_snapshots() {
    let online = diff("online_mixed_existing_and_new_tables", &[]);
    insta::assert_snapshot!("mixed_online", online);
    let fast = diff("online_mixed_existing_and_new_tables", &["--unsafe-fast"]);
    insta::assert_snapshot!("mixed_unsafe_fast", fast);
}

#[test]
fn constraints_on_existing_tables_are_added_not_valid_then_validated() {
    let sql = diff("online_mixed_existing_and_new_tables", &[]);
    let all = statements(&sql);
    let position = |needle: &str| {
        all.iter()
            .position(|(s, _)| s.contains(needle))
            .unwrap_or_else(|| panic!("no statement with {needle:?} in\n{sql}"))
    };
    for c in ["posts_score_check", "posts_user_id_fkey"] {
        let add = position(&format!("ADD CONSTRAINT {c} "));
        assert!(all[add].0.ends_with(" NOT VALID;"), "{}", all[add].0);
        assert!(add < position(&format!("VALIDATE CONSTRAINT {c};")));
    }
    // SET NOT NULL comes after its helper check is validated, and the helper is dropped.
    assert!(
        position("VALIDATE CONSTRAINT users_email_not_null_check")
            < position("ALTER COLUMN email SET NOT NULL")
    );
    assert!(sql.contains("DROP CONSTRAINT users_email_not_null_check;"));
    // The unique constraint takes over an index built concurrently beforehand.
    let build = position("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ");
    assert_eq!(all[build].1, Place::Outside);
    assert!(build < position("UNIQUE USING INDEX users_email_key"));
    // The dropped index goes concurrently too.
    assert_eq!(
        all[position("DROP INDEX CONCURRENTLY public.users_team_idx")].1,
        Place::Outside
    );
}

#[test]
fn tables_created_by_the_plan_stay_plain() {
    let sql = diff("online_new_table_stays_plain", &[]);
    assert!(!sql.contains("CONCURRENTLY"), "{sql}");
    assert!(!sql.contains("NOT VALID"), "{sql}");
    let all = statements(&sql);
    assert!(all.iter().all(|(_, p)| *p == Place::Inside), "{sql}");
    let mixed = diff("online_mixed_existing_and_new_tables", &[]);
    assert!(
        mixed.contains("\nCREATE INDEX comments_post_id_idx ON public.comments"),
        "{mixed}"
    );
    assert!(
        mixed.contains("comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts (id);")
    );
}

#[test]
fn partitioned_parents_stay_plain_and_partitions_do_not() {
    let sql = diff("online_partitioned_table_index", &[]);
    let all = statements(&sql);
    let parent = starting(
        &all,
        "CREATE INDEX measurements_at_idx ON public.measurements ",
    );
    assert_eq!(parent.len(), 1, "{sql}");
    assert_eq!(parent[0].1, Place::Inside);
    assert!(
        sql.contains("\nDROP INDEX public.measurements_sensor_idx;"),
        "{sql}"
    );
    let child = starting(
        &all,
        "CREATE INDEX CONCURRENTLY measurements_2025_value_idx ",
    );
    assert_eq!(child.len(), 1, "{sql}");
    assert_eq!(child[0].1, Place::Outside);
    assert!(!sql.contains("NOT VALID"), "{sql}");
}

#[test]
fn timeouts_are_set_in_every_block_and_around_outside_steps() {
    let sql = diff(
        "online_mixed_existing_and_new_tables",
        &["--lock-timeout", "2s", "--statement-timeout", "15min"],
    );
    let blocks = sql.matches("BEGIN;\n").count();
    assert!(blocks > 1, "{sql}");
    assert_eq!(
        sql.matches(
            "BEGIN;\nSET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '15min';\n"
        )
        .count(),
        blocks,
        "{sql}"
    );
    let outside = sql.matches("-- group ").count() - blocks;
    assert_eq!(
        sql.matches("\nSET statement_timeout = '15min';").count(),
        outside
    );
    assert_eq!(sql.matches("\nRESET statement_timeout;").count(), outside);
    assert!(!sql.contains("\nSET lock_timeout"), "{sql}");
    let dir = case("online_mixed_existing_and_new_tables");
    let bad = run_data([
        "diff",
        &format!("{dir}/old.sql"),
        &format!("{dir}/new.sql"),
        "--lock-timeout",
        "5s'; DROP TABLE users; --",
    ])
    .expect("because the data binary runs");
    assert_eq!(bad.status.and_then(|s| s.code()), Some(1));
    assert!(
        bad.stderr.contains("invalid lock_timeout"),
        "{}",
        bad.stderr
    );
}

#[test]
fn json_says_where_each_operation_runs() {
    let text = diff(
        "online_mixed_existing_and_new_tables",
        &["--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&text).expect("because the output is JSON");
    let groups = doc["groups"].as_array().expect("because groups are listed");
    let ops = doc["operations"]
        .as_array()
        .expect("because operations are listed");
    assert_eq!(doc["options"]["online"], true);
    assert_eq!(doc["options"]["lock_timeout"], "5s");
    let counted: u64 = groups
        .iter()
        .map(|g| g["operations"].as_u64().unwrap())
        .sum();
    assert_eq!(counted as usize, ops.len());
    for op in ops {
        let group = op["group"]
            .as_u64()
            .expect("because each operation has a group") as usize;
        let g = &groups[group - 1];
        assert_eq!(op["transactional"], g["transactional"], "{op}");
        let concurrent = op["sql"][0].as_str().unwrap().contains("CONCURRENTLY");
        assert_eq!(op["transactional"], !concurrent, "{op}");
        assert!(op["stage"].is_string(), "{op}");
    }
    let human = diff(
        "online_mixed_existing_and_new_tables",
        &["--format", "human"],
    );
    assert!(
        human.contains("11 operations in 5 transactions, 3 outside any transaction"),
        "{human}"
    );
}

#[test]
fn project_config_chooses_the_mode() {
    let dir = scratch_dir(&["online", "config"]);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("because the scratch folder is writable");
    std::fs::write(
        dir.join("data.toml"),
        "[plan]\nonline = false\nstatement_timeout = \"1h\"\n",
    )
    .expect("because the scratch folder is writable");
    let cases = case("online_index_on_existing_table");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "-C".to_string(),
            dir.display().to_string(),
            "diff".to_string(),
            format!("{cases}/old.sql"),
            format!("{cases}/new.sql"),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let out = run_data(&args).expect("because the data binary runs");
        assert!(out.success(), "{}", out.failure_summary());
        out.stdout
    };
    let fast = run(&[]);
    assert!(!fast.contains("CONCURRENTLY"), "{fast}");
    assert!(
        fast.contains("SET LOCAL statement_timeout = '1h';"),
        "{fast}"
    );
    assert!(fast.contains("-- mode: fast (--unsafe-fast)"), "{fast}");
    let overridden = run(&["--statement-timeout", "10s"]);
    assert!(
        overridden.contains("SET LOCAL statement_timeout = '10s';"),
        "{overridden}"
    );
}

#[test]
fn online_plans_are_deterministic() {
    let first = diff("online_unique_and_pk_on_existing_table", &[]);
    for _ in 0..3 {
        assert_eq!(first, diff("online_unique_and_pk_on_existing_table", &[]));
    }
}

/// Fails unless every `(condition, message)` holds in database `db` (checked by a DO block;
/// a condition that is NULL, e.g. about a missing object, fails too).
fn require(db: &support::db::ScratchDb<'_>, checks: &[(&str, &str)]) {
    let body: String = checks
        .iter()
        .map(|(cond, msg)| {
            format!("  IF ({cond}) IS NOT TRUE THEN RAISE EXCEPTION '{msg}'; END IF;\n")
        })
        .collect();
    let sql = format!("DO $check$ BEGIN\n{body}END $check$;\n");
    if let Err(e) = db.cluster().psql_sql(db.name(), &sql) {
        panic!("{}", e.first_error_line().unwrap_or("check failed"));
    }
}

#[test]
fn a_failing_step_stops_the_plan_where_it_failed() {
    use support::db::{database_name, shared_cluster, ScratchDb};
    let cluster = shared_cluster();
    let plan = diff("online_mixed_existing_and_new_tables", &[]);
    let old = std::fs::read_to_string(format!(
        "{}/old.sql",
        case("online_mixed_existing_and_new_tables")
    ))
    .expect("because the fixture exists");
    let constraint_valid =
        |name: &str| format!("(SELECT convalidated FROM pg_constraint WHERE conname = '{name}')");

    // Duplicate addresses: the concurrent unique build fails after the main transaction
    // committed, leaves an INVALID index, and nothing after it runs.
    let db = ScratchDb::create(cluster, &database_name("on", "duplicate"))
        .expect("because the cluster runs");
    cluster
        .psql_sql(
            db.name(),
            &format!("{old}INSERT INTO users VALUES (1, 'a@example.com'), (2, 'a@example.com');"),
        )
        .expect("because old.sql loads");
    assert!(cluster.psql_sql(db.name(), &plan).is_err());
    require(
        &db,
        &[
            (
                &format!("NOT {}", constraint_valid("posts_score_check")),
                "the main transaction did not commit",
            ),
            (
                "EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = 'public.users_email_key'::regclass AND NOT indisvalid)",
                "no INVALID index was left",
            ),
            (
                "NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attname = 'email')",
                "a later group ran",
            ),
        ],
    );

    // A NULL address: the helper check's validation fails in its own transaction; the
    // concurrent builds before it are done, the groups after it never run.
    let db =
        ScratchDb::create(cluster, &database_name("on", "null")).expect("because the cluster runs");
    cluster
        .psql_sql(
            db.name(),
            &format!("{old}INSERT INTO users VALUES (1, NULL);"),
        )
        .expect("because old.sql loads");
    assert!(cluster.psql_sql(db.name(), &plan).is_err());
    require(
        &db,
        &[
            (
                "EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = 'public.users_email_key'::regclass AND indisvalid)",
                "the concurrent build did not run",
            ),
            (
                &format!("NOT {}", constraint_valid("users_email_not_null_check")),
                "the failed validation committed",
            ),
            (
                &format!("NOT {}", constraint_valid("posts_score_check")),
                "a later validation ran",
            ),
        ],
    );
}
