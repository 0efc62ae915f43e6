//! Criterion benchmark of `data lint` over migration files: a generated corpus of N files of
//! typical migration statements (new tables, added columns, indexes, constraints, renames,
//! drops, backfills), linted statement by statement with every rule. `benches/squawk_compare.sh`
//! writes the same corpus to files with `cargo bench -p data-benches --bench lint -- --write DIR N`
//! and times `data lint` and squawk on it.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use std::fmt::Write;

/// The same allocator as the `data` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One migration file of the corpus (deterministic in `i`).
pub fn migration(i: usize) -> String {
    let mut s = String::new();
    let t = format!("t{}", i % 97);
    let _ = writeln!(s, "CREATE TABLE app_{i} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);");
    let _ = writeln!(s, "CREATE INDEX app_{i}_name_idx ON app_{i} (name);");
    match i % 8 {
        0 => {
            let _ = writeln!(s, "ALTER TABLE {t} ADD COLUMN c{i} integer NOT NULL;");
            let _ = writeln!(s, "CREATE INDEX {t}_c{i}_idx ON {t} (c{i});");
        }
        1 => {
            let _ = writeln!(s, "SET lock_timeout = '5s';\nALTER TABLE {t} ADD CONSTRAINT {t}_fk{i} FOREIGN KEY (a) REFERENCES app_{i} (id) NOT VALID;");
            let _ = writeln!(s, "ALTER TABLE {t} VALIDATE CONSTRAINT {t}_fk{i};");
        }
        2 => {
            let _ = writeln!(s, "ALTER TABLE {t} ALTER COLUMN v{i} TYPE bigint;");
            let _ = writeln!(s, "ALTER TABLE {t} ADD COLUMN ts{i} timestamp;");
        }
        3 => {
            let _ = writeln!(s, "ALTER TABLE {t} ADD CONSTRAINT {t}_u{i} UNIQUE (code);");
            let _ = writeln!(s, "UPDATE {t} SET flag = true;");
        }
        4 => {
            let _ = writeln!(s, "ALTER TABLE {t} RENAME COLUMN a{i} TO b{i};");
            let _ = writeln!(s, "DROP INDEX {t}_old{i}_idx;");
        }
        5 => {
            let _ = writeln!(s, "ALTER TABLE {t} ALTER COLUMN n{i} SET NOT NULL;");
            let _ = writeln!(
                s,
                "ALTER TABLE {t} ADD COLUMN tok{i} uuid DEFAULT gen_random_uuid();"
            );
        }
        6 => {
            let _ = writeln!(
                s,
                "CREATE TABLE log_{i} (id serial PRIMARY KEY, code varchar(20), payload json);"
            );
            let _ = writeln!(s, "ALTER TABLE {t} DROP COLUMN legacy{i};");
        }
        _ => {
            let _ = writeln!(
                s,
                "BEGIN;\nCREATE INDEX CONCURRENTLY {t}_x{i}_idx ON {t} (x{i});\nCOMMIT;"
            );
            let _ = writeln!(
                s,
                "ALTER TABLE {t} ADD CONSTRAINT {t}_ck{i} CHECK (x{i} > 0);"
            );
        }
    }
    s
}

/// The corpus of `n` files.
pub fn corpus(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| (format!("{i:05}_migration.sql"), migration(i)))
        .collect()
}

fn bench_lint(c: &mut Criterion) {
    let mut group = c.benchmark_group("lint_files");
    group.sample_size(10);
    for n in [100usize, 1000] {
        let files = corpus(n);
        let statements: usize = files.iter().map(|(_, t)| t.matches(';').count()).sum();
        group.throughput(Throughput::Elements(statements as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &files, |b, files| {
            b.iter(|| {
                let r = data_rules::lint_files(files, &data_rules::Options::default());
                assert!(r.has_errors());
                r.findings.len()
            })
        });
    }
    group.finish();
}

/// `--write DIR [N]` writes the corpus as files instead of benchmarking (for squawk_compare.sh).
fn write_corpus_if_asked() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let Some(i) = args.iter().position(|a| a == "--write") else {
        return false;
    };
    let dir = std::path::PathBuf::from(args.get(i + 1).cloned().unwrap_or_else(|| "corpus".into()));
    let n: usize = args.get(i + 2).and_then(|n| n.parse().ok()).unwrap_or(1000);
    std::fs::create_dir_all(&dir).expect("because the corpus folder is writable");
    for (name, text) in corpus(n) {
        std::fs::write(dir.join(name), text).expect("because the corpus folder is writable");
    }
    eprintln!("wrote {n} files to {}", dir.display());
    true
}

criterion_group!(benches, bench_lint);

fn main() {
    if write_corpus_if_asked() {
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
