//! Running the `postgres` server process: start it, wait until it is ready, stop it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::bindir::BinDir;
use crate::error::{Error, Result};
use crate::identity::RunAs;
use crate::process;

/// How long a starting server may take before we give up.
const START_LIMIT: Duration = Duration::from_secs(60);
/// How long a fast shutdown (SIGINT) may take before we escalate to SIGQUIT.
const FAST_STOP_LIMIT: Duration = Duration::from_secs(15);
/// How long an immediate shutdown (SIGQUIT) may take before we kill outright.
const QUICK_STOP_LIMIT: Duration = Duration::from_secs(5);

/// Server settings that trade durability for speed; fine for a cluster thrown away after use.
pub(crate) const FAST_SETTINGS: &[&str] = &[
    "listen_addresses=",
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=200",
];

/// Where and how to run one server.
pub(crate) struct ServerSpec<'a> {
    /// The PostgreSQL programs.
    pub bindir: &'a BinDir,
    /// Who runs the process.
    pub run_as: RunAs,
    /// The initialised data directory.
    pub data_dir: &'a Path,
    /// The directory that holds the Unix socket (and serves as working directory).
    pub socket_dir: &'a Path,
    /// The port number naming the socket file.
    pub port: u16,
    /// The file receiving the server's output.
    pub log_path: &'a Path,
}

/// A running `postgres` process that we started.
pub(crate) struct Server {
    child: Child,
    data_dir: PathBuf,
    log_path: PathBuf,
}

impl Server {
    /// Starts `postgres` on a Unix socket only, with its output going to the log file.
    pub(crate) fn spawn(spec: &ServerSpec<'_>) -> Result<Server> {
        let log = File::create(spec.log_path)
            .map_err(|e| Error::io(format!("creating {}", spec.log_path.display()), e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| Error::io(format!("duplicating {}", spec.log_path.display()), e))?;
        let mut command = spec.run_as.command(&spec.bindir.program("postgres"));
        command
            .arg("-D")
            .arg(spec.data_dir)
            .arg("-k")
            .arg(spec.socket_dir)
            .arg("-p")
            .arg(spec.port.to_string());
        for setting in FAST_SETTINGS {
            command.arg("-c").arg(setting);
        }
        command
            .current_dir(spec.socket_dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        let child = command.spawn().map_err(|source| Error::Spawn {
            program: "postgres".to_owned(),
            source,
        })?;
        Ok(Server {
            child,
            data_dir: spec.data_dir.to_path_buf(),
            log_path: spec.log_path.to_path_buf(),
        })
    }

    /// Waits until the server reports itself ready in `postmaster.pid`, or fails with its log.
    pub(crate) fn wait_ready(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(Error::ServerExited {
                    status: process::describe(status),
                    log: self.log_tail(),
                });
            }
            if self.reports_ready() {
                return Ok(());
            }
            if started.elapsed() > START_LIMIT {
                return Err(Error::StartTimeout {
                    waited: START_LIMIT,
                    log: self.log_tail(),
                });
            }
            thread::sleep(Duration::from_millis(25));
        }
    }

    /// Whether `postmaster.pid` carries the `ready` status line (its eighth line since PostgreSQL 10).
    fn reports_ready(&self) -> bool {
        std::fs::read_to_string(self.data_dir.join("postmaster.pid"))
            .map(|text| text.lines().nth(7).map(str::trim) == Some("ready"))
            .unwrap_or(false)
    }

    /// The last lines of the server log, for error messages.
    pub(crate) fn log_tail(&self) -> String {
        std::fs::read_to_string(&self.log_path)
            .map(|text| process::tail(&text, 30))
            .unwrap_or_else(|e| format!("(server log unreadable: {e})"))
    }

    /// Stops the server: fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL.
    pub(crate) fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        // Under runuser our child is runuser itself; the postmaster's pid is in postmaster.pid.
        let pid = postmaster_pid(&self.data_dir).unwrap_or_else(|| self.child.id());
        process::send_signal(pid, "INT");
        if process::wait_for_exit(&mut self.child, FAST_STOP_LIMIT) {
            return;
        }
        process::send_signal(pid, "QUIT");
        if process::wait_for_exit(&mut self.child, QUICK_STOP_LIMIT) {
            return;
        }
        process::send_signal(pid, "KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The postmaster's process id, from the first line of `postmaster.pid`.
fn postmaster_pid(data_dir: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(data_dir.join("postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pid_from_the_first_line() {
        let dir = tempfile::tempdir().expect("temp dir for the test");
        std::fs::write(dir.path().join("postmaster.pid"), "4242\n/data\n").expect("write pid file");
        assert_eq!(postmaster_pid(dir.path()), Some(4242));
        assert_eq!(postmaster_pid(&dir.path().join("missing")), None);
    }
}
