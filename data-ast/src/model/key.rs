//! Typed identities of the model's objects: [`ObjectRef`], what a plan step acts on (public,
//! serialised in plans), and [`Key`], a node of the dependency graph, borrowed from the model
//! so building a graph of a large schema allocates nothing per key.

use super::{FuncId, QName};
use serde::Serialize;
use std::borrow::Cow;

/// The kind of object a plan step acts on.
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

/// One object of the model, as a plan step names it: its kind, schema and name, and for
/// objects that belong to a table (columns, constraints, triggers, policies) or to another
/// object (privileges: the role) the member's name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    /// What kind of object it is.
    pub kind: ObjectKind,
    /// Its schema (for a schema, its own name; for a passthrough statement, empty).
    pub schema: String,
    /// Its name (for a table's member, the table's name).
    pub name: String,
    /// The member of `name`: a column, constraint, trigger or policy name, or the role of a
    /// privilege.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// A function's input argument types.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
}

impl ObjectRef {
    /// An object named by a qualified name.
    pub fn named(kind: ObjectKind, q: &QName) -> ObjectRef {
        ObjectRef {
            kind,
            schema: q.schema.clone(),
            name: q.name.clone(),
            member: None,
            args: Vec::new(),
        }
    }

    /// A member (column, constraint, trigger, policy) of table `table`.
    pub fn member(kind: ObjectKind, table: &QName, member: &str) -> ObjectRef {
        ObjectRef {
            member: Some(member.to_string()),
            ..ObjectRef::named(kind, table)
        }
    }

    /// A schema.
    pub fn schema(name: &str) -> ObjectRef {
        ObjectRef::named(ObjectKind::Schema, &QName::new(name, name))
    }

    /// A function or procedure.
    pub fn function(id: &FuncId) -> ObjectRef {
        ObjectRef {
            args: id.args.clone(),
            ..ObjectRef::named(ObjectKind::Function, &id.name)
        }
    }

    /// The table (or view) the object belongs to, or is: tables, columns, constraints,
    /// triggers, policies and views.
    pub fn relation(&self) -> Option<QName> {
        match self.kind {
            ObjectKind::Table
            | ObjectKind::Column
            | ObjectKind::Constraint
            | ObjectKind::Trigger
            | ObjectKind::Policy
            | ObjectKind::View
            | ObjectKind::MaterializedView => Some(QName::new(&self.schema, &self.name)),
            _ => None,
        }
    }

    /// The qualified name (`schema.name`).
    pub fn qname(&self) -> QName {
        QName::new(&self.schema, &self.name)
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            ObjectKind::Schema | ObjectKind::Extension => f.write_str(&self.name),
            ObjectKind::Statement => f.write_str(&self.name),
            ObjectKind::Function => {
                write!(f, "{}.{}({})", self.schema, self.name, self.args.join(", "))
            }
            ObjectKind::Privilege => write!(
                f,
                "{}.{} to {}",
                self.schema,
                self.name,
                self.member.as_deref().unwrap_or("")
            ),
            _ => match &self.member {
                Some(m) => write!(f, "{}.{}.{m}", self.schema, self.name),
                None => write!(f, "{}.{}", self.schema, self.name),
            },
        }
    }
}

/// A qualified name borrowed from the model (or owned, for names the planner makes up).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QRef<'a> {
    /// The schema.
    pub schema: Cow<'a, str>,
    /// The name.
    pub name: Cow<'a, str>,
}

impl<'a> From<&'a QName> for QRef<'a> {
    fn from(q: &'a QName) -> Self {
        QRef {
            schema: Cow::Borrowed(&q.schema),
            name: Cow::Borrowed(&q.name),
        }
    }
}

impl From<QName> for QRef<'_> {
    fn from(q: QName) -> Self {
        QRef {
            schema: Cow::Owned(q.schema),
            name: Cow::Owned(q.name),
        }
    }
}

/// A node of the dependency graph: an object of the model, or one of the planner's markers
/// that order steps sharing something other than an object (a relation name, a sequence's
/// owner link, a type being swapped, privileges on an object).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key<'a> {
    /// A schema.
    Schema(Cow<'a, str>),
    /// An extension.
    Extension(Cow<'a, str>),
    /// A collation.
    Collation(QRef<'a>),
    /// A type.
    Type(QRef<'a>),
    /// A sequence.
    Sequence(QRef<'a>),
    /// A sequence's `OWNED BY` link.
    SequenceOwner(QRef<'a>),
    /// A table.
    Table(QRef<'a>),
    /// A column of a table.
    Column(QRef<'a>, Cow<'a, str>),
    /// A constraint of a table.
    Constraint(QRef<'a>, Cow<'a, str>),
    /// An index.
    Index(QRef<'a>),
    /// A view or materialized view.
    View(QRef<'a>),
    /// A function of one signature.
    Function(QRef<'a>, Cow<'a, [String]>),
    /// A trigger of a table.
    Trigger(QRef<'a>, Cow<'a, str>),
    /// A policy of a table.
    Policy(QRef<'a>, Cow<'a, str>),
    /// Every relation-like object of one name (tables, views, sequences, indexes, types), so
    /// a drop of one kind precedes a create of another under the same name.
    RelName(QRef<'a>),
    /// Privileges granted on an object.
    Grant(Box<Key<'a>>),
    /// An enum or domain rebuilt under a temporary name.
    TypeSwap(QRef<'a>),
    /// A partition detached from its parent.
    Detach(QRef<'a>),
    /// A statement passed through verbatim.
    Statement(Cow<'a, str>),
}

impl<'a> Key<'a> {
    /// A schema.
    pub fn schema(name: &'a str) -> Self {
        Key::Schema(Cow::Borrowed(name))
    }
    /// An extension.
    pub fn extension(name: &'a str) -> Self {
        Key::Extension(Cow::Borrowed(name))
    }
    /// A collation.
    pub fn collation(q: impl Into<QRef<'a>>) -> Self {
        Key::Collation(q.into())
    }
    /// A type.
    pub fn ty(q: impl Into<QRef<'a>>) -> Self {
        Key::Type(q.into())
    }
    /// A sequence.
    pub fn sequence(q: impl Into<QRef<'a>>) -> Self {
        Key::Sequence(q.into())
    }
    /// A sequence's owner link.
    pub fn sequence_owner(q: impl Into<QRef<'a>>) -> Self {
        Key::SequenceOwner(q.into())
    }
    /// A table.
    pub fn table(q: impl Into<QRef<'a>>) -> Self {
        Key::Table(q.into())
    }
    /// A column.
    pub fn column(q: impl Into<QRef<'a>>, c: impl Into<Cow<'a, str>>) -> Self {
        Key::Column(q.into(), c.into())
    }
    /// A constraint.
    pub fn constraint(q: impl Into<QRef<'a>>, c: impl Into<Cow<'a, str>>) -> Self {
        Key::Constraint(q.into(), c.into())
    }
    /// An index.
    pub fn index(q: impl Into<QRef<'a>>) -> Self {
        Key::Index(q.into())
    }
    /// A view.
    pub fn view(q: impl Into<QRef<'a>>) -> Self {
        Key::View(q.into())
    }
    /// A function.
    pub fn function(id: &'a FuncId) -> Self {
        Key::Function((&id.name).into(), Cow::Borrowed(&id.args))
    }
    /// A trigger.
    pub fn trigger(q: impl Into<QRef<'a>>, n: impl Into<Cow<'a, str>>) -> Self {
        Key::Trigger(q.into(), n.into())
    }
    /// A policy.
    pub fn policy(q: impl Into<QRef<'a>>, n: impl Into<Cow<'a, str>>) -> Self {
        Key::Policy(q.into(), n.into())
    }
    /// A relation name.
    pub fn relname(q: impl Into<QRef<'a>>) -> Self {
        Key::RelName(q.into())
    }

    /// The table a column or constraint key belongs to.
    pub fn table_of_member(&self) -> Option<&QRef<'a>> {
        match self {
            Key::Column(t, _) | Key::Constraint(t, _) => Some(t),
            _ => None,
        }
    }
}

/// What a `GRANT` names, as a typed reference into the model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum GrantTarget {
    /// A table.
    Table(QName),
    /// A view.
    View(QName),
    /// A sequence.
    Sequence(QName),
    /// A function of one signature.
    Function(FuncId),
    /// A schema.
    Schema(String),
}

impl GrantTarget {
    /// The graph key of the object granted on.
    pub fn key(&self) -> Key<'_> {
        match self {
            GrantTarget::Table(q) => Key::table(q),
            GrantTarget::View(q) => Key::view(q),
            GrantTarget::Sequence(q) => Key::sequence(q),
            GrantTarget::Function(id) => Key::function(id),
            GrantTarget::Schema(n) => Key::schema(n),
        }
    }

    /// The object granted on, as a plan step names it.
    pub fn object(&self) -> ObjectRef {
        match self {
            GrantTarget::Table(q) => ObjectRef::named(ObjectKind::Table, q),
            GrantTarget::View(q) => ObjectRef::named(ObjectKind::View, q),
            GrantTarget::Sequence(q) => ObjectRef::named(ObjectKind::Sequence, q),
            GrantTarget::Function(id) => ObjectRef::function(id),
            GrantTarget::Schema(n) => ObjectRef::schema(n),
        }
    }
}
