//! Triggers and row-level security policies.

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
    pub(super) fn triggers(&mut self) {
        let (from, to) = (self.from, self.to);
        for k in from.triggers.keys() {
            let sql = format!("DROP TRIGGER {} ON {}", ident(&k.1), k.0.sql());
            self.drop_gone(
                K::Trigger,
                format!("{}.{}", k.0, k.1),
                vec![Key::trigger(&k.0, &k.1)],
                sql,
                false,
                LockMode::ShareRowExclusive,
            );
        }
        for (k, t) in &to.triggers {
            let source = (self.rn.source(K::Table, &k.0), k.1.clone());
            let skey = Key::trigger(source.0.clone(), source.1.clone());
            let key = Key::trigger(&k.0, &k.1);
            match from.triggers.get(&source) {
                Some(ot) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if ot.enabled != t.enabled {
                        sql.push(format!(
                            "ALTER TABLE {} {} TRIGGER {}",
                            k.0.sql(),
                            t.enabled,
                            ident(&k.1)
                        ));
                    }
                    if ot.comment != t.comment {
                        sql.push(render::comment(
                            &format!("TRIGGER {} ON {}", ident(&k.1), k.0.sql()),
                            &t.comment,
                        ));
                    }
                    if !sql.is_empty() {
                        self.push(Step {
                            kind: OpKind::Alter,
                            object: K::Trigger,
                            label: format!("{}.{}", k.0, k.1),
                            keys: vec![key],
                            sql,
                            destructive: false,
                            lock: LockMode::ShareRowExclusive,
                            phase: Phase::Create,
                        });
                    }
                }
                _ => {
                    let mut sql = vec![t.create_sql.clone()];
                    if t.enabled != "ENABLE" {
                        sql.push(format!(
                            "ALTER TABLE {} {} TRIGGER {}",
                            k.0.sql(),
                            t.enabled,
                            ident(&k.1)
                        ));
                    }
                    if t.comment.is_some() {
                        sql.push(render::comment(
                            &format!("TRIGGER {} ON {}", ident(&k.1), k.0.sql()),
                            &t.comment,
                        ));
                    }
                    self.create(
                        K::Trigger,
                        format!("{}.{}", k.0, k.1),
                        vec![key],
                        sql,
                        LockMode::ShareRowExclusive,
                        &skey,
                    );
                }
            }
        }
    }

    pub(super) fn policies(&mut self) {
        let (from, to) = (self.from, self.to);
        for k in from.policies.keys() {
            let sql = format!("DROP POLICY {} ON {}", ident(&k.1), k.0.sql());
            self.drop_gone(
                K::Policy,
                format!("{}.{}", k.0, k.1),
                vec![Key::policy(&k.0, &k.1)],
                sql,
                false,
                LockMode::AccessExclusive,
            );
        }
        for (k, p) in &to.policies {
            let source = (self.rn.source(K::Table, &k.0), k.1.clone());
            let skey = Key::policy(source.0.clone(), source.1.clone());
            let key = Key::policy(&k.0, &k.1);
            let on = format!("{} ON {}", ident(&k.1), k.0.sql());
            match from.policies.get(&source) {
                Some(op) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if op.roles != p.roles || op.using != p.using || op.check != p.check {
                        let mut s = format!("ALTER POLICY {on} TO {}", p.roles.join(", "));
                        if let Some(u) = &p.using {
                            s.push_str(&format!(" USING ({})", u.sql));
                        }
                        if let Some(c) = &p.check {
                            s.push_str(&format!(" WITH CHECK ({})", c.sql));
                        }
                        sql.push(s);
                    }
                    if op.comment != p.comment {
                        sql.push(render::comment(&format!("POLICY {on}"), &p.comment));
                    }
                    if !sql.is_empty() {
                        self.push(Step {
                            kind: OpKind::Alter,
                            object: K::Policy,
                            label: format!("{}.{}", k.0, k.1),
                            keys: vec![key],
                            sql,
                            destructive: false,
                            lock: LockMode::AccessExclusive,
                            phase: Phase::Create,
                        });
                    }
                }
                _ => {
                    let sql = render::with_comment(
                        render::create_policy(p),
                        &format!("POLICY {on}"),
                        &p.comment,
                    );
                    self.create(
                        K::Policy,
                        format!("{}.{}", k.0, k.1),
                        vec![key],
                        sql,
                        LockMode::AccessExclusive,
                        &skey,
                    );
                }
            }
        }
    }
}
