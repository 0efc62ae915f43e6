//! Migration plans: the operations that turn one schema model into another, ordered by their
//! dependencies, each with its SQL, lock, destructiveness and reverse.

mod access;
mod diff;
mod draft;
mod execution;
pub mod graph;
mod online;
mod options;
mod order;
mod output;
pub mod render;
mod step;
#[cfg(test)]
mod tests;

use crate::error::Result;
use crate::model::{QName, Schema};
use serde::Serialize;

pub use crate::model::{ObjectKind, ObjectRef};
pub use execution::{Group, Stage};
pub use options::{PlanOptions, DEFAULT_LOCK_TIMEOUT};
pub use output::{PlanHeader, RenderFormat, FORMAT_VERSION};
pub use step::{Access, Action, Change, LockMode, Phase, StepOrigin, TableAccess};

/// What an operation does to its object, in the four verbs ordering reasons about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// The object is created.
    Create,
    /// The object is dropped.
    Drop,
    /// The object is changed in place.
    Alter,
    /// The object gets a new name.
    Rename,
}

/// One step of a plan, with what it acts on and how as types: later passes and tools match on
/// these fields, never on the rendered SQL or the display label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// What it does, in the four verbs.
    pub kind: OpKind,
    /// What it does, more finely (validate, attach, replace, ...).
    pub action: Action,
    /// The object it acts on.
    pub object: ObjectRef,
    /// A label for people, e.g. `public.orders.status` or `app.a -> app.b` (display only).
    pub identity: String,
    /// The statements, in order.
    pub sql: Vec<String>,
    /// What each statement does (one entry per statement of `sql`).
    pub changes: Vec<Change>,
    /// Whether it destroys data or objects that cannot be recreated from the plan.
    pub destructive: bool,
    /// The strongest table lock its statements take.
    pub lock: LockMode,
    /// Whether it rewrites a table (every row copied; time and disk grow with the table).
    pub rewrite: bool,
    /// The tables it touches, with the lock taken on each and what happens to their rows.
    pub tables: Vec<TableAccess>,
    /// Where its object is written in golden SQL, on each side.
    pub origin: StepOrigin,
    /// Whether it may run inside a transaction block (`CONCURRENTLY` steps may not).
    pub transactional: bool,
    /// When it runs relative to the plan's transaction blocks.
    pub stage: Stage,
    /// Where it sorts among independent steps.
    pub phase: Phase,
    /// The group (transaction block, or run of steps outside any) it runs in, from 1.
    pub group: usize,
    /// The statements that undo it (from the rollback plan).
    pub reverse_sql: Vec<String>,
    /// Whether undoing it loses data (e.g. a dropped column comes back empty).
    pub reverse_loses_data: bool,
    /// Why it is there, when it is not obvious (e.g. recreated because a dependency changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Operation {
    /// Whether it builds an index concurrently (outside any transaction).
    pub fn builds_index_concurrently(&self) -> bool {
        self.kind == OpKind::Create && self.object.kind == ObjectKind::Index && !self.transactional
    }

    /// Whether it drops an index concurrently (outside any transaction).
    pub fn drops_index_concurrently(&self) -> bool {
        self.kind == OpKind::Drop && self.object.kind == ObjectKind::Index && !self.transactional
    }

    /// The tables it touches (by name).
    pub fn table_names(&self) -> impl Iterator<Item = QName> + '_ {
        self.tables.iter().map(TableAccess::qname)
    }
}

/// An ordered migration plan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// Operations in execution order.
    pub operations: Vec<Operation>,
    /// Things the plan deliberately does not do, with the reason (e.g. a pass-through
    /// statement removed from golden SQL is never dropped).
    pub warnings: Vec<String>,
    /// How it was made and how its transaction blocks are set up.
    pub options: PlanOptions,
}

impl Plan {
    /// Whether nothing needs to be done.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// The operations that destroy data or objects.
    pub fn destructive(&self) -> impl Iterator<Item = &Operation> {
        self.operations.iter().filter(|o| o.destructive)
    }

    /// A stable hash of the plan's script (hex BLAKE3): every statement it runs, including
    /// `BEGIN`, `COMMIT` and timeouts, equal across runs and machines.
    pub fn hash(&self) -> String {
        let mut h = blake3::Hasher::new();
        for line in self.script() {
            if let execution::Line::Statement(s) = line {
                h.update(s.as_bytes());
                h.update(b";\n");
            }
        }
        h.finalize().to_hex().to_string()
    }
}

/// A plan and its rollback.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanPair {
    /// old -> new.
    pub forward: Plan,
    /// new -> old.
    pub rollback: Plan,
}

/// Plans the migration from `old` to `new`, and its rollback, with the default options
/// (online-safe).
pub fn plan(old: &Schema, new: &Schema) -> Result<PlanPair> {
    plan_with(old, new, &PlanOptions::default())
}

/// Plans the migration from `old` to `new`, and its rollback, with `options`. Both directions
/// are planned at the same time (each side's graph, diff, online rewrite and order run in
/// parallel), from one shared set of renames.
pub fn plan_with(old: &Schema, new: &Schema, options: &PlanOptions) -> Result<PlanPair> {
    options.validate()?;
    // Definitions written differently but meaning the same (pg_dump's printing against
    // hand-written SQL) are not changes.
    let aligned = crate::equivalence::align_equivalent(old, new);
    let old = aligned.as_ref().unwrap_or(old);
    let renames = diff::Renames::from_annotations(old, new);
    let inverse = renames.inverse();
    // Each model's graph serves both directions: diffing and ordering either way.
    let (old_g, new_g) = rayon::join(|| graph::Graph::of(old), || graph::Graph::of(new));
    let (forward, rollback) = rayon::join(
        || one_way(old, new, &old_g, &new_g, &renames, options),
        || one_way(new, old, &new_g, &old_g, &inverse, options),
    );
    let (forward, rollback) = (forward?, rollback?);
    Ok(draft::finish(forward, rollback, old, new, options))
}

/// Diffs, rewrites (online-safe) and orders one direction.
fn one_way<'a>(
    from: &'a Schema,
    to: &'a Schema,
    from_g: &graph::Graph<'a>,
    to_g: &graph::Graph<'a>,
    rn: &'a diff::Renames,
    options: &PlanOptions,
) -> Result<draft::Draft<'a>> {
    let mut draft = diff::diff(from, to, from_g, rn);
    if options.online {
        online::rewrite(&mut draft, from, to);
    }
    order::order(&mut draft, from_g, to_g)?;
    Ok(draft)
}
