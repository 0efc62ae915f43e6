//! A persistent local server for development environments (`local = true` in `data.toml`):
//! started on first use with `pg_ctl` (as the `postgres` OS user when we are root), listening
//! only on a Unix socket, and left running between commands until `stop`. Its data lives in
//! the temp folder under a name derived from the key (project and environment), so a reboot
//! gives a fresh, empty server: it is a throwaway for development, never for real data.

use crate::bindir::BinDir;
use crate::error::{Error, Result};
use crate::identity::RunAs;
use crate::sql::quote_ident;
use crate::url::socket_url;
use crate::{initdb, port, process};
use std::path::{Path, PathBuf};

/// A running local server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalServer {
    root: PathBuf,
    port: u16,
}

impl LocalServer {
    /// The folder of the server for `key` (any text naming it, e.g. project path + env).
    pub fn root_for(key: &str) -> PathBuf {
        let hash = blake3::hash(key.as_bytes()).to_hex();
        PathBuf::from("/tmp").join(format!("data-local-{}", &hash[..16]))
    }

    /// The running server for `key`, starting it (and creating it) when needed.
    pub fn ensure(key: &str) -> Result<LocalServer> {
        let bindir = BinDir::locate()?;
        let run_as = RunAs::detect()?;
        let root = Self::root_for(key);
        if let Some(running) = Self::running(key)? {
            return Ok(running);
        }
        std::fs::create_dir_all(&root)
            .map_err(|e| Error::io(format!("creating {}", root.display()), e))?;
        run_as.take_ownership(&root)?;
        let data = root.join("data");
        if !data.join("PG_VERSION").exists() {
            initdb::init_data_dir(&bindir, run_as, &root, &data)?;
        }
        let port = port::free_port();
        let mut options = format!("-k {} -p {port}", root.display());
        for setting in crate::server::FAST_SETTINGS {
            options.push_str(&format!(" -c {setting}"));
        }
        let mut command = run_as.command(&bindir.program("pg_ctl"));
        command
            .args(["start", "-w", "-s", "-D"])
            .arg(&data)
            .arg("-l")
            .arg(root.join("server.log"))
            .arg("-o")
            .arg(options)
            .current_dir(&root);
        let out = process::output(&mut command, "pg_ctl")?;
        if !out.status.success() {
            let log = std::fs::read_to_string(root.join("server.log")).unwrap_or_default();
            return Err(Error::CommandFailed {
                program: "pg_ctl start".into(),
                status: process::describe(out.status),
                output: format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stderr),
                    process::tail(&log, 20)
                ),
            });
        }
        std::fs::write(root.join("port"), port.to_string())
            .map_err(|e| Error::io(format!("writing {}", root.display()), e))?;
        Ok(LocalServer { root, port })
    }

    /// The server for `key` when it is running.
    pub fn running(key: &str) -> Result<Option<LocalServer>> {
        let root = Self::root_for(key);
        let data = root.join("data");
        let Some(port) = std::fs::read_to_string(root.join("port"))
            .ok()
            .and_then(|p| p.trim().parse::<u16>().ok())
        else {
            return Ok(None);
        };
        if !data.join("postmaster.pid").exists() {
            return Ok(None);
        }
        let bindir = BinDir::locate()?;
        let mut command = RunAs::detect()?.command(&bindir.program("pg_ctl"));
        command.args(["status", "-D"]).arg(&data);
        let out = process::output(&mut command, "pg_ctl")?;
        Ok(out.status.success().then_some(LocalServer { root, port }))
    }

    /// Stops the server for `key`; false when it was not running.
    pub fn stop(key: &str) -> Result<bool> {
        let Some(server) = Self::running(key)? else {
            return Ok(false);
        };
        let bindir = BinDir::locate()?;
        let mut command = RunAs::detect()?.command(&bindir.program("pg_ctl"));
        command
            .args(["stop", "-w", "-s", "-m", "fast", "-D"])
            .arg(server.root.join("data"));
        let out = process::output(&mut command, "pg_ctl")?;
        if out.status.success() {
            Ok(true)
        } else {
            Err(Error::CommandFailed {
                program: "pg_ctl stop".into(),
                status: process::describe(out.status),
                output: String::from_utf8_lossy(&out.stderr).into_owned(),
            })
        }
    }

    /// A URL for database `db` (no password: the server trusts local connections).
    pub fn url(&self, db: &str) -> String {
        socket_url(&self.root, self.port, db)
    }

    /// Creates database `db` unless it exists; returns its URL.
    pub fn database(&self, db: &str) -> Result<String> {
        let url = self.url("postgres");
        let sql = format!(
            "SELECT 1 FROM pg_database WHERE datname = '{}'",
            db.replace('\'', "''")
        );
        let bindir = BinDir::locate()?;
        let mut query = std::process::Command::new(bindir.program("psql"));
        query.args(["-X", "-q", "-t", "-A", "-d", &url, "-c", &sql]);
        let out = process::output(&mut query, "psql")?;
        if String::from_utf8_lossy(&out.stdout).trim() != "1" {
            let mut create = std::process::Command::new(bindir.program("psql"));
            create.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &url, "-c"]);
            create.arg(format!("CREATE DATABASE {}", quote_ident(db)));
            let out = process::output(&mut create, "psql")?;
            if !out.status.success() {
                return Err(Error::Psql {
                    database: db.to_string(),
                    status: process::describe(out.status),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                });
            }
        }
        Ok(self.url(db))
    }

    /// The folder holding the server's data, socket and log.
    pub fn root(&self) -> &Path {
        &self.root
    }
}
