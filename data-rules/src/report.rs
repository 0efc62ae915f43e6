//! Rendering a lint report: for people (grouped by file and object), as JSON, and as SARIF
//! 2.1.0 for code-scanning tools.

use crate::config::human_duration;
use crate::engine::Report;
use crate::registry;
use crate::rule::{Level, RuleMeta};
use serde_json::{json, Value};
use std::fmt::Write;

/// The information URI printed in SARIF (the project's repository).
pub const INFORMATION_URI: &str = "https://example.invalid/data";

/// Human output: findings grouped by location, each with rule id, level, object, message and
/// remedy; then suggestions; then a summary line.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    let mut last_file: Option<String> = None;
    for f in &report.findings {
        let file = f
            .location
            .as_ref()
            .map(|l| l.file.clone())
            .unwrap_or_else(|| "(plan)".into());
        if last_file.as_ref() != Some(&file) {
            let _ = writeln!(out, "{file}");
            last_file = Some(file);
        }
        let at = f
            .location
            .as_ref()
            .map(|l| format!("{}:{}: ", l.line, l.column))
            .unwrap_or_default();
        let _ = writeln!(out, "  {at}{} [{}] {}", f.level, f.rule, f.object);
        let _ = writeln!(out, "    {}", f.message);
        match &f.overridden {
            Some(reason) => {
                let _ = writeln!(out, "    overridden: {reason}");
            }
            None => {
                let _ = writeln!(out, "    fix: {}", f.remedy);
            }
        }
    }
    if !report.suggestions.is_empty() {
        let _ = writeln!(out, "\nSuggestions");
        for s in &report.suggestions {
            let _ = writeln!(out, "  [{}] {}", s.id, s.title);
            let _ = writeln!(out, "    {}", s.explanation);
            for line in s.sql.lines() {
                let _ = writeln!(out, "      {line}");
            }
        }
    }
    let (e, w, i) = report.counts();
    let estimate = if report.estimate.complete() {
        format!(
            "about {}",
            human_duration(std::time::Duration::from_secs_f64(report.estimate.seconds))
        )
    } else {
        format!(
            "at least {} (no row estimate for {})",
            human_duration(std::time::Duration::from_secs_f64(report.estimate.seconds)),
            report.estimate.unknown_tables.join(", ")
        )
    };
    let _ = writeln!(
        out,
        "\n{} statement(s) judged in {} ({}): {e} error(s), {w} warning(s), {i} info; {} suggestion(s); estimated duration {estimate}",
        report.statements,
        report.mode,
        report.environment,
        report.suggestions.len()
    );
    out
}

/// JSON output: the whole report.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into())
}

/// SARIF level of a level.
fn sarif_level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// SARIF reporting descriptor of a rule.
fn descriptor(m: &RuleMeta) -> Value {
    json!({
        "id": m.id,
        "name": m.id,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": m.explanation },
        "help": {
            "text": format!("{}\n\nBad:\n{}\n\nGood:\n{}\n\nRemedy: {}", m.explanation, m.bad, m.good, m.remedy),
            "markdown": format!("{}\n\n**Bad**\n\n```sql\n{}\n```\n\n**Good**\n\n```sql\n{}\n```\n\n**Remedy:** {}", m.explanation, m.bad, m.good, m.remedy),
        },
        "defaultConfiguration": { "level": sarif_level(m.level) },
        "properties": { "category": m.category.as_str() },
    })
}

/// SARIF 2.1.0 output: one run, the full catalogue as the driver's rules, one result per
/// finding (overridden findings carry a suppression with the reason).
pub fn sarif(report: &Report, version: &str) -> String {
    let catalogue = registry::catalogue();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = catalogue.iter().position(|m| m.id == f.rule);
            let mut r = json!({
                "ruleId": f.rule,
                "level": sarif_level(f.level),
                "message": { "text": format!("{} ({}). Fix: {}", f.message, f.object, f.remedy) },
                "properties": { "object": f.object },
            });
            if let Some(i) = index {
                r["ruleIndex"] = json!(i);
            }
            if let Some(l) = &f.location {
                r["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": l.file.trim_start_matches("./") },
                        "region": { "startLine": l.line.max(1), "startColumn": l.column.max(1) }
                    }
                }]);
            } else {
                r["locations"] = json!([]);
            }
            if let Some(reason) = &f.overridden {
                r["suppressions"] = json!([{ "kind": "external", "justification": reason }]);
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "data",
                    "version": version,
                    "informationUri": INFORMATION_URI,
                    "rules": catalogue.iter().map(|m| descriptor(m)).collect::<Vec<_>>(),
                }
            },
            "results": results,
            "properties": {
                "mode": report.mode,
                "environment": report.environment,
                "planHash": report.plan_hash,
            }
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
}

/// The catalogue as text (`data rules`).
pub fn catalogue_text() -> String {
    let mut out = String::new();
    let mut category = None;
    let all = registry::catalogue();
    for m in &all {
        if category != Some(m.category) {
            let _ = writeln!(out, "\n{}", m.category.as_str());
            category = Some(m.category);
        }
        let _ = writeln!(out, "  {:<42} {:<7} {}", m.id, m.level.as_str(), m.summary);
    }
    let _ = writeln!(
        out,
        "\n{} rules. `data rules explain ID` shows one with bad and good examples.",
        all.len()
    );
    out
}

/// One rule in full (`data rules explain ID`).
pub fn explain_text(m: &RuleMeta) -> String {
    let indent = |s: &str| {
        s.lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "{} ({}, {})\n\n{}\n\n{}\n\nBad:\n{}\n\nGood:\n{}\n\nRemedy: {}\n\nConfigure in .data-prime-directive.yml:\n    rules:\n      {}: off | info | warning | error\n",
        m.id,
        m.level,
        m.category.as_str(),
        m.summary,
        m.explanation,
        indent(m.bad),
        indent(m.good),
        m.remedy,
        m.id
    )
}
