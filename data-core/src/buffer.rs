//! The transporter buffer: quick save points of a database, lighter than backups. On a local
//! server a save point is a frozen copy made by `CREATE DATABASE ... TEMPLATE` beside the
//! database; on a remote one it is a `pg_dump -Fc` file in `.data/buffers/`. Restores build
//! the copy first and swap names, so a failed restore never leaves the database missing. Save
//! points (named saves, the push/pop stack, and the Q continuum's realities) are recorded in
//! `.data/buffers.toml`.

use crate::error::{Error, Result};
use crate::holodeck::{check_name, read_toml, write_toml};
use crate::project::Project;
use chrono::{DateTime, Utc};
use data_exec::DatabaseServer;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What a save point is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BufferKind {
    /// `data buffer save NAME`.
    Save,
    /// `data buffer push` (named `stack-N`).
    Stack,
    /// `data q snap --reality NAME`.
    Reality,
}

/// How a save point is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// A database on the same server, copied with `CREATE DATABASE ... TEMPLATE`.
    Template,
    /// A `pg_dump -Fc` file, restored with `pg_restore`.
    Dump,
}

/// The database a buffer command acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An environment of `data.toml`.
    Env(String),
    /// A holodeck.
    Holodeck(String),
}

impl Target {
    /// How the target is recorded and shown: `dev`, `holodeck:test-x`.
    pub fn key(&self) -> String {
        match self {
            Target::Env(e) => e.clone(),
            Target::Holodeck(h) => format!("holodeck:{h}"),
        }
    }
}

/// One save point, as `.data/buffers.toml` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buffer {
    /// Its name (`stack-N` for the stack).
    pub name: String,
    /// Save, stack entry or reality.
    pub kind: BufferKind,
    /// The database it saves, as [`Target::key`] shows it.
    pub target: String,
    /// The saved database's name.
    pub database: String,
    /// How it is kept.
    pub method: Method,
    /// The copy's database name ([`Method::Template`]) or the dump file ([`Method::Dump`]).
    pub copy: String,
    /// The git commit checked out when it was saved.
    pub commit: Option<String>,
    /// When it was saved.
    pub created: DateTime<Utc>,
    /// Its size in bytes when saved.
    pub size: Option<u64>,
}

/// How a save or restore may proceed.
#[derive(Debug, Clone, Copy, Default)]
pub struct BufferOptions {
    /// End other sessions that block the copy or the swap instead of failing.
    pub terminate: bool,
    /// Force a method (default: a template copy for a server on this machine, a dump file
    /// for a remote one).
    pub method: Option<Method>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct BufferFile {
    #[serde(default)]
    buffer: Vec<Buffer>,
}

/// Whether two kinds share one namespace: realities have theirs, saves and the stack another.
fn same_space(a: BufferKind, b: BufferKind) -> bool {
    (a == BufferKind::Reality) == (b == BufferKind::Reality)
}

impl Project {
    fn buffer_file(&self) -> PathBuf {
        self.dir().join(".data").join("buffers.toml")
    }

    fn buffer_records(&self) -> Result<Vec<Buffer>> {
        Ok(read_toml::<BufferFile>(&self.buffer_file())?
            .unwrap_or_default()
            .buffer)
    }

    fn save_buffers(&self, buffer: Vec<Buffer>) -> Result<()> {
        write_toml(&self.buffer_file(), &BufferFile { buffer })
    }

    /// The target named by `--env` or `--holodeck`, or by default the only local environment
    /// of `data.toml` (or its only environment).
    pub fn buffer_target(&self, env: Option<&str>, holodeck: Option<&str>) -> Result<Target> {
        match (env, holodeck) {
            (Some(e), None) => return Ok(Target::Env(e.to_string())),
            (None, Some(h)) => return Ok(Target::Holodeck(h.to_string())),
            (Some(_), Some(_)) => {
                return Err(Error::Copies(
                    "name either an environment or a holodeck, not both".to_string(),
                ))
            }
            (None, None) => {}
        }
        let envs = &self.config().environments;
        let local: Vec<&String> = envs
            .iter()
            .filter(|(_, e)| e.local)
            .map(|(n, _)| n)
            .collect();
        match (local.as_slice(), envs.len()) {
            ([one], _) => Ok(Target::Env((*one).clone())),
            ([], 1) => Ok(Target::Env(envs.keys().next().cloned().unwrap_or_default())),
            _ => Err(Error::Copies(
                "data.toml has no single local environment to default to; name the database \
                 with --env ENV or --holodeck NAME"
                    .to_string(),
            )),
        }
    }

    /// The connection URL of a target.
    pub fn target_url(&self, target: &Target) -> Result<String> {
        match target {
            Target::Env(e) => self.database_url(e),
            Target::Holodeck(h) => self.holodeck_url(h),
        }
    }

    /// The save points of `target` (all targets for `None`) of the given kinds, oldest first.
    pub fn buffers(&self, target: Option<&Target>, kinds: &[BufferKind]) -> Result<Vec<Buffer>> {
        let key = target.map(Target::key);
        Ok(self
            .buffer_records()?
            .into_iter()
            .filter(|b| key.as_ref().is_none_or(|k| *k == b.target) && kinds.contains(&b.kind))
            .collect())
    }

    /// Saves `target`'s database as `name`.
    pub fn buffer_save(
        &self,
        target: &Target,
        name: &str,
        kind: BufferKind,
        options: BufferOptions,
    ) -> Result<Buffer> {
        check_name(name)?;
        let key = target.key();
        let mut list = self.buffer_records()?;
        if list
            .iter()
            .any(|b| b.target == key && b.name == name && same_space(b.kind, kind))
        {
            return Err(Error::Copies(format!(
                "`{name}` exists already for {key}; drop it first or choose another name"
            )));
        }
        let url = self.target_url(target)?;
        let database = database_of(&url)?;
        let method = options.method.unwrap_or(if data_exec::is_local(&url) {
            Method::Template
        } else {
            Method::Dump
        });
        let prefix = match kind {
            BufferKind::Reality => "q",
            BufferKind::Save | BufferKind::Stack => "buf",
        };
        let (copy, size) = match method {
            Method::Template => {
                let server = DatabaseServer::for_url(&url)?;
                let copy = data_exec::derived_name(&database, &format!("{prefix}_{name}"));
                if server.exists(&copy)? {
                    return Err(Error::Copies(format!(
                        "database `{copy}` exists already on the server but is not recorded in \
                         .data/buffers.toml; drop it by hand or choose another name"
                    )));
                }
                server.freeze_copy(&database, &copy, options.terminate)?;
                let size = server.size(&copy)?;
                (copy, size)
            }
            Method::Dump => {
                let dir = self.dir().join(".data").join("buffers");
                std::fs::create_dir_all(&dir).map_err(|e| Error::Io {
                    path: dir.display().to_string(),
                    source: e,
                })?;
                let file = dir.join(format!("{}__{prefix}_{name}.dump", key.replace(':', "_")));
                data_exec::dump_to_file(&url, &file)?;
                let size = std::fs::metadata(&file).ok().map(|m| m.len());
                (file.display().to_string(), size)
            }
        };
        let commit = self
            .ledger()
            .ok()
            .and_then(|l| l.repo().commit("HEAD").ok())
            .map(|c| c.id);
        let buffer = Buffer {
            name: name.to_string(),
            kind,
            target: key,
            database,
            method,
            copy,
            commit,
            created: Utc::now(),
            size,
        };
        list.push(buffer.clone());
        self.save_buffers(list)?;
        Ok(buffer)
    }

    /// The save point `name` of `target` among kinds like `kind`.
    fn find_buffer(&self, target: &Target, name: &str, kind: BufferKind) -> Result<Buffer> {
        let key = target.key();
        self.buffer_records()?
            .into_iter()
            .find(|b| b.target == key && b.name == name && same_space(b.kind, kind))
            .ok_or_else(|| {
                let what = if kind == BufferKind::Reality {
                    "reality"
                } else {
                    "save point"
                };
                Error::Copies(format!("no {what} `{name}` for {key}"))
            })
    }

    /// Makes `target`'s database what it was when `name` was saved. The save point stays.
    pub fn buffer_restore(
        &self,
        target: &Target,
        name: &str,
        kind: BufferKind,
        options: BufferOptions,
    ) -> Result<Buffer> {
        let buffer = self.find_buffer(target, name, kind)?;
        let url = self.target_url(target)?;
        let database = database_of(&url)?;
        let server = DatabaseServer::for_url(&url)?;
        match buffer.method {
            Method::Template => {
                if !server.exists(&buffer.copy)? {
                    return Err(Error::Copies(format!(
                        "the copy `{}` of `{name}` is gone from the server (a local server \
                         loses its databases at reboot); `data buffer drop {name}` forgets it",
                        buffer.copy
                    )));
                }
                server.restore_from(&buffer.copy, &database, options.terminate)?;
            }
            Method::Dump => {
                server.restore_dump(
                    std::path::Path::new(&buffer.copy),
                    &database,
                    options.terminate,
                )?;
            }
        }
        Ok(buffer)
    }

    /// Deletes save point `name` of `target` (its copy or dump file) and forgets it.
    pub fn buffer_drop(&self, target: &Target, name: &str, kind: BufferKind) -> Result<Buffer> {
        let buffer = self.find_buffer(target, name, kind)?;
        match buffer.method {
            Method::Template => {
                let url = self.target_url(target)?;
                DatabaseServer::for_url(&url)?.drop_database(&buffer.copy)?;
            }
            Method::Dump => match std::fs::remove_file(&buffer.copy) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::Io {
                        path: buffer.copy.clone(),
                        source: e,
                    })
                }
            },
        }
        let list = self
            .buffer_records()?
            .into_iter()
            .filter(|b| !(b.target == buffer.target && b.name == name && same_space(b.kind, kind)))
            .collect();
        self.save_buffers(list)?;
        Ok(buffer)
    }

    /// Pushes a save point of `target` on its stack (`stack-1`, `stack-2`, ...).
    pub fn buffer_push(&self, target: &Target, options: BufferOptions) -> Result<Buffer> {
        let next = self
            .buffers(Some(target), &[BufferKind::Stack])?
            .iter()
            .filter_map(|b| b.name.strip_prefix("stack-")?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        self.buffer_save(target, &format!("stack-{next}"), BufferKind::Stack, options)
    }

    /// Restores the newest save point on `target`'s stack and removes it from the stack.
    pub fn buffer_pop(&self, target: &Target, options: BufferOptions) -> Result<Buffer> {
        let top = self
            .buffers(Some(target), &[BufferKind::Stack])?
            .into_iter()
            .max_by_key(|b| {
                b.name
                    .strip_prefix("stack-")
                    .and_then(|n| n.parse::<u32>().ok())
                    .unwrap_or(0)
            })
            .ok_or_else(|| {
                Error::Copies(format!(
                    "the stack of {} is empty; `data buffer push` saves onto it",
                    target.key()
                ))
            })?;
        self.buffer_restore(target, &top.name, BufferKind::Stack, options)?;
        self.buffer_drop(target, &top.name, BufferKind::Stack)
    }
}

/// The database a URL names.
pub(crate) fn database_of(url: &str) -> Result<String> {
    data_exec::database_of(url).ok_or_else(|| {
        Error::Copies(format!(
            "the URL {} names no database",
            data_exec::redact_url(url)
        ))
    })
}
