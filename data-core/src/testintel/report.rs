//! Coverage and required-test reports as text for a console, JSON, Markdown for a
//! pull-request comment, and one self-contained HTML page.

use super::coverage::Coverage;
use super::project::RequiredReport;
use serde_json::json;

/// Coverage per kind for a console: a table, then the uncovered objects.
pub fn coverage_human(c: &Coverage) -> String {
    let mut out = String::from("kind        covered  total  percent\n");
    for k in &c.kinds {
        out.push_str(&format!(
            "{:<11} {:>7}  {:>5}  {:>6.1}%\n",
            k.kind.plural(),
            k.covered,
            k.total,
            k.percent
        ));
    }
    let (covered, total) = c.totals();
    out.push_str(&format!(
        "{:<11} {:>7}  {:>5}  {:>6.1}%\n",
        "all",
        covered,
        total,
        super::coverage::percent(covered, total)
    ));
    out.push_str(&format!("{} test file(s) read\n", c.files.len()));
    for e in &c.errors {
        out.push_str(&format!(
            "warning: {} is not valid SQL: {}\n",
            e.file, e.message
        ));
    }
    for k in c.kinds.iter().filter(|k| !k.uncovered.is_empty()) {
        out.push_str(&format!("\nuncovered {}:\n", k.kind.plural()));
        for u in &k.uncovered {
            out.push_str(&format!("  {u}\n"));
        }
    }
    out
}

/// Coverage as JSON: per kind covered/total/percent/uncovered, every object with the files
/// covering it, and the files read.
pub fn coverage_json(c: &Coverage) -> String {
    let kinds: serde_json::Map<String, serde_json::Value> = c
        .kinds
        .iter()
        .map(|k| {
            (
                k.kind.plural().to_string(),
                json!({
                    "covered": k.covered,
                    "total": k.total,
                    "percent": k.percent,
                    "uncovered": k.uncovered,
                }),
            )
        })
        .collect();
    let (covered, total) = c.totals();
    let value = json!({
        "kinds": kinds,
        "total": { "covered": covered, "total": total, "percent": super::coverage::percent(covered, total) },
        "objects": c.objects,
        "files": c.files,
        "errors": c.errors,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// Coverage as Markdown for a pull-request comment.
pub fn coverage_markdown(c: &Coverage) -> String {
    let (covered, total) = c.totals();
    let mut out = format!(
        "### Database test coverage: {covered}/{total} objects ({}%)\n\n| kind | covered | total | % |\n|---|---:|---:|---:|\n",
        super::coverage::percent(covered, total)
    );
    for k in &c.kinds {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            k.kind.plural(),
            k.covered,
            k.total,
            k.percent
        ));
    }
    let uncovered: Vec<String> = c
        .kinds
        .iter()
        .flat_map(|k| {
            k.uncovered
                .iter()
                .map(move |u| format!("- {} `{u}`", k.kind.label()))
        })
        .collect();
    if !uncovered.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>{} uncovered object(s)</summary>\n\n{}\n\n</details>\n",
            uncovered.len(),
            uncovered.join("\n")
        ));
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Coverage as one self-contained HTML page (inline CSS, no scripts).
pub fn coverage_html(c: &Coverage) -> String {
    let (covered, total) = c.totals();
    let mut rows = String::new();
    for k in &c.kinds {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><div class=bar><span style=\"width:{}%\"></span></div> {}%</td></tr>\n",
            k.kind.plural(),
            k.covered,
            k.total,
            k.percent,
            k.percent
        ));
    }
    let mut objects = String::new();
    for o in &c.objects {
        objects.push_str(&format!(
            "<tr class={}><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
            if o.files.is_empty() { "miss" } else { "hit" },
            o.key.kind.label(),
            esc(&o.key.name),
            esc(&o.files.join(", "))
        ));
    }
    format!(
        "<!doctype html>\n<html><head><meta charset=utf-8><title>Database test coverage</title>\n<style>\
body{{font:14px system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin-bottom:2em}}\
td,th{{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}}.bar{{display:inline-block;width:120px;height:10px;background:#eee}}\
.bar span{{display:block;height:10px;background:#3a7}}tr.miss td{{background:#fdecea}}\
</style></head><body>\n<h1>Database test coverage: {covered}/{total} objects ({pct}%)</h1>\n\
<table><tr><th>kind</th><th>covered</th><th>total</th><th>percent</th></tr>\n{rows}</table>\n\
<h2>Objects</h2>\n<table><tr><th>kind</th><th>object</th><th>covered by</th></tr>\n{objects}</table>\n</body></html>\n",
        pct = super::coverage::percent(covered, total)
    )
}

/// Required tests for a console: one line each, missing ones first.
pub fn required_human(r: &RequiredReport) -> String {
    let missing = r.missing().count();
    let mut out = format!(
        "required tests from {} to {}: {} ({} satisfied, {missing} missing)\n",
        r.from,
        r.to,
        r.tests.len(),
        r.tests.len() - missing
    );
    for t in r.tests.iter().filter(|t| t.satisfied_by.is_none()) {
        out.push_str(&format!(
            "  MISSING  {:<8} {}  ({})\n",
            t.priority.label(),
            t.id(),
            t.change
        ));
    }
    for t in r.tests.iter().filter(|t| t.satisfied_by.is_some()) {
        out.push_str(&format!(
            "  ok       {:<8} {}  ({})\n",
            t.priority.label(),
            t.id(),
            t.satisfied_by.as_deref().unwrap_or_default()
        ));
    }
    if missing > 0 {
        out.push_str("`data test scaffold` writes pgTAP files for the missing tests\n");
    }
    out
}

/// Required tests as JSON.
pub fn required_json(r: &RequiredReport) -> String {
    let tests: Vec<serde_json::Value> = r
        .tests
        .iter()
        .map(|t| {
            json!({
                "id": t.id(),
                "object": t.object,
                "facet": t.facet,
                "role": t.role,
                "priority": t.priority,
                "change": t.change,
                "satisfied_by": t.satisfied_by,
            })
        })
        .collect();
    let value = json!({
        "from": r.from,
        "to": r.to,
        "supabase": r.supabase,
        "required": r.tests.len(),
        "missing": r.missing().count(),
        "tests": tests,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// Required tests as Markdown for a pull-request comment.
pub fn required_markdown(r: &RequiredReport) -> String {
    let missing = r.missing().count();
    let mut out = format!(
        "### Required database tests: {} of {} present\n\n",
        r.tests.len() - missing,
        r.tests.len()
    );
    if missing > 0 {
        out.push_str("| priority | missing test | change |\n|---|---|---|\n");
        for t in r.missing() {
            out.push_str(&format!(
                "| {} | `{}` | {} |\n",
                t.priority.label(),
                t.id(),
                t.change
            ));
        }
        out.push_str("\nRun `data test scaffold` to write pgTAP files for them.\n");
    } else {
        out.push_str("Every test this change requires exists.\n");
    }
    out
}
