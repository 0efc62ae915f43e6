//! Splits a golden SQL file into statements, keeping byte offsets, psql meta-commands aside and
//! `-- data:` annotations.
//!
//! The splitter understands quotes, dollar quotes, nested block comments and `BEGIN ATOMIC`
//! bodies, so it never cuts inside them. It is a lexer, not a parser: statements are parsed
//! later, one by one, by PostgreSQL's own parser.

/// One statement of a file: its text span and the annotations written around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementSpan {
    /// Byte offset of the first token.
    pub start: usize,
    /// Byte offset just past the last token (the `;` is not included).
    pub end: usize,
    /// `-- data:` annotations in the comments right before the statement.
    pub leading: Vec<Annotation>,
    /// `-- data:` annotations inside the statement, with their offset in the file.
    pub inner: Vec<Annotation>,
}

/// A `-- data:<key> k=v ...` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// The word after `data:`, e.g. `renamed`.
    pub key: String,
    /// `k=v` pairs, values unquoted.
    pub args: Vec<(String, String)>,
    /// Byte offset of the comment in the file.
    pub offset: usize,
    /// Whether code precedes the comment on its line (a trailing comment).
    pub trailing: bool,
}

impl Annotation {
    /// The value of argument `name`.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A psql meta-command line (`\restrict`, `\connect`, ...), skipped by the splitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaCommand {
    /// Byte offset of the backslash.
    pub offset: usize,
    /// The line's text.
    pub text: String,
}

/// The result of splitting a file.
#[derive(Debug, Clone, Default)]
pub struct Split {
    /// Statements in file order.
    pub statements: Vec<StatementSpan>,
    /// psql meta-commands found between statements.
    pub meta_commands: Vec<MetaCommand>,
}

/// Splits `text` into statements.
pub fn split(text: &str) -> Split {
    Splitter {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        out: Split::default(),
    }
    .run()
}

struct Splitter<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: Split,
}

impl Splitter<'_> {
    fn run(mut self) -> Split {
        let mut leading = Vec::new();
        loop {
            // Between statements: skip white space and comments, collecting annotations.
            self.skip_trivia(&mut leading, true);
            if self.pos >= self.bytes.len() {
                break;
            }
            if self.bytes[self.pos] == b';' {
                self.pos += 1;
                continue;
            }
            if self.bytes[self.pos] == b'\\' && self.at_line_start(self.pos) {
                let end = self.line_end(self.pos);
                self.out.meta_commands.push(MetaCommand {
                    offset: self.pos,
                    text: self.text[self.pos..end].trim_end().to_string(),
                });
                self.pos = end;
                continue;
            }
            let start = self.pos;
            let mut inner = Vec::new();
            let end = self.statement_body(&mut inner);
            self.out.statements.push(StatementSpan {
                start,
                end,
                leading: std::mem::take(&mut leading),
                inner,
            });
        }
        self.out
    }

    fn at_line_start(&self, at: usize) -> bool {
        self.text[..at]
            .rsplit('\n')
            .next()
            .map(|s| s.trim().is_empty())
            .unwrap_or(true)
    }

    fn line_end(&self, from: usize) -> usize {
        self.text[from..]
            .find('\n')
            .map(|i| from + i)
            .unwrap_or(self.text.len())
    }

    /// Skips white space and comments. Annotations found go to `into`.
    fn skip_trivia(&mut self, into: &mut Vec<Annotation>, between: bool) {
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if b == b'-' && self.bytes.get(self.pos + 1) == Some(&b'-') {
                let end = self.line_end(self.pos);
                if let Some(a) = parse_annotation(
                    &self.text[self.pos..end],
                    self.pos,
                    !between && !self.at_line_start(self.pos),
                ) {
                    into.push(a);
                }
                self.pos = end;
            } else if b == b'/' && self.bytes.get(self.pos + 1) == Some(&b'*') {
                self.pos = self.block_comment_end(self.pos);
            } else {
                break;
            }
        }
    }

    fn block_comment_end(&self, from: usize) -> usize {
        let mut depth = 0usize;
        let mut i = from;
        while i + 1 < self.bytes.len() {
            if self.bytes[i] == b'/' && self.bytes[i + 1] == b'*' {
                depth += 1;
                i += 2;
            } else if self.bytes[i] == b'*' && self.bytes[i + 1] == b'/' {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            } else {
                i += 1;
            }
        }
        self.bytes.len()
    }

    /// Scans one statement from `self.pos`; returns the end offset (exclusive, before `;`).
    fn statement_body(&mut self, inner: &mut Vec<Annotation>) -> usize {
        let mut last_token_end = self.pos;
        let mut prev_word = String::new();
        let mut atomic_depth = 0usize;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            match b {
                b';' if atomic_depth == 0 => {
                    self.pos += 1;
                    return last_token_end;
                }
                b'-' if self.bytes.get(self.pos + 1) == Some(&b'-') => {
                    self.skip_trivia(inner, false);
                    continue;
                }
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    self.pos = self.block_comment_end(self.pos);
                    continue;
                }
                b'\'' => {
                    let escapes = self.pos > 0
                        && matches!(self.bytes[self.pos - 1], b'e' | b'E')
                        && !self.word_char_before(self.pos - 1);
                    self.pos = self.quoted_end(self.pos, b'\'', escapes);
                }
                b'"' => self.pos = self.quoted_end(self.pos, b'"', false),
                b'$' => {
                    if let Some(tag_len) = self.dollar_tag(self.pos) {
                        let tag = &self.text[self.pos..self.pos + tag_len];
                        let body = self.pos + tag_len;
                        self.pos = self.text[body..]
                            .find(tag)
                            .map(|i| body + i + tag_len)
                            .unwrap_or(self.bytes.len());
                    } else {
                        self.pos += 1;
                    }
                }
                c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                    let start = self.pos;
                    while self.pos < self.bytes.len()
                        && (self.bytes[self.pos].is_ascii_alphanumeric()
                            || matches!(self.bytes[self.pos], b'_' | b'$')
                            || self.bytes[self.pos] >= 0x80)
                    {
                        self.pos += 1;
                    }
                    let word = self.text[start..self.pos].to_ascii_lowercase();
                    if word == "atomic" && prev_word == "begin" && atomic_depth == 0 {
                        atomic_depth = 1;
                    } else if atomic_depth > 0 && (word == "case" || (word == "begin")) {
                        atomic_depth += 1;
                    } else if atomic_depth > 0 && word == "end" {
                        atomic_depth -= 1;
                    }
                    prev_word = word;
                    last_token_end = self.pos;
                    continue;
                }
                c if c.is_ascii_whitespace() => {
                    self.pos += 1;
                    continue;
                }
                _ => self.pos += 1,
            }
            last_token_end = self.pos;
        }
        last_token_end
    }

    fn word_char_before(&self, at: usize) -> bool {
        at > 0 && (self.bytes[at - 1].is_ascii_alphanumeric() || self.bytes[at - 1] == b'_')
    }

    fn quoted_end(&self, from: usize, quote: u8, escapes: bool) -> usize {
        let mut i = from + 1;
        while i < self.bytes.len() {
            let c = self.bytes[i];
            if escapes && c == b'\\' {
                i += 2;
                continue;
            }
            if c == quote {
                if self.bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i += 1;
        }
        self.bytes.len()
    }

    /// Length of a dollar-quote opening tag at `at` (`$$` or `$tag$`), if one starts there.
    fn dollar_tag(&self, at: usize) -> Option<usize> {
        if self.word_char_before(at) {
            return None;
        }
        let mut i = at + 1;
        while i < self.bytes.len() {
            let c = self.bytes[i];
            if c == b'$' {
                return Some(i + 1 - at);
            }
            let ok = c.is_ascii_alphabetic()
                || c == b'_'
                || c >= 0x80
                || (i > at + 1 && c.is_ascii_digit());
            if !ok {
                return None;
            }
            i += 1;
        }
        None
    }
}

/// Parses `-- data:key a=b c="d e"` comments.
fn parse_annotation(comment: &str, offset: usize, trailing: bool) -> Option<Annotation> {
    let body = comment.trim_start_matches('-').trim();
    let rest = body.strip_prefix("data:")?;
    let mut parts = rest.splitn(2, char::is_whitespace);
    let key = parts.next()?.trim().to_string();
    if key.is_empty() {
        return None;
    }
    let mut args = Vec::new();
    let mut tail = parts.next().unwrap_or("").trim();
    while !tail.is_empty() {
        let eq = tail.find('=');
        let Some(eq) = eq else { break };
        let name = tail[..eq].trim().to_string();
        let after = &tail[eq + 1..];
        let (value, consumed) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (q[..end].to_string(), end + 2),
                None => (q.to_string(), after.len()),
            }
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (after[..end].to_string(), end)
        };
        args.push((name, value));
        tail = after[consumed..].trim_start();
    }
    Some(Annotation {
        key,
        args,
        offset,
        trailing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split(sql)
            .statements
            .iter()
            .map(|s| &sql[s.start..s.end])
            .collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_bodies() {
        let sql = "create table a(x text default ';');\n-- c;\ncreate function f() returns int as $$ select 1; $$ language sql;\n/* a; /* b; */ */ select 'it''s;'";
        assert_eq!(
            texts(sql),
            vec![
                "create table a(x text default ';')",
                "create function f() returns int as $$ select 1; $$ language sql",
                "select 'it''s;'"
            ]
        );
    }

    #[test]
    fn keeps_begin_atomic_bodies_whole() {
        let sql = "create function f() returns int language sql begin atomic select 1; select case when true then 2 end; end; select 3;";
        assert_eq!(texts(sql).len(), 2);
    }

    #[test]
    fn skips_psql_meta_commands() {
        let out = split("\\restrict abc\nSET x = 1;\n\\unrestrict abc\n");
        assert_eq!(out.statements.len(), 1);
        assert_eq!(out.meta_commands.len(), 2);
    }

    #[test]
    fn collects_annotations() {
        let sql = "-- data:renamed from=old_t\ncreate table t (\n  a int, -- data:renamed from=b\n  -- data:renamed from=\"c c\"\n  d int\n);";
        let out = split(sql);
        assert_eq!(out.statements[0].leading[0].arg("from"), Some("old_t"));
        assert!(out.statements[0].inner[0].trailing);
        assert_eq!(out.statements[0].inner[1].arg("from"), Some("c c"));
        assert!(!out.statements[0].inner[1].trailing);
    }
}
