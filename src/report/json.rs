//! The JSON report: `{"version":1,"findings":[…],"summary":{…}}`, stable field order.

use crate::Outcome;
use crate::finding::{Location, Sources};
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    findings: Vec<Finding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    files: usize,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    pointer: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    offset: Option<u32>,
    length: Option<u32>,
    operation: Option<&'a str>,
    help: Option<&'a str>,
    note: Option<&'a str>,
    related: Vec<Related<'a>>,
    related_omitted: usize,
    /// Present when `--fix` can fix the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<Fix<'a>>,
}

#[derive(Serialize)]
struct Fix<'a> {
    title: &'a str,
    edits: Vec<Edit<'a>>,
}

/// Replace `length` bytes at `offset` (line and column as elsewhere) by `text`.
#[derive(Serialize)]
struct Edit<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    offset: u32,
    length: u32,
    text: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    file: &'a str,
    pointer: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

pub fn render(outcome: &Outcome) -> String {
    use rayon::prelude::*;
    // Each finding is placed and written on all threads (a file's line index is built by the
    // first finding that needs it), indented as it stands in the report; the report around
    // them is written once, with an empty list that they then fill.
    let written: Vec<String> = outcome
        .findings
        .par_iter()
        .with_min_len(256)
        .map(|f| {
            let alone =
                serde_json::to_string_pretty(&finding(f, &outcome.sources)).unwrap_or_default();
            let mut indented = String::with_capacity(alone.len() + alone.len() / 8);
            for (n, line) in alone.split('\n').enumerate() {
                if n > 0 {
                    indented.push('\n');
                }
                indented.push_str("    ");
                indented.push_str(line);
            }
            indented
        })
        .collect();
    let s = outcome.summary();
    let report = Report {
        version: 1,
        findings: Vec::new(),
        summary: Summary {
            errors: s.errors,
            warnings: s.warnings,
            files: s.files,
        },
    };
    let frame = serde_json::to_string_pretty(&report).unwrap_or_default();
    match (frame.split_once("\"findings\": []"), written.is_empty()) {
        (Some((before, after)), false) => {
            let findings = written.join(",\n");
            format!("{before}\"findings\": [\n{findings}\n  ]{after}\n")
        }
        _ => format!("{frame}\n"),
    }
}

/// One finding as the report writes it.
fn finding<'a>(f: &'a crate::finding::Finding, sources: &'a Sources) -> Finding<'a> {
    let at = f.location.as_ref().map(|l| position(sources, l));
    Finding {
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        file: &f.file,
        pointer: f.location.as_ref().map(|l| l.pointer.as_str()),
        line: at.map(|p| p.0),
        column: at.map(|p| p.1),
        end_line: at.map(|p| p.2),
        end_column: at.map(|p| p.3),
        offset: f.location.as_ref().map(|l| l.span.start),
        length: f.location.as_ref().map(|l| l.span.len() as u32),
        operation: f.operation.as_deref(),
        help: f.help.as_deref(),
        note: f.note.as_deref(),
        related: f
            .related
            .iter()
            .map(|r| {
                let (line, column, _, _) = position(sources, &r.location);
                Related {
                    file: &r.location.file,
                    pointer: &r.location.pointer,
                    line,
                    column,
                    message: &r.message,
                }
            })
            .collect(),
        related_omitted: f.related_omitted,
        fix: f.fix.as_ref().map(|fix| Fix {
            title: &fix.title,
            edits: fix
                .edits
                .iter()
                .map(|e| {
                    let (line, column) = sources.line_col(&e.file, e.span.start);
                    let (end_line, end_column) = sources.line_col(&e.file, e.span.end);
                    Edit {
                        file: &e.file,
                        line,
                        column,
                        end_line,
                        end_column,
                        offset: e.span.start,
                        length: e.span.len() as u32,
                        text: &e.text,
                    }
                })
                .collect(),
        }),
    }
}

/// Start line and column, end line and column (exclusive), all 1-based.
fn position(sources: &Sources, location: &Location) -> (usize, usize, usize, usize) {
    let (line, column) = sources.line_col(&location.file, location.span.start);
    let (end_line, end_column) = sources.line_col(&location.file, location.span.end);
    (line, column, end_line, end_column)
}
