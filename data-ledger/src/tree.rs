//! Reading the files under a folder of the repository at a revision.

use crate::error::{Error, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A file read from git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitFile {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// Contents (lossily decoded as UTF-8).
    pub text: String,
}

/// Where a folder sits in its repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoLocation {
    /// The repository's work tree root.
    pub root: PathBuf,
    /// The folder relative to the root (`""` for the root itself), `/`-separated.
    pub prefix: String,
}

impl RepoLocation {
    /// Finds the repository containing `dir`.
    pub fn discover(dir: &Path) -> Result<RepoLocation> {
        let abs = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let repo = gix::discover(&abs).map_err(|e| Error::NotARepository {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let root = repo
            .workdir()
            .map(Path::to_path_buf)
            .ok_or_else(|| Error::NotARepository {
                path: dir.display().to_string(),
                message: "the repository has no work tree".into(),
            })?;
        let root = root.canonicalize().unwrap_or(root);
        let prefix = abs
            .strip_prefix(&root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        Ok(RepoLocation { root, prefix })
    }
}

/// Every file under `folder` (relative to the repository root) at revision `rev` whose name
/// ends in `extension`, sorted by path.
pub fn files_at(root: &Path, rev: &str, folder: &str, extension: &str) -> Result<Vec<GitFile>> {
    let repo = gix::open(root).map_err(|e| Error::NotARepository {
        path: root.display().to_string(),
        message: e.to_string(),
    })?;
    let unknown = |e: &dyn std::fmt::Display| Error::UnknownRevision {
        rev: rev.to_string(),
        repo: root.display().to_string(),
        message: e.to_string(),
    };
    let id = repo.rev_parse_single(rev).map_err(|e| unknown(&e))?;
    let object = id.object().map_err(|e| unknown(&e))?;
    let tree = object.peel_to_tree().map_err(|e| unknown(&e))?;
    let read = |what: &str, e: &dyn std::fmt::Display| Error::Read {
        what: what.to_string(),
        rev: rev.to_string(),
        message: e.to_string(),
    };
    let folder = folder.trim_matches('/');
    // Descend to the folder first, so files elsewhere in the repository are never listed.
    let tree = if folder.is_empty() {
        tree
    } else {
        match tree
            .lookup_entry_by_path(folder)
            .map_err(|e| read(folder, &e))?
        {
            Some(entry) if entry.mode().is_tree() => entry
                .object()
                .map_err(|e| read(folder, &e))?
                .peel_to_tree()
                .map_err(|e| read(folder, &e))?,
            _ => return Ok(Vec::new()),
        }
    };
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(|e| read("the tree", &e))?;
    let wanted: Vec<(String, gix::ObjectId)> = recorder
        .records
        .into_iter()
        .filter(|entry| entry.mode.is_blob())
        .map(|entry| (entry.filepath.to_string(), entry.oid))
        .filter(|(relative, _)| relative.ends_with(extension))
        .map(|(relative, oid)| {
            let path = if folder.is_empty() {
                relative
            } else {
                format!("{folder}/{relative}")
            };
            (path, oid)
        })
        .collect();
    // Blobs are inflated in parallel, each worker with its own handle on the repository.
    let shared = repo.clone().into_sync();
    let chunk = wanted
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(64);
    let read_chunk = |part: &[(String, gix::ObjectId)]| -> Result<Vec<GitFile>> {
        let local = shared.to_thread_local();
        part.iter()
            .map(|(path, oid)| {
                let blob = local.find_object(*oid).map_err(|e| read(path, &e))?;
                Ok(GitFile {
                    text: String::from_utf8_lossy(&blob.data).into_owned(),
                    path: path.clone(),
                })
            })
            .collect()
    };
    let parts: Vec<Result<Vec<GitFile>>> = wanted.par_chunks(chunk).map(read_chunk).collect();
    let mut out = Vec::with_capacity(wanted.len());
    for part in parts {
        out.extend(part?);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The file at `path` (relative to the repository root, `/`-separated) at revision `rev`, or
/// `None` when the revision has no file there. Used to follow `\i` includes of golden SQL
/// into files the folder listing did not read.
pub fn file_at(root: &Path, rev: &str, path: &str) -> Result<Option<GitFile>> {
    let repo = gix::open(root).map_err(|e| Error::NotARepository {
        path: root.display().to_string(),
        message: e.to_string(),
    })?;
    let unknown = |e: &dyn std::fmt::Display| Error::UnknownRevision {
        rev: rev.to_string(),
        repo: root.display().to_string(),
        message: e.to_string(),
    };
    let id = repo.rev_parse_single(rev).map_err(|e| unknown(&e))?;
    let object = id.object().map_err(|e| unknown(&e))?;
    let tree = object.peel_to_tree().map_err(|e| unknown(&e))?;
    let read = |e: &dyn std::fmt::Display| Error::Read {
        what: path.to_string(),
        rev: rev.to_string(),
        message: e.to_string(),
    };
    let Some(entry) = tree.lookup_entry_by_path(path).map_err(|e| read(&e))? else {
        return Ok(None);
    };
    if !entry.mode().is_blob() {
        return Ok(None);
    }
    let blob = entry.object().map_err(|e| read(&e))?;
    Ok(Some(GitFile {
        path: path.to_string(),
        text: String::from_utf8_lossy(&blob.data).into_owned(),
    }))
}
