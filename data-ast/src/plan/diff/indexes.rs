//! Indexes that do not back a constraint.

#![allow(unused_imports)]
use super::columns::*;
use super::constraints::*;
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
    pub(super) fn indexes(&mut self) {
        let (from, to) = (self.from, self.to);
        for n in from.indexes.keys() {
            self.drop_gone(
                K::Index,
                n.to_string(),
                vec![Key::index(n), Key::relname(n)],
                format!("DROP INDEX {}", n.sql()),
                false,
                LockMode::AccessExclusive,
            );
        }
        for (n, ix) in &to.indexes {
            let source = self.rn.source(K::Index, n);
            let skey = Key::index(source.clone());
            let key = Key::index(n);
            match from.indexes.get(&source) {
                Some(oi) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if source != *n {
                        sql.push(format!(
                            "ALTER INDEX {} RENAME TO {}",
                            source.sql(),
                            ident(&n.name)
                        ));
                    }
                    if oi.comment != ix.comment {
                        sql.push(render::comment(&format!("INDEX {}", n.sql()), &ix.comment));
                    }
                    if !sql.is_empty() {
                        let kind = if source != *n {
                            OpKind::Rename
                        } else {
                            OpKind::Alter
                        };
                        self.push(Step {
                            kind,
                            object: K::Index,
                            label: n.to_string(),
                            keys: vec![key, skey, Key::relname(n)],
                            sql,
                            destructive: false,
                            lock: LockMode::ShareUpdateExclusive,
                            phase: Phase::Alter,
                        });
                    }
                }
                _ => {
                    let sql = render::with_comment(
                        ix.create_sql.clone(),
                        &format!("INDEX {}", n.sql()),
                        &ix.comment,
                    );
                    self.create(
                        K::Index,
                        n.to_string(),
                        vec![key, Key::relname(n)],
                        sql,
                        LockMode::Share,
                        &skey,
                    );
                }
            }
        }
    }
}

pub(super) fn index_same(a: &Index, b: &Index) -> bool {
    let strip = |i: &Index| {
        i.create_sql
            .replacen(&format!("INDEX {} ON", ident(&i.name.name)), "INDEX ON", 1)
    };
    strip(a) == strip(b)
}
