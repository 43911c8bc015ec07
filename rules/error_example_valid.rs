//! `error-example-valid`: every example of an error response validates against its schema.

use super::Rule;
use crate::error_body::ErrorBody;
use crate::document::{Kind, NodeRef};
use crate::engine::{Context, Report};
use crate::openapi::{Api, Method, Operation, Response};
use crate::openapi::schema_errors::{describe, display_path};
use jsonschema::error::ValidationErrorKind;
use crate::openapi::json_schema::Validators;

declare_rule! {
    /// ## What it checks
    /// Every example attached to an error response (4xx, 5xx, ranges, `default`) validates
    /// against that response's schema, with the `jsonschema` crate: the media type's `example`,
    /// its `examples.*.value` (3.2: or `dataValue`; 2.0: `examples.<media type>`), and the
    /// body schema's own `example` and 3.1 `examples`. 3.1 and 3.2 schemas are JSON Schema
    /// 2020-12; 2.0 and 3.0 schemas
    /// are translated first (`nullable` is a type union, a boolean `exclusiveMinimum` is read
    /// the draft-4 way, `discriminator`, `xml`, `example` and extensions are left out).
    /// `$ref`s resolve through the document's own files; nothing is fetched and
    /// `externalValue` is never read. The finding points at the offending value inside the
    /// example, names the failing keyword in plain words, and shows the schema that says so.
    ///
    /// ## Why
    /// The examples are what client authors copy and what documentation shows as "the" error.
    /// An example the schema rejects teaches the wrong shape: a `code` that is a number where
    /// the schema says string, a `message` the schema requires but the example lacks.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders/{id}:
    ///     get:
    ///       responses:
    ///         '404':
    ///           description: Not found
    ///           content:
    ///             application/json:
    ///               schema:
    ///                 type: object
    ///                 required: [code, message]
    ///                 properties:
    ///                   code: {type: string}
    ///                   message: {type: string}
    ///               example: {code: 404}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders/{id}:
    ///     get:
    ///       responses:
    ///         '404':
    ///           description: Not found
    ///           content:
    ///             application/json:
    ///               schema:
    ///                 type: object
    ///                 required: [code, message]
    ///                 properties:
    ///                   code: {type: string}
    ///                   message: {type: string}
    ///               example: {code: ORDER_NOT_FOUND, message: No such order}
    /// ```
    pub struct ErrorExampleValid {
        validators: Validators,
    };
    id: "error-example-valid",
    severity: Error,
    summary: "examples of error responses validate against their schema",
}

impl Rule for ErrorExampleValid {
    rule_meta!(ErrorExampleValid);

    fn check_response(
        &self,
        cx: &mut Context<'_, '_>,
        op: &Operation<'_>,
        response: &Response<'_>,
    ) {
        if !response.status.is_error() || op.method == Method::Head {
            return;
        }
        for media in &response.media {
            let Some(body) = media.body else { continue };
            let schema = cx.model.bodies[body.0 as usize].schema;
            for &example in &media.examples {
                if let Some(report) = self.judge(cx.api, schema, example) {
                    cx.report(report.for_uses([media.at]));
                }
            }
        }
    }

    fn check_error_body(&mut self, cx: &mut Context<'_, '_>, body: &ErrorBody<'_>) {
        if body.error_uses.is_empty() {
            return;
        }
        let api = cx.api;
        // The schema's own examples: those of a composed part may show only that part.
        for example in api.own_examples(body.schema) {
            if let Some(report) = self.judge(api, body.schema, example) {
                cx.report(report.for_uses(body.error_uses.iter().copied()));
            }
        }
    }
}

impl ErrorExampleValid {
    /// The report for an example its schema rejects: its first error, in plain words, at the
    /// offending value, with the schema keyword that rejects it.
    fn judge(&self, api: &Api<'_>, schema: NodeRef, example: NodeRef) -> Option<Report> {
        let validator = self.validators.get(api, schema)?;
        let instance = api.json_value(example);
        let mut errors = validator.iter_errors(&instance);
        let first = errors.next()?;
        let more = errors.count();
        let tokens =
            crate::document::pointer::parse_pointer(first.instance_path().as_str()).ok()?;
        let value = value_at(api, example, &tokens);
        let name = display_path(&tokens, "the example");
        let (at, message, help) = explain(api, value, &name, first.kind());
        let at = at.unwrap_or(value);
        let mut message = message;
        if more > 0 {
            message.push_str(&format!(
                " (and {more} more problem{})",
                if more == 1 { "" } else { "s" }
            ));
        }
        let schema_path = first.schema_path().as_str().to_string();
        let help = if matches!(first.kind(), ValidationErrorKind::AdditionalProperties { .. })
            && schema_path.contains("/allOf/")
        {
            "JSON Schema reads `additionalProperties: false` inside an `allOf` branch against that branch's own `properties` only, so the other branches' properties are rejected too: move the properties into that branch, or use `unevaluatedProperties: false` on the whole (OpenAPI 3.1)".to_string()
        } else {
            help
        };
        let keyword = keyword_node(api, schema, &schema_path);
        // A scalar is underlined itself; an object or a list by its key (a long value's span
        // would cover lines).
        let at = match api.kind(at) {
            Kind::Mapping | Kind::Sequence => api.report_node(at),
            _ => at,
        };
        Some(
            Report::new(at, message)
                .help(help)
                .because(keyword, "the schema says so here"),
        )
    }
}

/// The node at a JSON pointer's tokens inside a literal value, as far as it goes.
fn value_at(api: &Api<'_>, from: NodeRef, tokens: &[String]) -> NodeRef {
    use crate::document::LookupError;
    let node = match api
        .tree(from)
        .lookup_from(from.node, tokens.iter().map(String::as_str))
    {
        Ok(node) => node,
        Err(LookupError::Missing { node, .. } | LookupError::NotAContainer { node, .. }) => node,
    };
    NodeRef {
        file: from.file,
        node,
    }
}

/// `402 (an integer)`, `"x" (a string)`, `null`, `an object`; a long text is cut at 40
/// characters, with `…` to say so.
fn shown(api: &Api<'_>, at: NodeRef) -> String {
    let text = api.scalar(at).unwrap_or("");
    let short = crate::openapi::schema_errors::cut(text);
    match api.kind(at) {
        Kind::Null => "null".into(),
        Kind::Bool => format!("{short} (a boolean)"),
        Kind::Number if text.contains(['.', 'e', 'E']) => format!("{short} (a number)"),
        Kind::Number => format!("{short} (an integer)"),
        Kind::String => format!("\"{short}\" (a string)"),
        Kind::Mapping => "an object".into(),
        Kind::Sequence => "a list".into(),
    }
}

/// What a failing keyword means for this value: where to point (when not at the value
/// itself), the message and the help.
fn explain(
    api: &Api<'_>,
    value: NodeRef,
    name: &str,
    kind: &ValidationErrorKind,
) -> (Option<NodeRef>, String, String) {
    let message = describe(name, name == "the example", &shown(api, value), kind);
    let (at, help) = match kind {
        ValidationErrorKind::Type { .. } => (
            None,
            "make the example match the schema's type, or fix the schema".into(),
        ),
        ValidationErrorKind::Required { property } => {
            let property = match property {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (None, format!("add `{property}` to the example"))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let first = unexpected.first().cloned().unwrap_or_default();
            let key = api.tree(value).get_entry(value.node, &first).map(|(k, _)| NodeRef {
                file: value.file,
                node: k,
            });
            (
                key,
                "remove it from the example, or declare it in the schema".into(),
            )
        }
        ValidationErrorKind::Enum { .. } => (None, "use one of the listed values".into()),
        ValidationErrorKind::Constant { .. } => (None, "use the constant value".into()),
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => (
            None,
            "make the example match one `oneOf`/`anyOf` branch".into(),
        ),
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            (None, "make the branches exclusive, or use `anyOf`".into())
        }
        _ => (
            None,
            "make the example match the schema, or fix the schema".into(),
        ),
    };
    (at, message, help)
}

/// The document node of the schema keyword at `path` in the bundled schema (`/$defs/f0n12/…`
/// names the definition at file 0, node 12), as far as the document has it.
fn keyword_node(api: &Api<'_>, schema: NodeRef, path: &str) -> NodeRef {
    let Ok(tokens) = crate::document::pointer::parse_pointer(path) else {
        return schema;
    };
    let mut at = api.deref(schema).unwrap_or(schema);
    let mut tokens = tokens.iter().peekable();
    while let Some(token) = tokens.next() {
        if token == "$defs" {
            let Some(id) = tokens.next() else { break };
            let parsed = id.strip_prefix('f').and_then(|rest| {
                let (file, node) = rest.split_once('n')?;
                Some((file.parse::<u32>().ok()?, node.parse::<u32>().ok()?))
            });
            match parsed {
                Some((file, node)) => {
                    at = NodeRef {
                        file: crate::document::FileId(file),
                        node: crate::document::NodeId(node),
                    }
                }
                None => break,
            }
            continue;
        }
        let next = match api.kind(at) {
            Kind::Mapping => api.get(at, token),
            Kind::Sequence => token.parse::<usize>().ok().and_then(|i| api.items(at).nth(i)),
            _ => None,
        };
        match next.and_then(|n| {
            // Into a subschema that is a reference: its definition, when the path goes on.
            if tokens.peek().is_some() && api.tree(n).has_ref(n.node) {
                api.deref(n)
            } else {
                Some(n)
            }
        }) {
            Some(n) => at = n,
            None => break,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, lint_one};

    const RULE: &str = "error-example-valid";

    #[test]
    fn every_example_source_is_checked() {
        Tester::new(RULE)
            .fail(
                r#"
                openapi: 3.1.0
                paths:
                  /a:
                    get:
                      responses:
                        '400':
                          description: x
                          content:
                            application/json:
                              schema: {$ref: '#/components/schemas/Error'}
                              example: {code: 400, message: bad}
                        '404':
                          description: x
                          content:
                            application/json:
                              schema: {$ref: '#/components/schemas/Error'}
                              examples:
                                gone: {value: {code: GONE}}
                        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}, example: {code: 1}}}}
                components:
                  schemas:
                    Error:
                      type: object
                      required: [code, message]
                      properties:
                        code: {type: string}
                        message: {type: string}
                      examples:
                        - {code: X, message: [not, a, string]}
            "#,
                &[
                    (11, "`code` is 400 (an integer); the schema says string"),
                    (18, "`message` is missing; the schema requires it"),
                    (29, "`message` is a list; the schema says string"),
                ],
            )
            .run();
    }

    #[test]
    fn nullable_and_exclusive_bounds_follow_the_dialect() {
        let doc = |version: &str, code: &str| {
            format!(
                r#"
                openapi: {version}
                paths:
                  /a:
                    get:
                      responses:
                        '429':
                          description: x
                          content:
                            application/json:
                              schema:
                                type: object
                                properties:
                                  code: {code}
                                  retry_after: {{type: integer, minimum: 0, exclusiveMinimum: true}}
                                  again: {{type: integer, exclusiveMinimum: 0}}
                              example: {{code: null, retry_after: 1, again: 1}}
            "#
            )
        };
        Tester::new(RULE)
            .pass(&doc("3.0.3", "{type: string, nullable: true}"))
            .pass(
                &doc("3.1.0", "{type: [string, 'null']}")
                    .replace("minimum: 0, exclusiveMinimum: true", "exclusiveMinimum: 0"),
            )
            .fail(
                &doc("3.1.0", "{type: string, nullable: true}")
                    .replace("minimum: 0, exclusiveMinimum: true", "exclusiveMinimum: 0"),
                &[(16, "`code` is null; the schema says string")],
            )
            .run();
    }

    #[test]
    fn all_of_with_closed_branches_is_reported_as_json_schema_reads_it() {
        let yaml = r#"
            openapi: 3.0.3
            paths:
              /a:
                get:
                  responses:
                    '400':
                      description: x
                      content:
                        application/json:
                          schema:
                            allOf:
                              - {type: object, properties: {code: {type: string}}, additionalProperties: false}
                              - {type: object, properties: {message: {type: string}}}
                          example: {code: BAD, message: nope}
        "#;
        Tester::new(RULE)
            .fail(
                yaml,
                &[(14, "`message` is not allowed here: the schema has `additionalProperties: false`")],
            )
            .run();
        let finding = &lint_one(RULE, yaml)[0];
        assert!(finding.help.as_deref().unwrap().contains("unevaluatedProperties"));
        assert_eq!(finding.related[0].message, "the schema says so here");
    }

    #[test]
    fn counts_agree_with_their_nouns_and_cut_text_says_so() {
        Tester::new("error-example-valid")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '400':
                          description: x
                          content:
                            application/json:
                              schema: {type: object, maxProperties: 1}
                              example: {code: A, message: B}
                        '404':
                          description: x
                          content:
                            application/json:
                              schema: {type: object, properties: {code: {type: string, maxLength: 5}}}
                              example: {code: THIS_CODE_IS_MUCH_LONGER_THAN_FORTY_CHARACTERS}
            "#,
                &[
                    (11, "the example is an object; the schema says at most 1 property"),
                    (17, "`code` is \"THIS_CODE_IS_MUCH_LONGER_THAN_FORTY_CHAR…\" (a string); the schema says at most 5 characters"),
                ],
            )
            .run();
    }
}
