//! Test discovery: which files under `tests/` are pgTAP scripts and which only define test
//! functions (`test.run_*_tests()` returning `SETOF text`, run by `data test` after loading),
//! and the filters of `data test` (file, suite, name).

use pg_query::NodeEnum;

/// What a file under `tests/` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// A pgTAP script printing TAP (`plan(n)` ... `finish()`).
    Script,
    /// Definitions of test functions in the `test` schema, loaded before they run.
    Functions,
}

/// The schema test functions live in.
pub const TEST_SCHEMA: &str = "test";

/// Whether `name` is a test function's name: `run_<suite>_tests`.
pub fn is_test_function(name: &str) -> bool {
    suite_of(name).is_some()
}

/// The suite of a test function (`run_users_tests` → `users`).
pub fn suite_of(name: &str) -> Option<&str> {
    name.strip_prefix("run_")?
        .strip_suffix("_tests")
        .filter(|s| !s.is_empty())
}

/// Reads what a test file is from its parse tree: a file that creates functions in the `test`
/// schema and calls no `plan`/`no_plan` defines test functions; anything else (including a file
/// that does not parse) is a script.
pub fn classify(text: &str) -> FileRole {
    let Ok(parsed) = pg_query::parse(text, 0) else {
        return FileRole::Script;
    };
    let mut defines = false;
    let mut plans = false;
    for raw in &parsed.protobuf.stmts {
        match raw.stmt.as_ref().and_then(|s| s.node.as_ref()) {
            Some(NodeEnum::CreateFunctionStmt(f)) => {
                let schema = f.funcname.iter().rev().nth(1).and_then(|n| match &n.node {
                    Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                    _ => None,
                });
                defines |= schema == Some(TEST_SCHEMA);
            }
            Some(NodeEnum::SelectStmt(_)) => {
                plans |= parsed
                    .functions()
                    .iter()
                    .any(|f| f == "plan" || f == "no_plan");
            }
            _ => {}
        }
    }
    if defines && !plans {
        FileRole::Functions
    } else {
        FileRole::Script
    }
}

/// The filters of `data test`: a run with any of them set is partial and is not recorded as
/// the plan's test result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestFilter {
    /// Only files whose path (relative to the tests folder) contains this.
    pub file: Option<String>,
    /// Only the files under `tests/<suite>/` and the function `test.run_<suite>_tests()`.
    pub suite: Option<String>,
    /// Only test functions whose name contains this, and in scripts only the tests whose
    /// description contains it.
    pub name: Option<String>,
}

impl TestFilter {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.file.is_none() && self.suite.is_none() && self.name.is_none()
    }

    /// Whether a script (path relative to the tests folder) runs.
    pub fn runs_file(&self, rel: &str) -> bool {
        let rel = rel.replace('\\', "/");
        self.file.as_ref().is_none_or(|f| rel.contains(f.as_str()))
            && self
                .suite
                .as_ref()
                .is_none_or(|s| rel.starts_with(&format!("{s}/")))
    }

    /// Whether a test function runs.
    pub fn runs_function(&self, name: &str) -> bool {
        self.file.is_none()
            && self
                .suite
                .as_ref()
                .is_none_or(|s| suite_of(name) == Some(s.as_str()))
            && self.name.as_ref().is_none_or(|n| name.contains(n.as_str()))
    }

    /// Whether a test of a script, by its description, is reported.
    pub fn reports(&self, description: &str) -> bool {
        self.name
            .as_ref()
            .is_none_or(|n| description.contains(n.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_files_and_filters() {
        let functions = "CREATE SCHEMA IF NOT EXISTS test;\nCREATE FUNCTION test.run_users_tests() RETURNS SETOF text LANGUAGE plpgsql AS $$ BEGIN RETURN NEXT ok(true); END $$;";
        assert_eq!(classify(functions), FileRole::Functions);
        assert_eq!(
            classify("BEGIN; SELECT plan(1); SELECT ok(true); SELECT * FROM finish(); ROLLBACK;"),
            FileRole::Script
        );
        assert_eq!(classify("not sql at all"), FileRole::Script);
        assert_eq!(suite_of("run_users_tests"), Some("users"));
        assert!(!is_test_function("run__tests") && !is_test_function("users_tests"));
        let f = TestFilter {
            suite: Some("users".into()),
            ..TestFilter::default()
        };
        assert!(f.runs_file("users/a.sql") && !f.runs_file("orders/a.sql"));
        assert!(f.runs_function("run_users_tests") && !f.runs_function("run_orders_tests"));
        let n = TestFilter {
            name: Some("orders".into()),
            ..TestFilter::default()
        };
        assert!(
            n.runs_function("run_orders_tests")
                && n.reports("orders are kept")
                && !n.reports("users")
        );
        assert!(TestFilter::default().is_empty() && !n.is_empty());
    }
}
