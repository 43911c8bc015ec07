//! `error-status-known`: every response key is a registered status, a range, or `default`.

use super::Rule;
use crate::document::edit;
use crate::engine::{Context, Report};
use crate::openapi::{Operation, Response, StatusKey};

declare_rule! {
    /// ## What it checks
    /// Every key of a `responses` object is a status code in the IANA HTTP Status Code
    /// Registry, a range `1XX` to `5XX` (upper case, as the specification writes it), or
    /// `default`. `499`, `600`, `4xx` and the like are findings; so are the reserved `306`
    /// and `418`. With a profile that lists `statuses.documented`, a 4xx/5xx code outside that
    /// set is a finding, and so is a code a config override forbids (`forbid_statuses`).
    ///
    /// ## Why
    /// Clients, proxies and generated SDKs only know registered codes. An invented code is
    /// handled as its class at best, and a lower-case range is not a range at all to most
    /// tools: it silently documents nothing.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /uploads:
    ///     post:
    ///       responses:
    ///         '201': {description: Uploaded}
    ///         '499': {description: Client closed request}
    ///         4xx: {description: Client error}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /uploads:
    ///     post:
    ///       responses:
    ///         '201': {description: Uploaded}
    ///         '408': {description: Request timeout}
    ///         4XX: {description: Client error}
    /// ```
    ///
    /// ## Fix safety
    /// Safe: writing a range in upper case (`4xx` → `4XX`) changes only its spelling. The
    /// specification defines the range in upper case; the statuses it covers are the same.
    pub struct ErrorStatusKnown;
    id: "error-status-known",
    severity: Error,
    summary: "status keys are registered HTTP codes, `1XX`–`5XX`, or `default`",
    fix: Safe,
}

impl Rule for ErrorStatusKnown {
    rule_meta!(ErrorStatusKnown);

    fn check_response(
        &self,
        cx: &mut Context<'_, '_>,
        op: &Operation<'_>,
        response: &Response<'_>,
    ) {
        let key = response.status_text;
        let contract = cx.contract;
        let (message, help) = match response.status {
            StatusKey::Code(code) if !StatusKey::is_registered(code) => (
                format!("`{key}` is not a registered HTTP status code"),
                "use a registered code (RFC 9110 and the IANA registry), or a range such as `4XX`"
                    .to_string(),
            ),
            StatusKey::Code(code) if cx.settings(op).forbid_statuses.contains(&code) => (
                format!(
                    "`{key}` is forbidden on {} by the config (`forbid_statuses`)",
                    op.name()
                ),
                "remove the response: the contract says this operation never returns it"
                    .to_string(),
            ),
            StatusKey::Code(code @ 400..=599)
                if contract
                    .documented
                    .as_ref()
                    .is_some_and(|d| !d.contains(&code)) =>
            {
                let documented = contract.documented.as_deref().unwrap_or_default();
                let list: Vec<String> = documented.iter().map(u16::to_string).collect();
                (
                    format!("`{key}` is not one of the API's documented error statuses"),
                    format!(
                        "the `{}` contract documents {}",
                        contract.profile,
                        list.join(", ")
                    ),
                )
            }
            StatusKey::Invalid if is_lower_case_range(key) => {
                let upper = key.to_ascii_uppercase();
                let tree = cx.api.tree(response.key);
                cx.report(
                    Report::new(
                        response.key,
                        format!("`{key}` is not a status range: ranges are written in upper case"),
                    )
                    .help("write the range as `1XX`–`5XX`")
                    .fix(
                        format!("write `{upper}`"),
                        response.key.file,
                        edit::replace_scalar(tree, response.key.node, &upper),
                    ),
                );
                return;
            }
            StatusKey::Invalid => (
                format!("`{key}` is not an HTTP status code, a range (`1XX`–`5XX`) or `default`"),
                "use a three-digit registered code, a range such as `4XX`, or `default`"
                    .to_string(),
            ),
            _ => return,
        };
        cx.report(Report::new(response.key, message).help(help));
    }
}

fn is_lower_case_range(key: &str) -> bool {
    let b = key.as_bytes();
    b.len() == 3 && (b'1'..=b'5').contains(&b[0]) && b[1..].eq_ignore_ascii_case(b"xx")
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::Tester;

    #[test]
    fn flags_unregistered_codes_and_malformed_ranges() {
        Tester::new("error-status-known")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '200': {description: ok}
                        '499': {description: x}
                        4xx: {description: x}
                        '600': {description: x}
                        'ok': {description: x}
                        4XX: {description: x}
                        default: {description: x}
            "#,
                &[
                    (7, "`499` is not a registered HTTP status code"),
                    (8, "`4xx` is not a status range: ranges are written in upper case"),
                    (9, "`600` is not a registered HTTP status code"),
                    (10, "`ok` is not an HTTP status code, a range (`1XX`–`5XX`) or `default`"),
                ],
            )
            .run();
    }

    #[test]
    fn fixes_a_lower_case_range_in_its_quotes() {
        Tester::new("error-status-known")
            .fixes(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '200': {description: ok}
                        4xx: {description: x}
                        "5xx": {description: x}
            "#,
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '200': {description: ok}
                        4XX: {description: x}
                        "5XX": {description: x}
            "#,
            )
            .run();
    }
}
