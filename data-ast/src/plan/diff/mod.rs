//! Compares two schema models object by object and emits operations, choosing the least
//! destructive form: ALTER in place, CREATE OR REPLACE, RENAME when annotated, and drop and
//! re-create only when PostgreSQL allows nothing else, with every dependent object dropped and
//! re-created around it. One file per family of objects; `decide` chooses what goes first.

mod columns;
mod constraints;
mod decide;
mod grants;
mod indexes;
mod namespaces;
mod renames;
mod routines;
mod sequences;
mod table_objects;
mod tables;
mod types;

pub use renames::Renames;

use super::draft::Draft;
use super::graph::Graph;
use super::{Action, Change, LockMode, OpKind, Operation, Phase, Stage};
use crate::model::ObjectKind as K;
use crate::model::*;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

pub(super) struct Differ<'a> {
    pub(super) from: &'a Schema,
    pub(super) to: &'a Schema,
    pub(super) rn: &'a Renames,
    pub(super) out: Draft<'a>,
    /// Source-side keys of objects that are dropped (outright, or to be re-created).
    pub(super) gone: HashSet<Key<'a>>,
    /// Source-side keys dropped only because something they depend on changed.
    pub(super) forced: HashSet<Key<'a>>,
    /// Source-side column keys whose type changes (their dependents must be re-created).
    pub(super) retyped: HashSet<Key<'a>>,
    /// Retyped columns whose type is rebuilt under a new name (enum or domain swaps): their
    /// indexes and CHECKs may compare them with values of the old type.
    pub(super) swap_retyped: HashSet<Key<'a>>,
    /// Source-side column keys whose default must be dropped and set again.
    pub(super) reset_default: HashSet<Key<'a>>,
    /// Source tables some column or constraint of which is in `gone`, `retyped` or
    /// `reset_default` (filled after propagation).
    pub(super) touched: HashSet<QRef<'a>>,
    /// Enums whose labels are removed or reordered: rebuilt under a new name.
    pub(super) swapped_enums: BTreeSet<QName>,
}

/// One operation as the differ emits it; `push` completes it into an [`Operation`].
pub(super) struct Step<'a> {
    pub kind: OpKind,
    pub object: K,
    pub label: String,
    pub keys: Vec<Key<'a>>,
    pub sql: Vec<String>,
    pub destructive: bool,
    pub lock: LockMode,
    pub phase: Phase,
}

/// Diffs `from` into `to`; `from_graph` is `from`'s dependency graph.
pub(crate) fn diff<'a>(
    from: &'a Schema,
    to: &'a Schema,
    from_graph: &Graph<'a>,
    rn: &'a Renames,
) -> Draft<'a> {
    let mut d = Differ {
        from,
        to,
        rn,
        out: Draft::default(),
        gone: HashSet::new(),
        forced: HashSet::new(),
        retyped: HashSet::new(),
        swap_retyped: HashSet::new(),
        reset_default: HashSet::new(),
        touched: HashSet::new(),
        swapped_enums: BTreeSet::new(),
    };
    d.decide();
    d.propagate(from_graph);
    d.touched = d
        .gone
        .iter()
        .chain(&d.retyped)
        .chain(&d.reset_default)
        .filter_map(|k| k.table_of_member().cloned())
        .collect();
    d.schemas();
    d.extensions();
    d.collations();
    d.types();
    d.sequences();
    d.tables();
    d.functions();
    d.views();
    d.indexes();
    d.triggers();
    d.policies();
    d.grants();
    d.passthrough();
    d.out
}

/// The object a step acts on, from its kind and its first key.
fn object_of(kind: K, key: Option<&Key<'_>>, label: &str) -> ObjectRef {
    let named = |q: &QRef<'_>| ObjectRef {
        kind,
        schema: q.schema.to_string(),
        name: q.name.to_string(),
        member: None,
        args: Vec::new(),
    };
    match key {
        Some(Key::Schema(n)) => ObjectRef {
            kind,
            schema: n.to_string(),
            name: n.to_string(),
            member: None,
            args: Vec::new(),
        },
        Some(Key::Extension(n)) => ObjectRef {
            kind,
            schema: String::new(),
            name: n.to_string(),
            member: None,
            args: Vec::new(),
        },
        Some(
            Key::Collation(q)
            | Key::Type(q)
            | Key::Sequence(q)
            | Key::SequenceOwner(q)
            | Key::Table(q)
            | Key::Index(q)
            | Key::View(q)
            | Key::RelName(q)
            | Key::TypeSwap(q)
            | Key::Detach(q),
        ) => named(q),
        Some(
            Key::Column(q, m) | Key::Constraint(q, m) | Key::Trigger(q, m) | Key::Policy(q, m),
        ) => ObjectRef {
            member: Some(m.to_string()),
            ..named(q)
        },
        Some(Key::Function(q, args)) => ObjectRef {
            args: args.to_vec(),
            ..named(q)
        },
        Some(Key::Grant(inner)) => object_of(kind, Some(inner), label),
        Some(Key::Statement(_)) | None => ObjectRef {
            kind,
            schema: String::new(),
            name: label.to_string(),
            member: None,
            args: Vec::new(),
        },
    }
}

/// The change each statement of a step makes, when the differ did not say more.
fn default_change(kind: OpKind) -> Change {
    match kind {
        OpKind::Create => Change::Create,
        OpKind::Drop => Change::Drop,
        OpKind::Rename => Change::Rename,
        OpKind::Alter => Change::Definition,
    }
}

impl<'a> Differ<'a> {
    /// Emits a step; returns its index.
    pub(super) fn push(&mut self, step: Step<'a>) -> usize {
        let object = object_of(step.object, step.keys.first(), &step.label);
        let action = match step.kind {
            OpKind::Create => Action::Create,
            OpKind::Drop => Action::Drop,
            OpKind::Alter => Action::Alter,
            OpKind::Rename => Action::Rename,
        };
        let op = Operation {
            kind: step.kind,
            action,
            object,
            identity: step.label,
            changes: vec![default_change(step.kind); step.sql.len()],
            sql: step.sql,
            destructive: step.destructive,
            lock: step.lock,
            rewrite: false,
            tables: Vec::new(),
            origin: Default::default(),
            transactional: true,
            stage: Stage::Main,
            phase: step.phase,
            group: 0,
            reverse_sql: Vec::new(),
            reverse_loses_data: false,
            reason: None,
        };
        self.out.push(op, step.keys)
    }

    /// Emits a step whose statements each say what they change.
    pub(super) fn push_changes(&mut self, step: Step<'a>, changes: Vec<Change>) -> usize {
        debug_assert_eq!(changes.len(), step.sql.len());
        let i = self.push(step);
        self.out.ops[i].changes = changes;
        i
    }

    pub(super) fn edge(&mut self, before: usize, after: usize) {
        self.out.edges.push((before, after));
    }

    pub(super) fn reason(&mut self, i: usize, key: &Key<'a>) {
        if self.forced.contains(key) {
            self.out.ops[i].reason = Some(
                "re-created because an object it depends on is re-created or changes type".into(),
            );
        }
    }

    /// Whether any column or constraint of source table `t` is dropped, retyped or has its
    /// default reset.
    pub(super) fn touches(&self, t: &QName) -> bool {
        self.touched.contains(&QRef::from(t))
    }

    /// Creates an object; when its source-side twin (`source_key`) was dropped only because of a
    /// dependency, says so.
    pub(super) fn create(
        &mut self,
        kind: K,
        identity: String,
        keys: Vec<Key<'a>>,
        sql: Vec<String>,
        lock: LockMode,
        source_key: &Key<'a>,
    ) -> usize {
        let i = self.push(Step {
            kind: OpKind::Create,
            object: kind,
            label: identity,
            keys,
            sql,
            destructive: false,
            lock,
            phase: Phase::Create,
        });
        self.reason(i, source_key);
        i
    }

    /// Drops a source object marked gone (its key first in `keys`), saying why when the drop
    /// was forced by a dependency.
    pub(super) fn drop_gone(
        &mut self,
        kind: K,
        identity: String,
        keys: Vec<Key<'a>>,
        sql: String,
        destructive: bool,
        lock: LockMode,
    ) {
        let key = keys[0].clone();
        if self.gone.contains(&key) {
            let i = self.push(Step {
                kind: OpKind::Drop,
                object: kind,
                label: identity,
                keys,
                sql: vec![sql],
                destructive,
                lock,
                phase: Phase::Drop,
            });
            self.reason(i, &key);
        }
    }
}

/// An owned key for a name the planner makes up.
pub(super) fn owned_rel(q: QName) -> QRef<'static> {
    QRef {
        schema: Cow::Owned(q.schema),
        name: Cow::Owned(q.name),
    }
}
