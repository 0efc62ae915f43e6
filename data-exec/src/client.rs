//! Running the PostgreSQL client programs `psql` and `pg_dump` against a database URL.

use std::path::Path;
use std::process::{Command, Output};

use crate::bindir::BinDir;
use crate::error::{Error, Result};
use crate::process;

/// Keeps NOTICE chatter out of psql's stderr so only warnings and errors remain.
const QUIET_OPTIONS: &str = "--client-min-messages=warning";

/// A `psql` command that ignores `~/.psqlrc`, prints no chatter and stops on the first error.
fn psql(bindir: &BinDir, url: &str) -> Command {
    let mut command = Command::new(bindir.program("psql"));
    command
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url])
        .env("PGOPTIONS", QUIET_OPTIONS);
    command
}

/// Turns psql's output into success or an [`Error::Psql`] carrying its stderr.
fn psql_result(out: Output, database: &str) -> Result<()> {
    if out.status.success() {
        return Ok(());
    }
    Err(Error::Psql {
        database: database.to_owned(),
        status: process::describe(out.status),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// Runs the SQL file at `path` with psql against `url` (the database named `database`).
pub(crate) fn psql_file(bindir: &BinDir, url: &str, database: &str, path: &Path) -> Result<()> {
    let mut command = psql(bindir, url);
    command.arg("-f").arg(path);
    let out = process::output(&mut command, "psql")?;
    psql_result(out, database)
}

/// What psql printed for a file run with tuples only and unaligned output (as TAP needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PsqlOutput {
    /// Whether psql exited with success.
    pub success: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the file at `path` with `psql -t -A` and returns what it printed, failing only when
/// psql cannot be started.
pub(crate) fn psql_file_output(bindir: &BinDir, url: &str, path: &Path) -> Result<PsqlOutput> {
    let mut command = psql(bindir, url);
    command.args(["-t", "-A", "-f"]).arg(path);
    let out = process::output(&mut command, "psql")?;
    Ok(PsqlOutput {
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// Runs `sql` with psql against `url`, feeding it on stdin.
pub(crate) fn psql_text(bindir: &BinDir, url: &str, database: &str, sql: &str) -> Result<()> {
    let mut command = psql(bindir, url);
    command.args(["-f", "-"]);
    let out = process::output_with_stdin(&mut command, "psql", sql)?;
    psql_result(out, database)
}

/// The schema of the database at `url` as `pg_dump --schema-only --no-owner --no-privileges` prints it.
pub(crate) fn dump_schema(bindir: &BinDir, url: &str, database: &str) -> Result<String> {
    dump_schema_excluding(bindir, url, database, &[])
}

/// Like [`dump_schema`], leaving out the named schemas.
pub(crate) fn dump_schema_excluding(
    bindir: &BinDir,
    url: &str,
    database: &str,
    exclude: &[&str],
) -> Result<String> {
    let mut command = Command::new(bindir.program("pg_dump"));
    command.args(["--schema-only", "--no-owner", "--no-privileges", "-d", url]);
    for schema in exclude {
        command.arg(format!("--exclude-schema={schema}"));
    }
    let out = process::output(&mut command, "pg_dump")?;
    if !out.status.success() {
        return Err(Error::Dump {
            database: database.to_owned(),
            status: process::describe(out.status),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    String::from_utf8(out.stdout).map_err(|e| Error::Dump {
        database: database.to_owned(),
        status: "success".to_owned(),
        stderr: format!("output is not UTF-8: {e}"),
    })
}
