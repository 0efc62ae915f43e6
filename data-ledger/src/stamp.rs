//! Deployment tag names: `data/<env>/<YYYY.DDD.HHMMSS>` in UTC (year, day of year, time), so
//! that names sort in time order; a second deployment in the same second gets `-2`, `-3`, ….

use crate::error::{Error, Result};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};

/// The namespace of deployment tags under `refs/tags/`.
pub const TAG_PREFIX: &str = "data/";

/// The name of one deployment tag, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagName {
    /// The environment.
    pub env: String,
    /// When the deployment started, to the second.
    pub stamp: DateTime<Utc>,
    /// 1 for the first deployment in that second, 2 for the next, ….
    pub sequence: u32,
}

impl TagName {
    /// The tag for a deployment of `env` at `at`, the `sequence`-th in that second.
    pub fn new(env: &str, at: DateTime<Utc>, sequence: u32) -> Result<TagName> {
        check_environment(env)?;
        let stamp = Utc.timestamp_opt(at.timestamp(), 0).single().unwrap_or(at);
        Ok(TagName {
            env: env.to_string(),
            stamp,
            sequence: sequence.max(1),
        })
    }

    /// Parses `data/<env>/<stamp>[-N]` (with or without `refs/tags/`); `None` for other tags.
    pub fn parse(name: &str) -> Option<TagName> {
        let rest = name.strip_prefix("refs/tags/").unwrap_or(name);
        let rest = rest.strip_prefix(TAG_PREFIX)?;
        let (env, stamp) = rest.split_once('/')?;
        check_environment(env).ok()?;
        let (stamp, sequence) = match stamp.split_once('-') {
            Some((s, n)) => (s, n.parse::<u32>().ok().filter(|n| *n >= 2)?),
            None => (stamp, 1),
        };
        let mut parts = stamp.split('.');
        let (year, day, time) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || year.len() != 4 || day.len() != 3 || time.len() != 6 {
            return None;
        }
        if ![year, day, time]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let date = NaiveDate::from_yo_opt(year.parse().ok()?, day.parse().ok()?)?;
        let time = NaiveTime::from_hms_opt(
            time[0..2].parse().ok()?,
            time[2..4].parse().ok()?,
            time[4..6].parse().ok()?,
        )?;
        Some(TagName {
            env: env.to_string(),
            stamp: Utc.from_utc_datetime(&date.and_time(time)),
            sequence,
        })
    }

    /// The stamp part, `YYYY.DDD.HHMMSS[-N]`.
    pub fn stamp_text(&self) -> String {
        let s = &self.stamp;
        let base = format!(
            "{:04}.{:03}.{:02}{:02}{:02}",
            s.year(),
            s.ordinal(),
            s.hour(),
            s.minute(),
            s.second()
        );
        if self.sequence > 1 {
            format!("{base}-{}", self.sequence)
        } else {
            base
        }
    }

    /// The key that orders tags of one environment in time.
    pub fn order_key(&self) -> (DateTime<Utc>, u32) {
        (self.stamp, self.sequence)
    }
}

impl std::fmt::Display for TagName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{TAG_PREFIX}{}/{}", self.env, self.stamp_text())
    }
}

/// Environment names become one component of a tag name, so they are kept to letters, digits,
/// `-` and `_`, starting with a letter or digit.
pub fn check_environment(env: &str) -> Result<()> {
    let ok = !env.is_empty()
        && env.len() <= 64
        && env
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && env
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidEnvironment(env.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sort_in_time_order() {
        let at = Utc.with_ymd_and_hms(2026, 2, 3, 4, 5, 6).unwrap();
        let first = TagName::new("prod", at, 1).unwrap();
        assert_eq!(first.to_string(), "data/prod/2026.034.040506");
        let second = TagName::new("prod", at, 2).unwrap();
        assert_eq!(second.to_string(), "data/prod/2026.034.040506-2");
        assert_eq!(TagName::parse(&second.to_string()), Some(second.clone()));
        assert_eq!(
            TagName::parse("refs/tags/data/prod/2026.034.040506"),
            Some(first.clone())
        );
        assert!(first.order_key() < second.order_key());
        assert!(first.to_string() < second.to_string());
        let later = TagName::new("prod", at + chrono::Duration::seconds(1), 1).unwrap();
        assert!(second.to_string() < later.to_string());
    }

    #[test]
    fn rejects_foreign_tags_and_bad_environments() {
        assert_eq!(TagName::parse("v1.0"), None);
        assert_eq!(TagName::parse("data/prod/latest"), None);
        assert_eq!(TagName::parse("data/prod/2026.400.000000"), None);
        assert_eq!(TagName::parse("data/prod/2026.034.040506-1"), None);
        assert_eq!(TagName::parse("data/prod/2026.034.0é0506"), None);
        assert_eq!(TagName::parse("data/prod/2026.034.+40506"), None);
        assert!(TagName::new("pro d", Utc::now(), 1).is_err());
        assert!(TagName::new("", Utc::now(), 1).is_err());
        assert!(TagName::new("-x", Utc::now(), 1).is_err());
        assert!(TagName::new("staging_eu-1", Utc::now(), 1).is_ok());
    }
}
