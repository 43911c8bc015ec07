//! How a set is loaded: the limits and hints of the caller, the texts that stand in for files
//! on disk (the overlay), and a file read and parsed under them.

use crate::document::source::Refusal;
use crate::document::tree::{NodeId, Tree};
use crate::document::{Format, Limits, LoadError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub limits: Limits,
    /// Folders outside the linted tree that `$ref`s may read.
    pub external_roots: Vec<PathBuf>,
    /// The linted tree, when the caller names it (an editor's workspace folders, canonical);
    /// `None`: the tree of the document's own file (`source::tree_of`).
    pub tree: Option<Vec<PathBuf>>,
    /// Keys whose values are data rather than structure: references under them are not
    /// followed. The caller knows its format (OpenAPI's extensions and examples).
    pub opaque_key: Option<fn(&Tree, NodeId) -> bool>,
    /// How the caller's user changes a limit, for the messages that hit one.
    pub hints: LoadHints,
    /// The root key whose string value is a file's base URI for its relative references
    /// (OpenAPI 3.2's `$self`). The caller knows its format.
    pub base_uri_key: Option<&'static str>,
    /// Texts that stand in for files on disk (an editor's unsaved buffers, a fix not yet
    /// written), by canonical path. A file is still reached only where it may be read.
    pub overlay: Overlay,
}

/// Texts that replace files on disk while loading, by canonical path.
pub type Overlay = Option<Arc<std::collections::HashMap<PathBuf, Arc<str>>>>;

/// What a user can do about a limit, in the words of the tool that loads.
#[derive(Debug, Clone)]
pub struct LoadHints {
    pub raise_file_size: &'static str,
    pub allow_folder: &'static str,
}

impl Default for LoadHints {
    fn default() -> Self {
        LoadHints {
            raise_file_size: "raise the file size limit",
            allow_folder: "allow its folder",
        }
    }
}

/// A file as read ahead of its use: its text and parse, or why it could not be read.
#[derive(Debug)]
pub(super) enum Loaded {
    Parsed {
        text: crate::document::Text,
        parsed: Result<(Tree, Format), LoadError>,
    },
    Refused(String),
}

impl Loaded {
    /// Reads `path` (whose canonical path is `real`; an overlay text stands in for it) and
    /// parses it. Touches nothing shared, so files are read on all threads.
    pub(super) fn read(path: &Path, real: &Path, options: &LoadOptions) -> Loaded {
        if let Some(overlay) = &options.overlay {
            if let Some(text) = overlay.get(real).or_else(|| overlay.get(path)) {
                return Loaded::from_bytes(text.as_bytes().to_vec(), &options.limits);
            }
        }
        match crate::document::source::read_regular(path, options.limits.max_file_bytes) {
            Ok(bytes) => Loaded::from_bytes(bytes, &options.limits),
            Err(Refusal::TooBig { limit }) => Loaded::Refused(format!(
                "the file is over the limit of {limit} bytes ({})",
                options.hints.raise_file_size
            )),
            Err(other) => Loaded::Refused(other.to_string()),
        }
    }

    pub(super) fn from_bytes(bytes: Vec<u8>, limits: &Limits) -> Loaded {
        let (text, start) = crate::document::decode(bytes);
        let parsed = start.and_then(|start| crate::document::parse(text.clone(), start, limits));
        Loaded::Parsed { text, parsed }
    }
}
