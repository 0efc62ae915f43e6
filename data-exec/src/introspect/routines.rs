//! Functions, procedures and triggers, printed by `pg_get_functiondef` and
//! `pg_get_triggerdef`.

use super::filters::{not_from_extension, user_schema};

/// `CREATE FUNCTION` / `CREATE PROCEDURE` for every function that is not an aggregate, not
/// an extension's, and not made by PostgreSQL itself (range types' constructors).
pub(super) fn functions() -> String {
    format!(
        "SELECT rtrim(pg_catalog.pg_get_functiondef(p.oid), E'\\n') || ';' \
         FROM pg_catalog.pg_proc p \
         JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.prokind IN ('f', 'p', 'w') AND {} AND {} \
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d \
                           WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass \
                             AND d.objid = p.oid AND d.deptype = 'i') \
         ORDER BY n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)",
        user_schema("n"),
        not_from_extension("pg_proc", "p.oid")
    )
}

/// `CREATE TRIGGER` for user triggers (not constraint triggers PostgreSQL made for foreign
/// keys, not partitions' clones), and the `ALTER TABLE` of those not simply enabled.
pub(super) fn triggers() -> String {
    format!(
        "SELECT pg_catalog.pg_get_triggerdef(t.oid) || ';' \
           || CASE t.tgenabled \
                WHEN 'D' THEN pg_catalog.format(E'\\nALTER TABLE %I.%I DISABLE TRIGGER %I;', \
                                                n.nspname, c.relname, t.tgname) \
                WHEN 'R' THEN pg_catalog.format(E'\\nALTER TABLE %I.%I ENABLE REPLICA TRIGGER %I;', \
                                                n.nspname, c.relname, t.tgname) \
                WHEN 'A' THEN pg_catalog.format(E'\\nALTER TABLE %I.%I ENABLE ALWAYS TRIGGER %I;', \
                                                n.nspname, c.relname, t.tgname) \
                ELSE '' END \
         FROM pg_catalog.pg_trigger t \
         JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND {} AND {} \
         ORDER BY n.nspname, c.relname, t.tgname",
        user_schema("n"),
        not_from_extension("pg_class", "c.oid")
    )
}
