//! The YAML fast path against saphyr: on any text, it declines or builds exactly the tree
//! saphyr builds. A difference is a crash.
#![no_main]
use errlint::document::yaml_fast_path_agrees;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(difference) = yaml_fast_path_agrees(text) {
            panic!("the fast path differs from saphyr: {difference}");
        }
    }
});
