//! `error-code-present`: the error body exposes a stable, required, string error code.

use crate::error_body::{Code, ErrorBody, code_locations, near_miss};
use super::Rule;
use crate::contract::CodeType;
use crate::document::NodeRef;
use crate::engine::{Context, Report};
use crate::openapi::Api;
use crate::openapi::schema::{Field, OptionalStep, Types, require_property};

declare_rule! {
    /// ## What it checks
    /// The schema of every JSON error body (4xx, 5xx, `default`) has a machine-readable code:
    /// a property that is **required** and **string-typed** at one of `code`, `error.code`,
    /// `error_code` or `errors[].code`; in `application/problem+json`, `type` (RFC 9457).
    /// The profile sets where (`envelope.code.path`, `problem_path`) and which type
    /// (`envelope.code.type`: `integer` for APIs whose code echoes the HTTP status).
    /// Fields are found through `$ref`, `allOf` (merged) and `oneOf`/`anyOf` (only when every
    /// branch has them). A code that may be null (3.0 `nullable: true`, 3.1 `type: [string,
    /// 'null']`) is no stable code, however required.
    ///
    /// ## Why
    /// Clients switch on the code, not on the human message, which may be reworded. An optional
    /// code cannot be relied on, and an integer code that echoes the HTTP status adds nothing
    /// the status line did not say.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders:
    ///     post:
    ///       responses:
    ///         '400':
    ///           description: Invalid order
    ///           content:
    ///             application/json:
    ///               schema: {$ref: '#/components/schemas/Error'}
    /// components:
    ///   schemas:
    ///     Error:
    ///       type: object
    ///       properties:
    ///         message: {type: string}
    ///         code: {type: integer}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders:
    ///     post:
    ///       responses:
    ///         '400':
    ///           description: Invalid order
    ///           content:
    ///             application/json:
    ///               schema: {$ref: '#/components/schemas/Error'}
    /// components:
    ///   schemas:
    ///     Error:
    ///       type: object
    ///       required: [code, message]
    ///       properties:
    ///         code: {type: string, example: PAYWALL_FETCH_FAILED}
    ///         message: {type: string}
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: adding the code (or its parent) to `required` changes the API's promise. Every
    /// client generated from the document will expect the field on every error, and examples
    /// that lack it become invalid. On GitHub's description it made `errors` required on a
    /// schema whose own description says `errors` comes only with 422. Make sure the API always
    /// sends the field, then apply it with `--fix --unsafe-fixes`.
    pub struct ErrorCodePresent;
    id: "error-code-present",
    severity: Error,
    summary: "error bodies have a required, string-typed machine-readable code",
    fix: Unsafe,
}

impl Rule for ErrorCodePresent {
    rule_meta!(ErrorCodePresent);

    fn check_error_body(&mut self, cx: &mut Context<'_, '_>, body: &ErrorBody<'_>) {
        let uses = body.error_uses;
        if uses.is_empty() {
            return;
        }
        let api = cx.api;
        let wanted = cx.contract.code_type.name();
        let candidates: Vec<&str> = code_locations(cx.contract, body.problem_json)
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        let add = format!(
            "add a required {wanted} property at one of `{}`",
            candidates.join("`, `")
        );
        let (at, message, help) = match &body.analysis.code {
            Code::Stable { .. } | Code::Unknown | Code::NotAsked => return,
            Code::Missing {
                lacking: Some(branch),
                ..
            } => (
                api.report_node(*branch),
                format!(
                    "{} of this error body has no machine-readable code, while the other branches declare one",
                    branch_name(api, *branch)
                ),
                format!("{add} in this branch too, so the code is there whichever branch matches"),
            ),
            Code::Missing { lacking: None } => match near_miss(api, body.schema) {
                Some(near) => (
                    api.report_node(body.schema),
                    format!("error body has no machine-readable code; did you mean `{near}`?"),
                    format!(
                        "if `{near}` is the code, say so in errlint.yaml: `envelope: {{code: {{path: '{near}'}}}}`; otherwise {add}"
                    ),
                ),
                None => (
                    api.report_node(body.schema),
                    "error body has no machine-readable code".to_string(),
                    add,
                ),
            },
            Code::Optional { path, field } => optional(path, field),
            Code::WrongType { path, field } => wrong_type(cx.contract.code_type, path, field),
        };
        let mut report = Report::new(at, message).help(help);
        if let Code::Optional { field, .. } = &body.analysis.code {
            // The step that is not required: the code itself or its optional parent.
            let key = field.optional.as_ref().map_or(field.key, |step| step.key);
            if let Some(name) = cx.api.scalar(key) {
                report = report.fix(
                    format!("add `{name}` to `required`"),
                    key.file,
                    require_property(cx.api, key),
                );
            }
        }
        cx.report(report.for_uses(uses.iter().copied()));
    }
}

/// Where and how to report a code that is declared but optional, naming every step that is.
fn optional(path: &str, field: &Field) -> (NodeRef, String, String) {
    match &field.optional {
        Some(step) if !field.more_optional.is_empty() => {
            let steps: Vec<&OptionalStep> =
                std::iter::once(step).chain(&field.more_optional).collect();
            let quoted = |names: Vec<&str>| format!("`{}`", names.join("` and `"));
            (
                step.key,
                format!(
                    "error code `{path}` is optional: {} are not required, so clients cannot rely on it",
                    quoted(steps.iter().map(|s| s.path.as_str()).collect())
                ),
                format!(
                    "list {} in `required` at each level",
                    quoted(steps.iter().map(|s| s.name.as_str()).collect())
                ),
            )
        }
        Some(step) if step.path != *path => (
            step.key,
            format!(
                "error code `{path}` is optional: `{}` is not required, so clients cannot rely on it",
                step.path
            ),
            format!("list `{}` in `required`", step.name),
        ),
        _ => (
            field.key,
            format!("error code `{path}` is optional, so clients cannot rely on it"),
            format!(
                "list `{}` in `required`",
                path.rsplit('.').next().unwrap_or(path)
            ),
        ),
    }
}

/// Where and how to report a code of another type than the contract's, or one that may be null.
fn wrong_type(code_type: CodeType, path: &str, field: &Field) -> (NodeRef, String, String) {
    let wanted = code_type.name();
    let types = field.constraints.types;
    let wanted_type = match code_type {
        CodeType::String => types.is_string(),
        CodeType::Integer => types.is_numeric(),
    };
    let help = if wanted_type && types.contains(Types::NULL) {
        "drop `nullable: true` (or `null` from its `type`): a client switches on a code that is always there".to_string()
    } else if code_type == CodeType::String && types.is_numeric() {
        "make it a string with a fixed set of values, such as `NOT_FOUND`; if this API's codes are numbers, set `envelope.code.type: integer` in errlint.yaml".to_string()
    } else {
        format!("declare it as `type: {wanted}`, as this contract's code is")
    };
    (
        field.key,
        format!(
            "error code `{path}` is {}; the contract requires {} {wanted} code",
            with_article(&types.describe()),
            if wanted == "integer" { "an" } else { "a" },
        ),
        help,
    )
}

/// `an integer`, `a string or null`; `untyped` and contradictions take no article.
fn with_article(types: &str) -> String {
    match types.chars().next() {
        _ if types == "untyped" || types.starts_with("of ") || types == "null" => types.into(),
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {types}"),
        _ => format!("a {types}"),
    }
}

/// `oneOf` branch 2: where a branch sits, by its keyword and its place (from 1).
fn branch_name(api: &Api<'_>, branch: NodeRef) -> String {
    let tree = api.tree(branch);
    let list = tree.parent(branch.node);
    let keyword = list
        .and_then(|l| tree.key_of(l))
        .and_then(|k| tree.scalar(k))
        .unwrap_or("oneOf");
    let place = list
        .and_then(|l| tree.items(l).position(|i| i == branch.node))
        .map_or(0, |p| p + 1);
    format!("`{keyword}` branch {place}")
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, lint_one, one_error_body};

    #[test]
    fn distinct_messages_for_missing_optional_and_numeric() {
        Tester::new("error-code-present")
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
                              schema:
                                properties: {message: {type: string}}
            "#,
                &[(10, "error body has no machine-readable code")],
            )
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
                              schema:
                                properties: {code: {type: string}}
            "#,
                &[(11, "error code `code` is optional, so clients cannot rely on it")],
            )
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
                              schema:
                                required: [error]
                                properties:
                                  error:
                                    required: [code]
                                    properties: {code: {type: integer}}
            "#,
                &[(15, "error code `error.code` is an integer; the contract requires a string code")],
            )
            .run();
    }

    /// A body is asked for its code when an error response uses it, even if success responses
    /// use it too; a body only success responses use is not.
    #[test]
    fn a_code_that_may_be_null_is_no_stable_code() {
        let message = "error code `code` is a string or null; the contract requires a string code";
        let schema = "{required: [code], properties: {code: {type: string, nullable: true}}}";
        let nullable = one_error_body(400, schema);
        Tester::new("error-code-present")
            .fail(&nullable, &[(10, message)])
            .fail(
                &nullable
                    .replace("3.0.3", "3.1.0")
                    .replace("type: string, nullable: true", "type: [string, 'null']"),
                &[(10, message)],
            )
            .pass(&nullable.replace(", nullable: true", ""))
            .run();
    }

    #[test]
    fn a_body_is_an_error_body_when_any_error_response_uses_it() {
        let shared = r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '200': {$ref: '#/components/responses/Plain'}
                  /b:
                    get:
                      responses:
                        '404': {$ref: '#/components/responses/Plain'}
                components:
                  responses:
                    Plain:
                      description: x
                      content:
                        application/json:
                          schema:
                            properties: {message: {type: string}}
            "#;
        Tester::new("error-code-present")
            .fail(shared, &[(17, "error body has no machine-readable code")])
            .pass(&shared.replace("'404'", "'204'"))
            .run();
    }

    #[test]
    fn accepts_each_location_and_problem_type() {
        Tester::new("error-code-present")
            .pass(r#"
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
                                required: [code]
                                properties: {code: {type: string}}
            "#)
            .pass(r#"
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
                                required: [error_code]
                                properties: {error_code: {type: string}}
            "#)
            .pass(r#"
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
                                required: [errors]
                                properties:
                                  errors: {type: array, items: {required: [code], properties: {code: {type: string}}}}
            "#)
            .pass(r#"
                openapi: 3.1.0
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          description: x
                          content:
                            application/problem+json:
                              schema: {required: [type], properties: {type: {type: string}}}
            "#)
            .run();
    }

    #[test]
    fn every_declaration_counts_whatever_the_order() {
        // A type in a later allOf branch types the code (issue 11, item 1); keys beside
        // `$ref` apply in 3.1 (item 3); a YAML merge key brings its `required` (item 9).
        Tester::new("error-code-present")
            .pass(r#"
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
                                required: [code]
                                allOf:
                                  - properties: {code: {description: the code}}
                                  - properties: {code: {type: string}}
            "#)
            .pass(r#"
                openapi: 3.1.0
                paths:
                  /a:
                    get:
                      responses:
                        '400':
                          description: x
                          content:
                            application/json:
                              schema: {$ref: '#/components/schemas/Base', required: [code]}
                components:
                  schemas:
                    Base: {properties: {code: {type: string}}}
            "#)
            .pass(r#"
                openapi: 3.0.3
                x-shared: &required-code
                  required: [code]
                paths:
                  /a:
                    get:
                      responses:
                        '400':
                          description: x
                          content:
                            application/json:
                              schema:
                                <<: *required-code
                                properties: {code: {type: string}}
            "#)
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
                              schema: {$ref: '#/components/schemas/Base', required: [code]}
                components:
                  schemas:
                    Base: {properties: {code: {type: string}}}
            "#,
                &[(13, "error code `code` is optional, so clients cannot rely on it")],
            )
            .run();
    }

    #[test]
    fn fixes_add_the_code_or_its_optional_parent_to_required() {
        Tester::new("error-code-present")
            .fixes(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          description: x
                          content:
                            application/json:
                              schema:
                                type: object
                                required:
                                  - message
                                properties:
                                  message: {type: string}
                                  code: {type: string}
                        '409':
                          description: x
                          content:
                            application/json:
                              schema: {type: object, properties: {error: {type: object, required: [code], properties: {code: {type: string}}}}}
            "#,
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          description: x
                          content:
                            application/json:
                              schema:
                                type: object
                                required:
                                  - message
                                  - code
                                properties:
                                  message: {type: string}
                                  code: {type: string}
                        '409':
                          description: x
                          content:
                            application/json:
                              schema: {type: object, required: [error], properties: {error: {type: object, required: [code], properties: {code: {type: string}}}}}
            "#,
            )
            .run();
    }

    #[test]
    fn an_optional_parent_is_the_step_to_require() {
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
                            properties:
                              errors:
                                type: array
                                items: {required: [code], properties: {code: {type: string}}}
        "#;
        Tester::new("error-code-present")
            .fail(
                yaml,
                &[(12, "error code `errors[].code` is optional: `errors` is not required, so clients cannot rely on it")],
            )
            .run();
        assert_eq!(
            lint_one("error-code-present", yaml)[0].help.as_deref(),
            Some("list `errors` in `required`")
        );
    }

    #[test]
    fn near_misses_and_one_of_branches_are_named() {
        Tester::new("error-code-present")
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
                              schema:
                                properties:
                                  errors:
                                    type: array
                                    items: {properties: {errorCode: {type: string}, message: {type: string}}}
                        '404':
                          description: x
                          content:
                            application/json:
                              schema:
                                properties: {message: {type: string}, statusCode: {type: integer}}
                        '409':
                          description: x
                          content:
                            application/json:
                              schema:
                                oneOf:
                                  - {required: [code], properties: {code: {type: string}}}
                                  - {required: [message], properties: {message: {type: string}}}
            "#,
                &[
                    (10, "error body has no machine-readable code; did you mean `errors[].errorCode`?"),
                    (19, "error body has no machine-readable code"),
                    (28, "`oneOf` branch 2 of this error body has no machine-readable code, while the other branches declare one"),
                ],
            )
            .run();
    }

    /// The hint for each shape named in issue 30: the best-looking code wins over the
    /// shallowest, and a top-level discriminator `type` loses to `error.type`.
    #[test]
    fn the_hint_names_the_field_that_looks_most_like_a_code() {
        let hint = |schema: &str| {
            let yaml = one_error_body(400, schema);
            let findings = lint_one("error-code-present", &yaml);
            let message = findings.first().map(|f| f.message.clone()).unwrap_or_default();
            message
                .split_once("did you mean `")
                .map(|(_, rest)| rest.trim_end_matches("`?").to_string())
        };
        let cases = [
            // DigitalOcean's inference errors: a discriminator, and the code inside `error`.
            (
                "{required: [type], properties: {type: {type: string, enum: [error]}, error: {properties: {type: {type: string, example: invalid_request_error}}}}}",
                Some("error.type"),
            ),
            // Slack: `{ok: false, error: invalid_auth}`.
            (
                "{required: [ok, error], properties: {ok: {type: boolean}, error: {type: string, enum: [invalid_auth, not_authed]}}}",
                Some("error"),
            ),
            // A free-text `error` is no code.
            (
                "{properties: {error: {type: string, example: Something went wrong}}}",
                None,
            ),
            // just-eat: two levels down, through an object and an array.
            (
                "{properties: {fault: {properties: {errors: {type: array, items: {properties: {errorCode: {type: string}}}}}}}}",
                Some("fault.errors[].errorCode"),
            ),
            // DigitalOcean: an `id` holding `not_found`.
            (
                "{required: [id, message], properties: {id: {type: string, example: not_found}, message: {type: string}}}",
                Some("id"),
            ),
            // OpenCage: `status.code` echoes the HTTP status.
            (
                "{properties: {status: {properties: {code: {type: integer}, message: {type: string}}}}}",
                None,
            ),
        ];
        for (schema, expected) in cases {
            assert_eq!(hint(schema).as_deref(), expected, "{schema}");
        }
    }

    #[test]
    fn two_optional_steps_are_both_named() {
        let yaml = one_error_body(
            400,
            "{properties: {error: {type: object, properties: {code: {type: string}}}}}",
        );
        Tester::new("error-code-present")
            .fail(
                &yaml,
                &[(10, "error code `error.code` is optional: `error` and `error.code` are not required, so clients cannot rely on it")],
            )
            .run();
        let findings = lint_one("error-code-present", &yaml);
        assert_eq!(
            findings[0].help.as_deref(),
            Some("list `error` and `code` in `required` at each level")
        );
    }
}
