//! The repository questions the ledger asks: which commit a revision names, when it was made,
//! how many commits lie between two points, which branch is checked out, what is uncommitted.

use crate::error::{Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use std::path::{Path, PathBuf};

/// A commit with the facts the ledger shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full object id in hex.
    pub id: String,
    /// Committer time.
    pub time: DateTime<Utc>,
    /// The first line of the message.
    pub summary: String,
}

impl CommitInfo {
    /// The first 10 hex digits of the id.
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(10)]
    }
}

/// An open repository.
pub struct Repo {
    pub(crate) inner: gix::Repository,
    root: PathBuf,
}

impl Repo {
    /// Opens the repository whose work tree contains `dir`.
    pub fn discover(dir: &Path) -> Result<Repo> {
        let abs = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let inner = gix::discover(&abs).map_err(|e| Error::NotARepository {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let root = inner
            .workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| inner.git_dir().to_path_buf());
        let root = root.canonicalize().unwrap_or(root);
        Ok(Repo { inner, root })
    }

    /// Who is acting here, as git would name the committer: `Name <email>` from the
    /// repository's config (its own, the user's and the system's), else `$USER`, else
    /// `unknown`.
    pub fn operator(&self) -> String {
        match self.inner.committer() {
            Some(Ok(sig)) => format!("{} <{}>", sig.name, sig.email),
            _ => user_or_unknown(),
        }
    }

    /// The work tree root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The commit a revision names (branch, tag, id, `HEAD~2`, …).
    pub fn commit(&self, rev: &str) -> Result<CommitInfo> {
        let unknown = |e: &dyn std::fmt::Display| Error::UnknownRevision {
            rev: rev.to_string(),
            repo: self.root.display().to_string(),
            message: e.to_string(),
        };
        let id = self.inner.rev_parse_single(rev).map_err(|e| unknown(&e))?;
        let commit = id
            .object()
            .map_err(|e| unknown(&e))?
            .peel_to_commit()
            .map_err(|e| unknown(&e))?;
        commit_info(&commit).map_err(|e| unknown(&e))
    }

    /// The branch checked out (`None` when HEAD is detached).
    pub fn branch(&self) -> Result<Option<String>> {
        let name = self
            .inner
            .head_name()
            .map_err(|e| Error::git("read HEAD", e))?;
        Ok(name.map(|n| n.shorten().to_string()))
    }

    /// The upstream of a local branch as a revision (`refs/remotes/origin/main`), when git
    /// config names one and that remote-tracking ref exists.
    pub fn upstream(&self, branch: &str) -> Option<String> {
        let config = self.inner.config_snapshot();
        let remote = config.string(format!("branch.{branch}.remote").as_str())?;
        let merge = config.string(format!("branch.{branch}.merge").as_str())?;
        let merge = merge.to_string();
        let short = merge.strip_prefix("refs/heads/").unwrap_or(&merge);
        let name = format!("refs/remotes/{remote}/{short}");
        self.inner.find_reference(name.as_str()).ok()?;
        Some(name)
    }

    /// How many commits `to` has that `from` does not (`git rev-list --count from..to`).
    pub fn commits_between(&self, from: &str, to: &str) -> Result<usize> {
        let from = self.object_id(from)?;
        let to = self.object_id(to)?;
        let walk = self
            .inner
            .rev_walk([to])
            .with_hidden([from])
            .all()
            .map_err(|e| Error::git("walk history", e))?;
        let mut n = 0;
        for info in walk {
            info.map_err(|e| Error::git("walk history", e))?;
            n += 1;
        }
        Ok(n)
    }

    /// The newest commit reachable from `tip` made at or before `at` (by committer time).
    pub fn last_commit_before(&self, tip: &str, at: DateTime<Utc>) -> Result<Option<CommitInfo>> {
        let tip = self.object_id(tip)?;
        let walk = self
            .inner
            .rev_walk([tip])
            .all()
            .map_err(|e| Error::git("walk history", e))?;
        let mut best: Option<CommitInfo> = None;
        for info in walk {
            let info = info.map_err(|e| Error::git("walk history", e))?;
            let commit = info.object().map_err(|e| Error::git("read a commit", e))?;
            let c = commit_info(&commit).map_err(|e| Error::git("read a commit", e))?;
            if c.time <= at && best.as_ref().is_none_or(|b| c.time > b.time) {
                best = Some(c);
            }
        }
        Ok(best)
    }

    /// Paths (relative to the root) under `prefix` that are modified, staged, deleted or
    /// untracked, sorted. Ignored files are not listed.
    pub fn uncommitted(&self, prefix: &str) -> Result<Vec<String>> {
        let status = self
            .inner
            .status(gix::progress::Discard)
            .map_err(|e| Error::git("read the working tree status", e))?
            .untracked_files(gix::status::UntrackedFiles::Files);
        let items = status
            .into_iter(Vec::new())
            .map_err(|e| Error::git("read the working tree status", e))?;
        let prefix = prefix.trim_matches('/');
        let mut paths = Vec::new();
        for item in items {
            let item = item.map_err(|e| Error::git("read the working tree status", e))?;
            let path = item.location().to_string();
            let inside = prefix.is_empty()
                || path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'));
            if inside {
                paths.push(path);
            }
        }
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    pub(crate) fn object_id(&self, rev: &str) -> Result<gix::ObjectId> {
        gix::ObjectId::from_hex(self.commit(rev)?.id.as_bytes())
            .map_err(|e| Error::git("read an object id", e))
    }
}

pub(crate) fn commit_info(commit: &gix::Commit<'_>) -> Result<CommitInfo> {
    let time = commit
        .time()
        .map_err(|e| Error::git("read a commit time", e))?;
    let summary = commit
        .message()
        .map(|m| m.summary().to_string())
        .unwrap_or_default();
    Ok(CommitInfo {
        id: commit.id.to_string(),
        time: Utc
            .timestamp_opt(time.seconds, 0)
            .single()
            .unwrap_or_default(),
        summary,
    })
}

/// Who is acting in `dir`: the committer of the repository holding it ([`Repo::operator`]);
/// outside a repository `user.name` and `user.email` of git's global config (read by gix, no
/// `git` process), else `$USER`, else `unknown`.
pub fn operator_at(dir: &Path) -> String {
    if let Ok(repo) = Repo::discover(dir) {
        return repo.operator();
    }
    let global = gix::config::File::from_globals().ok();
    let value = |key: &str| {
        global
            .as_ref()
            .and_then(|c| c.string(key))
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
    };
    match (value("user.name"), value("user.email")) {
        (Some(name), Some(email)) => format!("{name} <{email}>"),
        (Some(name), None) => name,
        _ => user_or_unknown(),
    }
}

fn user_or_unknown() -> String {
    std::env::var("USER")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}
