//! Where golden SQL comes from: a file, a folder, or the project's `sql/` folder at a git
//! revision. Files are ordered by the conventional folder order, then by path.

use crate::error::{Error, Result};
use data_ast::SourceFile;
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
        match source {
            SchemaSource::Empty => Ok(Vec::new()),
            SchemaSource::Inline { label, text } => {
                Ok(vec![SourceFile::new(label.clone(), text.clone())])
            }
            SchemaSource::File(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| Error::Io {
                    path: p.display().to_string(),
                    source: e,
                })?;
                Ok(vec![SourceFile::new(p.display().to_string(), text)])
            }
            SchemaSource::Folder(dir) => {
                let sql_dir = sql_folder(dir);
                let mut paths = Vec::new();
                collect(&sql_dir, &mut paths)?;
                let mut files = Vec::new();
                for p in paths {
                    let rel = p
                        .strip_prefix(&sql_dir)
                        .unwrap_or(&p)
                        .to_string_lossy()
                        .replace('\\', "/");
                    let text = std::fs::read_to_string(&p).map_err(|e| Error::Io {
                        path: p.display().to_string(),
                        source: e,
                    })?;
                    files.push((rel, p.display().to_string(), text));
                }
                Ok(ordered(files))
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
                        let rel = f
                            .path
                            .strip_prefix(&sql_prefix)
                            .unwrap_or(&f.path)
                            .trim_start_matches('/')
                            .to_string();
                        (rel, format!("{rev}:{}", f.path), f.text)
                    })
                    .collect();
                Ok(ordered(files))
            }
        }
    }
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

/// Sorts (relative path, display path, text) by folder order then path; marks seed data.
fn ordered(mut files: Vec<(String, String, String)>) -> Vec<SourceFile> {
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
    files.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
    files
        .into_iter()
        .map(|(rel, display, text)| {
            if rel.starts_with("data/") {
                SourceFile::seed(display, text)
            } else {
                SourceFile::new(display, text)
            }
        })
        .collect()
}
