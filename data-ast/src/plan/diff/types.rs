//! User-defined types: enums (labels added, renamed, or the type rebuilt), domains, composites, ranges.

#![allow(unused_imports)]
use super::columns::*;
use super::constraints::*;
use super::indexes::*;
use super::routines::*;
use super::tables::*;
use super::{owned_rel, Differ, Renames, Step};
use crate::model::ObjectKind as K;
use crate::model::*;
use crate::plan::graph::Graph;
use crate::plan::{render, Change, LockMode, OpKind, Phase, Stage};
use crate::quote::{ident, literal};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

impl<'a> Differ<'a> {
    pub(super) fn types(&mut self) {
        let (from, to) = (self.from, self.to);
        for (n, t) in &from.types {
            if self.swapped_enums.contains(n) {
                continue;
            }
            let key = Key::ty(n);
            let destructive = !self.forced.contains(&key);
            self.drop_gone(
                K::Type,
                n.to_string(),
                vec![key, Key::relname(n)],
                render::drop_type(t),
                destructive,
                LockMode::None,
            );
        }
        for (n, t) in &to.types {
            let source = self.rn.source(K::Type, n);
            let key = Key::ty(n);
            let old = from.types.get(&source);
            let source_key = Key::ty(source.clone());
            if let Some(o) = old.filter(|_| self.swapped_enums.contains(&source)) {
                // Labels removed or reordered: build the new enum beside the old one, move the
                // columns over through text, then drop the old type.
                let old_name = QName::new(&source.schema, format!("{}__data_old", source.name));
                let rename_kw = if matches!(o.kind, TypeKind::Domain { .. }) {
                    "DOMAIN"
                } else {
                    "TYPE"
                };
                let r = self.push(Step {
                    kind: OpKind::Alter,
                    object: K::Type,
                    label: n.to_string(),
                    keys: vec![source_key.clone()],
                    sql: vec![format!(
                        "ALTER {rename_kw} {} RENAME TO {}",
                        source.sql(),
                        ident(&old_name.name)
                    )],
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Alter,
                });
                let create = render::with_comment(
                    render::create_type(t),
                    &format!("TYPE {}", n.sql()),
                    &t.comment,
                );
                let c = self.push(Step {
                    kind: OpKind::Create,
                    object: K::Type,
                    label: n.to_string(),
                    keys: vec![key.clone()],
                    sql: create,
                    destructive: false,
                    lock: LockMode::None,
                    phase: Phase::Create,
                });
                let drop_kw = if matches!(o.kind, TypeKind::Domain { .. }) {
                    "DOMAIN"
                } else {
                    "TYPE"
                };
                let d = self.push(Step {
                    kind: OpKind::Drop,
                    object: K::Type,
                    label: old_name.to_string(),
                    keys: vec![Key::TypeSwap(source.clone().into())],
                    sql: vec![format!("DROP {drop_kw} {}", old_name.sql())],
                    destructive: true,
                    lock: LockMode::None,
                    phase: Phase::Late,
                });
                self.out.ops[d].reason = Some(format!("{o} is rebuilt: enum labels removed or reordered, or a domain's base type changed", o = o.name));
                self.edge(r, c);
                self.edge(c, d);
                continue;
            }
            match old {
                Some(o) if !self.gone.contains(&source_key) => {
                    if source != *n {
                        let mut sql = Vec::new();
                        if source.name != n.name {
                            sql.push(format!(
                                "ALTER TYPE {} RENAME TO {}",
                                source.sql(),
                                ident(&n.name)
                            ));
                        }
                        if source.schema != n.schema {
                            sql.push(format!(
                                "ALTER TYPE {} SET SCHEMA {}",
                                QName::new(&source.schema, &n.name).sql(),
                                ident(&n.schema)
                            ));
                        }
                        self.push(Step {
                            kind: OpKind::Rename,
                            object: K::Type,
                            label: format!("{source} -> {n}"),
                            keys: vec![key.clone(), source_key.clone(), Key::relname(n)],
                            sql,
                            destructive: false,
                            lock: LockMode::AccessExclusive,
                            phase: Phase::Alter,
                        });
                    }
                    self.alter_type(o, t);
                }
                _ => {
                    let sql = render::with_comment(
                        render::create_type(t),
                        &format!("TYPE {}", n.sql()),
                        &t.comment,
                    );
                    self.create(
                        K::Type,
                        n.to_string(),
                        vec![key.clone(), Key::relname(n)],
                        sql,
                        LockMode::None,
                        &source_key,
                    );
                }
            }
        }
    }

    pub(super) fn alter_type(&mut self, o: &'a UserType, t: &'a UserType) {
        let key = Key::ty(&t.name);
        let name = t.name.sql();
        let mut sql = Vec::new();
        match (&o.kind, &t.kind) {
            (TypeKind::Enum { values: old, .. }, TypeKind::Enum { values: new, .. }) => {
                let mut current: Vec<String> = old.clone();
                for (i, v) in current.iter_mut().enumerate() {
                    if let Some(((_, to_), _)) = self
                        .rn
                        .labels
                        .iter()
                        .find(|((ty_, _), from)| *ty_ == t.name && **from == old[i])
                    {
                        sql.push(format!(
                            "ALTER TYPE {name} RENAME VALUE {} TO {}",
                            literal(v),
                            literal(to_)
                        ));
                        *v = to_.clone();
                    }
                }
                for (i, v) in new.iter().enumerate() {
                    if current.contains(v) {
                        continue;
                    }
                    let position = match new[..i].iter().rev().find(|p| current.contains(p)) {
                        Some(prev) => format!(" AFTER {}", literal(prev)),
                        None => match new[i + 1..].iter().find(|p| current.contains(p)) {
                            Some(next) => format!(" BEFORE {}", literal(next)),
                            None => String::new(),
                        },
                    };
                    sql.push(format!(
                        "ALTER TYPE {name} ADD VALUE {}{position}",
                        literal(v)
                    ));
                    let at = new[..i]
                        .iter()
                        .rev()
                        .find(|p| current.contains(p))
                        .and_then(|p| current.iter().position(|c| c == p))
                        .map(|x| x + 1)
                        .unwrap_or(0);
                    current.insert(at, v.clone());
                }
            }
            (
                TypeKind::Domain {
                    default: od,
                    not_null: on,
                    checks: oc,
                    ..
                },
                TypeKind::Domain {
                    default: nd,
                    not_null: nn,
                    checks: nc,
                    ..
                },
            ) => {
                if od != nd {
                    sql.push(match nd {
                        Some(d) => format!("ALTER DOMAIN {name} SET DEFAULT {}", d.sql),
                        None => format!("ALTER DOMAIN {name} DROP DEFAULT"),
                    });
                }
                if on != nn {
                    sql.push(format!(
                        "ALTER DOMAIN {name} {} NOT NULL",
                        if *nn { "SET" } else { "DROP" }
                    ));
                }
                for (cn, e) in oc {
                    if nc.get(cn) != Some(e) {
                        sql.push(format!("ALTER DOMAIN {name} DROP CONSTRAINT {}", ident(cn)));
                    }
                }
                for (cn, e) in nc {
                    if oc.get(cn) != Some(e) {
                        sql.push(format!(
                            "ALTER DOMAIN {name} ADD CONSTRAINT {} CHECK ({})",
                            ident(cn),
                            e.sql
                        ));
                    }
                }
            }
            (TypeKind::Composite { attributes: oa }, TypeKind::Composite { attributes: na }) => {
                for (an, _, _) in oa {
                    if !na.iter().any(|(n, _, _)| n == an) {
                        sql.push(format!("ALTER TYPE {name} DROP ATTRIBUTE {}", ident(an)));
                    }
                }
                for (an, ty_, coll) in na {
                    let coll_sql = coll
                        .as_ref()
                        .map(|c| format!(" COLLATE {}", c.sql()))
                        .unwrap_or_default();
                    match oa.iter().find(|(n, _, _)| n == an) {
                        None => sql.push(format!(
                            "ALTER TYPE {name} ADD ATTRIBUTE {} {}{coll_sql}",
                            ident(an),
                            ty_.sql
                        )),
                        Some((_, oty, ocoll)) if oty != ty_ || ocoll != coll => sql.push(format!(
                            "ALTER TYPE {name} ALTER ATTRIBUTE {} TYPE {}{coll_sql}",
                            ident(an),
                            ty_.sql
                        )),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if o.comment != t.comment {
            sql.push(render::comment(&format!("TYPE {name}"), &t.comment));
        }
        if !sql.is_empty() {
            let add_value = format!("ALTER TYPE {name} ADD VALUE ");
            let adds_label = sql.iter().any(|s| s.starts_with(&add_value));
            let i = self.push(Step {
                kind: OpKind::Alter,
                object: K::Type,
                label: t.name.to_string(),
                keys: vec![key],
                sql,
                destructive: false,
                lock: LockMode::AccessExclusive,
                phase: Phase::Alter,
            });
            if adds_label {
                // A new label cannot be used in the transaction that adds it: commit it first.
                self.out.ops[i].stage = Stage::Before;
            }
        }
    }
}

pub(super) fn is_subsequence(a: &[String], b: &[String]) -> bool {
    let mut it = b.iter();
    a.iter().all(|x| it.any(|y| y == x))
}
