//! JSON front-end: never panics, and every node's span lies on character boundaries inside
//! the text.
#![no_main]
use errlint::document::{decode, parse_as, Format, Limits};
use errlint::document::check::assert_tree_is_sound;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, start) = decode(data.to_vec());
    if let Ok(start) = start {
        if let Ok(tree) = parse_as(text.clone(), start, Format::Json, &Limits::default()) {
            assert_tree_is_sound(&tree);
        }
    }
});
