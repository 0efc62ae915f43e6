//! Schemas and extensions.

use super::filters::{not_from_extension, user_schema};

/// `CREATE SCHEMA` for every user schema except `public`.
pub(super) fn schemas() -> String {
    format!(
        "SELECT format('CREATE SCHEMA %I;', n.nspname) \
         FROM pg_catalog.pg_namespace n \
         WHERE {} AND n.nspname <> 'public' AND {} \
         ORDER BY n.nspname",
        user_schema("n"),
        not_from_extension("pg_namespace", "n.oid"),
    )
}

/// `CREATE EXTENSION` for every extension but plpgsql, with the schema it lives in.
pub(super) fn extensions() -> String {
    "SELECT format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I;', e.extname, n.nspname) \
     FROM pg_catalog.pg_extension e \
     JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace \
     WHERE e.extname <> 'plpgsql' \
     ORDER BY e.extname"
        .to_string()
}
