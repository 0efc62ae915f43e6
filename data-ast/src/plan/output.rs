//! Rendering a plan: SQL with a header, JSON, and a human summary.

use super::execution::Line;
use super::{Group, OpKind, Plan, PlanOptions, PlanPair};
use serde::Serialize;
use std::fmt::Write;

/// The version of the JSON plan format. Bumped when a field changes meaning or is removed;
/// fields may be added without a bump. Version 2: every operation carries its typed `object`
/// (`kind`, `schema`, `name`, `member`, `args`), `action`, per-statement `changes`, `lock` (a
/// PostgreSQL lock mode or `none`), `rewrite`, `tables` and `origin`.
pub const FORMAT_VERSION: u32 = 2;

/// Output formats of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderFormat {
    /// Executable SQL with comment headers.
    Sql,
    /// Machine-readable JSON.
    Json,
    /// A summary for people.
    Human,
}

/// What the header of a rendered plan says.
#[derive(Debug, Clone, Serialize)]
pub struct PlanHeader {
    /// Where the old schema came from.
    pub from: String,
    /// Where the new schema came from.
    pub to: String,
    /// The tool's version.
    pub tool_version: String,
}

impl PlanPair {
    /// Renders the forward plan (or the rollback when `rollback`) in `format`.
    pub fn render(&self, header: &PlanHeader, format: RenderFormat, rollback: bool) -> String {
        let (plan, from, to) = if rollback {
            (&self.rollback, &header.to, &header.from)
        } else {
            (&self.forward, &header.from, &header.to)
        };
        match format {
            RenderFormat::Sql => render_sql(plan, from, to, &header.tool_version),
            RenderFormat::Json => render_json(self, header, rollback),
            RenderFormat::Human => render_human(plan, from, to),
        }
    }
}

fn render_sql(plan: &Plan, from: &str, to: &str, version: &str) -> String {
    let mut out = String::new();
    let destructive = plan.destructive().count();
    let _ = writeln!(out, "-- data migration plan");
    let _ = writeln!(out, "-- from: {from}");
    let _ = writeln!(out, "-- to:   {to}");
    let _ = writeln!(out, "-- plan: {}", plan.hash());
    let _ = writeln!(out, "-- tool: data {version}");
    let _ = writeln!(
        out,
        "-- operations: {} ({} destructive)",
        plan.operations.len(),
        destructive
    );
    let _ = writeln!(out, "-- mode: {}", mode(plan));
    if !plan.is_empty() {
        let _ = writeln!(out, "-- runs: {}", runs(plan));
    }
    for w in &plan.warnings {
        let _ = writeln!(out, "-- warning: {w}");
    }
    if plan.is_empty() {
        let _ = writeln!(out, "-- no changes");
        return out;
    }
    for line in plan.script() {
        let _ = match line {
            Line::Blank => writeln!(out),
            Line::Comment(c) => writeln!(out, "-- {c}"),
            Line::Statement(s) => writeln!(out, "{s};"),
        };
    }
    out
}

/// `online-safe` or `fast (--unsafe-fast)`, with the timeouts.
fn mode(plan: &Plan) -> String {
    let o = &plan.options;
    let timeout = |t: &Option<String>| t.clone().unwrap_or_else(|| "server default".into());
    format!(
        "{}; lock_timeout {}, statement_timeout {}",
        if o.online {
            "online-safe"
        } else {
            "fast (--unsafe-fast)"
        },
        timeout(&o.lock_timeout),
        timeout(&o.statement_timeout)
    )
}

/// How many operations run inside transaction blocks and how many outside any.
fn runs(plan: &Plan) -> String {
    let groups = plan.groups();
    let blocks = groups.iter().filter(|g| g.transactional).count();
    let inside: usize = groups
        .iter()
        .filter(|g| g.transactional)
        .map(|g| g.operations)
        .sum();
    let outside = plan.operations.len() - inside;
    format!(
        "{inside} operation{} in {blocks} transaction{}, {outside} outside any transaction",
        if inside == 1 { "" } else { "s" },
        if blocks == 1 { "" } else { "s" }
    )
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    format_version: u32,
    from: &'a str,
    to: &'a str,
    plan_hash: String,
    rollback_hash: String,
    tool_version: &'a str,
    destructive: usize,
    options: &'a PlanOptions,
    groups: Vec<Group>,
    operations: &'a [super::Operation],
    warnings: &'a [String],
}

fn render_json(pair: &PlanPair, header: &PlanHeader, rollback: bool) -> String {
    let (plan, other, from, to) = if rollback {
        (&pair.rollback, &pair.forward, &header.to, &header.from)
    } else {
        (&pair.forward, &pair.rollback, &header.from, &header.to)
    };
    let doc = JsonPlan {
        format_version: FORMAT_VERSION,
        from,
        to,
        plan_hash: plan.hash(),
        rollback_hash: other.hash(),
        tool_version: &header.tool_version,
        destructive: plan.destructive().count(),
        options: &plan.options,
        groups: plan.groups(),
        operations: &plan.operations,
        warnings: &plan.warnings,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}

fn render_human(plan: &Plan, from: &str, to: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Plan {} -> {}", from, to);
    if plan.is_empty() {
        let _ = writeln!(out, "  no changes");
        return out;
    }
    let count = |k: OpKind| plan.operations.iter().filter(|o| o.kind == k).count();
    let _ = writeln!(
        out,
        "  {} operations: {} create, {} alter, {} rename, {} drop; {} destructive",
        plan.operations.len(),
        count(OpKind::Create),
        count(OpKind::Alter),
        count(OpKind::Rename),
        count(OpKind::Drop),
        plan.destructive().count()
    );
    let _ = writeln!(out, "  {}", runs(plan));
    let _ = writeln!(out, "  {}", mode(plan));
    for op in &plan.operations {
        let sign = match op.kind {
            OpKind::Create => '+',
            OpKind::Drop => '-',
            OpKind::Alter => '~',
            OpKind::Rename => '>',
        };
        let _ = write!(
            out,
            "  {sign} {:<18} {}",
            op.object.kind.label(),
            op.identity
        );
        if op.destructive {
            let _ = write!(out, "  (destructive)");
        }
        if op.reverse_loses_data {
            let _ = write!(out, "  (rollback loses data)");
        }
        if !op.transactional {
            let _ = write!(out, "  (outside transaction)");
        }
        let _ = writeln!(out);
    }
    for w in &plan.warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    let _ = writeln!(out, "  plan {}", &plan.hash()[..16]);
    out
}
