//! Planner snapshots without a database: every oracle fixture (`data-cli/tests/fixtures/cases`)
//! is planned here, forward and rollback, and the SQL is pinned with insta, so a planner change
//! shows its exact effect on every case in review. The oracle test proves on PostgreSQL that
//! these plans converge; this one proves they did not change by accident.

use data_ast::build;
use data_ast::parse::ParseCache;
use data_ast::plan::{self, PlanHeader, RenderFormat};
use data_ast::SourceFile;
use std::path::{Path, PathBuf};

/// The oracle's fixture cases, in name order.
fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data-cli/tests/fixtures/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("because the fixture cases exist")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("old.sql").is_file() && p.join("new.sql").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn load(path: &Path, cache: &ParseCache) -> data_ast::model::Schema {
    let text = std::fs::read_to_string(path).expect("because the fixture file is readable");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("because fixture names are UTF-8");
    let loaded = build::load(&[SourceFile::new(name, text)], cache);
    assert!(
        !loaded.has_errors(),
        "{}: {:?}",
        path.display(),
        loaded.errors()
    );
    loaded.schema
}

/// The forward and rollback SQL of one case, as `data diff` prints them.
fn planned(dir: &Path) -> String {
    let cache = ParseCache::new();
    let old = load(&dir.join("old.sql"), &cache);
    let new = load(&dir.join("new.sql"), &cache);
    let pair = plan::plan(&old, &new).expect("because every fixture case plans");
    let header = PlanHeader {
        from: "old.sql".into(),
        to: "new.sql".into(),
        tool_version: "snapshot".into(),
    };
    format!(
        "{}\n-- ======== rollback ========\n{}",
        pair.render(&header, RenderFormat::Sql, false),
        pair.render(&header, RenderFormat::Sql, true)
    )
}

#[test]
fn every_fixture_case_plans_as_pinned() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/plans");
    settings.bind(|| {
        for dir in cases() {
            let name = dir
                .file_name()
                .and_then(|n| n.to_str())
                .expect("because case names are UTF-8")
                .to_string();
            insta::assert_snapshot!(name, planned(&dir));
        }
    });
}
