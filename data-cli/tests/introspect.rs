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
fn build_and_read(engine: &Engine, golden: &SchemaSource, setup: &str) -> (String, String) {
    let cluster = shared_cluster();
    let db = ScratchDb::create(cluster, &database_name("rt", &golden.label())).unwrap();
    if !setup.is_empty() {
        cluster.psql_sql(db.name(), setup).unwrap();
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
    let (introspected, dump) = build_and_read(&engine, &golden, setup);
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
