//! Criterion benchmark of reading golden SQL at a git revision: a repository with 5,000 files
//! under `sql/` (one table each, plus 500 unrelated files elsewhere) committed once; measures
//! reading every file at `HEAD` from the object database (gix, no checkout) with loose objects
//! and after `git gc` (packed), and reading followed by loading the schema model through
//! data-core.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use data_core::{Engine, SchemaSource};
use std::path::Path;
use std::process::Command;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FILES: usize = 5_000;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with `FILES` golden SQL files in ten folders.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.name", "Bench"]);
    git(root, &["config", "user.email", "bench@example.com"]);
    git(root, &["config", "commit.gpgSign", "false"]);
    for i in 0..FILES {
        let folder = root.join(format!("sql/tables/group{:02}", i % 10));
        std::fs::create_dir_all(&folder).unwrap();
        let parent = if i > 0 {
            format!(",\n  parent_id bigint REFERENCES app.t{}(id)", i - 1)
        } else {
            String::new()
        };
        std::fs::write(
            folder.join(format!("t{i:05}.sql")),
            format!(
                "CREATE TABLE app.t{i} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now(){parent}\n);\nCREATE INDEX t{i}_name_idx ON app.t{i} (name);\n"
            ),
        )
        .unwrap();
    }
    std::fs::create_dir_all(root.join("sql/schemas")).unwrap();
    std::fs::write(root.join("sql/schemas/app.sql"), "CREATE SCHEMA app;\n").unwrap();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    for i in 0..500 {
        std::fs::write(root.join(format!("docs/note{i}.md")), format!("note {i}\n")).unwrap();
    }
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "5k tables"]);
    dir
}

fn bench(c: &mut Criterion) {
    let repo = repository();
    let root = repo.path();
    let mut group = c.benchmark_group("git");
    group.sample_size(10);
    group.throughput(Throughput::Elements(FILES as u64 + 1));
    group.bench_function("files_at_5k", |b| {
        b.iter(|| {
            let files = data_ledger::files_at(root, "HEAD", "sql", ".sql").unwrap();
            assert_eq!(files.len(), FILES + 1);
            files
        })
    });
    // The same repository after `git gc`: objects in a pack, as in most real clones.
    let packed = repository();
    git(packed.path(), &["gc", "-q"]);
    group.bench_function("files_at_5k_packed", |b| {
        b.iter(|| {
            let files = data_ledger::files_at(packed.path(), "HEAD", "sql", ".sql").unwrap();
            assert_eq!(files.len(), FILES + 1);
            files
        })
    });
    let source = SchemaSource::GitRevision {
        project: root.to_path_buf(),
        rev: "HEAD".into(),
    };
    group.bench_function("load_5k_at_ref", |b| {
        b.iter(|| {
            // A fresh engine each time: no parse cache carried between iterations.
            let engine = Engine::new();
            engine.load(&source).unwrap().schema.tables.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
