//! A watchdog process that stops the server and deletes the cluster if we vanish without `Drop`.
//!
//! A cluster kept in a `static` is never dropped, and a killed test process runs no destructors.
//! The guardian is a tiny shell that blocks reading a pipe only we hold the write end of; when
//! our process ends for any reason the pipe closes, and the guardian stops the postmaster named
//! in `postmaster.pid` and removes the cluster directory.

use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

use crate::error::{Error, Result};

/// The watchdog script; `$1` is the data directory, `$2` the directory to remove.
///
/// It ignores terminal signals so a Ctrl-C aimed at the tests does not skip the cleanup.
const SCRIPT: &str = r#"
trap '' INT QUIT HUP
cat >/dev/null 2>&1
if [ -f "$1/postmaster.pid" ]; then
  read -r pid < "$1/postmaster.pid"
  if [ -n "$pid" ] && kill -s INT "$pid" 2>/dev/null; then
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 150 ]; do
      sleep 0.1
      i=$((i + 1))
    done
    kill -s QUIT "$pid" 2>/dev/null
    sleep 0.2
  fi
fi
rm -rf -- "$2"
"#;

/// The running watchdog; dropping it (or our process ending) sets it off.
pub(crate) struct Guardian {
    child: Child,
    trigger: Option<ChildStdin>,
}

impl Guardian {
    /// Starts the watchdog for the cluster whose data lives in `data_dir` under `root`.
    pub(crate) fn spawn(data_dir: &Path, root: &Path) -> Result<Guardian> {
        let mut child = Command::new("sh")
            .args(["-c", SCRIPT, "data-exec-guardian"])
            .arg(data_dir)
            .arg(root)
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| Error::Spawn {
                program: "sh (cluster guardian)".to_owned(),
                source,
            })?;
        let trigger = child.stdin.take();
        Ok(Guardian { child, trigger })
    }
}

impl Drop for Guardian {
    fn drop(&mut self) {
        drop(self.trigger.take());
        let _ = self.child.wait();
    }
}
