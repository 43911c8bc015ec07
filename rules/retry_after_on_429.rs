//! `retry-after-on-429`: a 429 response says when to retry.

use super::Rule;
use crate::engine::{Context, Report};
use crate::openapi::{Operation, Response, StatusKey};

declare_rule! {
    /// ## What it checks
    /// Every `429 Too Many Requests` response tells the client when to try again: a
    /// `Retry-After` header (matched case-insensitively) or a `retry_after`/`retryAfter` body
    /// field (at the top level or inside `error`).
    ///
    /// ## Why
    /// Without it, clients guess: they retry at once and make the overload worse, or back off
    /// far longer than needed.
    ///
    /// ## Bad
    /// ```yaml
    /// '429':
    ///   description: Too many requests
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// '429':
    ///   description: Too many requests
    ///   headers:
    ///     Retry-After: {schema: {type: integer}}
    /// ```
    pub struct RetryAfterOn429;
    id: "retry-after-on-429",
    severity: Warning,
    summary: "429 responses carry `Retry-After` or a `retry_after` body field",
}

impl Rule for RetryAfterOn429 {
    rule_meta!(RetryAfterOn429);

    fn check_response(
        &mut self,
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
            .any(|body| cx.facts(body).retry_field.is_some());
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
    use crate::rules::testing::{lines, lint_with};

    const RULE: &str = "retry-after-on-429";

    #[test]
    fn flags_a_bare_429_only() {
        let yaml = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '429': {description: slow down}\n  /b:\n    get:\n      responses:\n        '429':\n          description: x\n          headers: {retry-after: {schema: {type: integer}}}\n  /c:\n    get:\n      responses:\n        '429':\n          description: x\n          content: {application/json: {schema: {properties: {error: {properties: {retryAfter: {type: integer}}}}}}}\n";
        assert_eq!(
            lines(&lint_with(RULE, yaml), yaml),
            vec![(6, "the 429 response does not say when to retry".into())]
        );
    }
}
