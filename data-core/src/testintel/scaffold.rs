//! pgTAP files for missing required tests: one file per table (with its columns, constraints,
//! policies, indexes and triggers), function, view or type, asserting what the golden SQL
//! declares, with `plan(n)` counting the assertions, a sample row of realistic values per column
//! type, and `SET LOCAL ROLE` blocks for the behaviour of policies per role.
//!
//! Every file runs inside `BEGIN` ... `ROLLBACK`, so the roles and grants a behaviour block
//! needs (created as on Supabase when the server lacks them) never outlive the test.

use super::assertions::{Facet, ObjectKind};
use super::required::{function_security, RequiredTest, SUPABASE_ROLES};
use data_ast::model::{Column, ConstraintKind, QName, Schema, Table, TypeKind};
use data_ast::quote;
use serde::Serialize;
use std::collections::BTreeMap;

/// One generated test file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaffoldFile {
    /// Its path inside the tests folder, e.g. `scaffold/table_app_tasks.sql`.
    pub path: String,
    /// Its text.
    pub text: String,
    /// The assertions it makes (its `plan(n)`).
    pub tests: usize,
    /// The required tests it satisfies (their ids).
    pub covers: Vec<String>,
}

/// What goes into one file.
#[derive(Default)]
struct Draft {
    title: String,
    assertions: Vec<String>,
    /// Behaviour assertions per role, in role order.
    roles: BTreeMap<String, Vec<String>>,
    /// The table whose sample row the behaviour blocks read.
    sample_table: Option<QName>,
    covers: Vec<String>,
}

impl Draft {
    fn assert(&mut self, sql: String) {
        if !self.assertions.contains(&sql) {
            self.assertions.push(sql);
        }
    }
}

fn lit(s: &str) -> String {
    quote::literal(s)
}

fn array(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("ARRAY[{}]::name[]", inner.join(", "))
}

fn qname(s: &str) -> QName {
    match s.split_once('.') {
        Some((schema, name)) => QName::new(schema, name),
        None => QName::new("public", s),
    }
}

/// `schema.table.member` → (`schema.table`, `member`).
fn member(s: &str) -> (QName, String) {
    match s.rsplit_once('.') {
        Some((t, m)) => (qname(t), m.to_string()),
        None => (QName::new("public", ""), s.to_string()),
    }
}

fn file_name(kind: &str, q: &QName) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "scaffold/{kind}_{}_{}.sql",
        clean(&q.schema),
        clean(&q.name)
    )
}

/// The file a required test goes into.
fn owner(t: &RequiredTest, new: &Schema, old: &Schema) -> (String, QName) {
    let name = &t.object.name;
    match t.object.kind {
        ObjectKind::Table => ("table".into(), qname(name)),
        ObjectKind::Column | ObjectKind::Policy | ObjectKind::Trigger => {
            ("table".into(), member(name).0)
        }
        ObjectKind::Index => {
            let q = qname(name);
            match new.indexes.get(&q).or_else(|| old.indexes.get(&q)) {
                Some(i) => ("table".into(), i.table.clone()),
                None => ("index".into(), q),
            }
        }
        ObjectKind::Function => ("function".into(), qname(name)),
        ObjectKind::View => ("view".into(), qname(name)),
        ObjectKind::Type => ("type".into(), qname(name)),
    }
}

/// pgTAP files for the `tests` not yet satisfied, asserting what `new` declares (`old` names
/// what was dropped). `supabase` makes behaviour blocks create Supabase's API roles when the
/// server lacks them.
pub fn scaffold(
    tests: &[RequiredTest],
    new: &Schema,
    old: &Schema,
    supabase: bool,
) -> Vec<ScaffoldFile> {
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    // Grouped by object inside a file (the table, then its columns, ...), not by priority.
    let mut missing: Vec<&RequiredTest> =
        tests.iter().filter(|t| t.satisfied_by.is_none()).collect();
    missing.sort_by(|a, b| {
        (a.object.kind, &a.object.name, a.facet, &a.role).cmp(&(
            b.object.kind,
            &b.object.name,
            b.facet,
            &b.role,
        ))
    });
    for t in missing {
        let (kind, q) = owner(t, new, old);
        let path = file_name(&kind, &q);
        let draft = drafts.entry(path).or_insert_with(|| Draft {
            title: format!("{kind} {q}"),
            ..Draft::default()
        });
        let made = if t.facet == Facet::Behaviour {
            behaviour(t, new, draft, &q)
        } else {
            assertion(t, new, old)
                .map(|sql| draft.assert(sql))
                .is_some()
        };
        if made {
            draft.covers.push(t.id());
        }
    }
    drafts
        .into_iter()
        .filter(|(_, d)| !d.covers.is_empty())
        .map(|(path, d)| render(path, d, new, supabase))
        .collect()
}

fn render(path: String, d: Draft, new: &Schema, supabase: bool) -> ScaffoldFile {
    let behaviour: usize = d.roles.values().map(Vec::len).sum();
    let n = d.assertions.len() + behaviour;
    let mut out = format!(
        "-- Scaffolded by `data test scaffold` for {}: it asserts what the golden SQL declares.\n\
         -- Edit freely; coverage reads the assertions, not this header.\n\
         BEGIN;\nSELECT plan({n});\n\n",
        d.title
    );
    for a in &d.assertions {
        out.push_str(a);
        out.push('\n');
    }
    if !d.roles.is_empty() {
        out.push('\n');
        out.push_str(&role_setup(&d, new, supabase));
        for (role, checks) in &d.roles {
            out.push_str(&format!(
                "\n-- as {role}\nSET LOCAL ROLE {};\n",
                quote::ident(role)
            ));
            for c in checks {
                out.push_str(c);
                out.push('\n');
            }
            out.push_str("RESET ROLE;\n");
        }
    }
    out.push_str("\nSELECT * FROM finish();\nROLLBACK;\n");
    ScaffoldFile {
        path,
        text: out,
        tests: n,
        covers: d.covers,
    }
}

/// Roles (created as on Supabase when missing), the privileges Supabase's API roles have, and
/// a sample row, all inside the test's transaction.
fn role_setup(d: &Draft, new: &Schema, supabase: bool) -> String {
    let roles: Vec<&String> = d.roles.keys().collect();
    let mut out = String::new();
    out.push_str("-- The roles whose behaviour is checked; created (inside this transaction) when the\n-- server lacks them, with the privileges Supabase gives its API roles.\nDO $$\nBEGIN\n");
    for r in &roles {
        let bypass = if supabase && r.as_str() == "service_role" {
            " BYPASSRLS"
        } else {
            ""
        };
        out.push_str(&format!(
            "    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = {}) THEN\n        CREATE ROLE {} NOLOGIN{bypass};\n    END IF;\n",
            lit(r),
            quote::ident(r)
        ));
    }
    out.push_str("END\n$$;\n");
    let role_list: Vec<String> = roles.iter().map(|r| quote::ident(r)).collect();
    let mut schemas: Vec<String> = new.schemas.keys().cloned().collect();
    if !schemas.iter().any(|s| s == "public") {
        schemas.push("public".into());
    }
    let schemas: Vec<String> = schemas.iter().map(|s| quote::ident(s)).collect();
    // Policies read other tables (and call functions) as the current role, so the roles get
    // what Supabase's default privileges give them on every table of the project.
    out.push_str(&format!(
        "GRANT USAGE ON SCHEMA {s} TO {r};\nGRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r};\n",
        s = schemas.join(", "),
        r = role_list.join(", ")
    ));
    if let Some(q) = &d.sample_table {
        if let Some(t) = new.tables.get(q) {
            out.push_str(&sample_row(t, new));
        }
    }
    out
}

/// A sample row inserted as the table's owner, so behaviour checks read data; left out when
/// the table's constraints need rows the file does not create.
fn sample_row(t: &Table, new: &Schema) -> String {
    let fks: BTreeMap<&str, (&QName, &str)> = t
        .constraints
        .values()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey {
                columns,
                table,
                ref_columns,
                ..
            } if columns.len() == 1 && ref_columns.len() == 1 => {
                Some((columns[0].as_str(), (table, ref_columns[0].as_str())))
            }
            _ => None,
        })
        .collect();
    let mut cols = Vec::new();
    let mut values = Vec::new();
    for c in &t.columns {
        if c.generated.is_some() || c.identity.is_some() || c.default.is_some() {
            continue;
        }
        let value = match fks.get(c.name.as_str()) {
            Some(_) if !c.not_null => continue,
            Some((rt, rc)) => format!("(SELECT {} FROM {} LIMIT 1)", quote::ident(rc), rt.sql()),
            None => match sample_value(c, new) {
                Some(v) => v,
                None if c.not_null => return String::new(),
                None => continue,
            },
        };
        cols.push(quote::ident(&c.name));
        values.push(value);
    }
    let insert = if cols.is_empty() {
        format!("INSERT INTO {} DEFAULT VALUES;", t.name.sql())
    } else {
        format!(
            "INSERT INTO {} ({}) VALUES ({});",
            t.name.sql(),
            cols.join(", "),
            values.join(", ")
        )
    };
    format!(
        "-- A sample row, so the checks below read data (skipped when constraints need more rows).\nDO $$\nBEGIN\n    {insert}\nEXCEPTION WHEN others THEN\n    NULL;\nEND\n$$;\n"
    )
}

/// A realistic value of a column's type, as SQL.
pub fn sample_value(c: &Column, new: &Schema) -> Option<String> {
    let ty = c.ty.sql.to_ascii_lowercase();
    if let Some(u) = &c.ty.user_type {
        if let Some(t) = new.types.get(u) {
            return match &t.kind {
                TypeKind::Enum { values, .. } => {
                    values.first().map(|v| format!("{}::{}", lit(v), u.sql()))
                }
                TypeKind::Domain { base, .. } => {
                    let mut as_base = c.clone();
                    as_base.ty = base.clone();
                    sample_value(&as_base, new).map(|v| format!("({v})::{}", u.sql()))
                }
                _ => None,
            };
        }
    }
    if ty.ends_with("[]") {
        return Some(format!("'{{}}'::{}", c.ty.sql));
    }
    let base = ty.split('(').next().unwrap_or(&ty).trim();
    let base = base.rsplit('.').next().unwrap_or(base);
    let words = |s: &str| format!("'Sample {}'", s.replace('\'', ""));
    Some(match base {
        "uuid" => "gen_random_uuid()".into(),
        "text" | "citext" => words(&c.name.replace('_', " ")),
        "character varying" | "varchar" | "character" | "char" | "bpchar" => "'s'".into(),
        "smallint" | "integer" | "int" | "int2" | "int4" | "int8" | "bigint" => "1".into(),
        "numeric" | "decimal" | "real" | "double precision" | "float4" | "float8" | "money" => {
            "1.5".into()
        }
        "boolean" | "bool" => "true".into(),
        "date" => "current_date".into(),
        "timestamp with time zone"
        | "timestamptz"
        | "timestamp without time zone"
        | "timestamp" => "now()".into(),
        "time without time zone" | "time" | "time with time zone" => "current_time".into(),
        "interval" => "interval '1 day'".into(),
        "json" | "jsonb" => format!("'{{}}'::{base}"),
        "bytea" => "'\\x00'::bytea".into(),
        "inet" | "cidr" => "'127.0.0.1'::inet".into(),
        "tsvector" => "to_tsvector('simple', 'sample')".into(),
        _ => return None,
    })
}

/// The type as pgTAP's `col_type_is` displays it (`pg_catalog.format_type`, qualified when
/// its schema is not on the search path).
pub fn display_type(sql: &str) -> String {
    let s = sql.trim();
    let mapped = match s {
        "int" | "int4" => "integer",
        "int2" => "smallint",
        "int8" => "bigint",
        "bool" => "boolean",
        "float8" => "double precision",
        "float4" => "real",
        "timestamptz" => "timestamp with time zone",
        "timestamp" => "timestamp without time zone",
        "timetz" => "time with time zone",
        "time" => "time without time zone",
        "varchar" => "character varying",
        "decimal" => "numeric",
        other => other,
    };
    mapped
        .strip_prefix("pg_catalog.")
        .unwrap_or(mapped)
        .to_string()
}

/// The assertion of a non-behaviour required test, or `None` when the model lacks what it
/// needs.
fn assertion(t: &RequiredTest, new: &Schema, old: &Schema) -> Option<String> {
    let desc = lit(&t.id());
    let name = &t.object.name;
    Some(match (t.object.kind, t.facet) {
        (ObjectKind::Table, Facet::Exists) => {
            let q = qname(name);
            format!(
                "SELECT has_table({}, {}, {desc});",
                lit(&q.schema),
                lit(&q.name)
            )
        }
        (ObjectKind::Table, Facet::Absent) => {
            let q = qname(name);
            format!(
                "SELECT hasnt_table({}, {}, {desc});",
                lit(&q.schema),
                lit(&q.name)
            )
        }
        (ObjectKind::Table, Facet::PrimaryKey) => {
            let q = qname(name);
            let cols = new
                .tables
                .get(&q)?
                .constraints
                .values()
                .find_map(|c| match &c.kind {
                    ConstraintKind::PrimaryKey { columns, .. } => Some(columns.clone()),
                    _ => None,
                })?;
            format!(
                "SELECT col_is_pk({}, {}, {}, {desc});",
                lit(&q.schema),
                lit(&q.name),
                array(&cols)
            )
        }
        (ObjectKind::Table, Facet::Privileges) => {
            let q = qname(name);
            let role = t.role.as_ref()?;
            let privs: Vec<String> = new
                .grants
                .iter()
                .find(|((o, r), _)| o.kind == "TABLE" && o.sql == q.sql() && r == role)
                .map(|(_, p)| p.iter().map(|x| x.to_ascii_uppercase()).collect())
                .unwrap_or_default();
            format!(
                "SELECT table_privs_are({}, {}, {}, {}, {desc});",
                lit(&q.schema),
                lit(&q.name),
                lit(role),
                array(&privs)
            )
        }
        (ObjectKind::Table, Facet::Check) => {
            let q = qname(name);
            format!(
                "SELECT has_check({}, {}, {desc});",
                lit(&q.schema),
                lit(&q.name)
            )
        }
        (ObjectKind::Table, Facet::RlsEnabled) => {
            let q = qname(name);
            format!(
                "SELECT results_eq(\n    $$SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = {}::regclass$$,\n    $$VALUES (true)$$,\n    {desc}\n);",
                lit(&q.sql())
            )
        }
        (ObjectKind::Column, facet) => {
            let (q, col) = member(name);
            let (s, tb, c) = (lit(&q.schema), lit(&q.name), lit(&col));
            let table = new.tables.get(&q);
            let column = table.and_then(|t| t.columns.iter().find(|x| x.name == col));
            match facet {
                Facet::Exists => format!("SELECT has_column({s}, {tb}, {c}, {desc});"),
                Facet::Absent => format!("SELECT hasnt_column({s}, {tb}, {c}, {desc});"),
                Facet::Type => format!(
                    "SELECT col_type_is({s}, {tb}, {c}, {}, {desc});",
                    lit(&display_type(&column?.ty.sql))
                ),
                Facet::NotNull => format!("SELECT col_not_null({s}, {tb}, {c}, {desc});"),
                Facet::Default => format!("SELECT col_has_default({s}, {tb}, {c}, {desc});"),
                Facet::ForeignKey => {
                    let (cols, rt, rcols) =
                        table?.constraints.values().find_map(|k| match &k.kind {
                            ConstraintKind::ForeignKey {
                                columns,
                                table,
                                ref_columns,
                                ..
                            } if columns.first() == Some(&col) => {
                                Some((columns.clone(), table.clone(), ref_columns.clone()))
                            }
                            _ => None,
                        })?;
                    format!(
                        "SELECT fk_ok({s}, {tb}, {}, {}, {}, {}, {desc});",
                        array(&cols),
                        lit(&rt.schema),
                        lit(&rt.name),
                        array(&rcols)
                    )
                }
                Facet::Unique => {
                    let cols = table?.constraints.values().find_map(|k| match &k.kind {
                        ConstraintKind::Unique { columns, .. } if columns.first() == Some(&col) => {
                            Some(columns.clone())
                        }
                        _ => None,
                    })?;
                    format!("SELECT col_is_unique({s}, {tb}, {}, {desc});", array(&cols))
                }
                _ => return None,
            }
        }
        (ObjectKind::Policy, facet) => {
            let (q, policy) = member(name);
            let (s, tb, p) = (lit(&q.schema), lit(&q.name), lit(&policy));
            match facet {
                Facet::Exists | Facet::Absent => {
                    let names: Vec<String> = new
                        .policies
                        .keys()
                        .filter(|(t, _)| *t == q)
                        .map(|(_, n)| n.clone())
                        .collect();
                    format!(
                        "SELECT policies_are({s}, {tb}, {}, {});",
                        array(&names),
                        lit(&format!("table {q}: policies"))
                    )
                }
                Facet::Command => {
                    let pol = new.policies.get(&(q.clone(), policy.clone()))?;
                    format!(
                        "SELECT policy_cmd_is({s}, {tb}, {p}, {}, {desc});",
                        lit(&pol.command.to_ascii_uppercase())
                    )
                }
                Facet::Roles => {
                    let pol = new.policies.get(&(q.clone(), policy.clone()))?;
                    // PUBLIC is no row of pg_roles, so pgTAP lists it as no role at all.
                    let roles: Vec<String> = pol
                        .roles
                        .iter()
                        .filter(|r| !r.eq_ignore_ascii_case("public"))
                        .cloned()
                        .collect();
                    format!(
                        "SELECT policy_roles_are({s}, {tb}, {p}, {}, {desc});",
                        array(&roles)
                    )
                }
                _ => return None,
            }
        }
        (ObjectKind::Function, facet) => {
            let q = qname(name);
            let (s, f) = (lit(&q.schema), lit(&q.name));
            match facet {
                Facet::Exists => format!("SELECT has_function({s}, {f}, {desc});"),
                Facet::Absent => format!("SELECT hasnt_function({s}, {f}, {desc});"),
                Facet::Definer => format!("SELECT is_definer({s}, {f}, {desc});"),
                Facet::Escalation => {
                    let (id, func) = new.functions.iter().find(|(id, _)| id.name == q)?;
                    let check = format!(
                        "SELECT results_eq(\n    $$SELECT coalesce(array_to_string(proconfig, ','), '') LIKE '%search_path=%' FROM pg_catalog.pg_proc WHERE oid = {}::regprocedure$$,\n    $$VALUES (true)$$,\n    {desc}\n);",
                        lit(&id.sql())
                    );
                    if function_security(func).pins_search_path {
                        check
                    } else {
                        // Asserted as a TODO: the golden SQL does not pin search_path, which is
                        // the escalation this check exists to find.
                        format!(
                            "SELECT todo({}, 1);\n{check}",
                            lit("SECURITY DEFINER without SET search_path: pin it")
                        )
                    }
                }
                _ => return None,
            }
        }
        (ObjectKind::Index, facet) => {
            let q = qname(name);
            let index = new.indexes.get(&q).or_else(|| old.indexes.get(&q))?;
            let (s, tb, i) = (lit(&q.schema), lit(&index.table.name), lit(&q.name));
            match facet {
                Facet::Exists => format!("SELECT has_index({s}, {tb}, {i}, {desc});"),
                Facet::Absent => format!("SELECT hasnt_index({s}, {tb}, {i}, {desc});"),
                Facet::IndexUnique => format!("SELECT index_is_unique({s}, {tb}, {i}, {desc});"),
                _ => return None,
            }
        }
        (ObjectKind::Trigger, facet) => {
            let (q, trigger) = member(name);
            let (s, tb, tr) = (lit(&q.schema), lit(&q.name), lit(&trigger));
            match facet {
                Facet::Exists => format!("SELECT has_trigger({s}, {tb}, {tr}, {desc});"),
                Facet::Absent => format!("SELECT hasnt_trigger({s}, {tb}, {tr}, {desc});"),
                _ => return None,
            }
        }
        (ObjectKind::View, facet) => {
            let q = qname(name);
            let materialized = new
                .views
                .get(&q)
                .or_else(|| old.views.get(&q))
                .is_some_and(|v| v.materialized);
            let f = match (facet, materialized) {
                (Facet::Exists, false) => "has_view",
                (Facet::Exists, true) => "has_materialized_view",
                (Facet::Absent, false) => "hasnt_view",
                (Facet::Absent, true) => "hasnt_materialized_view",
                _ => return None,
            };
            format!("SELECT {f}({}, {}, {desc});", lit(&q.schema), lit(&q.name))
        }
        (ObjectKind::Type, facet) => {
            let q = qname(name);
            let (s, ty) = (lit(&q.schema), lit(&q.name));
            match facet {
                Facet::Exists => format!("SELECT has_type({s}, {ty}, {desc});"),
                Facet::Absent => format!("SELECT hasnt_type({s}, {ty}, {desc});"),
                Facet::Labels => match &new.types.get(&q)?.kind {
                    TypeKind::Enum { values, .. } => format!(
                        "SELECT enum_has_labels({s}, {ty}, {}, {desc});",
                        array(values)
                    ),
                    _ => return None,
                },
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// Adds the behaviour check of a policy for one role to the draft of its table.
fn behaviour(t: &RequiredTest, new: &Schema, draft: &mut Draft, table: &QName) -> bool {
    let (Some(role), ObjectKind::Policy) = (&t.role, t.object.kind) else {
        return false;
    };
    let (_, policy) = member(&t.object.name);
    let Some(pol) = new.policies.get(&(table.clone(), policy)) else {
        return false;
    };
    let Some(tb) = new.tables.get(table) else {
        return false;
    };
    draft.sample_table = Some(table.clone());
    let desc = lit(&t.id());
    let command = pol.command.to_ascii_lowercase();
    let insertable: Vec<&Column> = tb
        .columns
        .iter()
        .filter(|c| c.generated.is_none() && c.identity != Some(true))
        .collect();
    let sql = match command.as_str() {
        "insert" => {
            let cols: Vec<String> = insertable.iter().map(|c| quote::ident(&c.name)).collect();
            format!(
                "INSERT INTO {t} ({c}) SELECT {c} FROM {t} WHERE false",
                t = table.sql(),
                c = cols.join(", ")
            )
        }
        "update" => {
            let Some(c) = insertable.first() else {
                return false;
            };
            let c = quote::ident(&c.name);
            format!("UPDATE {} SET {c} = {c} WHERE false", table.sql())
        }
        "delete" => format!("DELETE FROM {} WHERE false", table.sql()),
        _ => format!("SELECT * FROM {}", table.sql()),
    };
    // A role no SELECT policy applies to sees no rows when row level security is on.
    let applies = |r: &str| {
        new.policies.iter().any(|((q, _), p)| {
            q == table
                && matches!(p.command.to_ascii_lowercase().as_str(), "select" | "all")
                && p.permissive
                && (p.roles.is_empty()
                    || p.roles
                        .iter()
                        .any(|x| x == r || x.eq_ignore_ascii_case("public")))
        })
    };
    let bypasses = role == "service_role" && SUPABASE_ROLES.contains(&role.as_str());
    let check = if sql.starts_with("SELECT") && tb.rls_enabled && !bypasses && !applies(role) {
        format!("SELECT is_empty($${sql}$$, {desc});")
    } else {
        format!("SELECT lives_ok($${sql}$$, {desc});")
    };
    draft.roles.entry(role.clone()).or_default().push(check);
    true
}
