//! Finding the directory that holds the PostgreSQL programs (initdb, postgres, psql, pg_dump).

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// Where the Debian/Ubuntu packages install one directory per major version.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// The directory holding a PostgreSQL installation's programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinDir {
    dir: PathBuf,
}

impl BinDir {
    /// Finds the PostgreSQL programs, trying in order: the `PG_BINDIR` environment variable,
    /// `pg_config --bindir`, the highest `/usr/lib/postgresql/<major>/bin`, then the directory
    /// of an `initdb` found on `PATH`.
    ///
    /// A set but wrong `PG_BINDIR` is an error rather than silently ignored.
    pub fn locate() -> Result<BinDir> {
        if let Some(dir) = env::var_os("PG_BINDIR").filter(|value| !value.is_empty()) {
            let dir = PathBuf::from(dir);
            let searched = format!("$PG_BINDIR ({})", dir.display());
            return BinDir::at(dir).map_err(|_| Error::BinariesNotFound { searched });
        }
        let mut searched = vec!["$PG_BINDIR (unset)".to_owned()];
        let candidates = [
            from_pg_config(&mut searched),
            from_debian_layout(&mut searched),
            from_path(&mut searched),
        ];
        candidates
            .into_iter()
            .flatten()
            .next()
            .map(|dir| BinDir { dir })
            .ok_or_else(|| Error::BinariesNotFound {
                searched: searched.join(", "),
            })
    }

    /// Uses `dir` as the PostgreSQL program directory, after checking that it holds `initdb`
    /// and `postgres`.
    pub fn at(dir: impl Into<PathBuf>) -> Result<BinDir> {
        let dir = dir.into();
        if has_server_programs(&dir) {
            Ok(BinDir { dir })
        } else {
            Err(Error::BinariesNotFound {
                searched: dir.display().to_string(),
            })
        }
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The full path of one program in this directory, such as `psql`.
    pub fn program(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Whether `dir` holds both `initdb` and `postgres`.
fn has_server_programs(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("postgres").is_file()
}

/// Keeps `dir` if it holds the server programs, noting it as searched either way.
fn accept(dir: PathBuf, label: &str, searched: &mut Vec<String>) -> Option<PathBuf> {
    searched.push(format!("{label} ({})", dir.display()));
    has_server_programs(&dir).then_some(dir)
}

/// The answer of `pg_config --bindir`, when pg_config runs.
fn from_pg_config(searched: &mut Vec<String>) -> Option<PathBuf> {
    let output = Command::new("pg_config")
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            accept(PathBuf::from(text), "pg_config --bindir", searched)
        }
        _ => {
            searched.push("pg_config --bindir (no pg_config)".to_owned());
            None
        }
    }
}

/// The highest numbered `/usr/lib/postgresql/<major>/bin`.
fn from_debian_layout(searched: &mut Vec<String>) -> Option<PathBuf> {
    searched.push(format!("{DEBIAN_ROOT}/<version>/bin"));
    let entries = std::fs::read_dir(DEBIAN_ROOT).ok()?;
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name();
            let key = version_key(name.to_str()?)?;
            let bin = entry.path().join("bin");
            has_server_programs(&bin).then_some((key, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// Parses a version directory name like `15` or `9.6` into comparable numbers.
fn version_key(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

/// The directory of the first `initdb` on `PATH` (following a symlink to the real installation).
fn from_path(searched: &mut Vec<String>) -> Option<PathBuf> {
    searched.push("initdb on PATH".to_owned());
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join("initdb"))
        .find(|candidate| candidate.is_file())
        .and_then(|initdb| {
            let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
            let dir = real.parent()?.to_path_buf();
            has_server_programs(&dir).then_some(dir)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_keys_order_numerically() {
        let mut keys = [
            version_key("9.6").expect("numeric"),
            version_key("15").expect("numeric"),
            version_key("10").expect("numeric"),
        ];
        keys.sort();
        assert_eq!(keys.last(), Some(&vec![15]));
        assert_eq!(version_key("common"), None);
    }

    #[test]
    fn a_directory_without_programs_is_rejected() {
        let dir = tempfile::tempdir().expect("temp dir for the test");
        assert!(BinDir::at(dir.path()).is_err());
    }
}
