//! `error-response-schema`: every error response declares a JSON body with a schema.

use super::Rule;
use crate::engine::{Context, Report};
use crate::openapi::{Method, Operation, Response, StatusKey};

declare_rule! {
    /// ## What it checks
    /// Every 4xx and 5xx response, and `default`, declares a JSON body (`application/json`,
    /// any `+json` type such as `application/problem+json`, `text/json`, `application/x-json`,
    /// or a wildcard that admits JSON: `*/*`, `application/*`) with a schema. HEAD operations are
    /// exempt: their responses have no body. A profile's `media_types` narrows the accepted
    /// types (the `rfc9457` profile accepts only `application/problem+json`).
    ///
    /// ## Why
    /// Clients switch on a machine-readable error code. A response documented with only a
    /// description, or only `text/html`, tells them nothing they can switch on, and generated
    /// clients fall back to untyped errors.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders/{id}:
    ///     get:
    ///       responses:
    ///         '200': {description: The order}
    ///         '404':
    ///           description: Not found
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
    ///         '200': {description: The order}
    ///         '404':
    ///           description: Not found
    ///           content:
    ///             application/json:
    ///               schema: {$ref: '#/components/schemas/Error'}
    /// components:
    ///   schemas:
    ///     Error:
    ///       type: object
    ///       required: [code, message]
    ///       properties:
    ///         code: {type: string}
    ///         message: {type: string}
    /// ```
    pub struct ErrorResponseSchema;
    id: "error-response-schema",
    severity: Error,
    summary: "every 4xx/5xx/default response declares a JSON body with a schema",
}

impl Rule for ErrorResponseSchema {
    rule_meta!(ErrorResponseSchema);

    fn check_response(
        &self,
        cx: &mut Context<'_, '_>,
        op: &Operation<'_>,
        response: &Response<'_>,
    ) {
        if !response.status.is_error() || op.method == Method::Head {
            return;
        }
        let Some(node) = response.node else { return };
        let contract = cx.contract;
        let declared = |m: &crate::openapi::Media<'_>| {
            contract.is_error_media_type(m.name) && m.schema_declared
        };
        if response.media.iter().any(declared) {
            return;
        }
        let api = cx.api;
        // A response defined once and used under several statuses is one cause: its message
        // names no status, so that the engine reports it once with every use (and status).
        let defined_as = response
            .shared
            .then(|| api.scalar(api.report_node(node)))
            .flatten();
        let the_response = match defined_as {
            // Reached through `#/paths/…`: the definition is another operation's response.
            Some(status) if StatusKey::parse(status) != StatusKey::Invalid => {
                format!("the {status} response")
            }
            Some(name) => format!("the response `{name}`"),
            None => format!("the {} response", response.status_text),
        };
        let json_without_schema = response
            .media
            .iter()
            .find(|m| contract.is_error_media_type(m.name));
        let response_at = if response.shared {
            api.report_node(node)
        } else {
            response.key
        };
        let (at, message) = match json_without_schema {
            Some(media) => (
                media.key.unwrap_or(response.key),
                format!("the `{}` body of {the_response} has no schema", media.name),
            ),
            // Bodies that are there but not in a JSON type: 3.x `content`, or 2.0 `produces`.
            None if !response.media.is_empty() => {
                let types: Vec<&str> = response.media.iter().map(|m| m.name).collect();
                let wanted = if contract.media_types.is_empty() {
                    "JSON".to_string()
                } else {
                    format!("`{}`", contract.media_types.join("` or `"))
                };
                (
                    response.content_key.unwrap_or(response_at),
                    format!(
                        "{the_response} has no {wanted} body (only `{}`)",
                        types.join("`, `")
                    ),
                )
            }
            None => (
                response_at,
                format!("{the_response} declares no body: clients get no machine-readable error"),
            ),
        };
        let help = match json_without_schema {
            Some(media) => format!(
                "give the `{}` body a `schema`: the error schema clients parse",
                media.name
            ),
            None => "add an `application/json` (or `application/problem+json`) body with the error schema".into(),
        };
        let report = Report::new(at, message).help(help);
        cx.report(report);
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, lint_one};

    const RULE: &str = "error-response-schema";

    #[test]
    fn flags_description_only_and_non_json_errors() {
        Tester::new(RULE)
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '200': {description: ok}
                        '404': {description: nope}
                        '500':
                          description: boom
                          content: {text/html: {schema: {type: string}}}
                        default:
                          description: x
                          content: {application/json: {}}
                    head:
                      responses:
                        '404': {description: nope}
            "#,
                &[
                    (7, "the 404 response declares no body: clients get no machine-readable error"),
                    (10, "the 500 response has no JSON body (only `text/html`)"),
                    (13, "the `application/json` body of the default response has no schema"),
                ],
            )
            .pass(r#"
                openapi: 3.1.0
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          description: x
                          content: {application/problem+json: {schema: {type: object}}}
            "#)
            .pass(r#"
                swagger: '2.0'
                paths:
                  /a:
                    get:
                      responses:
                        '404': {description: x, schema: {type: object}}
            "#)
            .run();
    }

    #[test]
    fn shared_responses_are_reported_once_at_the_definition() {
        let yaml = r#"
            openapi: 3.0.3
            paths:
              /a:
                get:
                  responses:
                    '404': {$ref: '#/components/responses/NotFound'}
              /b:
                get:
                  responses:
                    '404': {$ref: '#/components/responses/NotFound'}
            components:
              responses:
                NotFound: {description: nope}
        "#;
        Tester::new(RULE)
            .fail(
                yaml,
                &[(13, "the response `NotFound` declares no body: clients get no machine-readable error")],
            )
            .run();
        let findings = lint_one(RULE, yaml);
        assert_eq!(findings[0].related.len(), 2);
        assert_eq!(findings[0].operation, None);
        assert_eq!(findings[0].note.as_deref(), Some("used by 2 responses"));
    }

    #[test]
    fn a_response_shared_by_several_statuses_is_one_finding() {
        // Gitea's `#/responses/error` is used under 400, 403, 404, 409 and more.
        let yaml = r#"
            openapi: 3.0.3
            paths:
              /a:
                get:
                  responses:
                    '400': {$ref: '#/components/responses/Error'}
                    '403': {$ref: '#/components/responses/Error'}
              /b:
                get:
                  responses:
                    '404': {$ref: '#/components/responses/Error'}
            components:
              responses:
                Error: {description: failed}
        "#;
        Tester::new(RULE)
            .fail(
                yaml,
                &[(14, "the response `Error` declares no body: clients get no machine-readable error")],
            )
            .run();
        let findings = lint_one(RULE, yaml);
        let uses: Vec<&str> = findings[0].related.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(
            uses,
            [
                "used by GET /a (400 response)",
                "used by GET /a (403 response)",
                "used by GET /b (404 response)"
            ]
        );
    }

    #[test]
    fn wildcards_and_older_json_types_carry_json_and_xml_is_named() {
        Tester::new(RULE)
            .pass(r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '400': {description: x, content: {'*/*': {schema: {type: object}}}}
                        '404': {description: x, content: {text/json: {schema: {type: object}}}}
                        '409': {description: x, content: {application/x-json: {schema: {type: object}}}}
                        '500': {description: x, content: {application/*: {schema: {type: object}}}}
            "#)
            .fail(
                r#"
                swagger: '2.0'
                produces: [application/xml]
                paths:
                  /a:
                    get:
                      responses:
                        '404': {description: x, schema: {type: object}}
            "#,
                &[(7, "the 404 response has no JSON body (only `application/xml`)")],
            )
            .run();
    }

    #[test]
    fn a_body_without_a_schema_is_asked_for_a_schema() {
        let yaml = r#"
            openapi: 3.0.3
            paths:
              /a:
                get:
                  responses:
                    '400': {description: x, content: {application/json: {}}}
        "#;
        let findings = lint_one(RULE, yaml);
        assert_eq!(
            findings[0].message,
            "the `application/json` body of the 400 response has no schema"
        );
        assert_eq!(
            findings[0].help.as_deref(),
            Some("give the `application/json` body a `schema`: the error schema clients parse")
        );
    }
}
