//! `allOf` is a conjunction: the order of its branches means nothing, so reordering them must
//! never change a finding. Generated error schemas are linted with every rule against the
//! Botect contract (catalog, envelope, closed shape), then again with their branches shuffled.

use errlint::config::ConfigChoice;
use errlint::{Options, lint_text};
use proptest::prelude::*;
use serde_json::{Value, json};

fn code_schema() -> impl Strategy<Value = Value> {
    let values =
        prop::sample::subsequence(vec!["UNAUTHENTICATED", "INVALID_PAYLOAD", "NOPE"], 0..3);
    (
        prop::option::of(prop::sample::select(vec!["string", "integer"])),
        prop::option::of(values),
        any::<bool>(),
    )
        .prop_map(|(ty, values, example)| {
            let mut schema = json!({});
            if let Some(ty) = ty {
                schema["type"] = json!(ty);
            }
            if let Some(values) = values {
                schema["enum"] = json!(values);
            }
            if example {
                schema["example"] = json!("INVALID_PAYLOAD");
            }
            schema
        })
}

fn branch() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"$ref": "#/components/schemas/Base"})),
        code_schema().prop_map(|code| json!({"properties": {"code": code}})),
        prop::sample::subsequence(vec!["error", "message", "code", "retry_after"], 1..3)
            .prop_map(|required| json!({"required": required})),
        prop::sample::select(vec!["string", "object"])
            .prop_map(|ty| json!({"properties": {"message": {"type": ty}}})),
        Just(json!({"properties": {"retry_after": {"type": "integer"}}})),
        Just(json!({"properties": {"trace": {"type": "string"}}})),
        Just(json!({"example": {"error": "e", "message": "m", "code": "NOPE", "retry_after": 1}})),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop::collection::vec(inner, 1..3).prop_map(|branches| json!({"allOf": branches}))
    })
}

fn document(branches: &[Value]) -> String {
    let body = |description: &str| {
        json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}
        })
    };
    let doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"post": {"responses": {
            "401": body("unauthenticated"),
            "422": body("invalid"),
            "404": body("not found"),
        }}}},
        "components": {"schemas": {
            "Base": {
                "required": ["error", "message"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "code": {"type": "string"}}
            },
            "E": {"allOf": branches},
        }},
    });
    serde_json::to_string_pretty(&doc).unwrap()
}

/// Each finding as `(rule, message, pointer)`, sorted, with the `allOf/N` steps left out of
/// the pointer and `enum` indices blurred: shuffling moves a declaration to another branch,
/// and a property (or a value in two `enum` lists) declared twice may then be shown at its
/// other declaration, which is the same finding.
fn findings(text: &str) -> Vec<(String, String, String)> {
    let options = Options {
        config: ConfigChoice {
            no_discovery: true,
            profile: Some("botect".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let outcome = lint_text("e.json", text, &options);
    let mut out: Vec<(String, String, String)> = outcome
        .findings
        .iter()
        .map(|f| {
            let pointer = f.location.as_ref().map_or(String::new(), |l| {
                let mut tokens: Vec<&str> = Vec::new();
                for token in l.pointer.split('/') {
                    match tokens.last() {
                        Some(&"allOf") => {
                            tokens.pop();
                        }
                        Some(&"enum") => tokens.push("*"),
                        _ => tokens.push(token),
                    }
                }
                tokens.join("/")
            });
            (f.rule.to_string(), f.message.clone(), pointer)
        })
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reordering_all_of_branches_never_changes_a_finding(
        (branches, shuffled) in prop::collection::vec(branch(), 1..5)
            .prop_flat_map(|b| (Just(b.clone()), Just(b).prop_shuffle()))
    ) {
        prop_assert_eq!(findings(&document(&branches)), findings(&document(&shuffled)));
    }
}
