//! A git repository built by a test: golden SQL written and committed with fixed identity and
//! dates, so commit ids (and snapshots that show them) are the same on every run.

use super::cli::{run_data, RunOutput};
use std::path::Path;
use std::process::Command;

/// A temporary project that is also a git repository.
pub struct TestRepo {
    dir: tempfile::TempDir,
    commits: i64,
}

impl TestRepo {
    /// An empty repository on branch `main`, with signing off.
    pub fn new() -> TestRepo {
        let repo = TestRepo {
            dir: tempfile::tempdir().expect("a temporary folder"),
            commits: 0,
        };
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["config", "user.name", "Grace Hopper"],
            &["config", "user.email", "grace@example.com"],
            &["config", "tag.gpgSign", "false"],
            &["config", "commit.gpgSign", "false"],
        ] {
            repo.git(args);
        }
        repo
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `sql/<rel>`.
    pub fn golden(&self, rel: &str, sql: &str) {
        let path = self.path().join("sql").join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, sql).expect("write golden SQL");
    }

    /// Makes the folder `rel` of the project a copy of the folder `from` (replacing what was
    /// there).
    pub fn copy_in(&self, from: &Path, rel: &str) {
        copy_dir(from, &self.path().join(rel));
    }

    /// Runs `data -C <this project> ARGS`.
    pub fn data(&self, args: &[&str]) -> RunOutput {
        let mut all = vec!["-C", self.path().to_str().expect("a UTF-8 path")];
        all.extend_from_slice(args);
        run_data(all).expect("data runs")
    }

    /// [`TestRepo::data`], which must succeed; its standard output.
    pub fn data_ok(&self, args: &[&str]) -> String {
        let out = self.data(args);
        assert!(
            out.success(),
            "data {args:?}: {}\n{}\n{}",
            out.failure_summary(),
            out.stdout,
            out.stderr
        );
        out.stdout
    }

    /// Commits everything, dated one day after the previous commit (from 2026-01-01 UTC).
    pub fn commit(&mut self, message: &str) -> String {
        self.commits += 1;
        let date = format!("2026-01-{:02}T00:00:00Z", self.commits);
        self.git(&["add", "-A"]);
        let out = Command::new("git")
            .args(["commit", "-q", "-m", message])
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .current_dir(self.path())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Runs git in the repository; panics when it fails.
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
}

/// Makes `to` a copy of the folder `from`, replacing what was there.
fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("a readable folder") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("a copied file");
        }
    }
}
