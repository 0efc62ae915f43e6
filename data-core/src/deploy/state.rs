//! What the workflow remembers between commands, in the project's `.data/` folder (kept out of
//! git): test results per plan hash and the plan promoted per environment.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The outcome of `data test` for one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestRecord {
    /// The plan tested.
    pub plan_hash: String,
    /// The environment whose deployed schema the plan was applied to.
    pub environment: String,
    /// Whether the plan applied and every test passed.
    pub passed: bool,
    /// Tests run.
    pub tests: usize,
    /// Tests failed.
    pub failures: usize,
    /// When.
    pub at: DateTime<Utc>,
    /// The tool version.
    pub tool_version: String,
}

/// A plan marked ready for an environment by `data promote`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    /// The environment.
    pub environment: String,
    /// The plan.
    pub plan_hash: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who promoted it.
    pub by: String,
    /// Why it was promoted although the coverage gate blocked it (audited), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage_reason: Option<String>,
}

/// `<project>/.data`.
pub(crate) fn state_dir(project: &Path) -> PathBuf {
    project.join(".data")
}

pub(crate) fn test_record_path(project: &Path, plan_hash: &str) -> PathBuf {
    state_dir(project)
        .join("tests")
        .join(format!("{plan_hash}.json"))
}

pub(crate) fn promotion_path(project: &Path, env: &str) -> PathBuf {
    state_dir(project)
        .join("promoted")
        .join(format!("{env}.json"))
}

pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    std::fs::write(path, text + "\n").map_err(io)
}

pub(crate) fn read_json<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::Config {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Io {
            path: path.display().to_string(),
            source: e,
        }),
    }
}
