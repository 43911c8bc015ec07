//! `file:line:column: severity[rule] message`: stable, one line per finding, for grep.

use super::visible;
use crate::Outcome;
use std::fmt::Write;

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for f in &outcome.findings {
        match &f.location {
            Some(loc) => {
                let (line, column) = outcome.sources.line_col(&loc.file, loc.span.start);
                let _ = write!(out, "{}:{line}:{column}: ", visible(&loc.file));
            }
            None => {
                let _ = write!(out, "{}: ", visible(&f.file));
            }
        }
        let _ = write!(out, "{}[{}] {}", f.severity, f.rule, visible(&f.message));
        if let Some(note) = &f.note {
            let _ = write!(out, " ({})", visible(note));
        }
        out.push('\n');
    }
    out
}
