//! `data init`: the files and folders of a new project. Existing files are never overwritten.

use crate::error::{Error, Result};
use crate::source::FOLDER_ORDER;
use std::path::{Path, PathBuf};

const DATA_TOML: &str = r#"# data project settings. See the README for every key.

# Where golden SQL lives.
sql_dir = "sql"
# Where `data automate` writes migrations, and where pgTAP tests live.
migrations_dir = "migrations"
tests_dir = "tests"
# Roles whose GRANTs and REVOKEs the golden SQL manages.
managed_roles = []

# Environments: the connection URL is read from the variable `url_env` names; never write a
# URL (or a password) in this file.
[environments.dev]
url_env = "DEV_DATABASE_URL"

[environments.prod]
url_env = "PROD_DATABASE_URL"
protected = true
branch = "main"

# How plans run: online-safe steps for existing tables, and the timeouts each transaction
# (and each step outside one) gets.
[plan]
online = true
lock_timeout = "5s"
statement_timeout = "15min"

[deploy]
lock_wait_seconds = 30
"#;

const SAMPLE_TEST: &str =
    "-- A pgTAP test: `data test` runs every .sql file in this folder on a throwaway
-- database holding the schema being deployed.
BEGIN;
SELECT plan(1);
SELECT has_schema('public', 'the public schema exists');
SELECT * FROM finish();
ROLLBACK;
";

/// Creates the project skeleton in `dir`; returns the paths created (existing ones are kept).
pub fn init_project(dir: &Path, prime_directive_sample: &str) -> Result<Vec<PathBuf>> {
    let mut created = Vec::new();
    let io = |path: &Path, e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    let mut file = |rel: &str, text: &str| -> Result<()> {
        let path = dir.join(rel);
        if path.exists() {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
        created.push(path);
        Ok(())
    };
    file("data.toml", DATA_TOML)?;
    for folder in FOLDER_ORDER {
        file(&format!("sql/{folder}/.gitkeep"), "")?;
    }
    file("tests/example.sql", SAMPLE_TEST)?;
    file(".data-prime-directive.yml", prime_directive_sample)?;
    let ignore = dir.join(".gitignore");
    let current = std::fs::read_to_string(&ignore).unwrap_or_default();
    if !current
        .lines()
        .any(|l| l.trim() == ".data/" || l.trim() == ".data")
    {
        let mut text = current;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# data's local state: test results, promotions, caches\n.data/\n");
        std::fs::write(&ignore, text).map_err(|e| io(&ignore, e))?;
        created.push(ignore);
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaffolds_once_and_keeps_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "target/").unwrap();
        let first = init_project(dir.path(), "rules: {}\n").unwrap();
        assert!(first.iter().any(|p| p.ends_with("data.toml")));
        assert!(dir.path().join("sql/tables/.gitkeep").exists());
        let ignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
        assert!(ignore.starts_with("target/\n") && ignore.contains(".data/"));
        let config = crate::Config::load(dir.path()).unwrap();
        assert!(config.environments["prod"].protected);
        assert!(init_project(dir.path(), "").unwrap().is_empty());
    }
}
