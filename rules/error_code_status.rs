//! `error-code-status`: the codes a response can return belong to its status.

use crate::error_body::{Code, ErrorBody};
use super::Rule;
use crate::contract::Catalog;
use crate::document::{Kind, NodeRef};
use crate::engine::{Context, Report};
use crate::openapi::{Api, StatusKey};

declare_rule! {
    /// ## What it checks
    /// The code values an error response documents — the code property's `enum` and `const`,
    /// and the code in its examples — agree with the contract:
    /// - with a catalog (`codes: {UNAUTHENTICATED: 401, …}`), each value is a catalog code
    ///   mapped to the response's status;
    /// - with `codes: status` (the code echoes the HTTP status), each value equals the status;
    /// - with `envelope.code.pattern`, each string value matches it; with
    ///   `envelope.code.closed: true`, the code has an `enum` or a `const`.
    ///
    /// Only responses with a concrete status (`402`, not `4XX`) are checked against statuses.
    ///
    /// ## Why
    /// Clients switch on the code. A 402 that can return `UNAUTHENTICATED` sends a
    /// subscription problem down the credential path; a code that is not in the catalog has
    /// no documented meaning at all.
    ///
    /// ## Bad
    /// Botect's catalog gives each code one status: `UNAUTHENTICATED` is 401's.
    /// ```yaml
    /// # errlint: --profile botect
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /account:
    ///     get:
    ///       responses:
    ///         '402':
    ///           description: No active subscription
    ///           content:
    ///             application/json:
    ///               schema:
    ///                 required: [code]
    ///                 properties: {code: {type: string, enum: [UNAUTHENTICATED]}}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// # errlint: --profile botect
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /account:
    ///     get:
    ///       responses:
    ///         '402':
    ///           description: No active subscription
    ///           content:
    ///             application/json:
    ///               schema:
    ///                 required: [code]
    ///                 properties: {code: {type: string, enum: [NO_ACTIVE_SUBSCRIPTION]}}
    /// ```
    pub struct ErrorCodeStatus;
    id: "error-code-status",
    severity: Error,
    summary: "documented code values belong to the response's status (catalog, echo, pattern)",
}

impl Rule for ErrorCodeStatus {
    rule_meta!(ErrorCodeStatus);

    fn check_error_body(&mut self, cx: &mut Context<'_, '_>, body: &ErrorBody<'_>) {
        let (api, model, contract) = (cx.api, cx.model, cx.contract);
        let code = &body.analysis.code;
        let (Some(field), Some(path)) = (code.field(), code.location()) else {
            return;
        };
        if matches!(code, Code::WrongType { .. }) {
            return; // error-code-present says so
        }
        let uses = body.error_uses;
        if uses.is_empty() {
            return;
        }
        // The values the schema documents hold for every use; examples belong to one use.
        let closed = field.constraints.values.is_some();
        let values = body.analysis.documented_codes(api);
        if contract.code_closed && !closed {
            cx.report(
                Report::new(
                    field.key,
                    format!("error code `{path}` is not a closed set"),
                )
                .help("list its values with `enum` (or `const`), as the contract requires")
                .for_uses(uses.iter().copied()),
            );
        }
        for &u in uses {
            let Some(response) = model.response(u) else {
                continue;
            };
            let status = match response.status {
                StatusKey::Code(c) => Some(c),
                _ => None,
            };
            let examples = model.media(u).map_or(&[][..], |m| m.examples.as_slice());
            let in_examples = body.analysis.codes_in(api, examples);
            for value in values.iter().copied().chain(in_examples) {
                if let Some((message, help)) = judge(api, contract, value, status) {
                    cx.report(
                        Report::new(value, message)
                            .label(format!("on the {} response", response.status_text))
                            .help(help)
                            .for_uses([u]),
                    );
                }
            }
        }
    }
}

/// What is wrong with one documented code value, if anything: (message, help).
fn judge(
    api: &Api<'_>,
    contract: &crate::contract::Contract,
    value: NodeRef,
    status: Option<u16>,
) -> Option<(String, String)> {
    let text = api.scalar(value)?;
    if let (Some(pattern), Kind::String) = (&contract.code_pattern, api.kind(value)) {
        if !pattern.is_match(text) {
            return Some((
                format!(
                    "code `{text}` does not match the contract's pattern `{}`",
                    pattern.as_str()
                ),
                "rename the code to the contract's form".into(),
            ));
        }
    }
    match (&contract.catalog, status) {
        (Catalog::Codes(catalog), _) => match catalog.get(text) {
            None => {
                let known: Vec<&str> = catalog.keys().map(String::as_str).collect();
                Some((
                    format!("code `{text}` is not in the contract's code catalog"),
                    format!("the catalog has {}", known.join(", ")),
                ))
            }
            Some(expected)
                if !expected.is_empty() && status.is_some_and(|s| !expected.contains(&s)) =>
            {
                let owners: Vec<String> = expected.iter().map(u16::to_string).collect();
                let owners = owners.join(" or ");
                Some((
                    format!(
                        "code `{text}` belongs to {owners}, not to this {} response",
                        status.unwrap_or(0)
                    ),
                    format!("return `{text}` only from {owners}, or use this status's code"),
                ))
            }
            Some(_) => None,
        },
        (Catalog::EchoStatus, Some(s)) if text != s.to_string() => Some((
            format!("code `{text}` on a {s} response: this contract's code echoes the HTTP status"),
            format!("the code of a {s} response is {s}"),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::Tester;

    const RULE: &str = "error-code-status";

    #[test]
    fn catalog_codes_belong_to_their_status() {
        Tester::new(RULE)
            .profile("botect")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '402':
                          description: x
                          content:
                            application/json:
                              schema:
                                required: [code]
                                properties: {code: {type: string, enum: [NO_ACTIVE_SUBSCRIPTION, UNAUTHENTICATED, NOPE, bad-form]}}
            "#,
                &[
                    (12, "code `UNAUTHENTICATED` belongs to 401, not to this 402 response"),
                    (12, "code `NOPE` is not in the contract's code catalog"),
                    (12, "code `bad-form` does not match the contract's pattern `^[A-Z][A-Z0-9_]*$`"),
                ],
            )
            .run();
    }

    #[test]
    fn echoed_codes_equal_the_status() {
        Tester::new(RULE)
            .profile("chatness")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '404':
                          description: x
                          content:
                            application/json:
                              schema:
                                required: [error]
                                properties: {error: {required: [code], properties: {code: {type: integer}}}}
                              example: {error: {code: 400, message: nope}}
            "#,
                &[(13, "code `400` on a 404 response: this contract's code echoes the HTTP status")],
            )
            .run();
    }
}
