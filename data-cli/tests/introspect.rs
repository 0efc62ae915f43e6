//! Introspection round trip on real PostgreSQL: golden SQL is built into a database, the
//! database's catalog is read back ([`data_exec::Database::introspect`]) and modelled, and the
//! model must equal the golden model (compared in the comparable form of
//! `data_ast::equivalence`) — for the example project and for a fixture holding every kind of
//! object the engine models. The introspected model must also equal the model of PostgreSQL's
//! own `pg_dump` of the same database.

mod support;

use data_core::{Engine, SchemaSource};
use data_exec::Database;
use std::path::{Path, PathBuf};
use support::db::{database_name, shared_cluster, ScratchDb};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// Builds `golden` in a fresh database and returns (introspected SQL, pg_dump output).
fn build_and_read(
    test: &str,
    engine: &Engine,
    golden: &SchemaSource,
    setup: &str,
) -> (String, String) {
    let cluster = shared_cluster();
    let key = format!("{test} {}", golden.label());
    let db = ScratchDb::create(cluster, &database_name("rt", &key)).unwrap();
    if !setup.is_empty() {
        // Roles are cluster-wide and tests run in parallel: create them once.
        static SETUP: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        let mut done = SETUP.lock().unwrap();
        if !done.iter().any(|s| s == setup) {
            cluster.psql_sql(db.name(), setup).unwrap();
            done.push(setup.to_string());
        }
    }
    let sql = engine.compile(golden, false).unwrap();
    cluster.psql_sql(db.name(), &sql).unwrap();
    let live = Database::new(cluster.url(db.name())).unwrap();
    let introspected = live.introspect().unwrap();
    let dump = cluster.dump_schema(db.name()).unwrap();
    (introspected, dump)
}

fn assert_no_operations(what: &str, diff: &data_core::Diff, introspected: &str) {
    let plan = &diff.plans.forward;
    assert!(
        plan.operations.is_empty(),
        "{what}: {} differences\n{}\n--- introspected SQL ---\n{introspected}",
        plan.operations.len(),
        diff.render(data_core::RenderFormat::Sql, false)
    );
}

/// Builds `project`, reads it back and compares. `against_dump` also compares the
/// introspected model with the model of `pg_dump`'s output, for projects without privileges
/// (which the dump leaves out) or partitions (whose indexes and keys pg_dump writes as objects
/// of their own).
fn round_trip(project: &Path, setup: &str, against_dump: bool) {
    let engine = Engine::for_project(project).unwrap();
    let golden = SchemaSource::parse(project.to_str().unwrap(), project).unwrap();
    let (introspected, dump) = build_and_read("round trip", &engine, &golden, setup);
    let live = SchemaSource::Inline {
        label: "introspected".into(),
        text: introspected.clone(),
    };
    let equivalent = engine.diff_equivalent(&golden, &live).unwrap();
    assert_no_operations("golden vs introspected", &equivalent, &introspected);
    if !against_dump {
        return;
    }
    let dumped = SchemaSource::Inline {
        label: "pg_dump".into(),
        text: dump,
    };
    let exact = engine.diff(&dumped, &live).unwrap();
    assert_no_operations("pg_dump vs introspected", &exact, &introspected);
}

#[test]
fn example_project_round_trips() {
    round_trip(&fixture("../examples/supabase-app"), "", true);
}

/// A project's golden SQL against `pg_dump`'s output for the database built from it: the plan
/// the identities of the objects the plan changes, privileges left out (the dump has none).
fn dump_against_golden(project: &Path, setup: &str) -> Vec<String> {
    let engine = Engine::for_project(project).unwrap();
    let golden = SchemaSource::parse(project.to_str().unwrap(), project).unwrap();
    let (_, dump) = build_and_read("dump", &engine, &golden, setup);
    let dumped = SchemaSource::Inline {
        label: "pg_dump".into(),
        text: dump,
    };
    let diff = engine.diff(&golden, &dumped).unwrap();
    let mut changed: Vec<String> = data_core::changes_of(&diff)
        .into_iter()
        .filter(|c| !c.kind.contains("privilege"))
        .map(|c| c.identity)
        .collect();
    changed.sort();
    changed.dedup();
    changed
}

/// Roles are cluster-wide: created once, tolerated when another test made them first.
const ROLES: &str =
    "DO $$ BEGIN CREATE ROLE rt_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE rt_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;";

#[test]
fn every_kind_of_object_round_trips() {
    round_trip(
        &fixture("tests/fixtures/introspect/every_kind"),
        ROLES,
        false,
    );
}

/// pg_dump prints every definition the way PostgreSQL stores it (casts on constants,
/// `= ANY (ARRAY[...])`, qualified columns, ON ONLY indexes attached to partitions, partitions'
/// copies of keys); planning between golden SQL and that dump must find nothing to do, except
/// where telling the printing from a real change would need expression types: here a column
/// of a domain over integer multiplied by a numeric, which PostgreSQL prints with an explicit
/// cast to numeric.
#[test]
fn a_pg_dump_of_golden_sql_plans_nothing() {
    let changed = dump_against_golden(&fixture("tests/fixtures/introspect/every_kind"), ROLES);
    assert_eq!(changed, ["shop.order_summary"]);
}
