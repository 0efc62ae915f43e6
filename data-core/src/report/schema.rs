//! The schema at a point as an object list for people: one section per object kind.

use data_ast::model::Schema;
use data_ast::plan::{self, ObjectKind, OpKind};
use std::collections::BTreeMap;

/// `tables (2)` followed by the names, for every kind present.
pub fn schema_human(title: &str, schema: &Schema) -> String {
    let mut out = format!("schema at {title}\n");
    let groups = objects_of(schema);
    if groups.is_empty() {
        out.push_str("\n(no objects)\n");
    }
    for (kind, names) in groups {
        out.push_str(&format!("\n{} ({})\n", plural(kind), names.len()));
        for n in names {
            out.push_str(&format!("  {n}\n"));
        }
    }
    out
}

/// The objects of a schema by kind, each list sorted: what creating it from nothing would
/// create.
fn objects_of(schema: &Schema) -> BTreeMap<ObjectKind, Vec<String>> {
    let mut groups: BTreeMap<ObjectKind, Vec<String>> = BTreeMap::new();
    if let Ok(pair) = plan::plan(&Schema::default(), schema) {
        for op in pair.forward.operations {
            if op.kind == OpKind::Create {
                groups.entry(op.object.kind).or_default().push(op.identity);
            }
        }
    }
    for names in groups.values_mut() {
        names.sort();
        names.dedup();
    }
    groups
}

fn plural(kind: ObjectKind) -> String {
    match kind {
        ObjectKind::Index => "indexes".to_string(),
        ObjectKind::Policy => "policies".to_string(),
        other => format!("{}s", other.label()),
    }
}
