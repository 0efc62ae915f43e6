//! `CREATE` statements for everything but tables: schemas, extensions, collations, types,
//! sequences, functions, views, indexes, triggers, policies, and verbatim pass-through.

use super::context::{qname, qname_of_list, stmt_kind, Builder};
use super::table::{
    annotation_near, def_elem_text, default_sequence, index_elem_column_name, index_elem_sql,
    node_names,
};
use super::Stmt;
use crate::expr::{self, string_of};
use crate::model::*;
use crate::names;
use crate::quote;
use crate::typename;
use pg_query::protobuf::{self, ConstrType, Node};
use pg_query::NodeEnum;
use std::collections::BTreeMap;

impl Builder {
    pub(crate) fn create_schema(&mut self, st: &Stmt, s: &protobuf::CreateSchemaStmt) {
        if !s.schema_elts.is_empty() {
            self.error(st, st.origin(), "CREATE SCHEMA with embedded statements is not supported: write them as separate statements");
        }
        if s.if_not_exists && self.schema.schemas.contains_key(&s.schemaname) {
            return;
        }
        if self.record_creation(
            st,
            format!("schema:{}", s.schemaname),
            s.if_not_exists,
            &format!("schema {}", s.schemaname),
        ) {
            self.schema.schemas.insert(
                s.schemaname.clone(),
                Namespace {
                    name: s.schemaname.clone(),
                    comment: None,
                    origin: st.origin(),
                },
            );
        }
    }

    pub(crate) fn create_extension(&mut self, st: &Stmt, s: &protobuf::CreateExtensionStmt) {
        let mut ext = Extension {
            name: s.extname.clone(),
            schema: None,
            version: None,
            origin: st.origin(),
        };
        for o in &s.options {
            if let Some(NodeEnum::DefElem(d)) = &o.node {
                let value = d.arg.as_deref().and_then(string_of);
                match d.defname.as_str() {
                    "schema" => ext.schema = value,
                    "new_version" => ext.version = value,
                    _ => {}
                }
            }
        }
        if s.if_not_exists && self.schema.extensions.contains_key(&ext.name) {
            return;
        }
        if self.record_creation(
            st,
            format!("ext:{}", ext.name),
            s.if_not_exists,
            &format!("extension {}", ext.name),
        ) {
            self.schema.extensions.insert(ext.name.clone(), ext);
        }
    }

    pub(crate) fn define(&mut self, st: &Stmt, s: &protobuf::DefineStmt) {
        if s.kind != protobuf::ObjectType::ObjectCollation as i32 {
            self.passthrough(st);
            return;
        }
        let name = qname_of_list(&s.defnames);
        let mut node = s.clone();
        node.defnames = vec![
            super::table::string_node(&name.schema),
            super::table::string_node(&name.name),
        ];
        node.if_not_exists = false;
        let create_sql = self.deparse(st, &NodeEnum::DefineStmt(node));
        if s.if_not_exists && self.schema.collations.contains_key(&name) {
            return;
        }
        if self.record_creation(
            st,
            format!("coll:{name}"),
            s.if_not_exists,
            &format!("collation {name}"),
        ) {
            self.schema.collations.insert(
                name.clone(),
                Collation {
                    name,
                    create_sql,
                    origin: st.origin(),
                },
            );
        }
    }

    pub(crate) fn create_enum(&mut self, st: &Stmt, s: &protobuf::CreateEnumStmt) {
        let name = qname_of_list(&s.type_name);
        let values: Vec<String> = s.vals.iter().filter_map(string_of).collect();
        let renamed = enum_value_renames(st, &values);
        self.add_type(st, name, TypeKind::Enum { values, renamed });
    }

    pub(crate) fn create_domain(&mut self, st: &Stmt, s: &protobuf::CreateDomainStmt) {
        let name = qname_of_list(&s.domainname);
        let Some(tn) = &s.type_name else { return };
        let mut default = None;
        let mut not_null = false;
        let mut checks = BTreeMap::new();
        for c in &s.constraints {
            let Some(NodeEnum::Constraint(c)) = &c.node else {
                continue;
            };
            match ConstrType::try_from(c.contype) {
                Ok(ConstrType::ConstrNotnull) => not_null = true,
                Ok(ConstrType::ConstrNull) => not_null = false,
                Ok(ConstrType::ConstrDefault) => default = c.raw_expr.as_deref().map(expr::render),
                Ok(ConstrType::ConstrCheck) => {
                    if let Some(e) = c.raw_expr.as_deref() {
                        let cname = if c.conname.is_empty() {
                            names::choose_name(&name.name, None, "check", |n| {
                                checks.contains_key(n)
                            })
                        } else {
                            c.conname.clone()
                        };
                        checks.insert(cname, expr::render(e));
                    }
                }
                _ => self.error(
                    st,
                    st.origin_loc(c.location),
                    "this domain constraint is not supported",
                ),
            }
        }
        let collation = s
            .coll_clause
            .as_ref()
            .map(|c| super::context::collation_name(&c.collname));
        self.add_type(
            st,
            name,
            TypeKind::Domain {
                base: typename::type_ref(tn),
                collation,
                default,
                not_null,
                checks,
            },
        );
    }

    pub(crate) fn create_composite(&mut self, st: &Stmt, s: &protobuf::CompositeTypeStmt) {
        let Some(rv) = &s.typevar else { return };
        let name = qname(rv);
        let attributes = s
            .coldeflist
            .iter()
            .filter_map(|n| match &n.node {
                Some(NodeEnum::ColumnDef(cd)) => cd.type_name.as_ref().map(|t| {
                    (
                        cd.colname.clone(),
                        typename::type_ref(t),
                        cd.coll_clause
                            .as_ref()
                            .map(|c| super::context::collation_name(&c.collname)),
                    )
                }),
                _ => None,
            })
            .collect();
        self.take_relation(name.clone());
        self.add_type(st, name, TypeKind::Composite { attributes });
    }

    pub(crate) fn create_range(&mut self, st: &Stmt) {
        let NodeEnum::CreateRangeStmt(s) = st.node else {
            return;
        };
        let name = qname_of_list(&s.type_name);
        let mut node = s.clone();
        node.type_name = vec![
            super::table::string_node(&name.schema),
            super::table::string_node(&name.name),
        ];
        let create_sql = self.deparse(st, &NodeEnum::CreateRangeStmt(node));
        self.add_type(st, name, TypeKind::Range { create_sql });
    }

    fn add_type(&mut self, st: &Stmt, name: QName, kind: TypeKind) {
        if self.record_creation(st, format!("type:{name}"), false, &format!("type {name}")) {
            let renamed_from = st.renamed_from().map(expr::parse_dotted_name);
            self.schema.types.insert(
                name.clone(),
                UserType {
                    name,
                    kind,
                    comment: None,
                    renamed_from,
                    origin: st.origin(),
                },
            );
        }
    }

    pub(crate) fn create_sequence(&mut self, st: &Stmt, s: &protobuf::CreateSeqStmt) {
        let Some(rv) = &s.sequence else { return };
        let name = qname(rv);
        if s.if_not_exists && self.schema.sequences.contains_key(&name) {
            return;
        }
        if !self.record_creation(
            st,
            format!("rel:{name}"),
            s.if_not_exists,
            &format!("sequence {name}"),
        ) {
            return;
        }
        self.take_relation(name.clone());
        let data_type = s
            .options
            .iter()
            .find_map(|o| match &o.node {
                Some(NodeEnum::DefElem(d)) if d.defname == "as" => {
                    match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                        Some(NodeEnum::TypeName(t)) => Some(typename::type_ref(t).sql),
                        _ => None,
                    }
                }
                _ => None,
            })
            .unwrap_or_else(|| "bigint".to_string());
        let mut seq = default_sequence(name.clone(), &data_type, st.origin());
        self.apply_sequence_options(st, &mut seq, &s.options, true);
        self.schema.sequences.insert(name, seq);
    }

    /// Applies `CREATE/ALTER SEQUENCE` options; on create, unset bounds follow the increment's sign.
    pub(crate) fn apply_sequence_options(
        &mut self,
        st: &Stmt,
        seq: &mut Sequence,
        options: &[Node],
        creating: bool,
    ) {
        let (mut min, mut max, mut start) = (None, None, None);
        let type_bounds = |t: &str| match t {
            "smallint" => (i16::MIN as i64, i16::MAX as i64),
            "integer" => (i32::MIN as i64, i32::MAX as i64),
            _ => (i64::MIN, i64::MAX),
        };
        for o in options {
            let Some(NodeEnum::DefElem(d)) = &o.node else {
                continue;
            };
            let num = d.arg.as_deref().and_then(int_value);
            match d.defname.as_str() {
                "as" => {
                    if let Some(NodeEnum::TypeName(t)) =
                        d.arg.as_deref().and_then(|a| a.node.as_ref())
                    {
                        seq.data_type = typename::type_ref(t).sql;
                    }
                }
                "increment" => seq.increment = num.unwrap_or(1),
                "minvalue" => min = Some(num),
                "maxvalue" => max = Some(num),
                "start" => start = num,
                "restart" => {}
                "cache" => seq.cache = num.unwrap_or(1),
                "cycle" => {
                    seq.cycle = matches!(d.arg.as_deref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Boolean(b)) if b.boolval)
                        || d.arg.is_none()
                }
                "owned_by" => {
                    let parts: Vec<String> = match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                        Some(NodeEnum::List(l)) => l.items.iter().filter_map(string_of).collect(),
                        _ => Vec::new(),
                    };
                    seq.owned_by = match parts.as_slice() {
                        [none] if none == "none" => None,
                        [table, col] => Some((QName::new("public", table.clone()), col.clone())),
                        [schema, table, col] => {
                            Some((QName::new(schema.clone(), table.clone()), col.clone()))
                        }
                        _ => None,
                    };
                }
                "sequence_name" | "logged" | "unlogged" => {}
                other => self.warn(
                    st,
                    st.origin_loc(d.location),
                    format!("sequence option {other} is not modelled and is ignored"),
                ),
            }
        }
        let (tmin, tmax) = type_bounds(&seq.data_type);
        let asc = seq.increment > 0;
        if creating || min.is_some() {
            seq.min_value = min.flatten().unwrap_or(if asc { 1 } else { tmin });
        }
        if creating || max.is_some() {
            seq.max_value = max.flatten().unwrap_or(if asc { tmax } else { -1 });
        }
        if creating || start.is_some() {
            seq.start = start.unwrap_or(if asc { seq.min_value } else { seq.max_value });
        }
    }

    pub(crate) fn create_function(&mut self, st: &Stmt, s: &protobuf::CreateFunctionStmt) {
        let name = qname_of_list(&s.funcname);
        let mut args = Vec::new();
        let mut deps = Vec::new();
        for p in &s.parameters {
            let Some(NodeEnum::FunctionParameter(fp)) = &p.node else {
                continue;
            };
            let Some(tn) = &fp.arg_type else { continue };
            let ty = typename::type_ref(tn);
            if let Some(u) = &ty.user_type {
                deps.push(Dep::Type(u.clone()));
            }
            let mode = protobuf::FunctionParameterMode::try_from(fp.mode)
                .unwrap_or(protobuf::FunctionParameterMode::FuncParamIn);
            if matches!(
                mode,
                protobuf::FunctionParameterMode::FuncParamIn
                    | protobuf::FunctionParameterMode::FuncParamInout
                    | protobuf::FunctionParameterMode::FuncParamVariadic
                    | protobuf::FunctionParameterMode::FuncParamDefault
            ) {
                args.push(ty.sql.clone());
            }
        }
        let ret = s.return_type.as_ref().map(typename::type_ref);
        if let Some(u) = ret.and_then(|r| r.user_type) {
            deps.push(Dep::Type(u));
        }
        let signature = function_signature(s);
        let id = FuncId {
            name: name.clone(),
            args,
        };
        // SQL-language bodies are checked when created, so what they use must exist first.
        let language = s.options.iter().find_map(|o| match &o.node {
            Some(NodeEnum::DefElem(d)) if d.defname == "language" => {
                d.arg.as_deref().and_then(string_of)
            }
            _ => None,
        });
        if let Some(body) = s.sql_body.as_deref().and_then(|b| b.node.as_ref()) {
            expr::collect_deps(body, &mut deps);
        } else if language.as_deref() == Some("sql") {
            if let Some(body) = function_body(s) {
                if let Ok(nodes) = crate::parse::parse_text(&body) {
                    for n in nodes.iter() {
                        expr::collect_deps(n, &mut deps);
                    }
                }
            }
        }
        deps.retain(|d| !matches!(d, Dep::Function(f) if *f == name));
        deps.sort();
        deps.dedup();
        let mut node = s.clone();
        node.replace = false;
        node.funcname = vec![
            super::table::string_node(&name.schema),
            super::table::string_node(&name.name),
        ];
        let create_sql = self.deparse(st, &NodeEnum::CreateFunctionStmt(Box::new(node)));
        let what = format!("function {id}");
        if self.record_creation(st, format!("func:{id}"), s.replace, &what) {
            let renamed_from = st.renamed_from().map(expr::parse_dotted_name);
            self.schema.functions.insert(
                id.clone(),
                Function {
                    id,
                    is_procedure: s.is_procedure,
                    create_sql,
                    signature,
                    deps,
                    comment: None,
                    renamed_from,
                    origin: st.origin(),
                },
            );
        }
    }

    pub(crate) fn create_view(&mut self, st: &Stmt, s: &protobuf::ViewStmt) {
        let Some(rv) = &s.view else { return };
        let name = qname(rv);
        if rv.relpersistence == "t" {
            self.error(
                st,
                st.origin_loc(rv.location),
                "temporary views cannot be part of golden SQL",
            );
            return;
        }
        let mut node = s.clone();
        node.replace = false;
        if let Some(v) = node.view.as_mut() {
            v.schemaname = name.schema.clone();
        }
        let create_sql = self.deparse(st, &NodeEnum::ViewStmt(Box::new(node)));
        let deps = query_deps(s.query.as_deref());
        self.add_view(st, name, false, create_sql, deps, s.replace);
    }

    pub(crate) fn create_matview(&mut self, st: &Stmt, s: &protobuf::CreateTableAsStmt) {
        if s.objtype != protobuf::ObjectType::ObjectMatview as i32 {
            self.error(st, st.origin(), "CREATE TABLE ... AS copies data at one moment; declare the table with CREATE TABLE and its rows in sql/data");
            return;
        }
        let Some(rv) = s.into.as_ref().and_then(|i| i.rel.as_ref()) else {
            return;
        };
        let name = qname(rv);
        let mut node = s.clone();
        node.if_not_exists = false;
        if let Some(into) = node.into.as_mut() {
            // `WITH NO DATA` (as pg_dump writes it) says when to fill the view, not what it
            // is: plans create materialized views filled.
            into.skip_data = false;
            if let Some(r) = into.rel.as_mut() {
                r.schemaname = name.schema.clone();
            }
        }
        let create_sql = self.deparse(st, &NodeEnum::CreateTableAsStmt(Box::new(node)));
        let deps = query_deps(s.query.as_deref());
        self.add_view(st, name, true, create_sql, deps, false);
    }

    fn add_view(
        &mut self,
        st: &Stmt,
        name: QName,
        materialized: bool,
        create_sql: String,
        deps: Vec<Dep>,
        replace: bool,
    ) {
        let what = format!(
            "{} {name}",
            if materialized {
                "materialized view"
            } else {
                "view"
            }
        );
        if self.record_creation(st, format!("rel:{name}"), replace, &what) {
            self.take_relation(name.clone());
            let renamed_from = st.renamed_from().map(expr::parse_dotted_name);
            self.schema.views.insert(
                name.clone(),
                View {
                    name,
                    materialized,
                    create_sql,
                    deps,
                    comment: None,
                    column_comments: BTreeMap::new(),
                    renamed_from,
                    origin: st.origin(),
                },
            );
        }
    }

    pub(crate) fn create_index(&mut self, st: &Stmt, s: &protobuf::IndexStmt) {
        let Some(rv) = &s.relation else { return };
        let table = qname(rv);
        let origin = st.origin_loc(rv.location);
        let name = if s.idxname.is_empty() {
            let mut cols: Vec<String> = Vec::new();
            for p in s.index_params.iter().chain(&s.index_including_params) {
                if let Some(NodeEnum::IndexElem(e)) = &p.node {
                    let base = index_elem_column_name(e);
                    let mut candidate = base.clone();
                    let mut n = 0;
                    while cols.contains(&candidate) {
                        n += 1;
                        candidate = format!("{base}{n}");
                    }
                    cols.push(candidate);
                }
            }
            let label = if s.primary {
                "pkey"
            } else if !s.exclude_op_names.is_empty() {
                "excl"
            } else {
                "idx"
            };
            let chosen = names::choose_name(
                &table.name,
                Some(&names::column_addition(&cols)),
                label,
                |n| self.relation_taken(&QName::new(&table.schema, n)),
            );
            QName::new(&table.schema, chosen)
        } else {
            QName::new(&table.schema, &s.idxname)
        };
        if s.if_not_exists && self.schema.indexes.contains_key(&name) {
            return;
        }
        let mut deps = vec![Dep::Relation(table.clone())];
        let elems: Vec<String> = s
            .index_params
            .iter()
            .filter_map(|p| match &p.node {
                Some(NodeEnum::IndexElem(e)) => {
                    if !e.name.is_empty() {
                        deps.push(Dep::Column(table.clone(), e.name.clone()));
                    }
                    Some(index_elem_sql(e, &mut deps))
                }
                _ => None,
            })
            .collect();
        let method = if s.access_method.is_empty() {
            "btree"
        } else {
            &s.access_method
        };
        let mut sql = format!(
            "CREATE {}INDEX {} ON {}{} USING {} ({})",
            if s.unique { "UNIQUE " } else { "" },
            quote::ident(&name.name),
            if rv.inh { "" } else { "ONLY " },
            table.sql(),
            method,
            elems.join(", ")
        );
        if !s.index_including_params.is_empty() {
            let inc = node_names(&s.index_including_params);
            for c in &inc {
                deps.push(Dep::Column(table.clone(), c.clone()));
            }
            sql.push_str(&format!(
                " INCLUDE ({})",
                inc.iter()
                    .map(|c| quote::ident(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if s.nulls_not_distinct {
            sql.push_str(" NULLS NOT DISTINCT");
        }
        if !s.options.is_empty() {
            sql.push_str(&format!(
                " WITH ({})",
                s.options
                    .iter()
                    .filter_map(def_elem_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(w) = s.where_clause.as_deref() {
            let e = expr::render(w);
            deps.extend(e.deps);
            sql.push_str(&format!(" WHERE {}", e.sql));
        }
        // Columns used in expressions and the predicate are dependencies too: a type change of
        // one of them must rebuild the index.
        if let Some(t) = self.schema.tables.get(&table) {
            for c in mentioned_columns(&sql, t.columns.iter().map(|c| c.name.as_str())) {
                deps.push(Dep::Column(table.clone(), c));
            }
        }
        if !self.record_creation(st, format!("rel:{name}"), false, &format!("index {name}")) {
            return;
        }
        self.take_relation(name.clone());
        deps.sort();
        deps.dedup();
        let renamed_from = st.renamed_from().map(|r| expr::parse_dotted_name(r).name);
        self.schema.indexes.insert(
            name.clone(),
            Index {
                name,
                table,
                create_sql: sql,
                deps,
                comment: None,
                renamed_from,
                origin,
            },
        );
    }

    pub(crate) fn create_trigger(&mut self, st: &Stmt, s: &protobuf::CreateTrigStmt) {
        let Some(rv) = &s.relation else { return };
        let table = qname(rv);
        let mut node = s.clone();
        node.replace = false;
        if let Some(r) = node.relation.as_mut() {
            r.schemaname = table.schema.clone();
        }
        let func = qname_of_list(&s.funcname);
        let mut deps = vec![Dep::Relation(table.clone()), Dep::Function(func)];
        for c in node_names(&s.columns) {
            deps.push(Dep::Column(table.clone(), c));
        }
        if let Some(w) = s.when_clause.as_deref() {
            deps.extend(expr::deps_of(w));
        }
        if let Some(r) = &s.constrrel {
            deps.push(Dep::Relation(qname(r)));
        }
        let create_sql = self.deparse(st, &NodeEnum::CreateTrigStmt(Box::new(node)));
        let key = (table.clone(), s.trigname.clone());
        if self.record_creation(
            st,
            format!("trigger:{}:{}", table, s.trigname),
            s.replace,
            &format!("trigger {} on {}", s.trigname, table),
        ) {
            self.schema.triggers.insert(
                key,
                Trigger {
                    table,
                    name: s.trigname.clone(),
                    create_sql,
                    deps,
                    enabled: "ENABLE".to_string(),
                    comment: None,
                    origin: st.origin(),
                },
            );
        }
    }

    pub(crate) fn create_policy(&mut self, st: &Stmt, s: &protobuf::CreatePolicyStmt) {
        let Some(rv) = &s.table else { return };
        let table = qname(rv);
        let policy = Policy {
            table: table.clone(),
            name: s.policy_name.clone(),
            permissive: s.permissive,
            command: if s.cmd_name.is_empty() {
                "all".to_string()
            } else {
                s.cmd_name.clone()
            },
            roles: role_names(&s.roles),
            using: expr::render_opt(&s.qual),
            check: expr::render_opt(&s.with_check),
            comment: None,
            origin: st.origin(),
        };
        if self.record_creation(
            st,
            format!("policy:{}:{}", table, s.policy_name),
            false,
            &format!("policy {} on {}", s.policy_name, table),
        ) {
            self.schema
                .policies
                .insert((table, s.policy_name.clone()), policy);
        }
    }

    /// Keeps a statement the model cannot represent, verbatim and reported.
    pub(crate) fn passthrough(&mut self, st: &Stmt) {
        let kind = stmt_kind(st.node);
        let sql = self.deparse(st, st.node);
        self.warn(st, st.origin(), format!("{kind} is passed through as written: it is created when new, but never altered or dropped by a plan"));
        self.schema.passthrough.push(Passthrough {
            kind,
            sql,
            origin: st.origin(),
        });
    }

    /// Deparses a statement; on failure reports an error and falls back to the source text.
    pub(crate) fn deparse(&mut self, st: &Stmt, node: &NodeEnum) -> String {
        match expr::deparse_stmt(node) {
            Ok(sql) => sql,
            Err(e) => {
                self.error(
                    st,
                    st.origin(),
                    format!("could not render this statement: {e}"),
                );
                st.text.to_string()
            }
        }
    }
}

/// The roles of a policy, canonical and sorted (`public` when none are named).
pub(crate) fn role_names(roles: &[Node]) -> Vec<String> {
    let mut out: Vec<String> = roles
        .iter()
        .filter_map(|r| match &r.node {
            Some(NodeEnum::RoleSpec(rs)) => {
                Some(match protobuf::RoleSpecType::try_from(rs.roletype) {
                    Ok(protobuf::RoleSpecType::RolespecPublic) => "public".to_string(),
                    Ok(protobuf::RoleSpecType::RolespecCurrentUser) => "CURRENT_USER".to_string(),
                    Ok(protobuf::RoleSpecType::RolespecCurrentRole) => "CURRENT_ROLE".to_string(),
                    Ok(protobuf::RoleSpecType::RolespecSessionUser) => "SESSION_USER".to_string(),
                    _ => quote::ident(&rs.rolename),
                })
            }
            _ => None,
        })
        .collect();
    if out.is_empty() {
        out.push("public".to_string());
    }
    out.sort();
    out.dedup();
    out
}

fn int_value(n: &Node) -> Option<i64> {
    match &n.node {
        Some(NodeEnum::Integer(i)) => Some(i.ival as i64),
        Some(NodeEnum::Float(f)) => f.fval.parse().ok(),
        Some(NodeEnum::String(s)) => s.sval.parse().ok(),
        _ => None,
    }
}

/// The `AS '...'` body of a function.
fn function_body(s: &protobuf::CreateFunctionStmt) -> Option<String> {
    s.options.iter().find_map(|o| match &o.node {
        Some(NodeEnum::DefElem(d)) if d.defname == "as" => {
            match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(NodeEnum::List(l)) => l.items.first().and_then(string_of),
                Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                _ => None,
            }
        }
        _ => None,
    })
}

/// Relations, functions and types a view's query uses (CTE names excluded).
fn query_deps(query: Option<&Node>) -> Vec<Dep> {
    let mut deps = Vec::new();
    let Some(q) = query.and_then(|q| q.node.as_ref()) else {
        return deps;
    };
    expr::collect_deps(q, &mut deps);
    let mut ctes = Vec::new();
    for (child, _, _, _) in q.nodes() {
        if let pg_query::NodeRef::CommonTableExpr(c) = child {
            ctes.push(QName::new("public", c.ctename.clone()));
        }
    }
    deps.retain(|d| !matches!(d, Dep::Relation(r) if ctes.contains(r)));
    deps.sort();
    deps.dedup();
    deps
}

/// `-- data:renamed from=old` annotations on enum labels: the label on the same line (trailing
/// comment) or on the line after the comment.
fn enum_value_renames(st: &Stmt, values: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for v in values {
        let lit = quote::literal(v);
        if let Some(pos) = st.text.find(&lit) {
            if let Some(old) = annotation_near(st, pos as i32) {
                out.insert(v.clone(), old.to_string());
            }
        }
    }
    out
}

/// The names among `columns` that appear as identifiers in `sql` (quoted or not).
fn mentioned_columns<'c>(sql: &str, columns: impl Iterator<Item = &'c str>) -> Vec<String> {
    let tokens: std::collections::BTreeSet<String> = sql
        .split(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '$'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    columns
        .filter(|c| tokens.contains(*c))
        .map(str::to_string)
        .collect()
}

/// What a function's replacement must keep for `CREATE OR REPLACE` to be possible: every
/// parameter (mode, name, type, default) and the return type.
pub(crate) fn function_signature(s: &protobuf::CreateFunctionStmt) -> String {
    let mut signature = Vec::new();
    for p in &s.parameters {
        let Some(NodeEnum::FunctionParameter(fp)) = &p.node else {
            continue;
        };
        let Some(tn) = &fp.arg_type else { continue };
        let ty = typename::type_ref(tn);
        // A parameter written without a mode is IN.
        let mode = match protobuf::FunctionParameterMode::try_from(fp.mode) {
            Ok(protobuf::FunctionParameterMode::FuncParamDefault) | Err(_) => {
                protobuf::FunctionParameterMode::FuncParamIn
            }
            Ok(mode) => mode,
        };
        let default = fp
            .defexpr
            .as_deref()
            .map(|d| expr::render(d).sql)
            .unwrap_or_default();
        signature.push(format!("{:?} {} {} {}", mode, fp.name, ty.sql, default));
    }
    let ret = s.return_type.as_ref().map(typename::type_ref);
    signature.push(format!(
        "returns {}",
        ret.map(|r| r.sql).unwrap_or_default()
    ));
    signature.join("; ")
}
