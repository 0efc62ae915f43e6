//! Building `postgres://` URLs that point at a Unix socket directory.

use std::path::Path;

/// The superuser that `initdb -U` creates in every throwaway cluster.
pub const SUPERUSER: &str = "postgres";

/// A URL for `database` on the server whose socket lives in `socket_dir` under `port`.
///
/// The socket directory is the percent-encoded host, which both libpq and sqlx read as a
/// socket path because it decodes to something starting with `/`.
pub fn socket_url(socket_dir: &Path, port: u16, database: &str) -> String {
    format!(
        "postgres://{}@{}:{}/{}",
        percent_encode(SUPERUSER),
        percent_encode(&socket_dir.to_string_lossy()),
        port,
        percent_encode(database)
    )
}

/// Percent-encodes every byte except ASCII letters, digits and `-._~`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The database a `postgres://` URL names (percent-decoded), when it names one.
pub fn database_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let path = &rest[rest.find('/')? + 1..];
    let db = &path[..path.find('?').unwrap_or(path.len())];
    (!db.is_empty()).then(|| percent_decode(db))
}

/// `url` pointing at database `database` on the same server, with the same user, options and
/// password.
pub fn with_database(url: &str, database: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let start = scheme_end + 3;
    let rest = &url[start..];
    let authority_end = start + rest.find(['/', '?']).unwrap_or(rest.len());
    let query = url[authority_end..]
        .find('?')
        .map(|q| &url[authority_end + q..])
        .unwrap_or("");
    format!(
        "{}/{}{}",
        &url[..authority_end],
        percent_encode(database),
        query
    )
}

/// The server a URL points at, as `host:port` without user or password: two URLs with the
/// same server can copy databases with `CREATE DATABASE ... TEMPLATE`.
pub fn server_of(url: &str) -> String {
    let rest = url.find("://").map(|i| &url[i + 3..]).unwrap_or(url);
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let host = authority
        .rfind('@')
        .map(|at| &authority[at + 1..])
        .unwrap_or(authority);
    let host = percent_decode(host);
    if host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
    {
        host
    } else {
        format!("{host}:5432")
    }
}

/// Whether a URL points at this machine: a Unix socket folder, `localhost` or a loopback
/// address (or no host at all, which libpq reads as the default socket).
pub fn is_local(url: &str) -> bool {
    let server = server_of(url);
    let host = server.rsplit_once(':').map(|(h, _)| h).unwrap_or(&server);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.is_empty()
        || host.starts_with('/')
        || host == "localhost"
        || host == "::1"
        || host.starts_with("127.")
}

/// Decodes `%XX` escapes; anything malformed is kept as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_dir_becomes_an_encoded_host() {
        let url = socket_url(Path::new("/tmp/data-pg.x1"), 5433, "my db");
        assert_eq!(url, "postgres://postgres@%2Ftmp%2Fdata-pg.x1:5433/my%20db");
    }

    #[test]
    fn database_and_server_parts() {
        let url = "postgres://app:pw@db.example.com:6543/my%20db?sslmode=require";
        assert_eq!(database_of(url).as_deref(), Some("my db"));
        assert_eq!(
            with_database(url, "copy"),
            "postgres://app:pw@db.example.com:6543/copy?sslmode=require"
        );
        assert_eq!(server_of(url), "db.example.com:6543");
        assert!(!is_local(url));
        let socket = socket_url(Path::new("/tmp/x"), 5433, "d");
        assert_eq!(server_of(&socket), "/tmp/x:5433");
        assert!(is_local(&socket));
        assert!(is_local("postgres://u@localhost/d"));
        assert_eq!(server_of("postgres://u@localhost/d"), "localhost:5432");
        assert_eq!(database_of("postgres://u@h:1"), None);
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
    }

    #[test]
    fn unreserved_characters_stay() {
        assert_eq!(percent_encode("a-Z_0.~"), "a-Z_0.~");
        assert_eq!(percent_encode("é/"), "%C3%A9%2F");
    }
}
