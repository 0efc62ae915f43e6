//! `data holodeck list`, `data buffer list`, `data q realities` and `data q what-if`: tables of
//! database copies and the report of a what-if run.

use super::history::trim_lines;
use crate::{Buffer, HolodeckStatus, WhatIf};
use chrono::{DateTime, Utc};
use comfy_table::{presets, Table};

/// One row per holodeck: name, branch, age, size, URL (password redacted) and state.
pub fn holodecks_human(list: &[HolodeckStatus], now: DateTime<Utc>) -> String {
    if list.is_empty() {
        return "no holodecks; `data holodeck create` makes one for the current branch\n"
            .to_string();
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(vec!["NAME", "BRANCH", "AGE", "SIZE", "STATE", "URL"]);
    for s in list {
        let h = &s.holodeck;
        table.add_row(vec![
            h.name.clone(),
            h.branch.clone().unwrap_or_else(|| "-".to_string()),
            age(h.created, now),
            s.size.map(human_size).unwrap_or_else(|| "-".to_string()),
            s.state.clone(),
            s.url.clone().unwrap_or_else(|| "-".to_string()),
        ]);
    }
    let mut out = table.to_string();
    trim_lines(&mut out);
    out
}

/// One row per save point: name, kind, database, age, size, method and commit.
pub fn buffers_human(list: &[Buffer], now: DateTime<Utc>) -> String {
    if list.is_empty() {
        return "no save points\n".to_string();
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(vec![
        "NAME", "KIND", "OF", "AGE", "SIZE", "KEPT AS", "COMMIT",
    ]);
    for b in list {
        table.add_row(vec![
            b.name.clone(),
            format!("{:?}", b.kind).to_lowercase(),
            b.target.clone(),
            age(b.created, now),
            b.size.map(human_size).unwrap_or_else(|| "-".to_string()),
            match b.method {
                crate::Method::Template => format!("database {}", b.copy),
                crate::Method::Dump => format!("dump {}", b.copy),
            },
            b.commit
                .as_deref()
                .map(|c| c[..c.len().min(10)].to_string())
                .unwrap_or_else(|| "-".to_string()),
        ]);
    }
    let mut out = table.to_string();
    trim_lines(&mut out);
    out
}

/// The outcome of a what-if run: result, time, error and the schema changes it made.
pub fn what_if_human(w: &WhatIf) -> String {
    let mut out = format!(
        "what-if: {} on a clone of {} ({})\n",
        w.plan, w.target, w.clone
    );
    let secs = w.elapsed.as_secs_f64();
    if w.succeeded {
        out.push_str(&format!("result: SUCCEEDED in {secs:.2}s\n"));
    } else {
        out.push_str(&format!("result: FAILED after {secs:.2}s\n"));
        for line in w.error.as_deref().unwrap_or("").lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    match &w.changes_error {
        Some(e) => out.push_str(&format!("schema changes: could not be worked out: {e}\n")),
        None if w.changes.is_empty() => out.push_str("schema changes: none\n"),
        None => {
            out.push_str(&format!("schema changes ({}):\n", w.changes.len()));
            for c in &w.changes {
                let mark = if c.destructive { " (destructive)" } else { "" };
                out.push_str(&format!("  {} {} {}{mark}\n", c.op, c.kind, c.identity));
            }
        }
    }
    out.push_str("the clone was dropped; the original database was not touched\n");
    out
}

/// `45s`, `12m`, `3h`, `2d`.
fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let s = (now - then).num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

/// Bytes in binary units: `812 B`, `7.6 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_sizes_read_well() {
        let now = Utc::now();
        assert_eq!(age(now - chrono::Duration::seconds(5), now), "5s");
        assert_eq!(age(now - chrono::Duration::hours(3), now), "3h");
        assert_eq!(human_size(812), "812 B");
        assert_eq!(human_size(8 * 1024 * 1024), "8.0 MiB");
    }
}
