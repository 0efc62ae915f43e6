//! `enum-value-removed`: an enum label removed from golden SQL.

use super::prelude::*;

crate::rule!(EnumValueRemoved {
    id: "enum-value-removed",
    level: Error,
    category: Destructive,
    summary: "Removing an enum value rebuilds the type and fails on rows that use it",
    explanation: "PostgreSQL cannot drop an enum label: the plan rebuilds the type under a new name and moves every column over through text, rewriting each table that uses it under an ACCESS EXCLUSIVE lock. Rows holding the removed value make the move fail, and running code writing the value starts failing.",
    bad: "-- before\nCREATE TYPE status AS ENUM ('new', 'paid', 'void');\n-- after\nCREATE TYPE status AS ENUM ('new', 'paid');",
    good: "-- before\nCREATE TYPE status AS ENUM ('new', 'paid');\n-- after\nCREATE TYPE status AS ENUM ('new', 'paid', 'void');",
    remedy: "Stop writing the value, migrate existing rows to another value in batches, then remove it; or keep the label and treat it as retired in code. For values that change often, use a lookup table.",
});

impl Rule for EnumValueRemoved {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        for (name, old, new, origin) in enum_pairs(cx) {
            let removed: Vec<&String> = old.iter().filter(|v| !new.contains(v)).collect();
            if !removed.is_empty() {
                let list: Vec<String> = removed.iter().map(|v| format!("'{v}'")).collect();
                out.add_at(&Self::META, origin, name.to_string(), format!("enum {name} loses {}: the type is rebuilt and rows holding it make the migration fail", list.join(", ")));
            }
        }
    }
}

/// An enum on both sides: name, old labels, new labels, where the new one is declared.
pub(crate) type EnumPair = (QName, Vec<String>, Vec<String>, Option<Location>);

/// Enums present on both sides (following renames): name, old labels, new labels (old labels
/// renamed by annotation are mapped to their new names), and where the new one is declared.
pub(crate) fn enum_pairs(cx: &Context<'_>) -> Vec<EnumPair> {
    let mut out = Vec::new();
    for (name, t) in &cx.new.types {
        let TypeKind::Enum { values, renamed } = &t.kind else {
            continue;
        };
        let source = t.renamed_from.clone().unwrap_or_else(|| name.clone());
        let Some(ot) = cx.old.types.get(&source).or_else(|| cx.old.types.get(name)) else {
            continue;
        };
        let TypeKind::Enum { values: old, .. } = &ot.kind else {
            continue;
        };
        let old: Vec<String> = old
            .iter()
            .map(|v| {
                renamed
                    .iter()
                    .find(|(_, from)| *from == v)
                    .map(|(to, _)| to.clone())
                    .unwrap_or_else(|| v.clone())
            })
            .collect();
        out.push((
            name.clone(),
            old,
            values.clone(),
            origin_location(&t.origin),
        ));
    }
    out
}
