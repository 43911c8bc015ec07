//! `error-shape-consistent`: all error bodies put their code in the same place.

use crate::error_body::ErrorBody;
use super::Rule;
use crate::document::NodeRef;
use crate::engine::{Context, Report};
use crate::openapi::Use;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it checks
    /// All error responses of a document use one envelope: the machine-readable code lives at
    /// the same place (`code`, `error.code`, `error_code`, `errors[].code`, or `type` for
    /// problem+json). The place most error responses use is the majority shape; each error
    /// body that differs is reported once, at its schema, against it. Bodies with no code at
    /// all are left to `error-code-present`.
    ///
    /// ## Why
    /// Clients write one error handler. When most endpoints answer `{"error": {"code": …}}`
    /// and a few answer `{"code": …}`, that handler misses the few, usually on the paths
    /// that fail most.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders:
    ///     get:
    ///       responses:
    ///         '400': {$ref: '#/components/responses/Error'}
    ///         '500': {$ref: '#/components/responses/Error'}
    ///   /legacy/orders:
    ///     get:
    ///       responses:
    ///         '400':
    ///           description: Invalid
    ///           content:
    ///             application/json:
    ///               schema: {$ref: '#/components/schemas/LegacyError'}
    /// components:
    ///   responses:
    ///     Error:
    ///       description: Error
    ///       content:
    ///         application/json:
    ///           schema: {$ref: '#/components/schemas/Error'}
    ///   schemas:
    ///     Error:
    ///       required: [error]
    ///       properties:
    ///         error: {required: [code], properties: {code: {type: string}}}
    ///     LegacyError:
    ///       required: [code]
    ///       properties: {code: {type: string}}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders:
    ///     get:
    ///       responses:
    ///         '400': {$ref: '#/components/responses/Error'}
    ///         '500': {$ref: '#/components/responses/Error'}
    ///   /legacy/orders:
    ///     get:
    ///       responses:
    ///         '400':
    ///           description: Invalid
    ///           content:
    ///             application/json:
    ///               schema: {$ref: '#/components/schemas/Error'}
    /// components:
    ///   responses:
    ///     Error:
    ///       description: Error
    ///       content:
    ///         application/json:
    ///           schema: {$ref: '#/components/schemas/Error'}
    ///   schemas:
    ///     Error:
    ///       required: [error]
    ///       properties:
    ///         error: {required: [code], properties: {code: {type: string}}}
    /// ```
    pub struct ErrorShapeConsistent {
        /// Each error body with a code: its schema, where its code is (an index into
        /// `locations`), and its error uses.
        bodies: Vec<(NodeRef, usize, Vec<Use>)>,
        /// The distinct code locations, a handful per document.
        locations: Vec<String>,
    };
    id: "error-shape-consistent",
    severity: Warning,
    summary: "all error bodies put their code at the same place",
}

impl Rule for ErrorShapeConsistent {
    rule_meta!(ErrorShapeConsistent);

    fn check_error_body(&mut self, _cx: &mut Context<'_, '_>, body: &ErrorBody<'_>) {
        let Some(location) = body.facts.code.location() else {
            return;
        };
        let uses = body.error_uses;
        if uses.is_empty() {
            return;
        }
        let index = match self.locations.iter().position(|l| l == location) {
            Some(index) => index,
            None => {
                self.locations.push(location.to_string());
                self.locations.len() - 1
            }
        };
        self.bodies.push((body.schema, index, uses.to_vec()));
    }

    fn finish(&mut self, cx: &mut Context<'_, '_>) {
        let bodies = std::mem::take(&mut self.bodies);
        let locations = std::mem::take(&mut self.locations);
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, location, uses) in &bodies {
            *counts.entry(&locations[*location]).or_default() += uses.len();
        }
        if counts.len() < 2 {
            return;
        }
        // Ties go to the first location in preference order, so the verdict is stable.
        let order = |l: &str| {
            cx.contract
                .code_paths
                .iter()
                .position(|c| c.text == l)
                .unwrap_or(usize::MAX)
        };
        let Some((majority, &count)) = counts
            .iter()
            .max_by_key(|(l, n)| (**n, std::cmp::Reverse(order(l))))
        else {
            return;
        };
        let total: usize = counts.values().sum();
        for (schema, location, uses) in bodies {
            let location = &locations[location];
            if location == majority {
                continue;
            }
            let report = Report::new(
                cx.api.report_node(schema),
                format!("error body puts its code at `{location}`, but {count} of {total} error responses use `{majority}`"),
            )
            .help(format!("use the document's common error envelope, with the code at `{majority}`"))
            .for_uses(uses);
            cx.report(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, lint_one};

    const RULE: &str = "error-shape-consistent";

    #[test]
    fn reports_each_outlier_schema_once_against_the_majority() {
        let yaml = r#"
            openapi: 3.0.3
            paths:
              /a:
                get:
                  responses:
                    '404': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}
                    '500': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}
              /b:
                get:
                  responses:
                    '404': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Legacy'}}}}
            components:
              schemas:
                E: {properties: {error: {properties: {code: {type: string}}}}}
                Legacy: {properties: {code: {type: string}}}
        "#;
        Tester::new(RULE)
            .fail(
                yaml,
                &[(15, "error body puts its code at `code`, but 2 of 3 error responses use `error.code`")],
            )
            .run();
        assert_eq!(lint_one(RULE, yaml)[0].operation.as_deref(), Some("GET /b"));
    }
}
