//! The Q continuum: named realities of a database (save points that remember their git
//! commit, kept by the transporter buffer) and what-if runs, which apply a plan to a throwaway
//! clone of a database, report what happened and drop the clone, never touching the original.

use crate::buffer::{database_of, BufferOptions, Target};
use crate::error::Result;
use crate::project::{changes_of, Project};
use crate::source::SchemaSource;
use crate::RenderFormat;
use data_exec::{Database, DatabaseServer, TempCluster};
use data_ledger::Change;
use std::path::Path;
use std::time::{Duration, Instant};

/// What applying a plan to a clone did.
#[derive(Debug, Clone)]
pub struct WhatIf {
    /// The database cloned, as [`Target::key`] shows it.
    pub target: String,
    /// Which plan ran: a file, or the pending plan of an environment.
    pub plan: String,
    /// How the clone was made.
    pub clone: String,
    /// Whether every statement succeeded.
    pub succeeded: bool,
    /// PostgreSQL's error, when a statement failed.
    pub error: Option<String>,
    /// How long the plan ran.
    pub elapsed: Duration,
    /// How the clone's schema changed (up to the failure, if one happened).
    pub changes: Vec<Change>,
    /// Why the schema change could not be worked out, if it could not.
    pub changes_error: Option<String>,
}

/// A clone that goes away when dropped: a database beside the original, or a throwaway
/// cluster holding a restored dump.
enum Scratch {
    Beside {
        server: DatabaseServer,
        name: String,
    },
    Shadow {
        cluster: TempCluster,
    },
}

impl Scratch {
    fn url(&self) -> String {
        match self {
            Scratch::Beside { server, name } => server.url(name),
            Scratch::Shadow { cluster } => cluster.url("whatif"),
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Scratch::Beside { server, name } = self {
            // Dropping can only fail if the server went away, taking the clone with it.
            let _ = server.drop_database(name);
        }
    }
}

impl Project {
    /// Applies a plan to a clone of `target`'s database and reports the outcome; the clone is
    /// dropped afterwards and the original is only ever read. The plan is the SQL file `plan`,
    /// or else the pending plan of the environment `target` names. On a server on this
    /// machine the clone is a template copy (other sessions on the original block it unless
    /// `options.terminate`); otherwise the database is dumped and restored on a throwaway
    /// server.
    pub fn what_if(
        &self,
        target: &Target,
        plan: Option<&Path>,
        options: BufferOptions,
    ) -> Result<WhatIf> {
        let (label, script) = match (plan, target) {
            (Some(path), _) => {
                let text = std::fs::read_to_string(path).map_err(|e| crate::Error::Io {
                    path: path.display().to_string(),
                    source: e,
                })?;
                (path.display().to_string(), text)
            }
            (None, Target::Env(env)) => {
                let pending = self.pending(env, None)?;
                let label = format!(
                    "pending plan of {env} ({} to {})",
                    pending.diff.header.from, pending.diff.header.to
                );
                (label, pending.diff.render(RenderFormat::Sql, false))
            }
            (None, Target::Holodeck(h)) => {
                return Err(crate::Error::Copies(format!(
                    "holodeck `{h}` has no pending plan; give the PLAN file to try"
                )))
            }
        };
        let url = self.target_url(target)?;
        let database = database_of(&url)?;
        let (clone, how) = if data_exec::is_local(&url) {
            let server = DatabaseServer::for_url(&url)?;
            let name =
                data_exec::derived_name(&database, &format!("whatif_{}", std::process::id()));
            server.drop_database(&name)?;
            server.clone_database(&database, &name, options.terminate)?;
            (
                Scratch::Beside { server, name },
                "template copy on the same server".to_string(),
            )
        } else {
            let cluster = TempCluster::start()?;
            cluster.create_database("whatif")?;
            let dir = crate::holodeck::tempfile_dir(self.dir())?;
            let file = dir.join(format!("whatif-{}.dump", std::process::id()));
            let copied = data_exec::dump_to_file(&url, &file)
                .and_then(|()| data_exec::restore_file(&file, &cluster.url("whatif")));
            let _ = std::fs::remove_file(&file);
            copied?;
            (
                Scratch::Shadow { cluster },
                "pg_dump and pg_restore on a throwaway server".to_string(),
            )
        };
        let clone_url = clone.url();
        let clone_db = Database::new(&clone_url)?;
        let before = clone_db.dump_schema()?;
        let started = Instant::now();
        let applied =
            DatabaseServer::for_url(&clone_url)?.run_script(&database_of(&clone_url)?, &script);
        let elapsed = started.elapsed();
        let error = applied.err().map(|e| match &e {
            data_exec::Error::Psql { stderr, .. } => data_exec::scrub(stderr.trim(), &url),
            other => other.to_string(),
        });
        let after = clone_db.dump_schema()?;
        drop(clone);
        let (changes, changes_error) = match self.engine().diff(
            &SchemaSource::Inline {
                label: format!("{} before", target.key()),
                text: before,
            },
            &SchemaSource::Inline {
                label: format!("{} after the plan", target.key()),
                text: after,
            },
        ) {
            Ok(diff) => (changes_of(&diff), None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        Ok(WhatIf {
            target: target.key(),
            plan: label,
            clone: how,
            succeeded: error.is_none(),
            error,
            elapsed,
            changes,
            changes_error,
        })
    }
}
