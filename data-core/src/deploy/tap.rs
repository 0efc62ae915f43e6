//! Reading TAP (the Test Anything Protocol pgTAP prints) and writing JUnit XML for CI.

/// One test line of a TAP stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapTest {
    /// Its number.
    pub number: usize,
    /// Whether it passed (`ok`), counting `# TODO` and `# SKIP` as passed.
    pub ok: bool,
    /// Its description.
    pub description: String,
    /// Diagnostic lines (`# ...`) printed after it.
    pub diagnostics: Vec<String>,
}

/// A parsed TAP stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TapRun {
    /// The planned count (`1..N`), if printed.
    pub planned: Option<usize>,
    /// The tests, in order.
    pub tests: Vec<TapTest>,
    /// Diagnostics before the first test.
    pub preamble: Vec<String>,
}

impl TapRun {
    /// Failed tests, plus one for a plan that was not met.
    pub fn failures(&self) -> usize {
        let failed = self.tests.iter().filter(|t| !t.ok).count();
        failed + usize::from(!self.plan_met())
    }

    /// Whether the planned count matches the tests run (true when nothing was planned).
    pub fn plan_met(&self) -> bool {
        self.planned.is_none_or(|n| n == self.tests.len())
    }
}

/// Parses TAP text; lines that are not TAP are ignored.
pub fn parse(text: &str) -> TapRun {
    let mut run = TapRun::default();
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("1..") {
            if let Ok(n) = rest.split_whitespace().next().unwrap_or("").parse() {
                run.planned = Some(n);
            }
            continue;
        }
        let (ok, rest) = if let Some(r) = trimmed.strip_prefix("not ok") {
            (false, r)
        } else if let Some(r) = trimmed.strip_prefix("ok") {
            (true, r)
        } else if let Some(d) = trimmed.strip_prefix('#') {
            let d = d.trim().to_string();
            match run.tests.last_mut() {
                Some(t) => t.diagnostics.push(d),
                None => run.preamble.push(d),
            }
            continue;
        } else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with(' ')) {
            continue;
        }
        let rest = rest.trim_start();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let number = digits.parse().unwrap_or(run.tests.len() + 1);
        let description = rest[digits.len()..]
            .trim_start()
            .trim_start_matches('-')
            .trim()
            .to_string();
        let directive = description.to_ascii_uppercase();
        let excused = directive.contains("# TODO") || directive.contains("# SKIP");
        run.tests.push(TapTest {
            number,
            ok: ok || excused,
            description,
            diagnostics: Vec::new(),
        });
    }
    run
}

/// JUnit XML for named suites (one per test file).
pub fn junit(suites: &[(String, TapRun, Option<String>)]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (name, run, error) in suites {
        let failures = run.failures() + usize::from(error.is_some());
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">\n",
            xml(name),
            run.tests.len().max(usize::from(error.is_some()))
        ));
        for t in &run.tests {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{} {}\"",
                xml(name),
                t.number,
                xml(&t.description)
            ));
            if t.ok {
                out.push_str("/>\n");
            } else {
                out.push_str(&format!(
                    ">\n      <failure message=\"not ok\">{}</failure>\n    </testcase>\n",
                    xml(&t.diagnostics.join("\n"))
                ));
            }
        }
        if let Some(e) = error {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"run\">\n      <error message=\"the file failed to run\">{}</error>\n    </testcase>\n",
                xml(name),
                xml(e)
            ));
        }
        if !run.plan_met() {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"plan\">\n      <failure message=\"planned {} tests, ran {}\"/>\n    </testcase>\n",
                xml(name),
                run.planned.unwrap_or(0),
                run.tests.len()
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pgtap_output() {
        let run = parse(
            "1..3\nok 1 - Table users should exist\nnot ok 2 - Column email should be NOT NULL\n# Failed test 2\n#   have: NULL\nok 3 # SKIP no pgcrypto\n",
        );
        assert_eq!(run.planned, Some(3));
        assert_eq!(run.tests.len(), 3);
        assert!(!run.tests[1].ok);
        assert_eq!(
            run.tests[1].diagnostics,
            vec!["Failed test 2", "have: NULL"]
        );
        assert!(run.tests[2].ok);
        assert_eq!(run.failures(), 1);
        let short = parse("1..2\nok 1 - a\n");
        assert_eq!(short.failures(), 1);
        assert!(parse("okay then\n").tests.is_empty());
    }

    #[test]
    fn junit_escapes_and_counts() {
        let run = parse("1..1\nnot ok 1 - a <b>\n# why & how\n");
        let xml = junit(&[("t.sql".into(), run, None)]);
        assert!(xml.contains("failures=\"1\""));
        assert!(xml.contains("a &lt;b&gt;"));
        assert!(xml.contains("why &amp; how"));
    }
}
