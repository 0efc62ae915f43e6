//! Creating a fresh data directory with `initdb`.

use std::path::Path;
use std::process::Command;

use crate::bindir::BinDir;
use crate::error::{Error, Result};
use crate::identity::RunAs;
use crate::process;
use crate::url::SUPERUSER;

/// Runs `initdb` into `data_dir` (which must not exist yet) with trust authentication,
/// the `postgres` superuser, UTF8 encoding, the C.UTF-8 (or C) locale and no fsync.
pub(crate) fn init_data_dir(
    bindir: &BinDir,
    run_as: RunAs,
    work_dir: &Path,
    data_dir: &Path,
) -> Result<()> {
    let locale = pick_locale();
    let mut command = run_as.command(&bindir.program("initdb"));
    command
        .arg("-D")
        .arg(data_dir)
        .args(["-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--no-sync"])
        .arg(format!("--locale={locale}"))
        .current_dir(work_dir);
    let out = process::output(&mut command, "initdb")?;
    if out.status.success() {
        return Ok(());
    }
    Err(Error::CommandFailed {
        program: "initdb".to_owned(),
        status: process::describe(out.status),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stderr),
            process::tail(&String::from_utf8_lossy(&out.stdout), 20)
        ),
    })
}

/// `C.UTF-8` when the system has that locale (so text sorts bytewise but is UTF-8 aware), else `C`.
fn pick_locale() -> &'static str {
    let listed = Command::new("locale")
        .arg("-a")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    if has_c_utf8(&listed) {
        "C.UTF-8"
    } else {
        "C"
    }
}

/// Whether a `locale -a` listing names the C.UTF-8 locale under any of its spellings.
fn has_c_utf8(listing: &str) -> bool {
    listing.lines().any(|line| {
        let squashed: String = line
            .trim()
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        squashed == "c.utf8"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_c_utf8_spellings() {
        assert!(has_c_utf8("C\nC.utf8\nPOSIX\n"));
        assert!(has_c_utf8("C.UTF-8\n"));
        assert!(!has_c_utf8("C\nPOSIX\nen_US.utf8\n"));
    }
}
