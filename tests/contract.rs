//! `errlint contract` and `errlint init --from`: a document linted with the contract inferred
//! from it has no `error-envelope-fields` and no `error-code-status` finding, and the same
//! contract catches a body that drops its code and a code used on another status.

use errlint::config::ConfigChoice;
use errlint::{Options, lint_text_at};
use std::path::{Path, PathBuf};

/// Lints `text` (as the file `path`) with the contract inferred from `path`'s document.
fn lint_with_own_contract(
    path: &Path,
    text: &str,
    extra_roots: &[PathBuf],
) -> Vec<(String, String)> {
    let options = Options {
        external_roots: extra_roots.to_vec(),
        ..Options::default()
    };
    let inferred = errlint::infer::infer_path(path, &options).expect("the document loads");
    let folder = std::env::temp_dir().join(format!(
        "errlint-contract-{}-{}",
        std::process::id(),
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(&folder).unwrap();
    let config = folder.join("errlint.yaml");
    std::fs::write(
        &config,
        errlint::config::init_text_from(&inferred.to_yaml()),
    )
    .unwrap();
    let options = Options {
        config: ConfigChoice {
            file: Some(config),
            ..Default::default()
        },
        ..options
    };
    let outcome = lint_text_at(path, text, &options);
    let _ = std::fs::remove_dir_all(&folder);
    assert!(
        !outcome.findings.iter().any(|f| f.rule == "invalid-config"),
        "the inferred contract is a valid config: {:#?}",
        outcome.findings
    );
    outcome
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.message.clone()))
        .collect()
}

fn contract_rules(findings: &[(String, String)]) -> Vec<&(String, String)> {
    findings
        .iter()
        .filter(|(rule, _)| rule == "error-envelope-fields" || rule == "error-code-status")
        .collect()
}

const SHOP: &str = "fixtures/contract/shop.yaml";

#[test]
fn a_document_keeps_its_own_contract_and_drift_is_caught() {
    let path = Path::new(SHOP);
    let text = std::fs::read_to_string(path).unwrap();
    let own = lint_with_own_contract(path, &text, &[]);
    assert!(contract_rules(&own).is_empty(), "{own:#?}");

    // One error body drops its code.
    let dropped = text.replacen("required: [code, message]\n", "required: [message]\n", 1);
    assert_ne!(dropped, text);
    let found = lint_with_own_contract(path, &dropped, &[]);
    assert!(
        found
            .iter()
            .any(|(rule, message)| rule == "error-code-present" && message.contains("optional")),
        "{found:#?}"
    );

    // One code is used on another status.
    let moved = text.replacen(
        "example: {code: ORDER_NOT_FOUND",
        "example: {code: PAYMENT_DECLINED",
        1,
    );
    assert_ne!(moved, text);
    let found = lint_with_own_contract(path, &moved, &[]);
    assert!(
        found
            .iter()
            .any(|(rule, message)| rule == "error-code-status"
                && message == "code `PAYMENT_DECLINED` belongs to 402, not to this 404 response"),
        "{found:#?}"
    );
}

#[test]
fn the_inferred_contract_lists_its_support() {
    let inferred = errlint::infer::infer_path(Path::new(SHOP), &Options::default()).unwrap();
    let yaml = inferred.to_yaml();
    assert!(
        yaml.contains("# of 3 distinct error bodies: code in 3 bodies"),
        "{yaml}"
    );
    assert!(yaml.contains("path: [\"code\"]"), "{yaml}");
    assert!(yaml.contains("    message: string"), "{yaml}");
    assert!(
        yaml.contains("# required by some error bodies only: field (1 of 3)"),
        "{yaml}"
    );
    assert!(yaml.contains("  PAYMENT_DECLINED: 402"), "{yaml}");
    assert!(yaml.contains("  VALIDATION_FAILED: [400, 422]"), "{yaml}");
    assert!(
        yaml.contains("# 404: documented by 2 of 2 operations with a path parameter"),
        "{yaml}"
    );
}

/// The corpus: every document keeps the contract inferred from it.
#[test]
fn every_corpus_document_keeps_its_own_contract() {
    let Some(dir) =
        crate::external::corpus("contract::every_corpus_document_keeps_its_own_contract")
    else {
        return;
    };
    let mut documents: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml")
            )
        })
        .collect();
    documents.push(dir.join("digitalocean-public-v2.3.0.multi/DigitalOcean-public.v2.yaml"));
    documents.push(dir.join("oai-petstore-separate-yaml.2.0.multi/spec/swagger.yaml"));
    documents.sort();
    let mut failures = Vec::new();
    for document in documents {
        let text = std::fs::read_to_string(&document).unwrap();
        let found = lint_with_own_contract(&document, &text, std::slice::from_ref(&dir));
        let broken = contract_rules(&found);
        if !broken.is_empty() {
            failures.push(format!(
                "{}: {:?}",
                document.display(),
                &broken[..broken.len().min(3)]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `errlint init --from DOC` writes the contract as errlint.yaml, refuses to overwrite one, and
/// the document then lints without contract findings.
#[test]
fn init_from_writes_a_config_the_document_keeps() {
    let folder = std::env::temp_dir().join(format!("errlint-init-from-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(SHOP, folder.join("openapi.yaml")).unwrap();
    let errlint = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_errlint"))
            .args(args)
            .current_dir(&folder)
            .output()
            .unwrap()
    };
    let written = errlint(&["init", "--from", "openapi.yaml"]);
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let config = std::fs::read_to_string(folder.join("errlint.yaml")).unwrap();
    assert!(config.contains("PAYMENT_DECLINED: 402"), "{config}");
    assert_eq!(
        errlint(&["init", "--from", "openapi.yaml"]).status.code(),
        Some(2)
    );
    let linted = errlint(&["--format", "concise", "openapi.yaml"]);
    let report = String::from_utf8_lossy(&linted.stdout);
    assert!(
        !report.contains("error-envelope-fields") && !report.contains("error-code-status"),
        "{report}"
    );
    let json = errlint(&["contract", "--format", "json", "openapi.yaml"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["error_bodies"], 3);
    std::fs::remove_dir_all(&folder).unwrap();
}

/// The YAML `text` as errlint's config loader reads it.
fn read_back(text: &str) -> serde_json::Value {
    let (tree, _) = errlint::document::parse(
        std::sync::Arc::new(text.to_string()),
        0,
        &errlint::Limits::default(),
    )
    .unwrap_or_else(|e| panic!("the generated YAML reads back: {} in\n{text}", e.message));
    tree.to_json(errlint::document::NodeId::ROOT)
}

/// The keys of an object, sorted.
fn keys(value: &serde_json::Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// Field names, codes and a file name holding YAML syntax, quotes, line breaks (CR, LF,
/// U+0085, U+2028, U+2029) and invisible characters: `errlint contract` and `errlint init
/// --from` write files that read back as exactly what was inferred, with no key the document
/// chose, and every later run takes the config.
#[test]
fn generated_yaml_reads_back_as_what_was_inferred() {
    use serde_json::{Value, json};
    let folder = std::env::temp_dir().join(format!("errlint-hostile-yaml-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let name = "open\rapi: x\u{2028}# y\u{85}\nrules: {}.yaml";
    std::fs::copy("fixtures/contract/hostile.yaml", folder.join(name)).unwrap();
    let errlint = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_errlint"))
            .args(args)
            .current_dir(&folder)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        (output.status.code(), stdout)
    };
    let (_, json) = errlint(&["contract", "--format", "json", name]);
    let inferred: Value = serde_json::from_str(&json).unwrap();
    let bodies = &inferred["error_bodies"];
    let every_body: serde_json::Map<String, Value> = inferred["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| &f["required_in"] == bodies)
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["type"].clone()))
        .collect();
    let codes: serde_json::Map<String, Value> = inferred["codes"]
        .as_object()
        .unwrap()
        .iter()
        .map(
            |(code, statuses)| match statuses.as_array().unwrap().as_slice() {
                [one] => (code.clone(), one.clone()),
                _ => (code.clone(), statuses.clone()),
            },
        )
        .collect();
    // The hostile names are in what was inferred, so the comparisons below see them.
    assert!(
        every_body.contains_key("colon: value # no comment"),
        "{json}"
    );
    assert!(
        codes.contains_key("E\rF") && codes.contains_key("H\u{2028}I"),
        "{json}"
    );
    let (code, contract) = errlint(&["contract", name]);
    assert_eq!(code, Some(0));
    let (code, _) = errlint(&["init", "--from", name]);
    assert_eq!(code, Some(0));
    let config = std::fs::read_to_string(folder.join("errlint.yaml")).unwrap();
    let sections = [
        "codes",
        "description",
        "envelope",
        "rate_limit",
        "retry",
        "statuses",
    ];
    let with_rules = ["overrides", "rules"];
    for (text, top) in [
        (&contract, sections.to_vec()),
        (&config, [&sections[..], &with_rules[..]].concat()),
    ] {
        for line_break in ['\r', '\u{85}', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(line_break), "{line_break:?} in\n{text}");
        }
        let value = read_back(text);
        let mut top = top.clone();
        top.sort();
        assert_eq!(keys(&value), top, "{text}");
        assert_eq!(keys(&value["envelope"]), ["additional", "code", "fields"]);
        assert_eq!(
            value["envelope"]["fields"],
            Value::Object(every_body.clone())
        );
        assert_eq!(value["codes"], Value::Object(codes.clone()));
        assert_eq!(value["statuses"]["documented"], inferred["statuses"]);
        let document = inferred["document"].as_str().unwrap();
        assert_eq!(
            value["description"],
            json!(format!("the error contract of {document}"))
        );
    }
    // Every later run takes the config (exit code 2 would say it does not).
    let (code, report) = errlint(&["--format", "concise", name]);
    assert!(matches!(code, Some(0 | 1)), "{code:?}: {report}");
    assert!(!report.contains("invalid-config"), "{report}");
    std::fs::remove_dir_all(&folder).unwrap();
}

/// Fails with the whole text when `text` does not hold `part`.
#[track_caller]
fn assert_has(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} is not in:\n{text}");
}

/// The contract inferred from a fixture under `fixtures/contract/`, written in YAML and in
/// JSON: both give the same contract, but for the document's name.
fn contract_of_twins(name: &str) -> (String, serde_json::Value) {
    let infer = |ext: &str| {
        let path = format!("fixtures/contract/{name}.{ext}");
        let inferred = errlint::infer::infer_path(Path::new(&path), &Options::default()).unwrap();
        let yaml = inferred.to_yaml().replace(&path, "DOC");
        let mut json = serde_json::to_value(&inferred).unwrap();
        json["document"] = "DOC".into();
        (yaml, json)
    };
    let yaml = infer("yaml");
    assert_eq!(yaml, infer("json"), "the YAML and the JSON twin agree");
    yaml
}

/// Silence about 429 is not a declaration: without one, the default stays `limited` and a
/// comment says that no 429 is documented; `x-rate-limited: false` on every operation makes
/// it `unlimited`.
#[test]
fn never_rate_limited_only_from_explicit_declarations() {
    let (yaml, _) = contract_of_twins("chat");
    assert_has(&yaml, "  default: limited\n");
    assert_has(
        &yaml,
        "  # no operation documents a 429, and none is declared never rate-limited (x-rate-limited: false)\n",
    );
    let folder =
        std::env::temp_dir().join(format!("errlint-declared-unlimited-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let declared = folder.join("chat.yaml");
    let text = std::fs::read_to_string("fixtures/contract/chat.yaml").unwrap();
    std::fs::write(
        &declared,
        text.replacen("paths:\n", "x-rate-limited: false\npaths:\n", 1),
    )
    .unwrap();
    let inferred = errlint::infer::infer_path(&declared, &Options::default()).unwrap();
    let yaml = inferred.to_yaml();
    std::fs::remove_dir_all(&folder).unwrap();
    assert_has(&yaml, "  default: unlimited\n");
    assert_has(
        &yaml,
        "  # 6 of 6 operations are declared never rate-limited (x-rate-limited: false)\n",
    );
}

/// A requirement met through `default` says so.
#[test]
fn a_server_error_requirement_met_by_default_says_so() {
    let (yaml, _) = contract_of_twins("chat");
    assert_has(
        &yaml,
        "    # 5XX or default: documented by 6 of 6 operations\n",
    );
    let (yaml, _) = contract_of_twins("fault");
    assert_has(&yaml, "    # 5XX: documented by 1 of 1 operations\n");
}

/// Slack's `{ok: false, error: "invalid_auth"}`: a required string with an `enum` is the code,
/// with its values (a one-value enum too), and the contract says how sure that is, from what
/// most bodies show (one body where it is optional does not make it unsure).
#[test]
fn a_slack_style_code_field_is_recognised() {
    let (yaml, json) = contract_of_twins("chat");
    assert_has(&yaml, "    path: [\"error\"]\n");
    assert_has(
        &yaml,
        "    # of 6 distinct error bodies: error in 5 bodies; no code in 1 body\n",
    );
    assert_has(
        &yaml,
        "    # error is not a usual place: recognised as the code in 5 bodies (a required string with an enum of code-like values in 4; a string with an enum of code-like values, not required at every level in 1); sure\n",
    );
    for code in [
        "invalid_auth",
        "channel_not_found",
        "message_not_found",
        "not_authed",
        "edit_window_closed",
        "time_in_past",
    ] {
        assert!(
            yaml.contains(&format!("  {code}: []\n")),
            "{code} in {yaml}"
        );
    }
    assert_eq!(json["recognised_codes"][0]["path"], "error");
    assert_eq!(json["recognised_codes"][0]["confidence"], "sure");
}

/// just-eat's `fault.errors[].errorCode`: a nested string whose examples look like codes is
/// recognised too, less surely; an id whose example looks like a code is not.
#[test]
fn a_nested_code_field_is_recognised_by_its_examples() {
    let (yaml, json) = contract_of_twins("fault");
    assert_has(&yaml, "    path: [\"fault.errors[].errorCode\"]\n");
    assert_has(
        &yaml,
        "    # fault.errors[].errorCode is not a usual place: recognised as the code in 1 body (a required string with code-like examples in 1); likely\n",
    );
    assert_has(&yaml, "  ValidationFailed: [400, 500]\n");
    assert_eq!(json["recognised_codes"][0]["confidence"], "likely");
    assert_eq!(json["recognised_codes"].as_array().unwrap().len(), 1);
}

/// Berlin Group's `tppMessages[]` hold a `category` (ERROR, WARNING) and a `code`, both
/// required enums: the one named like a code is the code; a one-value enum is a code in a
/// `code` field (the 404's) but a discriminator in `type`.
#[test]
fn a_field_named_like_a_code_wins_over_a_category_and_a_constant() {
    let (yaml, json) = contract_of_twins("messages");
    assert_has(&yaml, "    path: [\"tppMessages[].code\"]\n");
    assert_has(&yaml, "  TOKEN_EXPIRED: 401\n");
    assert_has(&yaml, "  RESOURCE_UNKNOWN: 404\n");
    assert!(!yaml.contains("WARNING"), "{yaml}");
    assert_eq!(json["recognised_codes"].as_array().unwrap().len(), 1);
}

/// What the contract says is what the document says: identical inline bodies are one body,
/// and the retry names and `problem_path` that no response declares are said to be defaults.
#[test]
fn identical_inline_bodies_are_one_and_defaults_say_so() {
    let body = "{description: x, content: {application/json: {schema: {type: object, required: [code], properties: {code: {type: string}}}}}}";
    let mut document = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for i in 0..5 {
        document.push_str(&format!(
            "  /p{i}:\n    get:\n      responses:\n        '404': {body}\n"
        ));
    }
    let folder = std::env::temp_dir().join(format!("errlint-inline-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("openapi.yaml");
    std::fs::write(&path, document).unwrap();
    let yaml = errlint::infer::infer_path(&path, &Options::default())
        .unwrap()
        .to_yaml();
    assert_has(&yaml, "    # of 1 distinct error bodies: code in 1 body\n");
    assert_has(
        &yaml,
        "  # no response declares a retry hint: these are errlint's defaults\n",
    );
    assert_has(
        &yaml,
        "    # errlint's default for application/problem+json bodies (RFC 9457)\n",
    );
    std::fs::remove_dir_all(&folder).unwrap();
}
