//! `retry-after-on-429`: a 429 response says when to retry.

use super::Rule;
use crate::engine::{Context, Report};
use crate::openapi::{Operation, Response, StatusKey};

declare_rule! {
    /// ## What it checks
    /// Every `429 Too Many Requests` response tells the client when to try again: a
    /// `Retry-After` header (matched case-insensitively) or a retry field in the body, at the
    /// top level or inside `error`: one the profile's `retry.fields` names, or one whose name
    /// means "retry after" in any case and separator style, with or without a unit
    /// (`retry_after`, `retryAfter`, `retryAfterSec`, `retry_after_ms`).
    ///
    /// ## Why
    /// Without it, clients guess: they retry at once and make the overload worse, or back off
    /// far longer than needed.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /search:
    ///     get:
    ///       responses:
    ///         '429':
    ///           description: Too many requests
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /search:
    ///     get:
    ///       responses:
    ///         '429':
    ///           description: Too many requests
    ///           headers:
    ///             Retry-After: {schema: {type: integer}}
    /// ```
    pub struct RetryAfterOn429;
    id: "retry-after-on-429",
    severity: Warning,
    summary: "429 responses carry `Retry-After` or a `retry_after` body field",
}

impl Rule for RetryAfterOn429 {
    rule_meta!(RetryAfterOn429);

    fn check_response(
        &self,
        cx: &mut Context<'_, '_>,
        _op: &Operation<'_>,
        response: &Response<'_>,
    ) {
        if response.status != StatusKey::Code(429) || cx.contract.retry_header(response).is_some() {
            return;
        }
        let Some(node) = response.node else { return };
        let body_has_field = response
            .media
            .iter()
            .filter_map(|m| m.body)
            .any(|body| cx.body_analysis(body).retry_field.is_some());
        if body_has_field {
            return;
        }
        let at = if response.shared {
            cx.api.report_node(node)
        } else {
            response.key
        };
        let report = Report::new(at, "the 429 response does not say when to retry")
            .help("add a `Retry-After` header (seconds or an HTTP date), or a `retry_after` field in the body");
        cx.report(report);
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::Tester;

    #[test]
    fn flags_a_bare_429_only() {
        Tester::new("retry-after-on-429")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '429': {description: slow down}
                  /b:
                    get:
                      responses:
                        '429':
                          description: x
                          headers: {retry-after: {schema: {type: integer}}}
                  /c:
                    get:
                      responses:
                        '429':
                          description: x
                          content: {application/json: {schema: {properties: {error: {properties: {retryAfter: {type: integer}}}}}}}
            "#,
                &[(6, "the 429 response does not say when to retry")],
            )
            .run();
    }

    #[test]
    fn retry_fields_are_found_by_meaning() {
        // GoDaddy's 429 bodies require `retryAfterSec` (issue 11, item 6).
        Tester::new("retry-after-on-429")
            .pass(r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '429':
                          description: x
                          content:
                            application/json:
                              schema:
                                required: [code, retryAfterSec]
                                properties: {code: {type: string}, retryAfterSec: {type: integer}}
                  /b:
                    get:
                      responses:
                        '429':
                          description: x
                          content: {application/json: {schema: {properties: {error: {properties: {Retry_After_Ms: {type: integer}}}}}}}
            "#)
            .run();
    }
}
