//! Identifiers longer than PostgreSQL's 63-byte limit: PostgreSQL truncates them (and so
//! does the model, through its parser) with a NOTICE; this module gives the same warning with
//! file, line and column.

use crate::error::{Diagnostic, Severity};
use crate::source::{LineIndex, Origin, SourceFile};
use crate::split::StatementSpan;
use pg_query::protobuf::Token;

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1` bytes).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// A warning for every identifier of `file`'s statements longer than 63 bytes (each name once
/// per statement), at its first character.
pub fn warnings(file: &SourceFile, lines: &LineIndex, spans: &[StatementSpan]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for span in spans {
        let Some(text) = file.text.get(span.start..span.end) else {
            continue;
        };
        if !may_have_long_word(text) {
            continue;
        }
        // A statement the scanner rejects fails to parse as well, with its own error.
        let Ok(tokens) = pg_query::scan_tokens(text) else {
            continue;
        };
        let mut seen: Vec<String> = Vec::new();
        for t in tokens {
            if t.token != Token::Ident as i32 {
                continue;
            }
            let (Ok(start), Ok(end)) = (usize::try_from(t.start), usize::try_from(t.end)) else {
                continue;
            };
            let Some(written) = text.get(start..end) else {
                continue;
            };
            let name = identifier_value(written);
            if name.len() <= MAX_IDENTIFIER_BYTES || seen.contains(&name) {
                continue;
            }
            let at = span.start + start;
            let (line, column) = lines.position(&file.text, at);
            let origin = Origin {
                file: file.path.clone(),
                line,
                column,
            };
            let message = format!(
                "identifier \"{name}\" is {} bytes long: PostgreSQL truncates it to \"{}\"",
                name.len(),
                truncate(&name)
            );
            let snippet = lines.line_text(&file.text, line).to_string();
            out.push(Diagnostic::new(Severity::Warning, origin, message, snippet));
            seen.push(name);
        }
    }
    out
}

/// `name` cut to at most 63 bytes without splitting a character, as PostgreSQL does.
pub fn truncate(name: &str) -> &str {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return name;
    }
    let mut end = MAX_IDENTIFIER_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The name an identifier token stands for: quoted ones unquoted, others folded to lower case.
fn identifier_value(written: &str) -> String {
    match written
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(inner) => inner.replace("\"\"", "\""),
        None => written.to_ascii_lowercase(),
    }
}

/// A cheap test before scanning: does `text` hold a run of more than 63 identifier bytes, or
/// a double-quoted span that long (outside comments and string constants)?
fn may_have_long_word(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut run = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        let word = b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
        if word {
            run += 1;
            if run > MAX_IDENTIFIER_BYTES {
                return true;
            }
            i += 1;
            continue;
        }
        run = 0;
        let close = match (b, bytes.get(i + 1)) {
            (b'-', Some(b'-')) => Some(b'\n'),
            (b'/', Some(b'*')) => {
                i = text[i + 2..]
                    .find("*/")
                    .map(|e| i + 2 + e + 2)
                    .unwrap_or(bytes.len());
                continue;
            }
            (b'\'', _) => Some(b'\''),
            (b'"', _) => {
                let end = bytes[i + 1..]
                    .iter()
                    .position(|c| *c == b'"')
                    .map(|e| i + 1 + e)
                    .unwrap_or(bytes.len());
                if end - i - 1 > MAX_IDENTIFIER_BYTES {
                    return true;
                }
                i = end + 1;
                continue;
            }
            _ => None,
        };
        match close {
            Some(c) => {
                i = bytes[i + 1..]
                    .iter()
                    .position(|x| *x == c)
                    .map(|e| i + 1 + e + 1)
                    .unwrap_or(bytes.len());
            }
            None => i += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::split;

    fn warn(sql: &str) -> Vec<String> {
        let file = SourceFile::new("t.sql", sql);
        let lines = LineIndex::new(sql);
        warnings(&file, &lines, &split(sql).statements)
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn warns_for_names_over_63_bytes_with_their_position() {
        let long = "a".repeat(70);
        let got = warn(&format!(
            "create table t (x int);\ncreate table s.{long} (\n  id int\n);\n"
        ));
        assert_eq!(got.len(), 1);
        assert!(
            got[0].starts_with("t.sql:2:16: warning: identifier"),
            "{got:?}"
        );
        assert!(got[0].contains(&format!("truncates it to \"{}\"", "a".repeat(63))));
    }

    #[test]
    fn quoted_names_count_bytes_and_cut_on_characters() {
        let long = format!("{} é", "x".repeat(62));
        let got = warn(&format!("create table \"{long}\" (\"{long}\" int);"));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains(&format!("truncates it to \"{} \"", "x".repeat(62))));
    }

    #[test]
    fn names_of_63_bytes_strings_and_comments_do_not_warn() {
        let ok = "b".repeat(63);
        let long = "c".repeat(80);
        assert!(warn(&format!(
            "create table {ok} (x text default '{long}'); -- {long}\n/* {long} */ select 1;"
        ))
        .is_empty());
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        let name = format!("{}é", "x".repeat(62));
        assert_eq!(truncate(&name), "x".repeat(62));
        assert_eq!(truncate("short"), "short");
    }
}
