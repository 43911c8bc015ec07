//! Span accuracy: the reported line, column and byte range are exactly the offending key, in
//! YAML and JSON, with CRLF line endings, a byte order mark, and non-ASCII text before it.

use errlint::{Finding, Options, lint_text};

fn only(rule: &str) -> Options {
    Options {
        only_rules: Some(vec![rule.to_string()]),
        ..Options::default()
    }
}

/// (line, column, source text under the span) of each finding.
fn places(text: &str, findings: &[Finding]) -> Vec<(usize, usize, String)> {
    findings
        .iter()
        .map(|f| {
            let span = f.location.as_ref().expect("located").span;
            let before = &text[..span.start as usize];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
            (line, column, text[span.range()].to_string())
        })
        .collect()
}

const YAML: &str = "openapi: 3.0.3\ninfo: {title: 'Café ☕', version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n        4xx: {description: nope}\n        499:\n          description: unquoted key\n";

#[test]
fn yaml_keys_quoted_and_unquoted() {
    let outcome = lint_text("a.yaml", YAML, &only("error-status-known"));
    assert_eq!(
        places(YAML, &outcome.findings),
        vec![(8, 9, "4xx".to_string()), (9, 9, "499".to_string())]
    );
}

#[test]
fn crlf_and_byte_order_mark_keep_spans_exact() {
    let crlf = format!("\u{feff}{}", YAML.replace('\n', "\r\n"));
    let outcome = lint_text("a.yaml", &crlf, &only("error-status-known"));
    assert_eq!(
        places(&crlf, &outcome.findings),
        vec![(8, 9, "4xx".to_string()), (9, 9, "499".to_string())]
    );
    let json = errlint::report::render(
        &outcome,
        &errlint::report::RenderOptions::plain(errlint::report::Format::Json),
    );
    assert!(
        json.contains("\"line\": 8,\n      \"column\": 9,"),
        "{json}"
    );
}

#[test]
fn json_keys_on_one_long_line() {
    let text = r#"{"openapi":"3.1.0","info":{"title":"Ünïcode","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"},"4xx":{"description":"x"}}}}}}"#;
    let outcome = lint_text("a.json", text, &only("error-status-known"));
    let found = places(text, &outcome.findings);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].2, "\"4xx\"");
    let column = text[..text.find("\"4xx\"").unwrap()].chars().count() + 1;
    assert_eq!(found[0].0, 1);
    assert_eq!(found[0].1, column);
    let rendered = errlint::report::render(
        &outcome,
        &errlint::report::RenderOptions::plain(errlint::report::Format::Concise),
    );
    assert_eq!(
        rendered,
        format!(
            "a.json:1:{column}: error[error-status-known] `4xx` is not a status range: ranges are written in upper case\n"
        )
    );
}

#[test]
fn format_comes_from_content_not_the_name() {
    let json_named_yaml = r#"{"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"4xx": {"description": "x"}}}}}}"#;
    let outcome = lint_text("openapi.yaml", json_named_yaml, &only("error-status-known"));
    assert_eq!(places(json_named_yaml, &outcome.findings)[0].2, "\"4xx\"");
    let yaml_named_json =
        "openapi: 3.0.3\npaths: {/a: {get: {responses: {4xx: {description: x}}}}}\n";
    let outcome = lint_text("openapi.json", yaml_named_json, &only("error-status-known"));
    assert_eq!(places(yaml_named_json, &outcome.findings)[0].2, "4xx");
}

#[test]
fn pointers_name_the_reported_node() {
    let outcome = lint_text("a.yaml", YAML, &only("error-status-known"));
    let pointers: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.location.as_ref().unwrap().pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        vec![
            "/paths/~1a/get/responses/4xx",
            "/paths/~1a/get/responses/499"
        ]
    );
}

/// An invalid example is underlined at the offending value inside it, byte for byte: in YAML
/// (flow and block, after non-ASCII text) and in JSON on one line.
#[test]
fn example_values_are_underlined_exactly() {
    let yaml = "openapi: 3.0.3\ninfo: {title: 'Café ☕', version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '404':\n          description: x\n          content:\n            application/json:\n              schema: {type: object, properties: {code: {type: string}, n: {type: integer}}}\n              example:\n                code: ÉTÉ\n                n: \"12\"\n";
    let found = places(
        yaml,
        &lint_text("t.yaml", yaml, &only("error-example-valid")).findings,
    );
    assert_eq!(found, vec![(14, 20, "\"12\"".to_string())]);
    let json = r#"{"openapi":"3.1.0","info":{"title":"é","version":"1"},"paths":{"/a":{"get":{"responses":{"400":{"description":"x","content":{"application/json":{"schema":{"type":"object","required":["code"],"properties":{"code":{"type":"string"},"errors":{"type":"array","items":{"type":"string"}}}},"example":{"code":"BAD","errors":["ok",7]}}}}}}}}}"#;
    let findings = lint_text("t.json", json, &only("error-example-valid")).findings;
    let found = places(json, &findings);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].2, "7");
    assert_eq!(
        findings[0].message,
        "`errors[1]` is 7 (an integer); the schema says string"
    );
}
