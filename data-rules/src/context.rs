//! What a rule sees: the statement being judged ([`Stmt`]) and the unit around it
//! ([`Context`]): the old and new schema, the plan, the settings of the environment, row
//! estimates and approvals.

use crate::config::Settings;
use crate::finding::Location;
use chrono::{DateTime, Utc};
use data_ast::model::{Column, QName, Schema, Table};
use data_ast::plan::{ObjectKind, OpKind, Operation, Plan};
use pg_query::NodeEnum;
use std::collections::BTreeMap;

/// What is being linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A golden change: the plan from an old schema to a new one, with both models known.
    Change,
    /// Migration files, statement by statement; tables not created earlier in the same file
    /// are treated as existing (and possibly large).
    Files,
}

/// How a golden change is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Judge {
    /// Judge the change itself, as a plain transactional migration would apply it: hazards the
    /// online-safe plan mitigates (CONCURRENTLY, NOT VALID + VALIDATE) are still reported, with
    /// the mitigation named in the message. The default: a reviewer sees every hazard.
    #[default]
    Change,
    /// Judge the plan's own SQL: mitigated statements pass.
    Plan,
}

/// One statement under judgement.
#[derive(Debug, Clone)]
pub struct Stmt<'a> {
    /// Its parse tree.
    pub node: NodeEnum,
    /// Its text.
    pub sql: String,
    /// The plan operation it belongs to (change mode).
    pub op: Option<&'a Operation>,
    /// Where it was written (the migration file, or the golden SQL of the object).
    pub location: Option<Location>,
    /// Whether it runs inside a transaction block.
    pub in_transaction: bool,
    /// Its position in the unit (0-based).
    pub index: usize,
}

/// A row estimate source: table -> estimated rows. A table that is absent is unknown.
pub type RowEstimates = BTreeMap<QName, u64>;

/// An approval of a plan, recorded by `data approve`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Approval {
    /// When (RFC 3339, UTC).
    pub timestamp: String,
    /// The plan hash approved.
    pub plan: String,
    /// Who approved.
    pub name: String,
    /// Why.
    pub reason: String,
    /// The environment the approval is for.
    pub environment: String,
}

/// Everything a rule may consult besides the statement.
pub struct Context<'a> {
    /// What is being linted.
    pub mode: Mode,
    /// How a change is judged.
    pub judge: Judge,
    /// The schema before (empty in files mode).
    pub old: &'a Schema,
    /// The schema after (empty in files mode).
    pub new: &'a Schema,
    /// The plan (change mode).
    pub plan: Option<&'a Plan>,
    /// Every statement of the unit, in order.
    pub statements: &'a [Stmt<'a>],
    /// The effective settings of the environment.
    pub settings: &'a Settings,
    /// The environment's name (`development` when none was chosen).
    pub environment: &'a str,
    /// Whether an environment was named explicitly (deploy-time rules only judge then).
    pub environment_given: bool,
    /// Row estimates, when a database was consulted or they were given.
    pub rows: &'a RowEstimates,
    /// Approvals recorded for this plan.
    pub approvals: &'a [Approval],
    /// The plan's hash (or the files' content hash).
    pub plan_hash: &'a str,
    /// The current time (injected, for deploy windows).
    pub now: DateTime<Utc>,
    /// Whether a backup was confirmed for this run (`--backup-taken`).
    pub backup_taken: bool,
    /// Files mode: table -> index of the statement that created it.
    pub(crate) created: BTreeMap<QName, usize>,
    /// Files mode: index -> statement index that created it.
    pub(crate) created_indexes: BTreeMap<QName, usize>,
}

impl Context<'_> {
    /// Whether `table` holds rows already when statement `at` runs: it existed in the old
    /// schema (change mode), or was not created earlier in the file (files mode).
    pub fn table_exists_before(&self, table: &QName, at: usize) -> bool {
        match self.mode {
            Mode::Change => {
                // Dropped and created again earlier in the plan: a fresh, empty relation.
                if self.relation_op_before(table, at, OpKind::Create) {
                    return false;
                }
                self.old.tables.contains_key(table)
                    || self.old.views.contains_key(table)
                    || self
                        .new
                        .tables
                        .get(table)
                        .and_then(|t| t.renamed_from.as_ref())
                        .is_some_and(|from| self.old.tables.contains_key(from))
            }
            Mode::Files => self.created.get(table).is_none_or(|i| *i >= at),
        }
    }

    /// Whether the plan drops the relation `table` (change mode).
    pub fn relation_dropped(&self, table: &QName) -> bool {
        self.relation_op_before(table, usize::MAX, OpKind::Drop)
    }

    /// Whether an operation of `kind` on the table, view or materialized view `table` comes
    /// before statement `at`.
    fn relation_op_before(&self, table: &QName, at: usize, kind: OpKind) -> bool {
        self.before(at).iter().filter_map(|s| s.op).any(|op| {
            op.kind == kind
                && matches!(
                    op.object.kind,
                    ObjectKind::Table | ObjectKind::View | ObjectKind::MaterializedView
                )
                && op.object.schema == table.schema
                && op.object.name == table.name
        })
    }

    /// The table an index of the old schema belongs to (change mode).
    pub fn old_index_table(&self, index: &QName) -> Option<&QName> {
        self.old.indexes.get(index).map(|i| &i.table)
    }

    /// Whether index `name` existed before statement `at` (see [`Self::table_exists_before`]).
    pub fn index_exists_before(&self, name: &QName, at: usize) -> bool {
        match self.mode {
            Mode::Change => self.old.indexes.contains_key(name),
            Mode::Files => self.created_indexes.get(name).is_none_or(|i| *i >= at),
        }
    }

    /// The old table of this name (change mode).
    pub fn old_table(&self, table: &QName) -> Option<&Table> {
        self.old.tables.get(table)
    }

    /// The old column (change mode).
    pub fn old_column(&self, table: &QName, column: &str) -> Option<&Column> {
        self.old.tables.get(table).and_then(|t| t.column(column))
    }

    /// The estimated rows of `table`, when known.
    pub fn rows(&self, table: &QName) -> Option<u64> {
        self.rows.get(table).copied()
    }

    /// Whether the environment is protected (production-like).
    pub fn protected(&self) -> bool {
        self.settings.protected
    }

    /// Whether mitigations written in the statement (CONCURRENTLY, NOT VALID) count: always for
    /// migration files, and for changes only when judging the plan.
    pub fn honours_mitigation(&self) -> bool {
        self.mode == Mode::Files || self.judge == Judge::Plan
    }

    /// The statements before `at`.
    pub fn before(&self, at: usize) -> &[Stmt<'_>] {
        &self.statements[..at.min(self.statements.len())]
    }
}
