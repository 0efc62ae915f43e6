//! `data status` for people.

use super::{short, when};
use crate::status::Status;

/// The branch and working tree, then one block per environment.
pub fn status_human(status: &Status) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "on branch {} at {}\n",
        status.branch.as_deref().unwrap_or("(detached HEAD)"),
        short(&status.head)
    ));
    if status.clean() {
        out.push_str("working tree clean\n");
    } else {
        out.push_str(&format!(
            "working tree has {} uncommitted file{}:\n",
            status.uncommitted.len(),
            if status.uncommitted.len() == 1 {
                ""
            } else {
                "s"
            }
        ));
        for p in &status.uncommitted {
            out.push_str(&format!("  {p}\n"));
        }
    }
    if status.environments.is_empty() {
        out.push_str(
            "\nno environments: add [environments.<name>] to data.toml or record a deployment\n",
        );
    }
    for env in &status.environments {
        out.push_str(&format!(
            "\n{}{}\n",
            env.name,
            if env.protected { " (protected)" } else { "" }
        ));
        match &env.deployed {
            Some(d) => {
                out.push_str(&format!(
                    "  deployed:  {} (commit {})\n",
                    d.tag,
                    short(&d.commit)
                ));
                if let (Some(t), Some(by)) = (&d.finished_at, &d.operator) {
                    out.push_str(&format!("  at:        {} by {by}\n", when(t)));
                }
            }
            None => out.push_str("  deployed:  nothing yet\n"),
        }
        if let Some(f) = &env.last_failed {
            out.push_str(&format!("  last try:  {f} did not take effect\n"));
        }
        if let Some(n) = env.commits_since {
            out.push_str(&format!(
                "  behind:    {n} commit{} since\n",
                if n == 1 { "" } else { "s" }
            ));
        }
        if let Some(e) = &env.error {
            out.push_str(&format!("  pending:   cannot plan: {e}\n"));
        } else if env.pending.total == 0 {
            out.push_str("  pending:   nothing, HEAD's golden SQL is deployed\n");
        } else {
            out.push_str(&format!(
                "  pending:   {} operation{} ({} destructive): {}\n",
                env.pending.total,
                if env.pending.total == 1 { "" } else { "s" },
                env.pending.destructive,
                env.pending.summary()
            ));
            for c in &env.pending_changes {
                out.push_str(&format!(
                    "    {} {} {}{}\n",
                    c.op,
                    c.kind,
                    c.identity,
                    if c.destructive { "  [destructive]" } else { "" }
                ));
            }
        }
    }
    out
}
