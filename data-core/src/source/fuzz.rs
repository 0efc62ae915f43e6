//! Fuzzing of reading, splitting and loading golden SQL with proptest: arbitrary bytes,
//! arbitrary strings, SQL-like token soup, and mutations (byte flips, truncations,
//! duplicated spans, inserted meta-commands) of the example project's golden files. Nothing
//! may panic, and every failure must be an error diagnostic at a position inside the input.
//!
//! Bounded for CI (48 cases per property by default); `FUZZ_CASES=5000 cargo test -p
//! data-core fuzz` runs longer.

use super::decode;
use super::includes::{self, Tree, Unit};
use crate::error::{Error, Result};
use data_ast::parse::ParseCache;
use data_ast::{Diagnostic, Severity};
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    ProptestConfig {
        cases,
        // Failures are shrunk by hand from the printed input; no files are written.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The files of one fuzz case, by key, as a git tree would give them to includes.
struct Memory(BTreeMap<String, String>);

impl Tree for Memory {
    fn read(&self, key: &str) -> Result<Option<String>> {
        Ok(self.0.get(key).cloned())
    }
    fn display(&self, key: &str) -> String {
        key.to_string()
    }
    fn reads_absolute_paths(&self) -> bool {
        false
    }
}

/// The example project's golden SQL files, keyed by their path under `sql/`.
fn example() -> &'static Vec<(String, Vec<u8>)> {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/supabase-app/sql");
        let mut paths = Vec::new();
        super::collect(&root, &mut paths).expect("the example project is readable");
        paths.sort();
        paths
            .into_iter()
            .map(|p| {
                let key = p
                    .strip_prefix(&root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                (key, std::fs::read(&p).expect("readable"))
            })
            .collect()
    })
}

/// One parse cache for every case: the unchanged statements of the example parse once.
fn cache() -> &'static ParseCache {
    static CACHE: OnceLock<ParseCache> = OnceLock::new();
    CACHE.get_or_init(ParseCache::new)
}

/// Whether `d` points inside `text`: a line of it, and a column on that line (one past its
/// end at most).
fn inside(text: &str, d: &Diagnostic) -> bool {
    let Some(line) = text
        .split('\n')
        .nth((d.origin.line as usize).wrapping_sub(1))
    else {
        return false;
    };
    d.origin.line >= 1
        && d.origin.column >= 1
        && d.origin.column as usize <= line.trim_end_matches('\r').chars().count() + 1
}

fn check_diagnostics(
    texts: &BTreeMap<String, String>,
    diagnostics: &[Diagnostic],
) -> std::result::Result<(), TestCaseError> {
    for d in diagnostics {
        let text = texts.get(&*d.origin.file);
        prop_assert!(text.is_some(), "diagnostic names an unknown file: {d}");
        prop_assert!(
            inside(text.expect("checked"), d),
            "diagnostic outside its input: {d}"
        );
    }
    Ok(())
}

/// Reads, follows includes, splits and loads `files` (key, bytes) and checks the invariants.
fn check(files: &[(String, Vec<u8>)]) -> std::result::Result<(), TestCaseError> {
    let mut texts = BTreeMap::new();
    let mut units = Vec::new();
    for (key, bytes) in files {
        match decode(key, bytes.clone()) {
            Ok(text) => {
                let unit = Unit::new(key.clone(), key.clone(), text, false);
                texts.insert(key.clone(), unit.text.clone());
                units.push(unit);
            }
            Err(Error::InvalidGoldenSql { diagnostics, .. }) => {
                let lossy = String::from_utf8_lossy(bytes).into_owned();
                let one = BTreeMap::from([(key.clone(), lossy)]);
                prop_assert_eq!(diagnostics.len(), 1);
                check_diagnostics(&one, &diagnostics)?;
                return Ok(());
            }
            Err(e) => prop_assert!(false, "reading failed without a position: {e}"),
        }
    }
    let tree = Memory(texts.clone());
    let sources = match includes::follow(units, &tree, "", "fuzz") {
        Ok(sources) => sources,
        Err(Error::InvalidGoldenSql { diagnostics, .. }) => {
            prop_assert!(diagnostics.iter().all(|d| d.severity == Severity::Error));
            return check_diagnostics(&texts, &diagnostics);
        }
        Err(e) => return Err(TestCaseError::fail(format!("no position: {e}"))),
    };
    for f in &sources {
        let split = data_ast::split::split(&f.text);
        let mut last = 0;
        for s in &split.statements {
            prop_assert!(last <= s.start && s.start <= s.end && s.end <= f.text.len());
            prop_assert!(
                f.text.get(s.start..s.end).is_some(),
                "span cuts a character"
            );
            last = s.end;
        }
    }
    let loaded = data_ast::build::load(&sources, cache());
    check_diagnostics(&texts, &loaded.diagnostics)
}

fn project_with(key: &str, bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    example()
        .iter()
        .map(|(k, b)| {
            if k == key {
                (k.clone(), bytes.clone())
            } else {
                (k.clone(), b.clone())
            }
        })
        .collect()
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Truncate(Index),
    Duplicate(Index, usize, Index),
    InsertLine(Index, Index),
}

/// Meta-command lines a mutation may insert.
const META_LINES: &[&str] = &[
    "\\ir types/enums.sql",
    "\\i tables/labels.sql",
    "\\ir missing.sql",
    "\\ir ../../outside.sql",
    "\\i 'schemas/app.sql'",
    "\\connect other",
    "\\set ON_ERROR_STOP on",
    "\\restrict abc",
    "\\if :x",
    "\\echo x \\\\ select 1;",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 0usize..300, any::<Index>())
            .prop_map(|(a, n, b)| Mutation::Duplicate(a, n, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::InsertLine(a, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = bytes.len();
    match m {
        Mutation::Flip(i, b) if len > 0 => bytes[i.index(len)] = *b,
        Mutation::Truncate(i) => bytes.truncate(i.index(len + 1)),
        Mutation::Duplicate(from, n, to) if len > 0 => {
            let start = from.index(len);
            let span = bytes[start..(start + n).min(len)].to_vec();
            let at = to.index(len + 1);
            bytes.splice(at..at, span);
        }
        Mutation::InsertLine(at, which) => {
            let line = format!("\n{}\n", META_LINES[which.index(META_LINES.len())]);
            let at = at.index(len + 1);
            bytes.splice(at..at, line.into_bytes());
        }
        _ => {}
    }
    bytes
}

/// Pieces of SQL and psql syntax that the token soup is made of.
const PIECES: &[&str] = &[
    "create table ",
    "create view v as select ",
    "alter table ",
    "drop table ",
    "t",
    "s.t",
    " (",
    ")",
    ", ",
    "a int",
    " primary key",
    " references t",
    "check (a > 0)",
    ";",
    "\n",
    "'",
    "''",
    "E'\\''",
    "\"",
    "$$",
    "$x$",
    "--",
    "-- data:renamed from=x\n",
    "/*",
    "*/",
    "begin atomic ",
    " end",
    "\\i x.sql\n",
    "\\ir ",
    "\\connect x\n",
    "\u{feff}",
    "é",
    "create index on t (a)",
    "create function f() returns int language sql ",
    "as $$select 1$$",
    "create policy p on t using (true)",
    "comment on table t is 'x'",
    "grant select on t to r",
    "create type e as enum ('a')",
    "partition by range (a)",
    "default nextval('s')",
    "create table aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (x int)",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_load_or_fail_with_a_position(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check(&[("fuzz.sql".to_string(), bytes)])?;
    }

    #[test]
    fn arbitrary_strings_load_or_fail_with_a_position(text in any::<String>()) {
        check(&[("fuzz.sql".to_string(), text.into_bytes())])?;
    }

    #[test]
    fn sql_token_soup_loads_or_fails_with_a_position(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
    ) {
        check(&[("fuzz.sql".to_string(), pieces.concat().into_bytes())])?;
    }

    #[test]
    fn mutated_example_files_load_or_fail_with_a_position(
        file in any::<Index>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let (key, original) = &example()[file.index(example().len())];
        let bytes = mutations.iter().fold(original.clone(), apply);
        check(&project_with(key, bytes))?;
    }
}

#[test]
fn the_unchanged_example_loads_without_errors() {
    let files = example();
    assert!(files.len() > 10);
    let texts: BTreeMap<String, String> = files
        .iter()
        .map(|(k, b)| (k.clone(), String::from_utf8(b.clone()).expect("UTF-8")))
        .collect();
    let units = texts
        .iter()
        .map(|(k, t)| Unit::new(k.clone(), k.clone(), t.clone(), false))
        .collect();
    let sources = includes::follow(units, &Memory(texts), "", "example").expect("no includes");
    let loaded = data_ast::build::load(&sources, cache());
    assert!(!loaded.has_errors(), "{:?}", loaded.errors());
}
