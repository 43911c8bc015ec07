//! Invariants of a parsed tree, for the fuzzers and property tests: spans inside the text on
//! character boundaries, a well-formed tape, and pointers that lead back to their node.

use super::pointer::parse_pointer;
use super::tree::{NodeId, Tree};

/// Panics with a description when the tree breaks an invariant.
pub fn assert_tree_is_sound(tree: &Tree) {
    let text = tree.text();
    for index in 0..tree.len() {
        let id = NodeId(index as u32);
        let span = tree.span(id);
        assert!(
            span.start <= span.end,
            "node {index}: span {span:?} is reversed"
        );
        assert!(
            span.end as usize <= text.len(),
            "node {index}: span {span:?} is past the end"
        );
        assert!(
            text.is_char_boundary(span.start as usize),
            "node {index}: span starts inside a character"
        );
        assert!(
            text.is_char_boundary(span.end as usize),
            "node {index}: span ends inside a character"
        );
        let end = tree.subtree_end(id);
        assert!(
            end.index() > index && end.index() <= tree.len(),
            "node {index}: bad subtree end"
        );
        if let Some(parent) = tree.parent(id) {
            assert!(parent.index() < index, "node {index}: parent after child");
            assert!(
                end <= tree.subtree_end(parent),
                "node {index}: subtree leaves its parent"
            );
        }
        if tree.is_key(id) {
            assert_eq!(end.index(), index + 1, "node {index}: a key has children");
            assert!(
                index + 1 < tree.len(),
                "node {index}: a key without a value"
            );
        } else {
            // The pointer of a value leads back to it.
            let pointer = tree.pointer(id);
            let tokens = parse_pointer(&pointer).expect("pointers are well-formed");
            let found = tree.lookup(tokens.iter().map(String::as_str));
            assert_eq!(
                found,
                Ok(id),
                "node {index}: pointer `{pointer}` leads elsewhere"
            );
        }
    }
}
