//! Scripted git repositories for the ledger's tests: real `git` commits with fixed identities
//! and dates, so object ids are the same on every run.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary repository.
pub struct ScriptedRepo {
    dir: tempfile::TempDir,
    clock: i64,
}

impl ScriptedRepo {
    /// `git init` in a fresh temporary folder, with a fixed identity and no signing.
    pub fn new() -> ScriptedRepo {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = ScriptedRepo {
            dir,
            clock: 1_790_000_000,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Ada Lovelace"]);
        repo.git(&["config", "user.email", "ada@example.com"]);
        repo.git(&["config", "tag.gpgSign", "false"]);
        repo.git(&["config", "commit.gpgSign", "false"]);
        repo
    }

    /// The work tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Stages everything and commits; returns the commit id.
    pub fn commit(&mut self, message: &str) -> String {
        self.clock += 3600;
        self.git(&["add", "-A"]);
        let date = format!("@{} +0000", self.clock);
        let out = Command::new("git")
            .args(["commit", "-q", "-m", message])
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .current_dir(self.path())
            .output()
            .expect("git commit");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Runs git and returns stdout; panics on failure.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The root as a path buffer.
    pub fn root(&self) -> PathBuf {
        self.path().to_path_buf()
    }

    /// Replaces the message of an annotated tag, keeping its target, as a person editing a
    /// record by hand would (`git tag -f -a`).
    pub fn rewrite_tag_message(&self, tag: &str, edit: impl Fn(&str) -> String) {
        let message = self.git(&["tag", "-l", "--format=%(contents)", tag]);
        let target = self.git(&["rev-parse", &format!("{tag}^{{commit}}")]);
        let file = self.path().join(".git/EDITED_TAG_MESSAGE");
        std::fs::write(&file, edit(&message)).unwrap();
        self.git(&[
            "tag",
            "-f",
            "-a",
            tag,
            "-F",
            file.to_str().unwrap(),
            target.trim(),
        ]);
    }
}
