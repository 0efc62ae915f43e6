//! Online-safe rewrites of a diffed plan, before it is ordered. On tables that exist before
//! the plan runs (not created or re-created by it, and not partitioned parents, where
//! PostgreSQL allows neither `CONCURRENTLY` nor every `NOT VALID`):
//!
//! - `CREATE INDEX` and `DROP INDEX` become `CONCURRENTLY`, outside any transaction;
//! - foreign keys and checks are added `NOT VALID` and validated in a later step;
//! - unique and primary keys take over a unique index built concurrently (`USING INDEX`);
//! - `SET NOT NULL` is proved first by a validated `CHECK (c IS NOT NULL)`, so setting it does
//!   not scan the table under an exclusive lock, and the helper check is dropped after.
//!
//! Objects of tables the plan creates stay plain: nobody can be using them yet.

use super::graph::{self, Key};
use super::render;
use super::{ObjectKind as K, OpKind, Operation, Plan, Stage};
use crate::model::*;
use crate::quote::ident;
use std::collections::{BTreeMap, BTreeSet};

/// Rewrites `plan` (from `from` to `to`, not yet ordered) into its online-safe form.
pub(crate) fn rewrite(plan: &mut Plan, from: &Schema, to: &Schema) {
    let mut r = Rewriter::new(plan, from, to);
    for i in 0..r.plan.operations.len() {
        let op = &r.plan.operations[i];
        match (op.kind, op.object) {
            (OpKind::Create, K::Index) => r.create_index(i),
            (OpKind::Drop, K::Index) => r.drop_index(i),
            (OpKind::Create, K::Constraint) => r.add_constraint(i),
            (OpKind::Alter, K::Constraint) => r.validation(i),
            (OpKind::Alter, K::Column) => r.set_not_null(i),
            _ => {}
        }
    }
}

struct Rewriter<'a> {
    plan: &'a mut Plan,
    from: &'a Schema,
    to: &'a Schema,
    /// Keys of the tables and views the plan creates (new or re-created).
    created: BTreeSet<Key>,
    /// Keys of the tables and views the plan drops.
    dropped: BTreeSet<Key>,
    /// Target indexes, by key (when the plan creates any).
    new_indexes: BTreeMap<Key, &'a Index>,
    /// Source indexes, by key (when the plan drops any).
    old_indexes: BTreeMap<Key, &'a Index>,
    /// Target constraints of existing tables, by key.
    constraints: BTreeMap<Key, (&'a Table, &'a Constraint)>,
    /// Target columns of existing tables, by key.
    columns: BTreeMap<Key, (&'a Table, &'a Column)>,
}

impl<'a> Rewriter<'a> {
    fn new(plan: &'a mut Plan, from: &'a Schema, to: &'a Schema) -> Self {
        let relation = |o: &Operation| {
            matches!(o.object, K::Table | K::View | K::MaterializedView)
                .then(|| o.keys.first().cloned())
                .flatten()
        };
        let of_kind = |kind: OpKind| -> BTreeSet<Key> {
            plan.operations
                .iter()
                .filter(|o| o.kind == kind)
                .filter_map(relation)
                .collect()
        };
        let (created, dropped) = (of_kind(OpKind::Create), of_kind(OpKind::Drop));
        let has = |kind: OpKind, object: K| {
            plan.operations
                .iter()
                .any(|o| o.kind == kind && o.object == object)
        };
        let want_new_indexes = has(OpKind::Create, K::Index);
        let want_old_indexes = has(OpKind::Drop, K::Index);
        let want_constraints = has(OpKind::Create, K::Constraint);
        let want_columns = has(OpKind::Alter, K::Column);
        let mut r = Rewriter {
            from,
            to,
            created,
            dropped,
            new_indexes: BTreeMap::new(),
            old_indexes: BTreeMap::new(),
            constraints: BTreeMap::new(),
            columns: BTreeMap::new(),
            plan,
        };
        // Lookups by key, filled only for the kinds of operation the plan holds (constraints
        // and columns only of tables that exist), so most plans build few or none of them.
        if want_new_indexes {
            r.new_indexes = to
                .indexes
                .values()
                .map(|ix| (graph::index(&ix.name), ix))
                .collect();
        }
        if want_old_indexes {
            r.old_indexes = from
                .indexes
                .values()
                .map(|ix| (graph::index(&ix.name), ix))
                .collect();
        }
        if want_constraints || want_columns {
            for t in to.tables.values() {
                if r.existing_table(&t.name).is_none() {
                    continue;
                }
                if want_constraints {
                    for c in t.constraints.values() {
                        r.constraints
                            .insert(graph::constraint(&t.name, &c.name), (t, c));
                    }
                }
                if want_columns {
                    for c in &t.columns {
                        r.columns.insert(graph::column(&t.name, &c.name), (t, c));
                    }
                }
            }
        }
        r
    }

    /// A table of the target schema that already exists before the plan runs and is not a
    /// partitioned parent.
    fn existing_table(&self, name: &QName) -> Option<&'a Table> {
        let t = self.to.tables.get(name)?;
        (!self.created.contains(&graph::table(name)) && t.partition_by.is_none()).then_some(t)
    }

    /// Appends an operation and returns its index.
    fn push(&mut self, op: Operation) -> usize {
        self.plan.operations.push(op);
        self.plan.operations.len() - 1
    }

    fn edge(&mut self, before: usize, after: usize) {
        self.plan.extra_edges.push((before, after));
    }

    fn create_index(&mut self, i: usize) {
        let Some(ix) = first_key(&self.plan.operations[i]).and_then(|k| self.new_indexes.get(k))
        else {
            return;
        };
        let ix: &Index = ix;
        let on_existing = match self.to.views.get(&ix.table) {
            Some(_) => !self.created.contains(&graph::view(&ix.table)),
            None => self.existing_table(&ix.table).is_some(),
        };
        let op = &mut self.plan.operations[i];
        if !on_existing || op.sql.first() != Some(&ix.create_sql) {
            return;
        }
        if let Some(sql) = render::create_index_concurrently(&ix.create_sql) {
            op.sql[0] = sql;
            op.transactional = false;
            op.stage = Stage::Concurrent;
            op.lock = "SHARE UPDATE EXCLUSIVE";
        }
    }

    fn drop_index(&mut self, i: usize) {
        let Some(ix) = first_key(&self.plan.operations[i]).and_then(|k| self.old_indexes.get(k))
        else {
            return;
        };
        let ix: &Index = ix;
        let table_stays = !self.dropped.contains(&graph::table(&ix.table))
            && !self.dropped.contains(&graph::view(&ix.table));
        let partitioned = self
            .from
            .tables
            .get(&ix.table)
            .is_some_and(|t| t.partition_by.is_some());
        let plain = format!("DROP INDEX {}", ix.name.sql());
        let op = &mut self.plan.operations[i];
        if table_stays && !partitioned && op.sql == [plain] {
            op.sql = vec![format!("DROP INDEX CONCURRENTLY {}", ix.name.sql())];
            op.transactional = false;
            op.stage = Stage::Before;
            op.lock = "SHARE UPDATE EXCLUSIVE";
        }
    }

    fn add_constraint(&mut self, i: usize) {
        let Some(&(t, c)) =
            first_key(&self.plan.operations[i]).and_then(|k| self.constraints.get(k))
        else {
            return;
        };
        if c.not_valid
            || self.plan.operations[i].sql.first() != Some(&render::add_constraint(&t.name, c))
        {
            return;
        }
        match c.kind {
            ConstraintKind::ForeignKey { .. } | ConstraintKind::Check { .. } => {
                let not_valid = Constraint {
                    not_valid: true,
                    ..c.clone()
                };
                let add = &mut self.plan.operations[i];
                add.sql[0] = render::add_constraint(&t.name, &not_valid);
                let validate = Operation {
                    kind: OpKind::Alter,
                    sql: vec![render::validate_constraint(&t.name, &c.name)],
                    lock: "SHARE UPDATE EXCLUSIVE",
                    stage: Stage::Validate,
                    // Nothing waits for a validation: it is ordered after its constraint only.
                    keys: Vec::new(),
                    ..derived(add)
                };
                let v = self.push(validate);
                self.edge(i, v);
            }
            ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. } => {
                let (Some(build), Some(attach)) = (
                    render::unique_index_concurrently(&t.name, c),
                    render::add_constraint_using_index(&t.name, c),
                ) else {
                    return;
                };
                let add = &mut self.plan.operations[i];
                add.sql[0] = attach;
                add.stage = Stage::Finish;
                let constraint_key = add.keys.clone();
                let index = Operation {
                    kind: OpKind::Create,
                    object: K::Index,
                    sql: vec![build],
                    lock: "SHARE UPDATE EXCLUSIVE",
                    transactional: false,
                    stage: Stage::Concurrent,
                    // Keyed by its relation name only: the build needs its columns to exist,
                    // not a NOT NULL the attaching constraint waits for.
                    keys: vec![graph::relname(&QName::new(&t.name.schema, &c.name))],
                    reason: Some(format!("the index of constraint {}", c.name)),
                    ..derived(add)
                };
                let x = self.push(index);
                self.edge(x, i);
                self.build_after_columns(x, t, c, &constraint_key);
            }
            ConstraintKind::Exclude { .. } => {}
        }
    }

    /// Orders the concurrent build `x` of constraint `c`'s index after whatever creates or
    /// renames the table and columns it indexes, and after the drop of an old constraint of
    /// the same name (`constraint_key`).
    fn build_after_columns(&mut self, x: usize, t: &Table, c: &Constraint, constraint_key: &[Key]) {
        let (columns, include) = match &c.kind {
            ConstraintKind::PrimaryKey { columns, include }
            | ConstraintKind::Unique {
                columns, include, ..
            } => (columns, include),
            _ => return,
        };
        let mut needs: BTreeSet<Key> = columns
            .iter()
            .chain(include)
            .map(|col| graph::column(&t.name, col))
            .collect();
        needs.insert(graph::table(&t.name));
        let before: Vec<usize> = self
            .plan
            .operations
            .iter()
            .enumerate()
            .filter(|(j, op)| {
                *j != x
                    && match op.kind {
                        OpKind::Create | OpKind::Rename => {
                            op.keys.iter().any(|k| needs.contains(k))
                        }
                        OpKind::Drop => op.keys.iter().any(|k| constraint_key.contains(k)),
                        OpKind::Alter => false,
                    }
            })
            .map(|(j, _)| j)
            .collect();
        for j in before {
            self.edge(j, x);
        }
    }

    /// A plain `VALIDATE CONSTRAINT` of a constraint that was `NOT VALID` runs like the
    /// validations this module adds: in a transaction of its own, after the main one.
    fn validation(&mut self, i: usize) {
        let op = &mut self.plan.operations[i];
        if op
            .sql
            .iter()
            .all(|s| s.starts_with("ALTER TABLE ") && s.contains(" VALIDATE CONSTRAINT "))
        {
            op.stage = Stage::Validate;
        }
    }

    fn set_not_null(&mut self, i: usize) {
        let Some(&(t, col)) = first_key(&self.plan.operations[i]).and_then(|k| self.columns.get(k))
        else {
            return;
        };
        if col.identity.is_some() || !col.not_null {
            return;
        }
        let set = render::set_not_null(&t.name, &col.name);
        let retype = format!(
            "ALTER TABLE {} ALTER COLUMN {} TYPE ",
            t.name.sql(),
            ident(&col.name)
        );
        let op = &self.plan.operations[i];
        if op.sql.iter().any(|s| s.starts_with(&retype)) {
            // The table is rewritten under an exclusive lock anyway.
            return;
        }
        let Some(at) = op.sql.iter().position(|s| *s == set) else {
            return;
        };
        let helper = self.helper_name(t, &col.name);
        let name = t.name.sql();
        let identity = format!("{}.{} not null check", t.name, col.name);
        let base = Operation {
            identity: identity.clone(),
            ..derived(op)
        };
        let check = Operation {
            sql: vec![format!(
                "ALTER TABLE {name} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                ident(&helper),
                ident(&col.name)
            )],
            lock: "ACCESS EXCLUSIVE",
            reason: Some("proves NOT NULL without a scan under an exclusive lock".into()),
            ..base.clone()
        };
        let validate = Operation {
            sql: vec![render::validate_constraint(&t.name, &helper)],
            lock: "SHARE UPDATE EXCLUSIVE",
            stage: Stage::Validate,
            ..base.clone()
        };
        let finish = Operation {
            identity: format!("{}.{}", t.name, col.name),
            sql: vec![
                set,
                format!("ALTER TABLE {name} DROP CONSTRAINT {}", ident(&helper)),
            ],
            lock: "ACCESS EXCLUSIVE",
            stage: Stage::Finish,
            reason: Some("the validated check proves NOT NULL, so no scan".into()),
            ..base
        };
        let op = &mut self.plan.operations[i];
        op.sql.remove(at);
        let first = if op.sql.is_empty() {
            *op = check;
            i
        } else {
            let c = self.push(check);
            self.edge(i, c);
            c
        };
        let v = self.push(validate);
        let f = self.push(finish);
        self.edge(first, v);
        self.edge(v, f);
    }

    /// A constraint name for the NOT NULL helper check no constraint of the table uses.
    fn helper_name(&self, t: &Table, column: &str) -> String {
        let old = self.from.tables.get(&t.name);
        crate::names::choose_name(&t.name.name, Some(column), "not_null_check", |n| {
            t.constraints.contains_key(n) || old.is_some_and(|o| o.constraints.contains_key(n))
        })
    }
}

/// The key an operation is known by.
fn first_key(op: &Operation) -> Option<&Key> {
    op.keys.first()
}

/// A new operation with `op`'s description, keys and ordering phase, and no SQL of its own yet.
fn derived(op: &Operation) -> Operation {
    Operation {
        kind: op.kind,
        object: op.object,
        identity: op.identity.clone(),
        sql: Vec::new(),
        destructive: false,
        lock: op.lock,
        transactional: true,
        stage: Stage::Main,
        group: 0,
        reverse_sql: Vec::new(),
        reverse_loses_data: false,
        reason: None,
        keys: op.keys.clone(),
        phase: op.phase,
    }
}
