//! The project config, `data.toml`: where golden SQL lives, which roles' privileges it manages,
//! and how plans run (`[plan]`: online-safe or fast, timeouts).

use crate::error::{Error, Result};
use data_ast::plan::PlanOptions;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Settings read from a project's `data.toml`; every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The golden SQL folder, relative to the project (default `sql`).
    pub sql_dir: String,
    /// Roles whose GRANTs and REVOKEs golden SQL manages. Privileges of other roles are never
    /// planned, so a plan never revokes what the project does not own.
    pub managed_roles: Vec<String>,
    /// How plans are made and run.
    pub plan: PlanConfig,
    /// Deployment environments by name (`[environments.prod]`).
    pub environments: BTreeMap<String, Environment>,
    /// Where `data automate` writes migrations, relative to the project (default `migrations`).
    pub migrations_dir: String,
    /// Where pgTAP tests live, relative to the project (default `tests`).
    pub tests_dir: String,
    /// How deployments run.
    pub deploy: DeploySettings,
    /// The coverage gate and test intelligence settings (`[testing]`).
    pub testing: crate::testintel::TestingConfig,
    /// Where holodecks (branch databases) are made.
    pub holodeck: HolodeckSettings,
}

/// `[holodeck]`: the server holodecks live on and the branch `data holodeck gc` compares with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HolodeckSettings {
    /// The environment variable holding a URL of the server to create holodecks on (its user
    /// needs CREATEDB). Default: a local server that data starts, like `local = true`.
    pub url_env: Option<String>,
    /// The branch whose merged branches' holodecks `data holodeck gc` drops (default `main`).
    pub main_branch: String,
}

impl Default for HolodeckSettings {
    fn default() -> Self {
        HolodeckSettings {
            url_env: None,
            main_branch: "main".to_string(),
        }
    }
}

/// `[deploy]`: how `data align` waits for a concurrent deployment. (Timeouts come from
/// `[plan]`, so a deployment runs with the ones its plan shows.)
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeploySettings {
    /// Seconds to wait for another deployment of the same environment to finish.
    pub lock_wait_seconds: u64,
}

impl Default for DeploySettings {
    fn default() -> Self {
        DeploySettings {
            lock_wait_seconds: 30,
        }
    }
}

/// One deployment environment of `data.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Environment {
    /// The name of the environment variable that holds the connection URL (the URL itself is
    /// never written in the file).
    pub url_env: Option<String>,
    /// Production-like: deployments need explicit confirmation.
    pub protected: bool,
    /// The branch deployments must come from.
    pub branch: Option<String>,
    /// A development environment on a local server that data starts and keeps running
    /// (instead of `url_env`); see `data server`.
    pub local: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sql_dir: "sql".to_string(),
            managed_roles: Vec::new(),
            plan: PlanConfig::default(),
            environments: BTreeMap::new(),
            migrations_dir: "migrations".to_string(),
            tests_dir: "tests".to_string(),
            deploy: DeploySettings::default(),
            testing: crate::testintel::TestingConfig::default(),
            holodeck: HolodeckSettings::default(),
        }
    }
}

/// The `[plan]` table of `data.toml`; an absent key keeps the default.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanConfig {
    /// Online-safe plans for existing tables (default `true`; `false` is `--unsafe-fast`).
    pub online: Option<bool>,
    /// `lock_timeout` of every transaction block (default `5s`; `0` disables it).
    pub lock_timeout: Option<String>,
    /// `statement_timeout` of every step (default: the server's setting).
    pub statement_timeout: Option<String>,
}

impl PlanConfig {
    /// The plan options this table sets, over the defaults.
    pub fn options(&self) -> PlanOptions {
        let mut o = PlanOptions::default();
        if let Some(online) = self.online {
            o.online = online;
        }
        if let Some(t) = &self.lock_timeout {
            o.lock_timeout = Some(t.clone());
        }
        if let Some(t) = &self.statement_timeout {
            o.statement_timeout = Some(t.clone());
        }
        o
    }
}

impl Config {
    /// Reads `dir/data.toml`, or the defaults when there is none.
    pub fn load(dir: &Path) -> Result<Config> {
        let path = dir.join("data.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| Error::Config {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::Io {
                path: path.display().to_string(),
                source: e,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        assert_eq!(toml::from_str::<Config>("").unwrap(), Config::default());
        let c: Config = toml::from_str("managed_roles = [\"anon\"]").unwrap();
        assert_eq!(c.managed_roles, vec!["anon"]);
        assert_eq!(c.sql_dir, "sql");
        let err = toml::from_str::<Config>("sql_dirr = \"x\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
        let c: Config = toml::from_str(
            "[environments.prod]\nurl_env = \"PROD_URL\"\nprotected = true\nbranch = \"main\"\n",
        )
        .unwrap();
        assert!(c.environments["prod"].protected);
        assert_eq!(c.environments["prod"].url_env.as_deref(), Some("PROD_URL"));
        let err = toml::from_str::<Config>("[environments.prod]\nurl = \"postgres://x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn plan_table() {
        let c: Config =
            toml::from_str("[plan]\nonline = false\nstatement_timeout = \"30min\"").unwrap();
        let o = c.plan.options();
        assert!(!o.online);
        assert_eq!(o.lock_timeout.as_deref(), Some("5s"));
        assert_eq!(o.statement_timeout.as_deref(), Some("30min"));
        assert_eq!(Config::default().plan.options(), PlanOptions::default());
        assert!(toml::from_str::<Config>("[plan]\nlock_timout = \"1s\"").is_err());
    }
}
