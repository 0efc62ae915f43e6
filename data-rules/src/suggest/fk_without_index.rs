//! `fk-without-index`: a new foreign key whose columns no index covers.

use super::{Change, Pattern, Suggestion};
use data_ast::model::ConstraintKind;

/// Recognises foreign keys without a supporting index on the referencing side.
pub struct FkWithoutIndex;

impl Pattern for FkWithoutIndex {
    fn id(&self) -> &'static str {
        "fk-without-index"
    }

    fn suggest(&self, change: &Change<'_>, out: &mut Vec<Suggestion>) {
        for (name, t) in &change.new.tables {
            let old = change
                .old
                .tables
                .get(t.renamed_from.as_ref().unwrap_or(name));
            for c in t.constraints.values() {
                let ConstraintKind::ForeignKey {
                    columns,
                    table: target,
                    on_delete,
                    ..
                } = &c.kind
                else {
                    continue;
                };
                if old.is_some_and(|o| o.constraints.contains_key(&c.name)) {
                    continue;
                }
                if change.indexed(t, columns) {
                    continue;
                }
                let cols = columns.join(", ");
                let idx = format!("{}_{}_idx", t.name.name, columns.join("_"));
                out.push(Suggestion {
                    id: self.id(),
                    title: format!("foreign key {} on {} has no index on ({cols})", c.name, t.name),
                    object: format!("{}.{}", t.name, c.name),
                    explanation: format!("Every DELETE or key UPDATE on {target} looks up referencing rows in {} by ({cols}){}; without an index each one scans the table, and joins along the key are slow.", t.name, if on_delete.contains("CASCADE") { ", and ON DELETE CASCADE deletes them the same way" } else { "" }),
                    sql: format!("CREATE INDEX {idx} ON {} ({cols});", t.name.sql()),
                });
            }
        }
    }
}
