//! Integration tests of `DatabaseServer`: template copies, the sessions that block them, the
//! rename swap of a restore (and its failure leaving the original), and the dump fallback.

use std::process::{Child, Command, Stdio};

use data_exec::{BinDir, DatabaseServer, Error, TempCluster};

/// What `psql -t -A` prints for `sql` in database `db`.
fn psql(cluster: &TempCluster, db: &str, sql: &str) -> String {
    let out = Command::new(cluster.bin_dir().program("psql"))
        .args(["-X", "-q", "-t", "-A", "-d", &cluster.url(db), "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A session held open on `db` until dropped.
struct Held(Child);

impl Held {
    fn open(cluster: &TempCluster, server: &DatabaseServer, db: &str) -> Held {
        // Held from the start, so a panic below still ends the process.
        let held = Held(
            Command::new(BinDir::locate().unwrap().program("psql"))
                .args([
                    "-X",
                    "-q",
                    "-d",
                    &cluster.url(db),
                    "-c",
                    "select pg_sleep(60)",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("psql starts"),
        );
        for _ in 0..200 {
            if !server.sessions(db).unwrap().is_empty() {
                return held;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("the session never showed up");
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn copies_swaps_and_their_failures() {
    let cluster = TempCluster::start().expect("a throwaway PostgreSQL");
    cluster.create_database("src").unwrap();
    cluster
        .execute_script(
            "src",
            "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);",
        )
        .unwrap();
    let server = DatabaseServer::for_url(&cluster.url("src")).unwrap();
    assert_eq!(server.database().as_deref(), Some("src"));
    assert!(server.reachable());

    server.freeze_copy("src", "snap", false).unwrap();
    assert!(server.size("snap").unwrap().unwrap() > 1_000_000);
    assert_eq!(server.size("nothing").unwrap(), None);
    assert!(matches!(
        server.clone_database("src", "snap", false),
        Err(Error::DatabaseExists { .. })
    ));

    cluster
        .execute_script("src", "DELETE FROM t WHERE id = 1")
        .unwrap();
    server.restore_from("snap", "src", false).unwrap();
    assert_eq!(
        psql(&cluster, "src", "SELECT string_agg(id::text, ',') FROM t"),
        "1,2"
    );
    assert!(!server.exists("src__restore").unwrap());
    assert!(!server.exists("src__old").unwrap());

    cluster
        .execute_script("src", "DELETE FROM t WHERE id = 2")
        .unwrap();
    {
        let _held = Held::open(&cluster, &server, "src");
        let blocked = server.clone_database("src", "other", false).unwrap_err();
        let text = blocked.to_string();
        assert!(matches!(blocked, Error::DatabaseInUse { .. }), "{text}");
        assert!(
            text.contains("pid ") && text.contains("--terminate"),
            "{text}"
        );
        // The copy is built, the swap meets the session: the original stays as it was.
        let failed = server.restore_from("snap", "src", false).unwrap_err();
        assert!(matches!(failed, Error::DatabaseInUse { .. }), "{failed}");
        assert!(!server.exists("src__restore").unwrap());
        assert_eq!(
            psql(&cluster, "src", "SELECT string_agg(id::text, ',') FROM t"),
            "1"
        );
        server.restore_from("snap", "src", true).unwrap();
    }
    assert_eq!(
        psql(&cluster, "src", "SELECT string_agg(id::text, ',') FROM t"),
        "1,2"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("src.dump");
    data_exec::dump_to_file(&cluster.url("src"), &file).unwrap();
    cluster.execute_script("src", "DROP TABLE t").unwrap();
    server.restore_dump(&file, "src", false).unwrap();
    assert_eq!(psql(&cluster, "src", "SELECT count(*) FROM t"), "2");
    server.drop_database("snap").unwrap();
    assert!(!server.exists("snap").unwrap());
}
