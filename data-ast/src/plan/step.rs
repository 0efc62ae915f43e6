//! The typed facts of a plan step: the lock it takes, when it runs, what each of its
//! statements does, which tables it touches and how, and where its object is written in golden
//! SQL. Later passes (online rewrite, grouping, rules, test intelligence, simulation) match on
//! these, never on rendered SQL.

use crate::model::QName;
use crate::source::Origin;
use serde::Serialize;

/// PostgreSQL's table-level lock modes, weakest first, and `None` for steps that lock no
/// table (catalog-only changes of schemas, functions, types, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub enum LockMode {
    /// No table lock.
    #[default]
    #[serde(rename = "none")]
    None,
    /// `ACCESS SHARE`: plain reads.
    #[serde(rename = "ACCESS SHARE")]
    AccessShare,
    /// `ROW SHARE`: `SELECT ... FOR UPDATE`.
    #[serde(rename = "ROW SHARE")]
    RowShare,
    /// `ROW EXCLUSIVE`: writes.
    #[serde(rename = "ROW EXCLUSIVE")]
    RowExclusive,
    /// `SHARE UPDATE EXCLUSIVE`: `VALIDATE CONSTRAINT`, concurrent index builds; blocks
    /// neither reads nor writes.
    #[serde(rename = "SHARE UPDATE EXCLUSIVE")]
    ShareUpdateExclusive,
    /// `SHARE`: `CREATE INDEX`; blocks writes.
    #[serde(rename = "SHARE")]
    Share,
    /// `SHARE ROW EXCLUSIVE`: foreign keys, triggers; blocks writes.
    #[serde(rename = "SHARE ROW EXCLUSIVE")]
    ShareRowExclusive,
    /// `EXCLUSIVE`: blocks writes and `FOR UPDATE` reads.
    #[serde(rename = "EXCLUSIVE")]
    Exclusive,
    /// `ACCESS EXCLUSIVE`: most `ALTER TABLE` forms, drops; blocks reads and writes.
    #[serde(rename = "ACCESS EXCLUSIVE")]
    AccessExclusive,
}

impl LockMode {
    /// The mode as PostgreSQL names it (`none` for no lock).
    pub fn sql(self) -> &'static str {
        match self {
            LockMode::None => "none",
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// Whether holding this lock blocks plain reads (`SELECT`) of the table.
    pub fn blocks_reads(self) -> bool {
        self == LockMode::AccessExclusive
    }

    /// Whether holding this lock blocks writes (`INSERT`, `UPDATE`, `DELETE`) to the table.
    pub fn blocks_writes(self) -> bool {
        self >= LockMode::Share
    }

    /// Whether two lock modes conflict (PostgreSQL's conflict table).
    pub fn conflicts_with(self, other: LockMode) -> bool {
        use LockMode::*;
        let rank = |m: LockMode| m as u8;
        if self == None || other == None {
            return false;
        }
        let conflicts: &[LockMode] = match self {
            None => &[],
            AccessShare => &[AccessExclusive],
            RowShare => &[Exclusive, AccessExclusive],
            RowExclusive => &[Share, ShareRowExclusive, Exclusive, AccessExclusive],
            ShareUpdateExclusive => &[
                ShareUpdateExclusive,
                Share,
                ShareRowExclusive,
                Exclusive,
                AccessExclusive,
            ],
            Share => &[
                RowExclusive,
                ShareUpdateExclusive,
                ShareRowExclusive,
                Exclusive,
                AccessExclusive,
            ],
            ShareRowExclusive => &[
                RowExclusive,
                ShareUpdateExclusive,
                Share,
                ShareRowExclusive,
                Exclusive,
                AccessExclusive,
            ],
            Exclusive => &[
                RowShare,
                RowExclusive,
                ShareUpdateExclusive,
                Share,
                ShareRowExclusive,
                Exclusive,
                AccessExclusive,
            ],
            AccessExclusive => &[
                AccessShare,
                RowShare,
                RowExclusive,
                ShareUpdateExclusive,
                Share,
                ShareRowExclusive,
                Exclusive,
                AccessExclusive,
            ],
        };
        conflicts.iter().any(|m| rank(*m) == rank(other))
    }
}

impl std::fmt::Display for LockMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.sql())
    }
}

/// Where an operation sorts among steps that do not depend on each other: object
/// preparation (schemas, extensions) first, then drops, changes in place, creations, late
/// steps and finally drops of whole schemas and extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Schemas and extensions created, extensions updated, partitions detached.
    Prepare,
    /// Objects dropped.
    Drop,
    /// Objects changed in place or renamed.
    #[default]
    Alter,
    /// Objects created.
    Create,
    /// Passthrough statements and the old halves of rebuilt types.
    Late,
    /// Schemas and extensions dropped.
    Teardown,
}

/// What an operation does to its object, more finely than [`super::OpKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Created.
    Create,
    /// Dropped.
    Drop,
    /// Changed in place; [`Change`]s say how.
    Alter,
    /// Renamed (or moved to another schema).
    Rename,
    /// Redefined with `CREATE OR REPLACE`.
    Replace,
    /// A `NOT VALID` constraint validated (a scan under `SHARE UPDATE EXCLUSIVE`).
    Validate,
    /// Attached: a partition to its parent, a constraint to an index built for it.
    Attach,
    /// A partition detached from its parent.
    Detach,
}

/// What one statement of an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Creates the object.
    Create,
    /// Adds a constraint `NOT VALID`: existing rows are not checked (a validation follows).
    CreateNotValid,
    /// Drops the object.
    Drop,
    /// Renames the object or moves it to another schema.
    Rename,
    /// `CREATE OR REPLACE`.
    Replace,
    /// `COMMENT ON`.
    Comment,
    /// A column's type (or a composite attribute's).
    Type,
    /// A default set.
    SetDefault,
    /// A default dropped.
    DropDefault,
    /// `SET NOT NULL`, checked by a scan of the table.
    SetNotNull,
    /// `SET NOT NULL` proved by a validated check, so without a scan.
    SetNotNullProved,
    /// `DROP NOT NULL`.
    DropNotNull,
    /// An identity added.
    AddIdentity,
    /// An identity dropped.
    DropIdentity,
    /// `SET GENERATED` or identity sequence options.
    Identity,
    /// A generated column's expression dropped.
    DropExpression,
    /// A constraint validated.
    Validate,
    /// A constraint or index attached.
    Attach,
    /// A partition detached.
    Detach,
    /// Storage parameters, `LOGGED`/`UNLOGGED`, inheritance.
    Options,
    /// Row-level security enabled, disabled, forced.
    RowSecurity,
    /// A trigger enabled or disabled.
    Enable,
    /// Enum labels, domain constraints or defaults, composite attributes.
    Definition,
    /// Privileges granted.
    Grant,
    /// Privileges revoked.
    Revoke,
    /// Sequence options or owner, extension schema or version.
    Settings,
    /// A statement passed through.
    Statement,
}

/// How a step touches a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Only the catalog changes; rows are not read.
    Catalog,
    /// Every row is read (validation, index build, a new NOT NULL or CHECK checked).
    Scan,
    /// The table is rewritten.
    Rewrite,
    /// Referenced by the change (a foreign key's target), locked but not changed.
    Reference,
}

/// One table a step touches, the lock it takes there and how.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TableAccess {
    /// The table's schema.
    pub schema: String,
    /// The table's name.
    pub name: String,
    /// The lock taken on it.
    pub lock: LockMode,
    /// What happens to its rows.
    pub access: Access,
}

impl TableAccess {
    /// The table's qualified name.
    pub fn qname(&self) -> QName {
        QName::new(&self.schema, &self.name)
    }
}

/// Where the statement(s) behind a step are written in golden SQL, on each side.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StepOrigin {
    /// In the schema the plan starts from (absent for creations).
    pub old: Option<Origin>,
    /// In the schema the plan ends at (absent for drops).
    pub new: Option<Origin>,
}

impl StepOrigin {
    /// The origin a reader should be pointed at: the new side, or the old one for drops.
    pub fn primary(&self) -> Option<&Origin> {
        self.new
            .as_ref()
            .filter(|o| o.line > 0)
            .or(self.old.as_ref().filter(|o| o.line > 0))
    }
}
