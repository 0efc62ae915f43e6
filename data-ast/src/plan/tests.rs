//! Plans made from small golden SQL pairs: online-safe rewrites, what stays plain, how the
//! ordered plan is cut into groups, and what the hash covers.

use super::*;
use crate::build;
use crate::parse::ParseCache;
use crate::source::SourceFile;

fn schema(sql: &str) -> Schema {
    let loaded = build::load(&[SourceFile::new("t.sql", sql)], &ParseCache::new());
    assert!(!loaded.has_errors(), "{:?}", loaded.errors());
    loaded.schema
}

fn pair(old: &str, new: &str, options: &PlanOptions) -> PlanPair {
    plan_with(&schema(old), &schema(new), options).expect("because the pair plans")
}

/// Every statement of a plan with its group and whether that group is a transaction block.
fn statements(p: &Plan) -> Vec<(&str, usize, bool)> {
    p.operations
        .iter()
        .flat_map(|o| {
            o.sql
                .iter()
                .map(move |s| (s.as_str(), o.group, o.transactional))
        })
        .collect()
}

const OLD: &str = "CREATE TABLE users (id int PRIMARY KEY, email text, team text);
CREATE INDEX users_team_idx ON users (team);";
const NEW: &str = "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE, team text);
CREATE INDEX users_email_lower_idx ON users (lower(email));
CREATE TABLE teams (id int PRIMARY KEY, owner int REFERENCES users, name text UNIQUE CHECK (name <> ''));
CREATE INDEX teams_name_idx ON teams (name);";

#[test]
fn existing_tables_get_online_steps_and_new_tables_stay_plain() {
    let p = pair(OLD, NEW, &PlanOptions::default()).forward;
    let all = statements(&p);
    let find = |prefix: &str| {
        all.iter()
            .find(|(s, _, _)| s.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {all:#?}"))
    };
    assert!(!find("CREATE INDEX CONCURRENTLY users_email_lower_idx ").2);
    assert!(!find("DROP INDEX CONCURRENTLY public.users_team_idx").2);
    assert!(!find("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ").2);
    assert!(find("ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX").2);
    assert!(find("ALTER TABLE public.users ADD CONSTRAINT users_email_not_null_check CHECK (email IS NOT NULL) NOT VALID").2);
    // The new table: plain index, plain foreign key, plain inline constraints.
    assert!(find("CREATE INDEX teams_name_idx ON public.teams").2);
    let fk = find("ALTER TABLE public.teams ADD CONSTRAINT teams_owner_fkey");
    assert!(fk.2 && !fk.0.contains("NOT VALID"), "{}", fk.0);
    assert!(!all
        .iter()
        .any(|(s, _, _)| s.contains("VALIDATE CONSTRAINT teams_")));
}

#[test]
fn unsafe_fast_is_plain_in_one_block() {
    let p = pair(OLD, NEW, &PlanOptions::fast()).forward;
    assert!(p.operations.iter().all(|o| o.transactional && o.group == 1));
    assert!(!statements(&p)
        .iter()
        .any(|(s, _, _)| s.contains("CONCURRENTLY") || s.contains("NOT VALID")));
    assert_eq!(p.groups().len(), 1);
}

#[test]
fn groups_follow_the_order_and_never_mix_blocks_with_outside_steps() {
    for options in [PlanOptions::default(), PlanOptions::fast()] {
        let pp = pair(OLD, NEW, &options);
        for p in [&pp.forward, &pp.rollback] {
            let groups = p.groups();
            assert_eq!(
                groups.iter().map(|g| g.operations).sum::<usize>(),
                p.operations.len()
            );
            let mut last = 0;
            for o in &p.operations {
                assert!(
                    o.group == last || o.group == last + 1,
                    "groups are consecutive"
                );
                last = o.group;
                assert_eq!(o.transactional, groups[o.group - 1].transactional);
                let concurrent = o.sql.iter().any(|s| s.contains(" CONCURRENTLY "));
                assert_eq!(o.transactional, !concurrent, "{:?}", o.sql);
            }
        }
    }
}

#[test]
fn validations_follow_their_constraint_and_each_has_a_block() {
    let old = "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int, n int);";
    let new = "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a, n int CHECK (n > 0));";
    let p = pair(old, new, &PlanOptions::default()).forward;
    let at = |needle: &str| {
        p.operations
            .iter()
            .position(|o| o.sql.iter().any(|s| s.contains(needle)))
            .unwrap_or_else(|| panic!("no {needle:?}"))
    };
    for c in ["b_a_id_fkey", "b_n_check"] {
        let add = at(&format!("ADD CONSTRAINT {c} "));
        let validate = at(&format!("VALIDATE CONSTRAINT {c}"));
        assert!(add < validate);
        assert!(p.operations[add].sql[0].ends_with(" NOT VALID"));
        let v = &p.operations[validate];
        assert_eq!(v.stage, Stage::Validate);
        assert_eq!(p.groups()[v.group - 1].operations, 1);
    }
}

#[test]
fn rollback_is_online_too() {
    let pp = pair(OLD, NEW, &PlanOptions::default());
    let back = statements(&pp.rollback);
    assert!(back
        .iter()
        .any(|(s, _, t)| *s == "DROP INDEX CONCURRENTLY public.users_email_lower_idx" && !t));
    assert!(back
        .iter()
        .any(|(s, _, t)| s.starts_with("CREATE INDEX CONCURRENTLY users_team_idx ") && !t));
    let create = pp
        .forward
        .operations
        .iter()
        .find(|o| o.sql[0].starts_with("CREATE INDEX CONCURRENTLY users_email_lower_idx"))
        .expect("because the index is created");
    assert_eq!(
        create.reverse_sql,
        ["DROP INDEX CONCURRENTLY public.users_email_lower_idx"]
    );
}

#[test]
fn partitioned_parents_stay_plain() {
    let old = "CREATE TABLE m (at date NOT NULL, v int, w int) PARTITION BY RANGE (at);
CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
    let new = "CREATE TABLE m (at date NOT NULL, v int NOT NULL CHECK (v > 0), w int) PARTITION BY RANGE (at);
CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX m_v_idx ON m (v);
CREATE INDEX m_1_w_idx ON m_1 (w);";
    let p = pair(old, new, &PlanOptions::default()).forward;
    let all = statements(&p);
    assert!(all.iter().any(|(s, _, _)| s.contains("CONCURRENTLY")));
    assert!(all
        .iter()
        .any(|(s, _, _)| s.starts_with("CREATE INDEX m_v_idx ")));
    for (s, _, transactional) in all {
        let concurrent = s.contains("CONCURRENTLY");
        assert_eq!(concurrent, s.contains("m_1_w_idx"), "{s}");
        assert_eq!(transactional, !concurrent, "{s}");
        assert!(!s.contains("NOT VALID"), "{s}");
    }
}

#[test]
fn enum_labels_are_committed_before_the_main_block() {
    let old = "CREATE TYPE s AS ENUM ('a'); CREATE TABLE t (id int, v s DEFAULT 'a');";
    let new = "CREATE TYPE s AS ENUM ('a', 'b'); CREATE TABLE t (id int, v s DEFAULT 'b');";
    for options in [PlanOptions::default(), PlanOptions::fast()] {
        let p = pair(old, new, &options).forward;
        assert!(p.operations[0].sql[0].contains("ADD VALUE 'b'"));
        assert_eq!(p.operations[0].stage, Stage::Before);
        assert_eq!(p.groups().len(), 2, "{:#?}", p.operations);
    }
}

#[test]
fn the_hash_covers_blocks_and_timeouts() {
    let online = pair(OLD, NEW, &PlanOptions::default()).forward;
    let fast = pair(OLD, NEW, &PlanOptions::fast()).forward;
    let other_timeout = pair(
        OLD,
        NEW,
        &PlanOptions {
            lock_timeout: Some("9s".into()),
            ..PlanOptions::default()
        },
    )
    .forward;
    assert_ne!(online.hash(), fast.hash());
    assert_ne!(online.hash(), other_timeout.hash());
    assert_eq!(
        online.hash(),
        pair(OLD, NEW, &PlanOptions::default()).forward.hash()
    );
    assert_eq!(
        Plan::default().hash(),
        blake3::hash(b"").to_hex().to_string()
    );
}

#[test]
fn bad_timeouts_are_refused() {
    let options = PlanOptions {
        lock_timeout: Some("5 seconds".into()),
        ..PlanOptions::default()
    };
    let e = plan_with(&schema(OLD), &schema(NEW), &options).unwrap_err();
    assert!(
        matches!(
            e,
            crate::Error::InvalidOption {
                name: "lock_timeout",
                ..
            }
        ),
        "{e}"
    );
}
