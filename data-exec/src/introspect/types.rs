//! User-defined types: enums, composites, domains and ranges.

use super::filters::{collate_clause, not_from_extension, user_schema};

fn user_types(kind: char) -> String {
    format!(
        "t.typtype = '{kind}' AND {} AND {}",
        user_schema("n"),
        not_from_extension("pg_type", "t.oid")
    )
}

/// `CREATE TYPE ... AS ENUM` with the labels in their sort order.
pub(super) fn enums() -> String {
    format!(
        "SELECT format('CREATE TYPE %I.%I AS ENUM (%s);', n.nspname, t.typname, \
           coalesce((SELECT string_agg(pg_catalog.quote_literal(e.enumlabel), ', ' \
                                       ORDER BY e.enumsortorder) \
                     FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '')) \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         WHERE {} ORDER BY n.nspname, t.typname",
        user_types('e')
    )
}

/// `CREATE TYPE ... AS (...)` for free-standing composite types (not tables' row types).
pub(super) fn composites() -> String {
    format!(
        "SELECT format('CREATE TYPE %I.%I AS (%s);', n.nspname, t.typname, \
           coalesce((SELECT string_agg(pg_catalog.format('%I %s', a.attname, \
                             pg_catalog.format_type(a.atttypid, a.atttypmod)) || {}, ', ' \
                                       ORDER BY a.attnum) \
                     FROM pg_catalog.pg_attribute a \
                     JOIN pg_catalog.pg_type at ON at.oid = a.atttypid \
                     WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '')) \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' \
         WHERE {} ORDER BY n.nspname, t.typname",
        collate_clause("a.attcollation", "at.typcollation"),
        user_types('c')
    )
}

/// `CREATE DOMAIN` with its collation, default, NOT NULL and named CHECK constraints.
pub(super) fn domains() -> String {
    format!(
        "SELECT format('CREATE DOMAIN %I.%I AS %s', n.nspname, t.typname, \
                       pg_catalog.format_type(t.typbasetype, t.typtypmod)) \
           || {} \
           || CASE WHEN t.typdefaultbin IS NOT NULL \
                   THEN ' DEFAULT ' || pg_catalog.pg_get_expr(t.typdefaultbin, 0) ELSE '' END \
           || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END \
           || coalesce((SELECT string_agg(pg_catalog.format(' CONSTRAINT %I %s', c.conname, \
                                          pg_catalog.pg_get_constraintdef(c.oid)), '' \
                                          ORDER BY c.conname) \
                        FROM pg_catalog.pg_constraint c \
                        WHERE c.contypid = t.oid AND c.contype = 'c'), '') \
           || ';' \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype \
         WHERE {} ORDER BY n.nspname, t.typname",
        collate_clause("t.typcollation", "b.typcollation"),
        user_types('d')
    )
}

/// `CREATE TYPE ... AS RANGE` with the options that differ from the defaults.
pub(super) fn ranges() -> String {
    format!(
        "SELECT format('CREATE TYPE %I.%I AS RANGE (SUBTYPE = %s', n.nspname, t.typname, \
                       pg_catalog.format_type(r.rngsubtype, NULL)) \
           || CASE WHEN NOT opc.opcdefault \
                   THEN pg_catalog.format(', SUBTYPE_OPCLASS = %I.%I', opcn.nspname, opc.opcname) \
                   ELSE '' END \
           || CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation \
                   THEN ', COLLATION = ' || r.rngcollation::pg_catalog.regcollation::text \
                   ELSE '' END \
           || CASE WHEN r.rngcanonical <> 0 \
                   THEN ', CANONICAL = ' || r.rngcanonical::pg_catalog.regproc::text ELSE '' END \
           || CASE WHEN r.rngsubdiff <> 0 \
                   THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::pg_catalog.regproc::text ELSE '' END \
           || ');' \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid \
         JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype \
         JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc \
         JOIN pg_catalog.pg_namespace opcn ON opcn.oid = opc.opcnamespace \
         WHERE {} ORDER BY n.nspname, t.typname",
        user_types('r')
    )
}
