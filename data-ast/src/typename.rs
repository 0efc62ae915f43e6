//! Canonical text for type names, so that `int`, `integer` and `int4` (and every other alias)
//! compare equal and render the way `pg_dump` writes them.

use crate::expr;
use crate::model::{QName, TypeRef};
use crate::quote;
use pg_query::protobuf::TypeName;
use pg_query::NodeEnum;

/// Types that live in `pg_catalog`, so an unqualified reference never means `public`.
static CATALOG_TYPES: &[&str] = &[
    "aclitem",
    "any",
    "anyarray",
    "anycompatible",
    "anycompatiblearray",
    "anycompatiblemultirange",
    "anycompatiblenonarray",
    "anycompatiblerange",
    "anyelement",
    "anyenum",
    "anymultirange",
    "anynonarray",
    "anyrange",
    "bit",
    "bool",
    "box",
    "bpchar",
    "bytea",
    "char",
    "cid",
    "cidr",
    "circle",
    "cstring",
    "date",
    "datemultirange",
    "daterange",
    "event_trigger",
    "fdw_handler",
    "float4",
    "float8",
    "gtsvector",
    "index_am_handler",
    "inet",
    "int2",
    "int2vector",
    "int4",
    "int4multirange",
    "int4range",
    "int8",
    "int8multirange",
    "int8range",
    "internal",
    "interval",
    "json",
    "jsonb",
    "jsonpath",
    "language_handler",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "name",
    "numeric",
    "nummultirange",
    "numrange",
    "oid",
    "oidvector",
    "path",
    "pg_ddl_command",
    "pg_lsn",
    "pg_node_tree",
    "pg_snapshot",
    "point",
    "polygon",
    "record",
    "refcursor",
    "regclass",
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
    "regrole",
    "regtype",
    "table_am_handler",
    "text",
    "tid",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "trigger",
    "tsm_handler",
    "tsmultirange",
    "tsquery",
    "tsrange",
    "tstzmultirange",
    "tstzrange",
    "tsvector",
    "txid_snapshot",
    "unknown",
    "uuid",
    "varbit",
    "varchar",
    "void",
    "xid",
    "xid8",
    "xml",
];

/// Aliases the parser leaves as written (`int4`, `float8`, ...) mapped to internal names.
fn internal_name(name: &str) -> &str {
    match name {
        "integer" | "int" => "int4",
        "smallint" => "int2",
        "bigint" => "int8",
        "real" => "float4",
        "double precision" | "float" => "float8",
        "boolean" => "bool",
        "decimal" => "numeric",
        other => other,
    }
}

/// How pg_dump spells an internal type name.
fn display_name(internal: &str) -> Option<&'static str> {
    Some(match internal {
        "int2" => "smallint",
        "int4" => "integer",
        "int8" => "bigint",
        "float4" => "real",
        "float8" => "double precision",
        "bool" => "boolean",
        "varchar" => "character varying",
        "bpchar" => "character",
        "varbit" => "bit varying",
        "timestamptz" => "timestamp with time zone",
        "timestamp" => "timestamp without time zone",
        "timetz" => "time with time zone",
        "time" => "time without time zone",
        _ => return None,
    })
}

/// Whether `name` is a type of `pg_catalog`.
pub fn is_catalog_type(name: &str) -> bool {
    CATALOG_TYPES.binary_search(&internal_name(name)).is_ok()
}

/// The serial pseudo-type a column was declared with, and the integer type it stands for.
pub fn serial_kind(tn: &TypeName) -> Option<&'static str> {
    let names = name_parts(tn);
    if !tn.array_bounds.is_empty()
        || names.len() > 2
        || (names.len() == 2 && names[0] != "pg_catalog")
    {
        return None;
    }
    match names.last()?.as_str() {
        "serial" | "serial4" => Some("integer"),
        "bigserial" | "serial8" => Some("bigint"),
        "smallserial" | "serial2" => Some("smallint"),
        _ => None,
    }
}

/// The string parts of a type's dotted name.
pub fn name_parts(tn: &TypeName) -> Vec<String> {
    tn.names
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// Canonical text and user-type reference of a type name.
pub fn type_ref(tn: &TypeName) -> TypeRef {
    let parts = name_parts(tn);
    let (schema, name) = match parts.as_slice() {
        [name] => (None, name.as_str()),
        [schema, name] => (Some(schema.as_str()), name.as_str()),
        [_, schema, name] => (Some(schema.as_str()), name.as_str()),
        _ => (None, ""),
    };
    let builtin = match schema {
        Some("pg_catalog") => true,
        Some(_) => false,
        None => is_catalog_type(name),
    };
    if tn.pct_type || (builtin && has_unusual_typmods(tn, name)) {
        return TypeRef {
            sql: expr::deparse_type(tn),
            user_type: None,
        };
    }
    let typmods = typmod_text(tn);
    let mut sql = if builtin {
        let internal = internal_name(name);
        match display_name(internal) {
            Some(display)
                if matches!(internal, "timestamptz" | "timestamp" | "timetz" | "time") =>
            {
                let (head, tail) = display.split_once(' ').unwrap_or((display, ""));
                if typmods.is_empty() {
                    display.to_string()
                } else {
                    format!("{head}({typmods}) {tail}")
                }
            }
            Some(display) => with_typmods(display, &typmods),
            None if internal == "bpchar" => with_typmods("bpchar", &typmods),
            None if schema == Some("pg_catalog") && !CATALOG_TYPES.contains(&internal) => {
                with_typmods(&quote::qualified("pg_catalog", internal), &typmods)
            }
            None => with_typmods(&quote::ident(internal), &typmods),
        }
    } else {
        with_typmods(
            &QName::new(schema.unwrap_or("public"), name).sql(),
            &typmods,
        )
    };
    for _ in &tn.array_bounds {
        sql.push_str("[]");
    }
    if tn.setof {
        sql = format!("SETOF {sql}");
    }
    let user_type = (!builtin).then(|| QName::new(schema.unwrap_or("public"), name));
    TypeRef { sql, user_type }
}

fn with_typmods(name: &str, typmods: &str) -> String {
    if typmods.is_empty() {
        name.to_string()
    } else {
        format!("{name}({typmods})")
    }
}

/// Integer typmods joined by commas (`10,2`).
fn typmod_text(tn: &TypeName) -> String {
    tn.typmods
        .iter()
        .map(|m| expr::render(m).sql)
        .collect::<Vec<_>>()
        .join(",")
}

/// Interval field masks and other non-numeric typmods are left to the deparser.
fn has_unusual_typmods(tn: &TypeName, name: &str) -> bool {
    name == "interval" && !tn.typmods.is_empty()
        || tn.typmods.iter().any(|m| !matches!(&m.node, Some(NodeEnum::AConst(c)) if matches!(c.val, Some(pg_query::protobuf::a_const::Val::Ival(_)))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(ty: &str) -> String {
        let tree = crate::parse::parse_text(&format!("create table t (c {ty})")).unwrap();
        let Some(NodeEnum::CreateStmt(stmt)) = tree.first() else {
            panic!()
        };
        let Some(NodeEnum::ColumnDef(col)) = stmt.table_elts[0].node.as_ref() else {
            panic!()
        };
        type_ref(col.type_name.as_ref().unwrap()).sql
    }

    #[test]
    fn catalog_list_is_sorted() {
        assert!(CATALOG_TYPES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn aliases_compare_equal() {
        for (a, b) in [
            ("int", "int4"),
            ("integer", "pg_catalog.int4"),
            ("bigint", "int8"),
            ("varchar(20)", "character varying(20)"),
            ("timestamptz", "timestamp with time zone"),
            ("timestamp(3)", "timestamp(3) without time zone"),
            ("bool", "boolean"),
            ("float8", "double precision"),
            ("decimal(10,2)", "numeric(10,2)"),
            ("text[]", "text[][]"),
        ] {
            let (ca, cb) = (canon(a), canon(b));
            if a == "text[]" {
                assert_ne!(ca, cb);
            } else {
                assert_eq!(ca, cb, "{a} vs {b}");
            }
        }
        assert_eq!(canon("int4"), "integer");
        assert_eq!(
            canon("timestamp(3) with time zone"),
            "timestamp(3) with time zone"
        );
        assert_eq!(canon("my_enum"), "public.my_enum");
        assert_eq!(canon("char(3)"), "character(3)");
        assert_eq!(canon("\"char\""), "\"char\"");
    }
}
