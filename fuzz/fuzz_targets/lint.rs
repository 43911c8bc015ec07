//! The whole lint and every report format: never panics, and every finding's span lies
//! inside its file.
#![no_main]
use errlint::report::{render, Format, RenderOptions};
use errlint::{lint_text, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let outcome = lint_text("fuzz.yaml", &text, &Options::default());
    for finding in &outcome.findings {
        if let Some(location) = &finding.location {
            let source = outcome.sources.text(&location.file).expect("source of a finding");
            assert!(location.span.end as usize <= source.len());
            assert!(source.is_char_boundary(location.span.start as usize));
            assert!(source.is_char_boundary(location.span.end as usize));
        }
    }
    for format in [Format::Pretty, Format::Concise, Format::Json] {
        render(&outcome, &RenderOptions::plain(format));
    }
});
