//! The coverage gate: `[testing]` in `data.toml` sets a level (which missing required tests
//! block) and per-kind coverage thresholds, for every environment or per environment.
//!
//! ```toml
//! [testing]
//! level = "strict"            # strict | normal | lenient | off (default off)
//! thresholds = { policies = 100, tables = 80 }
//! exclude_schemas = ["auth"]  # schemas coverage and required tests ignore
//!
//! [testing.environments.prod]
//! level = "strict"
//! ```

use super::assertions::ObjectKind;
use super::coverage::Coverage;
use super::required::{Priority, RequiredTest};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which missing required tests block a promotion or deployment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GateLevel {
    /// Every missing required test blocks.
    Strict,
    /// Critical and high ones block.
    Normal,
    /// Critical ones block.
    Lenient,
    /// Nothing blocks (the default).
    #[default]
    Off,
}

impl GateLevel {
    /// Whether a missing test of this priority blocks.
    pub fn blocks(self, p: Priority) -> bool {
        match self {
            GateLevel::Strict => true,
            GateLevel::Normal => p <= Priority::High,
            GateLevel::Lenient => p == Priority::Critical,
            GateLevel::Off => false,
        }
    }

    /// The lower-case word.
    pub fn label(self) -> &'static str {
        match self {
            GateLevel::Strict => "strict",
            GateLevel::Normal => "normal",
            GateLevel::Lenient => "lenient",
            GateLevel::Off => "off",
        }
    }
}

/// `[testing]` of `data.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TestingConfig {
    /// The gate level for every environment without its own.
    pub level: GateLevel,
    /// Minimum coverage in percent per kind (`tables`, `columns`, `functions`, `policies`,
    /// `triggers`, `indexes`, `views`, `types`).
    pub thresholds: BTreeMap<String, u32>,
    /// Schemas that coverage and required tests ignore (e.g. a stand-in for Supabase's `auth`).
    pub exclude_schemas: Vec<String>,
    /// Whether policies get behaviour tests per Supabase API role (default: detected from the
    /// schema, see [`super::required::is_supabase`]).
    pub supabase: Option<bool>,
    /// Per-environment level and thresholds (`[testing.environments.prod]`).
    pub environments: BTreeMap<String, TestingEnvironment>,
}

/// `[testing.environments.<env>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TestingEnvironment {
    /// The level for this environment.
    pub level: Option<GateLevel>,
    /// Thresholds for this environment (replacing the shared ones kind by kind).
    pub thresholds: BTreeMap<String, u32>,
}

impl TestingConfig {
    /// The level and thresholds that apply to `env`; an unknown kind in thresholds is an error.
    pub fn for_env(&self, env: &str) -> Result<(GateLevel, BTreeMap<ObjectKind, u32>), String> {
        let own = self.environments.get(env);
        let level = own.and_then(|e| e.level).unwrap_or(self.level);
        let mut thresholds = BTreeMap::new();
        let sets = [Some(&self.thresholds), own.map(|e| &e.thresholds)];
        for (name, pct) in sets.into_iter().flatten().flatten() {
            let kind = ObjectKind::from_plural(name).ok_or_else(|| {
                format!(
                    "unknown kind `{name}` in [testing] thresholds; use {}",
                    ObjectKind::ALL.map(|k| k.plural()).join(", ")
                )
            })?;
            thresholds.insert(kind, *pct);
        }
        Ok((level, thresholds))
    }
}

/// What the gate found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateResult {
    /// The environment.
    pub environment: String,
    /// The level applied.
    pub level: GateLevel,
    /// Missing required tests that block at this level.
    pub blocking: Vec<RequiredTest>,
    /// Missing required tests that do not block at this level.
    pub missing: usize,
    /// Kinds below their threshold: (kind, coverage in percent, threshold).
    pub below: Vec<(ObjectKind, f64, u32)>,
}

impl GateResult {
    /// Whether the gate lets the plan through.
    pub fn passed(&self) -> bool {
        self.blocking.is_empty() && self.below.is_empty()
    }

    /// One paragraph naming every blocking test and threshold.
    pub fn detail(&self) -> String {
        if self.passed() && self.level == GateLevel::Off {
            return format!(
                "{} required test(s) missing; set `level` in [testing] of data.toml to enforce them",
                self.missing
            );
        }
        if self.passed() {
            return format!(
                "level {}: every blocking required test exists ({} missing below the level)",
                self.level.label(),
                self.missing
            );
        }
        let mut parts = Vec::new();
        if !self.blocking.is_empty() {
            let names: Vec<String> = self
                .blocking
                .iter()
                .map(|t| format!("{} [{}]", t.id(), t.priority.label()))
                .collect();
            parts.push(format!(
                "{} missing required test(s) block at level {}: {}",
                self.blocking.len(),
                self.level.label(),
                names.join("; ")
            ));
        }
        for (kind, pct, min) in &self.below {
            parts.push(format!(
                "{} coverage {pct}% is below the threshold {min}%",
                kind.plural()
            ));
        }
        parts.join("; ")
    }
}

/// Judges the required tests of a plan and the coverage against `config` for `env`.
pub fn evaluate(
    config: &TestingConfig,
    env: &str,
    required: &[RequiredTest],
    coverage: &Coverage,
) -> Result<GateResult, String> {
    let (level, thresholds) = config.for_env(env)?;
    let missing: Vec<&RequiredTest> = required
        .iter()
        .filter(|t| t.satisfied_by.is_none())
        .collect();
    let blocking: Vec<RequiredTest> = missing
        .iter()
        .filter(|t| level.blocks(t.priority))
        .map(|t| (*t).clone())
        .collect();
    let below = thresholds
        .iter()
        .filter_map(|(kind, min)| {
            let k = coverage.kind(*kind)?;
            (k.percent < f64::from(*min)).then_some((*kind, k.percent, *min))
        })
        .collect();
    Ok(GateResult {
        environment: env.to_string(),
        level,
        missing: missing.len() - blocking.len(),
        blocking,
        below,
    })
}
