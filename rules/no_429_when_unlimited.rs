//! `no-429-when-unlimited`: operations declared not rate-limited document no 429 or retry hints.

use crate::error_body::example_retry_key;
use super::Rule;
use crate::document::NodeRef;
use crate::engine::{Context, Report};
use crate::openapi::{Operation, StatusKey, Use};

declare_rule! {
    /// ## What it checks
    /// An operation declared not rate-limited documents neither a `429` response nor a
    /// `Retry-After` header nor a required retry field (`retry_after`, `retryAfterSec`, any name
    /// that means "retry after") nor an example carrying one (the media type's or the body
    /// schema's own) in any of its responses. The declaration is `x-rate-limited: false` on
    /// the operation, its path item, or the document root: the root sets the default, the
    /// nearest one wins, and `true` re-enables limiting below a `false`. A config override's
    /// `rate_limited: false` declares it too, and the profile's `rate_limit` sets the default
    /// and the extension's name.
    ///
    /// ## Why
    /// Some paths are never rate-limited by design (a data plane that fails open, an ingest
    /// governed by quota). Documenting a 429 there makes clients build retry loops for a
    /// response that never comes, and contradicts the published contract.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /v1/ingest:
    ///     x-rate-limited: false
    ///     post:
    ///       responses:
    ///         '202': {description: Accepted}
    ///         '429': {description: Too many requests}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /v1/ingest:
    ///     x-rate-limited: false
    ///     post:
    ///       responses:
    ///         '202': {description: Accepted}
    /// ```
    pub struct No429WhenUnlimited;
    id: "no-429-when-unlimited",
    severity: Error,
    summary: "operations with `x-rate-limited: false` document no 429 or retry hints",
}

impl Rule for No429WhenUnlimited {
    rule_meta!(No429WhenUnlimited);

    /// `x-rate-limited: 'false'` (a string), `no` in YAML 1.2, or `0` is not `false`: it would
    /// be ignored and the operation linted as rate-limited, a silent misreading. Each such
    /// value is reported once.
    fn finish(&mut self, cx: &mut Context<'_, '_>) {
        let api = cx.api;
        let extension = &cx.contract.rate_limit_extension;
        let mut seen = std::collections::BTreeSet::new();
        let owners = cx
            .model
            .operations
            .iter()
            .flat_map(|op| [op.node, op.path_item])
            .chain([api.root]);
        for owner in owners {
            let Some(value) = api.get(owner, extension) else {
                continue;
            };
            if api.as_bool(value).is_some() || !seen.insert(value) {
                continue;
            }
            let written = api.scalar(value).map_or_else(
                || "a mapping or a list".to_string(),
                |text| format!("`{text}`"),
            );
            cx.report(
                Report::new(value, format!("`{extension}` is {written}, not a boolean, so it is ignored"))
                    .help(format!("write `{extension}: false` or `{extension}: true`, unquoted")),
            );
        }
    }

    fn check_operation(&self, cx: &mut Context<'_, '_>, op: &Operation<'_>) {
        let api = cx.api;
        let (limited, declared) = cx.rate_limited(op);
        if limited {
            return;
        }
        let extension = &cx.contract.rate_limit_extension;
        let owner = declared.and_then(|d| api.tree(d).parent(d.node).map(|p| (d.file, p)));
        let place = match owner {
            None if cx.settings(op).rate_limited.is_some() => {
                "by a path override in the config".to_string()
            }
            None => "by the profile (`rate_limit.default: unlimited`)".to_string(),
            Some((file, p)) if file == op.node.file && p == op.node.node => {
                format!("by `{extension}: false` on the operation")
            }
            Some((file, p)) if file == op.path_item.file && p == op.path_item.node => {
                format!("by `{extension}: false` on path `{}`", op.path)
            }
            Some(_) => format!("by `{extension}: false` at the document root"),
        };
        let help = format!(
            "the operation is declared not rate-limited {place}; remove this, or declare it rate-limited"
        );
        for response in &op.responses {
            // Each problem with the use it was found through: the response, or one of its
            // media types (a body field, an example).
            let mut found: Vec<(NodeRef, String, Use)> = Vec::new();
            let response_use = response.at;
            if response.status == StatusKey::Code(429) {
                found.push((
                    response.key,
                    "a 429 response on an operation that is not rate-limited".into(),
                    response_use,
                ));
            }
            if let Some(header) = cx.contract.retry_header(response) {
                found.push((
                    header.key,
                    format!(
                        "`{}` header on an operation that is not rate-limited",
                        header.name
                    ),
                    response_use,
                ));
            }
            for media in &response.media {
                let facts = media.body.map(|b| cx.body_analysis(b));
                if let Some((path, field)) = facts
                    .and_then(|f| f.retry_field.as_ref())
                    .filter(|(_, f)| f.required())
                {
                    found.push((field.key, format!("`{path}` is required in a response of an operation that is not rate-limited"), media.at));
                }
                let schema_examples = facts.map_or(&[][..], |f| f.examples.as_slice());
                for example in media.examples.iter().chain(schema_examples) {
                    if let Some(key) = example_retry_key(api, cx.contract, *example) {
                        found.push((
                            key,
                            "example carries a retry hint on an operation that is not rate-limited"
                                .into(),
                            media.at,
                        ));
                    }
                }
            }
            for (at, message, found_by) in found {
                cx.report(
                    Report::new(at, message)
                        .help(help.clone())
                        .for_uses([found_by]),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, lint_one};

    const RULE: &str = "no-429-when-unlimited";

    #[test]
    fn nearest_declaration_wins_and_operations_are_limited_by_default() {
        let yaml = r#"
            openapi: 3.0.3
            x-rate-limited: false
            paths:
              /ingest:
                post:
                  responses:
                    '429':
                      description: x
                      headers: {Retry-After: {schema: {type: integer}}}
              /admin:
                x-rate-limited: true
                get:
                  responses:
                    '429': {description: x}
              /verdict:
                x-rate-limited: true
                get:
                  x-rate-limited: false
                  responses:
                    '429': {description: x}
        "#;
        Tester::new(RULE)
            .fail(
                yaml,
                &[
                    (7, "a 429 response on an operation that is not rate-limited"),
                    (9, "`Retry-After` header on an operation that is not rate-limited"),
                    (20, "a 429 response on an operation that is not rate-limited"),
                ],
            )
            .pass(r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '429': {description: x}
            "#)
            .run();
        let help = lint_one(RULE, yaml)[0].help.clone().unwrap_or_default();
        assert!(
            help.contains("`x-rate-limited: false` at the document root"),
            "{help}"
        );
    }

    #[test]
    fn a_false_that_is_not_a_boolean_is_reported_not_ignored() {
        Tester::new(RULE)
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /ingest:
                    x-rate-limited: 'false'
                    post:
                      x-rate-limited: no
                      responses:
                        '429': {description: x}
                "#,
                &[
                    (4, "`x-rate-limited` is `false`, not a boolean, so it is ignored"),
                    (6, "`x-rate-limited` is `no`, not a boolean, so it is ignored"),
                ],
            )
            .run();
    }
}
