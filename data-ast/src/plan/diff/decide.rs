//! The first two passes: which source objects must go, and what their going takes along.

#![allow(unused_imports)]
use super::columns::*;
use super::constraints::*;
use super::indexes::*;
use super::routines::*;
use super::tables::*;
use super::types::*;
use super::{owned_rel, Differ, Renames, Step};
use crate::model::ObjectKind as K;
use crate::model::*;
use crate::plan::graph::Graph;
use crate::plan::{render, Change, LockMode, OpKind, Phase, Stage};
use crate::quote::{ident, literal};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

impl<'a> Differ<'a> {
    /// First pass: which source objects must go (dropped, or dropped and re-created).
    pub(super) fn decide(&mut self) {
        self.decide_types();
        self.decide_tables();
        self.decide_relations();
        let (from, to) = (self.from, self.to);
        for n in from.schemas.keys() {
            if !to.schemas.contains_key(n) {
                self.gone.insert(Key::schema(n));
            }
        }
        for n in from.extensions.keys() {
            if !to.extensions.contains_key(n) {
                self.gone.insert(Key::extension(n));
            }
        }
        for (n, c) in &from.collations {
            if to.collations.get(n).map(|t| &t.create_sql) != Some(&c.create_sql) {
                self.gone.insert(Key::collation(n));
            }
        }
    }

    /// Types that go: dropped, changed in kind, or rebuilt (enum labels removed or reordered,
    /// a domain's base type changed).
    fn decide_types(&mut self) {
        let (from, to) = (self.from, self.to);
        let renamed_types = self.rn.renamed_sources(K::Type);
        for (n, t) in &from.types {
            let target = self.target_of(K::Type, n, &renamed_types);
            match target.and_then(|tn| to.types.get(&tn)) {
                None => {
                    self.gone.insert(Key::ty(n));
                }
                Some(nt) => match (&t.kind, &nt.kind) {
                    (TypeKind::Enum { values: old, .. }, TypeKind::Enum { values: new, .. }) => {
                        let mapped: Vec<String> = old
                            .iter()
                            .map(|v| {
                                self.rn
                                    .labels
                                    .iter()
                                    .find(|((ty_, _), from)| *ty_ == nt.name && *from == v)
                                    .map(|((_, to_), _)| to_.clone())
                                    .unwrap_or_else(|| v.clone())
                            })
                            .collect();
                        if !is_subsequence(&mapped, new) {
                            self.swapped_enums.insert(n.clone());
                        }
                    }
                    (TypeKind::Domain { base: a, .. }, TypeKind::Domain { base: b, .. })
                        if a != b =>
                    {
                        self.swapped_enums.insert(n.clone());
                    }
                    (TypeKind::Range { create_sql: a }, TypeKind::Range { create_sql: b })
                        if a != b =>
                    {
                        self.gone.insert(Key::ty(n));
                    }
                    (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                        self.gone.insert(Key::ty(n));
                    }
                    _ => {}
                },
            }
        }
        for n in from.sequences.keys() {
            if !to.sequences.contains_key(n) {
                self.gone.insert(Key::sequence(n));
            }
        }
    }

    /// Tables that go, and the columns and constraints of kept tables that go or change type.
    fn decide_tables(&mut self) {
        let (from, to) = (self.from, self.to);
        let renamed_tables = self.rn.renamed_sources(K::Table);
        for (n, t) in &from.tables {
            let Some(nt) = self
                .target_of(K::Table, n, &renamed_tables)
                .and_then(|tn| to.tables.get(&tn))
            else {
                self.gone.insert(Key::table(n));
                continue;
            };
            if t.partition_by != nt.partition_by {
                self.gone.insert(Key::table(n));
                continue;
            }
            if same_table(t, nt) {
                continue;
            }
            for c in &t.columns {
                let key = Key::column(n, &c.name);
                let target_col = self
                    .rn
                    .columns
                    .iter()
                    .find(|((tt, _), from_c)| *tt == nt.name && **from_c == c.name)
                    .map(|((_, to_c), _)| to_c.clone())
                    .unwrap_or_else(|| c.name.clone());
                match nt.column(&target_col) {
                    None => {
                        if nt.partition_of.is_none() && c.local {
                            self.gone.insert(key);
                        }
                    }
                    Some(nc) => {
                        if nc.generated != c.generated && nc.generated.is_some() {
                            self.gone.insert(key);
                        } else if nc.ty != c.ty || nc.collation != c.collation {
                            self.retyped.insert(key);
                        }
                    }
                }
            }
            for c in t.constraints.values() {
                let target = self.constraint_target(&nt.name, &c.name);
                let renamed_twin = t.name != nt.name
                    && !nt.constraints.contains_key(&target)
                    && nt
                        .constraints
                        .values()
                        .any(|x| !t.constraints.contains_key(&x.name) && constraint_same(c, x));
                match nt.constraints.get(&target) {
                    Some(nc) if constraint_same(c, nc) => {}
                    None if renamed_twin => {}
                    _ => {
                        self.gone.insert(Key::constraint(n, &c.name));
                    }
                }
            }
        }
    }

    /// Views, functions, indexes, triggers and policies that go (dropped, or re-created
    /// because their definition changed in a way no ALTER can express).
    fn decide_relations(&mut self) {
        let (from, to) = (self.from, self.to);
        let renamed_views = self.rn.renamed_sources(K::View);
        for (n, v) in &from.views {
            match self
                .target_of(K::View, n, &renamed_views)
                .and_then(|tn| to.views.get(&tn))
            {
                Some(nv) if rename_neutral(&v.create_sql, &v.name, &nv.name) == nv.create_sql => {}
                _ => {
                    self.gone.insert(Key::view(n));
                }
            }
        }
        for (id, f) in &from.functions {
            let target = self.function_target(id);
            match target.as_ref().and_then(|t| to.functions.get(t)) {
                Some(nf) if nf.signature == f.signature && nf.is_procedure == f.is_procedure => {}
                _ => {
                    self.gone.insert(Key::function(id));
                }
            }
        }
        let renamed_indexes = self.rn.renamed_sources(K::Index);
        for (n, i) in &from.indexes {
            match self
                .target_of(K::Index, n, &renamed_indexes)
                .and_then(|tn| to.indexes.get(&tn))
            {
                Some(ni) if index_same(i, ni) => {}
                _ => {
                    self.gone.insert(Key::index(n));
                }
            }
        }
        for (k, t) in &from.triggers {
            let target = (self.table_target(&k.0), k.1.clone());
            match to.triggers.get(&target) {
                Some(nt) if rename_neutral(&t.create_sql, &t.table, &nt.table) == nt.create_sql => {
                }
                _ => {
                    self.gone.insert(Key::trigger(&k.0, &k.1));
                }
            }
        }
        for (k, p) in &from.policies {
            let target = (self.table_target(&k.0), k.1.clone());
            match to.policies.get(&target) {
                Some(np)
                    if np.command == p.command
                        && np.permissive == p.permissive
                        && !(p.using.is_some() && np.using.is_none())
                        && !(p.check.is_some() && np.check.is_none()) => {}
                _ => {
                    self.gone.insert(Key::policy(&k.0, &k.1));
                }
            }
        }
    }

    /// Second pass: whatever depends on a dropped object (or on a column changing type) is
    /// dropped too, and re-created when the target still has it.
    pub(super) fn propagate(&mut self, g: &Graph<'a>) {
        if self.gone.is_empty() && self.retyped.is_empty() && self.swapped_enums.is_empty() {
            return;
        }
        let dependents = g.dependents();
        let mut queue: Vec<Key<'a>> = self
            .gone
            .iter()
            .chain(self.retyped.iter())
            .cloned()
            .collect();
        let from = self.from;
        for e in from
            .types
            .keys()
            .filter(|e| self.swapped_enums.contains(*e))
        {
            queue.push(Key::ty(e));
        }
        queue.sort();
        queue.reverse();
        let mut seen: HashSet<Key<'a>> = queue.iter().cloned().collect();
        while let Some(k) = queue.pop() {
            let hard_gone = self.gone.contains(&k) || matches!(k, Key::Type(_));
            let Some(deps) = dependents.get(&k) else {
                continue;
            };
            for &d in deps {
                let drop_it = match d {
                    Key::View(_)
                    | Key::Trigger(..)
                    | Key::Policy(..)
                    | Key::Function(..)
                    | Key::Type(_) => true,
                    // A column moved to a rebuilt enum or domain takes its indexes and CHECKs
                    // along: their predicates and expressions compare it with values of the
                    // old type (e.g. a partial index `WHERE status <> 'done'`).
                    Key::Index(_) => hard_gone || self.swap_retyped.contains(&k),
                    Key::Constraint(..) => {
                        hard_gone || (self.swap_retyped.contains(&k) && self.is_check_constraint(d))
                    }
                    Key::Table(_) => hard_gone,
                    Key::Column(..) => {
                        if matches!(k, Key::Function(..) | Key::Sequence(_)) {
                            self.reset_default.insert(d.clone());
                        } else if matches!(&k, Key::Type(q) if self.swapped_enums.contains(&QName::new(q.schema.as_ref(), q.name.as_ref())))
                        {
                            self.retyped.insert(d.clone());
                            self.swap_retyped.insert(d.clone());
                            if seen.insert(d.clone()) {
                                queue.push(d.clone());
                            }
                        }
                        false
                    }
                    _ => false,
                };
                if drop_it && !self.gone.contains(d) {
                    self.gone.insert(d.clone());
                    self.forced.insert(d.clone());
                    if seen.insert(d.clone()) {
                        queue.push(d.clone());
                    }
                }
            }
        }
    }

    /// Whether `key` names a CHECK constraint of the source schema.
    pub(super) fn is_check_constraint(&self, key: &Key<'_>) -> bool {
        let Key::Constraint(t, c) = key else {
            return false;
        };
        self.from
            .tables
            .get(&QName::new(t.schema.as_ref(), t.name.as_ref()))
            .and_then(|t| t.constraints.get(c.as_ref()))
            .is_some_and(|c| matches!(c.kind, crate::model::ConstraintKind::Check { .. }))
    }
}
