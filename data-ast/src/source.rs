//! Golden SQL source files and the origin (file, line, column) of every statement.

use serde::Serialize;
use std::sync::Arc;

/// One file of golden SQL, already read into memory.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path shown in messages (relative to the project when possible).
    pub path: Arc<str>,
    /// The whole text of the file.
    pub text: String,
    /// Whether the file holds seed data (it lives under `data/`).
    pub is_seed: bool,
}

impl SourceFile {
    /// A schema file.
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            is_seed: false,
        }
    }

    /// A seed-data file.
    pub fn seed(path: impl Into<Arc<str>>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            is_seed: true,
        }
    }
}

/// Where a piece of golden SQL came from: a file and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Origin {
    /// The file.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl Origin {
    /// An origin for objects that have no source text (built-in or synthesised).
    pub fn none() -> Self {
        Origin {
            file: Arc::from("<none>"),
            line: 0,
            column: 0,
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Maps byte offsets of one file to lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line and column (in characters) of byte `offset` of `text`.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let end = offset.min(text.len());
        let column = text
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(end - start)
            + 1;
        (line as u32 + 1, column as u32)
    }

    /// The text of the 1-based line `line`, without its newline.
    pub fn line_text<'a>(&self, text: &'a str, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map(|e| e - 1).unwrap_or(text.len());
        text.get(start..end).unwrap_or("").trim_end_matches('\r')
    }
}
