//! Drift: does a live database still have the schema its last deployment left? The golden SQL
//! at the environment's deployed tag is built on a throwaway server; both that database and the
//! live one are read from their catalogs ([`Database::introspect`]), modelled by the engine and
//! compared in the comparable form of `data_ast::equivalence` — so both sides are printed by
//! PostgreSQL itself and compared with one normaliser. No client program touches the live
//! database, so its server may be of any version the catalog queries support.

use crate::engine::Diff;
use crate::error::{Error, Result};
use crate::project::{changes_of, Project};
use crate::source::SchemaSource;
use data_exec::{Database, TempCluster};
use data_ledger::Change;
use serde::Serialize;

/// The differences between an environment's expected and live schema.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    /// The environment.
    pub environment: String,
    /// The deployment tag whose golden SQL is expected (`None`: nothing deployed, so the
    /// expected schema is empty).
    pub deployed: Option<String>,
    /// The database, with any password redacted.
    pub database: String,
    /// What the live database has that the expected schema does not, as the changes that turn
    /// the expected schema into the live one.
    pub changes: Vec<Change>,
    /// The plan from expected to live (what was done by hand); its rollback restores golden.
    #[serde(skip)]
    pub diff: Option<Diff>,
}

impl Drift {
    /// Whether the live schema differs.
    pub fn drifted(&self) -> bool {
        !self.changes.is_empty()
    }
}

impl Project {
    /// The connection URL of `env`, from the environment variable `data.toml` names for it.
    pub fn database_url(&self, env: &str) -> Result<String> {
        let config = self
            .config()
            .environments
            .get(env)
            .ok_or_else(|| Error::Environment {
                env: env.to_string(),
                message: "not described in data.toml; add [environments.".to_string()
                    + env
                    + "] with url_env = \"NAME_OF_VARIABLE\"",
            })?;
        if config.local {
            let server = data_exec::LocalServer::ensure(&self.local_server_key(env))?;
            return Ok(server.database(env)?);
        }
        let var = config
            .url_env
            .as_deref()
            .ok_or_else(|| Error::Environment {
                env: env.to_string(),
                message: "data.toml gives neither url_env (the variable holding its connection \
                          URL) nor local = true"
                    .into(),
            })?;
        std::env::var(var).map_err(|_| Error::Environment {
            env: env.to_string(),
            message: format!("the variable {var} that should hold its connection URL is not set"),
        })
    }

    /// The key naming `env`'s local server: the project's absolute path and the environment.
    pub fn local_server_key(&self, env: &str) -> String {
        let dir = self
            .dir()
            .canonicalize()
            .unwrap_or_else(|_| self.dir().to_path_buf());
        format!("{}#{env}", dir.display())
    }

    /// `env`'s live schema read from its catalog, as golden-style SQL that `data` loads like
    /// golden SQL (a start for a project whose database exists already), headed by a comment
    /// naming the database without its password.
    pub fn introspect(&self, env: &str) -> Result<String> {
        let url = self.database_url(env)?;
        let db = Database::new(url)?;
        let sql = db.introspect()?;
        Ok(format!(
            "-- schema of {env} ({}) read from pg_catalog by data {}\n\n{sql}",
            db.label(),
            crate::VERSION
        ))
    }

    /// Compares `env`'s live database (URL from its `url_env` variable) with the golden SQL at
    /// its deployed tag.
    pub fn drift(&self, env: &str) -> Result<Drift> {
        let url = self.database_url(env)?;
        self.drift_at(env, &url)
    }

    /// Like [`Project::drift`] with an explicit URL.
    pub fn drift_at(&self, env: &str, url: &str) -> Result<Drift> {
        let deployed = self.ledger()?.current(env)?;
        let expected_sql = match &deployed {
            Some(d) => self.engine().compile(&self.at(Some(&d.commit)), false)?,
            None => String::new(),
        };
        let shadow = TempCluster::start()?;
        shadow.create_database("expected")?;
        shadow.psql_sql("expected", &expected_sql)?;
        let expected = Database::new(shadow.url("expected"))?.introspect()?;
        drop(shadow);
        let live_db = Database::new(url)?;
        let live = live_db.introspect()?;
        let tag = deployed.as_ref().map(|d| d.tag.to_string());
        let expected_label = match &tag {
            Some(t) => format!("golden SQL at {t} (as PostgreSQL prints it)"),
            None => "the empty schema (nothing deployed)".to_string(),
        };
        let diff = self.engine().diff_equivalent(
            &SchemaSource::Inline {
                label: expected_label,
                text: expected,
            },
            &SchemaSource::Inline {
                label: format!("live {env} ({})", live_db.label()),
                text: live,
            },
        )?;
        Ok(Drift {
            environment: env.to_string(),
            deployed: tag,
            database: live_db.label().to_string(),
            changes: changes_of(&diff),
            diff: Some(diff),
        })
    }
}
