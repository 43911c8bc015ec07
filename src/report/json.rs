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
    /// `safe` (`--fix` applies it) or `unsafe` (only `--unsafe-fixes` does).
    applicability: &'static str,
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

/// Findings written to one part: Stripe's 469 make eight parts, the corpus folder's 15,000
/// make 234.
const STRETCH: usize = 64;

/// The report in parts, to be written one after another: the findings are written on all
/// threads, a stretch of them to a part, indented as they stand in the report's list, and the
/// report around them is written once. (Copied into one buffer, the corpus folder's 11 MB
/// report cost as much again as writing it, on one thread, most of it the buffer's fresh
/// pages.)
pub fn render(outcome: &Outcome) -> Vec<String> {
    use rayon::prelude::*;
    // A file's line index is built by the first finding that needs it.
    let last = outcome.findings.len().saturating_sub(1);
    let stretches: Vec<String> = outcome
        .findings
        .par_chunks(STRETCH)
        .enumerate()
        .map(|(n, stretch)| {
            let mut written = Vec::new();
            for (i, f) in stretch.iter().enumerate() {
                written.extend_from_slice(b"    ");
                let layout = InList {
                    level: 0,
                    has_value: false,
                };
                let mut serializer = serde_json::Serializer::with_formatter(&mut written, layout);
                let _ = finding(f, &outcome.sources).serialize(&mut serializer);
                if n * STRETCH + i < last {
                    written.extend_from_slice(b",\n");
                }
            }
            String::from_utf8(written).unwrap_or_default()
        })
        .collect();
    let s = outcome.summary();
    let report = Report {
        version: 1,
        findings: Vec::new(),
        summary: Summary {
            errors: s.errors,
            warnings: s.warnings,
            files: s.file_count,
        },
    };
    let frame = serde_json::to_string_pretty(&report).unwrap_or_default();
    let mut parts = Vec::with_capacity(stretches.len() + 2);
    match (frame.split_once("\"findings\": []"), stretches.is_empty()) {
        (Some((before, after)), false) => {
            parts.push(format!("{before}\"findings\": [\n"));
            parts.extend(stretches);
            parts.push(format!("\n  ]{after}\n"));
        }
        _ => parts.push(format!("{frame}\n")),
    }
    parts
}

/// serde_json's pretty layout (two spaces a level), starting two levels in: a finding written
/// alone then stands as it does in the report's list. Indenting the written text afterwards
/// was a fifth of the report's cost. Only these methods differ from the compact layout,
/// as in serde_json's `PrettyFormatter`.
struct InList {
    level: usize,
    has_value: bool,
}

impl InList {
    const BASE: &'static [u8] = b"    ";

    fn new_line(
        &self,
        writer: &mut (impl std::io::Write + ?Sized),
        lead: &[u8],
    ) -> std::io::Result<()> {
        writer.write_all(lead)?;
        writer.write_all(Self::BASE)?;
        for _ in 0..self.level {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open(
        &mut self,
        writer: &mut (impl std::io::Write + ?Sized),
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close(
        &mut self,
        writer: &mut (impl std::io::Write + ?Sized),
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.new_line(writer, b"\n")?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for InList {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(writer, if first { b"\n" } else { b",\n" })
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(writer, if first { b"\n" } else { b",\n" })
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
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
            applicability: fix.applicability.as_str(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The findings are written in stretches on all threads; put together, the parts are one
    /// JSON list holding every finding once, in order, however the findings fall into
    /// stretches.
    #[test]
    fn the_parts_are_one_list_in_order() {
        for operations in [0, 1, STRETCH - 1, STRETCH, 2 * STRETCH + 3] {
            let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
            for i in 0..operations {
                text += &format!(
                    "  /p{i}:\n    get:\n      responses:\n        '404': {{description: gone}}\n"
                );
            }
            let outcome = crate::lint_text("api.yaml", &text, &crate::Options::default());
            assert!(outcome.findings.len() >= operations, "{operations}");
            let report: serde_json::Value = serde_json::from_str(&render(&outcome).concat())
                .unwrap_or_else(|e| panic!("{operations} operations: {e}"));
            let written: Vec<(&str, u64)> = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["message"].as_str().unwrap(),
                        f["offset"].as_u64().unwrap(),
                    )
                })
                .collect();
            let found: Vec<(&str, u64)> = outcome
                .findings
                .iter()
                .map(|f| {
                    let offset = f.location.as_ref().map_or(0, |l| l.span.start);
                    (f.message.as_str(), u64::from(offset))
                })
                .collect();
            assert_eq!(written, found, "{operations} operations");
        }
    }
}
