//! Required tests per change: from the schema before and after a plan, the tests each change
//! needs (a new table: existence, columns and types, NOT NULL, defaults, keys and checks; a
//! dropped column: its absence; a policy: command, roles and behaviour per role; ...), each
//! with a priority from the change's risk, and which of them the coverage map satisfies.

use super::assertions::{Facet, Fact, ObjectKey, ObjectKind};
use data_ast::model::{ConstraintKind, Function, Policy, QName, Schema, Table, TypeKind};
use pg_query::NodeEnum;
use serde::Serialize;
use std::collections::BTreeMap;

/// How much a missing test matters; destructive and security changes are critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Drops, row level security, policies, SECURITY DEFINER functions.
    Critical,
    /// Keys, constraints, NOT NULL, type changes, triggers, unique indexes.
    High,
    /// Existence of new tables, columns, functions, views, indexes and types.
    Medium,
    /// Defaults.
    Low,
}

impl Priority {
    /// The lower-case word.
    pub fn label(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}

/// One test a change requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequiredTest {
    /// The object it is about.
    pub object: ObjectKey,
    /// What it checks.
    pub facet: Facet,
    /// For behaviour tests: the role the behaviour is checked as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// How much it matters.
    pub priority: Priority,
    /// The change that requires it, e.g. `create table app.tasks`.
    pub change: String,
    /// The assertion that satisfies it (`file:line`), if any.
    pub satisfied_by: Option<String>,
}

impl RequiredTest {
    /// A stable name, e.g. `policy app.tasks.tasks_select: behaviour as anon`.
    pub fn id(&self) -> String {
        match &self.role {
            Some(r) => format!("{}: {} as {r}", self.object, self.facet.label()),
            None => format!("{}: {}", self.object, self.facet.label()),
        }
    }

    /// The table a policy's tests are about (`schema.table` of `schema.table.policy`).
    pub fn policy_table(&self) -> Option<String> {
        (self.object.kind == ObjectKind::Policy)
            .then(|| {
                self.object
                    .name
                    .rsplit_once('.')
                    .map(|(t, _)| t.to_string())
            })
            .flatten()
    }
}

/// The roles whose behaviour a policy's tests check: on Supabase projects `anon`,
/// `authenticated` and `service_role`; elsewhere the roles the policy names (none for
/// `PUBLIC`).
pub fn behaviour_roles(policy: &Policy, supabase: bool) -> Vec<String> {
    if supabase {
        SUPABASE_ROLES.iter().map(|r| r.to_string()).collect()
    } else {
        policy
            .roles
            .iter()
            .filter(|r| !r.eq_ignore_ascii_case("public"))
            .cloned()
            .collect()
    }
}

/// The API roles of Supabase.
pub const SUPABASE_ROLES: [&str; 3] = ["anon", "authenticated", "service_role"];

/// Whether a schema looks like a Supabase project's: it has an `auth` schema, or a policy names
/// one of Supabase's API roles.
pub fn is_supabase(schema: &Schema) -> bool {
    schema.schemas.contains_key("auth")
        || schema.tables.keys().any(|q| q.schema == "auth")
        || schema
            .policies
            .values()
            .any(|p| p.roles.iter().any(|r| SUPABASE_ROLES.contains(&r.as_str())))
}

/// What the CREATE FUNCTION statement of a function declares about its security.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FunctionSecurity {
    /// `SECURITY DEFINER`.
    pub definer: bool,
    /// `SET search_path = ...`.
    pub pins_search_path: bool,
}

/// Reads [`FunctionSecurity`] from a function's canonical CREATE statement.
pub fn function_security(f: &Function) -> FunctionSecurity {
    let mut out = FunctionSecurity::default();
    let Ok(parsed) = pg_query::parse(&f.create_sql, 0) else {
        return out;
    };
    for raw in &parsed.protobuf.stmts {
        let Some(NodeEnum::CreateFunctionStmt(s)) = raw.stmt.as_ref().and_then(|s| s.node.as_ref())
        else {
            continue;
        };
        for o in &s.options {
            let Some(NodeEnum::DefElem(d)) = &o.node else {
                continue;
            };
            match (
                d.defname.as_str(),
                d.arg.as_deref().and_then(|a| a.node.as_ref()),
            ) {
                ("security", Some(NodeEnum::Boolean(b))) => out.definer = b.boolval,
                ("security", Some(NodeEnum::Integer(i))) => out.definer = i.ival != 0,
                ("set", Some(NodeEnum::VariableSetStmt(v))) if v.name == "search_path" => {
                    out.pins_search_path = true
                }
                _ => {}
            }
        }
    }
    out
}

struct Collector {
    tests: BTreeMap<(ObjectKey, Facet, Option<String>), RequiredTest>,
}

impl Collector {
    fn add(
        &mut self,
        kind: ObjectKind,
        name: String,
        facet: Facet,
        priority: Priority,
        change: &str,
    ) {
        self.add_role(ObjectKey::new(kind, name), facet, None, priority, change);
    }

    fn add_role(
        &mut self,
        object: ObjectKey,
        facet: Facet,
        role: Option<String>,
        priority: Priority,
        change: &str,
    ) {
        let key = (object.clone(), facet, role.clone());
        let test = RequiredTest {
            object,
            facet,
            role,
            priority,
            change: change.to_string(),
            satisfied_by: None,
        };
        match self.tests.get(&key) {
            Some(t) if t.priority <= priority => {}
            _ => {
                self.tests.insert(key, test);
            }
        }
    }

    fn column(&mut self, q: &QName, c: &data_ast::model::Column, change: &str, added: Priority) {
        let name = format!("{q}.{}", c.name);
        self.add(
            ObjectKind::Column,
            name.clone(),
            Facet::Exists,
            added,
            change,
        );
        self.add(
            ObjectKind::Column,
            name.clone(),
            Facet::Type,
            Priority::Medium,
            change,
        );
        if c.not_null {
            self.add(
                ObjectKind::Column,
                name.clone(),
                Facet::NotNull,
                Priority::High,
                change,
            );
        }
        if c.default.is_some() && c.generated.is_none() && c.identity.is_none() {
            self.add(
                ObjectKind::Column,
                name,
                Facet::Default,
                Priority::Low,
                change,
            );
        }
    }

    fn constraint(&mut self, q: &QName, kind: &ConstraintKind, change: &str) {
        match kind {
            ConstraintKind::PrimaryKey { .. } => self.add(
                ObjectKind::Table,
                q.to_string(),
                Facet::PrimaryKey,
                Priority::High,
                change,
            ),
            ConstraintKind::ForeignKey { columns, .. } => {
                if let Some(c) = columns.first() {
                    self.add(
                        ObjectKind::Column,
                        format!("{q}.{c}"),
                        Facet::ForeignKey,
                        Priority::High,
                        change,
                    );
                }
            }
            ConstraintKind::Unique { columns, .. } => {
                if let Some(c) = columns.first() {
                    self.add(
                        ObjectKind::Column,
                        format!("{q}.{c}"),
                        Facet::Unique,
                        Priority::High,
                        change,
                    );
                }
            }
            ConstraintKind::Check { .. } => self.add(
                ObjectKind::Table,
                q.to_string(),
                Facet::Check,
                Priority::Medium,
                change,
            ),
            ConstraintKind::Exclude { .. } => {}
        }
    }

    fn policy(&mut self, q: &QName, p: &Policy, supabase: bool, change: &str) {
        let key = ObjectKey::new(ObjectKind::Policy, format!("{q}.{}", p.name));
        for facet in [Facet::Exists, Facet::Command, Facet::Roles] {
            self.add_role(key.clone(), facet, None, Priority::Critical, change);
        }
        for role in behaviour_roles(p, supabase) {
            self.add_role(
                key.clone(),
                Facet::Behaviour,
                Some(role),
                Priority::Critical,
                change,
            );
        }
    }
}

fn previous<'a>(
    old: &'a BTreeMap<QName, Table>,
    q: &QName,
    renamed_from: Option<&QName>,
) -> Option<&'a Table> {
    old.get(q).or_else(|| renamed_from.and_then(|r| old.get(r)))
}

/// The tests the change from `old` to `new` requires, skipping objects in the schemas of
/// `exclude`; `supabase` adds behaviour tests per Supabase API role to every policy.
pub fn derive(old: &Schema, new: &Schema, supabase: bool, exclude: &[String]) -> Vec<RequiredTest> {
    let skip = |s: &str| exclude.iter().any(|e| e == s);
    let mut c = Collector {
        tests: BTreeMap::new(),
    };
    // Tables, their columns and constraints, row level security.
    let mut renamed_away = std::collections::BTreeSet::new();
    for (q, t) in new.tables.iter().filter(|(q, _)| !skip(&q.schema)) {
        let change;
        match previous(&old.tables, q, t.renamed_from.as_ref()) {
            None => {
                change = format!("create table {q}");
                c.add(
                    ObjectKind::Table,
                    q.to_string(),
                    Facet::Exists,
                    Priority::Medium,
                    &change,
                );
                if t.partition_of.is_none() {
                    for col in t.columns.iter().filter(|col| col.local) {
                        c.column(q, col, &change, Priority::Medium);
                    }
                }
                for con in t.constraints.values() {
                    c.constraint(q, &con.kind, &change);
                }
                if t.rls_enabled {
                    c.add(
                        ObjectKind::Table,
                        q.to_string(),
                        Facet::RlsEnabled,
                        Priority::Critical,
                        &change,
                    );
                }
            }
            Some(prev) => {
                if prev.name != *q {
                    renamed_away.insert(prev.name.clone());
                    let change = format!("rename table {} to {q}", prev.name);
                    c.add(
                        ObjectKind::Table,
                        q.to_string(),
                        Facet::Exists,
                        Priority::High,
                        &change,
                    );
                    c.add(
                        ObjectKind::Table,
                        prev.name.to_string(),
                        Facet::Absent,
                        Priority::High,
                        &change,
                    );
                }
                for col in t.columns.iter().filter(|col| col.local) {
                    let before = prev.columns.iter().find(|p| {
                        p.name == col.name || col.renamed_from.as_deref() == Some(p.name.as_str())
                    });
                    match before {
                        None => {
                            let change = format!("add column {q}.{}", col.name);
                            c.column(q, col, &change, Priority::Medium);
                        }
                        Some(p) => {
                            let name = format!("{q}.{}", col.name);
                            if p.name != col.name {
                                let change =
                                    format!("rename column {q}.{} to {}", p.name, col.name);
                                c.add(
                                    ObjectKind::Column,
                                    name.clone(),
                                    Facet::Exists,
                                    Priority::High,
                                    &change,
                                );
                                c.add(
                                    ObjectKind::Column,
                                    format!("{q}.{}", p.name),
                                    Facet::Absent,
                                    Priority::High,
                                    &change,
                                );
                            }
                            let change = format!("alter column {name}");
                            if p.ty.sql != col.ty.sql {
                                c.add(
                                    ObjectKind::Column,
                                    name.clone(),
                                    Facet::Type,
                                    Priority::High,
                                    &change,
                                );
                            }
                            if col.not_null && !p.not_null {
                                c.add(
                                    ObjectKind::Column,
                                    name.clone(),
                                    Facet::NotNull,
                                    Priority::High,
                                    &change,
                                );
                            }
                            if col.default.is_some()
                                && col.generated.is_none()
                                && p.default.as_ref().map(|d| &d.sql)
                                    != col.default.as_ref().map(|d| &d.sql)
                            {
                                c.add(
                                    ObjectKind::Column,
                                    name,
                                    Facet::Default,
                                    Priority::Low,
                                    &change,
                                );
                            }
                        }
                    }
                }
                for p in prev.columns.iter().filter(|p| p.local) {
                    let kept = t.columns.iter().any(|col| {
                        col.name == p.name || col.renamed_from.as_deref() == Some(p.name.as_str())
                    });
                    if !kept {
                        let change = format!("drop column {q}.{}", p.name);
                        c.add(
                            ObjectKind::Column,
                            format!("{q}.{}", p.name),
                            Facet::Absent,
                            Priority::Critical,
                            &change,
                        );
                    }
                }
                for (name, con) in &t.constraints {
                    let same = prev
                        .constraints
                        .get(name)
                        .is_some_and(|p| p.kind == con.kind);
                    if !same {
                        c.constraint(q, &con.kind, &format!("add constraint {name} on {q}"));
                    }
                }
                if t.rls_enabled && !prev.rls_enabled {
                    let change = format!("enable row level security on {q}");
                    c.add(
                        ObjectKind::Table,
                        q.to_string(),
                        Facet::RlsEnabled,
                        Priority::Critical,
                        &change,
                    );
                }
            }
        }
    }
    for q in old.tables.keys().filter(|q| !skip(&q.schema)) {
        if !new.tables.contains_key(q) && !renamed_away.contains(q) {
            c.add(
                ObjectKind::Table,
                q.to_string(),
                Facet::Absent,
                Priority::Critical,
                &format!("drop table {q}"),
            );
        }
    }
    // Table privileges of managed roles (GRANT and REVOKE are security changes).
    let table_of = |schema: &Schema, sql: &str| -> Option<QName> {
        schema.tables.keys().find(|q| q.sql() == sql).cloned()
    };
    for ((obj, role), privs) in new.grants.iter().filter(|((o, _), _)| o.kind == "TABLE") {
        let Some(q) = table_of(new, &obj.sql).filter(|q| !skip(&q.schema)) else {
            continue;
        };
        if old.grants.get(&(obj.clone(), role.clone())) != Some(privs) {
            c.add_role(
                ObjectKey::new(ObjectKind::Table, q.to_string()),
                Facet::Privileges,
                Some(role.clone()),
                Priority::Critical,
                &format!("grant on {q} to {role}"),
            );
        }
    }
    for (obj, role) in old.grants.keys().filter(|(o, _)| o.kind == "TABLE") {
        let Some(q) = table_of(new, &obj.sql).filter(|q| !skip(&q.schema)) else {
            continue;
        };
        if !new.grants.contains_key(&(obj.clone(), role.clone())) {
            c.add_role(
                ObjectKey::new(ObjectKind::Table, q.to_string()),
                Facet::Privileges,
                Some(role.clone()),
                Priority::Critical,
                &format!("revoke on {q} from {role}"),
            );
        }
    }
    // Policies.
    for ((q, name), p) in new.policies.iter().filter(|((q, _), _)| !skip(&q.schema)) {
        match old.policies.get(&(q.clone(), name.clone())) {
            None => c.policy(q, p, supabase, &format!("create policy {name} on {q}")),
            Some(before)
                if before.command != p.command
                    || before.roles != p.roles
                    || before.permissive != p.permissive
                    || before.using.as_ref().map(|e| &e.sql)
                        != p.using.as_ref().map(|e| &e.sql)
                    || before.check.as_ref().map(|e| &e.sql)
                        != p.check.as_ref().map(|e| &e.sql) =>
            {
                c.policy(q, p, supabase, &format!("alter policy {name} on {q}"))
            }
            Some(_) => {}
        }
    }
    for (q, name) in old.policies.keys().filter(|(q, _)| !skip(&q.schema)) {
        if !new.policies.contains_key(&(q.clone(), name.clone())) && new.tables.contains_key(q) {
            c.add(
                ObjectKind::Policy,
                format!("{q}.{name}"),
                Facet::Absent,
                Priority::Critical,
                &format!("drop policy {name} on {q}"),
            );
        }
    }
    // Functions.
    for (id, f) in new
        .functions
        .iter()
        .filter(|(id, _)| !skip(&id.name.schema))
    {
        let change = match old.functions.get(id) {
            None => format!("create function {id}"),
            Some(before) if before.create_sql != f.create_sql => format!("replace function {id}"),
            Some(_) => continue,
        };
        let name = id.name.to_string();
        c.add(
            ObjectKind::Function,
            name.clone(),
            Facet::Exists,
            Priority::Medium,
            &change,
        );
        if function_security(f).definer {
            c.add(
                ObjectKind::Function,
                name.clone(),
                Facet::Definer,
                Priority::Critical,
                &change,
            );
            c.add(
                ObjectKind::Function,
                name,
                Facet::Escalation,
                Priority::Critical,
                &change,
            );
        }
    }
    for id in old.functions.keys().filter(|id| !skip(&id.name.schema)) {
        if !new.functions.keys().any(|n| n.name == id.name) {
            c.add(
                ObjectKind::Function,
                id.name.to_string(),
                Facet::Absent,
                Priority::Critical,
                &format!("drop function {id}"),
            );
        }
    }
    // Views.
    for (q, v) in new.views.iter().filter(|(q, _)| !skip(&q.schema)) {
        let change = match old.views.get(q) {
            None => format!("create view {q}"),
            Some(before) if before.create_sql != v.create_sql => format!("replace view {q}"),
            Some(_) => continue,
        };
        c.add(
            ObjectKind::View,
            q.to_string(),
            Facet::Exists,
            Priority::Medium,
            &change,
        );
    }
    for q in old
        .views
        .keys()
        .filter(|q| !skip(&q.schema) && !new.views.contains_key(q))
    {
        c.add(
            ObjectKind::View,
            q.to_string(),
            Facet::Absent,
            Priority::High,
            &format!("drop view {q}"),
        );
    }
    // Indexes.
    for (q, i) in new.indexes.iter().filter(|(q, _)| !skip(&q.schema)) {
        let change = match old.indexes.get(q) {
            None => format!("create index {q}"),
            Some(before) if before.create_sql != i.create_sql => format!("rebuild index {q}"),
            Some(_) => continue,
        };
        c.add(
            ObjectKind::Index,
            q.to_string(),
            Facet::Exists,
            Priority::Medium,
            &change,
        );
        if is_unique_index(&i.create_sql) {
            c.add(
                ObjectKind::Index,
                q.to_string(),
                Facet::IndexUnique,
                Priority::High,
                &change,
            );
        }
    }
    for (q, i) in old.indexes.iter().filter(|(q, _)| !skip(&q.schema)) {
        if !new.indexes.contains_key(q) && new.tables.contains_key(&i.table) {
            c.add(
                ObjectKind::Index,
                q.to_string(),
                Facet::Absent,
                Priority::High,
                &format!("drop index {q}"),
            );
        }
    }
    // Triggers.
    for ((q, name), t) in new.triggers.iter().filter(|((q, _), _)| !skip(&q.schema)) {
        let change = match old.triggers.get(&(q.clone(), name.clone())) {
            None => format!("create trigger {name} on {q}"),
            Some(before) if before.create_sql != t.create_sql => {
                format!("replace trigger {name} on {q}")
            }
            Some(_) => continue,
        };
        c.add(
            ObjectKind::Trigger,
            format!("{q}.{name}"),
            Facet::Exists,
            Priority::High,
            &change,
        );
    }
    for (q, name) in old.triggers.keys().filter(|(q, _)| !skip(&q.schema)) {
        if !new.triggers.contains_key(&(q.clone(), name.clone())) && new.tables.contains_key(q) {
            c.add(
                ObjectKind::Trigger,
                format!("{q}.{name}"),
                Facet::Absent,
                Priority::High,
                &format!("drop trigger {name} on {q}"),
            );
        }
    }
    // Types.
    for (q, t) in new.types.iter().filter(|(q, _)| !skip(&q.schema)) {
        let before = old.types.get(q);
        if before.is_some_and(|b| b.kind == t.kind) {
            continue;
        }
        let change = if before.is_some() {
            format!("alter type {q}")
        } else {
            format!("create type {q}")
        };
        c.add(
            ObjectKind::Type,
            q.to_string(),
            Facet::Exists,
            Priority::Medium,
            &change,
        );
        if matches!(t.kind, TypeKind::Enum { .. }) {
            let p = if before.is_some() {
                Priority::High
            } else {
                Priority::Medium
            };
            c.add(ObjectKind::Type, q.to_string(), Facet::Labels, p, &change);
        }
    }
    for q in old
        .types
        .keys()
        .filter(|q| !skip(&q.schema) && !new.types.contains_key(q))
    {
        c.add(
            ObjectKind::Type,
            q.to_string(),
            Facet::Absent,
            Priority::Critical,
            &format!("drop type {q}"),
        );
    }
    let mut tests: Vec<RequiredTest> = c.tests.into_values().collect();
    tests.sort_by(|a, b| {
        (a.priority, &a.object, a.facet, &a.role).cmp(&(b.priority, &b.object, b.facet, &b.role))
    });
    tests
}

/// Whether an index's CREATE statement makes it unique.
pub fn is_unique_index(create_sql: &str) -> bool {
    pg_query::parse(create_sql, 0)
        .ok()
        .and_then(|p| {
            p.protobuf
                .stmts
                .iter()
                .find_map(|raw| match raw.stmt.as_ref()?.node.as_ref()? {
                    NodeEnum::IndexStmt(i) => Some(i.unique),
                    _ => None,
                })
        })
        .unwrap_or(false)
}

/// Marks each required test satisfied by the first fact that establishes it.
pub fn satisfy(tests: &mut [RequiredTest], facts: &[Fact]) {
    for t in tests.iter_mut() {
        t.satisfied_by = facts
            .iter()
            .find(|f| satisfies(f, t))
            .map(|f| format!("{}:{}", f.file, f.line));
    }
}

fn satisfies(f: &Fact, t: &RequiredTest) -> bool {
    match t.facet {
        Facet::Behaviour => {
            let target = t.policy_table().unwrap_or_else(|| t.object.name.clone());
            f.facet == Facet::Behaviour
                && f.object.name == target
                && matches!(f.object.kind, ObjectKind::Table | ObjectKind::View)
                && (t.role.is_none() || f.role == t.role)
        }
        Facet::Exists => {
            f.object == t.object && !matches!(f.facet, Facet::Absent | Facet::PolicySet)
        }
        Facet::Absent if t.object.kind == ObjectKind::Policy => {
            let Some((table, policy)) = t.object.name.rsplit_once('.') else {
                return false;
            };
            (f.object == t.object && f.facet == Facet::Absent)
                || (f.facet == Facet::PolicySet
                    && f.object.name == table
                    && !f.listed.iter().any(|l| l == policy))
        }
        Facet::Privileges => f.object == t.object && f.facet == t.facet && f.role == t.role,
        _ => f.object == t.object && f.facet == t.facet,
    }
}
