//! Baselines: whatever the file holds, reading it ends with a baseline or a message, and
//! applying one never drops a finding it does not hold, nor a document problem.
#![no_main]
use errlint::baseline::{Base, Baseline};
use libfuzzer_sys::fuzz_target;

const DOCUMENT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      responses:\n        '404': {description: x}\n        4xx: {description: y}\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(baseline) = Baseline::from_json(text) else {
        return;
    };
    let outcome = errlint::lint_text("openapi.yaml", DOCUMENT, &errlint::Options::default());
    let mut findings = outcome.findings.clone();
    let stale = baseline.filter(&mut findings, Base(None));
    assert!(stale <= baseline.entries.len());
    assert!(findings.len() <= outcome.findings.len());
    let dropped = outcome.findings.len() - findings.len();
    assert_eq!(dropped + stale, baseline.entries.len(), "each entry hides one finding or is stale");
    assert!(findings.iter().filter(|f| f.fatal).count() == outcome.findings.iter().filter(|f| f.fatal).count());
});
