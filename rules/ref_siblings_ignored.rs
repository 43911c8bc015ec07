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
    /// error:
    ///   $ref: '#/components/schemas/Error'
    ///   nullable: true
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// error:
    ///   nullable: true
    ///   allOf:
    ///     - $ref: '#/components/schemas/Error'
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
    use crate::rules::testing::{lines, lint_with};

    const RULE: &str = "ref-siblings-ignored";

    #[test]
    fn flags_siblings_before_3_1_only() {
        let body = "paths:\n  /a:\n    get:\n      responses:\n        '404':\n          $ref: '#/components/responses/NotFound'\n          description: Order not found\n          x-note: fine\ncomponents:\n  responses:\n    NotFound: {description: x}\n";
        let v30 = format!("openapi: 3.0.3\n{body}");
        assert_eq!(
            lines(&lint_with(RULE, &v30), &v30),
            vec![(8, "`description` beside `$ref` is ignored: a Reference Object has no other fields before OpenAPI 3.1".into())]
        );
        let v31 = format!("openapi: 3.1.0\n{body}");
        assert!(lint_with(RULE, &v31).is_empty());
    }
}
