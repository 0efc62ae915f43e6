//! Comparing schemas modulo the way PostgreSQL prints definitions back.
//!
//! A definition read from a live catalog (`pg_get_expr`, `pg_get_viewdef`,
//! `pg_get_constraintdef`, ...) is the same definition as the golden SQL it was created from,
//! but printed after PostgreSQL's parse analysis: literals carry the casts their types were
//! resolved to (`'x'::text`, `(0)::numeric`), `IN (...)` became `= ANY (ARRAY[...])`,
//! `BETWEEN` became two comparisons, `LIKE` became `~~`, select-list items carry the column
//! name PostgreSQL figured for them (`count(*) AS count`), single-table queries qualify every
//! column, and names in `public` are schema-qualified.
//!
//! [`comparable`] rewrites every expression and definition of a model into one form in which
//! those printings coincide, so a golden model and an introspected one compare with the
//! engine's ordinary diff. The form is only for comparing: plans are always rendered from the
//! models as written, never from this form.
//!
//! The rewrites, applied bottom-up to parse trees:
//! - a cast of a constant (`'x'::T`, `(0)::numeric`, `'-1'::integer`) becomes the constant; a
//!   quoted number becomes the number; a cast of an array constructor becomes the array, and
//!   an empty `ARRAY[]` becomes `'{}'`;
//! - a cast of a column to `text`, `varchar`, `numeric`, `bigint` or `double precision` (the
//!   implicit coercions PostgreSQL prints, e.g. of a domain to its base type) is dropped;
//! - `GROUP BY 1` / `ORDER BY 1` become the select-list expression they point at;
//! - an index is always on the table with its partitions (`ON ONLY` is dropped), and a
//!   function parameter without a mode is `IN`;
//! - `x IN (a, b)` becomes `x = ANY (ARRAY[a, b])`, `NOT IN` becomes `<> ALL (...)`, and
//!   `x IN (a)` becomes `x = a`;
//! - `x BETWEEN a AND b` becomes `x >= a AND x <= b` (`NOT BETWEEN`: `x < a OR x > b`);
//! - `LIKE`/`ILIKE` become the operators `~~`/`~~*` (and their negations);
//! - nested `AND`s (and `OR`s) are flattened into one list;
//! - a select-list alias equal to the name PostgreSQL would figure is dropped;
//! - in a query over one relation, columns qualified by that relation lose the qualifier;
//! - the schema `public` (and `pg_catalog` on functions) is dropped from names.
//!
//! Two definitions that differ only in these ways are treated as equal; a real change (another
//! constant, another column, another operator) still differs.
//!
//! [`align_equivalent`] serves ordinary plans between two golden states (one of them perhaps
//! pg_dump's output) with the exact subset of these rewrites, the ones that can never change
//! what a definition means: casts of quoted constants to `text`, casts of constants whose type
//! the context fixes anyway (a whole default, a comparison's other side, a function argument
//! for quoted constants), casts of `text`/`varchar` columns to `text`, and all the rewrites
//! that are not casts. Casts with a length or precision, casts that change a constant's value
//! (`'2020-01-01 10:00'::date`, `1.5::integer`), casts in arithmetic and casts of other
//! columns stay, so `5::numeric / 2` and `5 / 2` remain different.

use crate::expr;
use crate::model::{ConstraintKind, Expr, Schema, TypeKind};
use pg_query::protobuf::{self, a_const::Val, AExprKind, BoolExprType, Node};
use pg_query::NodeEnum;

/// A copy of `schema` with every expression and definition rewritten into the comparable form
/// described in the module documentation.
pub fn comparable(schema: &Schema) -> Schema {
    comparable_owned(schema.clone())
}

/// [`comparable`], consuming the model.
pub fn comparable_owned(schema: Schema) -> Schema {
    let mut out = schema;
    for ty in out.types.values_mut() {
        match &mut ty.kind {
            TypeKind::Domain {
                default, checks, ..
            } => {
                comparable_opt(default);
                checks.values_mut().for_each(comparable_in_place);
            }
            TypeKind::Range { create_sql } => *create_sql = comparable_range(create_sql),
            TypeKind::Enum { .. } | TypeKind::Composite { .. } => {}
        }
    }
    for table in out.tables.values_mut() {
        for column in &mut table.columns {
            comparable_opt(&mut column.default);
            comparable_opt(&mut column.generated);
        }
        for constraint in table.constraints.values_mut() {
            if let ConstraintKind::Check { expr } = &mut constraint.kind {
                comparable_in_place(expr);
            }
        }
    }
    for view in out.views.values_mut() {
        view.create_sql = comparable_statement(&view.create_sql);
    }
    for function in out.functions.values_mut() {
        function.create_sql = comparable_statement(&function.create_sql);
        if let Ok(stmts) = crate::parse::parse_text(&function.create_sql) {
            if let [NodeEnum::CreateFunctionStmt(f)] = stmts.as_slice() {
                function.signature = crate::build::function_signature(f);
            }
        }
    }
    for index in out.indexes.values_mut() {
        index.create_sql = comparable_statement(&index.create_sql);
    }
    for trigger in out.triggers.values_mut() {
        trigger.create_sql = comparable_statement(&trigger.create_sql);
    }
    for policy in out.policies.values_mut() {
        comparable_opt(&mut policy.using);
        comparable_opt(&mut policy.check);
    }
    out
}

/// A range type's statement without `multirange_type_name` when that is the default name
/// (`<range>_multirange`, as pg_dump writes it).
fn comparable_range(sql: &str) -> String {
    let Ok(stmts) = crate::parse::parse_text(sql) else {
        return sql.to_string();
    };
    let [NodeEnum::CreateRangeStmt(range)] = stmts.as_slice() else {
        return comparable_statement(sql);
    };
    let mut range = range.clone();
    let default_name = range
        .type_name
        .last()
        .and_then(expr::string_of)
        .map(|n| format!("{n}_multirange"));
    range.params.retain(|p| match &p.node {
        Some(NodeEnum::DefElem(d)) if d.defname == "multirange_type_name" => {
            let named = match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(NodeEnum::TypeName(tn)) => tn.names.last().and_then(expr::string_of),
                Some(NodeEnum::List(l)) => l.items.last().and_then(expr::string_of),
                _ => None,
            };
            named != default_name
        }
        _ => true,
    });
    comparable_statement(
        &expr::deparse_stmt(&NodeEnum::CreateRangeStmt(range)).unwrap_or_else(|_| sql.into()),
    )
}

/// `old` with every definition that means exactly what its counterpart in `new` means, but is
/// written differently (`DEFAULT 'draft'::state` for `DEFAULT 'draft'`, `IN (...)` for
/// `= ANY (ARRAY[...])`, a view as PostgreSQL prints it), replaced by `new`'s text, so a plan
/// between a pg_dump-style and a hand-written state contains only real changes. Only the
/// rewrites that never change meaning are used (no casts of columns, no constant casts where
/// the constant's type is not fixed by its context). `None` when nothing needed replacing.
pub fn align_equivalent(old: &Schema, new: &Schema) -> Option<Schema> {
    let mut copy = CopyOnWrite {
        original: old,
        copy: None,
    };
    for (name, ty) in &old.types {
        let Some(nt) = new.types.get(name) else {
            continue;
        };
        match (&ty.kind, &nt.kind) {
            (
                TypeKind::Domain {
                    default: od,
                    checks: oc,
                    ..
                },
                TypeKind::Domain {
                    default: nd,
                    checks: nc,
                    ..
                },
            ) => {
                let default = same_opt(od, nd, Position::Top, &[]);
                let checks: Vec<&String> = oc
                    .iter()
                    .filter(|(c, oe)| {
                        nc.get(*c)
                            .is_some_and(|ne| same(oe, ne, Position::Other, &[]))
                    })
                    .map(|(c, _)| c)
                    .collect();
                if !default && checks.is_empty() {
                    continue;
                }
                if let Some(TypeKind::Domain {
                    default: d,
                    checks: cs,
                    ..
                }) = copy.get().types.get_mut(name).map(|t| &mut t.kind)
                {
                    if default {
                        d.clone_from(nd);
                    }
                    for c in checks {
                        cs.insert(c.clone(), nc[c].clone());
                    }
                }
            }
            (TypeKind::Range { create_sql: o }, TypeKind::Range { create_sql: n })
                if o != n && comparable_range(o) == comparable_range(n) =>
            {
                if let Some(t) = copy.get().types.get_mut(name) {
                    t.kind = nt.kind.clone();
                }
            }
            _ => {}
        }
    }
    for (name, table) in &old.tables {
        let Some(nt) = new.tables.get(name) else {
            continue;
        };
        let texts = text_columns(table);
        for (i, column) in table.columns.iter().enumerate() {
            let Some(nc) = nt.column(&column.name) else {
                continue;
            };
            let default = same_opt(&column.default, &nc.default, Position::Top, &texts);
            let generated = same_opt(&column.generated, &nc.generated, Position::Other, &texts);
            if !default && !generated {
                continue;
            }
            if let Some(c) = copy.get().tables.get_mut(name).map(|t| &mut t.columns[i]) {
                if default {
                    c.default.clone_from(&nc.default);
                }
                if generated {
                    c.generated.clone_from(&nc.generated);
                }
            }
        }
        for (cname, constraint) in &table.constraints {
            let (ConstraintKind::Check { expr: oe }, Some(ConstraintKind::Check { expr: ne })) =
                (&constraint.kind, nt.constraints.get(cname).map(|c| &c.kind))
            else {
                continue;
            };
            if !same(oe, ne, Position::Other, &texts) {
                continue;
            }
            if let Some(c) = copy
                .get()
                .tables
                .get_mut(name)
                .and_then(|t| t.constraints.get_mut(cname))
            {
                c.kind = ConstraintKind::Check { expr: ne.clone() };
            }
        }
    }
    align_statements(&mut copy, &old.views, &new.views, |s| &mut s.views);
    align_statements(&mut copy, &old.functions, &new.functions, |s| {
        &mut s.functions
    });
    align_statements(&mut copy, &old.indexes, &new.indexes, |s| &mut s.indexes);
    align_statements(&mut copy, &old.triggers, &new.triggers, |s| &mut s.triggers);
    for (key, policy) in &old.policies {
        let Some(np) = new.policies.get(key) else {
            continue;
        };
        let using = same_opt(&policy.using, &np.using, Position::Other, &[]);
        let check = same_opt(&policy.check, &np.check, Position::Other, &[]);
        if !using && !check {
            continue;
        }
        if let Some(p) = copy.get().policies.get_mut(key) {
            if using {
                p.using.clone_from(&np.using);
            }
            if check {
                p.check.clone_from(&np.check);
            }
        }
    }
    copy.copy
}

/// The schema being aligned: cloned from the original on the first edit only, so a plan
/// between states without restated definitions copies nothing.
struct CopyOnWrite<'a> {
    original: &'a Schema,
    copy: Option<Schema>,
}

impl CopyOnWrite<'_> {
    fn get(&mut self) -> &mut Schema {
        let original = self.original;
        self.copy.get_or_insert_with(|| original.clone())
    }
}

/// An object held as one statement (`create_sql`) with what it depends on.
trait Statement {
    fn sql(&self) -> &str;
    /// Takes `other`'s statement (and what follows from it), keeping everything else.
    fn restate_from(&mut self, other: &Self);
}

macro_rules! statement_object {
    ($ty:ty $(, $extra:ident)*) => {
        impl Statement for $ty {
            fn sql(&self) -> &str {
                &self.create_sql
            }
            fn restate_from(&mut self, other: &Self) {
                self.create_sql.clone_from(&other.create_sql);
                self.deps.clone_from(&other.deps);
                $(self.$extra.clone_from(&other.$extra);)*
            }
        }
    };
}

statement_object!(crate::model::View);
statement_object!(crate::model::Function, signature);
statement_object!(crate::model::Index);
statement_object!(crate::model::Trigger);

/// Gives every object of `old` whose statement means exactly what its counterpart in `new`
/// says, but is written differently, `new`'s statement (in the map `field` picks).
fn align_statements<K: Ord, V: Statement>(
    copy: &mut CopyOnWrite<'_>,
    old: &std::collections::BTreeMap<K, V>,
    new: &std::collections::BTreeMap<K, V>,
    field: fn(&mut Schema) -> &mut std::collections::BTreeMap<K, V>,
) {
    for (key, o) in old {
        let Some(n) = new.get(key) else { continue };
        if same_statement(o.sql(), n.sql()) {
            if let Some(v) = field(copy.get()).get_mut(key) {
                v.restate_from(n);
            }
        }
    }
}

/// Whether two expressions differ in text but not in meaning (`text_columns`: the `text` and
/// `varchar` columns of the table they belong to, if any).
fn same(old: &Expr, new: &Expr, position: Position, text_columns: &[String]) -> bool {
    old != new
        && rewrite_expr(old, Rules::Exact, position, text_columns).sql
            == rewrite_expr(new, Rules::Exact, position, text_columns).sql
}

/// [`same`] for optional expressions: two absent ones are not restatements.
fn same_opt(
    old: &Option<Expr>,
    new: &Option<Expr>,
    position: Position,
    text_columns: &[String],
) -> bool {
    matches!((old, new), (Some(o), Some(n)) if same(o, n, position, text_columns))
}

/// Whether two statements differ in text but not in meaning.
fn same_statement(old: &str, new: &str) -> bool {
    old != new && rewrite_statement(old, Rules::Exact) == rewrite_statement(new, Rules::Exact)
}

/// The names of a table's columns whose type is `text` or `varchar`.
fn text_columns(table: &crate::model::Table) -> Vec<String> {
    table
        .columns
        .iter()
        .filter(|c| {
            let ty = c.ty.sql.as_str();
            ty == "text" || ty.starts_with("character varying") || ty.starts_with("varchar")
        })
        .map(|c| c.name.clone())
        .collect()
}

fn comparable_opt(expr: &mut Option<Expr>) {
    if let Some(e) = expr {
        comparable_in_place(e);
    }
}

fn comparable_in_place(e: &mut Expr) {
    *e = comparable_expr(e);
}

/// The comparable form of one expression (its dependencies recomputed from that form). An
/// expression that does not parse is returned unchanged.
pub fn comparable_expr(e: &Expr) -> Expr {
    rewrite_expr(e, Rules::Printing, Position::Other, &[])
}

fn rewrite_expr(e: &Expr, rules: Rules, position: Position, text_columns: &[String]) -> Expr {
    let Ok(stmts) = crate::parse::parse_text(&format!("SELECT {}", e.sql)) else {
        return e.clone();
    };
    let [NodeEnum::SelectStmt(select)] = stmts.as_slice() else {
        return e.clone();
    };
    let [Node {
        node: Some(NodeEnum::ResTarget(target)),
    }] = select.target_list.as_slice()
    else {
        return e.clone();
    };
    let Some(mut value) = target.val.as_deref().cloned() else {
        return e.clone();
    };
    walk(&mut value, Cx::new(rules, position, text_columns));
    expr::render(&value)
}

/// The comparable form of one statement, deparsed by libpg_query. A statement that does not
/// parse is returned unchanged.
pub fn comparable_statement(sql: &str) -> String {
    rewrite_statement(sql, Rules::Printing)
}

fn rewrite_statement(sql: &str, rules: Rules) -> String {
    let Ok(stmts) = crate::parse::parse_text(sql) else {
        return sql.to_string();
    };
    let mut rendered = Vec::new();
    for stmt in stmts.iter() {
        let mut node = Node {
            node: Some(stmt.clone()),
        };
        walk(&mut node, Cx::new(rules, Position::Other, &[]));
        let Some(node) = node.node else { continue };
        match expr::deparse_stmt(&node) {
            Ok(text) => rendered.push(text),
            Err(_) => return sql.to_string(),
        }
    }
    rendered.join(";\n")
}

/// Which rewrites apply.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rules {
    /// Everything PostgreSQL's printing changes, for comparing a catalog with golden SQL.
    Printing,
    /// Only rewrites that never change what a definition means, for comparing two golden
    /// states (see [`align_equivalent`]).
    Exact,
}

/// Where an expression stands in its parent, which decides whether a cast of a constant can
/// matter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Position {
    /// The whole of a default: its value is converted to the column's type anyway.
    Top,
    /// An operand of a comparison (or an element of an `IN` list): a constant's type is
    /// resolved from the other side.
    Comparison,
    /// An argument of a function call: a quoted constant's type is resolved from the
    /// function's parameter.
    Argument,
    /// Anywhere else.
    Other,
}

/// The context a node is rewritten in.
#[derive(Clone, Copy, Debug)]
struct Cx<'a> {
    rules: Rules,
    /// The reference name of the only relation of the innermost query, when it has one.
    scope: Option<&'a str>,
    position: Position,
    /// Columns of the table an expression belongs to whose type is `text` or `varchar`: a
    /// cast of one of them to `text` changes nothing.
    text_columns: &'a [String],
}

impl<'a> Cx<'a> {
    fn new(rules: Rules, position: Position, text_columns: &'a [String]) -> Cx<'a> {
        Cx {
            rules,
            scope: None,
            position,
            text_columns,
        }
    }

    fn other(self) -> Cx<'a> {
        self.at(Position::Other)
    }

    fn at(self, position: Position) -> Cx<'a> {
        Cx { position, ..self }
    }

    fn scoped<'b>(self, scope: Option<&'b str>) -> Cx<'b>
    where
        'a: 'b,
    {
        Cx {
            rules: self.rules,
            scope,
            position: Position::Other,
            text_columns: self.text_columns,
        }
    }
}

/// Whether an operator expression compares (or tests membership), so that the types of
/// constants among its operands are resolved from the other side.
fn is_comparison(e: &protobuf::AExpr) -> bool {
    let kind = AExprKind::try_from(e.kind).unwrap_or(AExprKind::Undefined);
    let op = e.name.last().and_then(expr::string_of).unwrap_or_default();
    match kind {
        AExprKind::AexprOpAny | AExprKind::AexprOpAll | AExprKind::AexprIn => true,
        AExprKind::AexprOp | AExprKind::AexprDistinct | AExprKind::AexprNotDistinct => {
            matches!(op.as_str(), "=" | "<>" | "<" | ">" | "<=" | ">=")
        }
        _ => false,
    }
}

/// Rewrites `node` and everything below it.
fn walk(node: &mut Node, cx: Cx<'_>) {
    let Some(inner) = node.node.as_mut() else {
        return;
    };
    match inner {
        NodeEnum::SelectStmt(s) => walk_select(s, cx),
        NodeEnum::AExpr(e) => {
            let operands = if is_comparison(e) {
                cx.at(Position::Comparison)
            } else {
                cx.other()
            };
            walk_opt(&mut e.lexpr, operands);
            walk_opt(&mut e.rexpr, operands);
        }
        NodeEnum::BoolExpr(b) => walk_vec(&mut b.args, cx.other()),
        NodeEnum::FuncCall(f) => {
            unqualify_function(&mut f.funcname);
            walk_vec(&mut f.args, cx.at(Position::Argument));
            walk_vec(&mut f.agg_order, cx.other());
            walk_opt(&mut f.agg_filter, cx.other());
            if let Some(w) = f.over.as_mut() {
                walk_vec(&mut w.partition_clause, cx.other());
                walk_vec(&mut w.order_clause, cx.other());
            }
        }
        NodeEnum::TypeCast(c) => {
            // The elements of a cast array are still compared (`= ANY ((ARRAY[...])::text[])`).
            let array = matches!(
                c.arg.as_deref().and_then(|a| a.node.as_ref()),
                Some(NodeEnum::AArrayExpr(_))
            );
            walk_opt(&mut c.arg, if array { cx } else { cx.other() });
            if let Some(tn) = c.type_name.as_mut() {
                unqualify_type(tn);
            }
        }
        NodeEnum::ColumnRef(c) => {
            if let (Some(scope), 2) = (cx.scope, c.fields.len()) {
                if expr::string_of(&c.fields[0]).as_deref() == Some(scope) {
                    c.fields.remove(0);
                }
            }
        }
        NodeEnum::SubLink(l) => {
            walk_opt(&mut l.testexpr, cx.other());
            walk_opt(&mut l.subselect, cx.other());
        }
        NodeEnum::NullTest(t) => walk_opt(&mut t.arg, cx.other()),
        NodeEnum::BooleanTest(t) => walk_opt(&mut t.arg, cx.other()),
        NodeEnum::CaseExpr(c) => {
            walk_opt(&mut c.arg, cx.other());
            walk_vec(&mut c.args, cx.other());
            walk_opt(&mut c.defresult, cx.other());
        }
        NodeEnum::CaseWhen(w) => {
            walk_opt(&mut w.expr, cx.other());
            walk_opt(&mut w.result, cx.other());
        }
        NodeEnum::CoalesceExpr(c) => walk_vec(&mut c.args, cx.other()),
        NodeEnum::MinMaxExpr(m) => walk_vec(&mut m.args, cx.other()),
        NodeEnum::RowExpr(r) => walk_vec(&mut r.args, cx.other()),
        NodeEnum::AArrayExpr(a) => walk_vec(&mut a.elements, cx),
        NodeEnum::AIndirection(i) => walk_opt(&mut i.arg, cx.other()),
        NodeEnum::NamedArgExpr(n) => walk_opt(&mut n.arg, cx.other()),
        NodeEnum::CollateClause(c) => walk_opt(&mut c.arg, cx.other()),
        NodeEnum::SortBy(s) => walk_opt(&mut s.node, cx.other()),
        NodeEnum::List(l) => walk_vec(&mut l.items, cx),
        NodeEnum::ResTarget(t) => walk_opt(&mut t.val, cx.other()),
        NodeEnum::JoinExpr(j) => {
            walk_opt(&mut j.larg, cx.scoped(None));
            walk_opt(&mut j.rarg, cx.scoped(None));
            walk_opt(&mut j.quals, cx.other());
        }
        NodeEnum::RangeVar(r) => unqualify_relation(r),
        NodeEnum::RangeSubselect(r) => walk_opt(&mut r.subquery, cx.scoped(None)),
        NodeEnum::RangeFunction(r) => walk_vec(&mut r.functions, cx.other()),
        NodeEnum::ViewStmt(v) => {
            if let Some(r) = v.view.as_mut() {
                unqualify_relation(r);
            }
            walk_opt(&mut v.query, cx.scoped(None));
        }
        NodeEnum::CreateTableAsStmt(c) => {
            if let Some(r) = c.into.as_mut().and_then(|i| i.rel.as_mut()) {
                unqualify_relation(r);
            }
            walk_opt(&mut c.query, cx.scoped(None));
        }
        NodeEnum::IndexStmt(i) => {
            let table = i.relation.as_mut().map(|r| {
                unqualify_relation(r);
                if cx.rules == Rules::Printing {
                    r.inh = true;
                }
                r.relname.clone()
            });
            for param in &mut i.index_params {
                if let Some(NodeEnum::IndexElem(e)) = param.node.as_mut() {
                    walk_opt(&mut e.expr, cx.scoped(table.as_deref()));
                }
            }
            walk_opt(&mut i.where_clause, cx.scoped(table.as_deref()));
        }
        NodeEnum::CreateFunctionStmt(f) => {
            unqualify_function(&mut f.funcname);
            for p in &mut f.parameters {
                if let Some(NodeEnum::FunctionParameter(p)) = p.node.as_mut() {
                    if p.mode == protobuf::FunctionParameterMode::FuncParamDefault as i32 {
                        p.mode = protobuf::FunctionParameterMode::FuncParamIn as i32;
                    }
                    walk_opt(&mut p.defexpr, cx.scoped(None).at(Position::Top));
                    if let Some(tn) = p.arg_type.as_mut() {
                        unqualify_type(tn);
                    }
                }
            }
            if let Some(tn) = f.return_type.as_mut() {
                unqualify_type(tn);
            }
        }
        NodeEnum::CreateTrigStmt(t) => {
            unqualify_function(&mut t.funcname);
            if let Some(r) = t.relation.as_mut() {
                unqualify_relation(r);
            }
            walk_opt(&mut t.when_clause, cx.scoped(None));
        }
        NodeEnum::CreatePolicyStmt(p) => {
            if let Some(r) = p.table.as_mut() {
                unqualify_relation(r);
            }
            walk_opt(&mut p.qual, cx.scoped(None));
            walk_opt(&mut p.with_check, cx.scoped(None));
        }
        _ => {}
    }
    simplify(node, cx);
}

fn walk_opt(node: &mut Option<Box<Node>>, cx: Cx<'_>) {
    if let Some(n) = node.as_deref_mut() {
        walk(n, cx);
    }
}

fn walk_vec(nodes: &mut [Node], cx: Cx<'_>) {
    for n in nodes {
        walk(n, cx);
    }
}

fn walk_select(s: &mut protobuf::SelectStmt, cx: Cx<'_>) {
    if let Some(w) = s.with_clause.as_mut() {
        for cte in &mut w.ctes {
            if let Some(NodeEnum::CommonTableExpr(c)) = cte.node.as_mut() {
                walk_opt(&mut c.ctequery, cx.scoped(None));
            }
        }
    }
    if let Some(l) = s.larg.as_mut() {
        walk_select(l, cx);
    }
    if let Some(r) = s.rarg.as_mut() {
        walk_select(r, cx);
    }
    walk_vec(&mut s.from_clause, cx.scoped(None));
    let scope = only_relation_name(&s.from_clause);
    let inner = cx.scoped(scope.as_deref());
    for target in &mut s.target_list {
        if let Some(NodeEnum::ResTarget(t)) = target.node.as_mut() {
            if !t.name.is_empty() && t.val.as_deref().and_then(figured_name) == Some(t.name.clone())
            {
                t.name.clear();
            }
            walk_opt(&mut t.val, inner);
        }
    }
    let targets: Vec<Option<Node>> = s
        .target_list
        .iter()
        .map(|t| match &t.node {
            Some(NodeEnum::ResTarget(r)) => r.val.as_deref().cloned(),
            _ => None,
        })
        .collect();
    for item in &mut s.group_clause {
        replace_ordinal(item, &targets);
    }
    for item in &mut s.sort_clause {
        if let Some(NodeEnum::SortBy(by)) = item.node.as_mut() {
            if let Some(n) = by.node.as_deref_mut() {
                replace_ordinal(n, &targets);
            }
        }
    }
    walk_opt(&mut s.where_clause, inner);
    walk_vec(&mut s.group_clause, inner);
    walk_opt(&mut s.having_clause, inner);
    walk_vec(&mut s.sort_clause, inner);
    walk_vec(&mut s.distinct_clause, inner);
    walk_vec(&mut s.values_lists, inner);
    walk_opt(&mut s.limit_count, inner);
    walk_opt(&mut s.limit_offset, inner);
}

/// `GROUP BY 2` / `ORDER BY 2` as the second select-list expression, as PostgreSQL prints it
/// (the targets are taken before they are rewritten, like the ordinal's own expression).
fn replace_ordinal(item: &mut Node, targets: &[Option<Node>]) {
    if let Some(NodeEnum::AConst(protobuf::AConst {
        val: Some(Val::Ival(i)),
        ..
    })) = &item.node
    {
        let position = usize::try_from(i.ival).ok().and_then(|p| p.checked_sub(1));
        if let Some(Some(target)) = position.and_then(|p| targets.get(p)) {
            *item = target.clone();
        }
    }
}

/// The name columns of a query's only relation are qualified by: its alias, else its name.
fn only_relation_name(from: &[Node]) -> Option<String> {
    match from {
        [Node {
            node: Some(NodeEnum::RangeVar(r)),
        }] => Some(match &r.alias {
            Some(a) => a.aliasname.clone(),
            None => r.relname.clone(),
        }),
        _ => None,
    }
}

/// The column name PostgreSQL gives a select-list item without an alias, for the shapes whose
/// name it figures from the expression.
fn figured_name(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) => c.fields.last().and_then(expr::string_of),
        NodeEnum::FuncCall(f) => f.funcname.last().and_then(expr::string_of),
        NodeEnum::TypeCast(c) => c
            .arg
            .as_deref()
            .and_then(figured_name)
            .or_else(|| c.type_name.as_ref()?.names.last().and_then(expr::string_of)),
        NodeEnum::CoalesceExpr(_) => Some("coalesce".into()),
        NodeEnum::CaseExpr(_) => Some("case".into()),
        NodeEnum::AArrayExpr(_) => Some("array".into()),
        NodeEnum::SubLink(l) if l.sub_link_type == protobuf::SubLinkType::ExistsSublink as i32 => {
            Some("exists".into())
        }
        NodeEnum::SubLink(l) if l.sub_link_type == protobuf::SubLinkType::ArraySublink as i32 => {
            Some("array".into())
        }
        _ => None,
    }
}

fn unqualify_relation(r: &mut protobuf::RangeVar) {
    if r.schemaname == "public" {
        r.schemaname.clear();
    }
}

fn unqualify_function(names: &mut Vec<Node>) {
    if names.len() == 2
        && matches!(
            expr::string_of(&names[0]).as_deref(),
            Some("public" | "pg_catalog")
        )
    {
        names.remove(0);
    }
}

fn unqualify_type(tn: &mut protobuf::TypeName) {
    if tn.names.len() == 2 && expr::string_of(&tn.names[0]).as_deref() == Some("public") {
        tn.names.remove(0);
    }
}

/// Applies the node-level rewrites to `node` (its children are already rewritten).
fn simplify(node: &mut Node, cx: Cx<'_>) {
    let replacement = match node.node.as_mut() {
        Some(NodeEnum::TypeCast(c)) => uncast(c, cx),
        Some(NodeEnum::AExpr(e)) => rewrite_aexpr(e),
        Some(NodeEnum::BoolExpr(b)) => {
            flatten(b);
            None
        }
        _ => None,
    };
    if let Some(r) = replacement {
        node.node = Some(r);
        simplify(node, cx);
    }
}

/// What a cast is replaced by, if it is one PostgreSQL adds or that does not change meaning
/// for comparing.
fn uncast(c: &mut protobuf::TypeCast, cx: Cx<'_>) -> Option<NodeEnum> {
    let tn = c.type_name.as_ref()?;
    let arg = c.arg.as_deref_mut()?.node.as_mut()?;
    if cx.rules == Rules::Exact {
        // A quoted constant as text, or a constant whose type the context fixes anyway (a
        // whole default, a comparison's other side) cast to a type that keeps its value
        // exactly; never a cast with a length or precision, which rounds or truncates.
        let plain = tn.typmods.is_empty();
        let resolved_by_context = matches!(cx.position, Position::Top | Position::Comparison);
        let word = type_word(tn).unwrap_or_default();
        return match arg {
            NodeEnum::AConst(k) if k.isnull => None,
            NodeEnum::ColumnRef(r)
                if plain
                    && array_free(tn)
                    && word == "text"
                    && matches!(r.fields.as_slice(), [f] if expr::string_of(f)
                        .is_some_and(|name| cx.text_columns.contains(&name))) =>
            {
                Some(arg.clone())
            }
            NodeEnum::AConst(k)
                if plain
                    && array_free(tn)
                    && matches!(k.val, Some(Val::Sval(_)))
                    && word == "text" =>
            {
                Some(NodeEnum::AConst(k.clone()))
            }
            NodeEnum::AConst(k) if plain && resolved_by_context && keeps_value(k, &word) => {
                Some(NodeEnum::AConst(as_number(k.clone())))
            }
            NodeEnum::AConst(k)
                if plain
                    && cx.position == Position::Argument
                    && matches!(k.val, Some(Val::Sval(_)))
                    && keeps_value(k, &word) =>
            {
                Some(NodeEnum::AConst(k.clone()))
            }
            NodeEnum::AArrayExpr(a) if a.elements.is_empty() && cx.position == Position::Top => {
                Some(string_const("{}"))
            }
            NodeEnum::AArrayExpr(a)
                if plain
                    && resolved_by_context
                    && a.elements.iter().all(|e| match &e.node {
                        Some(NodeEnum::AConst(k)) => keeps_value(k, &word),
                        _ => false,
                    }) =>
            {
                Some(arg.clone())
            }
            _ => None,
        };
    }
    match arg {
        NodeEnum::AConst(k) if !k.isnull => Some(NodeEnum::AConst(as_number(k.clone()))),
        NodeEnum::AArrayExpr(a) if a.elements.is_empty() => Some(string_const("{}")),
        NodeEnum::AArrayExpr(_) => Some(arg.clone()),
        NodeEnum::ColumnRef(_) if implicit_target(tn) => Some(arg.clone()),
        _ => None,
    }
}

/// Whether casting constant `k` to the type named `word` (no length or precision) keeps its
/// value exactly, so the cast says nothing the context does not: quoted constants except as
/// dates and times (`'2020-01-01 10:00'::date` drops the time) or `char` (which truncates),
/// integers as integer or numeric types, decimals as `numeric`.
fn keeps_value(k: &protobuf::AConst, word: &str) -> bool {
    match &k.val {
        Some(Val::Sval(_)) => !matches!(
            word,
            "date" | "time" | "timetz" | "timestamp" | "timestamptz" | "bpchar"
        ),
        Some(Val::Ival(_)) => matches!(word, "int2" | "int4" | "int8" | "numeric" | "float8"),
        Some(Val::Fval(_)) => word == "numeric",
        _ => false,
    }
}

fn array_free(tn: &protobuf::TypeName) -> bool {
    tn.array_bounds.is_empty()
}

/// The last word of a type's name (`varchar` for `pg_catalog.varchar`).
fn type_word(tn: &protobuf::TypeName) -> Option<String> {
    tn.names.last().and_then(expr::string_of)
}

/// Whether a cast of a column to `tn` is one PostgreSQL prints for an implicit coercion: a
/// string type to `text`, a domain to its base type, a number to a wider number type.
fn implicit_target(tn: &protobuf::TypeName) -> bool {
    tn.array_bounds.is_empty()
        && tn.typmods.is_empty()
        && matches!(
            tn.names.last().and_then(expr::string_of).as_deref(),
            Some("text" | "varchar" | "bpchar" | "numeric" | "int8" | "float8")
        )
}

/// A string constant holding a plain number, as the number.
fn as_number(mut k: protobuf::AConst) -> protobuf::AConst {
    if let Some(Val::Sval(s)) = &k.val {
        let text = s.sval.trim();
        if let Ok(i) = text.parse::<i32>() {
            k.val = Some(Val::Ival(protobuf::Integer { ival: i }));
        } else if !text.is_empty()
            && text.parse::<f64>().is_ok()
            && text
                .chars()
                .all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | '-' | 'e' | 'E' | '+'))
        {
            k.val = Some(Val::Fval(protobuf::Float {
                fval: text.to_string(),
            }));
        }
    }
    k
}

fn string_const(text: &str) -> NodeEnum {
    NodeEnum::AConst(protobuf::AConst {
        val: Some(Val::Sval(protobuf::String {
            sval: text.to_string(),
        })),
        ..Default::default()
    })
}

fn rewrite_aexpr(e: &mut protobuf::AExpr) -> Option<NodeEnum> {
    let kind = AExprKind::try_from(e.kind).ok()?;
    let op = e.name.last().and_then(expr::string_of).unwrap_or_default();
    match kind {
        AExprKind::AexprIn => {
            let Some(NodeEnum::List(list)) = e.rexpr.as_deref().and_then(|r| r.node.clone()) else {
                return None;
            };
            if let [only] = list.items.as_slice() {
                // PostgreSQL turns an IN list of one into a plain comparison.
                return Some(aexpr(
                    AExprKind::AexprOp,
                    &op,
                    e.lexpr.clone(),
                    Some(Box::new(only.clone())),
                ));
            }
            let array = Node {
                node: Some(NodeEnum::AArrayExpr(protobuf::AArrayExpr {
                    elements: list.items,
                    ..Default::default()
                })),
            };
            let kind = if op == "<>" {
                AExprKind::AexprOpAll
            } else {
                AExprKind::AexprOpAny
            };
            Some(aexpr(kind, &op, e.lexpr.clone(), Some(Box::new(array))))
        }
        AExprKind::AexprLike | AExprKind::AexprIlike => Some(aexpr(
            AExprKind::AexprOp,
            &op,
            e.lexpr.clone(),
            e.rexpr.clone(),
        )),
        AExprKind::AexprBetween | AExprKind::AexprNotBetween => {
            let Some(NodeEnum::List(list)) = e.rexpr.as_deref().and_then(|r| r.node.clone()) else {
                return None;
            };
            let [low, high] = <[Node; 2]>::try_from(list.items).ok()?;
            let (lo_op, hi_op, join) = if kind == AExprKind::AexprBetween {
                (">=", "<=", BoolExprType::AndExpr)
            } else {
                ("<", ">", BoolExprType::OrExpr)
            };
            let side = |op: &str, bound: Node| Node {
                node: Some(aexpr(
                    AExprKind::AexprOp,
                    op,
                    e.lexpr.clone(),
                    Some(Box::new(bound)),
                )),
            };
            Some(NodeEnum::BoolExpr(Box::new(protobuf::BoolExpr {
                boolop: join as i32,
                args: vec![side(lo_op, low), side(hi_op, high)],
                ..Default::default()
            })))
        }
        _ => None,
    }
}

fn aexpr(
    kind: AExprKind,
    op: &str,
    lexpr: Option<Box<Node>>,
    rexpr: Option<Box<Node>>,
) -> NodeEnum {
    NodeEnum::AExpr(Box::new(protobuf::AExpr {
        kind: kind as i32,
        name: vec![Node {
            node: Some(NodeEnum::String(protobuf::String {
                sval: op.to_string(),
            })),
        }],
        lexpr,
        rexpr,
        ..Default::default()
    }))
}

/// Splices nested `AND`s into an `AND` (and `OR`s into an `OR`).
fn flatten(b: &mut protobuf::BoolExpr) {
    if b.boolop == BoolExprType::NotExpr as i32 {
        return;
    }
    let mut args = Vec::with_capacity(b.args.len());
    for arg in std::mem::take(&mut b.args) {
        match arg.node {
            Some(NodeEnum::BoolExpr(inner)) if inner.boolop == b.boolop => {
                args.extend(inner.args);
            }
            other => args.push(Node { node: other }),
        }
    }
    b.args = args;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Expr;

    fn same(a: &str, b: &str) {
        let ca = comparable_expr(&Expr {
            sql: a.into(),
            deps: vec![],
        });
        let cb = comparable_expr(&Expr {
            sql: b.into(),
            deps: vec![],
        });
        assert_eq!(ca.sql, cb.sql, "{a}  vs  {b}");
    }

    fn differ(a: &str, b: &str) {
        let ca = comparable_expr(&Expr {
            sql: a.into(),
            deps: vec![],
        });
        let cb = comparable_expr(&Expr {
            sql: b.into(),
            deps: vec![],
        });
        assert_ne!(ca.sql, cb.sql, "{a}  vs  {b}");
    }

    #[test]
    fn casts_postgres_adds_are_ignored() {
        same("'x'", "'x'::text");
        same("price > 0", "price > (0)::numeric");
        same("-1", "'-1'::integer");
        same("role <> 'owner'", "role <> ('owner'::app.member_role)");
        same("code ~ '^[A-Z]+$'", "(code::text) ~ ('^[A-Z]+$'::text)");
        same("ARRAY[]::text[]", "'{}'::text[]");
        same("coalesce(title, '')", "COALESCE(title, ''::text)");
    }

    #[test]
    fn rewritten_operators_are_recognised() {
        same(
            "status IN ('a', 'b')",
            "status = ANY (ARRAY['a'::text, 'b'::text])",
        );
        same(
            "status NOT IN ('a', 'b')",
            "status <> ALL (ARRAY['a'::text, 'b'::text])",
        );
        same(
            "char_length(t) BETWEEN 1 AND 5",
            "(char_length(t) >= 1) AND (char_length(t) <= 5)",
        );
        same("a BETWEEN 1 AND 5 AND b", "((a >= 1) AND (a <= 5) AND b)");
        same("state NOT IN ('gone')", "state <> 'gone'::text");
        same("name LIKE 'a%'", "name ~~ 'a%'::text");
        same("name NOT ILIKE 'a%'", "name !~~* 'a%'::text");
        same("public.f(x)", "f(x)");
    }

    #[test]
    fn real_changes_still_differ() {
        differ("price > 0", "price > 1");
        differ("status IN ('a', 'b')", "status IN ('a', 'c')");
        differ("a BETWEEN 1 AND 5", "a BETWEEN 1 AND 6");
        differ("x::integer", "x::bigint");
        differ("app.f(x)", "f(x)");
    }

    fn exact_same(a: &str, b: &str, position: Position) -> bool {
        let e = |sql: &str| Expr {
            sql: sql.into(),
            deps: vec![],
        };
        rewrite_expr(&e(a), Rules::Exact, position, &[]).sql
            == rewrite_expr(&e(b), Rules::Exact, position, &[]).sql
    }

    #[test]
    fn exact_rules_equate_only_what_means_the_same() {
        assert!(exact_same("'draft'", "'draft'::app.state", Position::Top));
        assert!(exact_same("-1", "'-1'::integer", Position::Top));
        assert!(exact_same("ARRAY[]::text[]", "'{}'::text[]", Position::Top));
        assert!(exact_same(
            "state IN ('a', 'b')",
            "state = ANY (ARRAY['a'::app.state, 'b'::app.state])",
            Position::Other
        ));
        assert!(exact_same(
            "private.member(org_id, 'admin')",
            "private.member(org_id, 'admin'::app.role)",
            Position::Other
        ));
        assert!(exact_same(
            "price >= 0",
            "price >= (0)::numeric",
            Position::Other
        ));
        // The type of a constant in arithmetic changes the result: 5 / 2 is 2, not 2.5.
        assert!(!exact_same("5::numeric / 2", "5 / 2", Position::Other));
        // A cast with a precision rounds.
        assert!(!exact_same("1.15::numeric(3,1)", "1.15", Position::Top));
        // A column's cast may be more than a coercion (char's trailing blanks).
        assert!(!exact_same(
            "code::text ~ 'x'",
            "code ~ 'x'",
            Position::Other
        ));
    }

    #[test]
    fn exact_rules_keep_view_column_types() {
        let a = rewrite_statement("CREATE VIEW v AS SELECT 1::bigint AS n", Rules::Exact);
        let b = rewrite_statement("CREATE VIEW v AS SELECT 1 AS n", Rules::Exact);
        assert_ne!(a, b);
        let c = rewrite_statement(
            "CREATE VIEW v AS SELECT t.id, count(*) AS count FROM public.t GROUP BY 1",
            Rules::Exact,
        );
        let d = rewrite_statement(
            "CREATE VIEW v AS SELECT id, count(*) FROM t GROUP BY id",
            Rules::Exact,
        );
        assert_eq!(c, d);
    }

    #[test]
    fn default_multirange_names_are_ignored() {
        assert_eq!(
            comparable_range(
                "CREATE TYPE r AS RANGE (subtype = numeric, multirange_type_name = r_multirange)"
            ),
            comparable_range("CREATE TYPE r AS RANGE (subtype = numeric)")
        );
        assert_ne!(
            comparable_range(
                "CREATE TYPE r AS RANGE (subtype = numeric, multirange_type_name = rm)"
            ),
            comparable_range("CREATE TYPE r AS RANGE (subtype = numeric)")
        );
    }

    #[test]
    fn views_printed_by_postgres_match_golden() {
        let golden = "CREATE VIEW v AS SELECT id, count(*) FROM public.users WHERE kind IN ('a') GROUP BY id";
        let printed = "CREATE VIEW public.v AS SELECT users.id, count(*) AS count FROM users WHERE (users.kind = 'a'::text) GROUP BY users.id";
        assert_eq!(comparable_statement(golden), comparable_statement(printed));
        let joined = "CREATE VIEW v AS SELECT u.id FROM users u JOIN orders o ON o.user_id = u.id";
        assert!(comparable_statement(joined).contains("u.id"));
    }
}
