//! `enum-values-reordered`: enum labels kept but put in another order.

use super::prelude::*;

crate::rule!(EnumValuesReordered {
    id: "enum-values-reordered",
    level: Warning,
    category: Compatibility,
    summary: "Reordering enum values rebuilds the type and changes sort order and comparisons",
    explanation: "Enum values compare by declaration order. Changing the order forces the plan to rebuild the type (rewriting every table using it) and silently changes ORDER BY results and < / > comparisons in queries and indexes.",
    bad: "-- before\nCREATE TYPE priority AS ENUM ('low', 'high');\n-- after\nCREATE TYPE priority AS ENUM ('high', 'low');",
    good: "-- before\nCREATE TYPE priority AS ENUM ('low', 'high');\n-- after\nCREATE TYPE priority AS ENUM ('low', 'medium', 'high');",
    remedy: "Keep the existing order and insert new values where they belong (ADD VALUE ... BEFORE/AFTER); if order matters to the business, store it in a lookup table.",
});

impl Rule for EnumValuesReordered {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        for (name, old, new, origin) in super::enum_value_removed::enum_pairs(cx) {
            let kept_new: Vec<&String> = new.iter().filter(|v| old.contains(v)).collect();
            let kept_old: Vec<&String> = old.iter().filter(|v| new.contains(v)).collect();
            if kept_new != kept_old {
                out.add_at(&Self::META, origin, name.to_string(), format!("enum {name} changes the order of existing values: sorting and comparisons change and the type is rebuilt"));
            }
        }
    }
}
