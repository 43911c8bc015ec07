//! Report formats: one file each. A format reads findings and source texts only; it knows
//! nothing of OpenAPI.

mod concise;
mod json;
mod pretty;

use crate::Outcome;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// rustc-style code frames with a summary line (the default).
    Pretty,
    /// `file:line:column: severity[rule] message`, one line per finding.
    Concise,
    /// A stable JSON document, `version` 1.
    Json,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["pretty", "concise", "json"];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "pretty" => Format::Pretty,
            "concise" => Format::Concise,
            "json" => Format::Json,
            _ => return None,
        })
    }
}

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub format: Format,
    /// ANSI colours (pretty only).
    pub color: bool,
    /// Wrap width of the pretty format.
    pub width: usize,
}

impl RenderOptions {
    /// No colour, fixed width: byte-identical everywhere, for files, pipes and snapshots.
    pub fn plain(format: Format) -> Self {
        RenderOptions {
            format,
            color: false,
            width: 100,
        }
    }
}

/// Renders every finding of an outcome.
pub fn render(outcome: &Outcome, options: &RenderOptions) -> String {
    match options.format {
        Format::Pretty => pretty::render(outcome, options),
        Format::Concise => concise::render(outcome),
        Format::Json => json::render(outcome),
    }
}

/// `N errors, M warnings in K files`.
pub fn summary_line(outcome: &Outcome) -> String {
    let s = outcome.summary();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    );
    if s.infos > 0 {
        line.push_str(&format!(", {}", plural(s.infos, "info")));
    }
    line.push_str(&format!(" in {}", plural(s.files, "file")));
    line
}
