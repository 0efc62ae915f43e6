//! `data automate`: the pending plan written as migration files, named from the target
//! commit's time and the operations, so the same repository state writes the same files.

use super::pending::Pending;
use crate::error::{Error, Result};
use crate::project::Project;
use data_ast::plan::RenderFormat;
use std::path::PathBuf;

/// The three files of one migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFiles {
    /// `<stamp>_<slug>.sql`: the forward plan.
    pub up: PathBuf,
    /// `<stamp>_<slug>.down.sql`: the rollback.
    pub down: PathBuf,
    /// `<stamp>_<slug>.plan.json`: the plan as JSON.
    pub plan: PathBuf,
}

impl MigrationFiles {
    /// The three paths.
    pub fn all(&self) -> [&PathBuf; 3] {
        [&self.up, &self.down, &self.plan]
    }
}

/// The file stem: `YYYYMMDDHHMMSS_<slug>` from the target commit's time.
pub(crate) fn stem(pending: &Pending) -> String {
    format!(
        "{}_{}",
        pending.to.time.format("%Y%m%d%H%M%S"),
        slug(pending)
    )
}

/// `create_table_orders_add_column_name_and_3_more`: the first operations, in words.
fn slug(pending: &Pending) -> String {
    // Name the migration after what matters most to a reader: tables and columns first.
    const RANK: &[&str] = &[
        "table",
        "column",
        "view",
        "materialized view",
        "function",
        "type",
    ];
    let rank = |kind: &str| RANK.iter().position(|k| *k == kind).unwrap_or(RANK.len());
    let mut ordered: Vec<&data_ledger::Change> = pending.changes.iter().collect();
    ordered.sort_by_key(|c| rank(&c.kind));
    let mut words: Vec<String> = Vec::new();
    for c in ordered {
        let name = c.identity.rsplit('.').next().unwrap_or(&c.identity);
        let verb = match c.op.as_str() {
            "create" if c.kind == "column" => "add",
            other => other,
        };
        let phrase = format!("{verb}_{}_{name}", c.kind.replace(' ', "_"));
        if !words.contains(&phrase) {
            words.push(phrase);
        }
    }
    let shown: Vec<String> = words.iter().take(2).cloned().collect();
    let mut text = shown.join("_and_");
    if words.len() > shown.len() {
        text.push_str(&format!("_and_{}_more", words.len() - shown.len()));
    }
    let mut clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while clean.contains("__") {
        clean = clean.replace("__", "_");
    }
    let clean = clean.trim_matches('_').to_string();
    let cut: String = clean.chars().take(80).collect();
    if cut.is_empty() {
        "no_changes".to_string()
    } else {
        cut
    }
}

impl Project {
    /// Writes the pending plan of `env` (to HEAD) under the migrations folder. Returns `None`
    /// when there is nothing to do.
    pub fn automate(&self, env: &str) -> Result<Option<(Pending, MigrationFiles)>> {
        let pending = self.pending(env, None)?;
        if pending.diff.plans.forward.operations.is_empty() {
            return Ok(None);
        }
        let dir = self.dir().join(&self.config().migrations_dir);
        std::fs::create_dir_all(&dir).map_err(|e| Error::Io {
            path: dir.display().to_string(),
            source: e,
        })?;
        let stem = stem(&pending);
        let files = MigrationFiles {
            up: dir.join(format!("{stem}.sql")),
            down: dir.join(format!("{stem}.down.sql")),
            plan: dir.join(format!("{stem}.plan.json")),
        };
        let write = |path: &PathBuf, text: String| {
            std::fs::write(path, text).map_err(|e| Error::Io {
                path: path.display().to_string(),
                source: e,
            })
        };
        write(&files.up, pending.diff.render(RenderFormat::Sql, false))?;
        write(&files.down, pending.diff.render(RenderFormat::Sql, true))?;
        write(&files.plan, pending.diff.render(RenderFormat::Json, false))?;
        Ok(Some((pending, files)))
    }
}
