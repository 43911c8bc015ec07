//! `$ref` resolution: whatever the references, loading ends, and every resolved reference
//! lands on a node of a parsed file.
#![no_main]
use errlint::document::{DocumentSet, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let set = DocumentSet::load_text("fuzz.yaml".into(), &text, None, LoadOptions::default());
    if let Some(tree) = set.tree(set.root()) {
        for index in 0..tree.len() {
            let node = errlint::document::NodeRef { file: set.root(), node: errlint::document::NodeId(index as u32) };
            if let Some(target) = set.deref(node) {
                assert!(set.tree(target.file).is_some_and(|t| target.node.index() < t.len()));
            }
        }
    }
});
