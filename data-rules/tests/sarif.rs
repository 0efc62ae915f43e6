//! SARIF output is structurally valid SARIF 2.1.0: the required properties of the log, run,
//! tool driver, reporting descriptors and results, with the types the specification requires.

use data_rules::{lint_files, report, Options};
use serde_json::Value;

fn obj<'a>(v: &'a Value, key: &str, at: &str) -> &'a Value {
    v.get(key)
        .unwrap_or_else(|| panic!("{at}: missing `{key}`"))
}

#[test]
fn sarif_is_structurally_valid_2_1_0() {
    let files = [(
        "migrations/001.sql".to_string(),
        "CREATE INDEX i ON t (c);\nALTER TABLE t ADD COLUMN d timestamp;\n".to_string(),
    )];
    let r = lint_files(&files, &Options::default());
    let text = report::sarif(&r, "0.1.0");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(obj(&doc, "version", "log"), "2.1.0");
    assert!(obj(&doc, "$schema", "log")
        .as_str()
        .unwrap()
        .contains("sarif-2.1.0"));
    let runs = obj(&doc, "runs", "log")
        .as_array()
        .expect("runs is an array");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = obj(obj(run, "tool", "run"), "driver", "tool");
    assert_eq!(obj(driver, "name", "driver"), "data");
    assert!(obj(driver, "version", "driver").is_string());
    assert!(obj(driver, "informationUri", "driver")
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = obj(driver, "rules", "driver").as_array().unwrap();
    assert!(rules.len() >= 45);
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| obj(r, "id", "rule").as_str().unwrap())
        .collect();
    for r in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(obj(r, key, "rule")["text"].is_string(), "{key}.text");
        }
        let level = obj(
            obj(r, "defaultConfiguration", "rule"),
            "level",
            "defaultConfiguration",
        );
        assert!(["none", "note", "warning", "error"].contains(&level.as_str().unwrap()));
    }
    let results = obj(run, "results", "run").as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        let id = obj(res, "ruleId", "result").as_str().unwrap();
        assert!(ids.contains(&id), "{id} not in driver.rules");
        let index = obj(res, "ruleIndex", "result").as_u64().unwrap() as usize;
        assert_eq!(ids[index], id, "ruleIndex points at the rule");
        assert!(["none", "note", "warning", "error"]
            .contains(&obj(res, "level", "result").as_str().unwrap()));
        assert!(obj(obj(res, "message", "result"), "text", "message").is_string());
        for loc in obj(res, "locations", "result").as_array().unwrap() {
            let phys = obj(loc, "physicalLocation", "location");
            let uri = obj(
                obj(phys, "artifactLocation", "physicalLocation"),
                "uri",
                "artifactLocation",
            );
            assert_eq!(uri, "migrations/001.sql");
            let region = obj(phys, "region", "physicalLocation");
            assert!(obj(region, "startLine", "region").as_u64().unwrap() >= 1);
            assert!(obj(region, "startColumn", "region").as_u64().unwrap() >= 1);
        }
    }
    let index_finding = results
        .iter()
        .find(|r| r["ruleId"] == "require-concurrent-index-creation")
        .expect("index finding");
    assert_eq!(index_finding["level"], "error");
    assert_eq!(
        index_finding["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
}
