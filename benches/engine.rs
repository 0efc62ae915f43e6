//! Criterion benchmarks of the engine on a synthetic golden schema: N tables, each with an
//! identity key, a foreign key to the previous table, a CHECK, an index and a comment, plus a
//! view, a function and an RLS policy every 10 tables; variant B changes about 5% of objects.
//! Compares `load + diff` of both variants with the raw `pg_query::parse` of the same texts.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use data_ast::build;
use data_ast::parse::ParseCache;
use data_ast::plan;
use data_ast::SourceFile;
use std::fmt::Write;

/// The same allocator as the `data` binary, so the figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The synthetic schema of `n` tables; `changed` gives variant B.
fn schema(n: usize, changed: bool) -> String {
    let mut out = String::from("CREATE SCHEMA app;\n");
    for i in 0..n {
        let mut cols = vec![
            "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY".to_string(),
            "name text NOT NULL".to_string(),
            "qty integer NOT NULL DEFAULT 0 CHECK (qty >= 0)".to_string(),
            "created_at timestamptz NOT NULL DEFAULT now()".to_string(),
            "note varchar(200)".to_string(),
        ];
        if i > 0 {
            cols.push(format!(
                "parent_id bigint REFERENCES app.t{}(id) ON DELETE CASCADE",
                i - 1
            ));
        }
        if changed && i % 20 == 0 {
            cols.push("deleted_at timestamptz".to_string());
        }
        if changed && i % 20 == 1 {
            cols[4] = "note text".to_string();
        }
        let _ = writeln!(out, "CREATE TABLE app.t{i} (\n  {}\n);", cols.join(",\n  "));
        let _ = writeln!(out, "CREATE INDEX t{i}_name_idx ON app.t{i} (name);");
        if changed && i % 20 == 2 {
            let _ = writeln!(
                out,
                "CREATE INDEX t{i}_created_idx ON app.t{i} (created_at) WHERE qty > 0;"
            );
        }
        let _ = writeln!(out, "COMMENT ON TABLE app.t{i} IS 'table {i}';");
        if i % 10 == 0 {
            let bound = if changed && i % 20 == 0 { 1 } else { 0 };
            let _ = writeln!(
                out,
                "CREATE VIEW app.v{i} AS SELECT id, name, qty FROM app.t{i} WHERE qty > {bound};"
            );
            let _ = writeln!(out, "CREATE FUNCTION app.f{i}(p bigint) RETURNS integer LANGUAGE sql STABLE AS $$ SELECT qty FROM app.t{i} WHERE id = p $$;");
            let _ = writeln!(out, "ALTER TABLE app.t{i} ENABLE ROW LEVEL SECURITY;");
            let _ = writeln!(
                out,
                "CREATE POLICY p{i} ON app.t{i} FOR SELECT USING (qty >= 0);"
            );
        }
    }
    out
}

/// Parse, model and diff both variants with a fresh cache: the whole cost of `data diff`.
fn plan_pair(a: &str, b: &str) -> usize {
    let cache = ParseCache::new();
    let old = build::load(&[SourceFile::new("a.sql", a)], &cache);
    let new = build::load(&[SourceFile::new("b.sql", b)], &cache);
    let plans = plan::plan(&old.schema, &new.schema).expect("because the synthetic schemas plan");
    plans.forward.operations.len()
}

/// The raw parse of both files, statement by statement, as the baseline.
fn raw_parse(a: &str, b: &str) -> usize {
    let mut n = 0;
    for text in [a, b] {
        for s in data_ast::split::split(text).statements {
            n += pg_query::parse(&text[s.start..s.end], 0)
                .map(|r| r.protobuf.stmts.len())
                .unwrap_or(0);
        }
    }
    n
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("diff");
    group.sample_size(10);
    for n in [1_000usize, 5_000, 10_000] {
        let (a, b) = (schema(n, false), schema(n, true));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("load_and_plan", n), &n, |bench, _| {
            bench.iter(|| plan_pair(&a, &b))
        });
        group.bench_with_input(BenchmarkId::new("raw_pg_query_parse", n), &n, |bench, _| {
            bench.iter(|| raw_parse(&a, &b))
        });
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
