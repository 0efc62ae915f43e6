//! Tables: created, dropped, renamed, and their table-level properties.

#![allow(unused_imports)]
use super::columns::*;
use super::constraints::*;
use super::indexes::*;
use super::routines::*;
use super::types::*;
use super::{owned_rel, Differ, Renames, Step};
use crate::model::ObjectKind as K;
use crate::model::*;
use crate::plan::graph::Graph;
use crate::plan::{render, Action, Change, LockMode, OpKind, Phase, Stage};
use crate::quote::{ident, literal};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

impl<'a> Differ<'a> {
    pub(super) fn tables(&mut self) {
        let (from, to) = (self.from, self.to);
        for (n, t) in &from.tables {
            let key = Key::table(n);
            if !self.gone.contains(&key) {
                continue;
            }
            let mut keys = vec![key.clone(), Key::relname(n)];
            keys.extend(t.columns.iter().map(|c| Key::column(n, &c.name)));
            keys.extend(
                t.constraints
                    .values()
                    .filter(|c| render::inline_constraint(c))
                    .map(|c| Key::constraint(n, &c.name)),
            );
            let i = self.push(Step {
                kind: OpKind::Drop,
                object: K::Table,
                label: n.to_string(),
                keys,
                sql: vec![format!("DROP TABLE {}", n.sql())],
                destructive: true,
                lock: LockMode::AccessExclusive,
                phase: Phase::Drop,
            });
            for c in t
                .constraints
                .values()
                .filter(|c| !render::inline_constraint(c))
            {
                let ck = Key::constraint(n, &c.name);
                let j = self.push(Step {
                    kind: OpKind::Drop,
                    object: K::Constraint,
                    label: format!("{n}.{}", c.name),
                    keys: vec![ck],
                    sql: vec![format!(
                        "ALTER TABLE {} DROP CONSTRAINT {}",
                        n.sql(),
                        ident(&c.name)
                    )],
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Drop,
                });
                self.edge(j, i);
            }
        }
        for (n, t) in &to.tables {
            let source = self.rn.source(K::Table, n);
            match from.tables.get(&source) {
                Some(o) if !self.gone.contains(&Key::table(&source)) => self.alter_table(o, t),
                _ => self.create_table(t),
            }
        }
    }

    pub(super) fn create_table(&mut self, t: &'a Table) {
        let n = &t.name;
        let mut keys = vec![Key::table(n), Key::relname(n)];
        keys.extend(t.columns.iter().map(|c| Key::column(n, &c.name)));
        if t.partition_of.is_none() {
            keys.extend(
                t.constraints
                    .values()
                    .filter(|c| render::inline_constraint(c))
                    .map(|c| Key::constraint(n, &c.name)),
            );
        }
        let mut sql = vec![render::create_table(t)];
        sql.extend(render::table_extras(t));
        let i = self.push(Step {
            kind: OpKind::Create,
            object: K::Table,
            label: n.to_string(),
            keys,
            sql,
            destructive: false,
            lock: LockMode::AccessExclusive,
            phase: Phase::Create,
        });
        self.reason(i, &Key::table(n));
        if t.partition_of.is_some() {
            for c in t
                .constraints
                .values()
                .filter(|c| render::inline_constraint(c))
            {
                self.out.keys[i].push(Key::constraint(n, &c.name));
            }
        }
        for c in t
            .constraints
            .values()
            .filter(|c| !render::inline_constraint(c))
        {
            self.add_constraint(n, c);
        }
    }

    pub(super) fn add_constraint(&mut self, table: &'a QName, c: &'a Constraint) {
        let sql = render::with_comment(
            render::add_constraint(table, c),
            &format!("CONSTRAINT {} ON {}", ident(&c.name), table.sql()),
            &c.comment,
        );
        let lock = if matches!(c.kind, ConstraintKind::ForeignKey { .. }) {
            LockMode::ShareRowExclusive
        } else {
            LockMode::AccessExclusive
        };
        let key = Key::constraint(table, &c.name);
        self.create(
            K::Constraint,
            format!("{table}.{}", c.name),
            vec![key.clone()],
            sql,
            lock,
            &key,
        );
    }

    pub(super) fn alter_table(&mut self, o: &'a Table, t: &'a Table) {
        // Most tables of a large schema are unchanged: skip them unless a dependency forces work.
        if o.name == t.name && same_table(o, t) && !self.touches(&o.name) {
            return;
        }
        let n = &t.name;
        let name = n.sql();
        let source = &o.name;
        if source != n {
            let mut sql = Vec::new();
            if source.name != n.name {
                sql.push(format!(
                    "ALTER TABLE {} RENAME TO {}",
                    source.sql(),
                    ident(&n.name)
                ));
            }
            if source.schema != n.schema {
                sql.push(format!(
                    "ALTER TABLE {} SET SCHEMA {}",
                    QName::new(&source.schema, &n.name).sql(),
                    ident(&n.schema)
                ));
            }
            self.push(Step {
                kind: OpKind::Rename,
                object: K::Table,
                label: format!("{source} -> {n}"),
                keys: vec![Key::table(n), Key::table(source), Key::relname(n)],
                sql,
                destructive: false,
                lock: LockMode::AccessExclusive,
                phase: Phase::Alter,
            });
        }
        // Partition membership first: a detached partition must not receive the parent's new columns.
        if o.partition_of != t.partition_of {
            if let Some((parent, _)) = &o.partition_of {
                let i = self.push(Step {
                    kind: OpKind::Alter,
                    object: K::Table,
                    label: n.to_string(),
                    keys: vec![Key::Detach(n.into())],
                    sql: vec![format!(
                        "ALTER TABLE {} DETACH PARTITION {name}",
                        parent.sql()
                    )],
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Prepare,
                });
                self.out.ops[i].action = Action::Detach;
                self.out.ops[i].changes = vec![Change::Detach];
            }
            if let Some((parent, bound)) = &t.partition_of {
                let i = self.push(Step {
                    kind: OpKind::Alter,
                    object: K::Table,
                    label: n.to_string(),
                    keys: vec![Key::table(n)],
                    sql: vec![format!(
                        "ALTER TABLE {} ATTACH PARTITION {name} {bound}",
                        parent.sql()
                    )],
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Create,
                });
                self.out.ops[i].action = Action::Attach;
                self.out.ops[i].changes = vec![Change::Attach];
            }
        }
        let mut flags = Vec::new();
        if o.unlogged != t.unlogged {
            flags.push(format!(
                "ALTER TABLE {name} SET {}",
                if t.unlogged { "UNLOGGED" } else { "LOGGED" }
            ));
        }
        for p in o.inherits.iter().filter(|p| !t.inherits.contains(p)) {
            flags.push(format!("ALTER TABLE {name} NO INHERIT {}", p.sql()));
        }
        if o.options != t.options {
            let removed: Vec<String> = o
                .options
                .iter()
                .map(|x| x.split('=').next().unwrap_or("").to_string())
                .filter(|k| {
                    !t.options
                        .iter()
                        .any(|x| x.split('=').next() == Some(k.as_str()))
                })
                .collect();
            if !removed.is_empty() {
                flags.push(format!("ALTER TABLE {name} RESET ({})", removed.join(", ")));
            }
            if !t.options.is_empty() {
                flags.push(format!("ALTER TABLE {name} SET ({})", t.options.join(", ")));
            }
        }
        if !flags.is_empty() {
            let options = vec![Change::Options; flags.len()];
            self.push_changes(
                Step {
                    kind: OpKind::Alter,
                    object: K::Table,
                    label: n.to_string(),
                    keys: vec![Key::table(n)],
                    sql: flags,
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Alter,
                },
                options,
            );
        }
        let added_parents: Vec<&QName> = t
            .inherits
            .iter()
            .filter(|p| !o.inherits.contains(p))
            .collect();
        for p in added_parents {
            self.push(Step {
                kind: OpKind::Alter,
                object: K::Table,
                label: n.to_string(),
                keys: vec![Key::table(n)],
                sql: vec![format!("ALTER TABLE {name} INHERIT {}", p.sql())],
                destructive: false,
                lock: LockMode::AccessExclusive,
                phase: Phase::Create,
            });
            let last = self.out.ops.len() - 1;
            self.out.ops[last].changes = vec![Change::Options];
        }
        self.alter_columns(o, t);
        self.alter_constraints(o, t);
        let mut late = Vec::new();
        let mut changes = Vec::new();
        if o.rls_enabled != t.rls_enabled {
            late.push(format!(
                "ALTER TABLE {name} {} ROW LEVEL SECURITY",
                if t.rls_enabled { "ENABLE" } else { "DISABLE" }
            ));
            changes.push(Change::RowSecurity);
        }
        if o.rls_forced != t.rls_forced {
            late.push(format!(
                "ALTER TABLE {name} {} ROW LEVEL SECURITY",
                if t.rls_forced { "FORCE" } else { "NO FORCE" }
            ));
            changes.push(Change::RowSecurity);
        }
        if o.comment != t.comment {
            late.push(render::comment(&format!("TABLE {name}"), &t.comment));
            changes.push(Change::Comment);
        }
        if !late.is_empty() {
            self.push_changes(
                Step {
                    kind: OpKind::Alter,
                    object: K::Table,
                    label: n.to_string(),
                    keys: vec![Key::table(n)],
                    sql: late,
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Alter,
                },
                changes,
            );
        }
    }
}

/// Whether two tables have the same definition (their source positions aside).
pub(super) fn same_table(a: &Table, b: &Table) -> bool {
    let column = |x: &Column, y: &Column| {
        x.name == y.name
            && x.ty == y.ty
            && x.collation == y.collation
            && x.default == y.default
            && x.not_null == y.not_null
            && x.identity == y.identity
            && x.identity_options == y.identity_options
            && x.generated == y.generated
            && x.comment == y.comment
            && x.renamed_from == y.renamed_from
            && x.local == y.local
    };
    let constraint = |x: &Constraint, y: &Constraint| {
        x.name == y.name
            && x.kind == y.kind
            && x.deferrable == y.deferrable
            && x.initially_deferred == y.initially_deferred
            && x.not_valid == y.not_valid
            && x.no_inherit == y.no_inherit
            && x.comment == y.comment
            && x.renamed_from == y.renamed_from
    };
    a.name == b.name
        && a.unlogged == b.unlogged
        && a.partition_by == b.partition_by
        && a.partition_of == b.partition_of
        && a.inherits == b.inherits
        && a.rls_enabled == b.rls_enabled
        && a.rls_forced == b.rls_forced
        && a.options == b.options
        && a.comment == b.comment
        && a.renamed_from == b.renamed_from
        && a.columns.len() == b.columns.len()
        && a.columns.iter().zip(&b.columns).all(|(x, y)| column(x, y))
        && a.constraints.len() == b.constraints.len()
        && a.constraints
            .values()
            .zip(b.constraints.values())
            .all(|(x, y)| constraint(x, y))
}
