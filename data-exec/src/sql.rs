//! Talking to the server through sqlx: running scripts and creating or dropping databases.

use sqlx::{Connection, PgConnection};

use crate::error::{Error, Result};

/// The longest identifier PostgreSQL keeps whole (NAMEDATALEN - 1 bytes).
const MAX_IDENTIFIER_BYTES: usize = 63;

/// Quotes `name` as a PostgreSQL identifier, doubling any embedded double quote.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Rejects database names PostgreSQL would refuse or silently truncate.
pub(crate) fn check_database_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "it is empty"
    } else if name.len() > MAX_IDENTIFIER_BYTES {
        "it is longer than 63 bytes"
    } else if name.contains('\0') {
        "it contains a NUL byte"
    } else {
        return Ok(());
    };
    Err(Error::InvalidDatabaseName {
        name: name.to_owned(),
        reason,
    })
}

/// Connects to `url` and runs `sql` (any number of statements) with the simple query protocol.
pub(crate) async fn execute(url: &str, database: &str, sql: &str) -> Result<()> {
    let wrap = |source| Error::Sql {
        database: database.to_owned(),
        source,
    };
    let mut conn = PgConnection::connect(url).await.map_err(wrap)?;
    let outcome = sqlx::raw_sql(sql).execute(&mut conn).await.map(|_| ());
    let closed = conn.close().await;
    outcome.map_err(wrap)?;
    closed.map_err(wrap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("plain"), "\"plain\"");
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
    }

    #[test]
    fn bad_names_are_rejected() {
        assert!(check_database_name("ok_name").is_ok());
        assert!(check_database_name("").is_err());
        assert!(check_database_name(&"x".repeat(64)).is_err());
        assert!(check_database_name("a\0b").is_err());
    }
}
