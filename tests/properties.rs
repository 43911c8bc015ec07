//! Property tests over generated documents: linting never panics, every reported span lies
//! inside its file on character boundaries, and the node its pointer names is the node it
//! underlines (the value, or that value's key). Each document is read as JSON and, behind a
//! comment line, by the YAML front-end.

use errlint::document::{Limits, parse, pointer::parse_pointer};
use errlint::{Options, lint_text};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::sync::Arc;

fn awkward_text() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "ü",
        "x~y",
        "a/b",
        "p%20q",
        "{id}",
        "😀",
        "",
        "code",
        "retry_after",
        "$ref",
    ])
    .prop_map(str::to_string)
}

fn status_key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "200", "400", "401", "404", "418", "422", "429", "499", "500", "503", "4XX", "5xx",
        "default", "oops",
    ])
    .prop_map(str::to_string)
}

fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "integer"})),
        Just(json!({"$ref": "#/components/schemas/E"})),
        Just(json!({"$ref": "#/components/schemas/Missing"})),
        Just(json!({})),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec((awkward_text(), inner.clone()), 0..4),
                prop::collection::vec(awkward_text(), 0..3)
            )
                .prop_map(|(props, required)| {
                    let properties: Map<String, Value> = props.into_iter().collect();
                    json!({"type": "object", "properties": properties, "required": required})
                }),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|b| json!({"allOf": b})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|b| json!({"oneOf": b})),
            inner.prop_map(|items| json!({"type": "array", "items": items})),
        ]
    })
}

fn response() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"description": "x"})),
        Just(json!({"$ref": "#/components/responses/R"})),
        Just(json!("not a response")),
        (schema(), any::<bool>(), prop::sample::select(vec!["application/json", "application/problem+json", "text/html"])).prop_map(
            |(schema, header, media)| {
                let mut r = json!({"description": "x", "content": {media: {"schema": schema, "example": {"retry_after": 1}}}});
                if header {
                    r["headers"] = json!({"Retry-After": {"schema": {"type": "integer"}}});
                }
                r
            }
        ),
    ]
}

fn document() -> impl Strategy<Value = Value> {
    let operation = (
        prop::collection::vec((status_key(), response()), 0..5),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(responses, body, unlimited)| {
            let responses: Map<String, Value> = responses.into_iter().collect();
            let mut op = json!({"responses": responses});
            if body {
                op["requestBody"] = json!({"content": {"application/json": {"schema": {}}}});
            }
            if unlimited {
                op["x-rate-limited"] = json!(false);
            }
            op
        });
    let path = (
        awkward_text(),
        prop::sample::select(vec!["get", "post", "head", "delete"]),
        operation,
    );
    (prop::collection::vec(path, 0..4), schema(), any::<bool>()).prop_map(|(paths, e, swagger)| {
        let mut items = Map::new();
        for (segment, method, op) in paths {
            let key = format!("/{segment}/{{id}}");
            let entry = items.entry(key).or_insert_with(|| json!({}));
            entry[method] = op;
        }
        let mut doc = json!({
            "info": {"title": "generated", "version": "1"},
            "security": [{"key": []}],
            "paths": items,
            "components": {"schemas": {"E": e}, "responses": {"R": {"description": "shared"}}},
        });
        if swagger {
            doc["swagger"] = json!("2.0");
        } else {
            doc["openapi"] = json!("3.0.3");
        }
        doc
    })
}

fn check(name: &str, text: &str) {
    let outcome = lint_text(name, text, &Options::default());
    let (tree, _) = parse(Arc::new(text.to_string()), 0, &Limits::default())
        .expect("generated documents parse");
    errlint::document::check::assert_tree_is_sound(&tree);
    for finding in &outcome.findings {
        let Some(location) = &finding.location else {
            continue;
        };
        let span = location.span;
        assert!(span.end as usize <= text.len(), "{finding:?}");
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize)
        );
        if location.pointer.is_empty() {
            // Syntax problems carry no node.
            continue;
        }
        let tokens = parse_pointer(&location.pointer).expect("reported pointers are well-formed");
        let node = tree
            .lookup(tokens.iter().map(String::as_str))
            .expect("the pointer names a node");
        let key = tree.key_of(node);
        assert!(
            tree.span(node) == span || key.is_some_and(|k| tree.span(k) == span),
            "{}: `{}` does not name the underlined `{}`",
            finding.rule,
            location.pointer,
            &text[span.range()]
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn spans_and_pointers_agree_in_json(doc in document()) {
        check("gen.json", &serde_json::to_string_pretty(&doc).unwrap());
    }

    #[test]
    fn spans_and_pointers_agree_in_yaml(doc in document()) {
        // JSON is YAML; the comment line sends it through the YAML front-end.
        check("gen.yaml", &format!("# generated\n{}", serde_json::to_string_pretty(&doc).unwrap()));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = lint_text("any.yaml", &text, &Options::default());
        let _ = lint_text("any.json", &format!("{{{text}"), &Options::default());
    }
}
