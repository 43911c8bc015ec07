//! `error-status-coverage`: an operation documents the error statuses its traits imply.

use super::Rule;
use crate::contract::{DefaultCovers, Requirement};
use crate::engine::{Context, Report};
use crate::openapi::{Auth, Operation, StatusKey};

declare_rule! {
    /// ## What it checks
    /// Each operation documents the error statuses that what it does implies:
    /// - **401** when it requires authentication (its effective `security` has no `{}` alternative);
    /// - **404** when its path has a path parameter;
    /// - **400 or 422** when it takes a request body or required query/header parameters;
    /// - a **5xx**: `500`, `5XX`, or a `default` response with a JSON error schema.
    ///
    /// A range (`4XX`, `5XX`) covers every code in it; `default` covers only the 5xx need.
    /// The profile's `statuses.require` sets what each trait requires (and a 429 when the
    /// operation is rate-limited), `ranges_satisfy` and `default_satisfies` what counts; a
    /// config override's `forbid_statuses` waives a requirement it forbids.
    /// Webhooks are skipped: their responses are the receiver's. One finding per operation
    /// lists everything missing, at its `responses` key.
    ///
    /// ## Why
    /// Clients and generated SDKs handle what the contract documents. An endpoint that forgets
    /// its 404 leaves every client to guess what "not found" looks like.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /users/{id}:
    ///     get:
    ///       responses:
    ///         '200': {description: ok}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /users/{id}:
    ///     get:
    ///       responses:
    ///         '200': {description: ok}
    ///         '404': {description: No such user}
    ///         '5XX': {description: Server error}
    /// ```
    ///
    /// ## Configuration
    /// Each requirement is a list of statuses, any one of which satisfies it. An empty list
    /// turns one requirement off and leaves the others as the profile has them; this
    /// `errlint.yaml` asks no 404 of operations with a path parameter:
    /// ```yaml
    /// extends: default
    /// statuses:
    ///   require:
    ///     path_parameter: []
    /// ```
    /// For some operations only, an override's `forbid_statuses` waives what it forbids
    /// ([configuration](../configuration.md)).
    pub struct ErrorStatusCoverage;
    id: "error-status-coverage",
    severity: Warning,
    summary: "operations document 401/404/400-or-422/5xx as their traits imply",
}

impl Rule for ErrorStatusCoverage {
    rule_meta!(ErrorStatusCoverage);

    fn check_operation(&self, cx: &mut Context<'_, '_>, op: &Operation<'_>) {
        if op.webhook {
            return;
        }
        let contract = cx.contract;
        let default_with_schema = op
            .responses
            .iter()
            .any(|r| r.status == StatusKey::Default && r.json_schemas().next().is_some());
        let forbidden = &cx.settings(op).forbid_statuses;
        let satisfied = |requirement: &Requirement| {
            let allowed: Vec<StatusKey> = requirement
                .alternatives
                .iter()
                .copied()
                .filter(|a| !matches!(a, StatusKey::Code(c) if forbidden.contains(c)))
                .collect();
            // A requirement the config forbids entirely (no 404 on a fail-open read) is waived.
            if allowed.is_empty() {
                return true;
            }
            let by_default = default_with_schema
                && match contract.default_covers {
                    DefaultCovers::Nothing => false,
                    DefaultCovers::ServerError => allowed.iter().all(|a| a.is_server_error()),
                    DefaultCovers::Everything => true,
                };
            by_default
                || op
                    .responses
                    .iter()
                    .any(|r| allowed.iter().any(|&a| contract.satisfies(r.status, a)))
        };
        let mut traits: Vec<(&[Requirement], String)> = Vec::new();
        if op.auth == Auth::Required {
            traits.push((
                &contract.require.authenticated,
                "it requires authentication".into(),
            ));
        }
        if let Some(first) = op.path_params.first() {
            traits.push((
                &contract.require.path_parameter,
                format!("its path has parameter `{first}`"),
            ));
        }
        let input = if op.has_body {
            Some("it takes a request body".to_string())
        } else {
            op.required_params
                .first()
                .map(|p| format!("it has required parameter `{p}`"))
        };
        if let Some(reason) = input {
            traits.push((&contract.require.input, reason));
        }
        traits.push((
            &contract.require.every_operation,
            "any operation can fail on the server".into(),
        ));
        if cx.rate_limited(op).0 {
            traits.push((&contract.require.rate_limited, "it is rate-limited".into()));
        }
        let mut missing: Vec<(String, String)> = Vec::new();
        for (requirements, reason) in traits {
            for requirement in requirements {
                if !satisfied(requirement) {
                    missing.push((display(requirement), reason.clone()));
                }
            }
        }
        if missing.is_empty() {
            return;
        }
        let statuses: Vec<&str> = missing.iter().map(|(s, _)| s.as_str()).collect();
        let reasons: Vec<String> = missing
            .iter()
            .map(|(s, why)| format!("{s}: {why}"))
            .collect();
        let message = format!(
            "{} lacks error responses: {}",
            op.name(),
            statuses.join(", ")
        );
        let at = op.responses_key.unwrap_or(op.method_key);
        let mut help = format!(
            "{}; add the responses (a `4XX`/`5XX` range counts)",
            reasons.join("; ")
        );
        if default_with_schema && contract.default_covers == DefaultCovers::ServerError {
            help.push_str(
                "; `default` stands in for the 5xx need only: clients act on a 401 or a 404 differently than on a server failure, so those statuses are documented by name",
            );
        }
        let report = Report::new(at, message).help(help);
        cx.report(report);
    }
}

/// `400|422` as `400 or 422`, `5XX` as `5xx`.
fn display(requirement: &Requirement) -> String {
    requirement
        .alternatives
        .iter()
        .map(|a| match a {
            StatusKey::Range(r) => format!("{r}xx"),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, lint_one};

    const RULE: &str = "error-status-coverage";

    #[test]
    fn lists_everything_missing_in_one_finding() {
        let yaml = r#"
            openapi: 3.0.3
            security: [{key: []}]
            paths:
              /users/{id}:
                put:
                  requestBody: {content: {application/json: {schema: {}}}}
                  responses:
                    '200': {description: ok}
        "#;
        Tester::new(RULE)
            .fail(
                yaml,
                &[(7, "PUT /users/{id} lacks error responses: 401, 404, 400 or 422, 5xx")],
            )
            .run();
        let help = lint_one(RULE, yaml)[0].help.clone().unwrap_or_default();
        assert!(help.contains("404: its path has parameter `id`"), "{help}");
    }

    #[test]
    fn ranges_cover_public_operations_need_no_401_and_default_covers_5xx_only() {
        Tester::new(RULE)
            .pass(r#"
                openapi: 3.0.3
                security: [{key: []}]
                paths:
                  /users/{id}:
                    get:
                      security: []
                      responses:
                        '4XX': {description: x}
                        '5XX': {description: x}
            "#)
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a/{id}:
                    get:
                      responses:
                        default: {description: x, content: {application/json: {schema: {}}}}
                  /b:
                    get:
                      responses:
                        default: {description: x}
            "#,
                &[
                    (5, "GET /a/{id} lacks error responses: 404"),
                    (9, "GET /b lacks error responses: 5xx"),
                ],
            )
            .fail(
                r#"
                swagger: '2.0'
                security: [{key: []}, {}]
                paths:
                  /search:
                    get:
                      parameters: [{name: q, in: query, required: true, type: string}]
                      responses:
                        '500': {description: x}
            "#,
                &[(7, "GET /search lacks error responses: 400 or 422")],
            )
            .run();
    }

    #[test]
    fn credentials_are_no_input() {
        // A missing credential gives 401, not 400 (issue 11, item 10).
        Tester::new(RULE)
            .pass(r#"
                openapi: 3.0.3
                components:
                  securitySchemes:
                    key: {type: apiKey, in: header, name: X-Api-Key}
                    token: {type: apiKey, in: query, name: api_token}
                paths:
                  /a:
                    get:
                      parameters:
                        - {name: authorization, in: header, required: true, schema: {type: string}}
                        - {name: x-api-key, in: header, required: true, schema: {type: string}}
                        - {name: api_token, in: query, required: true, schema: {type: string}}
                        - {name: Api-Key, in: header, required: true, schema: {type: string}}
                        - {name: token, in: query, required: true, schema: {type: string}}
                      responses:
                        '200': {description: ok}
                        '5XX': {description: x}
            "#)
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      parameters:
                        - {name: page_token, in: query, required: true, schema: {type: string}}
                      responses:
                        '200': {description: ok}
                        '5XX': {description: x}
            "#,
                &[(7, "GET /a lacks error responses: 400 or 422")],
            )
            .run();
    }

    #[test]
    fn default_says_it_stands_in_for_5xx_only() {
        let findings = lint_one(
            RULE,
            r#"
            openapi: 3.0.3
            paths:
              /a/{id}:
                get:
                  responses:
                    '200': {description: ok}
                    default: {description: x, content: {application/json: {schema: {type: object}}}}
        "#,
        );
        assert_eq!(findings[0].message, "GET /a/{id} lacks error responses: 404");
        let help = findings[0].help.as_deref().unwrap();
        assert!(help.contains("`default` stands in for the 5xx need only"), "{help}");
    }

    /// The configuration the docs show turns off the 404 requirement and nothing else.
    #[test]
    fn the_documented_configuration_turns_one_requirement_off() {
        let docs = super::ErrorStatusCoverage::META.docs;
        let blocks = crate::engine::tester::code_blocks(docs, "## Configuration");
        let dir = std::env::temp_dir().join(format!("errlint-coverage-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("errlint.yaml");
        std::fs::write(&config, &blocks[0]).unwrap();
        let document = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /users/{id}:\n    get:\n      responses:\n        '200': {description: ok}\n";
        let options = crate::Options {
            only_rules: Some(vec!["error-status-coverage".into()]),
            config: crate::config::ConfigChoice {
                file: Some(config),
                no_discovery: true,
                profile: None,
            },
            ..crate::Options::default()
        };
        let outcome = crate::lint_text("t.yaml", document, &options);
        let messages: Vec<&str> = outcome.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, ["GET /users/{id} lacks error responses: 5xx"]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
