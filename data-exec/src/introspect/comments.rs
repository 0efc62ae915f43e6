//! `COMMENT ON` for every commented object of the kinds the schema model holds.

use super::filters::{not_from_extension, user_schema};

/// All comments, one statement a row, in a stable order.
pub(super) fn comments() -> String {
    let user_n = user_schema("n");
    let comment = "pg_catalog.quote_literal(d.description)";
    format!(
        "SELECT ddl FROM ( \
           SELECT pg_catalog.format('COMMENT ON SCHEMA %I IS %s;', n.nspname, {comment}) AS ddl \
           FROM pg_catalog.pg_namespace n \
           JOIN pg_catalog.pg_description d ON d.objoid = n.oid AND d.objsubid = 0 \
             AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass \
           WHERE {user_n} AND n.nspname <> 'public' AND {ext_n} \
           UNION ALL \
           SELECT pg_catalog.format('COMMENT ON %s %I.%I IS %s;', \
                    CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' \
                                   WHEN 'S' THEN 'SEQUENCE' WHEN 'i' THEN 'INDEX' \
                                   WHEN 'I' THEN 'INDEX' ELSE 'TABLE' END, \
                    n.nspname, c.relname, {comment}) \
           FROM pg_catalog.pg_class c \
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
           JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 \
             AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass \
           WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I') AND {user_n} AND {ext_c} \
           UNION ALL \
           SELECT pg_catalog.format('COMMENT ON COLUMN %I.%I.%I IS %s;', \
                    n.nspname, c.relname, a.attname, {comment}) \
           FROM pg_catalog.pg_class c \
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid \
           JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum \
             AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass \
           WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') \
             AND {user_n} AND {ext_c} \
           UNION ALL \
           SELECT pg_catalog.format('COMMENT ON %s %I.%I IS %s;', \
                    CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, \
                    n.nspname, t.typname, {comment}) \
           FROM pg_catalog.pg_type t \
           JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
           JOIN pg_catalog.pg_description d ON d.objoid = t.oid AND d.objsubid = 0 \
             AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass \
           WHERE t.typtype IN ('e', 'c', 'd', 'r') AND {user_n} AND {ext_t} \
           UNION ALL \
           SELECT pg_catalog.format('COMMENT ON %s %I.%I(%s) IS %s;', \
                    CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, \
                    n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid), \
                    {comment}) \
           FROM pg_catalog.pg_proc p \
           JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
           JOIN pg_catalog.pg_description d ON d.objoid = p.oid AND d.objsubid = 0 \
             AND d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass \
           WHERE {user_n} AND {ext_p} \
           UNION ALL \
           SELECT pg_catalog.format('COMMENT ON TRIGGER %I ON %I.%I IS %s;', \
                    t.tgname, n.nspname, c.relname, {comment}) \
           FROM pg_catalog.pg_trigger t \
           JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid \
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
           JOIN pg_catalog.pg_description d ON d.objoid = t.oid \
             AND d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass \
           WHERE NOT t.tgisinternal AND {user_n} AND {ext_c} \
           UNION ALL \
           SELECT pg_catalog.format('COMMENT ON POLICY %I ON %I.%I IS %s;', \
                    p.polname, n.nspname, c.relname, {comment}) \
           FROM pg_catalog.pg_policy p \
           JOIN pg_catalog.pg_class c ON c.oid = p.polrelid \
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
           JOIN pg_catalog.pg_description d ON d.objoid = p.oid \
             AND d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass \
           WHERE {user_n} AND {ext_c} \
           UNION ALL \
           SELECT pg_catalog.format('COMMENT ON CONSTRAINT %I ON %s%I.%I IS %s;', \
                    k.conname, CASE WHEN k.contypid <> 0 THEN 'DOMAIN ' ELSE '' END, \
                    n.nspname, coalesce(c.relname, t.typname), {comment}) \
           FROM pg_catalog.pg_constraint k \
           LEFT JOIN pg_catalog.pg_class c ON c.oid = k.conrelid \
           LEFT JOIN pg_catalog.pg_type t ON t.oid = k.contypid \
           JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace \
           JOIN pg_catalog.pg_description d ON d.objoid = k.oid \
             AND d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass \
           WHERE {user_n} \
         ) comments ORDER BY ddl",
        ext_n = not_from_extension("pg_namespace", "n.oid"),
        ext_c = not_from_extension("pg_class", "c.oid"),
        ext_t = not_from_extension("pg_type", "t.oid"),
        ext_p = not_from_extension("pg_proc", "p.oid"),
    )
}
