//! Test intelligence without a database: coverage counted by hand on a small fixture, required
//! tests of changes, and scaffolds whose assertions satisfy exactly what they were made for.

use super::assertions::{parse_file, Facet, ObjectKind};
use super::coverage::compute;
use super::gate::{evaluate, GateLevel, TestingConfig};
use super::required::{derive, satisfy, Priority};
use super::scaffold::scaffold;
use data_ast::build;
use data_ast::model::Schema;
use data_ast::parse::ParseCache;
use data_ast::source::SourceFile;

fn schema(sql: &str) -> Schema {
    let loaded = build::load(&[SourceFile::new("t.sql", sql)], &ParseCache::new());
    assert!(!loaded.has_errors(), "{:?}", loaded.errors());
    loaded.schema
}

const FIXTURE: &str = "
create schema app;
create type app.status as enum ('open', 'done');
create table app.owners (id uuid primary key default gen_random_uuid(), email text unique);
create table app.items (
    id bigint generated always as identity primary key,
    name text not null,
    status app.status not null default 'open',
    owner_id uuid references app.owners (id),
    note text check (char_length(note) < 500)
);
create index items_name_idx on app.items (name);
create view app.open_items as select * from app.items where status = 'open';
create function app.item_count() returns bigint language sql as $$ select count(*) from app.items $$;
create function app.secret() returns int language sql security definer set search_path = '' as $$ select 1 $$;
create function app.touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger items_touch before update on app.items for each row execute function app.touch();
alter table app.items enable row level security;
create policy items_read on app.items for select to authenticated using (true);
";

const FILE_A: &str = "
-- the basics
BEGIN;
SELECT plan(6);
SELECT has_table('app', 'items', 'items exist');
SELECT col_type_is('app', 'items', 'name', 'text');
SELECT col_is_pk('app', 'owners', ARRAY['id']);
SELECT has_function('app', 'secret');
SELECT policies_are('app', 'items', ARRAY['items_read']);
SET LOCAL ROLE authenticated;
SELECT lives_ok($$SELECT * FROM app.open_items$$, 'authenticated reads the view');
RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
";

const FILE_B: &str = "
\\set ON_ERROR_STOP 1
SELECT has_trigger('app', 'items', 'items_touch');
SELECT has_index('app', 'items', 'items_name_idx', 'the name index');
SELECT enum_has_labels('app', 'status', ARRAY['open', 'done']);
SELECT results_eq('SELECT app.item_count()', $$VALUES (0::bigint)$$);
SELECT has_column('items', 'note');
";

fn files(which: &[(&str, &str)]) -> Vec<(String, String)> {
    which
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn counts(c: &super::Coverage) -> Vec<(&'static str, usize, usize)> {
    c.kinds
        .iter()
        .map(|k| (k.kind.plural(), k.covered, k.total))
        .collect()
}

#[test]
fn coverage_matches_hand_counts() {
    let s = schema(FIXTURE);
    let both = compute(
        &s,
        &files(&[("tests/a.sql", FILE_A), ("tests/b.sql", FILE_B)]),
        &[],
    );
    assert!(both.errors.is_empty(), "{:?}", both.errors);
    assert_eq!(
        counts(&both),
        vec![
            ("tables", 2, 2),
            ("columns", 3, 7),
            ("functions", 2, 3),
            ("policies", 1, 1),
            ("triggers", 1, 1),
            ("indexes", 1, 1),
            ("views", 1, 1),
            ("types", 1, 1),
        ]
    );
    // Removing b.sql lowers exactly the objects it covered.
    let only_a = compute(&s, &files(&[("tests/a.sql", FILE_A)]), &[]);
    assert_eq!(
        counts(&only_a),
        vec![
            ("tables", 2, 2),
            ("columns", 2, 7),
            ("functions", 1, 3),
            ("policies", 1, 1),
            ("triggers", 0, 1),
            ("indexes", 0, 1),
            ("views", 1, 1),
            ("types", 0, 1),
        ]
    );
    let lost: Vec<String> = both
        .objects
        .iter()
        .zip(&only_a.objects)
        .filter(|(b, a)| !b.files.is_empty() && a.files.is_empty())
        .map(|(b, _)| b.key.to_string())
        .collect();
    assert_eq!(
        lost,
        vec![
            "column app.items.note",
            "function app.item_count",
            "trigger app.items.items_touch",
            "index app.items_name_idx",
            "type app.status"
        ]
    );
    assert!(only_a
        .kind(ObjectKind::Column)
        .unwrap()
        .uncovered
        .contains(&"app.items.status".to_string()));
}

#[test]
fn facts_carry_roles_lines_and_policy_lists() {
    let s = schema(FIXTURE);
    let facts = parse_file("a.sql", FILE_A, &s).unwrap();
    let view = facts
        .iter()
        .find(|f| f.object.name == "app.open_items")
        .unwrap();
    assert_eq!(view.facet, Facet::Behaviour);
    assert_eq!(view.role.as_deref(), Some("authenticated"));
    assert_eq!(view.line, 11);
    let set = facts.iter().find(|f| f.facet == Facet::PolicySet).unwrap();
    assert_eq!(set.listed, vec!["items_read"]);
    assert!(parse_file("bad.sql", "SELEC 1;", &s).is_err());
}

#[test]
fn required_tests_of_changes_and_their_priorities() {
    let old =
        schema("create schema app; create table app.t (id int primary key, a text, gone text);");
    let new = schema(
        "create schema app; create table app.t (id int primary key, a text not null, b int default 1);
         alter table app.t enable row level security;
         create policy p on app.t for select to anon using (true);",
    );
    let tests = derive(&old, &new, false, &[]);
    let ids: Vec<(String, Priority)> = tests.iter().map(|t| (t.id(), t.priority)).collect();
    let has = |id: &str, p: Priority| ids.contains(&(id.to_string(), p));
    assert!(
        has("column app.t.gone: is absent", Priority::Critical),
        "{ids:#?}"
    );
    assert!(has(
        "table app.t: row level security enabled",
        Priority::Critical
    ));
    assert!(has("policy app.t.p: command", Priority::Critical));
    assert!(has("policy app.t.p: roles", Priority::Critical));
    assert!(has("policy app.t.p: behaviour as anon", Priority::Critical));
    assert!(has("column app.t.a: NOT NULL", Priority::High));
    assert!(has("column app.t.b: exists", Priority::Medium));
    assert!(has("column app.t.b: default", Priority::Low));
    assert!(!ids
        .iter()
        .any(|(id, _)| id.starts_with("table app.t: exists")));
    // Supabase projects check a policy's behaviour for each API role.
    let supa = derive(&old, &new, true, &[]);
    let roles: Vec<_> = supa
        .iter()
        .filter(|t| t.facet == Facet::Behaviour)
        .filter_map(|t| t.role.clone())
        .collect();
    assert_eq!(roles, vec!["anon", "authenticated", "service_role"]);
    // The SECURITY DEFINER function needs its flag and an escalation check.
    let f = derive(&Schema::default(), &schema(FIXTURE), false, &[]);
    assert!(f
        .iter()
        .any(|t| t.id() == "function app.secret: SECURITY DEFINER"));
    assert!(f
        .iter()
        .any(|t| t.id() == "function app.secret: privilege escalation"));
    assert!(!f
        .iter()
        .any(|t| t.id() == "function app.item_count: SECURITY DEFINER"));
}

#[test]
fn scaffolds_satisfy_every_required_test_with_correct_plans() {
    let new = schema(FIXTURE);
    let old = Schema::default();
    let mut tests = derive(&old, &new, true, &[]);
    let generated = scaffold(&tests, &new, &old, true);
    assert!(!generated.is_empty());
    let mut facts = Vec::new();
    for f in &generated {
        assert!(
            f.text.contains(&format!("SELECT plan({});", f.tests)),
            "{}",
            f.text
        );
        let parsed = parse_file(&f.path, &f.text, &new).unwrap();
        // Each assertion statement is one test: plan(n) counts them.
        let assertions = pg_query::parse(&f.text, 0).unwrap().protobuf.stmts.len();
        assert!(assertions > f.tests, "{}", f.path);
        facts.extend(parsed);
    }
    satisfy(&mut tests, &facts);
    let missing: Vec<String> = tests
        .iter()
        .filter(|t| t.satisfied_by.is_none())
        .map(|t| t.id())
        .collect();
    assert!(missing.is_empty(), "{missing:#?}");
    let table = generated
        .iter()
        .find(|f| f.path == "scaffold/table_app_items.sql")
        .unwrap();
    assert!(
        table.text.contains("SET LOCAL ROLE anon;"),
        "{}",
        table.text
    );
    // anon has no SELECT policy on an RLS table: it sees no rows.
    assert!(table.text.contains("SELECT is_empty($$SELECT * FROM app.items$$, 'policy app.items.items_read: behaviour as anon');"), "{}", table.text);
    assert!(
        table
            .text
            .contains("SELECT col_type_is('app', 'items', 'status', 'app.status'"),
        "{}",
        table.text
    );
}

#[test]
fn gate_levels_and_thresholds() {
    let new = schema(FIXTURE);
    let mut tests = derive(&Schema::default(), &new, false, &[]);
    let cov = compute(&new, &files(&[("a.sql", FILE_A)]), &[]);
    satisfy(&mut tests, &cov.facts);
    let config = |toml_text: &str| -> TestingConfig { toml::from_str(toml_text).unwrap() };
    let strict = evaluate(&config("level = \"strict\""), "dev", &tests, &cov).unwrap();
    let lenient = evaluate(&config("level = \"lenient\""), "dev", &tests, &cov).unwrap();
    let off = evaluate(&config(""), "dev", &tests, &cov).unwrap();
    assert!(!strict.passed() && !lenient.passed() && off.passed());
    assert!(strict.blocking.len() > lenient.blocking.len());
    assert!(lenient
        .blocking
        .iter()
        .all(|t| t.priority == Priority::Critical));
    assert!(strict
        .detail()
        .contains("policy app.items.items_read: behaviour as authenticated"));
    let per_env = config("[environments.prod]\nlevel = \"normal\"\n[thresholds]\ntriggers = 100\n");
    let prod = evaluate(&per_env, "prod", &tests, &cov).unwrap();
    assert_eq!(prod.level, GateLevel::Normal);
    assert_eq!(prod.below, vec![(ObjectKind::Trigger, 0.0, 100)]);
    assert!(evaluate(&config("thresholds = { tabels = 1 }"), "dev", &tests, &cov).is_err());
}

#[test]
fn test_functions_count_like_files() {
    let s = schema(FIXTURE);
    let file = "
CREATE SCHEMA IF NOT EXISTS test;
CREATE OR REPLACE FUNCTION test.run_items_tests() RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEXT has_table('app', 'owners', 'owners exist');
    SET LOCAL ROLE authenticated;
    RETURN NEXT is_empty('SELECT * FROM app.items WHERE false');
    RESET ROLE;
END
$$;
CREATE FUNCTION test.run_sql_tests() RETURNS SETOF text LANGUAGE sql AS $$
    SELECT has_column('app', 'owners', 'email');
$$;
CREATE FUNCTION test.helper() RETURNS SETOF text LANGUAGE sql AS $$ SELECT has_view('app', 'open_items') $$;
";
    let facts = parse_file("tests/functions.sql", file, &s).unwrap();
    let names: Vec<String> = facts
        .iter()
        .map(|f| format!("{} {:?} {:?}", f.object, f.facet, f.role))
        .collect();
    assert_eq!(
        names,
        vec![
            "table app.items Behaviour Some(\"authenticated\")",
            "table app.owners Exists None",
            "column app.owners.email Exists None",
        ],
        "{names:#?}"
    );
    assert_eq!(
        super::discover::classify(file),
        super::discover::FileRole::Functions
    );
}

#[test]
fn grants_require_privilege_tests() {
    let managed = |sql: &str| {
        let options = build::LoadOptions {
            managed_roles: vec!["anon".into()],
        };
        build::load_with(
            &[SourceFile::new("t.sql", sql)],
            &ParseCache::new(),
            &options,
        )
        .schema
    };
    let old = managed("create schema app; create table app.t (id int);");
    let new =
        managed("create schema app; create table app.t (id int); grant select on app.t to anon;");
    let mut tests = derive(&old, &new, false, &[]);
    assert_eq!(
        tests
            .iter()
            .map(|t| (t.id(), t.priority))
            .collect::<Vec<_>>(),
        vec![(
            "table app.t: privileges as anon".to_string(),
            Priority::Critical
        )]
    );
    let files = scaffold(&tests, &new, &old, false);
    assert!(
        files[0].text.contains("SELECT table_privs_are('app', 't', 'anon', ARRAY['SELECT']::name[], 'table app.t: privileges as anon');"),
        "{}",
        files[0].text
    );
    let facts = parse_file(&files[0].path, &files[0].text, &new).unwrap();
    satisfy(&mut tests, &facts);
    assert!(tests[0].satisfied_by.is_some());
    // A revoke needs the same check, now expecting nothing.
    assert_eq!(derive(&new, &old, false, &[]).len(), 1);
}
