//! Criterion benchmark of a save point and its restore (`CREATE DATABASE ... TEMPLATE`, then
//! a template copy swapped in by renames) against `pg_dump -Fc` and `pg_restore` of the same
//! database, on a throwaway server. The database holds about 64 MB by default;
//! `DATA_BENCH_SNAPSHOT_MB=1024` makes it about 1 GB. After criterion's runs, one more timed
//! round of each prints the ratio.

use criterion::{criterion_group, criterion_main, Criterion};
use data_exec::{DatabaseServer, TempCluster};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The size asked for, in megabytes.
fn megabytes() -> u64 {
    std::env::var("DATA_BENCH_SNAPSHOT_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// A cluster with database `big` of about `mb` megabytes (rows of about 140 bytes with their index).
fn cluster(mb: u64) -> TempCluster {
    let cluster = TempCluster::start().expect("a throwaway PostgreSQL");
    cluster.create_database("big").expect("create big");
    let rows = mb * 1024 * 1024 / 140;
    cluster
        .psql_sql(
            "big",
            &format!(
                "CREATE TABLE t (id bigint PRIMARY KEY, body text, at timestamptz DEFAULT now());\n\
                 INSERT INTO t (id, body) SELECT g, repeat(md5(g::text), 2) FROM generate_series(1, {rows}) g;\n\
                 VACUUM ANALYZE t;"
            ),
        )
        .expect("fill big");
    cluster
}

fn save_and_restore(server: &DatabaseServer) {
    server
        .freeze_copy("big", "big__buf_bench", false)
        .expect("save");
    server
        .restore_from("big__buf_bench", "big", false)
        .expect("restore");
    server
        .drop_database("big__buf_bench")
        .expect("drop the save point");
}

fn dump_and_restore(cluster: &TempCluster, dir: &std::path::Path) {
    let file = dir.join("big.dump");
    data_exec::dump_to_file(&cluster.url("big"), &file).expect("pg_dump");
    cluster.create_database("big_restored").expect("create");
    data_exec::restore_file(&file, &cluster.url("big_restored")).expect("pg_restore");
    cluster.drop_database("big_restored").expect("drop");
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn bench(c: &mut Criterion) {
    let mb = megabytes();
    let cluster = cluster(mb);
    let server = DatabaseServer::for_url(&cluster.url("big")).expect("server");
    let size = server.size("big").expect("size").unwrap_or(0);
    eprintln!("database big: {:.0} MiB", size as f64 / 1048576.0);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group(format!("snapshot_{mb}mb"));
    group.sample_size(10);
    group.bench_function("template_save_and_restore", |b| {
        b.iter(|| save_and_restore(&server))
    });
    group.bench_function("pg_dump_fc_and_pg_restore", |b| {
        b.iter(|| dump_and_restore(&cluster, dir.path()))
    });
    group.finish();
    let template = median(
        (0..3)
            .map(|_| timed(|| save_and_restore(&server)))
            .collect(),
    );
    let dump = median(
        (0..3)
            .map(|_| timed(|| dump_and_restore(&cluster, dir.path())))
            .collect(),
    );
    eprintln!(
        "save+restore {:.2}s, pg_dump -Fc + pg_restore {:.2}s: {:.1}x faster",
        template.as_secs_f64(),
        dump.as_secs_f64(),
        dump.as_secs_f64() / template.as_secs_f64()
    );
}

fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

criterion_group!(benches, bench);
criterion_main!(benches);
