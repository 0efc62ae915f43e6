//! One throwaway PostgreSQL cluster per test binary, and scratch databases that drop themselves.

use std::sync::OnceLock;

use data_exec::TempCluster;

/// The cluster shared by every test in this binary (or why it could not start).
static CLUSTER: OnceLock<Result<TempCluster, String>> = OnceLock::new();

/// The shared cluster, started on first use; panics with the reason if it cannot start.
///
/// It lives in a `static`, so it is never dropped: data-exec's watchdog stops the server and
/// removes its directory when the test process ends.
pub fn shared_cluster() -> &'static TempCluster {
    let started = CLUSTER.get_or_init(|| TempCluster::start().map_err(|e| e.to_string()));
    match started {
        Ok(cluster) => cluster,
        Err(reason) => panic!("cannot start the shared PostgreSQL cluster: {reason}"),
    }
}

/// A stable 64-bit FNV-1a hash, for database names derived from test or case names.
pub fn stable_hash(text: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    text.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// A database name made of `prefix` and the hash of `key`, e.g. `o_3f2a...`.
pub fn database_name(prefix: &str, key: &str) -> String {
    format!("{prefix}_{:016x}", stable_hash(key))
}

/// A database in a cluster that is dropped again when this value goes away.
pub struct ScratchDb<'a> {
    cluster: &'a TempCluster,
    name: String,
}

impl<'a> ScratchDb<'a> {
    /// Creates database `name` in `cluster`, dropping a leftover of the same name first.
    pub fn create(cluster: &'a TempCluster, name: &str) -> data_exec::Result<ScratchDb<'a>> {
        cluster.drop_database(name)?;
        cluster.create_database(name)?;
        Ok(ScratchDb {
            cluster,
            name: name.to_owned(),
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cluster it lives in.
    pub fn cluster(&self) -> &'a TempCluster {
        self.cluster
    }
}

impl Drop for ScratchDb<'_> {
    fn drop(&mut self) {
        // A failed drop only leaves a database in a cluster that is itself thrown away.
        let _ = self.cluster.drop_database(&self.name);
    }
}

#[test]
fn hashes_are_stable() {
    assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(database_name("o", "a"), "o_af63dc4c8601ec8c");
}
