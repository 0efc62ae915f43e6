//! The names PostgreSQL gives objects the user did not name: `t_pkey`, `t_a_key`,
//! `t_a_idx1`, `t_a_seq`, `t_a_check`, `t_b_fkey`, truncated to 63 bytes as the server does.

/// The longest identifier PostgreSQL keeps (NAMEDATALEN - 1).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, shortening the longer of name1 and
/// name2 until the whole fits in 63 bytes.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let mut overhead = 0;
    if !label.is_empty() {
        overhead += label.len() + 1;
    }
    if name2.is_some() {
        overhead += 1;
    }
    let avail = MAX_IDENTIFIER_BYTES.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map(str::len).unwrap_or(0);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_string();
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(clip(n, n2));
    }
    if !label.is_empty() {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// Cuts `s` to at most `bytes` bytes without splitting a character.
fn clip(s: &str, bytes: usize) -> &str {
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// PostgreSQL's `ChooseRelationName` / `ChooseConstraintName`: the first of `label`,
/// `label1`, `label2`, ... whose name `taken` does not report as used.
pub fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut pass = 0;
    loop {
        let suffix = if pass == 0 {
            label.to_string()
        } else {
            format!("{label}{pass}")
        };
        let candidate = make_object_name(name1, name2, &suffix);
        if !taken(&candidate) {
            return candidate;
        }
        pass += 1;
    }
}

/// Column names joined by `_` as in index and constraint names, clipped like the server does
/// (`ChooseIndexNameAddition`: it stops adding once the buffer passes NAMEDATALEN).
pub fn column_addition(columns: &[String]) -> String {
    let mut out = String::new();
    for c in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(c);
        if out.len() >= MAX_IDENTIFIER_BYTES {
            break;
        }
    }
    clip(&out, MAX_IDENTIFIER_BYTES).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(make_object_name("products", None, "pkey"), "products_pkey");
        assert_eq!(
            make_object_name("products", Some("x"), "key"),
            "products_x_key"
        );
        assert_eq!(
            choose_name("t", Some("a"), "idx", |n| n == "t_a_idx"),
            "t_a_idx1"
        );
    }

    #[test]
    fn long_names_are_shortened_like_postgres() {
        let long = "a".repeat(60);
        let name = make_object_name(&long, Some("column_name"), "key");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_column_name_key"));
    }
}
