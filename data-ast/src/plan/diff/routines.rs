//! Functions, procedures, views and materialized views.

#![allow(unused_imports)]
use super::columns::*;
use super::constraints::*;
use super::indexes::*;
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
    pub(super) fn functions(&mut self) {
        let (from, to) = (self.from, self.to);
        for (id, f) in &from.functions {
            let what = if f.is_procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            };
            self.drop_gone(
                K::Function,
                id.to_string(),
                vec![Key::function(id)],
                format!("DROP {what} {}", id.sql()),
                false,
                LockMode::None,
            );
        }
        for (id, f) in &to.functions {
            let source_name = self.rn.source(K::Function, &id.name);
            let source = FuncId {
                name: source_name,
                args: id.args.clone(),
            };
            let skey = Key::Function(
                QRef::from(source.name.clone()),
                Cow::Owned(source.args.clone()),
            );
            let key = Key::function(id);
            let what = if f.is_procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            };
            match from.functions.get(&source) {
                Some(of) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if source != *id {
                        if source.name.name != id.name.name {
                            sql.push(format!(
                                "ALTER {what} {} RENAME TO {}",
                                source.sql(),
                                ident(&id.name.name)
                            ));
                        }
                        if source.name.schema != id.name.schema {
                            sql.push(format!(
                                "ALTER {what} {}({}) SET SCHEMA {}",
                                QName::new(&source.name.schema, &id.name.name).sql(),
                                id.args.join(", "),
                                ident(&id.name.schema)
                            ));
                        }
                        self.push(Step {
                            kind: OpKind::Rename,
                            object: K::Function,
                            label: format!("{source} -> {id}"),
                            keys: vec![key.clone(), skey.clone()],
                            sql: std::mem::take(&mut sql),
                            destructive: false,
                            lock: LockMode::None,
                            phase: Phase::Alter,
                        });
                    }
                    let mut changes = Vec::new();
                    if rename_neutral(&of.create_sql, &source.name, &id.name) != f.create_sql {
                        sql.push(render::or_replace(&f.create_sql));
                        changes.push(Change::Replace);
                    }
                    if of.comment != f.comment {
                        sql.push(render::comment(&format!("{what} {}", id.sql()), &f.comment));
                        changes.push(Change::Comment);
                    }
                    if !sql.is_empty() {
                        let replaces = changes.contains(&Change::Replace);
                        let i = self.push(Step {
                            kind: OpKind::Alter,
                            object: K::Function,
                            label: id.to_string(),
                            keys: vec![key],
                            sql,
                            destructive: false,
                            lock: LockMode::None,
                            phase: Phase::Create,
                        });
                        self.out.ops[i].changes = changes;
                        if replaces {
                            self.out.ops[i].action = crate::plan::Action::Replace;
                        }
                    }
                }
                _ => {
                    let sql = render::with_comment(
                        f.create_sql.clone(),
                        &format!("{what} {}", id.sql()),
                        &f.comment,
                    );
                    self.create(
                        K::Function,
                        id.to_string(),
                        vec![key],
                        sql,
                        LockMode::None,
                        &skey,
                    );
                }
            }
        }
    }

    pub(super) fn views(&mut self) {
        let (from, to) = (self.from, self.to);
        for (n, v) in &from.views {
            let (kind, what) = if v.materialized {
                (K::MaterializedView, "MATERIALIZED VIEW")
            } else {
                (K::View, "VIEW")
            };
            self.drop_gone(
                kind,
                n.to_string(),
                vec![Key::view(n), Key::relname(n)],
                format!("DROP {what} {}", n.sql()),
                false,
                LockMode::AccessExclusive,
            );
        }
        for (n, v) in &to.views {
            let source = self.rn.source(K::View, n);
            let skey = Key::view(source.clone());
            let key = Key::view(n);
            let (kind, what) = if v.materialized {
                (K::MaterializedView, "MATERIALIZED VIEW")
            } else {
                (K::View, "VIEW")
            };
            match from.views.get(&source) {
                Some(ov) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if source != *n {
                        if source.name != n.name {
                            sql.push(format!(
                                "ALTER {what} {} RENAME TO {}",
                                source.sql(),
                                ident(&n.name)
                            ));
                        }
                        if source.schema != n.schema {
                            sql.push(format!(
                                "ALTER {what} {} SET SCHEMA {}",
                                QName::new(&source.schema, &n.name).sql(),
                                ident(&n.schema)
                            ));
                        }
                        self.push(Step {
                            kind: OpKind::Rename,
                            object: kind,
                            label: format!("{source} -> {n}"),
                            keys: vec![key.clone(), skey.clone(), Key::relname(n)],
                            sql: std::mem::take(&mut sql),
                            destructive: false,
                            lock: LockMode::AccessExclusive,
                            phase: Phase::Alter,
                        });
                    }
                    if ov.comment != v.comment {
                        sql.push(render::comment(&format!("{what} {}", n.sql()), &v.comment));
                    }
                    sql.extend(column_comment_changes(
                        &ov.column_comments,
                        &v.column_comments,
                        n,
                    ));
                    if !sql.is_empty() {
                        self.push(Step {
                            kind: OpKind::Alter,
                            object: kind,
                            label: n.to_string(),
                            keys: vec![key],
                            sql,
                            destructive: false,
                            lock: LockMode::None,
                            phase: Phase::Create,
                        });
                    }
                }
                _ => {
                    let mut sql = render::with_comment(
                        v.create_sql.clone(),
                        &format!("{what} {}", n.sql()),
                        &v.comment,
                    );
                    sql.extend(column_comment_changes(
                        &BTreeMap::new(),
                        &v.column_comments,
                        n,
                    ));
                    self.create(
                        kind,
                        n.to_string(),
                        vec![key, Key::relname(n)],
                        sql,
                        LockMode::AccessExclusive,
                        &skey,
                    );
                }
            }
        }
    }
}

/// `sql` with the object's old qualified name replaced by its new one, so a renamed object
/// that is otherwise identical compares equal.
pub(super) fn rename_neutral(sql: &str, old: &QName, new: &QName) -> String {
    if old == new {
        return sql.to_string();
    }
    sql.replacen(&old.sql(), &new.sql(), 1)
}

pub(super) fn column_comment_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    view: &QName,
) -> Vec<String> {
    let mut out = Vec::new();
    for (c, text) in new {
        if old.get(c) != Some(text) {
            out.push(render::comment(
                &format!("COLUMN {}.{}", view.sql(), ident(c)),
                &Some(text.clone()),
            ));
        }
    }
    for c in old.keys().filter(|c| !new.contains_key(*c)) {
        out.push(render::comment(
            &format!("COLUMN {}.{}", view.sql(), ident(c)),
            &None,
        ));
    }
    out
}
