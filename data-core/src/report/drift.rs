//! `data drift` for people.

use crate::drift::Drift;

/// One line per object that differs, or a line saying there is no drift.
pub fn drift_human(drift: &Drift) -> String {
    let against = drift
        .deployed
        .as_deref()
        .map(|t| format!("golden SQL at {t}"))
        .unwrap_or_else(|| "an empty schema (nothing deployed yet)".to_string());
    if !drift.drifted() {
        return format!(
            "{}: no drift; {} matches {against}\n",
            drift.environment, drift.database
        );
    }
    let mut out = format!(
        "{}: DRIFT; {} differs from {against} in {} place{}:\n",
        drift.environment,
        drift.database,
        drift.changes.len(),
        if drift.changes.len() == 1 { "" } else { "s" }
    );
    for c in &drift.changes {
        let what = match c.op.as_str() {
            "create" => "added by hand",
            "drop" => "missing (dropped by hand)",
            "alter" => "changed by hand",
            "rename" => "renamed by hand",
            other => other,
        };
        out.push_str(&format!("  {} {}: {what}\n", c.kind, c.identity));
    }
    out.push_str(&format!(
        "`data drift {} --format sql` prints the plan that restores the golden schema\n",
        drift.environment
    ));
    out
}
