//! `error-shape-consistent`: all error bodies put their code in the same place.

use crate::error_body::{Code, ErrorBody};
use super::Rule;
use crate::document::NodeRef;
use crate::engine::{Context, Report};
use crate::openapi::Use;
use std::collections::{BTreeMap, BTreeSet};

declare_rule! {
    /// ## What it checks
    /// All error responses of a document use one envelope: the machine-readable code lives at
    /// the same place (`code`, `error.code`, `error_code`, `errors[].code`, or `type` for
    /// problem+json). The majority is the place where most distinct body shapes with a sound
    /// code (required, of the contract's type) keep it: a schema used a hundred times counts
    /// once, identical inline copies count once, and a broken body does not vote. Each error
    /// body elsewhere is reported once, at its schema, against it. The rule stays silent unless
    /// the majority has at least two shapes and twice as many as any other place. Bodies with
    /// no code at all, or a broken one, are left to `error-code-present`.
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
    ///         '422': {$ref: '#/components/responses/Invalid'}
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
    ///     Invalid:
    ///       description: Invalid fields
    ///       content:
    ///         application/json:
    ///           schema: {$ref: '#/components/schemas/ValidationError'}
    ///   schemas:
    ///     Error:
    ///       required: [error]
    ///       properties:
    ///         error: {required: [code], properties: {code: {type: string}}}
    ///     ValidationError:
    ///       required: [error]
    ///       properties:
    ///         error:
    ///           required: [code]
    ///           properties: {code: {type: string}, fields: {type: array, items: {type: string}}}
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
        /// The distinct shapes (schema text as JSON) of the bodies whose code is sound, by
        /// location: the votes.
        sound_shapes: BTreeMap<usize, BTreeSet<String>>,
    };
    id: "error-shape-consistent",
    severity: Warning,
    summary: "all error bodies put their code at the same place",
}

impl Rule for ErrorShapeConsistent {
    rule_meta!(ErrorShapeConsistent);

    fn check_error_body(&mut self, cx: &mut Context<'_, '_>, body: &ErrorBody<'_>) {
        let Some(location) = body.analysis.code.location() else {
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
        if matches!(body.analysis.code, Code::Stable { .. }) {
            let shape = cx.api.tree(body.schema).to_json(body.schema.node).to_string();
            self.sound_shapes.entry(index).or_default().insert(shape);
        }
        self.bodies.push((body.schema, index, uses.to_vec()));
    }

    fn finish(&mut self, cx: &mut Context<'_, '_>) {
        let bodies = std::mem::take(&mut self.bodies);
        let locations = std::mem::take(&mut self.locations);
        let votes = std::mem::take(&mut self.sound_shapes);
        // Ties go to the first location in preference order, so the verdict is stable.
        let order = |l: usize| {
            cx.contract
                .code_paths
                .iter()
                .position(|c| c.text == locations[l])
                .unwrap_or(usize::MAX)
        };
        let mut counts: Vec<(usize, usize)> = votes
            .iter()
            .map(|(location, shapes)| (*location, shapes.len()))
            .collect();
        counts.sort_by_key(|&(l, n)| (std::cmp::Reverse(n), order(l)));
        let Some(&(majority, count)) = counts.first() else {
            return;
        };
        let runner_up = counts.get(1).map_or(0, |&(_, n)| n);
        if count < 2 || count < 2 * runner_up {
            return;
        }
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        let majority = &locations[majority];
        for (schema, location, uses) in bodies {
            let location = &locations[location];
            if location == majority {
                continue;
            }
            let report = Report::new(
                cx.api.report_node(schema),
                format!(
                    "error body puts its code at `{location}`, but {count} of the {total} error body shapes with a sound code put it at `{majority}`"
                ),
            )
            .help(format!(
                "use the document's common error envelope, with the code at `{majority}`"
            ))
            .for_uses(uses);
            cx.report(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, lint_one};

    const RULE: &str = "error-shape-consistent";

    /// Two sound shapes keep the code in `error.code`; `Legacy` keeps it at `code`.
    const TWO_AGAINST_ONE: &str = r#"
            openapi: 3.0.3
            paths:
              /a:
                get:
                  responses:
                    '404': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}
                    '422': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Invalid'}}}}
              /b:
                get:
                  responses:
                    '404': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Legacy'}}}}
            components:
              schemas:
                E: {required: [error], properties: {error: {required: [code], properties: {code: {type: string}}}}}
                Invalid: {required: [error], properties: {error: {required: [code], properties: {code: {type: string}, fields: {type: array}}}}}
                Legacy: {required: [code], properties: {code: {type: string}}}
        "#;

    #[test]
    fn reports_each_outlier_schema_once_against_the_majority() {
        Tester::new(RULE)
            .fail(
                TWO_AGAINST_ONE,
                &[(16, "error body puts its code at `code`, but 2 of the 3 error body shapes with a sound code put it at `error.code`")],
            )
            .run();
        assert_eq!(
            lint_one(RULE, TWO_AGAINST_ONE)[0].operation.as_deref(),
            Some("GET /b")
        );
    }

    #[test]
    fn broken_bodies_and_repeated_uses_do_not_vote() {
        // The only sound body is `Sound`; an integer code used twice and an optional one used
        // to outvote it, and the help told it to move to their shape.
        Tester::new(RULE)
            .pass(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '400': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Numeric'}}}}
                        '404': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Numeric'}}}}
                        '409': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Loose'}}}}
                        '422': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Sound'}}}}
                components:
                  schemas:
                    Numeric: {required: [code], properties: {code: {type: integer}}}
                    Loose: {properties: {code: {type: string}, detail: {type: string}}}
                    Sound: {required: [error], properties: {error: {required: [code], properties: {code: {type: string}}}}}
            "#,
            )
            .run();
    }

    #[test]
    fn identical_inline_copies_are_one_shape_and_a_close_vote_is_silent() {
        let inline = "{required: [code], properties: {code: {type: string}}}";
        let nested = "{required: [error], properties: {error: {required: [code], properties: {code: {type: string}}}}}";
        let document = |bodies: &[&str]| {
            let mut text = String::from("openapi: 3.0.3\npaths:\n");
            for (i, body) in bodies.iter().enumerate() {
                text.push_str(&format!(
                    "  /p{i}:\n    get:\n      responses:\n        '404': {{description: x, content: {{application/json: {{schema: {body}}}}}}}\n"
                ));
            }
            text
        };
        // Three identical copies of one inline shape are one vote against one: silent.
        Tester::new(RULE)
            .pass(&document(&[inline, inline, inline, nested]))
            .run();
        // Three shapes against two is too close to call.
        let with_detail = nested.replace("type: string}}", "type: string}, detail: {type: string}}");
        let with_target = nested.replace("type: string}}", "type: string}, target: {type: string}}");
        let with_fields = inline.replace("type: string}}", "type: string}, fields: {type: array}}");
        Tester::new(RULE)
            .pass(&document(&[nested, &with_detail, &with_target, inline, &with_fields]))
            .run();
    }
}
