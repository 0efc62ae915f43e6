//! The schema model: every object golden SQL can declare, keyed by its identity.
//!
//! Expressions and bodies are held as canonical SQL text produced by one renderer, so two
//! models compare equal exactly when their canonical texts do. Maps are ordered, so walking a
//! model is deterministic.

mod key;
mod namemap;

pub use key::{GrantTarget, Key, ObjectKind, ObjectRef, QRef};
pub use namemap::NameMap;

use crate::quote;
use crate::source::Origin;
use serde::Serialize;
use std::collections::BTreeMap;

/// A schema-qualified name. Unqualified names in golden SQL resolve to `public`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct QName {
    /// The schema.
    pub schema: String,
    /// The object's own name.
    pub name: String,
}

impl QName {
    /// Builds a name.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QName {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// Quoted SQL form, `schema.name` (just `name` when the schema is left to the search
    /// path, as for collations written unqualified).
    pub fn sql(&self) -> String {
        if self.schema.is_empty() {
            quote::ident(&self.name)
        } else {
            quote::qualified(&self.schema, &self.name)
        }
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// A function's identity: its name and the types of its input arguments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FuncId {
    /// Qualified name.
    pub name: QName,
    /// Canonical input argument types.
    pub args: Vec<String>,
}

impl FuncId {
    /// `schema.name(type, type)`, quoted, as used in DROP and COMMENT.
    pub fn sql(&self) -> String {
        format!("{}({})", self.name.sql(), self.args.join(", "))
    }
}

impl std::fmt::Display for FuncId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.name, self.args.join(", "))
    }
}

/// What an object refers to; the edges of the dependency graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Dep {
    /// A schema.
    Schema(String),
    /// A type (enum, domain, composite, range) or a table's row type.
    Type(QName),
    /// A relation of unknown kind (table, view, sequence) referenced by name.
    Relation(QName),
    /// Any function of this name (overloads are not resolved without a catalog).
    Function(QName),
    /// A collation.
    Collation(QName),
    /// A column of a table.
    Column(QName, String),
}

/// A SQL expression in canonical text, with what it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expr {
    /// Canonical SQL text.
    pub sql: String,
    /// Referenced objects.
    #[serde(skip)]
    pub deps: Vec<Dep>,
}

/// A column type in canonical text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeRef {
    /// Canonical SQL text, e.g. `character varying(20)[]`.
    pub sql: String,
    /// The user-defined type it names, if any (arrays point at their element type).
    pub user_type: Option<QName>,
}

/// The whole desired (or previous) state of a database.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Schema {
    /// Schemas (namespaces), `public` included only when declared.
    pub schemas: BTreeMap<String, Namespace>,
    /// Extensions.
    pub extensions: BTreeMap<String, Extension>,
    /// Collations.
    pub collations: BTreeMap<QName, Collation>,
    /// Enums, domains, composite and range types.
    pub types: BTreeMap<QName, UserType>,
    /// Free-standing sequences (identity sequences belong to their column).
    pub sequences: BTreeMap<QName, Sequence>,
    /// Tables, partitions included.
    pub tables: BTreeMap<QName, Table>,
    /// Views and materialized views.
    pub views: BTreeMap<QName, View>,
    /// Functions and procedures.
    pub functions: BTreeMap<FuncId, Function>,
    /// Indexes not backing a constraint.
    pub indexes: BTreeMap<QName, Index>,
    /// Triggers, keyed by table and name.
    pub triggers: BTreeMap<(QName, String), Trigger>,
    /// Row-level security policies, keyed by table and name.
    pub policies: BTreeMap<(QName, String), Policy>,
    /// Privileges granted to managed roles, keyed by object and role.
    pub grants: BTreeMap<(GrantObject, String), std::collections::BTreeSet<String>>,
    /// Statements the model does not represent, kept verbatim and reported.
    pub passthrough: Vec<Passthrough>,
    /// Seed data statements (`sql/data`, or DML met in schema files), never diffed as schema.
    pub seed: Vec<SeedStatement>,
}

/// A schema (namespace).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Namespace {
    /// Its name.
    pub name: String,
    /// `COMMENT ON SCHEMA`.
    pub comment: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// An extension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extension {
    /// Its name.
    pub name: String,
    /// `WITH SCHEMA`, when given.
    pub schema: Option<String>,
    /// `VERSION`, when given.
    pub version: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A collation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collation {
    /// Its name.
    pub name: QName,
    /// The canonical `CREATE COLLATION` statement.
    pub create_sql: String,
    /// Where it was declared.
    pub origin: Origin,
}

/// A user-defined type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserType {
    /// Its name.
    pub name: QName,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// `COMMENT ON TYPE`.
    pub comment: Option<String>,
    /// `-- data:renamed from=` annotation.
    pub renamed_from: Option<QName>,
    /// Where it was declared.
    pub origin: Origin,
}

/// The kinds of user-defined types.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TypeKind {
    /// `CREATE TYPE ... AS ENUM`.
    Enum {
        /// Labels in order.
        values: Vec<String>,
        /// New label -> old label, from annotations.
        renamed: BTreeMap<String, String>,
    },
    /// `CREATE DOMAIN`.
    Domain {
        /// The base type.
        base: TypeRef,
        /// `COLLATE`.
        collation: Option<QName>,
        /// `DEFAULT`.
        default: Option<Expr>,
        /// `NOT NULL`.
        not_null: bool,
        /// Named CHECK constraints.
        checks: BTreeMap<String, Expr>,
    },
    /// `CREATE TYPE ... AS (...)`.
    Composite {
        /// Attributes: name, type, collation.
        attributes: Vec<(String, TypeRef, Option<QName>)>,
    },
    /// `CREATE TYPE ... AS RANGE` (held as its canonical statement).
    Range {
        /// Canonical create statement.
        create_sql: String,
    },
}

/// A sequence, with every option resolved to its effective value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sequence {
    /// Its name.
    pub name: QName,
    /// `AS` type: `smallint`, `integer` or `bigint`.
    pub data_type: String,
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE`.
    pub min_value: i64,
    /// `MAXVALUE`.
    pub max_value: i64,
    /// `START WITH`.
    pub start: i64,
    /// `CACHE`.
    pub cache: i64,
    /// `CYCLE`.
    pub cycle: bool,
    /// `OWNED BY table.column`.
    pub owned_by: Option<(QName, String)>,
    /// `COMMENT ON SEQUENCE`.
    pub comment: Option<String>,
    /// Where it was declared (or the serial column that implied it).
    pub origin: Origin,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Its name.
    pub name: QName,
    /// Columns in declaration order (ALTER-added ones last).
    pub columns: Vec<Column>,
    /// Constraints by name.
    pub constraints: NameMap<Constraint>,
    /// `UNLOGGED`.
    pub unlogged: bool,
    /// `PARTITION BY ...` clause, canonical text.
    pub partition_by: Option<String>,
    /// `PARTITION OF parent FOR VALUES ...`.
    pub partition_of: Option<(QName, String)>,
    /// `INHERITS (...)`.
    pub inherits: Vec<QName>,
    /// `ENABLE ROW LEVEL SECURITY`.
    pub rls_enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`.
    pub rls_forced: bool,
    /// Storage parameters (`WITH (...)`), canonical `k=v` texts.
    pub options: Vec<String>,
    /// `COMMENT ON TABLE`.
    pub comment: Option<String>,
    /// `-- data:renamed from=` annotation.
    pub renamed_from: Option<QName>,
    /// Where it was declared.
    pub origin: Origin,
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key's columns, if there is one.
    pub fn primary_key(&self) -> Option<&[String]> {
        self.constraints.values().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } => Some(columns.as_slice()),
            _ => None,
        })
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// `COLLATE`.
    pub collation: Option<QName>,
    /// `DEFAULT`.
    pub default: Option<Expr>,
    /// `NOT NULL` (identity and primary-key columns are always NOT NULL).
    pub not_null: bool,
    /// `GENERATED ... AS IDENTITY`: `true` for ALWAYS, `false` for BY DEFAULT.
    pub identity: Option<bool>,
    /// Sequence options of an identity column that differ from the defaults, canonical text.
    pub identity_options: String,
    /// `GENERATED ALWAYS AS (...) STORED`.
    pub generated: Option<Expr>,
    /// `COMMENT ON COLUMN`.
    pub comment: Option<String>,
    /// `-- data:renamed from=` annotation.
    pub renamed_from: Option<String>,
    /// Whether the column is declared by this table (not only inherited).
    pub local: bool,
    /// Where it was declared.
    pub origin: Origin,
}

/// A table constraint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Constraint {
    /// Its name (PostgreSQL's generated name when none was written).
    pub name: String,
    /// What it checks.
    pub kind: ConstraintKind,
    /// `DEFERRABLE`.
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`.
    pub initially_deferred: bool,
    /// `NOT VALID`.
    pub not_valid: bool,
    /// `NO INHERIT` (CHECK only).
    pub no_inherit: bool,
    /// `COMMENT ON CONSTRAINT`.
    pub comment: Option<String>,
    /// `-- data:renamed from=` annotation.
    pub renamed_from: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// The kinds of table constraints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ConstraintKind {
    /// `PRIMARY KEY`.
    PrimaryKey {
        /// Key columns.
        columns: Vec<String>,
        /// `INCLUDE` columns.
        include: Vec<String>,
    },
    /// `UNIQUE`.
    Unique {
        /// Key columns.
        columns: Vec<String>,
        /// `INCLUDE` columns.
        include: Vec<String>,
        /// `NULLS NOT DISTINCT`.
        nulls_not_distinct: bool,
    },
    /// `CHECK (...)`.
    Check {
        /// The condition.
        expr: Expr,
    },
    /// `FOREIGN KEY ... REFERENCES`.
    ForeignKey {
        /// Referencing columns.
        columns: Vec<String>,
        /// Referenced table.
        table: QName,
        /// Referenced columns (the referenced primary key when none were written).
        ref_columns: Vec<String>,
        /// `MATCH FULL` / `MATCH SIMPLE` / `MATCH PARTIAL`, canonical word.
        match_type: String,
        /// `ON UPDATE` action, canonical words.
        on_update: String,
        /// `ON DELETE` action, canonical words.
        on_delete: String,
    },
    /// `EXCLUDE USING ...`.
    Exclude {
        /// Canonical text after `EXCLUDE`.
        body: String,
        /// Referenced objects.
        #[serde(skip)]
        deps: Vec<Dep>,
    },
}

/// A view or materialized view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct View {
    /// Its name.
    pub name: QName,
    /// `MATERIALIZED`.
    pub materialized: bool,
    /// Canonical `CREATE [MATERIALIZED] VIEW` statement.
    pub create_sql: String,
    /// Referenced relations, functions and types.
    pub deps: Vec<Dep>,
    /// `COMMENT ON VIEW`.
    pub comment: Option<String>,
    /// Column comments.
    pub column_comments: BTreeMap<String, String>,
    /// `-- data:renamed from=` annotation.
    pub renamed_from: Option<QName>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A function or procedure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Function {
    /// Its identity.
    pub id: FuncId,
    /// `CREATE PROCEDURE` rather than `CREATE FUNCTION`.
    pub is_procedure: bool,
    /// Canonical `CREATE FUNCTION` statement without `OR REPLACE`.
    pub create_sql: String,
    /// What `CREATE OR REPLACE` cannot change: return type, argument names, modes and defaults.
    pub signature: String,
    /// Referenced types, and for SQL-language bodies the relations and functions used.
    pub deps: Vec<Dep>,
    /// `COMMENT ON FUNCTION`.
    pub comment: Option<String>,
    /// `-- data:renamed from=` annotation.
    pub renamed_from: Option<QName>,
    /// Where it was declared.
    pub origin: Origin,
}

/// An index that does not back a constraint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index {
    /// Its name (schema is the table's).
    pub name: QName,
    /// The indexed table or materialized view.
    pub table: QName,
    /// Canonical `CREATE INDEX` statement.
    pub create_sql: String,
    /// Columns and functions it uses.
    pub deps: Vec<Dep>,
    /// `COMMENT ON INDEX`.
    pub comment: Option<String>,
    /// `-- data:renamed from=` annotation.
    pub renamed_from: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A trigger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trigger {
    /// The table or view it is on.
    pub table: QName,
    /// Its name.
    pub name: String,
    /// Canonical `CREATE TRIGGER` statement.
    pub create_sql: String,
    /// The function it runs and columns it names.
    pub deps: Vec<Dep>,
    /// `ENABLE` (the default), `DISABLE`, `ENABLE ALWAYS` or `ENABLE REPLICA`.
    pub enabled: String,
    /// `COMMENT ON TRIGGER`.
    pub comment: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A row-level security policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// The table it is on.
    pub table: QName,
    /// Its name.
    pub name: String,
    /// PERMISSIVE (true) or RESTRICTIVE.
    pub permissive: bool,
    /// `FOR` command: `all`, `select`, `insert`, `update`, `delete`.
    pub command: String,
    /// `TO` roles, canonical (sorted) names.
    pub roles: Vec<String>,
    /// `USING (...)`.
    pub using: Option<Expr>,
    /// `WITH CHECK (...)`.
    pub check: Option<Expr>,
    /// `COMMENT ON POLICY`.
    pub comment: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// An object privileges are granted on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct GrantObject {
    /// The object kind as written in GRANT: `TABLE`, `SEQUENCE`, `FUNCTION`, `SCHEMA`.
    pub kind: String,
    /// The object as written after the kind, e.g. `public.orders` or `public.f(integer)`.
    pub sql: String,
    /// The object granted on.
    pub target: GrantTarget,
}

/// A statement kept verbatim because the model has no place for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passthrough {
    /// What kind of statement it is, e.g. `CreateAggregateStmt`.
    pub kind: String,
    /// Canonical SQL.
    pub sql: String,
    /// Where it was written.
    pub origin: Origin,
}

/// A seed-data statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedStatement {
    /// The statement as written.
    pub sql: String,
    /// Where it was written.
    pub origin: Origin,
}
