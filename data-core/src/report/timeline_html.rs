//! The deployment timeline as one self-contained HTML page: inline CSS, no scripts, no fonts
//! or images fetched from anywhere. Each deployment is a `<details>` element on a vertical
//! line, so it expands to its changes in any browser without JavaScript.

use super::{short, when};
use data_ledger::{Deployment, DeploymentRecord};
use std::fmt::Write;

const STYLE: &str = r#"
:root { --ok: #1a7f37; --fail: #cf222e; --base: #8250df; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 2rem;
       color: #1f2328; background: #f6f8fa; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 2rem 0 .75rem; }
p.meta { color: var(--muted); margin: 0 0 1rem; }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 1.5rem; border-left: 3px solid var(--line); }
ol.timeline > li { position: relative; margin: 0 0 1rem; }
ol.timeline > li::before { content: ""; position: absolute; left: -2.15rem; top: .85rem; width: 1rem;
       height: 1rem; border-radius: 50%; background: var(--ok); border: 3px solid #fff; }
ol.timeline > li.failed::before { background: var(--fail); }
ol.timeline > li.baseline::before { background: var(--base); }
ol.timeline > li.unreadable::before { background: var(--muted); }
details { background: #fff; border: 1px solid var(--line); border-radius: 8px; }
summary { cursor: pointer; padding: .6rem .9rem; display: flex; flex-wrap: wrap; gap: .5rem;
          align-items: baseline; }
summary .tag { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-weight: 600; }
.badge { font-size: .75rem; padding: .1rem .5rem; border-radius: 1rem; color: #fff; background: var(--ok); }
.badge.failed { background: var(--fail); } .badge.baseline { background: var(--base); }
.badge.unreadable { background: var(--muted); }
.chip { font-size: .75rem; padding: .1rem .45rem; border-radius: .3rem; background: #eaeef2; }
.chip.destructive { background: #ffebe9; color: var(--fail); }
.who { color: var(--muted); font-size: .85rem; }
.body { padding: 0 .9rem .8rem; border-top: 1px solid var(--line); }
.body dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .7rem 0; }
.body dt { color: var(--muted); } .body dd { margin: 0; font-family: ui-monospace, Menlo, monospace; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
td, th { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eaeef2; }
th { color: var(--muted); font-weight: 500; }
td.op { width: 5rem; } td.kind { width: 9rem; color: var(--muted); }
td.identity { font-family: ui-monospace, Menlo, monospace; }
tr.destructive td { color: var(--fail); }
.empty { color: var(--muted); font-style: italic; }
"#;

/// The page for the given environments' deployments (each list oldest first).
pub fn timeline_html(title: &str, environments: &[(String, Vec<Deployment>)]) -> String {
    let mut out = String::new();
    let total: usize = environments.iter().map(|(_, d)| d.len()).sum();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n\
         <p class=\"meta\">{total} deployment{} in {} environment{} &middot; data {}</p>\n",
        esc(title),
        esc(title),
        if total == 1 { "" } else { "s" },
        environments.len(),
        if environments.len() == 1 { "" } else { "s" },
        esc(crate::VERSION),
    );
    for (env, deployments) in environments {
        let _ = writeln!(out, "<section id=\"env-{}\">", esc(env));
        let _ = writeln!(out, "<h2>{}</h2>", esc(env));
        if deployments.is_empty() {
            out.push_str("<p class=\"empty\">no deployments recorded</p>\n");
        } else {
            out.push_str("<ol class=\"timeline\">\n");
            for d in deployments {
                deployment(&mut out, d);
            }
            out.push_str("</ol>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn deployment(out: &mut String, d: &Deployment) {
    let Some(r) = d.record() else {
        let _ = writeln!(
            out,
            "<li class=\"unreadable\"><details><summary><span class=\"tag\">{}</span>\
             <span class=\"badge unreadable\">unreadable</span></summary>\
             <div class=\"body\"><p>{}</p></div></details></li>",
            esc(&d.tag.to_string()),
            esc(d.record.as_ref().err().map(String::as_str).unwrap_or(""))
        );
        return;
    };
    let outcome = r.outcome.label();
    let _ = write!(
        out,
        "<li class=\"{outcome}\"><details><summary><span class=\"tag\">{}</span>\
         <span class=\"badge {outcome}\">{outcome}</span><span class=\"who\">{} &middot; {}</span>",
        esc(&d.tag.to_string()),
        esc(&when(&r.finished_at)),
        esc(&r.operator),
    );
    for (kind, ops) in &r.operations.by_kind {
        let n: usize = ops.values().sum();
        let _ = write!(out, "<span class=\"chip\">{n} {}</span>", esc(kind));
    }
    if !d.intact() {
        out.push_str("<span class=\"badge failed\">altered record</span>");
    }
    if r.operations.destructive > 0 {
        let _ = write!(
            out,
            "<span class=\"chip destructive\">{} destructive</span>",
            r.operations.destructive
        );
    }
    out.push_str("</summary>\n<div class=\"body\">\n");
    facts(out, d, r);
    changes(out, r);
    out.push_str("</div></details></li>\n");
}

fn facts(out: &mut String, d: &Deployment, r: &DeploymentRecord) {
    out.push_str("<dl>\n");
    let mut fact = |k: &str, v: &str| {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    };
    fact(
        "commits",
        &format!(
            "{} \u{2192} {}",
            r.from_commit.as_deref().map(short).unwrap_or("(empty)"),
            short(&r.to_commit)
        ),
    );
    fact("plan", &r.plan_hash);
    fact("started", &when(&r.started_at));
    fact("tool", &r.tool_version);
    if d.signed {
        fact("signature", "signed tag");
    }
    for o in &r.overrides {
        fact(
            "override",
            &format!("{} {}: {}", o.rule, o.object, o.reason),
        );
    }
    if let Some(n) = &r.note {
        fact("note", n);
    }
    out.push_str("</dl>\n");
}

fn changes(out: &mut String, r: &DeploymentRecord) {
    if r.changes.is_empty() {
        out.push_str("<p class=\"empty\">no schema changes</p>\n");
        return;
    }
    out.push_str(
        "<table><thead><tr><th>change</th><th>kind</th><th>object</th></tr></thead><tbody>\n",
    );
    for c in &r.changes {
        let _ = writeln!(
            out,
            "<tr{}><td class=\"op\">{}</td><td class=\"kind\">{}</td><td class=\"identity\">{}</td></tr>",
            if c.destructive { " class=\"destructive\"" } else { "" },
            esc(&c.op),
            esc(&c.kind),
            esc(&c.identity)
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
