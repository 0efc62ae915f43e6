//! Small helpers over PostgreSQL parse trees, shared by the rules.

use data_ast::model::QName;
use pg_query::protobuf::{
    self, AlterTableCmd, AlterTableType, ColumnDef, ConstrType, Constraint, Node, RangeVar,
    TypeName,
};
use pg_query::NodeEnum;

/// The qualified name of a relation; unqualified names resolve to `public`.
pub fn qname(rv: &RangeVar) -> QName {
    let schema = if rv.schemaname.is_empty() {
        "public"
    } else {
        rv.schemaname.as_str()
    };
    QName::new(schema, rv.relname.clone())
}

/// The qualified name of a relation given as an optional RangeVar.
pub fn qname_opt(rv: &Option<RangeVar>) -> Option<QName> {
    rv.as_ref().map(qname)
}

/// Dotted names (`a.b`) of a list of String nodes, e.g. the objects of `DROP INDEX`.
pub fn dotted(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// The qualified names named by a `DROP` statement's objects.
pub fn drop_names(objects: &[Node]) -> Vec<QName> {
    objects
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::List(l)) => {
                let parts = dotted(&l.items);
                match parts.as_slice() {
                    [name] => Some(QName::new("public", name.clone())),
                    [.., schema, name] => Some(QName::new(schema.clone(), name.clone())),
                    [] => None,
                }
            }
            Some(NodeEnum::String(s)) => Some(QName::new("", s.sval.clone())),
            Some(NodeEnum::TypeName(tn)) => {
                let parts = data_ast::typename::name_parts(tn);
                match parts.as_slice() {
                    [name] => Some(QName::new("public", name.clone())),
                    [.., schema, name] => Some(QName::new(schema.clone(), name.clone())),
                    [] => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// The lower-case base name of a type (`varchar`, `int4`, `timestamp`, ...), without schema.
pub fn type_base(tn: &TypeName) -> String {
    data_ast::typename::name_parts(tn)
        .last()
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The integer type modifiers of a type (`varchar(20)` -> `[20]`).
pub fn typmods(tn: &TypeName) -> Vec<i64> {
    tn.typmods
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(protobuf::a_const::Val::Ival(i)) => Some(i64::from(i.ival)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The constraints written on a column.
pub fn column_constraints(cd: &ColumnDef) -> impl Iterator<Item = &Constraint> {
    cd.constraints.iter().filter_map(|n| match &n.node {
        Some(NodeEnum::Constraint(c)) => Some(c.as_ref()),
        _ => None,
    })
}

/// Whether a constraint is of this type.
pub fn is(c: &Constraint, t: ConstrType) -> bool {
    c.contype == t as i32
}

/// The commands of an `ALTER TABLE`, with their subtype.
pub fn alter_cmds(stmt: &protobuf::AlterTableStmt) -> impl Iterator<Item = &AlterTableCmd> {
    stmt.cmds.iter().filter_map(|n| match &n.node {
        Some(NodeEnum::AlterTableCmd(c)) => Some(c.as_ref()),
        _ => None,
    })
}

/// Whether a command has this subtype.
pub fn cmd_is(cmd: &AlterTableCmd, t: AlterTableType) -> bool {
    cmd.subtype == t as i32
}

/// The column definition of an `ADD COLUMN` command.
pub fn cmd_column(cmd: &AlterTableCmd) -> Option<&ColumnDef> {
    match cmd.def.as_deref().and_then(|d| d.node.as_ref()) {
        Some(NodeEnum::ColumnDef(cd)) => Some(cd),
        _ => None,
    }
}

/// The constraint of an `ADD CONSTRAINT` command.
pub fn cmd_constraint(cmd: &AlterTableCmd) -> Option<&Constraint> {
    match cmd.def.as_deref().and_then(|d| d.node.as_ref()) {
        Some(NodeEnum::Constraint(c)) => Some(c),
        _ => None,
    }
}

/// The column definitions of a `CREATE TABLE`.
pub fn create_columns(stmt: &protobuf::CreateStmt) -> impl Iterator<Item = &ColumnDef> {
    stmt.table_elts.iter().filter_map(|n| match &n.node {
        Some(NodeEnum::ColumnDef(cd)) => Some(cd.as_ref()),
        _ => None,
    })
}

/// The table constraints of a `CREATE TABLE`.
pub fn create_constraints(stmt: &protobuf::CreateStmt) -> impl Iterator<Item = &Constraint> {
    stmt.table_elts.iter().filter_map(|n| match &n.node {
        Some(NodeEnum::Constraint(c)) => Some(c.as_ref()),
        _ => None,
    })
}

/// Every column definition a statement introduces: `CREATE TABLE` columns and `ADD COLUMN`s,
/// with the table and whether it is an `ADD COLUMN`.
pub fn introduced_columns(node: &NodeEnum) -> Vec<(QName, &ColumnDef, bool)> {
    match node {
        NodeEnum::CreateStmt(cs) => match qname_opt(&cs.relation) {
            Some(t) => create_columns(cs).map(|c| (t.clone(), c, false)).collect(),
            None => Vec::new(),
        },
        NodeEnum::AlterTableStmt(at) => match qname_opt(&at.relation) {
            Some(t) => alter_cmds(at)
                .filter(|c| cmd_is(c, AlterTableType::AtAddColumn))
                .filter_map(cmd_column)
                .map(|c| (t.clone(), c, true))
                .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Names of the functions called anywhere in an expression (lower case, without schema).
pub fn called_functions(node: &Node, out: &mut Vec<String>) {
    let Some(n) = &node.node else { return };
    match n {
        NodeEnum::FuncCall(f) => {
            if let Some(name) = dotted(&f.funcname).last() {
                out.push(name.to_ascii_lowercase());
            }
            for a in &f.args {
                called_functions(a, out);
            }
        }
        NodeEnum::TypeCast(c) => {
            if let Some(a) = &c.arg {
                called_functions(a, out);
            }
        }
        NodeEnum::AExpr(e) => {
            for x in [&e.lexpr, &e.rexpr].into_iter().flatten() {
                called_functions(x, out);
            }
        }
        NodeEnum::BoolExpr(b) => b.args.iter().for_each(|a| called_functions(a, out)),
        NodeEnum::CoalesceExpr(c) => c.args.iter().for_each(|a| called_functions(a, out)),
        NodeEnum::CaseExpr(c) => {
            for x in [&c.arg, &c.defresult].into_iter().flatten() {
                called_functions(x, out);
            }
            c.args.iter().for_each(|a| called_functions(a, out));
        }
        NodeEnum::CaseWhen(w) => {
            for x in [&w.expr, &w.result].into_iter().flatten() {
                called_functions(x, out);
            }
        }
        NodeEnum::List(l) => l.items.iter().for_each(|a| called_functions(a, out)),
        _ => {}
    }
}

/// Functions whose value changes per row, so a column default using them forces a rewrite.
pub const VOLATILE_FUNCTIONS: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
    "pg_current_xact_id",
    "random_normal",
];

/// The first volatile function an expression calls, if any.
pub fn volatile_call(node: &Node) -> Option<String> {
    let mut calls = Vec::new();
    called_functions(node, &mut calls);
    calls
        .into_iter()
        .find(|c| VOLATILE_FUNCTIONS.contains(&c.as_str()))
}

/// The default expression written on a column, if any.
pub fn column_default(cd: &ColumnDef) -> Option<&Node> {
    cd.raw_default.as_deref().or_else(|| {
        column_constraints(cd)
            .find(|c| is(c, ConstrType::ConstrDefault))
            .and_then(|c| c.raw_expr.as_deref())
    })
}

/// Whether a column definition says NOT NULL (or PRIMARY KEY, or identity).
pub fn column_not_null(cd: &ColumnDef) -> bool {
    cd.is_not_null
        || column_constraints(cd).any(|c| {
            is(c, ConstrType::ConstrNotnull)
                || is(c, ConstrType::ConstrPrimary)
                || is(c, ConstrType::ConstrIdentity)
        })
}

/// Whether a column is generated (`GENERATED ALWAYS AS (...) STORED`).
pub fn column_generated(cd: &ColumnDef) -> bool {
    !cd.generated.is_empty() || column_constraints(cd).any(|c| is(c, ConstrType::ConstrGenerated))
}

/// The plain column names of a list of String nodes (constraint keys).
pub fn names(nodes: &[Node]) -> Vec<String> {
    dotted(nodes)
}

/// Deparses an expression for messages.
pub fn text(node: &Node) -> String {
    node.node
        .as_ref()
        .map(data_ast::expr::deparse_expr)
        .unwrap_or_default()
}

/// Whether an expression is exactly `col IS NOT NULL` for the given column.
pub fn is_not_null_check(node: &Node, column: &str) -> bool {
    match &node.node {
        Some(NodeEnum::NullTest(t)) => {
            t.nulltesttype == protobuf::NullTestType::IsNotNull as i32
                && match t.arg.as_deref().and_then(|a| a.node.as_ref()) {
                    Some(NodeEnum::ColumnRef(c)) => {
                        dotted(&c.fields).last().map(String::as_str) == Some(column)
                    }
                    _ => false,
                }
        }
        _ => false,
    }
}

/// Whether canonical CHECK text (from the model) states `column IS NOT NULL`.
pub fn check_text_is_not_null(sql: &str, column: &str) -> bool {
    let s = sql
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let s = s.to_ascii_lowercase();
    let col = column.to_ascii_lowercase();
    s == format!("{col} is not null") || s == format!("\"{col}\" is not null")
}

/// Builds a location from a byte offset in a text.
pub fn location_at(file: &str, text: &str, offset: usize) -> crate::finding::Location {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count() + 1)
        .unwrap_or(1);
    crate::finding::Location {
        file: file.to_string(),
        line: line as u32,
        column: col as u32,
    }
}

/// Whether a column is declared with a serial pseudo-type.
pub fn serial_type(cd: &ColumnDef) -> bool {
    cd.type_name
        .as_ref()
        .and_then(data_ast::typename::serial_kind)
        .is_some()
}

/// Canonical text of a type name (as the model writes it, e.g. `character varying(20)`).
pub fn canonical_type(tn: &TypeName) -> String {
    data_ast::typename::type_ref(tn).sql
}

/// Splits canonical type text into base and typmods: `numeric(10,2)` -> (`numeric`, [10, 2]).
fn split_type(t: &str) -> (String, Vec<i64>, bool) {
    let array = t.ends_with("[]");
    let t = t.trim_end_matches("[]");
    match t.find('(') {
        Some(i) => {
            let mods = t[i + 1..]
                .trim_end_matches(')')
                .split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect();
            (t[..i].trim().to_string(), mods, array)
        }
        None => (t.trim().to_string(), Vec::new(), array),
    }
}

/// How a column type change is applied by PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeChange {
    /// Binary-coercible: catalog only, no scan.
    Free,
    /// Same storage, but every row is checked (a shorter limit): a full scan under the lock.
    Scan,
    /// Every row is rewritten and every index rebuilt.
    Rewrite,
}

/// Classifies a change from canonical type `old` to canonical type `new`.
pub fn classify_type_change(old: &str, new: &str) -> TypeChange {
    if old == new {
        return TypeChange::Free;
    }
    let (ob, om, oa) = split_type(old);
    let (nb, nm, na) = split_type(new);
    if oa != na {
        return TypeChange::Rewrite;
    }
    let varchar = "character varying";
    match (ob.as_str(), nb.as_str()) {
        (a, b) if a == varchar && b == varchar => match (om.first(), nm.first()) {
            (_, None) => TypeChange::Free,
            (Some(o), Some(n)) if n >= o => TypeChange::Free,
            _ => TypeChange::Scan,
        },
        (a, "text") if a == varchar || a == "text" => TypeChange::Free,
        ("text", b) if b == varchar => {
            if nm.is_empty() {
                TypeChange::Free
            } else {
                TypeChange::Scan
            }
        }
        ("numeric", "numeric") => match (om.as_slice(), nm.as_slice()) {
            (_, []) => TypeChange::Free,
            ([op, os], [np, ns]) if os == ns && np >= op => TypeChange::Free,
            ([op], [np]) if np >= op => TypeChange::Free,
            _ => TypeChange::Rewrite,
        },
        ("bit varying", "bit varying") => match (om.first(), nm.first()) {
            (_, None) => TypeChange::Free,
            (Some(o), Some(n)) if n >= o => TypeChange::Free,
            _ => TypeChange::Scan,
        },
        ("cidr", "inet") => TypeChange::Free,
        (a, b)
            if a == b
                && (a.starts_with("timestamp") || a.starts_with("time") || a == "interval") =>
        {
            // Precision changes: lowering it rewrites, raising or removing it is free.
            match (om.first(), nm.first()) {
                (_, None) => TypeChange::Free,
                (Some(o), Some(n)) if n >= o => TypeChange::Free,
                _ => TypeChange::Rewrite,
            }
        }
        _ => TypeChange::Rewrite,
    }
}

/// Constraints added by a statement to a table: `ALTER TABLE ... ADD CONSTRAINT` and
/// constraints written on `ADD COLUMN` definitions.
pub fn added_constraints(node: &NodeEnum) -> Vec<(QName, &Constraint)> {
    let NodeEnum::AlterTableStmt(at) = node else {
        return Vec::new();
    };
    let Some(table) = qname_opt(&at.relation) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for cmd in alter_cmds(at) {
        if cmd_is(cmd, AlterTableType::AtAddConstraint) {
            if let Some(c) = cmd_constraint(cmd) {
                out.push((table.clone(), c));
            }
        } else if cmd_is(cmd, AlterTableType::AtAddColumn) {
            if let Some(cd) = cmd_column(cmd) {
                out.extend(column_constraints(cd).map(|c| (table.clone(), c)));
            }
        }
    }
    out
}

/// Columns whose type a statement declares: `CREATE TABLE` columns, `ADD COLUMN`s and
/// `ALTER COLUMN ... TYPE` (as a column definition with only a type).
pub fn typed_columns(node: &NodeEnum) -> Vec<(QName, String, &ColumnDef)> {
    let mut out: Vec<(QName, String, &ColumnDef)> = introduced_columns(node)
        .into_iter()
        .map(|(t, cd, _)| (t, cd.colname.clone(), cd))
        .collect();
    if let NodeEnum::AlterTableStmt(at) = node {
        if let Some(t) = qname_opt(&at.relation) {
            for cmd in alter_cmds(at).filter(|c| cmd_is(c, AlterTableType::AtAlterColumnType)) {
                if let Some(cd) = cmd_column(cmd) {
                    out.push((t.clone(), cmd.name.clone(), cd));
                }
            }
        }
    }
    out
}
