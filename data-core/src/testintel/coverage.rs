//! The coverage map: every object of a schema model, per kind, and the test files whose
//! assertions cover it (read by [`super::assertions`]).

use super::assertions::{self, Facet, Fact, ObjectKey, ObjectKind};
use data_ast::model::Schema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Coverage of one kind of object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindCoverage {
    /// The kind.
    pub kind: ObjectKind,
    /// Objects covered by at least one assertion.
    pub covered: usize,
    /// Objects of this kind in the schema.
    pub total: usize,
    /// `covered / total` in percent (100 when there are none).
    pub percent: f64,
    /// The objects no assertion covers.
    pub uncovered: Vec<String>,
}

/// One object and the files covering it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectCoverage {
    /// The object.
    #[serde(flatten)]
    pub key: ObjectKey,
    /// Test files with an assertion about it (empty: uncovered).
    pub files: Vec<String>,
}

/// A test file that could not be read as SQL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileError {
    /// The file.
    pub file: String,
    /// The parser's message.
    pub message: String,
}

/// The coverage of a schema by a set of test files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Per kind, in report order.
    pub kinds: Vec<KindCoverage>,
    /// Every object, with what covers it.
    pub objects: Vec<ObjectCoverage>,
    /// The test files read.
    pub files: Vec<String>,
    /// Files that could not be parsed (their assertions count for nothing).
    pub errors: Vec<FileError>,
    /// Every fact the assertions established.
    pub facts: Vec<Fact>,
}

impl Coverage {
    /// The coverage of `kind`.
    pub fn kind(&self, kind: ObjectKind) -> Option<&KindCoverage> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// Covered and total objects over every kind.
    pub fn totals(&self) -> (usize, usize) {
        self.kinds
            .iter()
            .fold((0, 0), |(c, t), k| (c + k.covered, t + k.total))
    }
}

/// Every object coverage counts in `schema`, skipping the schemas in `exclude`.
pub fn objects(schema: &Schema, exclude: &[String]) -> Vec<ObjectKey> {
    let skip = |s: &str| exclude.iter().any(|e| e == s);
    let mut out = BTreeSet::new();
    for (q, t) in &schema.tables {
        if skip(&q.schema) {
            continue;
        }
        out.insert(ObjectKey::new(ObjectKind::Table, q.to_string()));
        if t.partition_of.is_none() {
            for c in t.columns.iter().filter(|c| c.local) {
                out.insert(ObjectKey::new(
                    ObjectKind::Column,
                    format!("{q}.{}", c.name),
                ));
            }
        }
    }
    for f in schema.functions.keys().filter(|f| !skip(&f.name.schema)) {
        out.insert(ObjectKey::new(ObjectKind::Function, f.name.to_string()));
    }
    for (q, p) in schema.policies.keys().filter(|(q, _)| !skip(&q.schema)) {
        out.insert(ObjectKey::new(ObjectKind::Policy, format!("{q}.{p}")));
    }
    for (q, t) in schema.triggers.keys().filter(|(q, _)| !skip(&q.schema)) {
        out.insert(ObjectKey::new(ObjectKind::Trigger, format!("{q}.{t}")));
    }
    for q in schema.indexes.keys().filter(|q| !skip(&q.schema)) {
        out.insert(ObjectKey::new(ObjectKind::Index, q.to_string()));
    }
    for q in schema.views.keys().filter(|q| !skip(&q.schema)) {
        out.insert(ObjectKey::new(ObjectKind::View, q.to_string()));
    }
    for q in schema.types.keys().filter(|q| !skip(&q.schema)) {
        out.insert(ObjectKey::new(ObjectKind::Type, q.to_string()));
    }
    out.into_iter().collect()
}

/// The coverage of `schema` by `files` (path relative to the project, text), ignoring the
/// schemas in `exclude`.
pub fn compute(schema: &Schema, files: &[(String, String)], exclude: &[String]) -> Coverage {
    let mut facts = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in files {
        match assertions::parse_file(path, text, schema) {
            Ok(f) => facts.extend(f),
            Err(message) => errors.push(FileError {
                file: path.clone(),
                message,
            }),
        }
    }
    let mut covering: BTreeMap<&ObjectKey, BTreeSet<&str>> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.facet != Facet::Absent) {
        covering.entry(&f.object).or_default().insert(&f.file);
    }
    let objects: Vec<ObjectCoverage> = objects(schema, exclude)
        .into_iter()
        .map(|key| ObjectCoverage {
            files: covering
                .get(&key)
                .map(|s| s.iter().map(|f| f.to_string()).collect())
                .unwrap_or_default(),
            key,
        })
        .collect();
    let kinds = ObjectKind::ALL
        .into_iter()
        .map(|kind| {
            let of_kind: Vec<&ObjectCoverage> =
                objects.iter().filter(|o| o.key.kind == kind).collect();
            let total = of_kind.len();
            let uncovered: Vec<String> = of_kind
                .iter()
                .filter(|o| o.files.is_empty())
                .map(|o| o.key.name.clone())
                .collect();
            let covered = total - uncovered.len();
            KindCoverage {
                kind,
                covered,
                total,
                percent: percent(covered, total),
                uncovered,
            }
        })
        .collect();
    Coverage {
        kinds,
        objects,
        files: files.iter().map(|(p, _)| p.clone()).collect(),
        errors,
        facts,
    }
}

/// `covered / total` in percent, one decimal; 100 for an empty kind.
pub fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        (covered as f64 * 1000.0 / total as f64).round() / 10.0
    }
}
