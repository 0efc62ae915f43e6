//! Migration plans: the operations that turn one schema model into another, ordered by their
//! dependencies, each with its SQL, lock, destructiveness and reverse.

mod diff;
mod execution;
pub mod graph;
mod online;
mod options;
mod order;
mod output;
pub mod render;
#[cfg(test)]
mod tests;

use crate::error::Result;
use crate::model::Schema;
use serde::Serialize;

pub use execution::{Group, Stage};
pub use options::{PlanOptions, DEFAULT_LOCK_TIMEOUT};
pub use output::{PlanHeader, RenderFormat};

/// What an operation does to its object.
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

/// The kind of object an operation touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A schema.
    Schema,
    /// An extension.
    Extension,
    /// A collation.
    Collation,
    /// A type or domain.
    Type,
    /// A sequence.
    Sequence,
    /// A table.
    Table,
    /// A column.
    Column,
    /// A table constraint.
    Constraint,
    /// An index.
    Index,
    /// A view.
    View,
    /// A materialized view.
    MaterializedView,
    /// A function or procedure.
    Function,
    /// A trigger.
    Trigger,
    /// A row-level security policy.
    Policy,
    /// Privileges of one role on one object.
    Privilege,
    /// A statement passed through verbatim.
    Statement,
}

impl ObjectKind {
    /// The lower-case name used in human output.
    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::Collation => "collation",
            ObjectKind::Type => "type",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Function => "function",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Policy => "policy",
            ObjectKind::Privilege => "privilege",
            ObjectKind::Statement => "statement",
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// What it does.
    pub kind: OpKind,
    /// What it does it to.
    pub object: ObjectKind,
    /// The object's identity, e.g. `public.orders.status`.
    pub identity: String,
    /// The statements, in order.
    pub sql: Vec<String>,
    /// Whether it destroys data or objects that cannot be recreated from the plan.
    pub destructive: bool,
    /// The strongest table lock the statements take.
    pub lock: &'static str,
    /// Whether it may run inside a transaction block (`CONCURRENTLY` steps may not).
    pub transactional: bool,
    /// When it runs relative to the plan's transaction blocks.
    pub stage: Stage,
    /// The group (transaction block, or run of steps outside any) it runs in, from 1.
    pub group: usize,
    /// The statements that undo it (from the rollback plan).
    pub reverse_sql: Vec<String>,
    /// Whether undoing it loses data (e.g. a dropped column comes back empty).
    pub reverse_loses_data: bool,
    /// Why it is there, when it is not obvious (e.g. recreated because a dependency changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    pub(crate) keys: Vec<graph::Key>,
    #[serde(skip)]
    pub(crate) phase: u8,
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
    /// Ordering constraints found while diffing (before, after), by operation index.
    #[serde(skip)]
    pub(crate) extra_edges: Vec<(usize, usize)>,
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

/// Plans the migration from `old` to `new`, and its rollback, with `options`.
pub fn plan_with(old: &Schema, new: &Schema, options: &PlanOptions) -> Result<PlanPair> {
    options.validate()?;
    // Definitions written differently but meaning the same (pg_dump's printing against
    // hand-written SQL) are not changes.
    let aligned = crate::equivalence::align_equivalent(old, new);
    let old = aligned.as_ref().unwrap_or(old);
    let renames = diff::Renames::from_annotations(old, new);
    // Each model's graph serves both directions: diffing and ordering either way.
    let (old_g, new_g) = (graph::Graph::of(old), graph::Graph::of(new));
    let mut forward = diff::diff(old, new, &old_g, &renames);
    let mut rollback = diff::diff(new, old, &new_g, &renames.inverse());
    if options.online {
        online::rewrite(&mut forward, old, new);
        online::rewrite(&mut rollback, new, old);
    }
    order::order(&mut forward, &old_g, &new_g)?;
    order::order(&mut rollback, &new_g, &old_g)?;
    for p in [&mut forward, &mut rollback] {
        execution::assign_groups(p);
        p.options = options.clone();
    }
    diff::attach_reverse(&mut forward, &rollback);
    diff::attach_reverse(&mut rollback, &forward);
    Ok(PlanPair { forward, rollback })
}
