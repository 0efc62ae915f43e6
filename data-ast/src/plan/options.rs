//! How a plan is made and run: online-safe or fast, and the timeouts its transaction blocks set.

use crate::error::{Error, Result};
use serde::Serialize;

/// The lock timeout of online-safe plans unless configured otherwise.
pub const DEFAULT_LOCK_TIMEOUT: &str = "5s";

/// Options of [`plan_with`](super::plan_with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanOptions {
    /// Online-safe steps for tables that already exist: indexes built and dropped
    /// concurrently, constraints added `NOT VALID` then validated, `SET NOT NULL` through a
    /// validated check. `false` is `--unsafe-fast`: plain statements.
    pub online: bool,
    /// `lock_timeout` set in every transaction block (a PostgreSQL duration such as `5s`);
    /// `None` leaves the server's setting alone.
    pub lock_timeout: Option<String>,
    /// `statement_timeout` set in every transaction block and around every step outside one;
    /// `None` leaves the server's setting alone.
    pub statement_timeout: Option<String>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            online: true,
            lock_timeout: Some(DEFAULT_LOCK_TIMEOUT.to_string()),
            statement_timeout: None,
        }
    }
}

impl PlanOptions {
    /// Fast plans (`--unsafe-fast`) with the default timeouts.
    pub fn fast() -> Self {
        PlanOptions {
            online: false,
            ..PlanOptions::default()
        }
    }

    /// Checks that each timeout is a PostgreSQL duration: a number with an optional unit
    /// (`us`, `ms`, `s`, `min`, `h`, `d`); `0` disables the timeout on the server.
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("lock_timeout", &self.lock_timeout),
            ("statement_timeout", &self.statement_timeout),
        ] {
            if let Some(v) = value {
                if !is_duration(v) {
                    return Err(Error::InvalidOption {
                        name,
                        value: v.clone(),
                        expected: "a duration such as 500ms, 5s, 2min or 1h (0 disables it)",
                    });
                }
            }
        }
        Ok(())
    }
}

/// Whether `s` is a number with an optional PostgreSQL time unit, e.g. `5s` or `1.5min`.
fn is_duration(s: &str) -> bool {
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(digits_end);
    let number_ok = !number.is_empty()
        && number.chars().filter(|c| *c == '.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    number_ok
        && matches!(
            unit.trim_start(),
            "" | "us" | "ms" | "s" | "min" | "h" | "d"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for ok in ["0", "5s", "500ms", "1.5min", "2h", "1d", "10 s", "250us"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["", "s", "5x", "5s'; DROP TABLE t; --", "1..2s", "-1s", ".s"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    #[test]
    fn validate_names_the_option() {
        let o = PlanOptions {
            statement_timeout: Some("soon".into()),
            ..PlanOptions::default()
        };
        let e = o.validate().unwrap_err().to_string();
        assert!(e.contains("statement_timeout") && e.contains("soon"), "{e}");
        assert!(PlanOptions::default().validate().is_ok());
    }
}
