//! Deployment tags: writing a record as an annotated tag on the deployed commit, and reading
//! every environment's records back in time order.

use crate::error::{Error, Result};
use crate::record::{
    parse_message, Change, Counts, DeploymentRecord, Outcome, Override, ParsedRecord, RECORD_FORMAT,
};
use crate::repo::Repo;
use crate::sign;
use crate::stamp::{check_environment, TagName, TAG_PREFIX};
use chrono::{DateTime, Utc};
use gix::bstr::ByteSlice;
use std::collections::BTreeSet;

/// A deployment tag as found in the repository.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The tag's name.
    pub tag: TagName,
    /// The commit the tag points at.
    pub commit: String,
    /// Whether the tag carries a signature.
    pub signed: bool,
    /// The record, or why it could not be read.
    pub record: std::result::Result<ParsedRecord, String>,
}

impl Deployment {
    /// The record when it could be read.
    pub fn record(&self) -> Option<&DeploymentRecord> {
        self.record.as_ref().ok().map(|p| &p.record)
    }

    /// Whether the record's content still matches its own hash (links are checked by
    /// [`Ledger::verify`]).
    pub fn intact(&self) -> bool {
        self.record
            .as_ref()
            .is_ok_and(|p| p.actual_hash == p.record.record_hash)
    }

    /// Whether this deployment left the environment at its commit.
    pub fn took_effect(&self) -> bool {
        self.record().is_some_and(|r| r.outcome.took_effect())
    }
}

/// What a caller knows about a deployment it wants recorded; the ledger adds the tag name,
/// the chain links and the hash.
#[derive(Debug, Clone)]
pub struct NewDeployment {
    /// The environment.
    pub environment: String,
    /// The revision deployed (resolved to a commit).
    pub to: String,
    /// The commit deployed before; `None` means "the environment's current deployment".
    pub from_commit: Option<String>,
    /// The plan's hash.
    pub plan_hash: String,
    /// The object-level changes.
    pub changes: Vec<Change>,
    /// Findings let through, with reasons.
    pub overrides: Vec<Override>,
    /// Who deployed; `None` takes `user.name <user.email>` from git config.
    pub operator: Option<String>,
    /// The tool version.
    pub tool_version: String,
    /// Start time.
    pub started_at: DateTime<Utc>,
    /// End time.
    pub finished_at: DateTime<Utc>,
    /// Outcome.
    pub outcome: Outcome,
    /// A note.
    pub note: Option<String>,
}

/// The deployment ledger of one repository.
pub struct Ledger {
    repo: Repo,
}

impl Ledger {
    /// Opens the ledger of the repository containing `dir`.
    pub fn open(dir: &std::path::Path) -> Result<Ledger> {
        Ok(Ledger {
            repo: Repo::discover(dir)?,
        })
    }

    /// The repository.
    pub fn repo(&self) -> &Repo {
        &self.repo
    }

    /// The environments that have deployment tags, sorted.
    pub fn environments(&self) -> Result<Vec<String>> {
        Ok(self
            .tag_names()?
            .into_iter()
            .map(|t| t.env)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect())
    }

    /// Every deployment of `env`, oldest first.
    pub fn deployments(&self, env: &str) -> Result<Vec<Deployment>> {
        check_environment(env)?;
        let mut names: Vec<TagName> = self
            .tag_names()?
            .into_iter()
            .filter(|t| t.env == env)
            .collect();
        names.sort_by_key(TagName::order_key);
        names.into_iter().map(|t| self.read(t)).collect()
    }

    /// The newest deployment of `env` that took effect (succeeded or baseline).
    pub fn current(&self, env: &str) -> Result<Option<Deployment>> {
        Ok(self
            .deployments(env)?
            .into_iter()
            .rev()
            .find(Deployment::took_effect))
    }

    /// The deployment in effect for `env` at `at`: the newest that took effect and finished
    /// by then.
    pub fn in_effect_at(&self, env: &str, at: DateTime<Utc>) -> Result<Option<Deployment>> {
        Ok(self
            .deployments(env)?
            .into_iter()
            .rev()
            .find(|d| d.took_effect() && d.record().is_some_and(|r| r.finished_at <= at)))
    }

    /// One deployment by tag name (`data/prod/…`, with or without `refs/tags/`).
    pub fn find(&self, tag: &str) -> Result<Deployment> {
        let name = TagName::parse(tag).ok_or_else(|| Error::UnknownDeployment(tag.to_string()))?;
        if !self.tag_names()?.contains(&name) {
            return Err(Error::UnknownDeployment(tag.to_string()));
        }
        self.read(name)
    }

    /// Writes a deployment as an annotated tag on the deployed commit, chained to the
    /// environment's previous record. Signs it when git config sets `tag.gpgSign`.
    pub fn record(&self, new: NewDeployment) -> Result<Deployment> {
        check_environment(&new.environment)?;
        let to = self.repo.commit(&new.to)?;
        let history = self.deployments(&new.environment)?;
        let previous = history.last();
        let from_commit = match new.from_commit {
            Some(c) => Some(self.repo.commit(&c)?.id),
            None => history
                .iter()
                .rev()
                .find(|d| d.took_effect())
                .and_then(|d| d.record().map(|r| r.to_commit.clone())),
        };
        let taken: BTreeSet<String> = history.iter().map(|d| d.tag.to_string()).collect();
        let mut sequence = 1;
        let tag = loop {
            let t = TagName::new(&new.environment, new.started_at, sequence)?;
            if !taken.contains(&t.to_string()) {
                break t;
            }
            sequence += 1;
        };
        let operator = match new.operator {
            Some(o) => o,
            None => self.operator(),
        };
        let mut record = DeploymentRecord {
            format: RECORD_FORMAT.to_string(),
            tag: tag.to_string(),
            environment: new.environment.clone(),
            from_commit,
            to_commit: to.id.clone(),
            previous_tag: previous.map(|p| p.tag.to_string()),
            previous_record_hash: previous
                .and_then(|p| p.record.as_ref().ok().map(|r| r.actual_hash.clone())),
            plan_hash: new.plan_hash,
            operations: Counts::of(&new.changes),
            changes: new.changes,
            overrides: new.overrides,
            operator,
            tool_version: new.tool_version,
            started_at: new.started_at,
            finished_at: new.finished_at,
            outcome: new.outcome,
            note: new.note,
            record_hash: String::new(),
        };
        record.record_hash = record.compute_hash();
        self.write_tag(&tag, &to.id, &record)?;
        self.read(tag)
    }

    /// `Name <email>` from git config, else `$USER`, else `unknown`.
    pub fn operator(&self) -> String {
        self.repo.operator()
    }

    fn write_tag(&self, tag: &TagName, commit: &str, record: &DeploymentRecord) -> Result<()> {
        let repo = &self.repo.inner;
        let target = gix::ObjectId::from_hex(commit.as_bytes())
            .map_err(|e| Error::git("read the commit id", e))?;
        let tagger_name = record
            .operator
            .split_once(" <")
            .map(|(n, _)| n.to_string())
            .unwrap_or_else(|| record.operator.clone());
        let tagger_email = record
            .operator
            .split_once(" <")
            .map(|(_, e)| e.trim_end_matches('>').to_string())
            .unwrap_or_default();
        let tagger = gix::actor::Signature {
            name: tagger_name.into(),
            email: tagger_email.into(),
            time: gix::date::Time::new(record.finished_at.timestamp(), 0),
        };
        let mut object = gix::objs::Tag {
            target,
            target_kind: gix::objs::Kind::Commit,
            name: tag.to_string().into(),
            tagger: Some(tagger),
            message: record.to_message().into(),
            pgp_signature: None,
        };
        if let Some(signature) = sign::signature_for(repo, &object)? {
            object.pgp_signature = Some(signature.into());
        }
        let id = repo
            .write_object(&object)
            .map_err(|e| Error::git("write the tag object", e))?;
        repo.tag_reference(
            tag.to_string(),
            id.detach(),
            gix::refs::transaction::PreviousValue::MustNotExist,
        )
        .map_err(|e| Error::git(format!("create tag {tag}"), e))?;
        Ok(())
    }

    fn tag_names(&self) -> Result<Vec<TagName>> {
        let refs = self
            .repo
            .inner
            .references()
            .map_err(|e| Error::git("list tags", e))?;
        let prefix = format!("refs/tags/{TAG_PREFIX}");
        let iter = refs
            .prefixed(prefix.as_str())
            .map_err(|e| Error::git("list tags", e))?;
        let mut out = Vec::new();
        for r in iter {
            let r = r.map_err(|e| Error::git("list tags", e))?;
            if let Some(t) = TagName::parse(&r.name().as_bstr().to_string()) {
                out.push(t);
            }
        }
        Ok(out)
    }

    fn read(&self, tag: TagName) -> Result<Deployment> {
        let repo = &self.repo.inner;
        let full = format!("refs/tags/{tag}");
        let mut reference = repo
            .find_reference(full.as_str())
            .map_err(|_| Error::UnknownDeployment(tag.to_string()))?;
        let direct = reference.target().try_id().map(|i| i.to_owned());
        let id = reference
            .peel_to_id()
            .map_err(|e| Error::git(format!("read tag {tag}"), e))?;
        let object = direct
            .and_then(|i| repo.find_object(i).ok())
            .ok_or_else(|| Error::git(format!("read tag {tag}"), "missing object"))?;
        let commit = id.to_string();
        if object.kind != gix::objs::Kind::Tag {
            return Ok(Deployment {
                tag,
                commit,
                signed: false,
                record: Err("a lightweight tag carries no deployment record".into()),
            });
        }
        let decoded = gix::objs::TagRef::from_bytes(&object.data)
            .map_err(|e| Error::git(format!("decode tag {tag}"), e))?;
        let message = decoded.message.to_str_lossy().into_owned();
        Ok(Deployment {
            signed: decoded.pgp_signature.is_some(),
            record: parse_message(&message).map_err(|e| e.to_string()),
            tag,
            commit,
        })
    }
}
