//! The Prime Directive config, `.data-prime-directive.yml`: rule levels, the seed's own
//! policies with their parameters, per-environment sections and overrides.
//!
//! ```yaml
//! lock_timeout: 5s
//! statement_timeout: 60s
//! time_zone: Europe/Berlin
//! rules:
//!   prefer-text-over-varchar: off
//!   prefer-timestamptz: error
//! environments:
//!   production:
//!     protected: true
//!     maximum_migration_duration: 60s
//!     rules:
//!       require-concurrent-index-creation: error
//! overrides:
//!   - rule: dropping-column
//!     object: public.users.legacy_flag
//!     reason: column unused since v2.3, confirmed in ticket OPS-12
//! ```
//!
//! Every key is optional. An environment section holds the same keys as the top level (except
//! `environments`) and wins over it. Errors name the line and column.

use crate::error::{Error, Result};
use crate::rule::Level;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The file name looked up in the project folder.
pub const FILE_NAME: &str = ".data-prime-directive.yml";

/// The commented sample `data init` writes.
pub const SAMPLE: &str =
    "# The Prime Directive: safety rules for every plan. `data rules` lists them,
# `data rules explain ID` explains one. Every key is optional.
lock_timeout: 5s
statement_timeout: 60s
time_zone: UTC

# Re-level or disable rules: off, info, warning, error.
rules:
  prefer-timestamptz: error

maximum_migration_duration: 60s

# Per environment: the same keys, winning over the ones above. The seed's own policies
# guard protected environments by default; they are spelled out here.
environments:
  prod:
    protected: true
    never_drop_tables_with_data: true
    always_backup_before_destructive: true
    no_migrations_on_friday_after_3pm: true
    require_two_approvals_for_production: true

# Findings let through on purpose; the reason is required and audited.
overrides: []
";

/// What a config says about one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSetting {
    /// Disabled.
    Off,
    /// Enabled at this level.
    Level(Level),
}

impl<'de> Deserialize<'de> for RuleSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(false) => Ok(RuleSetting::Off),
            Raw::Bool(true) => Err(serde::de::Error::custom(
                "use a level (info, warning, error) or `off`, not `true`",
            )),
            Raw::Text(t) => match t.to_ascii_lowercase().as_str() {
                "off" | "disabled" | "none" => Ok(RuleSetting::Off),
                "info" => Ok(RuleSetting::Level(Level::Info)),
                "warning" | "warn" => Ok(RuleSetting::Level(Level::Warning)),
                "error" => Ok(RuleSetting::Level(Level::Error)),
                other => Err(serde::de::Error::custom(format!(
                    "`{other}` is not a rule setting: use off, info, warning or error"
                ))),
            },
        }
    }
}

/// A deploy freeze: no migrations on these days between these local times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreezeWindow {
    /// Week days (`mon`..`sun`, or full names).
    pub days: Vec<String>,
    /// Local start time `HH:MM` (default `00:00`).
    #[serde(default)]
    pub from: Option<String>,
    /// Local end time `HH:MM` (default `24:00`).
    #[serde(default)]
    pub to: Option<String>,
}

/// An override written in the config: a rule accepted for an object, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The rule id.
    pub rule: String,
    /// The object (exact identity, e.g. `public.orders`); absent means every object.
    #[serde(default)]
    pub object: Option<String>,
    /// Why it is acceptable. Required, non-empty.
    #[serde(default)]
    pub reason: String,
}

/// One layer of the file: the top level or an environment section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Layer {
    /// Production-like: unknown row counts block drops, approvals are required.
    pub protected: Option<bool>,
    /// `lock_timeout` the deploy sets (e.g. `5s`).
    pub lock_timeout: Option<String>,
    /// `statement_timeout` the deploy sets (e.g. `60s`).
    pub statement_timeout: Option<String>,
    /// IANA time zone of deploy windows (default `UTC`).
    pub time_zone: Option<String>,
    /// Rule id -> off / info / warning / error.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Seed policy: never drop a table that holds rows.
    pub never_drop_tables_with_data: Option<bool>,
    /// Seed policy: destructive plans need a backup first.
    pub always_backup_before_destructive: Option<bool>,
    /// Seed policy: no migrations on Friday after 15:00 (the default freeze window).
    pub no_migrations_on_friday_after_3pm: Option<bool>,
    /// Freeze windows replacing the default Friday one.
    pub deploy_freeze: Option<Vec<FreezeWindow>>,
    /// Seed policy: protected environments need two approvals.
    pub require_two_approvals_for_production: Option<bool>,
    /// How many distinct approvals a protected environment needs (default 2).
    pub required_approvals: Option<u32>,
    /// Seed policy: the longest estimated migration allowed (e.g. `60s`).
    pub maximum_migration_duration: Option<String>,
    /// Schemas exposed to clients (RLS expected), default `public`.
    pub exposed_schemas: Option<Vec<String>>,
    /// Environment sections (top level only).
    pub environments: BTreeMap<String, Layer>,
    /// Accepted findings with their reasons.
    pub overrides: Vec<Override>,
}

/// The whole file.
#[derive(Debug, Clone, Default)]
pub struct DirectiveConfig {
    /// The parsed file.
    pub root: Layer,
    /// The file's text (to place validation errors).
    text: String,
    /// The file's path.
    path: String,
}

/// The effective settings of one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Production-like.
    pub protected: bool,
    /// `lock_timeout`, when configured.
    pub lock_timeout: Option<Duration>,
    /// `statement_timeout`, when configured.
    pub statement_timeout: Option<Duration>,
    /// Time zone of deploy windows.
    pub time_zone: chrono_tz::Tz,
    /// Rule levels.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Seed policy switches.
    pub never_drop_tables_with_data: bool,
    /// Seed policy switch.
    pub always_backup_before_destructive: bool,
    /// Effective freeze windows (empty: none).
    pub freeze: Vec<FreezeWindow>,
    /// Distinct approvals needed (0: none).
    pub required_approvals: u32,
    /// Longest estimated migration allowed.
    pub maximum_migration_duration: Option<Duration>,
    /// Schemas exposed to clients.
    pub exposed_schemas: Vec<String>,
    /// Overrides from the file (top level and environment).
    pub overrides: Vec<Override>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            protected: false,
            lock_timeout: None,
            statement_timeout: None,
            time_zone: chrono_tz::UTC,
            rules: BTreeMap::new(),
            never_drop_tables_with_data: true,
            always_backup_before_destructive: true,
            freeze: Vec::new(),
            required_approvals: 0,
            maximum_migration_duration: Some(Duration::from_secs(60)),
            exposed_schemas: vec!["public".into()],
            overrides: Vec::new(),
        }
    }
}

impl DirectiveConfig {
    /// Parses config text; `path` names the file in errors.
    pub fn parse(path: &str, text: &str) -> Result<DirectiveConfig> {
        let root: Layer = if text.trim().is_empty() {
            Layer::default()
        } else {
            serde_norway::from_str(text).map_err(|e| {
                let (line, column) = e
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((0, 0));
                Error::Config {
                    path: path.to_string(),
                    line,
                    column,
                    message: e.to_string(),
                }
            })?
        };
        let cfg = DirectiveConfig {
            root,
            text: text.to_string(),
            path: path.to_string(),
        };
        cfg.validate()?;
        Ok(cfg)
    }

    /// Reads `dir/.data-prime-directive.yml`, or an empty config when there is none.
    pub fn load(dir: &Path) -> Result<DirectiveConfig> {
        let path = dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => DirectiveConfig::parse(&path.display().to_string(), &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DirectiveConfig::default()),
            Err(e) => Err(Error::Io {
                path: path.display().to_string(),
                source: e,
            }),
        }
    }

    /// An error at the first line that mentions `needle` (after `after_line`).
    fn error_at(&self, needle: &str, message: String) -> Error {
        let (line, column) = self
            .text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, c + 1)))
            .unwrap_or((0, 0));
        Error::Config {
            path: self.path.clone(),
            line,
            column,
            message,
        }
    }

    /// Checks what serde cannot: rule ids, durations, time zones, windows, reasons.
    fn validate(&self) -> Result<()> {
        let known = crate::registry::ids();
        let layers = std::iter::once(("", &self.root))
            .chain(self.root.environments.iter().map(|(k, v)| (k.as_str(), v)));
        for (env, layer) in layers {
            if !env.is_empty() && !layer.environments.is_empty() {
                return Err(self.error_at(
                    "environments:",
                    format!("environment `{env}` may not hold environments of its own"),
                ));
            }
            for id in layer.rules.keys() {
                if !known.contains(&id.as_str()) {
                    return Err(self.error_at(
                        id,
                        format!("unknown rule `{id}` (see `data rules` for the catalogue)"),
                    ));
                }
            }
            for (key, value) in [
                ("lock_timeout", &layer.lock_timeout),
                ("statement_timeout", &layer.statement_timeout),
                (
                    "maximum_migration_duration",
                    &layer.maximum_migration_duration,
                ),
            ] {
                if let Some(v) = value {
                    parse_duration(v).map_err(|m| self.error_at(key, format!("{key}: {m}")))?;
                }
            }
            if let Some(tz) = &layer.time_zone {
                tz.parse::<chrono_tz::Tz>().map_err(|_| {
                    self.error_at(
                        "time_zone",
                        format!("time_zone: `{tz}` is not an IANA time zone name"),
                    )
                })?;
            }
            for w in layer.deploy_freeze.iter().flatten() {
                for d in &w.days {
                    weekday(d).map_err(|m| self.error_at(d, format!("deploy_freeze: {m}")))?;
                }
                for t in [&w.from, &w.to].into_iter().flatten() {
                    minutes(t).map_err(|m| self.error_at(t, format!("deploy_freeze: {m}")))?;
                }
            }
            for o in &layer.overrides {
                if !known.contains(&o.rule.as_str()) {
                    return Err(
                        self.error_at(&o.rule, format!("override names unknown rule `{}`", o.rule))
                    );
                }
                if o.reason.trim().is_empty() {
                    return Err(self.error_at(
                        &o.rule,
                        format!(
                            "override of `{}` has no reason: every override needs a written reason",
                            o.rule
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The effective settings of `environment` (top level merged with its section).
    pub fn settings(&self, environment: &str) -> Settings {
        let base = &self.root;
        let env = self.root.environments.get(environment);
        let pick = |f: fn(&Layer) -> Option<String>| env.and_then(f).or_else(|| f(base));
        let pick_bool = |f: fn(&Layer) -> Option<bool>| env.and_then(f).or_else(|| f(base));
        let protected =
            pick_bool(|l| l.protected).unwrap_or(matches!(environment, "production" | "prod"));
        let mut rules = base.rules.clone();
        if let Some(e) = env {
            rules.extend(e.rules.clone());
        }
        // The seed's deploy-time policies guard protected environments unless configured
        // otherwise: a development database is not frozen on Friday afternoons.
        let no_friday = pick_bool(|l| l.no_migrations_on_friday_after_3pm).unwrap_or(protected);
        let freeze = match env
            .and_then(|e| e.deploy_freeze.clone())
            .or_else(|| base.deploy_freeze.clone())
        {
            Some(w) => w,
            None if no_friday => vec![FreezeWindow {
                days: vec!["fri".into()],
                from: Some("15:00".into()),
                to: Some("24:00".into()),
            }],
            None => Vec::new(),
        };
        let two = pick_bool(|l| l.require_two_approvals_for_production).unwrap_or(true);
        let required = env
            .and_then(|e| e.required_approvals)
            .or(base.required_approvals)
            .unwrap_or(if two && protected { 2 } else { 0 });
        let mut overrides = base.overrides.clone();
        if let Some(e) = env {
            overrides.extend(e.overrides.clone());
        }
        Settings {
            protected,
            lock_timeout: pick(|l| l.lock_timeout.clone()).and_then(|v| parse_duration(&v).ok()),
            statement_timeout: pick(|l| l.statement_timeout.clone())
                .and_then(|v| parse_duration(&v).ok()),
            time_zone: pick(|l| l.time_zone.clone())
                .and_then(|t| t.parse().ok())
                .unwrap_or(chrono_tz::UTC),
            rules,
            never_drop_tables_with_data: pick_bool(|l| l.never_drop_tables_with_data)
                .unwrap_or(protected),
            always_backup_before_destructive: pick_bool(|l| l.always_backup_before_destructive)
                .unwrap_or(protected),
            freeze,
            required_approvals: required,
            maximum_migration_duration: Some(
                pick(|l| l.maximum_migration_duration.clone())
                    .and_then(|v| parse_duration(&v).ok())
                    .unwrap_or(Duration::from_secs(60)),
            ),
            exposed_schemas: env
                .and_then(|e| e.exposed_schemas.clone())
                .or_else(|| base.exposed_schemas.clone())
                .unwrap_or_else(|| vec!["public".into()]),
            overrides,
        }
    }
}

/// Parses `500ms`, `5s`, `2m`, `1h` or a plain number of seconds.
pub fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let t = text.trim();
    let (num, unit) = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| (&t[..i], t[i..].trim()))
        .unwrap_or((t, "s"));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 500ms, 5s, 2m or 1h"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" | "sec" | "" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{text}` has an unknown unit (use ms, s, m or h)")),
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("`{text}` is not a valid duration"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parses a week day name (`fri`, `Friday`) to chrono's weekday.
pub fn weekday(text: &str) -> std::result::Result<chrono::Weekday, String> {
    let t = text.to_ascii_lowercase();
    let d = match t.get(..3).unwrap_or("") {
        "mon" => chrono::Weekday::Mon,
        "tue" => chrono::Weekday::Tue,
        "wed" => chrono::Weekday::Wed,
        "thu" => chrono::Weekday::Thu,
        "fri" => chrono::Weekday::Fri,
        "sat" => chrono::Weekday::Sat,
        "sun" => chrono::Weekday::Sun,
        _ => return Err(format!("`{text}` is not a week day")),
    };
    Ok(d)
}

/// Parses `HH:MM` to minutes after midnight (`24:00` is 1440).
pub fn minutes(text: &str) -> std::result::Result<u32, String> {
    let bad = || format!("`{text}` is not a time like 15:00");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if m > 59 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Formats a duration for messages (`1.5s`, `2m 30s`).
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{}ms", (s * 1000.0).round())
    } else if s < 120.0 {
        format!("{:.1}s", s)
    } else {
        format!("{}m {}s", (s / 60.0).floor(), (s % 60.0).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_parses() {
        let config = DirectiveConfig::parse(FILE_NAME, SAMPLE).unwrap();
        assert!(config.settings("prod").protected);
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let text = "lock_timeout: 5s\nrules:\n  prefer-timestamptz: error\n  bad: [unclosed\n";
        let err = DirectiveConfig::parse("x.yml", text).unwrap_err();
        match err {
            Error::Config { line, .. } => assert!(line >= 4, "{err}"),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn unknown_rule_names_its_line() {
        let text = "rules:\n  prefer-timestamptz: error\n  no-such-rule: off\n";
        let err = DirectiveConfig::parse("x.yml", text)
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.yml:3:3"), "{err}");
        assert!(err.contains("no-such-rule"), "{err}");
    }

    #[test]
    fn bad_level_names_its_line() {
        let text = "lock_timeout: 5s\nrules:\n  prefer-timestamptz: loud\n";
        let err = DirectiveConfig::parse("x.yml", text)
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.yml:3:"), "{err}");
        assert!(err.contains("loud"), "{err}");
    }

    #[test]
    fn unknown_key_and_bad_duration_name_their_line() {
        let err = DirectiveConfig::parse("x.yml", "lock_timout: 5s\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.yml:1:"), "{err}");
        let err = DirectiveConfig::parse("x.yml", "rules: {}\nlock_timeout: soon\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.yml:2:1"), "{err}");
    }

    #[test]
    fn override_without_reason_is_refused() {
        let text = "overrides:\n  - rule: dropping-table\n    object: public.t\n";
        let err = DirectiveConfig::parse("x.yml", text)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no reason"), "{err}");
        assert!(err.contains("x.yml:2:"), "{err}");
    }

    #[test]
    fn environments_merge_over_the_top_level() {
        let text = "lock_timeout: 5s\nrules:\n  prefer-timestamptz: off\nenvironments:\n  production:\n    maximum_migration_duration: 30s\n    rules:\n      prefer-timestamptz: error\n";
        let cfg = DirectiveConfig::parse("x.yml", text).unwrap();
        let prod = cfg.settings("production");
        assert!(prod.protected);
        assert_eq!(prod.required_approvals, 2);
        assert_eq!(prod.lock_timeout, Some(Duration::from_secs(5)));
        assert_eq!(
            prod.maximum_migration_duration,
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            prod.rules.get("prefer-timestamptz"),
            Some(&RuleSetting::Level(Level::Error))
        );
        let dev = cfg.settings("development");
        assert!(!dev.protected);
        assert_eq!(dev.required_approvals, 0);
        assert_eq!(dev.rules.get("prefer-timestamptz"), Some(&RuleSetting::Off));
        // The seed's deploy-time policies guard protected environments by default.
        assert_eq!(dev.freeze.len(), 0);
        assert_eq!(prod.freeze.len(), 1);
        assert!(!dev.always_backup_before_destructive && prod.always_backup_before_destructive);
    }
}
