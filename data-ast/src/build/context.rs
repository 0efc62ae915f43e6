//! The builder's state: the model under construction, names already taken (for PostgreSQL's
//! generated names) and the diagnostics found so far.

use super::Stmt;
use crate::error::{Diagnostic, Severity};
use crate::model::{QName, Schema};
use crate::source::Origin;
use pg_query::protobuf::RangeVar;
use pg_query::NodeEnum;
use std::collections::{HashMap, HashSet};

/// Applies statements to a schema model.
#[derive(Default)]
pub struct Builder {
    pub(crate) schema: Schema,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Relation names (tables, views, sequences, indexes, composite types) per schema.
    relations: HashSet<QName>,
    /// Constraint names per schema (PostgreSQL checks them namespace-wide).
    constraints: HashSet<QName>,
    /// Source position of the statement that created each object, keyed by a kind-tagged name.
    pub(crate) created_at: HashMap<String, usize>,
    /// Roles whose privileges golden SQL manages.
    pub(crate) managed_roles: Vec<String>,
}

impl Builder {
    /// Applies one statement.
    pub(crate) fn apply(&mut self, st: &Stmt) {
        match st.node {
            NodeEnum::CreateSchemaStmt(s) => self.create_schema(st, s),
            NodeEnum::CreateExtensionStmt(s) => self.create_extension(st, s),
            NodeEnum::DefineStmt(s) => self.define(st, s),
            NodeEnum::CreateEnumStmt(s) => self.create_enum(st, s),
            NodeEnum::CreateDomainStmt(s) => self.create_domain(st, s),
            NodeEnum::CompositeTypeStmt(s) => self.create_composite(st, s),
            NodeEnum::CreateRangeStmt(_) => self.create_range(st),
            NodeEnum::CreateSeqStmt(s) => self.create_sequence(st, s),
            NodeEnum::CreateStmt(s) => self.create_table(st, s),
            NodeEnum::CreateFunctionStmt(s) => self.create_function(st, s),
            NodeEnum::ViewStmt(s) => self.create_view(st, s),
            NodeEnum::CreateTableAsStmt(s) => self.create_matview(st, s),
            NodeEnum::IndexStmt(s) => self.create_index(st, s),
            NodeEnum::CreateTrigStmt(s) => self.create_trigger(st, s),
            NodeEnum::CreatePolicyStmt(s) => self.create_policy(st, s),
            NodeEnum::AlterTableStmt(s) => self.alter_table(st, s),
            NodeEnum::AlterSeqStmt(s) => self.alter_sequence(st, s),
            NodeEnum::AlterEnumStmt(s) => self.alter_enum(st, s),
            NodeEnum::AlterDomainStmt(s) => self.alter_domain(st, s),
            NodeEnum::AlterPolicyStmt(s) => self.alter_policy(st, s),
            NodeEnum::AlterExtensionStmt(s) => self.alter_extension(st, s),
            NodeEnum::CommentStmt(s) => self.comment(st, s),
            NodeEnum::RenameStmt(s) => self.rename(st, s),
            NodeEnum::DropStmt(s) => self.drop(st, s),
            NodeEnum::AlterOwnerStmt(_) => {}
            NodeEnum::GrantStmt(s) => self.grant(st, s),
            NodeEnum::GrantRoleStmt(_) | NodeEnum::AlterDefaultPrivilegesStmt(_) => self.note(st, "role membership and default privileges are not managed; this statement is not part of the plan"),
            NodeEnum::RuleStmt(_)
            | NodeEnum::CreateCastStmt(_)
            | NodeEnum::CreateOpClassStmt(_)
            | NodeEnum::CreateOpFamilyStmt(_)
            | NodeEnum::CreateConversionStmt(_)
            | NodeEnum::CreateEventTrigStmt(_)
            | NodeEnum::CreateFdwStmt(_)
            | NodeEnum::CreateForeignServerStmt(_)
            | NodeEnum::CreateForeignTableStmt(_)
            | NodeEnum::CreateUserMappingStmt(_)
            | NodeEnum::CreatePublicationStmt(_)
            | NodeEnum::CreateStatsStmt(_)
            | NodeEnum::CreateTransformStmt(_)
            | NodeEnum::CreatePlangStmt(_)
            | NodeEnum::CreateAmStmt(_)
            | NodeEnum::AlterTsconfigurationStmt(_)
            | NodeEnum::AlterTsdictionaryStmt(_) => self.passthrough(st),
            other => {
                let kind = stmt_kind(other);
                self.error(st, st.origin(), format!("{kind} is not supported in golden SQL: the schema model has no place for it"));
            }
        }
    }

    /// Runs the checks and resolutions that need the whole model.
    pub(crate) fn finish(&mut self) {
        self.resolve_foreign_keys();
        // A large model holds tens of thousands of these: no spare capacity.
        for t in self.schema.tables.values_mut() {
            t.columns.shrink_to_fit();
            t.constraints.shrink_to_fit();
        }
    }

    /// The model and diagnostics.
    pub fn into_parts(self) -> (Schema, Vec<Diagnostic>) {
        (self.schema, self.diagnostics)
    }

    pub(crate) fn error(&mut self, st: &Stmt, origin: Origin, message: impl Into<String>) {
        self.diagnostics
            .push(st.diag(Severity::Error, origin, message));
    }

    pub(crate) fn warn(&mut self, st: &Stmt, origin: Origin, message: impl Into<String>) {
        self.diagnostics
            .push(st.diag(Severity::Warning, origin, message));
    }

    pub(crate) fn note(&mut self, st: &Stmt, message: impl Into<String>) {
        let origin = st.origin();
        self.diagnostics
            .push(st.diag(Severity::Note, origin, message));
    }

    /// Whether a relation of any kind has this name.
    pub(crate) fn relation_taken(&self, name: &QName) -> bool {
        self.relations.contains(name)
    }

    pub(crate) fn take_relation(&mut self, name: QName) {
        self.relations.insert(name);
    }

    pub(crate) fn release_relation(&mut self, name: &QName) {
        self.relations.remove(name);
    }

    pub(crate) fn constraint_taken(&self, schema: &str, name: &str) -> bool {
        self.constraints.contains(&QName::new(schema, name))
    }

    pub(crate) fn take_constraint(&mut self, schema: &str, name: &str) {
        self.constraints.insert(QName::new(schema, name));
    }

    /// Records that `key` was created by `st`; reports a duplicate definition.
    pub(crate) fn record_creation(
        &mut self,
        st: &Stmt,
        key: String,
        replace: bool,
        what: &str,
    ) -> bool {
        if let Some(prev) = self.created_at.get(&key) {
            if !replace && *prev != st.seq {
                let msg = format!("{what} is defined twice; golden SQL declares each object once (use CREATE OR REPLACE to redefine)");
                self.error(st, st.origin(), msg);
                return false;
            }
        }
        self.created_at.insert(key, st.seq);
        true
    }
}

/// A RangeVar's qualified name (`public` when unqualified).
pub(crate) fn qname(rv: &RangeVar) -> QName {
    QName::new(
        if rv.schemaname.is_empty() {
            "public"
        } else {
            &rv.schemaname
        },
        rv.relname.clone(),
    )
}

/// A dotted list of String nodes as a qualified name.
pub(crate) fn qname_of_list(nodes: &[pg_query::protobuf::Node]) -> QName {
    let parts: Vec<String> = nodes.iter().filter_map(crate::expr::string_of).collect();
    match parts.as_slice() {
        [name] => QName::new("public", name.clone()),
        [.., schema, name] => QName::new(schema.clone(), name.clone()),
        [] => QName::new("public", ""),
    }
}

/// The statement's node type, for messages (`CreateAggregateStmt` -> `DefineStmt`).
pub(crate) fn stmt_kind(node: &NodeEnum) -> String {
    let debug = format!("{node:?}");
    debug
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or("statement")
        .to_string()
}

/// A collation name: unqualified names stay unqualified (`"C"` lives in `pg_catalog`, user
/// collations are found through the search path).
pub(crate) fn collation_name(nodes: &[pg_query::protobuf::Node]) -> QName {
    let parts: Vec<String> = nodes.iter().filter_map(crate::expr::string_of).collect();
    match parts.as_slice() {
        [name] => QName::new("", name.clone()),
        [.., schema, name] => QName::new(schema.clone(), name.clone()),
        [] => QName::new("", ""),
    }
}
