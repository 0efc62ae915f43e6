//! Connection URLs without their secrets, for every message, log line, tag and ledger row.

/// `url` with any password replaced by `***`: in the user-info part
/// (`postgres://user:secret@host`) and in a `password=` query parameter.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..]
            .find(['/', '?'])
            .map(|i| rest_start + i)
            .unwrap_or(out.len());
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                let start = rest_start + colon + 1;
                out.replace_range(start..rest_start + at, "***");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let cleaned: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{base}{}", cleaned.join("&"));
    }
    out
}

/// `text` with every occurrence of `url`'s password replaced by `***` (for error messages that
/// may quote a connection string).
pub fn scrub(text: &str, url: &str) -> String {
    match password_of(url) {
        Some(p) if !p.is_empty() => text.replace(&p, "***"),
        _ => text.to_string(),
    }
}

fn password_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    Some(userinfo.split_once(':')?.1.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_survive() {
        assert_eq!(
            redact_url("postgres://app:s3cr%40t@db.example.com:5432/prod"),
            "postgres://app:***@db.example.com:5432/prod"
        );
        assert_eq!(
            redact_url("postgresql://db/prod?user=app&password=hunter2&sslmode=require"),
            "postgresql://db/prod?user=app&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://app@db/prod"),
            "postgres://app@db/prod"
        );
        assert_eq!(
            redact_url("postgres://postgres@%2Ftmp%2Fx:5432/db"),
            "postgres://postgres@%2Ftmp%2Fx:5432/db"
        );
        assert_eq!(
            scrub(
                "failed to connect to postgres://a:pw@h/d",
                "postgres://a:pw@h/d"
            ),
            "failed to connect to postgres://a:***@h/d"
        );
    }
}
