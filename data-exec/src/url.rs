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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_dir_becomes_an_encoded_host() {
        let url = socket_url(Path::new("/tmp/data-pg.x1"), 5433, "my db");
        assert_eq!(url, "postgres://postgres@%2Ftmp%2Fdata-pg.x1:5433/my%20db");
    }

    #[test]
    fn unreserved_characters_stay() {
        assert_eq!(percent_encode("a-Z_0.~"), "a-Z_0.~");
        assert_eq!(percent_encode("é/"), "%C3%A9%2F");
    }
}
