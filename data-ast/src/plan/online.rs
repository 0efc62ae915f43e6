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

use super::draft::Draft;
use super::render;
use super::{Action, Change, LockMode, ObjectKind as K, OpKind, Operation, Stage};
use crate::model::*;
use crate::quote::ident;
use std::collections::BTreeSet;

/// Rewrites `draft` (from `from` to `to`, not yet ordered) into its online-safe form.
pub(crate) fn rewrite<'a>(draft: &mut Draft<'a>, from: &'a Schema, to: &'a Schema) {
    let created: BTreeSet<QName> = draft
        .ops
        .iter()
        .filter(|o| o.kind == OpKind::Create && is_relation(o.object.kind))
        .map(|o| o.object.qname())
        .collect();
    let dropped: BTreeSet<QName> = draft
        .ops
        .iter()
        .filter(|o| o.kind == OpKind::Drop && is_relation(o.object.kind))
        .map(|o| o.object.qname())
        .collect();
    let mut r = Rewriter {
        draft,
        from,
        to,
        created,
        dropped,
    };
    for i in 0..r.draft.ops.len() {
        let op = &r.draft.ops[i];
        match (op.kind, op.object.kind) {
            (OpKind::Create, K::Index) => r.create_index(i),
            (OpKind::Drop, K::Index) => r.drop_index(i),
            (OpKind::Create, K::Constraint) => r.add_constraint(i),
            (OpKind::Alter, K::Constraint) => r.validation(i),
            (OpKind::Alter, K::Column) => r.set_not_null(i),
            _ => {}
        }
    }
}

fn is_relation(kind: K) -> bool {
    matches!(kind, K::Table | K::View | K::MaterializedView)
}

struct Rewriter<'d, 'a> {
    draft: &'d mut Draft<'a>,
    from: &'a Schema,
    to: &'a Schema,
    /// The tables and views the plan creates (new or re-created).
    created: BTreeSet<QName>,
    /// The tables and views the plan drops.
    dropped: BTreeSet<QName>,
}

impl<'a> Rewriter<'_, 'a> {
    /// A table of the target schema that already exists before the plan runs and is not a
    /// partitioned parent.
    fn existing_table(&self, name: &QName) -> Option<&'a Table> {
        let t = self.to.tables.get(name)?;
        (!self.created.contains(name) && t.partition_by.is_none()).then_some(t)
    }

    /// Appends an operation (with `keys`) and returns its index.
    fn push(&mut self, op: Operation, keys: Vec<Key<'a>>) -> usize {
        self.draft.push(op, keys)
    }

    fn edge(&mut self, before: usize, after: usize) {
        self.draft.edges.push((before, after));
    }

    fn create_index(&mut self, i: usize) {
        let Some(ix) = self.to.indexes.get(&self.draft.ops[i].object.qname()) else {
            return;
        };
        let on_existing = match self.to.views.get(&ix.table) {
            Some(_) => !self.created.contains(&ix.table),
            None => self.existing_table(&ix.table).is_some(),
        };
        if !on_existing {
            return;
        }
        if let Some(sql) = render::create_index_concurrently(&ix.create_sql) {
            let op = &mut self.draft.ops[i];
            op.sql[0] = sql;
            op.transactional = false;
            op.stage = Stage::Concurrent;
            op.lock = LockMode::ShareUpdateExclusive;
        }
    }

    fn drop_index(&mut self, i: usize) {
        let Some(ix) = self.from.indexes.get(&self.draft.ops[i].object.qname()) else {
            return;
        };
        let table_stays = !self.dropped.contains(&ix.table);
        let partitioned = self
            .from
            .tables
            .get(&ix.table)
            .is_some_and(|t| t.partition_by.is_some());
        let op = &mut self.draft.ops[i];
        if table_stays && !partitioned && op.changes == [Change::Drop] {
            op.sql = vec![format!("DROP INDEX CONCURRENTLY {}", ix.name.sql())];
            op.transactional = false;
            op.stage = Stage::Before;
            op.lock = LockMode::ShareUpdateExclusive;
        }
    }

    fn add_constraint(&mut self, i: usize) {
        let object = &self.draft.ops[i].object;
        let Some(t) = self.existing_table(&object.qname()) else {
            return;
        };
        let Some(c) = object.member.as_deref().and_then(|m| t.constraints.get(m)) else {
            return;
        };
        if c.not_valid || self.draft.ops[i].changes.first() != Some(&Change::Create) {
            return;
        }
        match c.kind {
            ConstraintKind::ForeignKey { .. } | ConstraintKind::Check { .. } => {
                let not_valid = Constraint {
                    not_valid: true,
                    ..c.clone()
                };
                let add = &mut self.draft.ops[i];
                add.sql[0] = render::add_constraint(&t.name, &not_valid);
                add.changes[0] = Change::CreateNotValid;
                let validate = Operation {
                    kind: OpKind::Alter,
                    action: Action::Validate,
                    sql: vec![render::validate_constraint(&t.name, &c.name)],
                    changes: vec![Change::Validate],
                    lock: LockMode::ShareUpdateExclusive,
                    stage: Stage::Validate,
                    ..derived(add)
                };
                // Nothing waits for a validation: it is ordered after its constraint only.
                let v = self.push(validate, Vec::new());
                self.edge(i, v);
            }
            ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. } => {
                let (Some(build), Some(attach)) = (
                    render::unique_index_concurrently(&t.name, c),
                    render::add_constraint_using_index(&t.name, c),
                ) else {
                    return;
                };
                let add = &mut self.draft.ops[i];
                add.sql[0] = attach;
                add.changes[0] = Change::Attach;
                add.action = Action::Attach;
                add.stage = Stage::Finish;
                let index = Operation {
                    kind: OpKind::Create,
                    action: Action::Create,
                    object: ObjectRef::named(K::Index, &QName::new(&t.name.schema, &c.name)),
                    sql: vec![build],
                    changes: vec![Change::Create],
                    lock: LockMode::ShareUpdateExclusive,
                    transactional: false,
                    stage: Stage::Concurrent,
                    reason: Some(format!("the index of constraint {}", c.name)),
                    ..derived(add)
                };
                let constraint_keys = self.draft.keys[i].clone();
                // Keyed by its relation name only: the build needs its columns to exist, not a
                // NOT NULL the attaching constraint waits for.
                let x = self.push(
                    index,
                    vec![Key::RelName(QRef {
                        schema: t.name.schema.as_str().into(),
                        name: c.name.as_str().into(),
                    })],
                );
                self.edge(x, i);
                self.build_after_columns(x, t, c, &constraint_keys);
            }
            ConstraintKind::Exclude { .. } => {}
        }
    }

    /// Orders the concurrent build `x` of constraint `c`'s index after whatever creates or
    /// renames the table and columns it indexes, and after the drop of an old constraint of
    /// the same name (`constraint_keys`).
    fn build_after_columns(
        &mut self,
        x: usize,
        t: &'a Table,
        c: &'a Constraint,
        constraint_keys: &[Key<'a>],
    ) {
        let (columns, include) = match &c.kind {
            ConstraintKind::PrimaryKey { columns, include }
            | ConstraintKind::Unique {
                columns, include, ..
            } => (columns, include),
            _ => return,
        };
        let mut needs: BTreeSet<Key<'a>> = columns
            .iter()
            .chain(include)
            .map(|col| Key::column(&t.name, col))
            .collect();
        needs.insert(Key::table(&t.name));
        let before: Vec<usize> = (0..self.draft.ops.len())
            .filter(|&j| {
                let keys = &self.draft.keys[j];
                j != x
                    && match self.draft.ops[j].kind {
                        OpKind::Create | OpKind::Rename => keys.iter().any(|k| needs.contains(k)),
                        OpKind::Drop => keys.iter().any(|k| constraint_keys.contains(k)),
                        OpKind::Alter => false,
                    }
            })
            .collect();
        for j in before {
            self.edge(j, x);
        }
    }

    /// A plain `VALIDATE CONSTRAINT` of a constraint that was `NOT VALID` runs like the
    /// validations this module adds: in a transaction of its own, after the main one.
    fn validation(&mut self, i: usize) {
        let op = &mut self.draft.ops[i];
        if op.changes.iter().all(|c| *c == Change::Validate) {
            op.stage = Stage::Validate;
        }
    }

    fn set_not_null(&mut self, i: usize) {
        let object = &self.draft.ops[i].object;
        let Some(t) = self.existing_table(&object.qname()) else {
            return;
        };
        let Some(col) = object.member.as_deref().and_then(|m| t.column(m)) else {
            return;
        };
        if col.identity.is_some() || !col.not_null {
            return;
        }
        let op = &self.draft.ops[i];
        if op.changes.contains(&Change::Type) {
            // The table is rewritten under an exclusive lock anyway.
            return;
        }
        let Some(at) = op.changes.iter().position(|c| *c == Change::SetNotNull) else {
            return;
        };
        let helper = self.helper_name(t, &col.name);
        let name = t.name.sql();
        let base = Operation {
            identity: format!("{}.{} not null check", t.name, col.name),
            ..derived(op)
        };
        let check = Operation {
            sql: vec![format!(
                "ALTER TABLE {name} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                ident(&helper),
                ident(&col.name)
            )],
            changes: vec![Change::CreateNotValid],
            lock: LockMode::AccessExclusive,
            reason: Some("proves NOT NULL without a scan under an exclusive lock".into()),
            ..base.clone()
        };
        let validate = Operation {
            action: Action::Validate,
            sql: vec![render::validate_constraint(&t.name, &helper)],
            changes: vec![Change::Validate],
            lock: LockMode::ShareUpdateExclusive,
            stage: Stage::Validate,
            ..base.clone()
        };
        let finish = Operation {
            identity: format!("{}.{}", t.name, col.name),
            sql: vec![
                render::set_not_null(&t.name, &col.name),
                format!("ALTER TABLE {name} DROP CONSTRAINT {}", ident(&helper)),
            ],
            changes: vec![Change::SetNotNullProved, Change::Drop],
            lock: LockMode::AccessExclusive,
            stage: Stage::Finish,
            reason: Some("the validated check proves NOT NULL, so no scan".into()),
            ..base
        };
        let keys = self.draft.keys[i].clone();
        let op = &mut self.draft.ops[i];
        op.sql.remove(at);
        op.changes.remove(at);
        let first = if op.sql.is_empty() {
            *op = check;
            i
        } else {
            let c = self.push(check, keys.clone());
            self.edge(i, c);
            c
        };
        let v = self.push(validate, keys.clone());
        let f = self.push(finish, keys);
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

/// A new operation with `op`'s description and ordering phase, and no SQL of its own yet.
fn derived(op: &Operation) -> Operation {
    Operation {
        kind: op.kind,
        action: op.action,
        object: op.object.clone(),
        identity: op.identity.clone(),
        sql: Vec::new(),
        changes: Vec::new(),
        destructive: false,
        lock: op.lock,
        rewrite: false,
        tables: Vec::new(),
        origin: Default::default(),
        transactional: true,
        stage: Stage::Main,
        phase: op.phase,
        group: 0,
        reverse_sql: Vec::new(),
        reverse_loses_data: false,
        reason: None,
    }
}
