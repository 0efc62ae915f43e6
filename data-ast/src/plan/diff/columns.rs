//! Columns of an existing table: added, dropped, renamed, retyped, defaults, NOT NULL, identity.

#![allow(unused_imports)]
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
    pub(super) fn alter_columns(&mut self, o: &'a Table, t: &'a Table) {
        if t.partition_of.is_some() {
            // A partition's columns are its parent's.
            return;
        }
        // A former partition owns its parent's columns once detached.
        let orig: &'a Table = o;
        let detached;
        let o = match o
            .partition_of
            .as_ref()
            .and_then(|(p, _)| self.from.tables.get(p))
        {
            Some(parent) => {
                let mut copy = o.clone();
                copy.columns = parent
                    .columns
                    .iter()
                    .cloned()
                    .map(|mut c| {
                        c.local = true;
                        c.identity = None;
                        c.comment = None;
                        c
                    })
                    .collect();
                detached = copy;
                &detached
            }
            None => o,
        };
        let n = &t.name;
        let name = n.sql();
        let source: &'a QName = &orig.name;
        let mut matched: BTreeSet<String> = BTreeSet::new();
        for c in t
            .columns
            .iter()
            .filter(|c| c.local || t.partition_of.is_none())
        {
            let from_name = self
                .rn
                .columns
                .get(&(n.clone(), c.name.clone()))
                .cloned()
                .unwrap_or_else(|| c.name.clone());
            let okey = Key::column(source, from_name.clone());
            let key = Key::column(n, &c.name);
            let oc = o.column(&from_name).filter(|_| !self.gone.contains(&okey));
            let Some(oc) = oc else {
                if t.partition_of.is_some() {
                    continue;
                }
                let mut sql = vec![format!(
                    "ALTER TABLE {name} ADD COLUMN {}",
                    render::column_def(c)
                )];
                if c.comment.is_some() {
                    sql.push(render::comment(
                        &format!("COLUMN {name}.{}", ident(&c.name)),
                        &c.comment,
                    ));
                }
                self.push(Step {
                    kind: OpKind::Create,
                    object: K::Column,
                    label: format!("{n}.{}", c.name),
                    keys: vec![key],
                    sql,
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Create,
                });
                continue;
            };
            matched.insert(from_name.clone());
            let col = ident(&c.name);
            if from_name != c.name {
                self.push(Step {
                    kind: OpKind::Rename,
                    object: K::Column,
                    label: format!("{n}.{from_name} -> {}", c.name),
                    keys: vec![key.clone(), okey.clone()],
                    sql: vec![format!(
                        "ALTER TABLE {name} RENAME COLUMN {} TO {col}",
                        ident(&from_name)
                    )],
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Alter,
                });
            }
            self.alter_column(t, c, oc, key, okey);
        }
        for oc in &o.columns {
            let okey = Key::column(source, oc.name.clone());
            let kept = matched.contains(&oc.name);
            if kept || !oc.local || o.partition_of.is_some() && t.partition_of.is_some() {
                continue;
            }
            if t.partition_of.is_some() && o.partition_of.is_none() {
                continue;
            }
            self.push(Step {
                kind: OpKind::Drop,
                object: K::Column,
                label: format!("{n}.{}", oc.name),
                keys: vec![okey],
                sql: vec![format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    source.sql(),
                    ident(&oc.name)
                )],
                destructive: true,
                lock: LockMode::AccessExclusive,
                phase: Phase::Drop,
            });
        }
    }

    /// Changes column `oc` of an existing table into `c` of `t` in place: default, type,
    /// NOT NULL, identity, generated expression, comment.
    fn alter_column(
        &mut self,
        t: &'a Table,
        c: &'a Column,
        oc: &Column,
        key: Key<'a>,
        okey: Key<'a>,
    ) {
        let n = &t.name;
        let name = n.sql();
        let col = ident(&c.name);
        let at = format!("ALTER TABLE {name} ALTER COLUMN {col}");
        let retype = oc.ty != c.ty || oc.collation != c.collation || self.retyped.contains(&okey);
        let mut sql = Vec::new();
        let mut changes = Vec::new();
        let mut destructive = false;
        let reset = self.reset_default.contains(&okey) && oc.default.is_some();
        if reset {
            let i = self.push(Step {
                kind: OpKind::Alter,
                object: K::Column,
                label: format!("{n}.{} default", c.name),
                keys: vec![okey.clone()],
                sql: vec![format!("{at} DROP DEFAULT")],
                destructive: false,
                lock: LockMode::AccessExclusive,
                phase: Phase::Drop,
            });
            self.out.ops[i].reason =
                Some("the default's function or sequence is re-created".into());
            self.out.ops[i].kind = OpKind::Drop;
            self.out.ops[i].changes = vec![Change::DropDefault];
        }
        // Dropping an identity drops its sequence: a step of its own, so a sequence taking
        // over the name can be created between it and the column's new default.
        let dropped_identity = (oc.identity.is_some() && c.identity.is_none()).then(|| {
            let seq_name = QName::new(
                &n.schema,
                crate::names::make_object_name(&n.name, Some(&c.name), "seq"),
            );
            let i = self.push(Step {
                kind: OpKind::Alter,
                object: K::Column,
                label: format!("{n}.{} identity", c.name),
                keys: vec![Key::RelName(owned_rel(seq_name))],
                sql: vec![format!("{at} DROP IDENTITY")],
                destructive: false,
                lock: LockMode::AccessExclusive,
                phase: Phase::Drop,
            });
            self.out.ops[i].object = ObjectRef::member(K::Column, n, &c.name);
            self.out.ops[i].changes = vec![Change::DropIdentity];
            i
        });
        if oc.generated.is_some() && c.generated.is_none() {
            sql.push(format!("{at} DROP EXPRESSION"));
            changes.push(Change::DropExpression);
        }
        let default_changes = oc.default != c.default || (retype && oc.default.is_some()) || reset;
        if default_changes && oc.default.is_some() && oc.identity.is_none() && !reset {
            sql.push(format!("{at} DROP DEFAULT"));
            changes.push(Change::DropDefault);
        }
        if retype {
            let coll = c
                .collation
                .as_ref()
                .map(|q| format!(" COLLATE {}", q.sql()))
                .unwrap_or_default();
            let via_text = (self.retyped.contains(&okey) && oc.ty == c.ty)
                || (oc.ty != c.ty && (oc.ty.user_type.is_some() || c.ty.user_type.is_some()));
            let using = if via_text {
                format!("{col}::text::{}", c.ty.sql)
            } else {
                format!("{col}::{}", c.ty.sql)
            };
            sql.push(format!("{at} TYPE {}{coll} USING {using}", c.ty.sql));
            changes.push(Change::Type);
            destructive = !widening(&oc.ty.sql, &c.ty.sql);
        }
        if default_changes && c.default.is_some() && c.identity.is_none() && c.generated.is_none() {
            if let Some(d) = &c.default {
                sql.push(format!("{at} SET DEFAULT {}", d.sql));
                changes.push(Change::SetDefault);
            }
        }
        if oc.not_null != c.not_null
            && !(c.not_null && c.identity.is_some() && oc.identity.is_none())
        {
            sql.push(if c.not_null {
                render::set_not_null(n, &c.name)
            } else {
                format!("{at} DROP NOT NULL")
            });
            changes.push(if c.not_null {
                Change::SetNotNull
            } else {
                Change::DropNotNull
            });
        }
        match (oc.identity, c.identity) {
            (None, Some(always)) => {
                if !oc.not_null {
                    sql.push(format!("{at} SET NOT NULL"));
                    changes.push(Change::SetNotNull);
                }
                let opts = if c.identity_options.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", c.identity_options)
                };
                let add = format!(
                    "{at} ADD GENERATED {} AS IDENTITY{opts}",
                    if always { "ALWAYS" } else { "BY DEFAULT" }
                );
                // The identity sequence takes the name `table_column_seq`: a serial sequence
                // holding that name must be gone first.
                let seq_drops: Vec<usize> = oc
                    .default
                    .iter()
                    .flat_map(|d| d.deps.iter())
                    .filter_map(|d| match d {
                        Dep::Relation(q) => {
                            let seq = Key::sequence(q);
                            (0..self.out.ops.len()).find(|&j| {
                                self.out.ops[j].kind == OpKind::Drop
                                    && self.out.keys[j].contains(&seq)
                            })
                        }
                        _ => None,
                    })
                    .collect();
                if seq_drops.is_empty() {
                    sql.push(add);
                    changes.push(Change::AddIdentity);
                } else {
                    let i = self.push(Step {
                        kind: OpKind::Create,
                        object: K::Column,
                        label: format!("{n}.{} identity", c.name),
                        keys: vec![key.clone()],
                        sql: vec![add],
                        destructive: false,
                        lock: LockMode::AccessExclusive,
                        phase: Phase::Create,
                    });
                    for d in seq_drops {
                        self.edge(d, i);
                    }
                }
            }
            (Some(a), Some(b)) if a != b => {
                sql.push(format!(
                    "{at} SET GENERATED {}",
                    if b { "ALWAYS" } else { "BY DEFAULT" }
                ));
                changes.push(Change::Identity);
            }
            _ => {}
        }
        if oc.identity.is_some()
            && c.identity.is_some()
            && oc.identity_options != c.identity_options
        {
            let opts = if c.identity_options.is_empty() {
                default_identity_options(&c.ty.sql)
            } else {
                c.identity_options.clone()
            };
            sql.push(format!("{at} {}", identity_alterations(&opts)));
            changes.push(Change::Identity);
        }
        if oc.comment != c.comment {
            sql.push(render::comment(&format!("COLUMN {name}.{col}"), &c.comment));
            changes.push(Change::Comment);
        }
        if !sql.is_empty() {
            let mut keys = vec![key.clone()];
            if key != okey {
                keys.push(okey.clone());
            }
            let i = self.push_changes(
                Step {
                    kind: OpKind::Alter,
                    object: K::Column,
                    label: format!("{n}.{}", c.name),
                    keys,
                    sql,
                    destructive,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Alter,
                },
                changes,
            );
            if let Some(d) = dropped_identity {
                self.edge(d, i);
            }
            if retype {
                self.out.ops[i].reason = Some("column type changes".into());
            }
        }
    }
}

/// Whether changing a column from `old` to `new` type cannot lose data.
pub(super) fn widening(old: &str, new: &str) -> bool {
    let rank = |t: &str| match t {
        "smallint" => Some(1),
        "integer" => Some(2),
        "bigint" => Some(3),
        "numeric" => Some(4),
        _ => None,
    };
    if let (Some(a), Some(b)) = (rank(old), rank(new)) {
        return a <= b;
    }
    if new == "text"
        && (old.starts_with("character varying") || old.starts_with("character(") || old == "text")
    {
        return true;
    }
    let varchar_len = |t: &str| {
        t.strip_prefix("character varying(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|n| n.parse::<u32>().ok())
    };
    match (varchar_len(old), varchar_len(new)) {
        (Some(a), Some(b)) => a <= b,
        (Some(_), None) => new == "character varying",
        _ => false,
    }
}

/// The identity options of a column of type `ty` with every option at its default.
pub(super) fn default_identity_options(ty: &str) -> String {
    let seq = crate::build::default_sequence_for(ty);
    crate::build::identity_option_text(&seq)
}

/// `SET INCREMENT BY 5 SET START WITH 100 ...` from identity option text.
pub(super) fn identity_alterations(opts: &str) -> String {
    let words: Vec<&str> = opts.split(' ').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let take = match words[i] {
            "INCREMENT" | "START" => 3,
            "MINVALUE" | "MAXVALUE" | "CACHE" => 2,
            "NO" => 2,
            _ => 1,
        };
        let end = (i + take).min(words.len());
        out.push(format!("SET {}", words[i..end].join(" ")));
        i = end;
    }
    out.join(" ")
}
