//! Human and machine renderings of the ledger views: history, status, audit, the schema at a
//! point, and the deployment timeline (text and a self-contained HTML page).

mod copies;
mod drift;
mod history;
mod schema;
mod status;
mod timeline;
mod timeline_html;

pub use copies::{buffers_human, holodecks_human, human_size, what_if_human};
pub use drift::drift_human;
pub use history::{history_human, history_json};
pub use schema::schema_human;
pub use status::status_human;
pub use timeline::timeline_text;
pub use timeline_html::timeline_html;

use chrono::{DateTime, Utc};

/// `2026-11-27 12:00:00 UTC`.
pub(crate) fn when(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The first 10 hex digits of a commit id.
pub(crate) fn short(id: &str) -> &str {
    &id[..id.len().min(10)]
}
