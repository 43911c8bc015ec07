//! JUnit XML, for CI systems that read nothing else: one test case per file and rule, failing
//! with the rule's findings in that file.

use crate::Outcome;
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn render(outcome: &Outcome, rule_ids: &[&str]) -> String {
    // file → rule → findings' lines
    let mut cases: BTreeMap<&str, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for name in outcome.documents.iter().map(|d| &**d) {
        let rules = cases.entry(name).or_default();
        for id in rule_ids {
            rules.entry(id).or_default();
        }
    }
    for f in &outcome.findings {
        let line = match &f.location {
            Some(l) => {
                let (line, col) = outcome.sources.line_col(&l.file, l.span.start);
                format!("{}:{line}:{col}: {}: {}", l.file, f.severity, f.message)
            }
            None => format!("{}: {}: {}", f.file, f.severity, f.message),
        };
        // One finding, one line: a line break inside it (from a key) is shown, not kept.
        let line = super::visible(&line).into_owned();
        cases
            .entry(&f.file)
            .or_default()
            .entry(f.rule)
            .or_default()
            .push(line);
    }
    let tests: usize = cases.values().map(BTreeMap::len).sum();
    let failures: usize = cases
        .values()
        .flat_map(|r| r.values())
        .filter(|l| !l.is_empty())
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"errlint\" tests=\"{tests}\" failures=\"{failures}\">"
    );
    for (file, rules) in &cases {
        let file_failures = rules.values().filter(|l| !l.is_empty()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{file_failures}\">",
            xml(&super::visible(file)),
            rules.len()
        );
        for (rule, lines) in rules {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(&super::visible(file)),
                xml(rule)
            );
            if lines.is_empty() {
                out.push_str("/>\n");
            } else {
                let summary = format!(
                    "{} finding{}",
                    lines.len(),
                    if lines.len() == 1 { "" } else { "s" }
                );
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{summary}\">{}</failure>\n    </testcase>",
                    xml(&lines.join("\n"))
                );
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escapes text for XML. XML 1.0 cannot carry most control characters at all, not even as
/// references, so they are made visible first; the line breaks errlint puts between findings
/// stay.
fn xml(text: &str) -> String {
    text.split('\n')
        .map(super::visible)
        .collect::<Vec<_>>()
        .join("\n")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
