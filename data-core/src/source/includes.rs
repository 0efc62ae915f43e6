//! Following psql includes (`\i`, `\ir`) of golden SQL within one source, as psql runs them,
//! and refusing the meta-commands that would change what the files mean.
//!
//! A file with includes is loaded in parts: the text before the first include (the rest of
//! the file blanked out, so lines and columns stay the file's own), then the included file,
//! then the text up to the next include, and so on. Statements therefore keep psql's order
//! and every diagnostic names the file it is in. A file that another file of the same source
//! includes is read only where it is included, not a second time on its own.

use crate::error::{Error, Result};
use data_ast::include::{self, MetaAction, MetaUse};
use data_ast::source::LineIndex;
use data_ast::{Diagnostic, Origin, Severity, SourceFile};
use std::collections::{HashMap, HashSet};

/// A file of a source before includes are followed.
pub(super) struct Unit {
    /// The file's path in its tree, normalised (`/`-separated, no `.` or `..` steps): what
    /// include paths are resolved to and compared with.
    pub key: String,
    /// The path shown in diagnostics.
    pub display: String,
    /// The text, byte order mark removed.
    pub text: String,
    /// Seed data.
    pub is_seed: bool,
}

impl Unit {
    /// A file read from a source; a UTF-8 byte order mark at its start is dropped.
    pub fn new(key: String, display: String, mut text: String, is_seed: bool) -> Unit {
        strip_bom(&mut text);
        Unit {
            key,
            display,
            text,
            is_seed,
        }
    }
}

/// Removes a UTF-8 byte order mark at the start of `text` (editors on Windows write one;
/// PostgreSQL's parser would take it for a syntax error).
pub(super) fn strip_bom(text: &mut String) {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
}

/// Where the files of one source live: a folder on disk or a git revision's tree.
pub(super) trait Tree {
    /// The text of the file at `key`, or `None` when there is no such file.
    fn read(&self, key: &str) -> Result<Option<String>>;
    /// The path shown in diagnostics for `key`.
    fn display(&self, key: &str) -> String;
    /// Whether an absolute path names a file of this tree (on disk it does; at a git
    /// revision it does not).
    fn reads_absolute_paths(&self) -> bool;
}

/// Follows the includes of `units` (in load order) through `tree`. `base` is the folder
/// `\i` paths are relative to; `label` names the source in the error. Any refused
/// meta-command, missing file or include cycle fails the whole read with every diagnostic.
pub(super) fn follow(
    units: Vec<Unit>,
    tree: &dyn Tree,
    base: &str,
    label: &str,
) -> Result<Vec<SourceFile>> {
    let mut expander = Expander {
        tree,
        base,
        listed: HashMap::new(),
        scans: HashMap::new(),
        stack: Vec::new(),
        visited: HashSet::new(),
        out: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut included = HashSet::new();
    for unit in &units {
        let uses = include::meta_commands(&unit.text);
        for u in &uses {
            if let MetaAction::Include { path, relative } = &u.action {
                if let Ok(target) = expander.resolve(&unit.key, path, *relative) {
                    included.insert(target);
                }
            }
        }
        if !uses.is_empty() {
            expander.scans.insert(unit.key.clone(), uses);
        }
    }
    let mut top = Vec::new();
    for unit in units {
        if included.contains(&unit.key) {
            expander.listed.insert(unit.key.clone(), unit);
        } else {
            top.push(unit);
        }
    }
    for unit in top {
        expander.expand(unit);
    }
    // Files only reachable through each other are an include cycle: expanding one reports it.
    let mut unreached: Vec<String> = expander
        .listed
        .keys()
        .filter(|k| !expander.visited.contains(*k))
        .cloned()
        .collect();
    unreached.sort();
    for key in unreached {
        if expander.visited.contains(&key) {
            continue;
        }
        if let Some(unit) = expander.listed.get(&key).map(clone_unit) {
            expander.expand(unit);
        }
    }
    if expander.diagnostics.is_empty() {
        return Ok(expander.out);
    }
    expander.diagnostics.sort_by(|a, b| a.origin.cmp(&b.origin));
    expander.diagnostics.dedup();
    Err(Error::InvalidGoldenSql {
        source_label: label.to_string(),
        diagnostics: expander.diagnostics,
    })
}

fn clone_unit(u: &Unit) -> Unit {
    Unit {
        key: u.key.clone(),
        display: u.display.clone(),
        text: u.text.clone(),
        is_seed: u.is_seed,
    }
}

struct Expander<'a> {
    tree: &'a dyn Tree,
    base: &'a str,
    /// Files of the listing that another file includes: read where they are included.
    listed: HashMap<String, Unit>,
    /// The meta-commands of each listed file that has any.
    scans: HashMap<String, Vec<MetaUse>>,
    /// The files being expanded, outermost first: (key, display).
    stack: Vec<(String, String)>,
    visited: HashSet<String>,
    out: Vec<SourceFile>,
    diagnostics: Vec<Diagnostic>,
}

impl Expander<'_> {
    fn expand(&mut self, unit: Unit) {
        self.visited.insert(unit.key.clone());
        let uses = match self.scans.get(&unit.key) {
            Some(uses) => uses.clone(),
            None => include::meta_commands(&unit.text),
        };
        if !uses.iter().any(|u| !matches!(u.action, MetaAction::Skip)) {
            self.out.push(source_file(&unit, unit.text.clone()));
            return;
        }
        let lines = LineIndex::new(&unit.text);
        self.stack.push((unit.key.clone(), unit.display.clone()));
        let mut from = 0;
        for u in &uses {
            match &u.action {
                MetaAction::Skip => {}
                MetaAction::Refuse(why) => {
                    let message = format!(
                        "psql meta-command `{}` is not supported in golden SQL: {why}",
                        u.command
                    );
                    self.error(&unit, &lines, u.offset, message);
                }
                MetaAction::Include { path, relative } => {
                    self.segment(&unit, from..u.line.start);
                    from = u.line.end;
                    self.include(&unit, &lines, u, path, *relative);
                }
            }
        }
        self.segment(&unit, from..unit.text.len());
        self.stack.pop();
    }

    /// Loads the file one include names, at its place.
    fn include(&mut self, unit: &Unit, lines: &LineIndex, u: &MetaUse, path: &str, rel: bool) {
        let written = format!("{} {path}", u.command);
        let target = match self.resolve(&unit.key, path, rel) {
            Ok(target) => target,
            Err(why) => {
                self.error(unit, lines, u.offset, format!("`{written}`: {why}"));
                return;
            }
        };
        if let Some(at) = self.stack.iter().position(|(k, _)| *k == target) {
            let mut chain: Vec<String> = self.stack[at..].iter().map(|(_, d)| d.clone()).collect();
            chain.push(self.stack[at].1.clone());
            let message = format!("`{written}` makes an include cycle: {}", chain.join(" -> "));
            self.error(unit, lines, u.offset, message);
            return;
        }
        let text = match self.listed.get(&target) {
            Some(listed) => Ok(Some(listed.text.clone())),
            None => self.tree.read(&target),
        };
        match text {
            Ok(Some(text)) => {
                let is_seed = unit.is_seed || self.is_seed_path(&target);
                let display = match self.listed.get(&target) {
                    Some(listed) => listed.display.clone(),
                    None => self.tree.display(&target),
                };
                self.expand(Unit::new(target, display, text, is_seed));
            }
            Ok(None) => {
                let message = format!(
                    "`{written}`: the included file {} does not exist",
                    self.tree.display(&target)
                );
                self.error(unit, lines, u.offset, message);
            }
            Err(e) => self.error(unit, lines, u.offset, format!("`{written}`: {e}")),
        }
    }

    /// The part `range` of `unit` as a file of its own, the rest blanked; nothing when the
    /// part holds only blanks.
    fn segment(&mut self, unit: &Unit, range: std::ops::Range<usize>) {
        let Some(part) = unit.text.get(range.clone()) else {
            return;
        };
        if part.trim().is_empty() {
            return;
        }
        let text = include::mask_outside(&unit.text, range);
        self.out.push(source_file(unit, text));
    }

    /// The key of the file an include names: `\ir` relative to the including file's folder,
    /// `\i` relative to the folder being loaded.
    fn resolve(
        &self,
        from: &str,
        path: &str,
        relative: bool,
    ) -> std::result::Result<String, String> {
        let path = path.replace('\\', "/");
        if path.starts_with('/') {
            if !self.tree.reads_absolute_paths() {
                return Err(
                    "an absolute path cannot be read at a git revision; write it relative to \
                     the including file (\\ir)"
                        .to_string(),
                );
            }
            return Ok(normalize(&path));
        }
        let dir = if relative {
            match from.rsplit_once('/') {
                Some(("", _)) => "/",
                Some((dir, _)) => dir,
                None => "",
            }
        } else {
            self.base
        };
        let joined = if dir.is_empty() {
            path
        } else {
            format!("{dir}/{path}")
        };
        let key = normalize(&joined);
        if !self.tree.reads_absolute_paths() && (key == ".." || key.starts_with("../")) {
            return Err("the path leads out of the repository".to_string());
        }
        Ok(key)
    }

    /// Whether `key` lies under the `data/` folder of the source (seed data).
    fn is_seed_path(&self, key: &str) -> bool {
        let rel = if self.base.is_empty() {
            key
        } else {
            match key.strip_prefix(self.base) {
                Some(rest) if rest.starts_with('/') => &rest[1..],
                _ => return false,
            }
        };
        rel.starts_with("data/")
    }

    fn error(&mut self, unit: &Unit, lines: &LineIndex, at: usize, message: String) {
        let (line, column) = lines.position(&unit.text, at);
        let origin = Origin {
            file: unit.display.as_str().into(),
            line,
            column,
        };
        let snippet = lines.line_text(&unit.text, line).to_string();
        self.diagnostics
            .push(Diagnostic::new(Severity::Error, origin, message, snippet));
    }
}

fn source_file(unit: &Unit, text: String) -> SourceFile {
    if unit.is_seed {
        SourceFile::seed(unit.display.clone(), text)
    } else {
        SourceFile::new(unit.display.clone(), text)
    }
}

/// `path` without `.` steps, empty steps or `..` steps that go back into a named folder.
/// Leading `..` steps of a relative path stay.
pub(super) fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for step in path.split('/') {
        match step {
            "" | "." => {}
            ".." => match parts.last() {
                Some(last) if *last != ".." => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            step => parts.push(step),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Files in memory, as a git revision's tree would give them.
    struct Memory(BTreeMap<String, String>);

    impl Tree for Memory {
        fn read(&self, key: &str) -> Result<Option<String>> {
            Ok(self.0.get(key).cloned())
        }
        fn display(&self, key: &str) -> String {
            format!("rev:{key}")
        }
        fn reads_absolute_paths(&self) -> bool {
            false
        }
    }

    fn run(files: &[(&str, &str)], top: &[&str]) -> Result<Vec<SourceFile>> {
        let tree = Memory(
            files
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let units = top
            .iter()
            .map(|k| Unit::new(k.to_string(), tree.display(k), tree.0[*k].clone(), false))
            .collect();
        follow(units, &tree, "sql", "test")
    }

    fn errors(r: Result<Vec<SourceFile>>) -> Vec<String> {
        match r {
            Err(Error::InvalidGoldenSql { diagnostics, .. }) => {
                diagnostics.iter().map(|d| d.to_string()).collect()
            }
            Err(e) => vec![e.to_string()],
            Ok(files) => panic!("expected an error, got {} files", files.len()),
        }
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("sql/./a/../b.sql"), "sql/b.sql");
        assert_eq!(normalize("../x//y.sql"), "../x/y.sql");
        assert_eq!(normalize("/a/../../b"), "/b");
        assert_eq!(normalize("a/.."), "");
    }

    #[test]
    fn includes_load_in_place_with_their_own_positions() {
        let files = [
            (
                "sql/main.sql",
                "create schema s;\n\\ir tables/t.sql\ncreate view v as select 1;\n",
            ),
            ("sql/tables/t.sql", "\n\ncreate table s.t (a int);\n"),
        ];
        let out = run(&files, &["sql/main.sql", "sql/tables/t.sql"]).unwrap();
        let paths: Vec<&str> = out.iter().map(|f| &*f.path).collect();
        assert_eq!(
            paths,
            vec![
                "rev:sql/main.sql",
                "rev:sql/tables/t.sql",
                "rev:sql/main.sql"
            ]
        );
        assert!(out[0].text.starts_with("create schema s;\n"));
        assert!(!out[0].text.contains("create view"));
        assert_eq!(out[1].text, files[1].1);
        assert!(out[2].text.trim_start().starts_with("create view"));
        assert_eq!(out[2].text.lines().count(), 3);
    }

    #[test]
    fn plain_includes_resolve_against_the_loaded_folder() {
        let files = [
            ("sql/a/main.sql", "\\i b.sql\n"),
            ("sql/b.sql", "create table b (x int);\n"),
        ];
        let out = run(&files, &["sql/a/main.sql"]).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(&*out[0].path, "rev:sql/b.sql");
    }

    #[test]
    fn a_missing_file_names_the_including_line_and_the_path() {
        let got = errors(run(
            &[("sql/main.sql", "select 1;\n\\i missing.sql\n")],
            &["sql/main.sql"],
        ));
        assert_eq!(got.len(), 1);
        assert!(
            got[0].starts_with("rev:sql/main.sql:2:1: error:"),
            "{got:?}"
        );
        assert!(
            got[0].contains("rev:sql/missing.sql does not exist"),
            "{got:?}"
        );
    }

    #[test]
    fn include_cycles_are_refused() {
        let files = [("sql/a.sql", "\\ir b.sql\n"), ("sql/b.sql", "\\ir a.sql\n")];
        let got = errors(run(&files, &["sql/a.sql", "sql/b.sql"]));
        assert!(got[0].contains("include cycle"), "{got:?}");
        let got = errors(run(&[("sql/a.sql", "\\ir a.sql\n")], &["sql/a.sql"]));
        assert!(got[0].contains("rev:sql/a.sql -> rev:sql/a.sql"), "{got:?}");
    }

    #[test]
    fn meaningful_meta_commands_are_refused_and_harmless_ones_kept() {
        let got = errors(run(
            &[(
                "sql/a.sql",
                "\\restrict x\ncreate table t (a int);\n\\connect other\n",
            )],
            &["sql/a.sql"],
        ));
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("rev:sql/a.sql:3:1: error: psql meta-command `\\connect`"));
        let out = run(
            &[("sql/a.sql", "\\restrict x\nselect 1;\n")],
            &["sql/a.sql"],
        )
        .unwrap();
        assert_eq!(out[0].text, "\\restrict x\nselect 1;\n");
    }

    #[test]
    fn paths_out_of_the_repository_and_absolute_paths_are_refused_at_a_revision() {
        for text in ["\\ir ../../../x.sql\n", "\\i /etc/x.sql\n"] {
            let got = errors(run(&[("sql/a.sql", text)], &["sql/a.sql"]));
            assert!(got[0].contains("rev:sql/a.sql:1:1"), "{got:?}");
        }
    }

    #[test]
    fn byte_order_marks_are_dropped() {
        let out = run(&[("sql/a.sql", "\u{feff}select 1;\n")], &["sql/a.sql"]).unwrap();
        assert_eq!(out[0].text, "select 1;\n");
    }
}
