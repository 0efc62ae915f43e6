//! Parses statements with PostgreSQL's own parser (libpg_query), in parallel, with a cache
//! keyed by the statement's content hash.
//!
//! `pg_query::parse` drops the error position and also walks every tree to collect table and
//! function names we do not need, so the two C entry points are called directly here: the
//! result is the same protobuf tree, plus the cursor position of syntax errors.

use pg_query::protobuf;
use pg_query::NodeEnum;
use prost::Message;
use rayon::prelude::*;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, CStr, CString};
use std::sync::{Arc, Mutex};

#[repr(C)]
struct PgQueryProtobuf {
    len: usize,
    data: *mut c_char,
}

#[repr(C)]
struct PgQueryError {
    message: *mut c_char,
    funcname: *mut c_char,
    filename: *mut c_char,
    lineno: c_int,
    cursorpos: c_int,
    context: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobufParseResult {
    parse_tree: PgQueryProtobuf,
    stderr_buffer: *mut c_char,
    error: *mut PgQueryError,
}

extern "C" {
    fn pg_query_parse_protobuf(input: *const c_char) -> PgQueryProtobufParseResult;
    fn pg_query_free_protobuf_parse_result(result: PgQueryProtobufParseResult);
}

/// A syntax error: PostgreSQL's message and the 1-based character position in the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The parser's message, e.g. `syntax error at or near "tabel"`.
    pub message: String,
    /// 1-based character position within the statement; 0 when unknown.
    pub cursor: usize,
}

/// The statements PostgreSQL found in one piece of text.
pub type Parsed = Result<Arc<Vec<NodeEnum>>, SyntaxError>;

/// The protobuf encoding of the statements of one piece of text (compact; decode when needed).
pub type Encoded = Result<Arc<[u8]>, SyntaxError>;

/// Parses one piece of SQL text.
pub fn parse_text(sql: &str) -> Parsed {
    parse_encoded(sql).and_then(|bytes| decode(&bytes))
}

/// Parses one piece of SQL text into the protobuf encoding of its statements.
fn parse_encoded(sql: &str) -> Encoded {
    let input = match CString::new(sql) {
        Ok(c) => c,
        Err(e) => {
            return Err(SyntaxError {
                message: "statement contains a NUL byte".into(),
                cursor: e.nul_position() + 1,
            })
        }
    };
    // SAFETY: `input` is a valid NUL-terminated string that outlives the call; the result is
    // read (and its bytes copied) before it is freed exactly once by the matching function.
    unsafe {
        let result = pg_query_parse_protobuf(input.as_ptr());
        let outcome = if !result.error.is_null() {
            let err = &*result.error;
            let message = if err.message.is_null() {
                "syntax error".to_string()
            } else {
                CStr::from_ptr(err.message).to_string_lossy().into_owned()
            };
            Err(SyntaxError {
                message,
                cursor: err.cursorpos.max(0) as usize,
            })
        } else if result.parse_tree.data.is_null() {
            Ok(Arc::from(&[][..]))
        } else {
            Ok(Arc::from(std::slice::from_raw_parts(
                result.parse_tree.data as *const u8,
                result.parse_tree.len,
            )))
        };
        pg_query_free_protobuf_parse_result(result);
        outcome
    }
}

/// Decodes the protobuf encoding of a parse result into its statements.
pub fn decode(bytes: &[u8]) -> Parsed {
    match protobuf::ParseResult::decode(bytes) {
        Ok(tree) => Ok(Arc::new(
            tree.stmts
                .into_iter()
                .filter_map(|raw| raw.stmt.and_then(|n| n.node))
                .collect(),
        )),
        Err(e) => Err(SyntaxError {
            message: format!("could not decode the parse tree: {e}"),
            cursor: 0,
        }),
    }
}

/// A content-addressed cache of parse results, shared by both sides of a diff and across
/// calls, so a statement that did not change is parsed once. It keeps the compact protobuf
/// encoding, not the decoded trees: trees are decoded for the caller and freed with its model.
#[derive(Default)]
pub struct ParseCache {
    entries: Mutex<HashMap<[u8; 32], Encoded>>,
}

impl ParseCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses every text, in parallel, reusing cached results. Output is in input order.
    pub fn parse_all(&self, texts: &[&str]) -> Vec<Parsed> {
        self.parse_encoded_all(texts)
            .par_iter()
            .with_min_len(64)
            .map(|e| e.clone().and_then(|bytes| decode(&bytes)))
            .collect()
    }

    /// Like [`ParseCache::parse_all`], but returns the protobuf encodings, to be decoded with
    /// [`decode`] when needed.
    pub fn parse_encoded_all(&self, texts: &[&str]) -> Vec<Encoded> {
        let keys: Vec<[u8; 32]> = texts
            .par_iter()
            .map(|t| *blake3::hash(t.as_bytes()).as_bytes())
            .collect();
        let mut missing: Vec<usize> = {
            let map = self
                .entries
                .lock()
                .expect("because no thread panics while holding the parse cache lock");
            (0..texts.len())
                .filter(|i| !map.contains_key(&keys[*i]))
                .collect()
        };
        // Identical statements within one batch are parsed once.
        let mut seen = std::collections::HashSet::new();
        missing.retain(|i| seen.insert(keys[*i]));
        let fresh: Vec<(usize, Encoded)> = missing
            .par_iter()
            .with_min_len(64)
            .map(|&i| (i, parse_encoded(texts[i])))
            .collect();
        let mut map = self
            .entries
            .lock()
            .expect("because no thread panics while holding the parse cache lock");
        for (i, parsed) in fresh {
            map.insert(keys[i], parsed);
        }
        keys.iter()
            .map(|k| {
                map.get(k)
                    .cloned()
                    .expect("because every key was parsed above")
            })
            .collect()
    }

    /// Number of distinct statements held.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_cursor() {
        assert!(parse_text("create table t (a int)").is_ok());
        let err = parse_text("create tabel t (a int)").unwrap_err();
        assert!(err.message.contains("tabel"), "{}", err.message);
        assert_eq!(err.cursor, 8);
    }

    #[test]
    fn cache_reuses_results() {
        let cache = ParseCache::new();
        let out = cache.parse_all(&["select 1", "select 1", "select 2"]);
        assert_eq!(out.len(), 3);
        assert_eq!(cache.len(), 2);
    }
}
