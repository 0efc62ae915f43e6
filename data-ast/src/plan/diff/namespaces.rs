//! Schemas, extensions and collations.

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
    pub(super) fn schemas(&mut self) {
        let (from, to) = (self.from, self.to);
        // `public` exists in every database: it is never created or dropped by a plan.
        for (n, s) in to.schemas.iter().filter(|(n, _)| *n != "public") {
            match from.schemas.get(n) {
                None => {
                    let sql = render::with_comment(
                        format!("CREATE SCHEMA {}", ident(n)),
                        &format!("SCHEMA {}", ident(n)),
                        &s.comment,
                    );
                    self.push(Step {
                        kind: OpKind::Create,
                        object: K::Schema,
                        label: n.clone(),
                        keys: vec![Key::schema(n)],
                        sql,
                        destructive: false,
                        lock: LockMode::None,
                        phase: Phase::Prepare,
                    });
                }
                Some(o) if o.comment != s.comment => {
                    self.push(Step {
                        kind: OpKind::Alter,
                        object: K::Schema,
                        label: n.clone(),
                        keys: vec![Key::schema(n)],
                        sql: vec![render::comment(&format!("SCHEMA {}", ident(n)), &s.comment)],
                        destructive: false,
                        lock: LockMode::None,
                        phase: Phase::Alter,
                    });
                }
                _ => {}
            }
        }
        for n in from
            .schemas
            .keys()
            .filter(|n| !to.schemas.contains_key(*n) && *n != "public")
        {
            self.push(Step {
                kind: OpKind::Drop,
                object: K::Schema,
                label: n.clone(),
                keys: vec![Key::schema(n)],
                sql: vec![format!("DROP SCHEMA {}", ident(n))],
                destructive: true,
                lock: LockMode::AccessExclusive,
                phase: Phase::Teardown,
            });
        }
    }

    pub(super) fn extensions(&mut self) {
        let (from, to) = (self.from, self.to);
        // plpgsql is installed in every database.
        for (n, e) in from.extensions.iter().filter(|(n, _)| *n != "plpgsql") {
            let e: &Extension = e;
            if self.gone.contains(&Key::extension(n)) {
                self.push(Step {
                    kind: OpKind::Drop,
                    object: K::Extension,
                    label: n.clone(),
                    keys: vec![Key::extension(n)],
                    sql: vec![format!("DROP EXTENSION {}", ident(n))],
                    destructive: true,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Teardown,
                });
            } else if let Some(t) = to.extensions.get(n) {
                if t.schema != e.schema {
                    let target = t.schema.clone().unwrap_or_else(|| "public".to_string());
                    self.push(Step {
                        kind: OpKind::Alter,
                        object: K::Extension,
                        label: n.clone(),
                        keys: vec![Key::extension(n)],
                        sql: vec![format!(
                            "ALTER EXTENSION {} SET SCHEMA {}",
                            ident(n),
                            ident(&target)
                        )],
                        destructive: false,
                        lock: LockMode::None,
                        phase: Phase::Alter,
                    });
                }
                if t.version != e.version && t.version.is_some() {
                    let v = t.version.clone().unwrap_or_default();
                    self.push(Step {
                        kind: OpKind::Alter,
                        object: K::Extension,
                        label: n.clone(),
                        keys: vec![Key::extension(n)],
                        sql: vec![format!(
                            "ALTER EXTENSION {} UPDATE TO {}",
                            ident(n),
                            literal(&v)
                        )],
                        destructive: false,
                        lock: LockMode::None,
                        phase: Phase::Prepare,
                    });
                }
            }
        }
        for (n, e) in to.extensions.iter().filter(|(n, _)| *n != "plpgsql") {
            if !from.extensions.contains_key(n) || self.gone.contains(&Key::extension(n)) {
                let mut sql = format!("CREATE EXTENSION {}", ident(n));
                if let Some(s) = &e.schema {
                    sql.push_str(&format!(" WITH SCHEMA {}", ident(s)));
                }
                if let Some(v) = &e.version {
                    sql.push_str(&format!(" VERSION {}", literal(v)));
                }
                self.push(Step {
                    kind: OpKind::Create,
                    object: K::Extension,
                    label: n.clone(),
                    keys: vec![Key::extension(n)],
                    sql: vec![sql],
                    destructive: false,
                    lock: LockMode::None,
                    phase: Phase::Prepare,
                });
            }
        }
    }

    pub(super) fn collations(&mut self) {
        let (from, to) = (self.from, self.to);
        for n in from.collations.keys() {
            if self.gone.contains(&Key::collation(n)) {
                self.push(Step {
                    kind: OpKind::Drop,
                    object: K::Collation,
                    label: n.to_string(),
                    keys: vec![Key::collation(n)],
                    sql: vec![format!("DROP COLLATION {}", n.sql())],
                    destructive: false,
                    lock: LockMode::None,
                    phase: Phase::Drop,
                });
            }
        }
        for (n, c) in &to.collations {
            if !from.collations.contains_key(n) || self.gone.contains(&Key::collation(n)) {
                self.push(Step {
                    kind: OpKind::Create,
                    object: K::Collation,
                    label: n.to_string(),
                    keys: vec![Key::collation(n)],
                    sql: vec![c.create_sql.clone()],
                    destructive: false,
                    lock: LockMode::None,
                    phase: Phase::Create,
                });
            }
        }
    }
}
