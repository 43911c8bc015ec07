//! rustc-style code frames through miette's graphical handler, one per finding, then a summary.
//! Each frame quotes one line of source; a long line (bundled single-line JSON) is cut to a
//! window around the span that fits the width, so a 13 MB line never reaches the terminal and
//! the underline stays under what it marks.

use super::RenderOptions;
use crate::Outcome;
use crate::finding::{Finding, Location, Severity, Sources};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// Columns a frame spends before the quoted line: indent, line number up to 8 digits, gutter,
/// and the related frames' extra indent.
const FRAME_GUTTER: usize = 20;
/// The narrowest window of a cut line, whatever the width.
const MIN_WINDOW: usize = 40;

pub fn render(outcome: &Outcome, options: &RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        // Wrapped at spaces only: a path such as `/v1/ingest` or a rule id stays whole.
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_links(false)
        .with_context_lines(0)
        .with_show_related_as_nested(true);
    let mut out = String::new();
    let window = options.width.saturating_sub(FRAME_GUTTER).max(MIN_WINDOW);
    for finding in &outcome.findings {
        let diagnostic = FindingDiagnostic::new(finding, &outcome.sources, window);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            // A frame that cannot be drawn still gets its line.
            out.push_str(&format!(
                "{}[{}]: {}\n",
                finding.severity, finding.rule, finding.message
            ));
        }
        out.push_str(&format!("  see: errlint explain {}\n\n", finding.rule));
    }
    if !options.quiet {
        out.push_str(&super::summary_line(outcome));
        out.push('\n');
        if let Some(hint) = super::summary_hint(outcome) {
            out.push_str(&hint);
            out.push('\n');
        }
    }
    out
}

/// One line of source (or a window of it) with the position it came from.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line and column of the span start in the real file.
    line: usize,
    column: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        _span: &SourceSpan,
        _before: usize,
        _after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The excerpt is one line: every read returns all of it, at the real position.
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            SourceSpan::new(0.into(), self.text.len()),
            self.line,
            self.column,
            1,
        )))
    }
}

/// Cuts the line holding `location` down to what a frame shows (at most `window` characters,
/// unless the span itself is longer), and the span within it.
fn excerpt(sources: &Sources, location: &Location, window: usize) -> Option<(Excerpt, SourceSpan)> {
    let Some((text, lines)) = sources.line_index(&location.file) else {
        return placed_excerpt(sources, location, window);
    };
    let start = location.span.start as usize;
    let (line, column) = lines.line_col(text, start);
    let range = lines.line_range(text, line);
    let span_end = (location.span.end as usize).clamp(start, range.end.max(start));
    let line_text = text.get(range.clone()).unwrap_or("");
    // Counted only as far as the window: a bundled line may be megabytes long.
    let (from, to) = if line_text.chars().nth(window).is_none() {
        (range.start, range.end)
    } else {
        // Characters, not bytes: a window of multi-byte text must fit the columns too. A third
        // of the window is context before the span; the ellipses take one column each.
        let room = window - 2;
        let from = back_chars(text, start, room / 3).max(range.start);
        // A span longer than the window is shown up to twice the window, then cut.
        let to = forward_chars(text, from, room)
            .max(floor_boundary(text, span_end).min(forward_chars(text, from, 2 * room)))
            .min(range.end);
        (from, to)
    };
    let prefix = if from > range.start { "…" } else { "" };
    let suffix = if to < range.end { "…" } else { "" };
    let body = text.get(from..to).unwrap_or("");
    let excerpt_text = format!("{prefix}{body}{suffix}");
    let offset = prefix.len() + start.saturating_sub(from).min(body.len());
    let length = span_end.min(to).saturating_sub(start);
    let excerpt = Excerpt {
        name: fit_name(&super::visible(&location.file), window),
        text: super::visible_in_place(&excerpt_text).into_owned(),
        line: line - 1,
        column: column - 1,
    };
    Some((excerpt, SourceSpan::new(offset.into(), length)))
}

/// The frame of a place in a file whose text is not kept: its position, and what its
/// reporter chose to show there, underlined whole.
fn placed_excerpt(
    sources: &Sources,
    location: &Location,
    window: usize,
) -> Option<(Excerpt, SourceSpan)> {
    let place = sources.place(&location.file, location.span.start)?;
    let text: String = super::visible(&place.shown).chars().take(window).collect();
    let span = SourceSpan::new(0.into(), text.len());
    let excerpt = Excerpt {
        name: fit_name(&super::visible(&location.file), window),
        text,
        line: place.line.saturating_sub(1),
        column: place.column.saturating_sub(1),
    };
    Some((excerpt, span))
}

/// A file's name as a frame's header shows it (`╭─[NAME:line:column]`): whole when it fits
/// the width beside the header's marks and position, else its end (the folders nearest the
/// file, and the file), after `…`.
fn fit_name(name: &str, window: usize) -> String {
    /// The header's marks, the position after the name, and a nested frame's indent.
    const BESIDE_NAME: usize = 24;
    let room = window.saturating_sub(BESIDE_NAME).max(16);
    let length = name.chars().count();
    if length <= room {
        return name.to_string();
    }
    let tail = &name[forward_chars(name, 0, length - (room - 1))..];
    // Cut at a folder where one is near, so the name starts with a whole folder.
    let tail = match tail.find('/') {
        Some(slash) if slash < room / 3 => &tail[slash..],
        _ => tail,
    };
    format!("…{tail}")
}

/// The byte offset `count` characters before `at` (or the text's start).
fn back_chars(text: &str, at: usize, count: usize) -> usize {
    let at = floor_boundary(text, at);
    if count == 0 {
        return at;
    }
    text[..at]
        .char_indices()
        .rev()
        .nth(count - 1)
        .map_or(0, |(i, _)| i)
}

/// The byte offset `count` characters after `at` (or the text's end).
fn forward_chars(text: &str, at: usize, count: usize) -> usize {
    let at = floor_boundary(text, at);
    text[at..]
        .char_indices()
        .nth(count)
        .map_or(text.len(), |(i, _)| at + i)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[derive(Debug)]
struct FindingDiagnostic {
    message: String,
    /// `error[error-code-present]`, as rustc heads a diagnostic: the level in words, not only
    /// as a glyph; empty for related places.
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<FindingDiagnostic>,
}

impl FindingDiagnostic {
    fn new(finding: &Finding, sources: &Sources, window: usize) -> Self {
        let framed = finding
            .location
            .as_ref()
            .and_then(|l| excerpt(sources, l, window));
        let (source, labels) = match framed {
            Some((excerpt, span)) => {
                let label = finding
                    .note
                    .as_deref()
                    .or(finding.label.as_deref())
                    .map(|l| super::visible(l).into_owned());
                (
                    Some(excerpt),
                    vec![LabeledSpan::new_primary_with_span(label, span)],
                )
            }
            None => (None, Vec::new()),
        };
        let mut help = finding
            .help
            .as_deref()
            .map(|h| super::visible(h).into_owned());
        if finding.related_omitted > 0 {
            let more = format!("{} more uses are not shown", finding.related_omitted);
            help = Some(match help {
                Some(h) => format!("{h}\n{more}"),
                None => more,
            });
        }
        let message = match (&finding.location, &finding.operation) {
            (None, _) => format!("{}: {}", finding.file, finding.message),
            (Some(_), Some(op))
                if finding.related.is_empty() && !finding.message.contains(&**op) =>
            {
                format!("{} — {op}", finding.message)
            }
            _ => finding.message.clone(),
        };
        let message = super::visible(&message).into_owned();
        let related = finding
            .related
            .iter()
            .filter_map(|r| {
                let (excerpt, span) = excerpt(sources, &r.location, window)?;
                Some(FindingDiagnostic {
                    message: super::visible(&r.message).into_owned(),
                    code: String::new(),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Some(excerpt),
                    labels: vec![LabeledSpan::new_primary_with_span(None, span)],
                    related: Vec::new(),
                })
            })
            .collect();
        FindingDiagnostic {
            message,
            code: format!("{}[{}]", finding.severity, finding.rule),
            severity: match finding.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help,
            source,
            labels,
            related,
        }
    }
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn Diagnostic))
                as Box<dyn Iterator<Item = &dyn Diagnostic>>
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_file_name_keeps_its_end_and_fits() {
        let long = "a/very/long/folder/name/that/goes/on/and/on/for/quite/a/while/before/it/ends/openapi-with-a-long-name.json";
        let fitted = super::fit_name(long, 90);
        assert!(fitted.starts_with("…/"), "{fitted}");
        assert!(
            fitted.ends_with("/it/ends/openapi-with-a-long-name.json"),
            "{fitted}"
        );
        assert!(fitted.chars().count() <= 90 - 24, "{fitted}");
        assert_eq!(super::fit_name("api/openapi.yaml", 90), "api/openapi.yaml");
    }
}
