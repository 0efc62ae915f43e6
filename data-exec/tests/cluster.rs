//! Integration tests of `TempCluster` against a real local PostgreSQL server.

use std::path::PathBuf;

use data_exec::{normalize_dump, Error, TempCluster};

/// Starts a cluster, or fails the test with the reason (which names what to install).
fn start() -> TempCluster {
    match TempCluster::start() {
        Ok(cluster) => cluster,
        Err(e) => panic!("cannot start a PostgreSQL cluster: {e}"),
    }
}

#[test]
fn cluster_runs_sql_dumps_and_cleans_up() {
    let cluster = start();
    let socket_dir: PathBuf = cluster.socket_dir().to_path_buf();
    assert!(socket_dir
        .join(format!(".s.PGSQL.{}", cluster.port()))
        .exists());

    let url = cluster
        .create_database("exec_one")
        .expect("create database");
    assert!(url.starts_with("postgres://postgres@%2F"), "{url}");
    assert!(url.ends_with("/exec_one"), "{url}");

    cluster
        .execute_script(
            "exec_one",
            "CREATE TABLE pets (id integer PRIMARY KEY, name text NOT NULL);\
             COMMENT ON COLUMN pets.name IS 'what we call it';",
        )
        .expect("sqlx runs a multi-statement script");
    cluster
        .psql_sql(
            "exec_one",
            "ALTER TABLE pets ADD COLUMN age integer DEFAULT 0;\n",
        )
        .expect("psql runs SQL from stdin");

    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), "CREATE INDEX pets_name ON pets (name);\n")
        .expect("write SQL file");
    cluster
        .psql_file("exec_one", file.path())
        .expect("psql runs a SQL file");

    let dump = cluster.dump_schema("exec_one").expect("pg_dump");
    assert!(dump.contains("CREATE TABLE public.pets ("), "{dump}");
    let normal = normalize_dump(&dump);
    assert!(!normal.contains("SET "), "{normal}");
    assert!(normal.contains("CREATE INDEX pets_name"), "{normal}");
    assert!(normal.contains("    age integer DEFAULT 0\n"), "{normal}");

    cluster.drop_database("exec_one").expect("drop database");
    assert!(cluster.dump_schema("exec_one").is_err());
    cluster
        .drop_database("exec_one")
        .expect("dropping a missing database is fine");

    drop(cluster);
    assert!(!socket_dir.exists(), "cluster directory left behind");
}

#[test]
fn errors_carry_the_server_message() {
    let cluster = start();
    cluster
        .create_database("exec_two")
        .expect("create database");

    let err = cluster
        .psql_sql(
            "exec_two",
            "SELECT 1;\nSELECT * FROM missing_table;\nSELECT 2;\n",
        )
        .expect_err("psql must stop on the error");
    assert!(matches!(err, Error::Psql { .. }), "{err}");
    let line = err.first_error_line().expect("an ERROR line");
    assert!(line.contains("missing_table"), "{line}");

    let err = cluster
        .execute_script("exec_two", "SELECT * FROM also_missing")
        .expect_err("sqlx reports the error");
    assert!(err.to_string().contains("also_missing"), "{err}");

    assert!(cluster.create_database("").is_err());
    assert!(cluster.dump_schema("no_such_db").is_err());
}

#[test]
fn columns_in_another_order_dump_the_same() {
    let cluster = start();
    cluster.create_database("order_a").expect("create a");
    cluster.create_database("order_b").expect("create b");
    cluster
        .execute_script(
            "order_a",
            "CREATE TABLE t (a integer DEFAULT 1, b text);\
             COMMENT ON COLUMN t.a IS 'A'; COMMENT ON COLUMN t.b IS 'B';",
        )
        .expect("schema a");
    cluster
        .execute_script(
            "order_b",
            "CREATE TABLE t (b text); ALTER TABLE t ADD COLUMN a integer DEFAULT 1;\
             COMMENT ON COLUMN t.b IS 'B'; COMMENT ON COLUMN t.a IS 'A';",
        )
        .expect("schema b");
    let a = normalize_dump(&cluster.dump_schema("order_a").expect("dump a"));
    let b = normalize_dump(&cluster.dump_schema("order_b").expect("dump b"));
    assert_eq!(a, b);
}

#[test]
fn a_cluster_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<TempCluster>();

    let cluster = start();
    std::thread::scope(|scope| {
        for n in 0..4 {
            let cluster = &cluster;
            scope.spawn(move || {
                let name = format!("par_{n}");
                cluster.create_database(&name).expect("create in parallel");
                cluster
                    .execute_script(&name, "CREATE TABLE x (id int)")
                    .expect("script in parallel");
                cluster.drop_database(&name).expect("drop in parallel");
            });
        }
    });
}

/// Set in the child process of [`a_leaked_cluster_is_cleaned_up_when_the_process_ends`].
const LEAK_CHILD_ENV: &str = "DATA_EXEC_LEAK_CHILD";

/// Run only as a child process: starts a cluster, prints its directory and never drops it.
#[test]
fn leaky_child() {
    if std::env::var_os(LEAK_CHILD_ENV).is_none() {
        return;
    }
    let cluster = start();
    println!("LEAKED-DIR {}", cluster.socket_dir().display());
    std::mem::forget(cluster);
}

#[test]
fn a_leaked_cluster_is_cleaned_up_when_the_process_ends() {
    let exe = std::env::current_exe().expect("path of this test binary");
    let out = std::process::Command::new(exe)
        .args(["--exact", "leaky_child", "--nocapture", "--test-threads=1"])
        .env(LEAK_CHILD_ENV, "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the leaky child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {stdout}");
    let dir = stdout
        .lines()
        .find_map(|line| line.split_once("LEAKED-DIR ").map(|(_, dir)| dir.trim()))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("child printed no directory: {stdout}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while dir.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(!dir.exists(), "guardian did not remove {}", dir.display());
}
