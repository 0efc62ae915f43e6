//! `maximum-migration-duration`: the seed policy bounding how long a migration may run.

use super::prelude::*;

crate::rule!(MaximumMigrationDuration {
    id: "maximum-migration-duration",
    level: Error,
    category: Directive,
    summary: "Prime Directive: the estimated migration time must stay under maximum_migration_duration (60s)",
    explanation: "The duration is estimated from the kind of each statement (catalog-only, validating scan, index build, rewrite, backfill) and the row estimates of the tables it works through. When a table that matters has no estimate the figure is a lower bound; in protected environments that is reported as a warning.",
    bad: "-- orders holds 50 million rows\nALTER TABLE orders ALTER COLUMN qty TYPE bigint;",
    good: "-- orders holds 50 million rows\nALTER TABLE orders ADD COLUMN note text;",
    remedy: "Split the change (expand and contract, batched backfills, CONCURRENTLY builds), or raise maximum_migration_duration for a planned maintenance window.",
});

impl Rule for MaximumMigrationDuration {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(max) = cx.settings.maximum_migration_duration else {
            return;
        };
        let e = crate::estimate::estimate(cx);
        let secs = std::time::Duration::from_secs_f64(e.seconds.max(0.0));
        if secs > max {
            out.add_at(
                &Self::META,
                None,
                "plan",
                format!(
                    "estimated {} exceeds the maximum of {}",
                    human_duration(secs),
                    human_duration(max)
                ),
            );
        } else if !e.complete() && cx.protected() {
            out.add_at(&Self::META, None, "plan", format!("the duration cannot be estimated: no row estimate for {} (estimate at least {})", e.unknown_tables.join(", "), human_duration(secs)));
            if let Some(f) = out.items.last_mut() {
                f.level = Level::Warning;
            }
        }
    }
}
