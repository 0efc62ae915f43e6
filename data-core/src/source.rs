//! Where golden SQL comes from: a file, a folder, or the project's `sql/` folder at a git
//! revision. Files are ordered by the conventional folder order, then by path.

#[cfg(test)]
mod fuzz;
mod includes;

use crate::error::{Error, Result};
use data_ast::source::LineIndex;
use data_ast::{Diagnostic, Origin, Severity, SourceFile};
use includes::{Tree, Unit};
use std::path::{Path, PathBuf};

/// The conventional folders of a golden SQL project, in load order. Only a tie-breaker:
/// statements are ordered by their real dependencies when planned.
pub const FOLDER_ORDER: &[&str] = &[
    "extensions",
    "schemas",
    "types",
    "tables",
    "functions",
    "views",
    "policies",
    "triggers",
    "indexes",
    "data",
];

/// A place golden SQL can be read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaSource {
    /// One `.sql` file.
    File(PathBuf),
    /// A folder of golden SQL, or a project folder with a `sql/` folder inside.
    Folder(PathBuf),
    /// A project's `sql/` folder at a git revision.
    GitRevision {
        /// The project folder (inside a repository).
        project: PathBuf,
        /// The revision (branch, tag, commit, `HEAD~1`).
        rev: String,
    },
    /// No golden SQL at all: the state before the first deployment.
    Empty,
    /// SQL text held in memory (e.g. a schema dump of a live database), with a label that
    /// diagnostics use as its file name.
    Inline {
        /// The name shown in diagnostics.
        label: String,
        /// The SQL.
        text: String,
    },
}

/// Schema sources behind a trait, so embedding programs can bring their own.
pub trait SourceReader {
    /// Reads the files of a source, in load order.
    fn read(&self, source: &SchemaSource) -> Result<Vec<SourceFile>>;
}

/// Reads files from disk and from git.
#[derive(Debug, Clone, Default)]
pub struct FsAndGit;

impl SchemaSource {
    /// Interprets a command-line argument: an existing path, else a git revision of the
    /// repository that contains `project`.
    pub fn parse(arg: &str, project: &Path) -> Result<SchemaSource> {
        let path = Path::new(arg);
        let candidate = if path.is_absolute() {
            path.to_path_buf()
        } else {
            project.join(path)
        };
        let existing = if path.exists() {
            Some(path.to_path_buf())
        } else if candidate.exists() {
            Some(candidate)
        } else {
            None
        };
        if let Some(p) = existing {
            return Ok(if p.is_dir() {
                SchemaSource::Folder(p)
            } else {
                SchemaSource::File(p)
            });
        }
        if arg.ends_with(".sql") {
            return Err(Error::Io {
                path: arg.to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        Ok(SchemaSource::GitRevision {
            project: project.to_path_buf(),
            rev: arg.to_string(),
        })
    }

    /// A short description for headers and messages.
    pub fn label(&self) -> String {
        match self {
            SchemaSource::File(p) | SchemaSource::Folder(p) => p.display().to_string(),
            SchemaSource::GitRevision { rev, .. } => format!("git:{rev}"),
            SchemaSource::Empty => "(empty)".to_string(),
            SchemaSource::Inline { label, .. } => label.clone(),
        }
    }
}

impl SourceReader for FsAndGit {
    fn read(&self, source: &SchemaSource) -> Result<Vec<SourceFile>> {
        let label = source.label();
        match source {
            SchemaSource::Empty => Ok(Vec::new()),
            SchemaSource::Inline { label, text } => {
                let unit = Unit::new(label.clone(), label.clone(), text.clone(), false);
                includes::follow(vec![unit], &Disk, "", label)
            }
            SchemaSource::File(p) => {
                let key = disk_key(p);
                let base = key
                    .rsplit_once('/')
                    .map(|(d, _)| d)
                    .unwrap_or("")
                    .to_string();
                let text = read_disk(p)?;
                let unit = Unit::new(key, p.display().to_string(), text, false);
                includes::follow(vec![unit], &Disk, &base, &label)
            }
            SchemaSource::Folder(dir) => {
                let sql_dir = sql_folder(dir);
                let mut paths = Vec::new();
                collect(&sql_dir, &mut paths)?;
                let files = paths
                    .iter()
                    .map(|p| {
                        Ok(Unit::new(
                            disk_key(p),
                            p.display().to_string(),
                            read_disk(p)?,
                            false,
                        ))
                    })
                    .collect::<Result<Vec<Unit>>>()?;
                let root = disk_key(&sql_dir);
                includes::follow(ordered_units(files, &root), &Disk, &root, &label)
            }
            SchemaSource::GitRevision { project, rev } => {
                let loc = data_ledger::RepoLocation::discover(project)
                    .map_err(|_| Error::UnknownSource(rev.clone()))?;
                let base = if loc.prefix.is_empty() {
                    String::new()
                } else {
                    format!("{}/", loc.prefix)
                };
                let sql_prefix = format!("{base}{}", sql_dir_name(project));
                let listed = data_ledger::files_at(&loc.root, rev, &sql_prefix, ".sql")?;
                let files = listed
                    .into_iter()
                    .map(|f| {
                        let display = format!("{rev}:{}", f.path);
                        Unit::new(f.path, display, f.text, false)
                    })
                    .collect();
                let tree = GitTree {
                    root: loc.root.clone(),
                    rev: rev.clone(),
                };
                includes::follow(
                    ordered_units(files, &sql_prefix),
                    &tree,
                    &sql_prefix,
                    &label,
                )
            }
        }
    }
}

/// Files on disk; keys are paths as given (relative to the working folder, or absolute).
struct Disk;

impl Tree for Disk {
    fn read(&self, key: &str) -> Result<Option<String>> {
        let path = Path::new(key);
        if !path.is_file() {
            return Ok(None);
        }
        read_disk(path).map(Some)
    }

    fn display(&self, key: &str) -> String {
        key.to_string()
    }

    fn reads_absolute_paths(&self) -> bool {
        true
    }
}

/// The tree of a git revision; keys are paths from the repository root.
struct GitTree {
    root: PathBuf,
    rev: String,
}

impl Tree for GitTree {
    fn read(&self, key: &str) -> Result<Option<String>> {
        Ok(data_ledger::file_at(&self.root, &self.rev, key)?.map(|f| f.text))
    }

    fn display(&self, key: &str) -> String {
        format!("{}:{key}", self.rev)
    }

    fn reads_absolute_paths(&self) -> bool {
        false
    }
}

/// The normalised `/`-separated key of a path on disk.
fn disk_key(p: &Path) -> String {
    includes::normalize(&p.to_string_lossy().replace('\\', "/"))
}

fn read_disk(p: &Path) -> Result<String> {
    let bytes = std::fs::read(p).map_err(|e| Error::Io {
        path: p.display().to_string(),
        source: e,
    })?;
    decode(&p.display().to_string(), bytes)
}

/// The text of a file read as `bytes`; bytes that are not UTF-8 are an error naming the
/// line and column of the first one.
pub(crate) fn decode(display: &str, bytes: Vec<u8>) -> Result<String> {
    let error = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let valid = error.utf8_error().valid_up_to();
    let bytes = error.into_bytes();
    let prefix = String::from_utf8_lossy(&bytes[..valid]);
    let (line, column) = LineIndex::new(&prefix).position(&prefix, valid);
    let lossy = String::from_utf8_lossy(&bytes);
    let snippet = lossy
        .lines()
        .nth(line as usize - 1)
        .unwrap_or("")
        .to_string();
    let origin = Origin {
        file: display.into(),
        line,
        column,
    };
    let message = format!(
        "the file is not valid UTF-8 (byte 0x{:02x} cannot be read here): save it as UTF-8",
        bytes[valid]
    );
    Err(Error::InvalidGoldenSql {
        source_label: display.to_string(),
        diagnostics: vec![Diagnostic::new(Severity::Error, origin, message, snippet)],
    })
}

/// The project's golden SQL folder name, from `data.toml` (default `sql`).
fn sql_dir_name(project: &Path) -> String {
    crate::config::Config::load(project)
        .map(|c| c.sql_dir)
        .unwrap_or_else(|_| "sql".to_string())
}

/// A project folder's golden SQL folder, or the folder itself when it holds SQL directly.
fn sql_folder(dir: &Path) -> PathBuf {
    let inner = dir.join(sql_dir_name(dir));
    if inner.is_dir() {
        inner
    } else {
        dir.to_path_buf()
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Io {
        path: dir.display().to_string(),
        source: e,
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::Io {
            path: dir.display().to_string(),
            source: e,
        })?;
        let p = entry.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "sql") {
            out.push(p);
        }
    }
    Ok(())
}

/// Sorts files by folder order then path (relative to `root`, the golden SQL folder's key)
/// and marks the ones under `data/` as seed data.
fn ordered_units(mut files: Vec<Unit>, root: &str) -> Vec<Unit> {
    let relative = |key: &str| -> String {
        if root.is_empty() {
            return key.to_string();
        }
        key.strip_prefix(&format!("{root}/"))
            .unwrap_or(key)
            .to_string()
    };
    let rank = |rel: &str| -> usize {
        let first = rel.split('/').next().unwrap_or("");
        if !rel.contains('/') {
            return 0;
        }
        FOLDER_ORDER
            .iter()
            .position(|f| *f == first)
            .map(|i| i + 1)
            .unwrap_or(FOLDER_ORDER.len())
    };
    let mut keyed: Vec<(usize, String, Unit)> = files
        .drain(..)
        .map(|mut u| {
            let rel = relative(&u.key);
            u.is_seed = rel.starts_with("data/");
            (rank(&rel), rel, u)
        })
        .collect();
    keyed.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    keyed.into_iter().map(|(_, _, u)| u).collect()
}
