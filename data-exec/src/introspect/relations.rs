//! Views, materialized views and indexes, printed by `pg_get_viewdef` and `pg_get_indexdef`.

use super::filters::user_relations;

/// `CREATE VIEW` / `CREATE MATERIALIZED VIEW`, with storage options and the check option.
pub(super) fn views() -> String {
    format!(
        "SELECT CASE c.relkind WHEN 'm' THEN 'CREATE MATERIALIZED VIEW ' ELSE 'CREATE VIEW ' END \
           || pg_catalog.format('%I.%I', n.nspname, c.relname) \
           || coalesce((SELECT ' WITH (' || string_agg(o, ', ') || ')' \
                        FROM unnest(c.reloptions) o WHERE o NOT LIKE 'check\\_option=%'), '') \
           || ' AS ' || rtrim(pg_catalog.pg_get_viewdef(c.oid), ';') \
           || coalesce((SELECT ' WITH ' || upper(substr(o, 14)) || ' CHECK OPTION' \
                        FROM unnest(c.reloptions) o WHERE o LIKE 'check\\_option=%'), '') \
           || CASE c.relkind WHEN 'm' THEN ' WITH NO DATA' ELSE '' END \
           || ';' \
         FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE {} \
         ORDER BY n.nspname, c.relname",
        user_relations("'v', 'm'")
    )
}

/// `CREATE INDEX` for indexes that are not a constraint's and not a partition's copy of its
/// parent's index.
pub(super) fn indexes() -> String {
    format!(
        "SELECT pg_catalog.pg_get_indexdef(i.indexrelid) || ';' \
         FROM pg_catalog.pg_index i \
         JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
         JOIN pg_catalog.pg_class c ON c.oid = i.indrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE {} \
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k \
                           WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x') \
                             AND k.conrelid = i.indrelid) \
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h \
                           WHERE h.inhrelid = i.indexrelid) \
         ORDER BY n.nspname, ic.relname",
        user_relations("'r', 'p', 'm'")
    )
}
