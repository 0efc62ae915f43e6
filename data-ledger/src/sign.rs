//! Signing deployment tags when git config asks for it (`tag.gpgSign = true`), the way git
//! does: the tag object without its signature is signed by `gpg.program` (default `gpg`) with
//! `user.signingKey` (default: the tagger's identity), and the armored signature is appended.

use crate::error::{Error, Result};
use gix::objs::WriteTo;
use std::io::Write;
use std::process::{Command, Stdio};

/// The armored signature for `tag`, or `None` when git config does not ask for signed tags.
pub(crate) fn signature_for(
    repo: &gix::Repository,
    tag: &gix::objs::Tag,
) -> Result<Option<String>> {
    let config = repo.config_snapshot();
    if !config.boolean("tag.gpgSign").unwrap_or(false) {
        return Ok(None);
    }
    let format = config
        .string("gpg.format")
        .map(|s| s.to_string())
        .unwrap_or_else(|| "openpgp".to_string());
    if format != "openpgp" {
        return Err(Error::Signing {
            program: format!("gpg.format={format}"),
            message:
                "only OpenPGP signing is supported; set gpg.format=openpgp or unset tag.gpgSign"
                    .into(),
        });
    }
    let program = config
        .string("gpg.openpgp.program")
        .or_else(|| config.string("gpg.program"))
        .map(|s| s.to_string())
        .unwrap_or_else(|| "gpg".to_string());
    let key = match config.string("user.signingKey") {
        Some(k) => k.to_string(),
        None => tag
            .tagger
            .as_ref()
            .map(|t| format!("{} <{}>", t.name, t.email))
            .unwrap_or_default(),
    };
    let mut payload = Vec::new();
    tag.write_to(&mut payload)
        .map_err(|e| Error::git("serialise the tag", e))?;
    // The signature follows the message after a newline; git verifies everything before it.
    payload.push(b'\n');
    let fail = |message: String| Error::Signing {
        program: program.clone(),
        message,
    };
    let mut child = Command::new(&program)
        .args(["--status-fd=2", "-bsau", &key])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&payload).map_err(|e| fail(e.to_string()))?;
    }
    let output = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || !stderr.contains("SIG_CREATED") {
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        return Err(fail(last.to_string()));
    }
    Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned()))
}
