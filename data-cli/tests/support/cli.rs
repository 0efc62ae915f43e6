//! Running the `data` binary under test and capturing what it prints.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long one run of the binary may take before it is killed.
pub const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The `data` binary cargo built for these tests.
pub fn data_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_data"))
}

/// The `tests/fixtures` directory of data-cli.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// A scratch directory under cargo's target dir for files tests leave for inspection.
pub fn scratch_dir(parts: &[&str]) -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for part in parts {
        dir.push(part);
    }
    dir
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct RunOutput {
    /// How it exited; `None` when it was killed for running past [`RUN_LIMIT`].
    pub status: Option<ExitStatus>,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Everything it printed on stderr.
    pub stderr: String,
}

impl RunOutput {
    /// Whether the run finished in time with exit code 0.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|status| status.success())
    }

    /// A one-line account of a failed run: how it ended and its first stderr line.
    pub fn failure_summary(&self) -> String {
        let ended = match self.status {
            Some(status) => status.to_string(),
            None => format!("killed after {}s", RUN_LIMIT.as_secs()),
        };
        let first = self
            .stderr
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("(nothing on stderr)");
        format!("{ended}: {first}")
    }
}

/// Runs `data` with `args` in the target scratch directory, stdin closed, within [`RUN_LIMIT`].
pub fn run_data<I, S>(args: I) -> std::io::Result<RunOutput>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_data_env(args, &[])
}

/// [`run_data`] with these environment variables set as well.
pub fn run_data_env<I, S>(args: I, env: &[(&str, &str)]) -> std::io::Result<RunOutput>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let cwd = scratch_dir(&[]);
    std::fs::create_dir_all(&cwd)?;
    let mut child = Command::new(data_bin())
        .args(args)
        .envs(env.iter().copied())
        .current_dir(&cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let deadline = Instant::now() + RUN_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(10));
    };
    Ok(RunOutput {
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
    })
}

/// Reads a pipe to its end on a thread of its own.
fn drain<R: Read + Send + 'static>(mut pipe: R) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The text a [`drain`] thread read, or nothing.
fn collect(handle: Option<thread::JoinHandle<String>>) -> String {
    handle
        .and_then(|handle| handle.join().ok())
        .unwrap_or_default()
}
