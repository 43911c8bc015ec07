//! The GitLab Code Quality report: a JSON array of issues with a stable fingerprint each.

use super::fingerprint;
use crate::Outcome;
use crate::finding::Severity;
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

pub fn render(outcome: &Outcome) -> String {
    let issues: Vec<Issue<'_>> = outcome
        .findings
        .iter()
        .map(|f| {
            let begin = f
                .location
                .as_ref()
                .map_or(1, |l| outcome.sources.line_col(&l.file, l.span.start).0);
            Issue {
                description: format!("[{}] {}", f.rule, f.message),
                check_name: f.rule,
                fingerprint: fingerprint(f),
                severity: match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: Location {
                    path: &f.file,
                    lines: Lines { begin },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_default();
    out.push('\n');
    out
}
