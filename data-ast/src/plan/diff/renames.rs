//! Renames declared with `-- data:renamed from=`, and where each source object goes.

#![allow(unused_imports)]
use super::columns::*;
use super::constraints::*;
use super::indexes::*;
use super::routines::*;
use super::tables::*;
use super::types::*;
use super::{owned_rel, Differ, Step};

use crate::model::ObjectKind as K;
use crate::model::*;
use crate::plan::graph::Graph;
use crate::plan::{render, Change, LockMode, OpKind, Phase, Stage};
use crate::quote::{ident, literal};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Renames declared with `-- data:renamed from=`, keyed by the name on the target side.
#[derive(Debug, Clone, Default)]
pub struct Renames {
    /// (kind, target name) -> source name, for tables, views, types, indexes and functions.
    pub(super) relations: BTreeMap<(K, QName), QName>,
    /// (target table, target column) -> source column.
    pub(super) columns: BTreeMap<(QName, String), String>,
    /// (target table, target constraint) -> source constraint.
    pub(super) constraints: BTreeMap<(QName, String), String>,
    /// (target type, target label) -> source label.
    pub(super) labels: BTreeMap<(QName, String), String>,
}

impl Renames {
    /// Reads the annotations of `new` (renames whose old name is gone from `new` and present in `old`).
    pub fn from_annotations(old: &Schema, new: &Schema) -> Renames {
        let mut r = Renames::default();
        for t in new.tables.values() {
            if let Some(from) = &t.renamed_from {
                if old.tables.contains_key(from) && !new.tables.contains_key(from) {
                    r.relations.insert((K::Table, t.name.clone()), from.clone());
                }
            }
        }
        for t in new.tables.values() {
            let source = r
                .relations
                .get(&(K::Table, t.name.clone()))
                .cloned()
                .unwrap_or_else(|| t.name.clone());
            let Some(ot) = old.tables.get(&source) else {
                continue;
            };
            for c in &t.columns {
                if let Some(from) = &c.renamed_from {
                    if ot.column(from).is_some() && t.column(from).is_none() {
                        r.columns
                            .insert((t.name.clone(), c.name.clone()), from.clone());
                    }
                }
            }
            for c in t.constraints.values() {
                if let Some(from) = &c.renamed_from {
                    if ot.constraints.contains_key(from) && !t.constraints.contains_key(from) {
                        r.constraints
                            .insert((t.name.clone(), c.name.clone()), from.clone());
                    }
                }
            }
        }
        for v in new.views.values() {
            if let Some(from) = &v.renamed_from {
                if old.views.contains_key(from) && !new.views.contains_key(from) {
                    r.relations.insert((K::View, v.name.clone()), from.clone());
                }
            }
        }
        for t in new.types.values() {
            if let Some(from) = &t.renamed_from {
                if old.types.contains_key(from) && !new.types.contains_key(from) {
                    r.relations.insert((K::Type, t.name.clone()), from.clone());
                }
            }
            if let TypeKind::Enum { renamed, values } = &t.kind {
                for (to, from) in renamed {
                    if !values.contains(from) {
                        r.labels.insert((t.name.clone(), to.clone()), from.clone());
                    }
                }
            }
        }
        for i in new.indexes.values() {
            if let Some(from) = &i.renamed_from {
                let from = QName::new(&i.name.schema, from);
                if old.indexes.contains_key(&from) && !new.indexes.contains_key(&from) {
                    r.relations.insert((K::Index, i.name.clone()), from);
                }
            }
        }
        for f in new.functions.values() {
            if let Some(from) = &f.renamed_from {
                let from_id = FuncId {
                    name: from.clone(),
                    args: f.id.args.clone(),
                };
                if old.functions.contains_key(&from_id) && !new.functions.contains_key(&from_id) {
                    r.relations
                        .insert((K::Function, f.id.name.clone()), from.clone());
                }
            }
        }
        r
    }

    /// The same renames seen from the other side (for the rollback plan).
    pub fn inverse(&self) -> Renames {
        let table_back = |t: &QName| {
            self.relations
                .get(&(K::Table, t.clone()))
                .cloned()
                .unwrap_or_else(|| t.clone())
        };
        Renames {
            relations: self
                .relations
                .iter()
                .map(|((k, to), from)| ((*k, from.clone()), to.clone()))
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|((t, to), from)| ((table_back(t), from.clone()), to.clone()))
                .collect(),
            constraints: self
                .constraints
                .iter()
                .map(|((t, to), from)| ((table_back(t), from.clone()), to.clone()))
                .collect(),
            labels: self
                .labels
                .iter()
                .map(|((t, to), from)| ((t.clone(), from.clone()), to.clone()))
                .collect(),
        }
    }

    pub(super) fn source(&self, kind: K, target: &QName) -> QName {
        self.relations
            .get(&(kind, target.clone()))
            .cloned()
            .unwrap_or_else(|| target.clone())
    }

    pub(super) fn renamed_sources(&self, kind: K) -> BTreeSet<QName> {
        self.relations
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

impl<'a> Differ<'a> {
    pub(super) fn target_of(
        &self,
        kind: K,
        source: &QName,
        renamed_sources: &BTreeSet<QName>,
    ) -> Option<QName> {
        if renamed_sources.contains(source) {
            return self
                .rn
                .relations
                .iter()
                .find(|((k, _), v)| *k == kind && *v == source)
                .map(|((_, t), _)| t.clone());
        }
        let renamed_target = self.rn.relations.contains_key(&(kind, source.clone()));
        // A target that is itself a rename of something else does not also match by name.
        (!renamed_target || self.rn.source(kind, source) == *source).then(|| source.clone())
    }

    pub(super) fn table_target(&self, source: &QName) -> QName {
        self.rn
            .relations
            .iter()
            .find(|((k, _), v)| *k == K::Table && *v == source)
            .map(|((_, t), _)| t.clone())
            .unwrap_or_else(|| source.clone())
    }

    pub(super) fn constraint_target(&self, target_table: &QName, source: &str) -> String {
        self.rn
            .constraints
            .iter()
            .find(|((t, _), from)| t == target_table && *from == source)
            .map(|((_, to), _)| to.clone())
            .unwrap_or_else(|| source.to_string())
    }

    pub(super) fn function_target(&self, id: &FuncId) -> Option<FuncId> {
        let renamed = self
            .rn
            .relations
            .iter()
            .find(|((k, _), v)| *k == K::Function && **v == id.name)
            .map(|((_, t), _)| t.clone());
        Some(FuncId {
            name: renamed.unwrap_or_else(|| id.name.clone()),
            args: id.args.clone(),
        })
    }
}
