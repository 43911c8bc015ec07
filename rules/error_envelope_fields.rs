//! `error-envelope-fields`: error bodies require the fields the contract names, typed as it says.

use crate::error_body::ErrorBody;
use super::Rule;
use crate::contract::Contract;
use crate::document::NodeRef;
use crate::engine::{Context, Report};
use crate::openapi::schema::{Lookup, Types};
use crate::openapi::Api;

declare_rule! {
    /// ## What it checks
    /// Every JSON error body requires each field the profile lists in `envelope.fields`, with
    /// the type it gives there (`any` skips the type). With `envelope.additional: forbid`, a
    /// top-level property that the contract does not name (as a field, an optional field, or
    /// the code) is a finding too. Fields are found through `$ref`, `allOf` and every branch
    /// of `oneOf`/`anyOf`. The code field itself is left to `error-code-present`. The `default` profile names no fields, so this rule is quiet there.
    ///
    /// ## Why
    /// The contract is what clients were promised: Botect promises `error`, `message` and
    /// `code` on every error. A schema that drops `message`, types it as an object, or grows
    /// undocumented fields breaks that promise for every client that parses it.
    ///
    /// ## Bad
    /// Botect's contract: `error`, `message` and `code` are required strings, and nothing else.
    /// ```yaml
    /// # errlint: --profile botect
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /account:
    ///     get:
    ///       responses:
    ///         '401':
    ///           description: Unauthenticated
    ///           content:
    ///             application/json:
    ///               schema: {$ref: '#/components/schemas/Error'}
    /// components:
    ///   schemas:
    ///     Error:
    ///       required: [error, code]
    ///       properties: {error: {type: string}, code: {type: string}, trace: {type: string}}
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
    ///         '401':
    ///           description: Unauthenticated
    ///           content:
    ///             application/json:
    ///               schema: {$ref: '#/components/schemas/Error'}
    /// components:
    ///   schemas:
    ///     Error:
    ///       required: [error, message, code]
    ///       properties: {error: {type: string}, message: {type: string}, code: {type: string}}
    /// ```
    pub struct ErrorEnvelopeFields;
    id: "error-envelope-fields",
    severity: Error,
    summary: "error bodies require the contract's fields with their types",
}

/// One envelope problem: the node to underline, the message and the help.
type Problem = (NodeRef, String, String);

impl Rule for ErrorEnvelopeFields {
    rule_meta!(ErrorEnvelopeFields);

    fn check_error_body(&mut self, cx: &mut Context<'_, '_>, body: &ErrorBody<'_>) {
        let uses = body.error_uses;
        if uses.is_empty() {
            return;
        }
        for (at, message, help) in judge(cx.api, cx.contract, body.schema) {
            cx.report(
                Report::new(at, message)
                    .help(help)
                    .for_uses(uses.iter().copied()),
            );
        }
    }
}

/// What is wrong with one error body schema against the contract's envelope:
/// `(node, message, help)` for each problem.
fn judge(api: &Api<'_>, contract: &Contract, schema: NodeRef) -> Vec<Problem> {
    let mut found: Vec<Problem> = Vec::new();
    let mut missing: Vec<&str> = Vec::new();
    // Each optional step on the way to required fields: its key, path, name and the fields.
    let mut optional_steps: Vec<(NodeRef, String, String, Vec<&str>)> = Vec::new();
    for (path, type_name) in &contract.fields {
        let name = &path.text;
        // The code is error-code-present's; a field under a missing one is implied.
        let under_missing = missing.iter().any(|m| name.starts_with(&format!("{m}.")));
        if contract.code_paths.contains(path) || under_missing {
            continue;
        }
        match api.field(schema, path) {
            // A part hidden behind a `$ref` that did not resolve may declare it.
            Lookup::Absent { opaque: true, .. } => {}
            Lookup::Absent { .. } => {
                missing.push(name);
                found.push((
                    api.report_node(schema),
                    format!("error body lacks `{name}`, which the contract requires"),
                    format!("add a required `{name}` property ({type_name})"),
                ));
            }
            Lookup::Found(field) => {
                let types = field.constraints.types;
                let mismatch = Types::named(type_name)
                    .is_some_and(|expected| !types.is_any() && !types.overlaps(expected));
                if mismatch {
                    found.push((
                        field.key,
                        format!(
                            "`{name}` is {}, but the contract says {type_name}",
                            types.describe()
                        ),
                        format!("declare `{name}` as `type: {type_name}`"),
                    ));
                } else if let Some(step) = &field.optional {
                    // One optional step is one cause, however many required fields it makes
                    // optional (`error` itself, `error.message`, `error.type`).
                    match optional_steps.iter_mut().find(|(key, ..)| *key == step.key) {
                        Some((.., names)) => names.push(name),
                        None => optional_steps.push((
                            step.key,
                            step.path.clone(),
                            step.name.clone(),
                            vec![name],
                        )),
                    }
                }
            }
        }
    }
    for (key, path, name, fields) in optional_steps {
        found.push((
            key,
            optional_message(&path, &fields),
            format!("list `{name}` in `required`"),
        ));
    }
    if contract.forbid_additional {
        let named: Vec<&str> = contract
            .fields
            .iter()
            .map(|(p, _)| p)
            .chain(&contract.optional)
            .chain(&contract.code_paths)
            .filter_map(|p| p.segments.first().map(|s| s.name.as_str()))
            .collect();
        for (name, key) in api.property_keys(schema) {
            if !named.contains(&name.as_str()) {
                found.push((
                    key,
                    format!("`{name}` is not part of the contract's error envelope"),
                    format!(
                        "the envelope has {}; remove `{name}` or add it to the contract",
                        named.join(", ")
                    ),
                ));
            }
        }
    }
    found
}

/// What an optional step does to the required `fields` it leads to (the step itself among
/// them or not).
fn optional_message(step: &str, fields: &[&str]) -> String {
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let below: Vec<&str> = fields.iter().copied().filter(|f| *f != step).collect();
    match (fields.contains(&step), below.as_slice()) {
        (true, []) => format!("`{step}` is optional, but the contract requires it"),
        (true, below) => format!(
            "`{step}` is optional, but the contract requires it and {}",
            quoted(below)
        ),
        (false, [one]) => format!(
            "`{one}` is optional: `{step}` is not required, but the contract requires `{one}`"
        ),
        (false, below) => format!(
            "{} are optional: `{step}` is not required, but the contract requires them",
            quoted(below)
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::{Tester, one_error_body};

    #[test]
    fn botect_envelope() {
        Tester::new("error-envelope-fields")
            .profile("botect")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '401':
                          description: x
                          content:
                            application/json:
                              schema:
                                required: [error, code]
                                properties:
                                  error: {type: string}
                                  message: {type: object}
                                  code: {type: string}
                                  trace: {type: string}
            "#,
                &[
                    (14, "`message` is object, but the contract says string"),
                    (16, "`trace` is not part of the contract's error envelope"),
                ],
            )
            .run();
    }

    #[test]
    fn one_optional_parent_is_one_finding() {
        let azure = one_error_body(
            400,
            "{properties: {error: {type: object, required: [code, message], properties: {code: {type: string}, message: {type: string}}}}}",
        );
        Tester::new("error-envelope-fields")
            .profile("azure")
            .fail(
                &azure,
                &[(10, "`error` is optional, but the contract requires it and `error.message`")],
            )
            .run();
    }

    #[test]
    fn a_later_all_of_branch_that_retypes_a_field_is_read() {
        Tester::new("error-envelope-fields")
            .profile("botect")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      responses:
                        '401':
                          description: x
                          content:
                            application/json:
                              schema:
                                allOf:
                                  - $ref: '#/components/schemas/Base'
                                  - properties: {message: {type: object}}
                components:
                  schemas:
                    Base:
                      required: [error, message, code]
                      properties: {error: {type: string}, message: {type: string}, code: {type: string}}
            "#,
                &[(13, "`message` is of no type (its declarations contradict each other), but the contract says string")],
            )
            .run();
    }
}
