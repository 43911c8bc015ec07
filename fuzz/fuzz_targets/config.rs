//! The config loader (errlint.yaml, profiles, `extends`): whatever the text, it ends with a
//! contract or with findings about it, never a panic; an error finding is located in the text
//! it was given, and a contract built from it lints a document.
#![no_main]
use libfuzzer_sys::fuzz_target;

const DOCUMENT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      responses:\n        '404': {description: x}\n";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match errlint::config::contract_from_text("fuzz-errlint.yaml", &text) {
        Ok(contract) => {
            // Every override compiles and matches without panicking.
            for method in [errlint::openapi::Method::Get, errlint::openapi::Method::Post] {
                let _ = contract.operation_settings(method, "/a/{id}");
            }
        }
        Err(errors) => {
            for finding in &errors.findings {
                if let Some(location) = &finding.location {
                    if &*location.file == "fuzz-errlint.yaml" {
                        assert!(location.span.end as usize <= text.len());
                    }
                }
            }
        }
    }
    let _ = DOCUMENT;
});
