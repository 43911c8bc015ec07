//! A definition used by several operations is reported once, at the definition, with every
//! use, however the uses reach it: `#/paths/…` references, a second level of `$ref`, another
//! file, an inline `oneOf` branch. An `x-errlint-ignore` drops the uses that pass under it and
//! no others, and counts as used.

use errlint::config::ConfigChoice;
use errlint::{Finding, Options, lint_path};
use std::path::Path;

fn lint(name: &str) -> Vec<Finding> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/documents/shared-uses")
        .join(name);
    let options = Options {
        config: ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..Options::default()
    };
    lint_path(&path, &options).findings
}

/// The operations a finding names as its uses, from its related locations.
fn used_by(finding: &Finding) -> Vec<String> {
    finding
        .related
        .iter()
        .map(|r| {
            let text = r.message.trim_start_matches("used by ");
            text.split(" (").next().unwrap_or(text).to_string()
        })
        .collect()
}

fn assert_reported_for_b_and_c(name: &str) {
    let findings = lint(name);
    let code: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "error-code-present")
        .collect();
    assert_eq!(code.len(), 1, "{name}: {findings:#?}");
    let finding = code[0];
    assert_eq!(used_by(finding), ["GET /b", "GET /c"], "{name}");
    assert_eq!(
        finding.note.as_deref(),
        Some("used by 2 responses"),
        "{name}"
    );
    assert_eq!(finding.operation, None, "{name}");
    assert!(
        !findings.iter().any(|f| f.rule == "unused-ignore"),
        "{name}: the ignore suppressed the /a use, so it is used: {findings:#?}"
    );
}

#[test]
fn a_response_shared_through_a_paths_reference_names_every_other_use() {
    assert_reported_for_b_and_c("paths-ref.yaml");
}

#[test]
fn the_same_in_json() {
    assert_reported_for_b_and_c("paths-ref.json");
}

#[test]
fn the_same_behind_a_second_level_of_ref() {
    assert_reported_for_b_and_c("second-level.yaml");
}

#[test]
fn the_same_split_across_files() {
    assert_reported_for_b_and_c("split/openapi.yaml");
}

#[test]
fn a_shared_schema_reached_first_through_an_inline_one_of_keeps_every_use() {
    let findings = lint("oneof-first.yaml");
    let code: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "error-code-present")
        .collect();
    assert_eq!(code.len(), 1, "{findings:#?}");
    assert_eq!(used_by(code[0]), ["GET /b", "GET /c"]);
    let location = code[0].location.as_ref().expect("located");
    assert_eq!(
        location.pointer,
        "/components/schemas/ValidationError/properties/code"
    );
    assert!(
        !findings.iter().any(|f| f.rule == "unused-ignore"),
        "{findings:#?}"
    );
}

#[test]
fn without_the_ignore_every_use_is_named() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/documents/shared-uses/paths-ref.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("    x-errlint-ignore: [error-code-present]\n", "");
    let outcome = errlint::lint_text("paths-ref.yaml", &text, &Options::default());
    let code: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.rule == "error-code-present")
        .collect();
    assert_eq!(code.len(), 1);
    assert_eq!(used_by(code[0]), ["GET /a", "GET /b", "GET /c"]);
    assert_eq!(code[0].note.as_deref(), Some("used by 3 responses"));
}

#[test]
fn a_finding_at_a_definition_names_its_only_use() {
    let findings = lint("one-use-through-allof.yaml");
    let code: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "error-code-present")
        .collect();
    assert_eq!(code.len(), 1, "{findings:#?}");
    assert_eq!(used_by(code[0]), ["GET /a"]);
    assert_eq!(code[0].related[0].message, "used by GET /a (403 response)");
    assert_eq!(code[0].operation.as_deref(), Some("GET /a"));
}
