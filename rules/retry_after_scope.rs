//! `retry-after-scope`: `Retry-After` and `retry_after` appear only where retrying helps.

use super::error_body::example_retry_key;
use super::{Rule, declare_rule, rule_meta};
use crate::engine::{Context, Report};
use crate::openapi::{Operation, Response, StatusKey};

declare_rule! {
    /// ## What it checks
    /// A `Retry-After` header (any case) or a `retry_after`/`retryAfter` body field appears
    /// only on statuses where retrying later is meaningful: 429 and 503, plus 413 and 3xx,
    /// where RFC 9110 also defines the header. Ranges that contain one of those (`3XX`, `4XX`,
    /// `5XX`) and `default` are accepted. The profile's `retry` names the statuses, the body
    /// fields and the headers. Findings:
    /// - a `Retry-After` header on any other status;
    /// - a body schema that **requires** the field on any other status (an optional field in a
    ///   shared error schema is fine);
    /// - an example for any other status that carries the field.
    ///
    /// ## Why
    /// A client that sees `retry_after` on a 422 will wait and send the same invalid request
    /// again. Retry hints belong to the statuses that a later retry can fix.
    ///
    /// ## Bad
    /// ```yaml
    /// '422':
    ///   headers:
    ///     Retry-After: {schema: {type: integer}}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// '503':
    ///   headers:
    ///     Retry-After: {schema: {type: integer}}
    /// ```
    pub struct RetryAfterScope;
    id: "retry-after-scope",
    severity: Error,
    summary: "`Retry-After`/`retry_after` only on 429, 503, 413 and 3xx",
}

impl Rule for RetryAfterScope {
    rule_meta!(RetryAfterScope);

    fn check_response(
        &mut self,
        cx: &mut Context<'_, '_>,
        op: &Operation<'_>,
        response: &Response<'_>,
    ) {
        if cx.contract.retry_is_meaningful(response.status) || response.status == StatusKey::Invalid
        {
            return;
        }
        let api = cx.api;
        let label = || format!("on the {} response", response.status_text);
        let help = "retrying later cannot fix this status: remove it here, keep it on 429/503";
        if let Some(header) = cx.retry_header(response) {
            let report = Report::new(
                header.key,
                format!(
                    "`{}` header where retrying later is not meaningful",
                    header.name
                ),
            )
            .label(label())
            .help(help)
            .operation(op)
            .used_at(cx.use_site(op, response, None));
            cx.report(report);
        }
        for (media, schema) in response.json_schemas() {
            let body = cx.body(media, schema);
            if let Some((path, field)) = body.retry_field.as_ref().filter(|(_, f)| f.required) {
                let report = Report::new(field.key, format!("`{path}` is required in an error body where retrying later is not meaningful"))
                    .label(label())
                    .help("make the field optional, or give this status its own error schema")
                    .operation(op)
                    .used_at(cx.use_site(op, response, Some(schema)));
                cx.report(report);
            }
        }
        for example in response.media.iter().flat_map(|m| m.examples.iter()) {
            if let Some(key) = example_retry_key(api, cx.contract, *example) {
                let report = Report::new(
                    key,
                    format!(
                        "example carries `{}` where retrying later is not meaningful",
                        api.scalar(key).unwrap_or("retry_after")
                    ),
                )
                .label(label())
                .help(help)
                .operation(op)
                .used_at(cx.use_site(op, response, None));
                cx.report(report);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{lines, lint_with};

    const RULE: &str = "retry-after-scope";

    #[test]
    fn flags_header_required_field_and_example_off_scope() {
        let yaml = "openapi: 3.0.3\npaths:\n  /a:\n    post:\n      responses:\n        '422':\n          description: x\n          headers:\n            Retry-After: {schema: {type: integer}}\n          content:\n            application/json:\n              schema: {required: [retry_after], properties: {retry_after: {type: integer}}}\n              example: {code: INVALID, retry_after: 3}\n        '429':\n          description: x\n          headers:\n            Retry-After: {schema: {type: integer}}\n";
        let found = lines(&lint_with(RULE, yaml), yaml);
        assert_eq!(
            found,
            vec![
                (9, "`Retry-After` header where retrying later is not meaningful".into()),
                (12, "`retry_after` is required in an error body where retrying later is not meaningful".into()),
                (13, "example carries `retry_after` where retrying later is not meaningful".into()),
            ]
        );
    }

    #[test]
    fn optional_shared_field_is_fine() {
        let yaml = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404':\n          description: x\n          content: {application/json: {schema: {properties: {retry_after: {type: integer}}}}}\n        '503':\n          description: x\n          content: {application/json: {schema: {required: [retry_after], properties: {retry_after: {type: integer}}}}}\n";
        assert!(lint_with(RULE, yaml).is_empty());
    }
}
