//! Conversions between errlint's findings and the LSP's types: byte offsets to positions and
//! back (UTF-16 columns, counted by the document's line index), and findings to diagnostics.

use super::session::path_of_name;
use crate::document::LineIndex;
use crate::finding::{Finding, Outcome, Severity};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Url,
};
use std::path::Path;

/// The rule of a finding that says the config could not be read.
pub(super) const CONFIG_ERROR: &str = "invalid-config";

/// A diagnostic at the top of a document that a broken config kept from being linted.
pub(super) fn config_error_diagnostic(message: &str) -> Diagnostic {
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(CONFIG_ERROR.into())),
        source: Some("errlint".into()),
        message: format!("not linted: the config is invalid: {message}"),
        ..Default::default()
    }
}

/// The texts of an outcome's files with their line indexes, built once per publish.
pub(super) struct FileTexts<'o> {
    outcome: &'o Outcome,
}

impl<'o> FileTexts<'o> {
    pub(super) fn new(outcome: &'o Outcome) -> Self {
        FileTexts { outcome }
    }

    fn range(&self, file: &str, span: crate::document::Span) -> Range {
        match self.outcome.sources.line_index(file) {
            Some((text, lines)) => range_of(text, lines, span.start as usize, span.end as usize),
            None => Range::default(),
        }
    }
}

pub(super) fn diagnostic(finding: &Finding, root: &Path, files: &FileTexts<'_>) -> Diagnostic {
    let range = finding
        .location
        .as_ref()
        .map_or(Range::default(), |l| files.range(&l.file, l.span));
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            let uri = Url::from_file_path(path_of_name(root, &r.location.file)).ok()?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, files.range(&r.location.file, r.location.span)),
                message: r.message.clone(),
            })
        })
        .collect();
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    Diagnostic {
        range,
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: Url::parse(&crate::catalog::rule_url(finding.rule))
            .ok()
            .filter(|_| crate::rules::find(finding.rule).is_some())
            .map(|href| lsp_types::CodeDescription { href }),
        source: Some("errlint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// An LSP position (0-based line, UTF-16 column) of a byte offset.
pub(super) fn position(text: &str, lines: &LineIndex, offset: usize) -> Position {
    let (line, character) = lines.utf16_position(text, offset);
    Position::new(line, character)
}

/// The LSP range of the bytes from `start` to `end`.
pub(super) fn range_of(text: &str, lines: &LineIndex, start: usize, end: usize) -> Range {
    Range::new(position(text, lines, start), position(text, lines, end))
}

/// The byte offset of an LSP position (a line past the end is the end; a column past the line
/// is its end).
pub(super) fn offset_of(text: &str, position: Position) -> usize {
    crate::document::lines::utf16_offset(text, position.line, position.character)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_both_ways() {
        let text = "a: 1\nb: \"😀x\"\r\nc: é\n";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(position(text, &lines, x), Position::new(1, 6));
        assert_eq!(offset_of(text, Position::new(1, 6)), x);
        let e = text.find('é').unwrap();
        assert_eq!(position(text, &lines, e), Position::new(2, 3));
        assert_eq!(offset_of(text, Position::new(2, 3)), e);
        // Past the end of a line or of the text.
        assert_eq!(offset_of(text, Position::new(0, 99)), 4);
        assert_eq!(offset_of(text, Position::new(9, 0)), text.len());
    }
}
