//! Which OS user runs the server: ourselves, or `postgres` via `runuser` when we are root.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// The OS user that owns the cluster directory and runs `initdb` and `postgres`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunAs {
    /// The current (non-root) user runs everything directly.
    CurrentUser,
    /// We are root: PostgreSQL refuses that, so the `postgres` OS user runs the server programs.
    PostgresUser,
}

/// The OS account used when running as root.
const SERVER_USER: &str = "postgres";

impl RunAs {
    /// Decides who runs the server: `postgres` when we are root (which must then exist), else us.
    pub(crate) fn detect() -> Result<RunAs> {
        if !running_as_root() {
            return Ok(RunAs::CurrentUser);
        }
        let known = Command::new("id")
            .args(["-u", SERVER_USER])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|status| status.success())
            .unwrap_or(false);
        if known {
            Ok(RunAs::PostgresUser)
        } else {
            Err(Error::NoPostgresUser)
        }
    }

    /// A command that runs `program` as this user.
    pub(crate) fn command(self, program: &Path) -> Command {
        match self {
            RunAs::CurrentUser => Command::new(program),
            RunAs::PostgresUser => {
                let mut command = Command::new("runuser");
                command.args(["-u", SERVER_USER, "--"]).arg(program);
                command
            }
        }
    }

    /// Gives `dir` to this user so the server can write its data and socket there.
    pub(crate) fn take_ownership(self, dir: &Path) -> Result<()> {
        if self == RunAs::CurrentUser {
            return Ok(());
        }
        let output = Command::new("chown")
            .arg(format!("{SERVER_USER}:"))
            .arg(dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|source| Error::Spawn {
                program: "chown".to_owned(),
                source,
            })?;
        if output.status.success() {
            Ok(())
        } else {
            Err(Error::CommandFailed {
                program: format!("chown {SERVER_USER}: {}", dir.display()),
                status: output.status.to_string(),
                output: String::from_utf8_lossy(&output.stderr).into_owned(),
            })
        }
    }
}

/// Whether this process runs with effective user id 0.
///
/// `/proc/self` is owned by the process's effective user; where `/proc` is missing, asks `id -u`.
fn running_as_root() -> bool {
    if let Ok(meta) = std::fs::metadata("/proc/self") {
        return meta.uid() == 0;
    }
    Command::new("id")
        .arg("-u")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_user_runs_programs_directly() {
        let command = RunAs::CurrentUser.command(Path::new("/bin/true"));
        assert_eq!(command.get_program(), "/bin/true");
    }

    #[test]
    fn root_goes_through_runuser() {
        let command = RunAs::PostgresUser.command(Path::new("/usr/bin/initdb"));
        assert_eq!(command.get_program(), "runuser");
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["-u", "postgres", "--", "/usr/bin/initdb"]);
    }
}
