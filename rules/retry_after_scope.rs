//! `retry-after-scope`: `Retry-After` and `retry_after` appear only where retrying helps.

use crate::error_body::{ErrorBody, example_retry_key};
use super::Rule;
use crate::document::NodeRef;
use crate::document::edit;
use crate::engine::{Context, Report};
use crate::openapi::{Operation, Response, StatusKey};

declare_rule! {
    /// ## What it checks
    /// A `Retry-After` header (any case) or a retry field in the body appears only on
    /// statuses where retrying later is meaningful: 429 and 503, plus 413 and 3xx, where
    /// RFC 9110 also defines the header, and 202 Accepted, where it tells a client when to poll
    /// a long-running operation (Microsoft's REST guidelines). Ranges that contain one of those
    /// (`3XX`, `4XX`, `5XX`) and `default` are accepted. A body field is a retry field when the
    /// profile's `retry.fields` names it or when its name means "retry after" in any case and
    /// separator style, with or without a unit (`retry_after`, `retryAfterSec`,
    /// `Retry-After-Ms`), at the top level or inside `error`. The profile's `retry` names the
    /// statuses (leave `202` out to forbid it there), the extra body fields and the headers.
    /// Findings:
    /// - a `Retry-After` header on any other status;
    /// - a body schema that **requires** the field on any other status (an optional field in a
    ///   shared error schema is fine);
    /// - an example for any other status that carries the field: the media type's examples and
    ///   the body schema's own `example`/`examples`.
    ///
    /// ## Why
    /// A client that sees `retry_after` on a 422 will wait and send the same invalid request
    /// again. Retry hints belong to the statuses that a later retry can fix.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders:
    ///     post:
    ///       responses:
    ///         '422':
    ///           description: Invalid order
    ///           headers:
    ///             Retry-After: {schema: {type: integer}}
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
    ///         '503':
    ///           description: Try again later
    ///           headers:
    ///             Retry-After: {schema: {type: integer}}
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix removes the `Retry-After` header, and with it documented behaviour. A
    /// client generated from the document stops reading the header, and a header the server
    /// really sends (on a 200, say, as some APIs do) is no longer described. Whether the header
    /// or the contract is wrong is a person's call: `--fix --unsafe-fixes` applies it.
    pub struct RetryAfterScope;
    id: "retry-after-scope",
    severity: Error,
    summary: "`Retry-After`/`retry_after` only on 429, 503, 413, 3xx and 202",
    fix: Unsafe,
}

/// What to do about a retry hint where retrying cannot help. Only an error status is one a
/// client would retry; a success status is never said to be "fixed" by waiting.
fn help_for(status: StatusKey) -> &'static str {
    if status.is_error() {
        "retrying later cannot fix this status: remove it here, keep it on 429/503"
    } else {
        "this status asks for no retry: remove it here (it belongs on 429, 503, and a 202 that clients poll)"
    }
}

impl Rule for RetryAfterScope {
    rule_meta!(RetryAfterScope);

    fn check_response(
        &self,
        cx: &mut Context<'_, '_>,
        _op: &Operation<'_>,
        response: &Response<'_>,
    ) {
        if !out_of_scope(cx.contract, response.status) {
            return;
        }
        let api = cx.api;
        let label = || format!("on the {} response", response.status_text);
        if let Some(header) = cx.contract.retry_header(response) {
            let message = format!(
                "`{}` header where retrying later is not meaningful",
                header.name
            );
            let tree = cx.api.tree(header.key);
            let removal = tree
                .parent(header.key.node)
                .and_then(|headers| edit::remove_entry(tree, headers, header.key.node));
            cx.report(
                Report::new(header.key, message)
                    .label(label())
                    .help(help_for(response.status))
                    .fix(format!("remove the `{}` header", header.name), header.key.file, removal),
            );
        }
        for media in &response.media {
            for example in &media.examples {
                if let Some(key) = example_retry_key(api, cx.contract, *example) {
                    let message = format!(
                        "example carries `{}` where retrying later is not meaningful",
                        api.scalar(key).unwrap_or("retry_after")
                    );
                    let report = Report::new(key, message).label(label()).help(help_for(response.status));
                    cx.report(report.for_uses([media.at]));
                }
            }
        }
    }

    fn check_error_body(&mut self, cx: &mut Context<'_, '_>, body: &ErrorBody<'_>) {
        let required = body.analysis.retry_field.as_ref().filter(|(_, f)| f.required());
        let in_examples: Vec<NodeRef> = body
            .analysis
            .examples
            .iter()
            .filter_map(|example| example_retry_key(cx.api, cx.contract, *example))
            .collect();
        if required.is_none() && in_examples.is_empty() {
            return;
        }
        let model = cx.model;
        for &u in body.uses {
            let Some(response) = model.response(u) else {
                continue;
            };
            if !out_of_scope(cx.contract, response.status) {
                continue;
            }
            let label = || format!("on the {} response", response.status_text);
            if let Some((path, field)) = required {
                let (body, help) = if response.status.is_error() {
                    ("an error body", "make the field optional, or give this status its own error schema")
                } else {
                    ("a response body", "make the field optional, or give this status its own schema")
                };
                let message = format!(
                    "`{path}` is required in {body} where retrying later is not meaningful"
                );
                cx.report(
                    Report::new(field.key, message)
                        .label(label())
                        .help(help)
                        .for_uses([u]),
                );
            }
            for &key in &in_examples {
                let message = format!(
                    "the schema's example carries `{}` where retrying later is not meaningful",
                    cx.api.scalar(key).unwrap_or("retry_after")
                );
                cx.report(
                    Report::new(key, message)
                        .label(label())
                        .help(help_for(response.status))
                        .for_uses([u]),
                );
            }
        }
    }
}

/// A status where a retry hint does not belong.
fn out_of_scope(contract: &crate::contract::Contract, status: StatusKey) -> bool {
    !contract.retry_is_meaningful(status) && status != StatusKey::Invalid
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, lint_one};

    #[test]
    fn removes_an_off_scope_header_and_an_emptied_headers_map() {
        Tester::new("retry-after-scope")
            .fixes(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    post:
                      responses:
                        '409':
                          description: x
                          headers:
                            # the request id, for support
                            X-Request-Id: {schema: {type: string}}
                            retry-after:
                              schema: {type: integer}
                        '422':
                          description: x
                          headers:
                            Retry-After: {schema: {type: integer}}
                          content: {}
            "#,
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    post:
                      responses:
                        '409':
                          description: x
                          headers:
                            # the request id, for support
                            X-Request-Id: {schema: {type: string}}
                        '422':
                          description: x
                          content: {}
            "#,
            )
            .run();
    }

    #[test]
    fn flags_header_required_field_and_example_off_scope_but_not_an_optional_field() {
        Tester::new("retry-after-scope")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    post:
                      responses:
                        '422':
                          description: x
                          headers:
                            Retry-After: {schema: {type: integer}}
                          content:
                            application/json:
                              schema: {required: [retry_after], properties: {retry_after: {type: integer}}}
                              example: {code: INVALID, retry_after: 3}
                        '429':
                          description: x
                          headers:
                            Retry-After: {schema: {type: integer}}
            "#,
                &[
                    (9, "`Retry-After` header where retrying later is not meaningful"),
                    (12, "`retry_after` is required in an error body where retrying later is not meaningful"),
                    (13, "example carries `retry_after` where retrying later is not meaningful"),
                ],
            )
            .pass(r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          description: x
                          content: {application/json: {schema: {properties: {retry_after: {type: integer}}}}}
                        '503':
                          description: x
                          content: {application/json: {schema: {required: [retry_after], properties: {retry_after: {type: integer}}}}}
            "#)
            .run();
    }

    #[test]
    fn a_202_may_say_when_to_poll_and_a_200_may_not() {
        let yaml = r#"
            openapi: 3.0.3
            paths:
              /jobs:
                post:
                  responses:
                    '202':
                      description: accepted; poll later
                      headers: {Retry-After: {schema: {type: integer}}}
                    '200':
                      description: done
                      headers: {Retry-After: {schema: {type: integer}}}
        "#;
        Tester::new("retry-after-scope")
            .fail(yaml, &[(11, "`Retry-After` header where retrying later is not meaningful")])
            .run();
        let help = lint_one("retry-after-scope", yaml)[0].help.clone().unwrap();
        assert!(!help.contains("cannot fix"), "{help}");
    }

    #[test]
    fn hints_by_meaning_and_in_schema_examples() {
        Tester::new("retry-after-scope")
            .fail(
                r#"
                openapi: 3.1.0
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          description: x
                          content:
                            application/json:
                              schema:
                                required: [code, retryAfterSec]
                                properties: {code: {type: string}, retryAfterSec: {type: integer}}
                        '422':
                          description: x
                          content:
                            application/json:
                              schema:
                                properties: {code: {type: string}}
                                example: {code: INVALID, retry_after: 3}
            "#,
                &[
                    (12, "`retryAfterSec` is required in an error body where retrying later is not meaningful"),
                    (19, "the schema's example carries `retry_after` where retrying later is not meaningful"),
                ],
            )
            .run();
    }
}
