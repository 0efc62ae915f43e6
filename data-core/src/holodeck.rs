//! Holodecks: isolated databases with the golden schema at a revision (or a copy of an
//! environment's database), tied to git branches, on a local server data starts or on the
//! server `[holodeck] url_env` names. What exists is remembered in `.data/holodeck.toml`, so a
//! holodeck whose server or database has gone is reported rather than forgotten.

use crate::error::{Error, Result};
use crate::project::Project;
use chrono::{DateTime, Utc};
use data_exec::{DatabaseServer, LocalServer};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The server value of holodecks on data's own local server.
const LOCAL: &str = "local";

/// One holodeck, as `.data/holodeck.toml` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holodeck {
    /// Its name (by default the git branch it was made on, made safe).
    pub name: String,
    /// The database holding it.
    pub database: String,
    /// The git branch it belongs to (`holodeck gc` drops it once that branch is merged or
    /// deleted); `None` when made on a detached HEAD.
    pub branch: Option<String>,
    /// What it was built from: `commit <id>` or `environment <env>`.
    pub source: String,
    /// The commit whose golden SQL it holds, when built from golden SQL.
    pub commit: Option<String>,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// `local` (data's local holodeck server) or `$VAR` (the variable holding the server URL).
    pub server: String,
}

/// What [`Project::holodeck_create`] is asked to build.
#[derive(Debug, Clone, Default)]
pub struct HolodeckRequest {
    /// The name (default: the current branch).
    pub name: Option<String>,
    /// The revision whose golden SQL to build (default `HEAD`).
    pub from: Option<String>,
    /// Copy this environment's database instead of building golden SQL.
    pub env: Option<String>,
    /// Copy the data too (from an environment), or load the seed data (from golden SQL).
    pub with_data: bool,
    /// End other sessions on the environment's database when they block its template copy.
    pub terminate: bool,
}

/// A holodeck and what its server says about it now.
#[derive(Debug, Clone)]
pub struct HolodeckStatus {
    /// The record.
    pub holodeck: Holodeck,
    /// Its URL with any password redacted (`None` when its server is unknown).
    pub url: Option<String>,
    /// Its size in bytes, when the database exists.
    pub size: Option<u64>,
    /// `ready`, `database missing`, or why the server cannot be reached.
    pub state: String,
}

/// The holodeck records of `.data/holodeck.toml`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct HolodeckFile {
    #[serde(default)]
    holodeck: Vec<Holodeck>,
}

impl Project {
    fn holodeck_file(&self) -> PathBuf {
        self.dir().join(".data").join("holodeck.toml")
    }

    /// The holodecks recorded, in creation order.
    pub fn holodeck_records(&self) -> Result<Vec<Holodeck>> {
        Ok(read_toml::<HolodeckFile>(&self.holodeck_file())?
            .unwrap_or_default()
            .holodeck)
    }

    fn save_holodecks(&self, list: Vec<Holodeck>) -> Result<()> {
        write_toml(&self.holodeck_file(), &HolodeckFile { holodeck: list })
    }

    /// The key of the local server holodecks live on (environments use `<dir>#<env>`, and
    /// environment names cannot hold `#`).
    pub fn holodeck_server_key(&self) -> String {
        self.local_server_key("#holodeck")
    }

    /// A URL on the server for new holodecks (its `postgres` database) and the value recorded
    /// as their `server`; the local server is started when needed.
    fn holodeck_server_for_new(&self) -> Result<(String, String)> {
        match &self.config().holodeck.url_env {
            Some(var) => Ok((env_url(var)?, format!("${var}"))),
            None => {
                let server = LocalServer::ensure(&self.holodeck_server_key())?;
                Ok((server.url("postgres"), LOCAL.to_string()))
            }
        }
    }

    /// The server of a recorded holodeck, or why it cannot be reached (never starting one).
    fn holodeck_server(&self, holodeck: &Holodeck) -> std::result::Result<DatabaseServer, String> {
        let url = if holodeck.server == LOCAL {
            match LocalServer::running(&self.holodeck_server_key()) {
                Ok(Some(server)) => server.url("postgres"),
                Ok(None) => {
                    return Err("server not running (`data holodeck url NAME` starts it; \
                                after a reboot its databases are gone)"
                        .to_string())
                }
                Err(e) => return Err(format!("server unknown: {e}")),
            }
        } else {
            let var = holodeck.server.trim_start_matches('$');
            env_url(var).map_err(|e| e.to_string())?
        };
        let server = DatabaseServer::for_url(&url).map_err(|e| e.to_string())?;
        if server.reachable() {
            Ok(server)
        } else {
            Err("server unreachable".to_string())
        }
    }

    /// Builds a holodeck: golden SQL at `from` (default `HEAD`) compiled into a new database,
    /// or a copy of environment `env`'s database (schema only unless `with_data`; a template
    /// copy when it is on the same server, otherwise `pg_dump -Fc` and `pg_restore`).
    pub fn holodeck_create(&self, request: &HolodeckRequest) -> Result<Holodeck> {
        let ledger = self.ledger()?;
        let branch = ledger.repo().branch()?;
        let name = match (&request.name, &branch) {
            (Some(n), _) => n.clone(),
            (None, Some(b)) => safe_name(b),
            (None, None) => {
                return Err(Error::Copies(
                    "HEAD is detached, so there is no branch to name the holodeck after; \
                     give a NAME"
                        .to_string(),
                ))
            }
        };
        check_name(&name)?;
        let mut list = self.holodeck_records()?;
        if list.iter().any(|h| h.name == name) {
            return Err(Error::Copies(format!(
                "holodeck `{name}` exists already; `data holodeck drop {name}` first, or choose \
                 another name"
            )));
        }
        let database = format!("holodeck_{name}");
        let (admin_url, server_tag) = self.holodeck_server_for_new()?;
        let server = DatabaseServer::for_url(&admin_url)?;
        if server.exists(&database)? {
            return Err(Error::Copies(format!(
                "database `{database}` exists already on the holodeck server but is not in \
                 .data/holodeck.toml; drop it by hand or choose another name"
            )));
        }
        let (source, commit) = match &request.env {
            Some(env) => {
                self.copy_environment(env, &server, &admin_url, &database, request)?;
                (format!("environment {env}"), None)
            }
            None => {
                let commit = ledger
                    .repo()
                    .commit(request.from.as_deref().unwrap_or("HEAD"))?;
                let sql = self
                    .engine()
                    .compile(&self.at(Some(&commit.id)), request.with_data)?;
                server.create_empty(&database)?;
                if let Err(e) = server.run_script(&database, &sql) {
                    let _ = server.drop_database(&database);
                    return Err(e.into());
                }
                (format!("commit {}", commit.short_id()), Some(commit.id))
            }
        };
        let holodeck = Holodeck {
            name,
            database,
            branch,
            source,
            commit,
            created: Utc::now(),
            server: server_tag,
        };
        list.push(holodeck.clone());
        self.save_holodecks(list)?;
        Ok(holodeck)
    }

    fn copy_environment(
        &self,
        env: &str,
        server: &DatabaseServer,
        admin_url: &str,
        database: &str,
        request: &HolodeckRequest,
    ) -> Result<()> {
        let with_data = request.with_data;
        let env_url = self.database_url(env)?;
        let env_db = data_exec::database_of(&env_url).ok_or_else(|| Error::Environment {
            env: env.to_string(),
            message: "its URL names no database".to_string(),
        })?;
        if with_data && data_exec::server_of(&env_url) == data_exec::server_of(admin_url) {
            server.clone_database(&env_db, database, request.terminate)?;
            return Ok(());
        }
        let dir = tempfile_dir(self.dir())?;
        let file = dir.join(format!("{database}.dump"));
        let dumped = if with_data {
            data_exec::dump_to_file(&env_url, &file)
        } else {
            data_exec::dump_schema_to_file(&env_url, &file)
        };
        let result = dumped
            .and_then(|()| server.create_empty(database))
            .and_then(|()| {
                data_exec::restore_file(&file, &server.url(database)).inspect_err(|_| {
                    let _ = server.drop_database(database);
                })
            });
        let _ = std::fs::remove_file(&file);
        Ok(result?)
    }

    /// Every recorded holodeck with its URL, size and whether it is still there.
    pub fn holodecks(&self) -> Result<Vec<HolodeckStatus>> {
        let mut out = Vec::new();
        for h in self.holodeck_records()? {
            let status = match self.holodeck_server(&h) {
                Ok(server) => {
                    let url = Some(data_exec::redact_url(&server.url(&h.database)));
                    match server.size(&h.database) {
                        Ok(Some(size)) => HolodeckStatus {
                            holodeck: h,
                            url,
                            size: Some(size),
                            state: "ready".to_string(),
                        },
                        Ok(None) => HolodeckStatus {
                            holodeck: h,
                            url,
                            size: None,
                            state: "database missing".to_string(),
                        },
                        Err(e) => HolodeckStatus {
                            holodeck: h,
                            url,
                            size: None,
                            state: format!("unreadable: {e}"),
                        },
                    }
                }
                Err(why) => HolodeckStatus {
                    holodeck: h,
                    url: None,
                    size: None,
                    state: why,
                },
            };
            out.push(status);
        }
        Ok(out)
    }

    /// The record of holodeck `name`.
    pub fn holodeck(&self, name: &str) -> Result<Holodeck> {
        self.holodeck_records()?
            .into_iter()
            .find(|h| h.name == name)
            .ok_or_else(|| {
                Error::Copies(format!(
                    "no holodeck `{name}` in .data/holodeck.toml; `data holodeck list` shows them"
                ))
            })
    }

    /// The connection URL of holodeck `name` (with its password, if the server has one: show
    /// it only through `redact_url`). Starts the local server when it was stopped.
    pub fn holodeck_url(&self, name: &str) -> Result<String> {
        let h = self.holodeck(name)?;
        let admin = if h.server == LOCAL {
            LocalServer::ensure(&self.holodeck_server_key())?.url("postgres")
        } else {
            env_url(h.server.trim_start_matches('$'))?
        };
        let server = DatabaseServer::for_url(&admin)?;
        if !server.exists(&h.database)? {
            return Err(Error::Copies(format!(
                "holodeck `{name}`'s database `{}` is gone from its server (after a reboot, for \
                 the local server); `data holodeck drop {name}` forgets it",
                h.database
            )));
        }
        Ok(server.url(&h.database))
    }

    /// Drops holodeck `name`'s database and forgets it. Returns `false` when its server could
    /// not be reached, so only the record was removed.
    pub fn holodeck_drop(&self, name: &str) -> Result<bool> {
        let h = self.holodeck(name)?;
        let dropped = match self.holodeck_server(&h) {
            Ok(server) => {
                server.drop_database(&h.database)?;
                true
            }
            Err(_) => false,
        };
        let list = self
            .holodeck_records()?
            .into_iter()
            .filter(|x| x.name != name)
            .collect();
        self.save_holodecks(list)?;
        Ok(dropped)
    }

    /// The holodecks whose branch was merged into the main branch (`[holodeck] main_branch`)
    /// or deleted, with the reason; dropped unless `dry_run`. Merged means what `git branch
    /// --merged` means: no commit of the branch is missing from main.
    pub fn holodeck_gc(&self, dry_run: bool) -> Result<Vec<(Holodeck, String)>> {
        let main = self.config().holodeck.main_branch.clone();
        let ledger = self.ledger()?;
        let repo = ledger.repo();
        let main_ref = format!("refs/heads/{main}");
        repo.commit(&main_ref).map_err(|_| {
            Error::Copies(format!(
                "branch `{main}` does not exist, so nothing can be judged merged; set \
                 [holodeck] main_branch in data.toml"
            ))
        })?;
        let mut gone = Vec::new();
        for h in self.holodeck_records()? {
            let Some(branch) = &h.branch else { continue };
            if *branch == main {
                continue;
            }
            let branch_ref = format!("refs/heads/{branch}");
            let reason = if repo.commit(&branch_ref).is_err() {
                format!("branch {branch} was deleted")
            } else if repo.commits_between(&main_ref, &branch_ref)? == 0 {
                format!("branch {branch} is merged into {main}")
            } else {
                continue;
            };
            gone.push((h, reason));
        }
        if !dry_run {
            for (h, _) in &gone {
                self.holodeck_drop(&h.name)?;
            }
        }
        Ok(gone)
    }

    /// Stops data's local holodeck server; false when it was not running.
    pub fn holodeck_stop_server(&self) -> Result<bool> {
        Ok(LocalServer::stop(&self.holodeck_server_key())?)
    }
}

/// A branch name made into a holodeck name: lower case, runs of anything but letters, digits
/// and `_` become `-`.
pub fn safe_name(branch: &str) -> String {
    let mut out = String::new();
    for c in branch.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(40).collect()
}

/// Holodeck, buffer and reality names: 1 to 40 letters, digits, `-` and `_`.
pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Copies(format!(
            "`{name}` is not a usable name: use 1 to 40 letters, digits, `-` and `_`"
        )))
    }
}

/// The URL in environment variable `var`.
fn env_url(var: &str) -> Result<String> {
    std::env::var(var).map_err(|_| {
        Error::Copies(format!(
            "the variable {var} that should hold the holodeck server's URL is not set"
        ))
    })
}

/// `<project>/.data/tmp`, for dump files on their way between servers.
pub(crate) fn tempfile_dir(project: &Path) -> Result<PathBuf> {
    let dir = project.join(".data").join("tmp");
    std::fs::create_dir_all(&dir).map_err(|e| Error::Io {
        path: dir.display().to_string(),
        source: e,
    })?;
    Ok(dir)
}

/// Reads a TOML state file; `None` when it does not exist.
pub(crate) fn read_toml<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map(Some).map_err(|e| Error::Config {
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

/// Writes a TOML state file (through a temporary file and a rename, so a crash never leaves
/// half a file).
pub(crate) fn write_toml<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let text = toml::to_string_pretty(value).map_err(|e| Error::Config {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_names_become_holodeck_names() {
        assert_eq!(safe_name("feature/Login-Form"), "feature-login-form");
        assert_eq!(safe_name("--x//y--"), "x-y");
        assert!(check_name("feature-x_1").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("a b").is_err());
    }

    #[test]
    fn records_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.toml");
        let file = HolodeckFile {
            holodeck: vec![Holodeck {
                name: "x".into(),
                database: "holodeck_x".into(),
                branch: None,
                source: "commit abc".into(),
                commit: Some("abc".into()),
                created: Utc::now(),
                server: "local".into(),
            }],
        };
        write_toml(&path, &file).unwrap();
        let back: HolodeckFile = read_toml(&path).unwrap().unwrap();
        assert_eq!(back.holodeck, file.holodeck);
    }
}
