//! Free-standing sequences: options, comments and `OWNED BY` links.

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
    pub(super) fn sequences(&mut self) {
        let (from, to) = (self.from, self.to);
        for (n, s) in &from.sequences {
            if !self.gone.contains(&Key::sequence(n)) {
                continue;
            }
            // A sequence owned by a column that goes away is dropped with it.
            let owner_gone = s.owned_by.as_ref().is_some_and(|(t, c)| {
                self.gone.contains(&Key::table(t)) || self.gone.contains(&Key::column(t, c))
            });
            if !owner_gone {
                self.push(Step {
                    kind: OpKind::Drop,
                    object: K::Sequence,
                    label: n.to_string(),
                    keys: vec![Key::sequence(n), Key::relname(n)],
                    sql: vec![format!("DROP SEQUENCE {}", n.sql())],
                    destructive: false,
                    lock: LockMode::AccessExclusive,
                    phase: Phase::Drop,
                });
            }
        }
        for (n, s) in &to.sequences {
            let key = Key::sequence(n);
            let recreated = from.sequences.get(n).is_some_and(|o| {
                o.owned_by.as_ref().is_some_and(|(t, c)| {
                    self.gone.contains(&Key::table(t)) || self.gone.contains(&Key::column(t, c))
                })
            });
            match from.sequences.get(n) {
                Some(o) if !recreated => {
                    let mut sql = Vec::new();
                    let opts = render::sequence_options(s);
                    if render::sequence_options(o) != opts {
                        // The current value must lie within the new bounds when the direction flips.
                        let restart = if o.increment.signum() != s.increment.signum() {
                            " RESTART"
                        } else {
                            ""
                        };
                        sql.push(format!("ALTER SEQUENCE {} {}{restart}", n.sql(), opts));
                    }
                    if o.comment != s.comment {
                        sql.push(render::comment(
                            &format!("SEQUENCE {}", n.sql()),
                            &s.comment,
                        ));
                    }
                    if !sql.is_empty() {
                        self.push(Step {
                            kind: OpKind::Alter,
                            object: K::Sequence,
                            label: n.to_string(),
                            keys: vec![key.clone()],
                            sql,
                            destructive: false,
                            lock: LockMode::AccessExclusive,
                            phase: Phase::Alter,
                        });
                    }
                    if o.owned_by != s.owned_by {
                        self.push(Step {
                            kind: OpKind::Alter,
                            object: K::Sequence,
                            label: n.to_string(),
                            keys: vec![Key::sequence_owner(n)],
                            sql: vec![render::sequence_owner(s)],
                            destructive: false,
                            lock: LockMode::None,
                            phase: Phase::Create,
                        });
                    }
                }
                _ => {
                    let sql = render::with_comment(
                        render::create_sequence(s),
                        &format!("SEQUENCE {}", n.sql()),
                        &s.comment,
                    );
                    self.push(Step {
                        kind: OpKind::Create,
                        object: K::Sequence,
                        label: n.to_string(),
                        keys: vec![key.clone(), Key::relname(n)],
                        sql,
                        destructive: false,
                        lock: LockMode::None,
                        phase: Phase::Create,
                    });
                    if s.owned_by.is_some() {
                        self.push(Step {
                            kind: OpKind::Alter,
                            object: K::Sequence,
                            label: n.to_string(),
                            keys: vec![Key::sequence_owner(n)],
                            sql: vec![render::sequence_owner(s)],
                            destructive: false,
                            lock: LockMode::None,
                            phase: Phase::Create,
                        });
                    }
                }
            }
        }
    }
}
