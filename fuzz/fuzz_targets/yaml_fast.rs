//! The YAML fast path against saphyr: on any text, it declines or builds exactly the tree
//! saphyr builds; and read in two halves, it builds what one pass builds. A difference is a
//! crash.
#![no_main]
use errlint::document::{yaml_fast_path_agrees, yaml_halves_agree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(difference) = yaml_fast_path_agrees(text) {
            panic!("the fast path differs from saphyr: {difference}");
        }
        for from in [text.len() / 3, text.len() * 2 / 3] {
            if let Err(difference) = yaml_halves_agree(text, from) {
                panic!("two halves from byte {from} differ from one pass: {difference}");
            }
        }
    }
});
