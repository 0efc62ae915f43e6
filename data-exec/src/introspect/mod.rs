//! Introspection: a live database's schema read from `pg_catalog`, as golden-style SQL.
//!
//! Each part is one catalog query for one kind of object that returns finished statements,
//! with every definition printed by PostgreSQL's own functions (`pg_get_constraintdef`,
//! `pg_get_expr`, `pg_get_viewdef`, `pg_get_indexdef`, `pg_get_functiondef`,
//! `pg_get_triggerdef`, `format_type`) under an empty `search_path`, so every name is
//! schema-qualified. The engine then models that text exactly as it models golden SQL: live
//! and golden schemas meet in one model and are compared by one normaliser
//! (`data_ast::equivalence`). No client program is involved, so any server version the
//! queries run on can be read (PostgreSQL 13 or later).
//!
//! Left out: objects that belong to extensions, PostgreSQL's own schemas, data's ledger
//! schema, and kinds the model does not hold (aggregates, operators, casts, collations,
//! event triggers, foreign tables, publications).

mod comments;
mod filters;
mod namespaces;
mod relations;
mod routines;
mod security;
mod tables;
mod types;

use sqlx::{Connection, PgConnection};

/// The oldest server the catalog queries support (`server_version_num` of PostgreSQL 13:
/// `regcollation`, `pg_trigger.tgparentid`).
pub(crate) const OLDEST_SERVER: u32 = 130000;

/// The catalog queries in the order their statements are written out.
fn parts() -> Vec<(&'static str, String)> {
    vec![
        ("schemas", namespaces::schemas()),
        ("extensions", namespaces::extensions()),
        ("enum types", types::enums()),
        ("composite types", types::composites()),
        ("domains", types::domains()),
        ("range types", types::ranges()),
        ("sequences", tables::sequences()),
        ("tables", tables::tables()),
        ("sequence owners", tables::sequence_owners()),
        ("constraints", tables::constraints()),
        ("row level security", tables::row_security()),
        ("functions", routines::functions()),
        ("views", relations::views()),
        ("indexes", relations::indexes()),
        ("triggers", routines::triggers()),
        ("policies", security::policies()),
        ("grants", security::grants()),
        ("revokes", security::revoked_from_public()),
        ("comments", comments::comments()),
    ]
}

/// Reads the schema of the database `conn` is connected to, in one repeatable-read
/// snapshot, as SQL statements (one section per object kind).
pub(crate) async fn catalog_sql(conn: &mut PgConnection) -> Result<String, sqlx::Error> {
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET LOCAL search_path = ''")
        .execute(&mut *tx)
        .await?;
    let mut out = String::new();
    for (kind, query) in parts() {
        let rows: Vec<(Option<String>,)> = sqlx::query_as(&query).fetch_all(&mut *tx).await?;
        let statements: Vec<String> = rows.into_iter().filter_map(|(ddl,)| ddl).collect();
        if statements.is_empty() {
            continue;
        }
        out.push_str("-- ");
        out.push_str(kind);
        out.push('\n');
        for statement in statements {
            out.push_str(&statement);
            out.push('\n');
        }
        out.push('\n');
    }
    tx.rollback().await?;
    Ok(out)
}
