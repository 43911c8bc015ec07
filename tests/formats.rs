//! The CI formats, snapshot-tested on the bundled example: SARIF, GitHub workflow commands,
//! GitLab Code Quality and JUnit. Fingerprints must not move when unrelated lines do.

use errlint::config::ConfigChoice;
use errlint::report::{Format, RenderOptions, render};
use errlint::{Options, lint_path, lint_text};
use std::path::Path;

fn options() -> Options {
    Options {
        config: ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..Options::default()
    }
}

fn example(format: Format) -> String {
    let outcome = lint_path(Path::new("fixtures/example/openapi.yaml"), &options());
    render(&outcome, &RenderOptions::plain(format))
}

#[test]
fn sarif() {
    let text = example(Format::Sarif);
    let log: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        errlint::rules::ALL.len()
    );
    // Rule docs are long; the snapshot keeps the results.
    insta::assert_json_snapshot!("example-sarif-results", run["results"]);
}

#[test]
fn github() {
    insta::assert_snapshot!("example-github", example(Format::Github));
}

#[test]
fn gitlab() {
    insta::assert_snapshot!("example-gitlab", example(Format::Gitlab));
}

/// A JUnit test case per rule and file: the snapshot runs a fixed set of rules, those with
/// findings in the example and two without, so that a new rule does not change it; every rule
/// being a case is counted below.
#[test]
fn junit() {
    let rules = [
        "error-code-present",
        "error-response-schema",
        "error-status-coverage",
        "no-429-when-unlimited",
        "retry-after-scope",
        "status-key-quoted",
    ];
    let options = Options {
        only_rules: Some(rules.iter().map(|r| r.to_string()).collect()),
        ..options()
    };
    let outcome = lint_path(Path::new("fixtures/example/openapi.yaml"), &options);
    let mut render_options = RenderOptions::plain(Format::Junit);
    render_options.rules.retain(|rule| rules.contains(&rule.id));
    insta::assert_snapshot!("example-junit", render(&outcome, &render_options));
}

/// The linted document has a case for every rule, passed or failed (a file it `$ref`s has cases
/// for the rules with findings there).
#[test]
fn junit_has_a_case_for_every_rule() {
    let report = example(Format::Junit);
    let expected = format!(
        "<testsuite name=\"fixtures/example/openapi.yaml\" tests=\"{}\"",
        errlint::rules::ALL.len()
    );
    assert!(report.contains(&expected), "{report}");
}

/// What a person reads: code frames, notes and help under each finding, then the summary.
#[test]
fn pretty() {
    insta::assert_snapshot!("example-pretty", example(Format::Pretty));
}

/// The JSON report, with byte offsets, spans and related locations: on the example, a document
/// split across files, a finding at a definition shared by several responses, and a document
/// that does not parse.
#[test]
fn json() {
    for (name, document) in [
        ("example-json", "fixtures/example/openapi.yaml"),
        (
            "split-json",
            "fixtures/documents/refs/multi-file/openapi.yaml",
        ),
        (
            "shared-json",
            "fixtures/documents/shared-uses/second-level.yaml",
        ),
        ("broken-json", "fixtures/documents/invalid/syntax.yaml"),
    ] {
        let outcome = lint_path(Path::new(document), &options());
        insta::assert_snapshot!(name, render(&outcome, &RenderOptions::plain(Format::Json)));
    }
}

#[test]
fn fingerprints_survive_unrelated_edits() {
    let doc = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404': {description: x}\n";
    let moved = format!(
        "# a comment\n\n{}",
        doc.replace("paths:", "info: {title: t, version: '1'}\npaths:")
    );
    let fingerprints = |text: &str| {
        let outcome = lint_text("openapi.yaml", text, &options());
        let sarif: serde_json::Value =
            serde_json::from_str(&render(&outcome, &RenderOptions::plain(Format::Sarif))).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap().clone();
        results
            .iter()
            .map(|r| r["partialFingerprints"]["errlint/v1"].clone())
            .collect::<Vec<_>>()
    };
    let before = fingerprints(doc);
    assert!(!before.is_empty());
    assert_eq!(before, fingerprints(&moved));
}

#[test]
fn sarif_carries_column_kind_help_uris_and_encoded_uris() {
    let outcome = errlint::lint_text(
        "api/open api#v1.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '404': {description: x}\n",
        &errlint::Options::default(),
    );
    let text = render(&outcome, &RenderOptions::plain(Format::Sarif));
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run["tool"]["driver"]["semanticVersion"].is_string());
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
    }
    let location = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "api/open%20api%23v1.yaml");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");
}

/// The pretty format fits the width it is given: on a narrow pane no line runs past it, words
/// (paths, rule ids) are not broken, and in minified JSON the window around the span is cut to
/// the width with the underline still under the key it marks.
#[test]
fn pretty_fits_its_width_and_keeps_underlines_in_minified_json() {
    let filler: String = (0..40)
        .map(|i| format!("\"/filler/{i}\":{{\"get\":{{\"responses\":{{\"200\":{{\"description\":\"ok\"}}}}}}}},"))
        .collect();
    let text = format!(
        "{{\"openapi\":\"3.0.3\",\"info\":{{\"title\":\"t\",\"version\":\"1\"}},\"paths\":{{{filler}\"/v1/things/{{thingId}}\":{{\"get\":{{\"responses\":{{\"200\":{{\"description\":\"ok\"}},\"404\":{{\"description\":\"missing\"}}}}}}}}}}}}"
    );
    let outcome = lint_text("min.json", &text, &options());
    assert!(!outcome.findings.is_empty());
    for width in [50, 80, 140] {
        let rendered = render(
            &outcome,
            &RenderOptions {
                width,
                ..RenderOptions::plain(Format::Pretty)
            },
        );
        for line in rendered.lines() {
            assert!(
                line.chars().count() <= width,
                "width {width}: {} columns: {line}",
                line.chars().count()
            );
        }
        assert!(rendered.contains("/v1/things/{thingId}"), "{rendered}");
        // Every underline starts under the first character of a key or value.
        let lines: Vec<&str> = rendered.lines().collect();
        let mut frames = 0;
        for pair in lines.windows(2) {
            let (quoted, underline) = (pair[0], pair[1]);
            let Some(bar) = quoted.find(" │ ") else {
                continue;
            };
            let numbered = quoted[..bar].trim().chars().all(|c| c.is_ascii_digit());
            if !numbered || !underline.contains(" · ") {
                continue;
            }
            let Some(mark) = underline.find(['─', '┬']) else {
                continue;
            };
            let column = underline[..mark].chars().count();
            let under: String = quoted.chars().skip(column).take(1).collect();
            assert!(
                matches!(under.as_str(), "\"" | "{" | "["),
                "width {width}: underline under {under:?}:\n{quoted}\n{underline}"
            );
            assert!(column > quoted[..bar].chars().count());
            frames += 1;
        }
        assert!(frames >= 2, "{rendered}");
    }
}
