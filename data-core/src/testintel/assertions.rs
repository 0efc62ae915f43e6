//! Reading pgTAP test files with PostgreSQL's parser (pg_query): every assertion call found in
//! a statement becomes [`Fact`]s naming the schema objects it checks and what about them.
//!
//! Arguments are read from the parse tree (string constants, `ARRAY[...]`, casts of either), so
//! comments, quoting and formatting do not matter. Query assertions (`results_eq`, `is_empty`,
//! `lives_ok`, `throws_ok`, ...) have their SQL argument parsed in turn: the tables, views and
//! functions it uses are covered for behaviour, under the role set by the latest `SET ROLE`.

use data_ast::model::{QName, Schema};
use pg_query::protobuf::{a_const::Val, Node};
use pg_query::NodeEnum;
use serde::Serialize;
use std::collections::BTreeSet;

/// The kinds of schema objects coverage is counted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// Tables (and partitions).
    Table,
    /// Columns of tables.
    Column,
    /// Functions and procedures.
    Function,
    /// Row-level security policies.
    Policy,
    /// Triggers.
    Trigger,
    /// Indexes declared with `CREATE INDEX`.
    Index,
    /// Views and materialized views.
    View,
    /// Enums, domains, composite and range types.
    Type,
}

impl ObjectKind {
    /// Every kind, in report order.
    pub const ALL: [ObjectKind; 8] = [
        ObjectKind::Table,
        ObjectKind::Column,
        ObjectKind::Function,
        ObjectKind::Policy,
        ObjectKind::Trigger,
        ObjectKind::Index,
        ObjectKind::View,
        ObjectKind::Type,
    ];

    /// The singular noun, e.g. `table`.
    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Function => "function",
            ObjectKind::Policy => "policy",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::Type => "type",
        }
    }

    /// The plural noun used as the key in reports and `[testing.thresholds]`, e.g. `tables`.
    pub fn plural(self) -> &'static str {
        match self {
            ObjectKind::Table => "tables",
            ObjectKind::Column => "columns",
            ObjectKind::Function => "functions",
            ObjectKind::Policy => "policies",
            ObjectKind::Trigger => "triggers",
            ObjectKind::Index => "indexes",
            ObjectKind::View => "views",
            ObjectKind::Type => "types",
        }
    }

    /// The kind named by a plural noun.
    pub fn from_plural(s: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|k| k.plural() == s)
    }
}

/// A schema object as coverage names it: `app.tasks` (table, view, type, index, function by
/// name), `app.tasks.title` (column), `app.tasks.tasks_select` (policy, trigger).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectKey {
    /// Its kind.
    pub kind: ObjectKind,
    /// Its qualified name.
    pub name: String,
}

impl ObjectKey {
    /// Builds a key.
    pub fn new(kind: ObjectKind, name: impl Into<String>) -> ObjectKey {
        ObjectKey {
            kind,
            name: name.into(),
        }
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind.label(), self.name)
    }
}

/// What an assertion checks about an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    /// It exists (`has_table`, `has_column`, `has_function`, `policies_are`, ...).
    Exists,
    /// It does not exist (`hasnt_table`, `hasnt_column`, ...).
    Absent,
    /// A column's type (`col_type_is`).
    Type,
    /// A column is NOT NULL (`col_not_null`).
    NotNull,
    /// A column has a default (`col_has_default`, `col_default_is`).
    Default,
    /// The primary key (`has_pk`, `col_is_pk`).
    PrimaryKey,
    /// A foreign key (`fk_ok`, `col_is_fk`, `has_fk`).
    ForeignKey,
    /// A unique constraint (`col_is_unique`, `has_unique`).
    Unique,
    /// A check constraint (`has_check`, `col_has_check`).
    Check,
    /// An index is unique (`index_is_unique`).
    IndexUnique,
    /// A function is (or is not) SECURITY DEFINER (`is_definer`, `isnt_definer`).
    Definer,
    /// A privilege-escalation check of a function: its pinned `search_path` read from
    /// `pg_proc.proconfig`, its privileges (`function_privs_are`), or a call under `SET ROLE`.
    Escalation,
    /// A function's return type (`function_returns`).
    Returns,
    /// A policy's command (`policy_cmd_is`).
    Command,
    /// A policy's roles (`policy_roles_are`).
    Roles,
    /// Behaviour: a query assertion uses the object (under the role of [`Fact::role`]).
    Behaviour,
    /// Row-level security is enabled (`pg_class.relrowsecurity` read in a query assertion, or
    /// `is_rls_enabled`).
    RlsEnabled,
    /// An enum's labels (`enum_has_labels`).
    Labels,
    /// The complete list of a table's policies (`policies_are`): policies not listed are absent.
    PolicySet,
    /// A role's privileges on a table (`table_privs_are`).
    Privileges,
}

impl Facet {
    /// Words for reports, e.g. `NOT NULL`.
    pub fn label(self) -> &'static str {
        match self {
            Facet::Exists => "exists",
            Facet::Absent => "is absent",
            Facet::Type => "type",
            Facet::NotNull => "NOT NULL",
            Facet::Default => "default",
            Facet::PrimaryKey => "primary key",
            Facet::ForeignKey => "foreign key",
            Facet::Unique => "unique",
            Facet::Check => "check constraint",
            Facet::IndexUnique => "unique index",
            Facet::Definer => "SECURITY DEFINER",
            Facet::Escalation => "privilege escalation",
            Facet::Returns => "return type",
            Facet::Command => "command",
            Facet::Roles => "roles",
            Facet::Behaviour => "behaviour",
            Facet::RlsEnabled => "row level security enabled",
            Facet::Labels => "labels",
            Facet::PolicySet => "policy list",
            Facet::Privileges => "privileges",
        }
    }
}

/// One thing one assertion checks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Fact {
    /// The object.
    pub object: ObjectKey,
    /// What about it.
    pub facet: Facet,
    /// The role set when a behaviour was checked (`SET ROLE`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// For [`Facet::PolicySet`]: the policies listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub listed: Vec<String>,
    /// The test file, relative to the project.
    pub file: String,
    /// The line of the statement.
    pub line: usize,
    /// The pgTAP function called.
    pub assertion: String,
}

/// The pgTAP functions whose first (and second) string argument is SQL to run.
const QUERY_ASSERTIONS: &[&str] = &[
    "results_eq",
    "results_ne",
    "set_eq",
    "set_ne",
    "set_has",
    "set_hasnt",
    "bag_eq",
    "bag_ne",
    "bag_has",
    "bag_hasnt",
    "is_empty",
    "isnt_empty",
    "row_eq",
    "throws_ok",
    "throws_like",
    "throws_ilike",
    "throws_matching",
    "throws_imatching",
    "lives_ok",
    "performs_ok",
    "performs_within",
];

/// Names of the model, to resolve unqualified names and tell a schema argument from a name.
struct Names<'a> {
    schema: &'a Schema,
    schemas: BTreeSet<String>,
}

impl<'a> Names<'a> {
    fn new(schema: &'a Schema) -> Names<'a> {
        let mut schemas: BTreeSet<String> = schema.schemas.keys().cloned().collect();
        schemas.insert("public".into());
        schemas.extend(schema.tables.keys().map(|q| q.schema.clone()));
        schemas.extend(schema.functions.keys().map(|f| f.name.schema.clone()));
        schemas.extend(schema.types.keys().map(|q| q.schema.clone()));
        schemas.extend(schema.views.keys().map(|q| q.schema.clone()));
        Names { schema, schemas }
    }

    fn is_schema(&self, s: &str) -> bool {
        self.schemas.contains(s)
    }

    /// The schema of an unqualified name: `public` when it is there, else the one schema that
    /// has it, else `public`.
    fn resolve(&self, kind: ObjectKind, name: &str) -> String {
        let found: Vec<&str> = match kind {
            ObjectKind::Table | ObjectKind::Column | ObjectKind::Policy | ObjectKind::Trigger => {
                let mut v: Vec<&str> = schema_of(self.schema.tables.keys(), name);
                v.extend(schema_of(self.schema.views.keys(), name));
                v
            }
            ObjectKind::View => schema_of(self.schema.views.keys(), name),
            ObjectKind::Type => schema_of(self.schema.types.keys(), name),
            ObjectKind::Index => schema_of(self.schema.indexes.keys(), name),
            ObjectKind::Function => schema_of(self.schema.functions.keys().map(|f| &f.name), name),
        };
        if found.is_empty() || found.contains(&"public") {
            "public".to_string()
        } else {
            found[0].to_string()
        }
    }

    /// A relation used in a query: a table or view of the model, if it is one.
    fn relation(&self, schema: Option<&str>, name: &str) -> Option<ObjectKey> {
        let schema = match schema {
            Some(s) => s.to_string(),
            None => self.resolve(ObjectKind::Table, name),
        };
        let q = QName::new(schema, name);
        if self.schema.tables.contains_key(&q) {
            Some(ObjectKey::new(ObjectKind::Table, q.to_string()))
        } else if self.schema.views.contains_key(&q) {
            Some(ObjectKey::new(ObjectKind::View, q.to_string()))
        } else {
            None
        }
    }

    /// A function called in a query, if the model has it.
    fn function(&self, schema: Option<&str>, name: &str) -> Option<ObjectKey> {
        let schema = match schema {
            Some(s) => s.to_string(),
            None => self.resolve(ObjectKind::Function, name),
        };
        let q = QName::new(schema, name);
        self.schema
            .functions
            .keys()
            .any(|f| f.name == q)
            .then(|| ObjectKey::new(ObjectKind::Function, q.to_string()))
    }
}

fn schema_of<'q>(names: impl Iterator<Item = &'q QName>, name: &str) -> Vec<&'q str> {
    names
        .filter(|q| q.name == name)
        .map(|q| q.schema.as_str())
        .collect()
}

/// An argument of an assertion call, as far as coverage needs it.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Str(String),
    Array(Vec<String>),
    Other,
}

impl Arg {
    fn str(&self) -> Option<&str> {
        match self {
            Arg::Str(s) => Some(s),
            _ => None,
        }
    }

    fn names(&self) -> Vec<String> {
        match self {
            Arg::Str(s) => vec![s.clone()],
            Arg::Array(v) => v.clone(),
            Arg::Other => Vec::new(),
        }
    }
}

fn arg_of(node: &Node) -> Arg {
    match &node.node {
        Some(NodeEnum::AConst(c)) => match &c.val {
            Some(Val::Sval(s)) if !c.isnull => Arg::Str(s.sval.clone()),
            _ => Arg::Other,
        },
        Some(NodeEnum::TypeCast(c)) => c.arg.as_deref().map(arg_of).unwrap_or(Arg::Other),
        Some(NodeEnum::AArrayExpr(a)) => Arg::Array(
            a.elements
                .iter()
                .filter_map(|e| arg_of(e).str().map(str::to_string))
                .collect(),
        ),
        _ => Arg::Other,
    }
}

/// What a statement (or the SQL of a query assertion) contains, as far as coverage needs it.
#[derive(Debug, Default)]
struct Seen {
    /// Function calls: (schema, name, arguments), outermost first.
    calls: Vec<(Option<String>, String, Vec<Arg>)>,
    /// Relations read or written: (schema, name).
    relations: Vec<(Option<String>, String)>,
    /// Last fields of column references.
    columns: BTreeSet<String>,
    /// Casts of string constants: (type's last name, string).
    casts: Vec<(String, String)>,
}

fn qualified(names: &[Node]) -> (Option<String>, String) {
    let parts: Vec<String> = names
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        [] => (None, String::new()),
        [name] => (None, name.clone()),
        [.., schema, name] => (Some(schema.clone()), name.clone()),
    }
}

fn collect_all(nodes: &[Node], seen: &mut Seen) {
    for n in nodes {
        collect_opt(Some(n), seen);
    }
}

fn collect_opt(node: Option<&Node>, seen: &mut Seen) {
    if let Some(inner) = node.and_then(|n| n.node.as_ref()) {
        collect(inner, seen);
    }
}

fn relation(r: &pg_query::protobuf::RangeVar, seen: &mut Seen) {
    let schema = (!r.schemaname.is_empty()).then(|| r.schemaname.clone());
    seen.relations.push((schema, r.relname.clone()));
}

fn collect_select(s: &pg_query::protobuf::SelectStmt, seen: &mut Seen) {
    collect_all(&s.target_list, seen);
    collect_all(&s.from_clause, seen);
    collect_opt(s.where_clause.as_deref(), seen);
    collect_all(&s.values_lists, seen);
    if let Some(w) = &s.with_clause {
        collect_all(&w.ctes, seen);
    }
    if let Some(l) = &s.larg {
        collect_select(l, seen);
    }
    if let Some(r) = &s.rarg {
        collect_select(r, seen);
    }
}

/// Walks `node` and what lies below it that matters to coverage: expressions, sub-selects,
/// joins, and the relations of DML.
fn collect(node: &NodeEnum, seen: &mut Seen) {
    match node {
        NodeEnum::SelectStmt(s) => collect_select(s, seen),
        NodeEnum::CommonTableExpr(c) => collect_opt(c.ctequery.as_deref(), seen),
        NodeEnum::RangeVar(r) => relation(r, seen),
        NodeEnum::InsertStmt(s) => {
            if let Some(r) = &s.relation {
                relation(r, seen);
            }
            collect_opt(s.select_stmt.as_deref(), seen);
        }
        NodeEnum::UpdateStmt(s) => {
            if let Some(r) = &s.relation {
                relation(r, seen);
            }
            collect_all(&s.target_list, seen);
            collect_all(&s.from_clause, seen);
            collect_opt(s.where_clause.as_deref(), seen);
        }
        NodeEnum::DeleteStmt(s) => {
            if let Some(r) = &s.relation {
                relation(r, seen);
            }
            collect_all(&s.using_clause, seen);
            collect_opt(s.where_clause.as_deref(), seen);
        }
        NodeEnum::CallStmt(c) => {
            if let Some(fc) = &c.funccall {
                collect(&NodeEnum::FuncCall(fc.clone()), seen);
            }
        }
        NodeEnum::FuncCall(c) => {
            let (schema, name) = qualified(&c.funcname);
            seen.calls
                .push((schema, name, c.args.iter().map(arg_of).collect()));
            collect_all(&c.args, seen);
        }
        NodeEnum::ColumnRef(c) => {
            if let Some(Some(NodeEnum::String(s))) = c.fields.last().map(|f| &f.node) {
                seen.columns.insert(s.sval.clone());
            }
        }
        NodeEnum::TypeCast(c) => {
            if let (Some(Arg::Str(s)), Some(tn)) =
                (c.arg.as_deref().map(arg_of), c.type_name.as_ref())
            {
                seen.casts.push((qualified(&tn.names).1, s));
            }
            collect_opt(c.arg.as_deref(), seen);
        }
        NodeEnum::ResTarget(r) => collect_opt(r.val.as_deref(), seen),
        NodeEnum::AExpr(a) => {
            collect_opt(a.lexpr.as_deref(), seen);
            collect_opt(a.rexpr.as_deref(), seen);
        }
        NodeEnum::BoolExpr(b) => collect_all(&b.args, seen),
        NodeEnum::NullTest(n) => collect_opt(n.arg.as_deref(), seen),
        NodeEnum::CoalesceExpr(c) => collect_all(&c.args, seen),
        NodeEnum::SubLink(s) => {
            collect_opt(s.testexpr.as_deref(), seen);
            collect_opt(s.subselect.as_deref(), seen);
        }
        NodeEnum::RangeSubselect(r) => collect_opt(r.subquery.as_deref(), seen),
        NodeEnum::RangeFunction(r) => collect_all(&r.functions, seen),
        NodeEnum::JoinExpr(j) => {
            collect_opt(j.larg.as_deref(), seen);
            collect_opt(j.rarg.as_deref(), seen);
            collect_opt(j.quals.as_deref(), seen);
        }
        NodeEnum::List(l) => collect_all(&l.items, seen),
        NodeEnum::AArrayExpr(a) => collect_all(&a.elements, seen),
        NodeEnum::RowExpr(r) => collect_all(&r.args, seen),
        NodeEnum::CaseExpr(c) => {
            collect_opt(c.arg.as_deref(), seen);
            collect_all(&c.args, seen);
            collect_opt(c.defresult.as_deref(), seen);
        }
        NodeEnum::CaseWhen(c) => {
            collect_opt(c.expr.as_deref(), seen);
            collect_opt(c.result.as_deref(), seen);
        }
        _ => {}
    }
}

/// Reads the assertions of one pgTAP test file. `file` is how the facts name it; `schema`
/// resolves unqualified names and tells a schema argument from an object name. psql
/// meta-commands (lines starting with a backslash) are skipped. Returns the parser's message
/// when the file is not valid SQL.
pub fn parse_file(file: &str, text: &str, schema: &Schema) -> Result<Vec<Fact>, String> {
    let cleaned: String = text
        .split_inclusive('\n')
        .map(|l| {
            if l.trim_start().starts_with('\\') {
                l.chars()
                    .map(|c| if c == '\n' { '\n' } else { ' ' })
                    .collect()
            } else {
                l.to_string()
            }
        })
        .collect();
    let parsed = pg_query::parse(&cleaned, 0).map_err(|e| e.to_string())?;
    let names = Names::new(schema);
    let mut reader = Reader {
        names: &names,
        file,
        line: 0,
        role: None,
        facts: Vec::new(),
    };
    for raw in &parsed.protobuf.stmts {
        let offset = usize::try_from(raw.stmt_location).unwrap_or(0);
        reader.line = line_of(&cleaned, offset);
        let Some(node) = raw.stmt.as_ref().and_then(|s| s.node.as_ref()) else {
            continue;
        };
        if let NodeEnum::CreateFunctionStmt(f) = node {
            let start = offset.min(cleaned.len());
            let len = usize::try_from(raw.stmt_len).unwrap_or(0);
            let end = if len == 0 {
                cleaned.len()
            } else {
                (start + len).min(cleaned.len())
            };
            let statement = cleaned.get(start..end).unwrap_or_default();
            reader.test_function(f, statement);
            continue;
        }
        match node {
            NodeEnum::VariableSetStmt(v) if v.name == "role" => {
                reader.role = match v.args.first().map(arg_of) {
                    Some(Arg::Str(r)) if !r.eq_ignore_ascii_case("none") => Some(r),
                    _ => None,
                };
                continue;
            }
            NodeEnum::VariableSetStmt(v) if v.name.is_empty() => {
                // RESET ALL
                reader.role = None;
                continue;
            }
            NodeEnum::TransactionStmt(_) => {
                reader.role = None;
                continue;
            }
            _ => {}
        }
        let mut seen = Seen::default();
        collect(node, &mut seen);
        let mut asserted = false;
        for (schema, name, args) in &seen.calls {
            if schema.as_deref().is_some_and(|s| s != "public") {
                continue;
            }
            asserted |= reader.assertion(name, args);
        }
        if asserted {
            reader.probes(&seen, "catalog probe");
        }
    }
    let mut facts = reader.facts;
    facts.sort();
    facts.dedup();
    Ok(facts)
}

fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    // Statements start after the previous one's semicolon; skip the blank lines and comments
    // before the statement's first token.
    let rest = &text[offset..];
    let mut skipped = 0;
    let mut lines = rest.split_inclusive('\n');
    for l in lines.by_ref() {
        let t = l.trim();
        if t.is_empty() || t.starts_with("--") {
            skipped += 1;
        } else {
            break;
        }
    }
    text[..offset].matches('\n').count() + 1 + skipped
}

struct Reader<'a> {
    names: &'a Names<'a>,
    file: &'a str,
    line: usize,
    role: Option<String>,
    facts: Vec<Fact>,
}

impl Reader<'_> {
    fn push(&mut self, kind: ObjectKind, name: String, facet: Facet, assertion: &str) {
        self.push_full(
            ObjectKey::new(kind, name),
            facet,
            None,
            Vec::new(),
            assertion,
        );
    }

    fn push_full(
        &mut self,
        object: ObjectKey,
        facet: Facet,
        role: Option<String>,
        listed: Vec<String>,
        assertion: &str,
    ) {
        self.facts.push(Fact {
            object,
            facet,
            role,
            listed,
            file: self.file.to_string(),
            line: self.line,
            assertion: assertion.to_string(),
        });
    }

    /// `(schema, names)` of an assertion whose arguments are `[schema,] name1 .. nameN, ...`:
    /// the schema form when the first argument names a schema and N names follow it.
    fn rel(&self, args: &[Arg], n: usize, kind: ObjectKind) -> Option<(String, Vec<Arg>)> {
        let named = |a: &Arg| !matches!(a, Arg::Other);
        if args.len() > n
            && args[0].str().is_some_and(|s| self.names.is_schema(s))
            && args[1..=n].iter().all(named)
        {
            return Some((args[0].str()?.to_string(), args[1..=n].to_vec()));
        }
        if args.len() >= n && args[..n].iter().all(named) {
            let first = args[0].names().into_iter().next()?;
            return Some((self.names.resolve(kind, &first), args[..n].to_vec()));
        }
        None
    }

    /// Records what the pgTAP function `name` called with `args` checks; false when `name` is
    /// not a pgTAP assertion coverage knows.
    fn assertion(&mut self, name: &str, args: &[Arg]) -> bool {
        use Facet as F;
        use ObjectKind as K;
        let table_level = |n: &str| -> Option<(K, F)> {
            Some(match n {
                "has_table" | "has_relation" | "has_foreign_table" | "table_owner_is" => {
                    (K::Table, F::Exists)
                }
                "hasnt_table" | "hasnt_relation" => (K::Table, F::Absent),
                "has_pk" => (K::Table, F::PrimaryKey),
                "has_fk" => (K::Table, F::ForeignKey),
                "has_unique" => (K::Table, F::Unique),
                "has_check" => (K::Table, F::Check),
                "is_rls_enabled" => (K::Table, F::RlsEnabled),
                "has_view" | "has_materialized_view" | "view_owner_is" => (K::View, F::Exists),
                "hasnt_view" | "hasnt_materialized_view" => (K::View, F::Absent),
                "has_type" | "has_enum" | "has_domain" | "has_composite" | "type_owner_is" => {
                    (K::Type, F::Exists)
                }
                "hasnt_type" | "hasnt_enum" | "hasnt_domain" | "hasnt_composite" => {
                    (K::Type, F::Absent)
                }
                "enum_has_labels" => (K::Type, F::Labels),
                _ => return None,
            })
        };
        let column_level = |n: &str| -> Option<F> {
            Some(match n {
                "has_column" | "col_is_null" | "col_hasnt_default" | "col_isnt_pk"
                | "col_isnt_fk" => F::Exists,
                "hasnt_column" => F::Absent,
                "col_type_is" => F::Type,
                "col_not_null" => F::NotNull,
                "col_has_default" | "col_default_is" => F::Default,
                "col_is_pk" => F::PrimaryKey,
                "col_is_fk" => F::ForeignKey,
                "col_is_unique" => F::Unique,
                "col_has_check" => F::Check,
                _ => return None,
            })
        };
        let function_level = |n: &str| -> Option<F> {
            Some(match n {
                "has_function" | "function_lang_is" | "volatility_is" | "is_strict"
                | "isnt_strict" | "is_aggregate" | "isnt_aggregate" | "function_owner_is"
                | "is_procedure" | "isnt_procedure" => F::Exists,
                "hasnt_function" => F::Absent,
                "function_returns" => F::Returns,
                "is_definer" | "isnt_definer" => F::Definer,
                "function_privs_are" => F::Escalation,
                _ => return None,
            })
        };
        if let Some((kind, facet)) = table_level(name) {
            let Some((schema, names)) = self.rel(args, 1, kind) else {
                return true;
            };
            for n in names[0].names() {
                self.push(kind, format!("{schema}.{n}"), facet, name);
            }
        } else if let Some(facet) = column_level(name) {
            let Some((schema, names)) = self.rel(args, 2, K::Column) else {
                return true;
            };
            let Some(table) = names[0].str() else {
                return true;
            };
            for c in names[1].names() {
                self.push(K::Column, format!("{schema}.{table}.{c}"), facet, name);
            }
            if matches!(facet, F::PrimaryKey | F::ForeignKey | F::Unique | F::Check) {
                self.push(K::Table, format!("{schema}.{table}"), facet, name);
            }
        } else if let Some(facet) = function_level(name) {
            let (schema, f) = match args {
                [Arg::Str(s), Arg::Str(f), ..] if self.names.is_schema(s) => (s.clone(), f.clone()),
                [Arg::Str(f), ..] => (self.names.resolve(K::Function, f), f.clone()),
                _ => return true,
            };
            self.push(K::Function, format!("{schema}.{f}"), facet, name);
        } else {
            match name {
                "columns_are" | "policies_are" | "triggers_are" | "indexes_are" => {
                    let Some((schema, names)) = self.rel(args, 2, K::Table) else {
                        return true;
                    };
                    let Some(table) = names[0].str() else {
                        return true;
                    };
                    let listed = names[1].names();
                    for n in &listed {
                        let (kind, key) = match name {
                            "columns_are" => (K::Column, format!("{schema}.{table}.{n}")),
                            "policies_are" => (K::Policy, format!("{schema}.{table}.{n}")),
                            "triggers_are" => (K::Trigger, format!("{schema}.{table}.{n}")),
                            _ => (K::Index, format!("{schema}.{n}")),
                        };
                        self.push(kind, key, F::Exists, name);
                    }
                    if name == "policies_are" {
                        self.push_full(
                            ObjectKey::new(K::Table, format!("{schema}.{table}")),
                            F::PolicySet,
                            None,
                            listed,
                            name,
                        );
                    }
                }
                "table_privs_are" => {
                    let (schema, table, role) = match args {
                        [Arg::Str(s), Arg::Str(t), Arg::Str(r), Arg::Array(_), ..]
                            if self.names.is_schema(s) =>
                        {
                            (s.clone(), t.clone(), r.clone())
                        }
                        [Arg::Str(t), Arg::Str(r), Arg::Array(_), ..] => {
                            (self.names.resolve(K::Table, t), t.clone(), r.clone())
                        }
                        _ => return true,
                    };
                    self.push_full(
                        ObjectKey::new(K::Table, format!("{schema}.{table}")),
                        F::Privileges,
                        Some(role),
                        Vec::new(),
                        name,
                    );
                }
                "fk_ok" => {
                    let (schema, table, cols) =
                        if args.len() >= 6 && args[..6].iter().all(|a| !matches!(a, Arg::Other)) {
                            let (Some(s), Some(t)) = (args[0].str(), args[1].str()) else {
                                return true;
                            };
                            (s.to_string(), t.to_string(), args[2].names())
                        } else if args.len() >= 4 {
                            let Some(t) = args[0].str() else {
                                return true;
                            };
                            (
                                self.names.resolve(K::Table, t),
                                t.to_string(),
                                args[1].names(),
                            )
                        } else {
                            return true;
                        };
                    for c in cols {
                        self.push(
                            K::Column,
                            format!("{schema}.{table}.{c}"),
                            F::ForeignKey,
                            name,
                        );
                    }
                    self.push(K::Table, format!("{schema}.{table}"), F::ForeignKey, name);
                }
                "has_index" | "hasnt_index" => {
                    let Some((schema, names)) = self.rel(args, 2, K::Table) else {
                        return true;
                    };
                    if let Some(index) = names[1].str() {
                        let facet = if name == "has_index" {
                            F::Exists
                        } else {
                            F::Absent
                        };
                        self.push(K::Index, format!("{schema}.{index}"), facet, name);
                    }
                }
                "index_is_unique" | "index_is_primary" | "index_is_type" | "is_clustered" => {
                    let strs: Vec<&str> = args.iter().filter_map(Arg::str).collect();
                    let (schema, index) = match strs.as_slice() {
                        [s, _, i, ..] if self.names.is_schema(s) => (s.to_string(), *i),
                        [_, i, ..] | [i] => (self.names.resolve(K::Index, i), *i),
                        _ => return true,
                    };
                    let facet = if name == "index_is_unique" {
                        F::IndexUnique
                    } else {
                        F::Exists
                    };
                    self.push(K::Index, format!("{schema}.{index}"), facet, name);
                }
                "has_trigger" | "hasnt_trigger" | "trigger_is" => {
                    let Some((schema, names)) = self.rel(args, 2, K::Trigger) else {
                        return true;
                    };
                    let (Some(table), Some(trigger)) = (names[0].str(), names[1].str()) else {
                        return true;
                    };
                    let facet = if name == "hasnt_trigger" {
                        F::Absent
                    } else {
                        F::Exists
                    };
                    self.push(
                        K::Trigger,
                        format!("{schema}.{table}.{trigger}"),
                        facet,
                        name,
                    );
                }
                "policy_cmd_is" | "policy_roles_are" | "policy_roles_is" => {
                    let Some((schema, names)) = self.rel(args, 2, K::Policy) else {
                        return true;
                    };
                    let (Some(table), Some(policy)) = (names[0].str(), names[1].str()) else {
                        return true;
                    };
                    let facet = if name == "policy_cmd_is" {
                        F::Command
                    } else {
                        F::Roles
                    };
                    self.push(K::Policy, format!("{schema}.{table}.{policy}"), facet, name);
                }
                n if QUERY_ASSERTIONS.contains(&n) => {
                    if let Some(Arg::Str(sql)) = args.first() {
                        self.query(sql, name);
                    }
                }
                _ => return false,
            }
        }
        true
    }

    /// A query assertion: what its SQL uses is covered for behaviour, under the current role.
    fn query(&mut self, sql: &str, assertion: &str) {
        // A prepared statement's name or a bare call is not SQL; coverage then learns nothing.
        let Ok(parsed) = pg_query::parse(sql, 0) else {
            return;
        };
        let mut seen = Seen::default();
        for raw in &parsed.protobuf.stmts {
            if let Some(node) = raw.stmt.as_ref().and_then(|s| s.node.as_ref()) {
                collect(node, &mut seen);
            }
        }
        for (schema, name) in &seen.relations {
            if let Some(key) = self.names.relation(schema.as_deref(), name) {
                self.push_full(
                    key,
                    Facet::Behaviour,
                    self.role.clone(),
                    Vec::new(),
                    assertion,
                );
            }
        }
        for (schema, name, _) in &seen.calls {
            if let Some(key) = self.names.function(schema.as_deref(), name) {
                self.push_full(
                    key.clone(),
                    Facet::Behaviour,
                    self.role.clone(),
                    Vec::new(),
                    assertion,
                );
                if self.role.is_some() {
                    // Calling a function as a non-owner role checks what that role can reach.
                    self.push_full(key, Facet::Escalation, None, Vec::new(), assertion);
                }
            }
        }
        self.probes(&seen, assertion);
    }

    /// Catalog probes: `relrowsecurity` read for a `'...'::regclass` (row level security
    /// enabled) and `proconfig` read for a `'...'::regprocedure` (the pinned `search_path`
    /// of a SECURITY DEFINER function).
    fn probes(&mut self, seen: &Seen, assertion: &str) {
        for (ty, value) in &seen.casts {
            let (schema, name) = split_qualified(value);
            if ty == "regclass" && seen.columns.contains("relrowsecurity") {
                let schema = schema
                    .clone()
                    .unwrap_or_else(|| self.names.resolve(ObjectKind::Table, &name));
                self.push(
                    ObjectKind::Table,
                    format!("{schema}.{name}"),
                    Facet::RlsEnabled,
                    assertion,
                );
            }
            if (ty == "regprocedure" || ty == "regproc") && seen.columns.contains("proconfig") {
                let schema =
                    schema.unwrap_or_else(|| self.names.resolve(ObjectKind::Function, &name));
                self.push(
                    ObjectKind::Function,
                    format!("{schema}.{name}"),
                    Facet::Escalation,
                    assertion,
                );
            }
        }
    }
}

impl Reader<'_> {
    /// A test function (`test.run_*_tests()`): the assertions in its body count as the file's.
    /// PL/pgSQL bodies are read with libpg_query's PL/pgSQL parser, each SQL expression in them
    /// with the SQL parser; SQL bodies directly. `SET ROLE` inside the body is followed.
    fn test_function(&mut self, f: &pg_query::protobuf::CreateFunctionStmt, statement: &str) {
        let (schema, name) = qualified(&f.funcname);
        if schema.as_deref() != Some(super::discover::TEST_SCHEMA)
            || !super::discover::is_test_function(&name)
        {
            return;
        }
        let saved = self.role.take();
        let mut queries = Vec::new();
        if let Ok(json) = pg_query::parse_plpgsql(statement) {
            collect_queries(&json, &mut queries);
        }
        if queries.is_empty() {
            // A SQL-language body: its text is the `AS` string.
            for o in &f.options {
                if let Some(NodeEnum::DefElem(d)) = &o.node {
                    if d.defname == "as" {
                        if let Some(NodeEnum::List(l)) =
                            d.arg.as_deref().and_then(|a| a.node.as_ref())
                        {
                            queries.extend(l.items.iter().filter_map(|i| match &i.node {
                                Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                                _ => None,
                            }));
                        }
                    }
                }
            }
        }
        for q in queries {
            // PL/pgSQL expressions are bare (`has_table(...)`); statements are whole.
            let parsed =
                pg_query::parse(&q, 0).or_else(|_| pg_query::parse(&format!("SELECT {q}"), 0));
            let Ok(parsed) = parsed else {
                continue;
            };
            for raw in &parsed.protobuf.stmts {
                let Some(node) = raw.stmt.as_ref().and_then(|s| s.node.as_ref()) else {
                    continue;
                };
                if let NodeEnum::VariableSetStmt(v) = node {
                    if v.name == "role" {
                        self.role = match v.args.first().map(arg_of) {
                            Some(Arg::Str(r)) if !r.eq_ignore_ascii_case("none") => Some(r),
                            _ => None,
                        };
                    }
                    continue;
                }
                let mut seen = Seen::default();
                collect(node, &mut seen);
                let mut asserted = false;
                for (schema, name, args) in &seen.calls {
                    if schema.as_deref().is_some_and(|s| s != "public") {
                        continue;
                    }
                    asserted |= self.assertion(name, args);
                }
                if asserted {
                    self.probes(&seen, "catalog probe");
                }
            }
        }
        self.role = saved;
    }
}

/// Every `"query"` string of a PL/pgSQL parse tree (JSON), in statement order.
fn collect_queries(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("query", serde_json::Value::String(s)) => out.push(s.clone()),
                    _ => collect_queries(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_queries(x, out)),
        _ => {}
    }
}

/// `app.f(text, int)` or `"app"."tasks"` → (`Some("app")`, `f` / `tasks`).
fn split_qualified(value: &str) -> (Option<String>, String) {
    let base = value.split('(').next().unwrap_or(value).trim();
    let unquote = |s: &str| s.trim().trim_matches('"').to_string();
    match base.split_once('.') {
        Some((s, n)) => (Some(unquote(s)), unquote(n)),
        None => (None, unquote(base)),
    }
}
