//! `data history`: deployments newest first, as a table or as JSON records.

use super::{short, when};
use comfy_table::{presets, Table};
use data_ledger::Deployment;
use serde::Serialize;

/// One row per deployment: tag, outcome, when, who, what changed.
pub fn history_human(deployments: &[Deployment]) -> String {
    if deployments.is_empty() {
        return "no deployments recorded\n".to_string();
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(vec![
        "TAG", "OUTCOME", "FINISHED", "BY", "COMMIT", "CHANGES",
    ]);
    for d in deployments {
        match d.record() {
            Some(r) => table.add_row(vec![
                d.tag.to_string(),
                if d.intact() {
                    r.outcome.label().to_string()
                } else {
                    format!("{} (ALTERED)", r.outcome.label())
                },
                when(&r.finished_at),
                r.operator.clone(),
                short(&d.commit).to_string(),
                r.operations.kinds_summary(),
            ]),
            None => table.add_row(vec![
                d.tag.to_string(),
                "unreadable".to_string(),
                String::new(),
                String::new(),
                short(&d.commit).to_string(),
                d.record.as_ref().err().cloned().unwrap_or_default(),
            ]),
        };
    }
    let mut out = table.to_string();
    trim_lines(&mut out);
    out
}

/// A JSON array of the records in their field order, each with `commit`, `signed` and
/// `intact` (whether its content still matches its own hash; `data audit verify` checks links);
/// unreadable records appear with an `error` instead of their fields.
pub fn history_json(deployments: &[Deployment]) -> String {
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Entry<'a> {
        Readable {
            #[serde(flatten)]
            record: &'a data_ledger::DeploymentRecord,
            commit: &'a str,
            signed: bool,
            intact: bool,
        },
        Unreadable {
            tag: String,
            environment: &'a str,
            commit: &'a str,
            signed: bool,
            error: &'a str,
        },
    }
    let items: Vec<Entry<'_>> = deployments
        .iter()
        .map(|d| match &d.record {
            Ok(p) => Entry::Readable {
                record: &p.record,
                commit: &d.commit,
                signed: d.signed,
                intact: d.intact(),
            },
            Err(e) => Entry::Unreadable {
                tag: d.tag.to_string(),
                environment: &d.tag.env,
                commit: &d.commit,
                signed: d.signed,
                error: e,
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_default();
    out.push('\n');
    out
}

/// Removes the padding comfy-table leaves at line ends, and ends with a newline.
pub(crate) fn trim_lines(text: &mut String) {
    let trimmed: Vec<&str> = text.lines().map(str::trim_end).collect();
    *text = trimmed.join("\n");
    text.push('\n');
}
