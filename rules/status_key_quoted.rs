//! `status-key-quoted`: in OpenAPI 3.x YAML, status codes are written as strings (`'404'`).

use super::Rule;
use crate::document::edit;
use crate::engine::{Context, Report};
use crate::openapi::{Operation, Response, Version};

declare_rule! {
    /// ## What it checks
    /// In an OpenAPI 3.0, 3.1 or 3.2 document, each status code key of a `responses` object is
    /// a string: `'404':`, not `404:`. Ranges (`4XX`) and `default` are strings already, and
    /// JSON keys always are. Swagger 2.0 asks for no quotes, so it is not checked there.
    ///
    /// ## Why
    /// The specification requires the quotes "for compatibility between JSON and YAML": in
    /// YAML a bare `404` is an integer key, which tools that read the document into typed
    /// maps (code generators, JSON converters) reject or turn into something else. The fix
    /// (`--fix`) adds the quotes the neighbouring keys use.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /orders:
    ///     get:
    ///       responses:
    ///         200: {description: The orders}
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
    ///         '200': {description: The orders}
    /// ```
    ///
    /// ## Fix safety
    /// Safe: quoting the key changes only how the status is written. Every OpenAPI tool that
    /// reads the document as the specification says sees the same status code, and the
    /// contract is unchanged.
    pub struct StatusKeyQuoted;
    id: "status-key-quoted",
    severity: Warning,
    summary: "OpenAPI 3.x status codes are quoted strings (`'404'`), not YAML integers",
    fix: Safe,
}

impl Rule for StatusKeyQuoted {
    rule_meta!(StatusKeyQuoted);

    fn check_response(
        &self,
        cx: &mut Context<'_, '_>,
        _op: &Operation<'_>,
        response: &Response<'_>,
    ) {
        if cx.api.version == Version::Swagger2 {
            return;
        }
        // Keys are strings on the tape whatever their style; a plain key of digits is what
        // YAML reads as an integer (JSON keys are always quoted).
        let tree = cx.api.tree(response.key);
        let key = response.status_text;
        let written = &tree.text()[tree.span(response.key.node).range()];
        let plain_integer = !written.starts_with(['\'', '"'])
            && !key.is_empty()
            && key.bytes().all(|b| b.is_ascii_digit());
        if !plain_integer {
            return;
        }
        cx.report(
            Report::new(
                response.key,
                format!("status code `{key}` is a YAML integer; OpenAPI 3 requires a string"),
            )
            .help(format!("quote it: `'{key}'`"))
            .fix(
                format!("quote `{key}`"),
                response.key.file,
                edit::quote_scalar(tree, response.key.node),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::Tester;

    #[test]
    fn flags_integer_keys_in_openapi_3_only() {
        Tester::new("status-key-quoted")
            .fail(
                r#"
                openapi: 3.1.0
                paths:
                  /a:
                    get:
                      responses:
                        200: {description: ok}
                        '404': {description: x}
                        4XX: {description: x}
                        default: {description: x}
            "#,
                &[(6, "status code `200` is a YAML integer; OpenAPI 3 requires a string")],
            )
            .pass(
                r#"
                swagger: '2.0'
                paths:
                  /a:
                    get:
                      responses:
                        200: {description: ok}
            "#,
            )
            .fixes(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        200:
                          description: ok
                        "404": {description: x}
                        500: {description: x}
            "#,
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        "200":
                          description: ok
                        "404": {description: x}
                        "500": {description: x}
            "#,
            )
            .run();
    }
}
