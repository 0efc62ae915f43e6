//! `no-migrations-on-friday-after-3pm`: the seed policy of deploy freeze windows.

use super::prelude::*;
use chrono::{Datelike, TimeZone, Timelike};

crate::rule!(NoMigrationsOnFridayAfter3pm {
    id: "no-migrations-on-friday-after-3pm",
    level: Error,
    category: Directive,
    summary: "Prime Directive: no migrations inside a deploy freeze (default: Friday after 15:00)",
    explanation: "Migrations are not started when nobody is around to watch them. The default window is Friday 15:00 to midnight in the configured time_zone (UTC unless set); deploy_freeze replaces it with any list of days and times. Judged only when an environment is named (--env), i.e. at deploy time.",
    bad: "-- data lint --env production, on Friday at 16:30 in the configured time zone\nALTER TABLE users ADD COLUMN plan text;",
    good: "-- data lint --env production, on Tuesday at 10:00\nALTER TABLE users ADD COLUMN plan text;",
    remedy: "Wait for the window to end, or change deploy_freeze / no_migrations_on_friday_after_3pm in .data-prime-directive.yml.",
});

impl Rule for NoMigrationsOnFridayAfter3pm {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        if !cx.environment_given || cx.statements.is_empty() {
            return;
        }
        let local = cx.settings.time_zone.from_utc_datetime(&cx.now.naive_utc());
        let minute = local.hour() * 60 + local.minute();
        for w in &cx.settings.freeze {
            let day = w
                .days
                .iter()
                .any(|d| crate::config::weekday(d).ok() == Some(local.weekday()));
            let from = w
                .from
                .as_deref()
                .and_then(|t| crate::config::minutes(t).ok())
                .unwrap_or(0);
            let to =
                w.to.as_deref()
                    .and_then(|t| crate::config::minutes(t).ok())
                    .unwrap_or(1440);
            if day && minute >= from && minute < to {
                out.add_at(
                    &Self::META,
                    None,
                    cx.environment.to_string(),
                    format!(
                        "deploy freeze: it is {} {} in {} (window {} {}-{})",
                        local.weekday(),
                        local.format("%H:%M"),
                        cx.settings.time_zone,
                        w.days.join(","),
                        w.from.as_deref().unwrap_or("00:00"),
                        w.to.as_deref().unwrap_or("24:00")
                    ),
                );
                return;
            }
        }
    }
}
