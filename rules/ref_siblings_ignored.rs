//! `ref-siblings-ignored`: keys beside `$ref` that OpenAPI 2.0 and 3.0 tools ignore.

use super::Rule;
use crate::engine::{Context, Report};

declare_rule! {
    /// ## What it checks
    /// In OpenAPI 2.0 and 3.0 a Reference Object has no fields but `$ref`: every key beside it
    /// (`description`, `nullable`, a per-use `example`) is ignored by the specification and by
    /// most tools. One finding per Reference Object, at its first such key. Extensions (`x-…`)
    /// and OpenAPI 3.1 documents (where schema siblings apply) are left alone. Off by default
    /// in CI terms: its default level is `info`, which never changes the exit code.
    ///
    /// ## Why
    /// `'404': {$ref: '#/components/responses/NotFound', description: Order not found}` reads
    /// as a specific 404, but clients and generators see only the shared one; a `nullable: true`
    /// beside a schema `$ref` silently does nothing.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths: {}
    /// components:
    ///   schemas:
    ///     Order:
    ///       properties:
    ///         error:
    ///           $ref: '#/components/schemas/Error'
    ///           nullable: true
    ///     Error: {type: object}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths: {}
    /// components:
    ///   schemas:
    ///     Order:
    ///       properties:
    ///         error:
    ///           nullable: true
    ///           allOf:
    ///             - $ref: '#/components/schemas/Error'
    ///     Error: {type: object}
    /// ```
    pub struct RefSiblingsIgnored;
    id: "ref-siblings-ignored",
    severity: Info,
    summary: "keys beside `$ref` are ignored before OpenAPI 3.1",
}

impl Rule for RefSiblingsIgnored {
    rule_meta!(RefSiblingsIgnored);

    fn finish(&mut self, cx: &mut Context<'_, '_>) {
        for ignored in cx.api.ignored_ref_siblings() {
            let report = Report::new(ignored.at, ignored.message).help(
                "move the key into the referenced definition, or wrap the reference in `allOf`",
            );
            cx.report(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::Tester;

    #[test]
    fn flags_siblings_before_3_1_only() {
        Tester::new("ref-siblings-ignored")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          $ref: '#/components/responses/NotFound'
                          description: Order not found
                          x-note: fine
                components:
                  responses:
                    NotFound: {description: x}
            "#,
                &[(8, "`description` beside `$ref` is ignored: a Reference Object has no other fields before OpenAPI 3.1")],
            )
            .pass(r#"
                openapi: 3.1.0
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          $ref: '#/components/responses/NotFound'
                          description: Order not found
                          x-note: fine
                components:
                  responses:
                    NotFound: {description: x}
            "#)
            .run();
    }
}
