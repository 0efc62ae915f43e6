//! The deployment timeline as text: oldest first, each deployment with its changes.

use super::{short, when};
use data_ledger::Deployment;

/// One block per deployment, in time order.
pub fn timeline_text(env: &str, deployments: &[Deployment]) -> String {
    let mut out = format!(
        "timeline of {env}: {} deployment{}\n",
        deployments.len(),
        if deployments.len() == 1 { "" } else { "s" }
    );
    for d in deployments {
        out.push('\n');
        match d.record() {
            Some(r) => {
                out.push_str(&format!(
                    "o {}  {}{}  {}  by {}\n",
                    d.tag,
                    r.outcome.label(),
                    if d.intact() { "" } else { " (ALTERED)" },
                    when(&r.finished_at),
                    r.operator
                ));
                out.push_str(&format!(
                    "|   {} -> {}  plan {}\n",
                    r.from_commit.as_deref().map(short).unwrap_or("(empty)"),
                    short(&r.to_commit),
                    short(r.plan_hash.trim_start_matches("blake3:"))
                ));
                if r.changes.is_empty() {
                    out.push_str("|   no changes\n");
                }
                for c in &r.changes {
                    out.push_str(&format!(
                        "|   {} {} {}{}\n",
                        c.op,
                        c.kind,
                        c.identity,
                        if c.destructive { "  [destructive]" } else { "" }
                    ));
                }
                for o in &r.overrides {
                    out.push_str(&format!(
                        "|   override {} {}: {}\n",
                        o.rule, o.object, o.reason
                    ));
                }
                if let Some(n) = &r.note {
                    out.push_str(&format!("|   note: {n}\n"));
                }
            }
            None => out.push_str(&format!(
                "x {}  unreadable record: {}\n",
                d.tag,
                d.record.as_ref().err().cloned().unwrap_or_default()
            )),
        }
    }
    out
}
