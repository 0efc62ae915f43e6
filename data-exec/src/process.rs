//! Small helpers for running external programs and reporting how they ended.

use std::io::Write;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Runs `command` to completion with stdin closed, capturing stdout and stderr.
pub(crate) fn output(command: &mut Command, label: &str) -> Result<Output> {
    command
        .stdin(Stdio::null())
        .output()
        .map_err(|source| Error::Spawn {
            program: label.to_owned(),
            source,
        })
}

/// Runs `command` with `input` written to its stdin, capturing stdout and stderr.
///
/// The input is written from a separate thread so a program that prints a lot before
/// reading everything cannot deadlock against us.
pub(crate) fn output_with_stdin(command: &mut Command, label: &str, input: &str) -> Result<Output> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| Error::Spawn {
            program: label.to_owned(),
            source,
        })?;
    let stdin = child.stdin.take();
    let bytes = input.as_bytes().to_vec();
    let writer = thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A program that stops early (ON_ERROR_STOP) closes its stdin: that is not our error.
            let _ = stdin.write_all(&bytes);
        }
    });
    let result = child.wait_with_output().map_err(|source| Error::Spawn {
        program: label.to_owned(),
        source,
    });
    let _ = writer.join();
    result
}

/// A short description of how a process ended, such as `exit status: 3`.
pub(crate) fn describe(status: ExitStatus) -> String {
    status.to_string()
}

/// Waits up to `limit` for `child` to exit; true when it has.
pub(crate) fn wait_for_exit(child: &mut std::process::Child, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return true,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            Ok(None) => return false,
            // The child can no longer be waited on: treat it as gone.
            Err(_) => return true,
        }
    }
}

/// Sends `signal` (a name such as `INT`) to process `pid` through the shell's `kill` builtin.
pub(crate) fn send_signal(pid: u32, signal: &str) {
    let _ = Command::new("sh")
        .args(["-c", "kill -s \"$1\" \"$2\" 2>/dev/null", "sh", signal])
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The last `lines` lines of `text`.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    all[start..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
    }

    #[test]
    fn stdin_reaches_the_program() {
        let out = output_with_stdin(&mut Command::new("cat"), "cat", "hello").expect("cat runs");
        assert_eq!(out.stdout, b"hello");
    }
}
