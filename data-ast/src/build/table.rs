//! `CREATE TABLE`: columns, inline and table constraints, partitions and inheritance, with
//! the names PostgreSQL would generate for unnamed constraints and serial sequences.

use super::context::{qname, Builder};
use super::Stmt;
use crate::expr::{self, string_of};
use crate::model::{
    Column, Constraint, ConstraintKind, Dep, Expr, QName, Sequence, Table, TypeRef,
};
use crate::names;
use crate::quote;
use crate::typename;
use pg_query::protobuf::{self, ColumnDef, ConstrType, Node, PartitionBoundSpec, PartitionSpec};
use pg_query::NodeEnum;
use std::collections::BTreeMap;

/// What makes two index-backed constraints of one CREATE TABLE duplicates: keys, INCLUDE,
/// NULLS NOT DISTINCT, DEFERRABLE, INITIALLY DEFERRED.
type IndexKey = (Vec<String>, Vec<String>, bool, bool, bool);

/// A constraint as written, before it gets its final name.
pub(crate) struct PendingConstraint {
    pub node: protobuf::Constraint,
    /// The column it was written on, for column constraints.
    pub column: Option<String>,
}

impl Builder {
    pub(crate) fn create_table(&mut self, st: &Stmt, s: &protobuf::CreateStmt) {
        let Some(rv) = &s.relation else { return };
        let name = qname(rv);
        let origin = st.origin_loc(rv.location);
        if rv.relpersistence == "t" {
            self.error(
                st,
                origin,
                "temporary tables are session objects and cannot be part of golden SQL",
            );
            return;
        }
        if s.of_typename.is_some() {
            self.error(
                st,
                origin,
                "typed tables (CREATE TABLE ... OF type) are not supported yet",
            );
            return;
        }
        if s.if_not_exists && self.schema.tables.contains_key(&name) {
            return;
        }
        if !self.record_creation(st, format!("rel:{name}"), false, &format!("table {name}")) {
            return;
        }
        let mut table = Table {
            name: name.clone(),
            columns: Vec::new(),
            constraints: crate::model::NameMap::new(),
            unlogged: rv.relpersistence == "u",
            partition_by: s.partspec.as_ref().map(partition_spec_sql),
            partition_of: None,
            inherits: Vec::new(),
            rls_enabled: false,
            rls_forced: false,
            options: s.options.iter().filter_map(def_elem_text).collect(),
            comment: None,
            renamed_from: st.renamed_from().map(expr::parse_dotted_name),
            origin,
        };
        let parents: Vec<QName> = s
            .inh_relations
            .iter()
            .filter_map(|n| match &n.node {
                Some(NodeEnum::RangeVar(r)) => Some(qname(r)),
                _ => None,
            })
            .collect();
        match &s.partbound {
            Some(bound) => {
                table.partition_of = parents
                    .first()
                    .map(|p| (p.clone(), partition_bound_sql(bound)))
            }
            None => table.inherits = parents,
        }
        self.take_relation(name.clone());

        let mut pending = Vec::new();
        for elt in &s.table_elts {
            match &elt.node {
                Some(NodeEnum::ColumnDef(cd)) => {
                    if let Some(col) = self.column(st, &mut table, cd, &mut pending) {
                        if table.column(&col.name).is_some() {
                            self.error(
                                st,
                                col.origin.clone(),
                                format!("column \"{}\" is declared twice", col.name),
                            );
                        } else {
                            table.columns.push(col);
                        }
                    }
                }
                Some(NodeEnum::Constraint(c)) => pending.push(PendingConstraint {
                    node: (**c).clone(),
                    column: None,
                }),
                Some(NodeEnum::TableLikeClause(_)) => self.error(
                    st,
                    st.origin(),
                    "CREATE TABLE ... (LIKE ...) is not supported: write the columns out",
                ),
                _ => {}
            }
        }
        for c in &s.constraints {
            if let Some(NodeEnum::Constraint(c)) = &c.node {
                pending.push(PendingConstraint {
                    node: (**c).clone(),
                    column: None,
                });
            }
        }
        self.add_constraints(st, &mut table, pending, true);
        self.schema.tables.insert(name, table);
    }

    /// Builds a column; constraints written on it go to `pending`.
    pub(crate) fn column(
        &mut self,
        st: &Stmt,
        table: &mut Table,
        cd: &ColumnDef,
        pending: &mut Vec<PendingConstraint>,
    ) -> Option<Column> {
        let origin = st.origin_loc(cd.location);
        let tn = cd.type_name.as_ref()?;
        let mut col = Column {
            name: cd.colname.clone(),
            ty: typename::type_ref(tn),
            collation: cd
                .coll_clause
                .as_ref()
                .map(|c| super::context::collation_name(&c.collname)),
            default: None,
            not_null: cd.is_not_null,
            identity: None,
            identity_options: String::new(),
            generated: None,
            comment: None,
            renamed_from: column_rename(st, cd.location),
            local: true,
            origin,
        };
        if let Some(int_type) = typename::serial_kind(tn) {
            col.ty = TypeRef {
                sql: int_type.to_string(),
                user_type: None,
            };
            col.not_null = true;
            let seq = names::choose_name(&table.name.name, Some(&col.name), "seq", |n| {
                self.relation_taken(&QName::new(&table.name.schema, n))
            });
            let seq_name = QName::new(&table.name.schema, seq);
            self.take_relation(seq_name.clone());
            col.default = Some(nextval_default(&seq_name));
            let mut sequence = default_sequence(seq_name.clone(), int_type, col.origin.clone());
            sequence.owned_by = Some((table.name.clone(), col.name.clone()));
            self.created_at.insert(format!("rel:{seq_name}"), st.seq);
            self.schema.sequences.insert(seq_name, sequence);
        }
        if let Some(d) = &cd.raw_default {
            col.default = Some(normalize_default(expr::render(d)));
        }
        for c in &cd.constraints {
            let Some(NodeEnum::Constraint(c)) = &c.node else {
                continue;
            };
            match ConstrType::try_from(c.contype) {
                Ok(ConstrType::ConstrNull) => col.not_null = false,
                Ok(ConstrType::ConstrNotnull) => col.not_null = true,
                Ok(ConstrType::ConstrDefault) => {
                    col.default = c
                        .raw_expr
                        .as_deref()
                        .map(|e| normalize_default(expr::render(e)))
                }
                Ok(ConstrType::ConstrIdentity) => {
                    col.identity = Some(c.generated_when != "d");
                    col.not_null = true;
                    col.identity_options = self.identity_options(st, &col.ty.sql, &c.options);
                    let seq = names::choose_name(&table.name.name, Some(&col.name), "seq", |n| {
                        self.relation_taken(&QName::new(&table.name.schema, n))
                    });
                    self.take_relation(QName::new(&table.name.schema, seq));
                }
                Ok(ConstrType::ConstrGenerated) => {
                    col.generated = c.raw_expr.as_deref().map(expr::render)
                }
                Ok(
                    ConstrType::ConstrAttrDeferrable
                    | ConstrType::ConstrAttrNotDeferrable
                    | ConstrType::ConstrAttrDeferred
                    | ConstrType::ConstrAttrImmediate,
                ) => {
                    if let Some(last) = pending.last_mut() {
                        apply_attribute(&mut last.node, c.contype);
                    }
                }
                Ok(ConstrType::ConstrAttrEnforced | ConstrType::ConstrAttrNotEnforced) => {}
                _ => {
                    let mut node = (**c).clone();
                    if node.contype == ConstrType::ConstrForeign as i32 && node.fk_attrs.is_empty()
                    {
                        node.fk_attrs = vec![string_node(&col.name)];
                    }
                    if matches!(
                        ConstrType::try_from(node.contype),
                        Ok(ConstrType::ConstrPrimary | ConstrType::ConstrUnique)
                    ) && node.keys.is_empty()
                    {
                        node.keys = vec![string_node(&col.name)];
                    }
                    if node.contype == ConstrType::ConstrPrimary as i32 {
                        col.not_null = true;
                    }
                    pending.push(PendingConstraint {
                        node,
                        column: Some(col.name.clone()),
                    });
                }
            }
        }
        if let Some(seq) = cd.identity_sequence.as_ref() {
            self.take_relation(qname(seq));
        }
        Some(col)
    }

    /// Names and adds constraints in the order PostgreSQL does: index-backed ones first
    /// (duplicates of the primary key dropped, as the server does in CREATE TABLE), then
    /// CHECK, then foreign keys.
    pub(crate) fn add_constraints(
        &mut self,
        st: &Stmt,
        table: &mut Table,
        pending: Vec<PendingConstraint>,
        in_create: bool,
    ) {
        let kind = |p: &PendingConstraint| {
            ConstrType::try_from(p.node.contype).unwrap_or(ConstrType::Undefined)
        };
        let mut index_backed: Vec<&PendingConstraint> = pending
            .iter()
            .filter(|p| {
                matches!(
                    kind(p),
                    ConstrType::ConstrPrimary
                        | ConstrType::ConstrUnique
                        | ConstrType::ConstrExclusion
                )
            })
            .collect();
        index_backed.sort_by_key(|p| {
            if kind(p) == ConstrType::ConstrPrimary {
                0
            } else {
                1
            }
        });
        let mut seen: Vec<IndexKey> = Vec::new();
        for p in index_backed {
            let c = &p.node;
            if kind(p) != ConstrType::ConstrExclusion && c.indexname.is_empty() {
                let key = (
                    node_names(&c.keys),
                    node_names(&c.including),
                    c.nulls_not_distinct,
                    c.deferrable,
                    c.initdeferred,
                );
                if in_create && seen.contains(&key) {
                    continue;
                }
                seen.push(key);
            }
            self.add_one_constraint(st, table, p);
        }
        for p in pending
            .iter()
            .filter(|p| kind(p) == ConstrType::ConstrCheck)
        {
            self.add_one_constraint(st, table, p);
        }
        for p in pending
            .iter()
            .filter(|p| kind(p) == ConstrType::ConstrForeign)
        {
            self.add_one_constraint(st, table, p);
        }
    }

    fn add_one_constraint(&mut self, st: &Stmt, table: &mut Table, p: &PendingConstraint) {
        let c = &p.node;
        let origin = st.origin_loc(c.location);
        let schema = table.name.schema.clone();
        let ctype = ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined);
        if !c.indexname.is_empty() {
            // ADD CONSTRAINT ... USING INDEX: the index becomes the constraint's.
            let index_name = QName::new(&schema, &c.indexname);
            let Some(index) = self.schema.indexes.remove(&index_name) else {
                self.error(
                    st,
                    origin,
                    format!(
                        "index \"{}\" named in USING INDEX is not declared",
                        c.indexname
                    ),
                );
                return;
            };
            let name = if c.conname.is_empty() {
                c.indexname.clone()
            } else {
                c.conname.clone()
            };
            let columns = index_columns(&index.create_sql);
            let kind = if ctype == ConstrType::ConstrPrimary {
                for col in &columns {
                    if let Some(column) = table.columns.iter_mut().find(|x| &x.name == col) {
                        column.not_null = true;
                    }
                }
                ConstraintKind::PrimaryKey {
                    columns,
                    include: Vec::new(),
                }
            } else {
                ConstraintKind::Unique {
                    columns,
                    include: Vec::new(),
                    nulls_not_distinct: index.create_sql.contains("NULLS NOT DISTINCT"),
                }
            };
            self.take_constraint(&schema, &name);
            table.constraints.insert(
                name.clone(),
                constraint(name, kind, c, origin, constraint_rename(st, c.location)),
            );
            return;
        }
        let kind = match ctype {
            ConstrType::ConstrPrimary => {
                let columns = node_names(&c.keys);
                for col in &columns {
                    if let Some(column) = table.columns.iter_mut().find(|x| &x.name == col) {
                        column.not_null = true;
                    }
                }
                ConstraintKind::PrimaryKey {
                    columns,
                    include: node_names(&c.including),
                }
            }
            ConstrType::ConstrUnique => ConstraintKind::Unique {
                columns: node_names(&c.keys),
                include: node_names(&c.including),
                nulls_not_distinct: c.nulls_not_distinct,
            },
            ConstrType::ConstrCheck => match c.raw_expr.as_deref() {
                Some(e) => ConstraintKind::Check {
                    expr: expr::render(e),
                },
                None => return,
            },
            ConstrType::ConstrForeign => {
                let Some(pk) = &c.pktable else { return };
                ConstraintKind::ForeignKey {
                    columns: node_names(&c.fk_attrs),
                    table: qname(pk),
                    ref_columns: node_names(&c.pk_attrs),
                    match_type: match c.fk_matchtype.as_str() {
                        "f" => "FULL",
                        "p" => "PARTIAL",
                        _ => "SIMPLE",
                    }
                    .to_string(),
                    on_update: fk_action(&c.fk_upd_action, &[]),
                    on_delete: fk_action(&c.fk_del_action, &c.fk_del_set_cols),
                }
            }
            ConstrType::ConstrExclusion => {
                let (body, deps) = exclusion_body(c);
                ConstraintKind::Exclude { body, deps }
            }
            _ => {
                self.error(st, origin, "this constraint kind is not supported here");
                return;
            }
        };
        let name = if !c.conname.is_empty() {
            c.conname.clone()
        } else {
            self.generated_constraint_name(table, &kind, c, p.column.as_deref())
        };
        if table.constraints.contains_key(&name) {
            self.error(
                st,
                origin,
                format!("constraint \"{name}\" is declared twice on {}", table.name),
            );
            return;
        }
        self.take_constraint(&schema, &name);
        if matches!(
            kind,
            ConstraintKind::PrimaryKey { .. }
                | ConstraintKind::Unique { .. }
                | ConstraintKind::Exclude { .. }
        ) {
            self.take_relation(QName::new(&schema, &name));
        }
        table.constraints.insert(
            name.clone(),
            constraint(name, kind, c, origin, constraint_rename(st, c.location)),
        );
    }

    /// The name PostgreSQL gives an unnamed constraint.
    fn generated_constraint_name(
        &self,
        table: &Table,
        kind: &ConstraintKind,
        c: &protobuf::Constraint,
        column: Option<&str>,
    ) -> String {
        let schema = &table.name.schema;
        let t = &table.name.name;
        let rel_taken = |n: &str| {
            self.relation_taken(&QName::new(schema, n)) || self.constraint_taken(schema, n)
        };
        let con_taken =
            |n: &str| self.constraint_taken(schema, n) || table.constraints.contains_key(n);
        match kind {
            ConstraintKind::PrimaryKey { .. } => names::choose_name(t, None, "pkey", rel_taken),
            ConstraintKind::Unique { columns, .. } => {
                names::choose_name(t, Some(&names::column_addition(columns)), "key", rel_taken)
            }
            ConstraintKind::Exclude { .. } => {
                let cols: Vec<String> = c
                    .exclusions
                    .iter()
                    .filter_map(|pair| match &pair.node {
                        Some(NodeEnum::List(l)) => l.items.first().and_then(|e| match &e.node {
                            Some(NodeEnum::IndexElem(ie)) => Some(index_elem_column_name(ie)),
                            _ => None,
                        }),
                        _ => None,
                    })
                    .collect();
                names::choose_name(t, Some(&names::column_addition(&cols)), "excl", rel_taken)
            }
            ConstraintKind::Check { .. } => {
                let cols = c
                    .raw_expr
                    .as_deref()
                    .map(referenced_columns)
                    .unwrap_or_default();
                let col = if cols.len() == 1 {
                    Some(cols[0].clone())
                } else {
                    None
                };
                let col = col.or_else(|| column.filter(|_| cols.is_empty()).map(str::to_string));
                names::choose_name(t, col.as_deref(), "check", con_taken)
            }
            ConstraintKind::ForeignKey { columns, .. } => {
                names::choose_name(t, Some(&names::column_addition(columns)), "fkey", con_taken)
            }
        }
    }

    /// Fills referenced columns of foreign keys written without them from the referenced
    /// table's primary key.
    pub(crate) fn resolve_foreign_keys(&mut self) {
        let pks: BTreeMap<QName, Vec<String>> = self
            .schema
            .tables
            .iter()
            .filter_map(|(n, t)| t.primary_key().map(|pk| (n.clone(), pk.to_vec())))
            .collect();
        for table in self.schema.tables.values_mut() {
            for c in table.constraints.values_mut() {
                if let ConstraintKind::ForeignKey {
                    table: target,
                    ref_columns,
                    ..
                } = &mut c.kind
                {
                    if ref_columns.is_empty() {
                        if let Some(pk) = pks.get(target) {
                            *ref_columns = pk.clone();
                        }
                    }
                }
            }
        }
    }
}

fn constraint(
    name: String,
    kind: ConstraintKind,
    c: &protobuf::Constraint,
    origin: crate::source::Origin,
    renamed_from: Option<String>,
) -> Constraint {
    Constraint {
        name,
        kind,
        deferrable: c.deferrable,
        initially_deferred: c.initdeferred,
        not_valid: c.skip_validation,
        no_inherit: c.is_no_inherit,
        comment: None,
        renamed_from,
        origin,
    }
}

fn apply_attribute(c: &mut protobuf::Constraint, attr: i32) {
    match ConstrType::try_from(attr) {
        Ok(ConstrType::ConstrAttrDeferrable) => c.deferrable = true,
        Ok(ConstrType::ConstrAttrNotDeferrable) => c.deferrable = false,
        Ok(ConstrType::ConstrAttrDeferred) => {
            c.initdeferred = true;
            c.deferrable = true;
        }
        Ok(ConstrType::ConstrAttrImmediate) => c.initdeferred = false,
        _ => {}
    }
}

/// A `String` node.
pub(crate) fn string_node(s: &str) -> Node {
    Node {
        node: Some(NodeEnum::String(protobuf::String {
            sval: s.to_string(),
        })),
    }
}

/// The strings of a list of `String` (or `IndexElem`) nodes.
pub(crate) fn node_names(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            Some(NodeEnum::IndexElem(e)) => Some(e.name.clone()),
            _ => None,
        })
        .collect()
}

/// Distinct column names an expression refers to, in order of appearance.
pub(crate) fn referenced_columns(node: &Node) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(n) = &node.node else { return out };
    let mut consider = |c: &protobuf::ColumnRef| {
        if let Some(name) = c.fields.last().and_then(string_of) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    };
    if let NodeEnum::ColumnRef(c) = n {
        consider(c);
    }
    for (child, _, _, _) in n.nodes() {
        if let pg_query::NodeRef::ColumnRef(c) = child {
            consider(c);
        }
    }
    out
}

/// The text of an `ON UPDATE` / `ON DELETE` action.
fn fk_action(code: &str, set_cols: &[Node]) -> String {
    let cols = if set_cols.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            node_names(set_cols)
                .iter()
                .map(|c| quote::ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match code {
        "r" => "RESTRICT".to_string(),
        "c" => "CASCADE".to_string(),
        "n" => format!("SET NULL{cols}"),
        "d" => format!("SET DEFAULT{cols}"),
        _ => "NO ACTION".to_string(),
    }
}

/// `USING method (elem WITH op, ...) [INCLUDE (...)] [WHERE (...)]` of an EXCLUDE constraint.
fn exclusion_body(c: &protobuf::Constraint) -> (String, Vec<Dep>) {
    let mut deps = Vec::new();
    let elems: Vec<String> = c
        .exclusions
        .iter()
        .filter_map(|pair| match &pair.node {
            Some(NodeEnum::List(l)) if l.items.len() == 2 => {
                let elem = match &l.items[0].node {
                    Some(NodeEnum::IndexElem(e)) => index_elem_sql(e, &mut deps),
                    _ => return None,
                };
                let op = match &l.items[1].node {
                    Some(NodeEnum::List(ops)) => ops
                        .items
                        .iter()
                        .filter_map(string_of)
                        .collect::<Vec<_>>()
                        .join("."),
                    _ => return None,
                };
                Some(format!("{elem} WITH {op}"))
            }
            _ => None,
        })
        .collect();
    let method = if c.access_method.is_empty() {
        "btree"
    } else {
        &c.access_method
    };
    let mut body = format!("USING {} ({})", method, elems.join(", "));
    if !c.including.is_empty() {
        body.push_str(&format!(
            " INCLUDE ({})",
            node_names(&c.including)
                .iter()
                .map(|n| quote::ident(n))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(w) = c.where_clause.as_deref() {
        let e = expr::render(w);
        deps.extend(e.deps);
        body.push_str(&format!(" WHERE ({})", e.sql));
    }
    (body, deps)
}

/// Canonical text of one index element: column or expression, collation, opclass, order.
pub(crate) fn index_elem_sql(e: &protobuf::IndexElem, deps: &mut Vec<Dep>) -> String {
    let mut out = if let Some(x) = e.expr.as_deref() {
        let r = expr::render(x);
        deps.extend(r.deps);
        match &x.node {
            Some(NodeEnum::FuncCall(_)) if !r.sql.starts_with('(') => r.sql,
            _ => format!("({})", r.sql),
        }
    } else {
        quote::ident(&e.name)
    };
    if !e.collation.is_empty() {
        out.push_str(&format!(
            " COLLATE {}",
            super::context::collation_name(&e.collation).sql()
        ));
    }
    if !e.opclass.is_empty() {
        let parts: Vec<String> = e.opclass.iter().filter_map(string_of).collect();
        out.push(' ');
        out.push_str(
            &parts
                .iter()
                .map(|p| quote::ident(p))
                .collect::<Vec<_>>()
                .join("."),
        );
        if !e.opclassopts.is_empty() {
            out.push_str(&format!(
                " ({})",
                e.opclassopts
                    .iter()
                    .filter_map(def_elem_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    match protobuf::SortByDir::try_from(e.ordering) {
        Ok(protobuf::SortByDir::SortbyDesc) => out.push_str(" DESC"),
        Ok(protobuf::SortByDir::SortbyAsc) => {}
        _ => {}
    }
    let desc = e.ordering == protobuf::SortByDir::SortbyDesc as i32;
    match protobuf::SortByNulls::try_from(e.nulls_ordering) {
        Ok(protobuf::SortByNulls::SortbyNullsFirst) if !desc => out.push_str(" NULLS FIRST"),
        Ok(protobuf::SortByNulls::SortbyNullsLast) if desc => out.push_str(" NULLS LAST"),
        _ => {}
    }
    out
}

/// The column name PostgreSQL uses for an index element in generated index names.
pub(crate) fn index_elem_column_name(e: &protobuf::IndexElem) -> String {
    if !e.indexcolname.is_empty() {
        return e.indexcolname.clone();
    }
    if !e.name.is_empty() {
        return e.name.clone();
    }
    e.expr
        .as_deref()
        .and_then(|x| figure_colname(x).map(|(n, _)| n))
        .unwrap_or_else(|| "expr".to_string())
}

/// PostgreSQL's `FigureColnameInternal` for the shapes that matter in index names.
fn figure_colname(node: &Node) -> Option<(String, u8)> {
    match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) => c.fields.last().and_then(string_of).map(|n| (n, 2)),
        NodeEnum::FuncCall(f) => f.funcname.last().and_then(string_of).map(|n| (n, 2)),
        NodeEnum::TypeCast(c) => {
            let inner = c.arg.as_deref().and_then(figure_colname);
            match inner {
                Some((n, s)) if s > 1 => Some((n, s)),
                _ => c
                    .type_name
                    .as_ref()
                    .and_then(|t| typename::name_parts(t).last().cloned())
                    .map(|n| (n, 1)),
            }
        }
        NodeEnum::CaseExpr(_) => Some(("case".into(), 1)),
        NodeEnum::AArrayExpr(_) => Some(("array".into(), 2)),
        NodeEnum::CoalesceExpr(_) => Some(("coalesce".into(), 2)),
        NodeEnum::MinMaxExpr(m) => Some((if m.op == 1 { "greatest" } else { "least" }.into(), 2)),
        NodeEnum::NullIfExpr(_) => Some(("nullif".into(), 2)),
        _ => None,
    }
}

/// `k=v` text of a storage parameter or option.
pub(crate) fn def_elem_text(n: &Node) -> Option<String> {
    let Some(NodeEnum::DefElem(d)) = &n.node else {
        return None;
    };
    let key = if d.defnamespace.is_empty() {
        d.defname.clone()
    } else {
        format!("{}.{}", d.defnamespace, d.defname)
    };
    Some(match d.arg.as_deref() {
        Some(a) => {
            let v = match &a.node {
                Some(NodeEnum::String(s)) => s.sval.clone(),
                Some(NodeEnum::Integer(i)) => i.ival.to_string(),
                Some(NodeEnum::Float(f)) => f.fval.clone(),
                Some(NodeEnum::Boolean(b)) => b.boolval.to_string(),
                Some(NodeEnum::TypeName(t)) => typename::type_ref(t).sql,
                _ => expr::render(a).sql,
            };
            format!("{key}={v}")
        }
        None => key,
    })
}

/// `RANGE (a, b)` text of a PARTITION BY clause.
fn partition_spec_sql(p: &PartitionSpec) -> String {
    let strategy = match protobuf::PartitionStrategy::try_from(p.strategy) {
        Ok(protobuf::PartitionStrategy::List) => "LIST",
        Ok(protobuf::PartitionStrategy::Hash) => "HASH",
        _ => "RANGE",
    };
    let params: Vec<String> = p
        .part_params
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::PartitionElem(e)) => {
                let mut s = match e.expr.as_deref() {
                    Some(x) => format!("({})", expr::render(x).sql),
                    None => quote::ident(&e.name),
                };
                if !e.collation.is_empty() {
                    s.push_str(&format!(
                        " COLLATE {}",
                        super::context::collation_name(&e.collation).sql()
                    ));
                }
                if !e.opclass.is_empty() {
                    s.push_str(&format!(
                        " {}",
                        e.opclass
                            .iter()
                            .filter_map(string_of)
                            .map(|p| quote::ident(&p))
                            .collect::<Vec<_>>()
                            .join(".")
                    ));
                }
                Some(s)
            }
            _ => None,
        })
        .collect();
    format!("{strategy} ({})", params.join(", "))
}

/// `FOR VALUES ...` / `DEFAULT` text of a partition bound.
pub(crate) fn partition_bound_sql(b: &PartitionBoundSpec) -> String {
    if b.is_default {
        return "DEFAULT".to_string();
    }
    let list = |nodes: &[Node]| {
        nodes
            .iter()
            .map(|n| expr::render(n).sql)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match b.strategy.as_str() {
        "l" => format!("FOR VALUES IN ({})", list(&b.listdatums)),
        "h" => format!(
            "FOR VALUES WITH (modulus {}, remainder {})",
            b.modulus, b.remainder
        ),
        _ => format!(
            "FOR VALUES FROM ({}) TO ({})",
            list(&b.lowerdatums),
            list(&b.upperdatums)
        ),
    }
}

/// `nextval('schema.seq'::regclass)`, the default of a serial column.
pub(crate) fn nextval_default(seq: &QName) -> Expr {
    Expr {
        sql: format!("nextval({}::regclass)", quote::literal(&seq.sql())),
        deps: vec![
            Dep::Relation(seq.clone()),
            Dep::Function(QName::new("pg_catalog", "nextval")),
        ],
    }
}

/// Normalises `nextval('seq'::regclass)` so that `'seq'` and `'public.seq'` compare equal.
pub(crate) fn normalize_default(e: Expr) -> Expr {
    if let Some(rest) = e.sql.strip_prefix("nextval(") {
        if rest.ends_with("::regclass)") {
            if let Some(Dep::Relation(seq)) = e.deps.iter().find(|d| matches!(d, Dep::Relation(_)))
            {
                let mut n = nextval_default(seq);
                n.deps = e.deps.clone();
                return n;
            }
        }
    }
    e
}

/// A sequence with every option at its default for `data_type`.
pub(crate) fn default_sequence(
    name: QName,
    data_type: &str,
    origin: crate::source::Origin,
) -> Sequence {
    let max = match data_type {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        _ => i64::MAX,
    };
    Sequence {
        name,
        data_type: data_type.to_string(),
        increment: 1,
        min_value: 1,
        max_value: max,
        start: 1,
        cache: 1,
        cycle: false,
        owned_by: None,
        comment: None,
        origin,
    }
}

/// The key columns of a canonical `CREATE INDEX` statement (for `USING INDEX`).
fn index_columns(create_sql: &str) -> Vec<String> {
    let Some(open) = create_sql.find(" (") else {
        return Vec::new();
    };
    let rest = &create_sql[open + 2..];
    let mut depth = 0;
    let mut end = rest.len();
    for (i, ch) in rest.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = i;
                break;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    rest[..end]
        .split(", ")
        .map(|c| {
            c.split(' ')
                .next()
                .unwrap_or(c)
                .trim_matches('"')
                .to_string()
        })
        .collect()
}

/// A `-- data:renamed from=` annotation on the line of (or the line before) a column.
fn column_rename(st: &Stmt, location: i32) -> Option<String> {
    annotation_near(st, location).map(|s| s.to_string())
}

fn constraint_rename(st: &Stmt, location: i32) -> Option<String> {
    annotation_near(st, location).map(|s| s.to_string())
}

/// The `renamed from=` annotation belonging to the element at `location`: a trailing comment
/// on the same line, or a comment on its own line right before it.
pub(crate) fn annotation_near<'a>(st: &'a Stmt, location: i32) -> Option<&'a str> {
    if location < 0 {
        return None;
    }
    let at = st.start + location as usize;
    let text = &st.file.text;
    let line_start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    let prev_start = text[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    st.inner
        .iter()
        .filter(|a| a.key == "renamed")
        .find_map(|a| {
            let same_line = a.trailing && a.offset > at && a.offset < line_end;
            let line_before = !a.trailing && a.offset >= prev_start && a.offset < line_start;
            (same_line || line_before).then(|| a.arg("from")).flatten()
        })
}

impl Builder {
    /// Canonical text of an identity column's sequence options, empty when all are defaults.
    pub(crate) fn identity_options(&mut self, st: &Stmt, ty: &str, options: &[Node]) -> String {
        if options.is_empty() {
            return String::new();
        }
        let name = QName::new("", "");
        let mut seq = default_sequence(name.clone(), ty, st.origin());
        self.apply_sequence_options(st, &mut seq, options, true);
        let mut plain = default_sequence(name, ty, st.origin());
        self.apply_sequence_options(st, &mut plain, &[], true);
        if crate::plan::render::sequence_options(&seq)
            == crate::plan::render::sequence_options(&plain)
        {
            String::new()
        } else {
            identity_option_text(&seq)
        }
    }
}

/// Sequence options without the `AS type` part, as written inside `AS IDENTITY (...)`.
pub fn identity_option_text(seq: &Sequence) -> String {
    let full = crate::plan::render::sequence_options(seq);
    full.split_once(" INCREMENT")
        .map(|(_, rest)| format!("INCREMENT{rest}"))
        .unwrap_or(full)
}
