//! SQL conditions shared by the catalog queries: which schemas hold the user's objects, and
//! which objects belong to an extension (those are created by `CREATE EXTENSION`, not by the
//! golden SQL, so they are left out).

/// The schemas never read: PostgreSQL's own, temporary and TOAST schemas, and data's ledger.
pub(super) fn user_schema(namespace: &str) -> String {
    format!(
        "({namespace}.nspname NOT IN ('pg_catalog', 'information_schema', 'data_ledger') \
         AND {namespace}.nspname NOT LIKE 'pg\\_toast%' \
         AND {namespace}.nspname NOT LIKE 'pg\\_temp\\_%')"
    )
}

/// True when the object `oid` of the catalog `catalog` (e.g. `pg_class`) is not a member of an
/// extension.
pub(super) fn not_from_extension(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend ext_dep \
         WHERE ext_dep.classid = 'pg_catalog.{catalog}'::pg_catalog.regclass \
         AND ext_dep.objid = {oid} AND ext_dep.deptype = 'e')"
    )
}

/// The text after a name for an explicit collation that differs from its type's default.
pub(super) fn collate_clause(collation: &str, type_collation: &str) -> String {
    format!(
        "CASE WHEN {collation} <> 0 AND {collation} <> {type_collation} \
         THEN ' COLLATE ' || {collation}::pg_catalog.regcollation::text ELSE '' END"
    )
}

/// Relations `c` (in namespace `n`) of the given `relkind`s that belong to the user: in a user
/// schema, not an extension's.
pub(super) fn user_relations(kinds: &str) -> String {
    format!(
        "c.relkind IN ({kinds}) AND {} AND {}",
        user_schema("n"),
        not_from_extension("pg_class", "c.oid")
    )
}
