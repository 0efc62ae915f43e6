//! Canonical SQL text for expressions and whole statements, and the objects they refer to.
//!
//! Common expression shapes (constants, column references, plain function calls, casts,
//! operators, AND/OR/NOT, IS NULL) are printed here directly; everything else goes through
//! libpg_query's deparser. Either way the output is a pure function of the parse tree, so
//! equal trees always give equal text.

use crate::model::{Dep, Expr, QName};
use crate::quote;
use crate::typename;
use pg_query::protobuf::{self, a_const::Val, Node, TypeName};
use pg_query::{NodeEnum, NodeRef};

/// Renders an expression node to canonical text and collects what it refers to.
pub fn render(node: &Node) -> Expr {
    let sql = match &node.node {
        Some(n) => text(n),
        None => String::new(),
    };
    Expr {
        sql,
        deps: deps_of(node),
    }
}

/// Renders an optional boxed expression.
pub fn render_opt(node: &Option<Box<Node>>) -> Option<Expr> {
    node.as_deref().map(render)
}

fn text(node: &NodeEnum) -> String {
    match node {
        NodeEnum::AConst(c) => match &c.val {
            _ if c.isnull => "NULL".to_string(),
            Some(Val::Ival(i)) => i.ival.to_string(),
            Some(Val::Fval(f)) => f.fval.clone(),
            Some(Val::Sval(s)) => quote::literal(&s.sval),
            Some(Val::Boolval(b)) => if b.boolval { "true" } else { "false" }.to_string(),
            _ => deparse_expr(node),
        },
        NodeEnum::ColumnRef(c) => c
            .fields
            .iter()
            .map(|f| match &f.node {
                Some(NodeEnum::String(s)) => quote::ident(&s.sval),
                _ => "*".to_string(),
            })
            .collect::<Vec<_>>()
            .join("."),
        NodeEnum::FuncCall(f) if is_plain_call(f) => {
            let name = f
                .funcname
                .iter()
                .filter_map(string_of)
                .map(|s| quote::ident(&s))
                .collect::<Vec<_>>()
                .join(".");
            let args = f
                .args
                .iter()
                .map(|a| a.node.as_ref().map(text).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", ");
            format!("{name}({args})")
        }
        NodeEnum::TypeCast(c) => match (&c.arg, &c.type_name) {
            (Some(arg), Some(tn)) => {
                let inner = arg.node.as_ref().map(text).unwrap_or_default();
                let simple = matches!(
                    &arg.node,
                    Some(NodeEnum::ColumnRef(_) | NodeEnum::FuncCall(_))
                ) || matches!(&arg.node, Some(NodeEnum::AConst(k)) if !inner.starts_with('-'));
                let ty = typename::type_ref(tn).sql;
                if simple {
                    format!("{inner}::{ty}")
                } else {
                    format!("({inner})::{ty}")
                }
            }
            _ => deparse_expr(node),
        },
        NodeEnum::AExpr(e)
            if e.kind == protobuf::AExprKind::AexprOp as i32
                && e.lexpr.is_some()
                && e.rexpr.is_some()
                && e.name.len() == 1 =>
        {
            let op = string_of(&e.name[0]).unwrap_or_default();
            format!("({} {} {})", operand(&e.lexpr), op, operand(&e.rexpr))
        }
        NodeEnum::BoolExpr(b) => {
            let parts: Vec<String> = b.args.iter().map(operand_node).collect();
            match protobuf::BoolExprType::try_from(b.boolop) {
                Ok(protobuf::BoolExprType::AndExpr) => format!("({})", parts.join(" AND ")),
                Ok(protobuf::BoolExprType::OrExpr) => format!("({})", parts.join(" OR ")),
                Ok(protobuf::BoolExprType::NotExpr) => format!("(NOT {})", parts.join(" ")),
                _ => deparse_expr(node),
            }
        }
        NodeEnum::NullTest(t) => {
            let arg = operand(&t.arg);
            if t.nulltesttype == protobuf::NullTestType::IsNull as i32 {
                format!("({arg} IS NULL)")
            } else {
                format!("({arg} IS NOT NULL)")
            }
        }
        other => deparse_expr(other),
    }
}

/// An operand: deparsed shapes get parentheses so precedence can never change.
fn operand(node: &Option<Box<Node>>) -> String {
    node.as_deref().map(operand_node).unwrap_or_default()
}

fn operand_node(node: &Node) -> String {
    match &node.node {
        Some(
            n @ (NodeEnum::AConst(_)
            | NodeEnum::ColumnRef(_)
            | NodeEnum::BoolExpr(_)
            | NodeEnum::NullTest(_)),
        ) => text(n),
        Some(n @ NodeEnum::AExpr(e))
            if e.kind == protobuf::AExprKind::AexprOp as i32
                && e.lexpr.is_some()
                && e.rexpr.is_some()
                && e.name.len() == 1 =>
        {
            text(n)
        }
        Some(n @ NodeEnum::FuncCall(f)) if is_plain_call(f) => text(n),
        Some(n) => format!("({})", text(n)),
        None => String::new(),
    }
}

fn is_plain_call(f: &protobuf::FuncCall) -> bool {
    f.agg_order.is_empty()
        && f.agg_filter.is_none()
        && f.over.is_none()
        && !f.agg_within_group
        && !f.agg_star
        && !f.agg_distinct
        && !f.func_variadic
        && f.funcformat == protobuf::CoercionForm::CoerceExplicitCall as i32
        && f.args
            .iter()
            .all(|a| !matches!(a.node, Some(NodeEnum::NamedArgExpr(_))))
}

/// The text of a `String` node.
pub fn string_of(node: &Node) -> Option<String> {
    match &node.node {
        Some(NodeEnum::String(s)) => Some(s.sval.clone()),
        _ => None,
    }
}

/// Deparses one expression through libpg_query by wrapping it in `SELECT <expr>`.
pub fn deparse_expr(node: &NodeEnum) -> String {
    let target = NodeEnum::ResTarget(Box::new(protobuf::ResTarget {
        val: Some(Box::new(Node {
            node: Some(node.clone()),
        })),
        ..Default::default()
    }));
    let select = protobuf::SelectStmt {
        target_list: vec![Node { node: Some(target) }],
        op: protobuf::SetOperation::SetopNone as i32,
        limit_option: protobuf::LimitOption::Default as i32,
        ..Default::default()
    };
    let sql = deparse_stmt(&NodeEnum::SelectStmt(Box::new(select))).unwrap_or_default();
    sql.strip_prefix("SELECT ").unwrap_or(&sql).to_string()
}

/// Deparses a type name that the fast path does not handle (`%TYPE`, interval fields).
pub fn deparse_type(tn: &TypeName) -> String {
    let cast = NodeEnum::TypeCast(Box::new(protobuf::TypeCast {
        arg: Some(Box::new(Node {
            node: Some(NodeEnum::AConst(protobuf::AConst {
                isnull: true,
                ..Default::default()
            })),
        })),
        type_name: Some(tn.clone()),
        location: 0,
    }));
    let sql = deparse_expr(&cast);
    sql.strip_prefix("NULL::").unwrap_or(&sql).to_string()
}

/// Deparses a whole statement node.
pub fn deparse_stmt(stmt: &NodeEnum) -> Result<String, String> {
    let tree = protobuf::ParseResult {
        version: 180001,
        stmts: vec![protobuf::RawStmt {
            stmt: Some(Box::new(Node {
                node: Some(stmt.clone()),
            })),
            stmt_location: 0,
            stmt_len: 0,
        }],
    };
    pg_query::deparse(&tree, Default::default()).map_err(|e| e.to_string())
}

/// Objects an expression (or any tree) refers to: functions, types in casts, relations and
/// sequences named in `nextval('...')`.
pub fn deps_of(node: &Node) -> Vec<Dep> {
    let mut out = Vec::new();
    if let Some(n) = &node.node {
        collect_deps(n, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// Adds what `node` refers to into `out` (unsorted).
pub fn collect_deps(node: &NodeEnum, out: &mut Vec<Dep>) {
    visit(node, out);
    for (child, _, _, _) in node.nodes() {
        match child {
            NodeRef::FuncCall(_)
            | NodeRef::TypeCast(_)
            | NodeRef::RangeVar(_)
            | NodeRef::ColumnDef(_) => visit(&child.to_enum(), out),
            _ => {}
        }
    }
}

fn visit(node: &NodeEnum, out: &mut Vec<Dep>) {
    match node {
        NodeEnum::FuncCall(f) => {
            let parts: Vec<String> = f.funcname.iter().filter_map(string_of).collect();
            if let Some(name) = qualified_function(&parts) {
                if matches!(name.name.as_str(), "nextval" | "currval" | "setval") {
                    if let Some(seq) = f.args.first().and_then(regclass_literal) {
                        out.push(Dep::Relation(seq));
                    }
                }
                out.push(Dep::Function(name));
            }
        }
        NodeEnum::TypeCast(c) => {
            if let Some(t) = c
                .type_name
                .as_ref()
                .and_then(|t| typename::type_ref(t).user_type)
            {
                out.push(Dep::Type(t));
            }
        }
        NodeEnum::RangeVar(r) => out.push(Dep::Relation(QName::new(
            if r.schemaname.is_empty() {
                "public"
            } else {
                &r.schemaname
            },
            r.relname.clone(),
        ))),
        NodeEnum::ColumnDef(c) => {
            if let Some(t) = c
                .type_name
                .as_ref()
                .and_then(|t| typename::type_ref(t).user_type)
            {
                out.push(Dep::Type(t));
            }
        }
        _ => {}
    }
}

/// `schema.name` of a function call, `None` for catalog functions written unqualified.
fn qualified_function(parts: &[String]) -> Option<QName> {
    match parts {
        [name] => Some(QName::new("public", name.clone())),
        [schema, _] if schema == "pg_catalog" => None,
        [schema, name] => Some(QName::new(schema.clone(), name.clone())),
        _ => None,
    }
}

/// The relation named by `'name'::regclass` or a plain `'name'` literal.
pub fn regclass_literal(node: &Node) -> Option<QName> {
    let lit = match &node.node {
        Some(NodeEnum::TypeCast(c)) => c.arg.as_deref()?,
        _ => node,
    };
    let Some(NodeEnum::AConst(c)) = &lit.node else {
        return None;
    };
    let Some(Val::Sval(s)) = &c.val else {
        return None;
    };
    Some(parse_dotted_name(&s.sval))
}

/// Splits `schema.name` (with optional double quotes) as `regclass` input does.
pub fn parse_dotted_name(text: &str) -> QName {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c if !quoted => cur.extend(c.to_lowercase()),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    match parts.len() {
        1 => QName::new("public", parts.remove(0)),
        _ => {
            let name = parts.pop().unwrap_or_default();
            QName::new(parts.pop().unwrap_or_default(), name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DEFAULT expression of `create table t (c int default <sql>)`.
    fn column_default(sql: &str) -> Node {
        let tree =
            crate::parse::parse_text(&format!("create table t (c int default {sql})")).unwrap();
        let Some(NodeEnum::CreateStmt(stmt)) = tree.first() else {
            panic!("{sql}: not a CREATE TABLE")
        };
        let Some(NodeEnum::ColumnDef(col)) = stmt.table_elts[0].node.as_ref() else {
            panic!("{sql}: no column")
        };
        let Some(NodeEnum::Constraint(c)) = col.constraints[0].node.as_ref() else {
            panic!("{sql}: no default")
        };
        *c.raw_expr.clone().unwrap_or_else(|| panic!("{sql}: {c:?}"))
    }

    fn default_of(sql: &str) -> String {
        render(&column_default(&format!("({sql})"))).sql
    }

    #[test]
    fn renders_common_shapes() {
        assert_eq!(default_of("0"), "0");
        assert_eq!(default_of("now()"), "now()");
        assert_eq!(default_of("'a''b'"), "'a''b'");
        assert_eq!(default_of("qty >= 0 AND x"), "((qty >= 0) AND x)");
        assert_eq!(
            default_of("'pending'::order_status"),
            "'pending'::public.order_status"
        );
        assert_eq!(
            default_of("CURRENT_TIMESTAMP").to_lowercase(),
            "current_timestamp"
        );
        assert_eq!(
            default_of("x between 1 and 2 or y"),
            "((x BETWEEN 1 AND 2) OR y)"
        );
        assert_eq!(default_of("-1"), "-1");
    }

    #[test]
    fn finds_sequences_in_nextval() {
        let expr = column_default("nextval('s.\"Seq\"'::regclass)");
        assert!(deps_of(&expr).contains(&Dep::Relation(QName::new("s", "Seq"))));
    }
}
