//! The document layer: source files, the span tape for YAML and JSON, RFC 6901 pointers and
//! `$ref` resolution across files. It knows nothing of OpenAPI or rules.

pub mod check;
pub mod edit;
mod json;
pub mod lines;
pub mod pointer;
mod refs;
pub mod source;
mod tree;
mod yaml;
mod yaml_fast;

pub use lines::LineIndex;
pub use refs::{
    DocumentSet, FileId, Hop, LoadHints, LoadOptions, NodeRef, Overlay, Problem, ProblemKind,
};
pub use tree::{Entries, Items, Kind, LookupError, NodeId, Span, Tree};
#[doc(hidden)]
pub use yaml::{
    fast_path_agrees as yaml_fast_path_agrees, fast_path_declines_at as yaml_fast_path_declines_at,
    halves_agree as yaml_halves_agree,
};

use std::sync::Arc;

/// A file's text, shared by its tree, its views and the reports. An `Arc<String>` rather
/// than an `Arc<str>`: a file read into a `String` moves in without a second copy.
pub type Text = Arc<String>;

/// Budgets that keep hostile input bounded. See docs/security.md, "Limits and safety".
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest nesting of mappings and sequences accepted.
    pub max_depth: usize,
    /// Nodes that YAML aliases may add by copying their anchors, summed over a file.
    pub max_alias_nodes: usize,
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 1_000,
            max_alias_nodes: 1_000_000,
            max_file_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Which front-end read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

/// Why a file could not be turned into a tree.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub kind: ProblemKind,
    pub message: String,
    pub span: Option<Span>,
    /// Another place in the same file that explains the error (the first of two duplicate keys).
    pub secondary: Option<(Span, String)>,
}

impl LoadError {
    pub(crate) fn syntax(message: String, span: Span) -> Self {
        LoadError {
            kind: ProblemKind::Syntax,
            message,
            span: Some(span),
            secondary: None,
        }
    }

    pub(crate) fn duplicate_key(dup: tree::DuplicateKey) -> Self {
        LoadError {
            kind: ProblemKind::DuplicateKey,
            message: format!(
                "duplicate key `{}`: the second value would silently replace the first",
                dup.key
            ),
            span: Some(dup.second),
            secondary: Some((dup.first, "first defined here".into())),
        }
    }
}

/// Turns raw bytes into text: UTF-8 with or without a byte order mark. Invalid UTF-8 is
/// replaced for display and reported at the first bad byte.
pub fn decode(bytes: Vec<u8>) -> (Text, Result<usize, LoadError>) {
    // UTF-32's little-endian mark starts like UTF-16's: test it first.
    let encoding =
        if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
            Some("UTF-32")
        } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            Some("UTF-16")
        } else {
            None
        };
    if let Some(encoding) = encoding {
        let error = LoadError {
            kind: ProblemKind::Encoding,
            message: format!(
                "the file is {encoding}: errlint reads UTF-8 (convert it, e.g. with `iconv -f {encoding} -t UTF-8`)"
            ),
            span: None,
            secondary: None,
        };
        return (Arc::new(String::new()), Err(error));
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            let bom = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
            (Arc::new(text), Ok(bom))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let error = LoadError {
                kind: ProblemKind::Encoding,
                message: format!("the file is not valid UTF-8 (first bad byte at offset {at})"),
                span: Some(Span::new(at, at + '\u{FFFD}'.len_utf8())),
                secondary: None,
            };
            (Arc::new(text), Err(error))
        }
    }
}

/// Detects the format from the content (never the file name) and parses it.
pub fn parse(text: Text, start: usize, limits: &Limits) -> Result<(Tree, Format), LoadError> {
    let first = text[start..].bytes().find(|b| !b.is_ascii_whitespace());
    let format = if matches!(first, Some(b'{' | b'[')) {
        Format::Json
    } else {
        Format::Yaml
    };
    parse_as(text, start, format, limits).map(|t| (t, format))
}

/// Parses an in-memory text (an editor's buffer, a fixed file) with the default limits:
/// `None` when it is not YAML or JSON that reads.
pub fn parse_text(text: &str) -> Option<Tree> {
    let (text, start) = decode(text.as_bytes().to_vec());
    parse(text, start.ok()?, &Limits::default())
        .ok()
        .map(|(tree, _)| tree)
}

/// Parses text in a given format, from byte `start` (past a byte order mark).
pub fn parse_as(
    text: Text,
    start: usize,
    format: Format,
    limits: &Limits,
) -> Result<Tree, LoadError> {
    match format {
        Format::Json => json::parse(text, start, limits),
        Format::Yaml => yaml::parse(text, start, limits),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn utf32_is_named_utf32_and_utf16_utf16() {
        let (_, utf32) = super::decode(vec![0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]);
        assert!(utf32.unwrap_err().message.starts_with("the file is UTF-32"));
        let (_, utf32_be) = super::decode(vec![0, 0, 0xFE, 0xFF, 0, 0, 0, b'a']);
        assert!(
            utf32_be
                .unwrap_err()
                .message
                .starts_with("the file is UTF-32")
        );
        let (_, utf16) = super::decode(vec![0xFF, 0xFE, b'a', 0]);
        assert!(utf16.unwrap_err().message.starts_with("the file is UTF-16"));
    }
}
