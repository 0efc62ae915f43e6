//! Constraints of an existing table: added, dropped, renamed, validated.

#![allow(unused_imports)]
use super::columns::*;
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
    pub(super) fn alter_constraints(&mut self, o: &'a Table, t: &'a Table) {
        let n = &t.name;
        let name = n.sql();
        let source = &o.name;
        let mut kept = BTreeSet::new();
        for c in t.constraints.values() {
            let from_name = self
                .rn
                .constraints
                .get(&(n.clone(), c.name.clone()))
                .cloned()
                .unwrap_or_else(|| c.name.clone());
            let okey = Key::constraint(source, from_name.clone());
            match o.constraints.get(&from_name) {
                Some(oc) if !self.gone.contains(&okey) => {
                    kept.insert(from_name.clone());
                    let key = Key::constraint(n, &c.name);
                    let mut sql = Vec::new();
                    let mut changes = Vec::new();
                    if from_name != c.name {
                        sql.push(format!(
                            "ALTER TABLE {name} RENAME CONSTRAINT {} TO {}",
                            ident(&from_name),
                            ident(&c.name)
                        ));
                        changes.push(Change::Rename);
                    }
                    if oc.not_valid && !c.not_valid {
                        sql.push(render::validate_constraint(n, &c.name));
                        changes.push(Change::Validate);
                    }
                    if oc.comment != c.comment {
                        sql.push(render::comment(
                            &format!("CONSTRAINT {} ON {name}", ident(&c.name)),
                            &c.comment,
                        ));
                        changes.push(Change::Comment);
                    }
                    if !sql.is_empty() {
                        let kind = if from_name != c.name {
                            OpKind::Rename
                        } else {
                            OpKind::Alter
                        };
                        let validates_only = changes == [Change::Validate];
                        let i = self.push_changes(
                            Step {
                                kind,
                                object: K::Constraint,
                                label: format!("{n}.{}", c.name),
                                keys: vec![key, okey],
                                sql,
                                destructive: false,
                                lock: LockMode::ShareUpdateExclusive,
                                phase: Phase::Alter,
                            },
                            changes,
                        );
                        if validates_only {
                            self.out.ops[i].action = crate::plan::Action::Validate;
                        }
                    }
                }
                _ => {
                    if !self.try_auto_rename(o, t, c, &mut kept) {
                        self.add_constraint(n, c);
                    }
                }
            }
        }
        for oc in o.constraints.values() {
            if kept.contains(&oc.name) {
                continue;
            }
            let okey = Key::constraint(source, &oc.name);
            let i = self.push(Step {
                kind: OpKind::Drop,
                object: K::Constraint,
                label: format!("{n}.{}", oc.name),
                keys: vec![okey.clone()],
                sql: vec![format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    source.sql(),
                    ident(&oc.name)
                )],
                destructive: false,
                lock: LockMode::AccessExclusive,
                phase: Phase::Drop,
            });
            self.reason(i, &okey);
        }
    }

    /// A constraint of a renamed table whose generated name changed with the table keeps its
    /// index and data: it is renamed rather than dropped and re-created.
    pub(super) fn try_auto_rename(
        &mut self,
        o: &'a Table,
        t: &'a Table,
        c: &'a Constraint,
        kept: &mut BTreeSet<String>,
    ) -> bool {
        if o.name == t.name {
            return false;
        }
        let Some(candidate) = o.constraints.values().find(|oc| {
            !kept.contains(&oc.name)
                && !t.constraints.contains_key(&oc.name)
                && constraint_same(oc, c)
                && !self.gone.contains(&Key::constraint(&o.name, &oc.name))
        }) else {
            return false;
        };
        kept.insert(candidate.name.clone());
        let sql = vec![format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            t.name.sql(),
            ident(&candidate.name),
            ident(&c.name)
        )];
        self.push(Step {
            kind: OpKind::Rename,
            object: K::Constraint,
            label: format!("{}.{} -> {}", t.name, candidate.name, c.name),
            keys: vec![
                Key::constraint(&t.name, &c.name),
                Key::constraint(&o.name, &candidate.name),
            ],
            sql,
            destructive: false,
            lock: LockMode::AccessExclusive,
            phase: Phase::Alter,
        });
        true
    }
}

pub(super) fn constraint_same(a: &Constraint, b: &Constraint) -> bool {
    a.kind == b.kind
        && a.deferrable == b.deferrable
        && a.initially_deferred == b.initially_deferred
        && a.no_inherit == b.no_inherit
        && (a.not_valid == b.not_valid || (a.not_valid && !b.not_valid))
}
