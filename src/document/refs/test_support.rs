//! Helpers the unit tests of `$ref` resolution share: a set from text, a scratch folder, and
//! where a reference leads.

use super::{DocumentSet, FileId, LoadOptions, NodeRef};
use std::path::PathBuf;

pub(super) fn load(text: &str) -> DocumentSet {
    DocumentSet::load_text("t.yaml".into(), text, None, LoadOptions::default())
}

/// An empty folder of this test run's own, for a test named `name`.
pub(super) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errlint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(super) fn target_of(set: &DocumentSet, pointer: &str) -> Option<String> {
    let tree = set.tree(FileId(0)).unwrap();
    let tokens = crate::document::pointer::parse_fragment(pointer).unwrap();
    let node = tree.lookup(tokens.iter().map(String::as_str)).unwrap();
    let target = set.deref(NodeRef {
        file: FileId(0),
        node,
    })?;
    Some(set.tree(target.file).unwrap().pointer(target.node))
}
