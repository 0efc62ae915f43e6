//! Refusing a plan whose target declares no objects: an empty file or folder given by
//! mistake would otherwise plan a `DROP` of everything.

use crate::error::{Error, Result};
use data_ast::model::Schema;

/// Counts of the objects of `schema` per kind, kinds without objects left out.
pub fn object_counts(schema: &Schema) -> Vec<(&'static str, usize)> {
    let counts = [
        ("schema", schema.schemas.len()),
        ("extension", schema.extensions.len()),
        ("collation", schema.collations.len()),
        ("type", schema.types.len()),
        ("sequence", schema.sequences.len()),
        ("table", schema.tables.len()),
        ("view", schema.views.len()),
        ("function", schema.functions.len()),
        ("index", schema.indexes.len()),
        ("trigger", schema.triggers.len()),
        ("policy", schema.policies.len()),
        ("privilege grant", schema.grants.len()),
        ("pass-through statement", schema.passthrough.len()),
    ];
    counts.into_iter().filter(|(_, n)| *n > 0).collect()
}

/// Refuses a plan from `old` to `new` when `new` declares no objects while `old` has some
/// (every one of them would be dropped). `target` names the target in the message.
pub fn check(old: &Schema, new: &Schema, target: &str) -> Result<()> {
    if !object_counts(new).is_empty() {
        return Ok(());
    }
    let old_counts = object_counts(old);
    if old_counts.is_empty() {
        return Ok(());
    }
    let would_drop = old_counts
        .iter()
        .map(|(kind, n)| format!("{n} {}", plural(kind, *n)))
        .collect::<Vec<_>>()
        .join(", ");
    Err(Error::EmptyTarget {
        target: target.to_string(),
        would_drop,
    })
}

fn plural(kind: &str, n: usize) -> String {
    match (kind, n) {
        (k, 1) => k.to_string(),
        ("index", _) => "indexes".to_string(),
        ("policy", _) => "policies".to_string(),
        (k, _) => format!("{k}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_ast::parse::ParseCache;
    use data_ast::SourceFile;

    fn schema(sql: &str) -> Schema {
        let files = [SourceFile::new("t.sql", sql)];
        data_ast::build::load(&files, &ParseCache::new()).schema
    }

    #[test]
    fn an_empty_target_is_refused_with_what_would_be_dropped() {
        let old = schema("create schema s; create table s.a (x int); create table s.b (x int); create index on s.a (x);");
        let err = check(&old, &Schema::default(), "empty/").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("empty/"), "{text}");
        assert!(text.contains("1 schema, 2 tables, 1 index"), "{text}");
    }

    #[test]
    fn empty_to_empty_and_non_empty_targets_pass() {
        let old = schema("create table a (x int);");
        assert!(check(&Schema::default(), &Schema::default(), "x").is_ok());
        assert!(check(&old, &old, "x").is_ok());
        assert!(check(&Schema::default(), &old, "x").is_ok());
    }
}
