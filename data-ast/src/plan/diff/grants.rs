//! Privileges of managed roles, and statements passed through verbatim.

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
    /// GRANT and REVOKE for managed roles. Privileges go with a dropped object, so a re-created
    /// object gets all of its privileges again.
    pub(super) fn grants(&mut self) {
        let (from, to) = (self.from, self.to);
        if from.grants.is_empty() && to.grants.is_empty() {
            return;
        }
        let exists = |s: &Schema, t: &GrantTarget| match t {
            GrantTarget::Table(q) => s.tables.contains_key(q),
            GrantTarget::View(q) => s.views.contains_key(q),
            GrantTarget::Sequence(q) => s.sequences.contains_key(q),
            GrantTarget::Function(id) => s.functions.contains_key(id),
            GrantTarget::Schema(n) => s.schemas.contains_key(n),
        };
        let none = BTreeSet::new();
        let all: BTreeSet<&(GrantObject, String)> =
            from.grants.keys().chain(to.grants.keys()).collect();
        for k in all {
            let (object, role) = k;
            if !exists(to, &object.target) {
                continue;
            }
            // The source side's key: gone when the object is dropped (and maybe re-created).
            let kept = from
                .grants
                .get_key_value(k)
                .map(|(fk, _)| fk)
                .or_else(|| from.grants.keys().find(|fk| fk.0.target == object.target))
                .is_some_and(|fk| {
                    exists(from, &fk.0.target) && !self.gone.contains(&fk.0.target.key())
                });
            let old = if kept {
                from.grants.get(k).unwrap_or(&none)
            } else {
                &none
            };
            let new = to.grants.get(k).unwrap_or(&none);
            let grantee = if role == "public" {
                "PUBLIC".to_string()
            } else {
                ident(role)
            };
            let on = format!("{} {}", object.kind, object.sql);
            let mut sql = Vec::new();
            let mut changes = Vec::new();
            let revoked: Vec<&str> = old.difference(new).map(String::as_str).collect();
            if !revoked.is_empty() {
                sql.push(format!(
                    "REVOKE {} ON {on} FROM {grantee}",
                    revoked.join(", ")
                ));
                changes.push(Change::Revoke);
            }
            let granted: Vec<&str> = new.difference(old).map(String::as_str).collect();
            if !granted.is_empty() {
                sql.push(format!("GRANT {} ON {on} TO {grantee}", granted.join(", ")));
                changes.push(Change::Grant);
            }
            if !sql.is_empty() {
                let i = self.push_changes(
                    Step {
                        kind: OpKind::Alter,
                        object: K::Privilege,
                        label: format!("{} {} to {role}", object.kind.to_lowercase(), object.sql),
                        keys: vec![Key::Grant(Box::new(object.target.key()))],
                        sql,
                        destructive: false,
                        lock: LockMode::None,
                        phase: Phase::Create,
                    },
                    changes,
                );
                let mut target = object.target.object();
                target.kind = K::Privilege;
                target.member = Some(role.clone());
                self.out.ops[i].object = target;
            }
        }
    }

    pub(super) fn passthrough(&mut self) {
        let (from, to) = (self.from, self.to);
        for p in &to.passthrough {
            if !from.passthrough.iter().any(|o| o.sql == p.sql) {
                self.push(Step {
                    kind: OpKind::Create,
                    object: K::Statement,
                    label: format!("{} at {}", p.kind, p.origin),
                    keys: vec![Key::Statement(Cow::Borrowed(&p.sql))],
                    sql: vec![p.sql.clone()],
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Late,
                });
            }
        }
        for p in &from.passthrough {
            if !to.passthrough.iter().any(|o| o.sql == p.sql) {
                self.out.warnings.push(format!("{} ({}) is gone from golden SQL but was passed through, so it is not dropped: drop it by hand if intended", p.kind, p.origin));
            }
        }
    }
}
