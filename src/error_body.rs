//! What the error rules need to know about a body schema, worked out once per distinct body
//! (however many responses use it) and shared by every rule. Where to look comes from the
//! contract (`envelope.code`, `retry.fields`).

use crate::contract::{CodeType, Contract};
use crate::document::NodeRef;
use crate::openapi::schema::{Constraints, Field, FieldPath, Lookup, Segment, Types};
use crate::openapi::{Api, Model, StatusKey, Use, fold_name};

/// What the body says about its machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// Required all the way, with the contract's type, at `path`.
    Stable { path: String, field: Field },
    /// Declared, but it or a step on its way (`errors` in `errors[].code`) is optional.
    Optional { path: String, field: Field },
    /// Declared (required or not) with another type than the contract's.
    WrongType { path: String, field: Field },
    /// None of the locations is declared. `lacking` is the `oneOf`/`anyOf` branch without it
    /// when other branches have it ([`near_miss`] names a property that looks like a code).
    Missing { lacking: Option<NodeRef> },
    /// Part of the schema could not be read (an unresolved `$ref`, reported at load): no
    /// verdict rather than a guess.
    Unknown,
    /// Not looked for: only success responses use the body, and no rule asks a success body
    /// for its code.
    NotAsked,
}

impl Code {
    /// The code location the body uses, whether or not it is stable.
    pub fn location(&self) -> Option<&str> {
        match self {
            Code::Stable { path, .. }
            | Code::Optional { path, .. }
            | Code::WrongType { path, .. } => Some(path),
            Code::Missing { .. } | Code::Unknown | Code::NotAsked => None,
        }
    }

    pub fn field(&self) -> Option<&Field> {
        match self {
            Code::Stable { field, .. }
            | Code::Optional { field, .. }
            | Code::WrongType { field, .. } => Some(field),
            Code::Missing { .. } | Code::Unknown | Code::NotAsked => None,
        }
    }
}

/// Constraints about one body schema.
#[derive(Debug)]
pub struct BodyAnalysis {
    pub code: Code,
    /// The retry field the body declares: one the contract names, else the first whose name
    /// means "retry after" (`retryAfterSec`), at the top level or inside `error`.
    pub retry_field: Option<(String, Field)>,
    /// The schema's own examples (`example`, 3.1 `examples`), through its composition.
    pub examples: Vec<NodeRef>,
}

impl BodyAnalysis {
    /// `error_body`: whether an error response uses the body. Only then is its code looked for:
    /// success bodies are most bodies (Stripe has 230 distinct ones against one error schema),
    /// and looking for a code in each would be most of the time spent on bodies.
    pub fn of(
        api: &Api<'_>,
        contract: &Contract,
        schema: NodeRef,
        problem_json: bool,
        error_body: bool,
    ) -> Self {
        // What the schema says as a whole is walked once and shared by the questions below.
        let whole = api.constraints(schema);
        let code = match error_body {
            true => code_of(api, contract, schema, problem_json),
            false => Code::NotAsked,
        };
        BodyAnalysis {
            code,
            retry_field: retry_field(api, contract, schema, &whole),
            examples: whole.examples,
        }
    }
}

impl BodyAnalysis {
    /// The code values the schema documents for every use of the body: the code's `enum` or
    /// `const`, its own examples, and the code in the body schema's examples.
    pub fn documented_codes(&self, api: &Api<'_>) -> Vec<NodeRef> {
        let Some(field) = self.code.field() else {
            return Vec::new();
        };
        let mut values: Vec<NodeRef> = field.constraints.values.clone().unwrap_or_default();
        values.extend(&field.constraints.examples);
        values.extend(self.codes_in(api, &self.examples));
        values
    }

    /// The code in literal examples (a media type's, which belong to one use).
    pub fn codes_in(&self, api: &Api<'_>, examples: &[NodeRef]) -> Vec<NodeRef> {
        let Some(path) = self.code.location() else {
            return Vec::new();
        };
        let path = FieldPath::parse(path);
        examples
            .iter()
            .flat_map(|example| values_at(api, *example, &path.segments))
            .collect()
    }
}

/// One distinct JSON body, as `check_error_body` sees it: its schema, every response that uses
/// it, the uses where it is an error body, and what its schema says.
pub struct ErrorBody<'a> {
    /// The schema the body resolves to.
    pub schema: NodeRef,
    pub problem_json: bool,
    /// Every use, error or not (a 200 that requires `retry_after` matters too).
    pub uses: &'a [Use],
    /// The uses where it is an error body; see [`error_uses`].
    pub error_uses: &'a [Use],
    pub analysis: &'a BodyAnalysis,
}

/// The uses where a body is an error body: a 4xx, 5xx or `default` response of an operation
/// other than HEAD (whose responses have no body). Worked out once per body, for every rule.
pub fn error_uses(model: &Model<'_>, uses: &[Use]) -> Vec<Use> {
    uses.iter()
        .copied()
        .filter(|u| {
            model.status(*u).is_some_and(StatusKey::is_error)
                && model.operation(*u).method != crate::openapi::Method::Head
        })
        .collect()
}

/// The places a code may live, in preference order, for a body of this kind.
pub fn code_locations(contract: &Contract, problem_json: bool) -> Vec<&FieldPath> {
    let problem = problem_json.then_some(&contract.problem_code_path);
    problem
        .into_iter()
        .chain(contract.code_paths.iter())
        .collect()
}

fn code_of(api: &Api<'_>, contract: &Contract, schema: NodeRef, problem_json: bool) -> Code {
    let mut first_declared: Option<Code> = None;
    let mut lacking: Option<NodeRef> = None;
    let mut opaque = false;
    for path in code_locations(contract, problem_json) {
        let field = match api.field(schema, path) {
            Lookup::Found(field) => field,
            Lookup::Absent {
                lacking: branch,
                opaque: hidden,
            } => {
                lacking = lacking.or(branch);
                opaque |= hidden;
                continue;
            }
        };
        let types = field.constraints.types;
        // In problem+json the `type` member is always a string, whatever the contract says.
        let of_the_type = if (problem_json && path == &contract.problem_code_path)
            || contract.code_type == CodeType::String
        {
            types.is_string()
        } else {
            types.is_numeric()
        };
        // A code that may be null (3.0 `nullable: true`, 3.1 `[string, null]`) is one a client
        // cannot switch on, however required it is.
        let expected = of_the_type && !types.contains(Types::NULL);
        // A type hidden behind a `$ref` that did not resolve is not judged.
        let unknown_type = types.is_any() && field.constraints.opaque;
        let name = path.text.clone();
        let verdict = if !expected && !unknown_type {
            Code::WrongType { path: name, field }
        } else if !field.required() {
            Code::Optional { path: name, field }
        } else {
            return Code::Stable { path: name, field };
        };
        first_declared.get_or_insert(verdict);
    }
    match first_declared {
        Some(verdict) => verdict,
        None if opaque => Code::Unknown,
        None => Code::Missing { lacking },
    }
}

/// The property that looks most like an error code under another name, by its path: one
/// whose name ends in `code` (`Code`, `errorCode`, `Errors[].ErrorCode`), then `error_type`, a
/// string `error` with code-like values (Slack's `invalid_auth`), a `type` inside an envelope
/// with a closed set or code-like values (`error.type`), an `id` with code-like values (DigitalOcean's
/// `not_found`), and last a top-level `type` with a closed set, which is often a
/// discriminator. Looked for at the top level and two levels down, through objects and the
/// items of arrays (`fault.errors[].errorCode`); on a tie the shallower, earlier one.
///
/// Worked out only when a finding asks for it (a body without a code is reported once), and
/// from each property's own declaration: a walk from the root per candidate made it a third
/// of `errlint diff`, which never asks.
pub fn near_miss(api: &Api<'_>, schema: NodeRef) -> Option<String> {
    let mut best: Option<(u8, String)> = None;
    let mut scopes: Vec<(String, Constraints)> = vec![(String::new(), api.constraints(schema))];
    for depth in 0..3 {
        let mut deeper = Vec::new();
        for (prefix, scope) in &scopes {
            for (name, key) in api.declared_keys(scope) {
                if name.contains(['.', '[', ']']) {
                    continue;
                }
                let path = format!("{prefix}{name}");
                let property = api.constraints(value_of(api, key));
                let score = code_likeness(api, &name, &property, depth > 0);
                if score > best.as_ref().map_or(0, |(b, _)| *b) {
                    best = Some((score, path.clone()));
                }
                // `status.code` is the HTTP status again, not an error code.
                let folded = fold_name(&name);
                if folded.contains("status") || folded.contains("http") {
                    continue;
                }
                if property.types.contains(Types::OBJECT) {
                    deeper.push((format!("{path}."), property));
                } else if property.types.contains(Types::ARRAY) {
                    let items = property
                        .schemas
                        .iter()
                        .find_map(|&part| api.get(part, "items"));
                    if let Some(items) = items {
                        deeper.push((format!("{path}[]."), api.constraints(items)));
                    }
                }
            }
        }
        scopes = deeper;
    }
    best.map(|(_, path)| path)
}

/// The value written under a property's `key`.
fn value_of(api: &Api<'_>, key: NodeRef) -> NodeRef {
    NodeRef {
        file: key.file,
        node: api.tree(key).value_of_key(key.node),
    }
}

/// How much a property looks like an error code, 0 for not at all (see [`near_miss`]).
fn code_likeness(api: &Api<'_>, name: &str, facts: &Constraints, nested: bool) -> u8 {
    let folded = fold_name(name);
    if folded.contains("status") || folded.contains("http") {
        return 0;
    }
    let code_like_values = || {
        let values = facts.values.iter().flatten().chain(&facts.examples);
        let mut texts = values.filter_map(|v| api.scalar(*v)).peekable();
        texts.peek().is_some() && texts.all(looks_like_a_code_value)
    };
    match folded.as_str() {
        _ if folded.ends_with("code") => 6,
        "errortype" => 5,
        "error" if facts.types.is_string() && code_like_values() => 4,
        "type" if nested && (facts.values.is_some() || code_like_values()) => 3,
        "id" if facts.types.is_string() && code_like_values() => 2,
        "type" if facts.values.is_some() => 1,
        _ => 0,
    }
}

/// `invalid_auth`, `not_found`, `RATE_LIMITED`: one word or several joined by `_`, all lower or
/// all upper case; not a sentence, a number or a URL.
fn looks_like_a_code_value(text: &str) -> bool {
    let lower = text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let upper = text
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    text.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && (lower || upper)
}

/// A property name that means "retry after", whatever its case and separators, with or
/// without a unit: `retry_after`, `retryAfterSec`, `Retry-After-Ms`, `retry_after_seconds`.
pub fn means_retry_after(name: &str) -> bool {
    let folded = fold_name(name);
    folded.strip_prefix("retryafter").is_some_and(|unit| {
        matches!(
            unit,
            "" | "s"
                | "sec"
                | "secs"
                | "second"
                | "seconds"
                | "ms"
                | "msec"
                | "millis"
                | "milliseconds"
        )
    })
}

fn retry_field(
    api: &Api<'_>,
    contract: &Contract,
    schema: NodeRef,
    whole: &Constraints,
) -> Option<(String, Field)> {
    let named = contract
        .retry_fields
        .iter()
        .find_map(|p| Some((p.text.clone(), api.field(schema, p).found()?)));
    named.or_else(|| {
        [("", None), ("error.", Some("error"))]
            .into_iter()
            .find_map(|(prefix, path)| {
                let keys = match path {
                    None => api.declared_keys(whole),
                    Some(path) => {
                        let inner = api.field(schema, &FieldPath::parse(path)).found()?;
                        api.declared_keys(&inner.constraints)
                    }
                };
                let (name, _) = keys.into_iter().find(|(name, _)| means_retry_after(name))?;
                let path = format!("{prefix}{name}");
                let field = api.field(schema, &FieldPath::parse(&path)).found()?;
                Some((path, field))
            })
    })
}

/// Finds a retry hint in a literal example value: a key the contract names as a retry field
/// (by its last segment) or one whose name means "retry after", at the top level or inside
/// `error`.
pub fn example_retry_key(api: &Api<'_>, contract: &Contract, example: NodeRef) -> Option<NodeRef> {
    let named: Vec<&str> = contract
        .retry_fields
        .iter()
        .filter_map(|p| p.segments.last().map(|s| s.name.as_str()))
        .collect();
    let direct = |map: NodeRef| {
        if !api.is_mapping(map) {
            return None;
        }
        api.entries(map).map(|(key, _)| key).find(|key| {
            api.scalar(*key)
                .is_some_and(|name| named.contains(&name) || means_retry_after(name))
        })
    };
    direct(example).or_else(|| api.get(example, "error").and_then(direct))
}

/// The nodes at a field path inside a literal example (`errors[].code` visits every item).
pub fn values_at(api: &Api<'_>, example: NodeRef, segments: &[Segment]) -> Vec<NodeRef> {
    let Some((first, rest)) = segments.split_first() else {
        return vec![example];
    };
    let Some(next) = api.get(example, &first.name) else {
        return Vec::new();
    };
    if first.each_item {
        api.items(next)
            .flat_map(|item| values_at(api, item, rest))
            .collect()
    } else {
        values_at(api, next, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::means_retry_after;

    #[test]
    fn retry_hints_are_recognised_by_meaning() {
        for name in [
            "retry_after",
            "retryAfter",
            "RetryAfter",
            "retry-after",
            "retryAfterSec",
            "retry_after_seconds",
            "retryAfterMs",
            "RETRY_AFTER",
        ] {
            assert!(means_retry_after(name), "{name}");
        }
        for name in [
            "retry",
            "retryCount",
            "after",
            "retryAfterward",
            "maxRetryAfter",
        ] {
            assert!(!means_retry_after(name), "{name}");
        }
    }
}
