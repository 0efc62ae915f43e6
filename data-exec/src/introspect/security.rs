//! Row-level security policies and privileges.

use super::filters::{not_from_extension, user_schema};

/// `CREATE POLICY` with command, roles and both expressions.
pub(super) fn policies() -> String {
    format!(
        "SELECT pg_catalog.format('CREATE POLICY %I ON %I.%I', p.polname, n.nspname, c.relname) \
           || CASE WHEN p.polpermissive THEN '' ELSE ' AS RESTRICTIVE' END \
           || CASE p.polcmd WHEN 'r' THEN ' FOR SELECT' WHEN 'a' THEN ' FOR INSERT' \
                            WHEN 'w' THEN ' FOR UPDATE' WHEN 'd' THEN ' FOR DELETE' ELSE '' END \
           || CASE WHEN p.polroles = '{{0}}' THEN '' \
                   ELSE ' TO ' || (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' \
                                                      ELSE pg_catalog.quote_ident(ro.rolname) END, \
                                                   ', ' ORDER BY 1) \
                                   FROM unnest(p.polroles) r \
                                   LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = r) END \
           || coalesce(' USING (' || pg_catalog.pg_get_expr(p.polqual, p.polrelid) || ')', '') \
           || coalesce(' WITH CHECK (' || pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) \
                       || ')', '') \
           || ';' \
         FROM pg_catalog.pg_policy p \
         JOIN pg_catalog.pg_class c ON c.oid = p.polrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE {} AND {} \
         ORDER BY n.nspname, c.relname, p.polname",
        user_schema("n"),
        not_from_extension("pg_class", "c.oid")
    )
}

/// `GRANT`s on tables, views, sequences, functions and schemas, except the owner's own
/// privileges and the EXECUTE every function grants to PUBLIC by default.
pub(super) fn grants() -> String {
    let grantee = "CASE WHEN x.grantee = 0 THEN 'PUBLIC' \
                   ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END";
    let option = "CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END";
    format!(
        "SELECT ddl FROM ( \
           SELECT pg_catalog.format('GRANT %s ON %s %I.%I TO %s%s;', \
                    string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type), \
                    CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, \
                    n.nspname, c.relname, {grantee}, {option}) AS ddl \
           FROM pg_catalog.pg_class c \
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
           CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) x \
           WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND x.grantee <> c.relowner \
             AND {user_n} AND {ext_c} \
           GROUP BY n.nspname, c.relname, c.relkind, x.grantee, x.is_grantable \
           UNION ALL \
           SELECT pg_catalog.format('GRANT %s ON %s %I.%I(%s) TO %s%s;', \
                    string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type), \
                    CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, \
                    n.nspname, p.proname, \
                    pg_catalog.pg_get_function_identity_arguments(p.oid), {grantee}, {option}) \
           FROM pg_catalog.pg_proc p \
           JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
           CROSS JOIN LATERAL pg_catalog.aclexplode(p.proacl) x \
           WHERE x.grantee <> p.proowner AND x.grantee <> 0 AND {user_n} AND {ext_p} \
           GROUP BY n.nspname, p.proname, p.oid, p.prokind, x.grantee, x.is_grantable \
           UNION ALL \
           SELECT pg_catalog.format('GRANT %s ON SCHEMA %I TO %s%s;', \
                    string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type), \
                    n.nspname, {grantee}, {option}) \
           FROM pg_catalog.pg_namespace n \
           CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) x \
           WHERE x.grantee <> n.nspowner AND {user_n} AND n.nspname <> 'public' AND {ext_n} \
           GROUP BY n.nspname, x.grantee, x.is_grantable \
         ) g ORDER BY ddl",
        user_n = user_schema("n"),
        ext_c = not_from_extension("pg_class", "c.oid"),
        ext_p = not_from_extension("pg_proc", "p.oid"),
        ext_n = not_from_extension("pg_namespace", "n.oid"),
    )
}

/// `REVOKE EXECUTE ... FROM PUBLIC` for functions whose default EXECUTE to PUBLIC was taken
/// away.
pub(super) fn revoked_from_public() -> String {
    format!(
        "SELECT pg_catalog.format('REVOKE EXECUTE ON %s %I.%I(%s) FROM PUBLIC;', \
                 CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, \
                 n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) \
         FROM pg_catalog.pg_proc p \
         JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.proacl IS NOT NULL AND p.prokind IN ('f', 'p', 'w') \
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(p.proacl) x \
                           WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE') \
           AND {} AND {} \
         ORDER BY 1",
        user_schema("n"),
        not_from_extension("pg_proc", "p.oid")
    )
}
