//! What the error rules need to know about a body schema, worked out once per distinct body
//! (however many responses use it) and shared by every rule. Where to look comes from the
//! contract (`envelope.code`, `retry.fields`).

use crate::config::{CodeType, Contract};
use crate::document::NodeRef;
use crate::openapi::schema::{Field, Types};
use crate::openapi::{Api, Model, StatusKey, Use};

/// What the body says about its machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// Required, with the contract's type, at `path`.
    Stable { path: String, field: Field },
    /// Declared but optional.
    Optional { path: String, field: Field },
    /// Declared (required or not) with another type than the contract's.
    WrongType {
        path: String,
        field: Field,
        types: Types,
    },
    /// None of the locations is declared.
    Missing,
}

impl Code {
    /// The code location the body uses, whether or not it is stable.
    pub fn location(&self) -> Option<&str> {
        match self {
            Code::Stable { path, .. }
            | Code::Optional { path, .. }
            | Code::WrongType { path, .. } => Some(path),
            Code::Missing => None,
        }
    }

    pub fn field(&self) -> Option<&Field> {
        match self {
            Code::Stable { field, .. }
            | Code::Optional { field, .. }
            | Code::WrongType { field, .. } => Some(field),
            Code::Missing => None,
        }
    }
}

/// Facts about one body schema.
#[derive(Debug)]
pub struct BodyFacts {
    pub code: Code,
    /// The first retry field the body declares (`retry_after`, `retryAfter`, …).
    pub retry_field: Option<(String, Field)>,
}

impl BodyFacts {
    pub fn of(api: &Api<'_>, contract: &Contract, schema: NodeRef, problem_json: bool) -> Self {
        analyse(api, contract, schema, problem_json)
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
    pub facts: &'a BodyFacts,
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
pub fn code_locations(
    contract: &Contract,
    problem_json: bool,
) -> Vec<&crate::openapi::schema::FieldPath> {
    let problem = problem_json.then_some(&contract.problem_code_path);
    problem
        .into_iter()
        .chain(contract.code_paths.iter())
        .collect()
}

fn has_expected_type(contract: &Contract, types: Types) -> bool {
    match contract.code_type {
        CodeType::String => types.is_string(),
        CodeType::Integer => types.is_numeric(),
    }
}

fn analyse(api: &Api<'_>, contract: &Contract, schema: NodeRef, problem_json: bool) -> BodyFacts {
    let mut first_declared: Option<Code> = None;
    let mut code = Code::Missing;
    for path in code_locations(contract, problem_json) {
        let Some(field) = api.field(schema, path) else {
            continue;
        };
        let name = path.text.clone();
        let types = field.schema.map(|s| api.types(s)).unwrap_or_default();
        // In problem+json the `type` member is always a string, whatever the contract says.
        let expected = if problem_json && path == &contract.problem_code_path {
            types.is_string()
        } else {
            has_expected_type(contract, types)
        };
        let verdict = if !expected {
            Code::WrongType {
                path: name,
                field,
                types,
            }
        } else if !field.required {
            Code::Optional { path: name, field }
        } else {
            Code::Stable { path: name, field }
        };
        if matches!(verdict, Code::Stable { .. }) {
            code = verdict;
            break;
        }
        first_declared.get_or_insert(verdict);
    }
    if code == Code::Missing {
        code = first_declared.unwrap_or(Code::Missing);
    }
    let retry_field = contract
        .retry_fields
        .iter()
        .find_map(|p| api.field(schema, p).map(|f| (p.text.clone(), f)));
    BodyFacts { code, retry_field }
}

/// Finds a retry field in a literal example value: the contract's retry fields, by their last
/// segment, at the top level or inside `error`.
pub fn example_retry_key(api: &Api<'_>, contract: &Contract, example: NodeRef) -> Option<NodeRef> {
    let names: Vec<&str> = contract
        .retry_fields
        .iter()
        .filter_map(|p| p.segments.last().map(|s| s.name.as_str()))
        .collect();
    let direct = |map: NodeRef| {
        names
            .iter()
            .find_map(|name| api.tree(map).get_entry(map.node, name))
            .map(|(k, _)| NodeRef {
                file: map.file,
                node: k,
            })
    };
    direct(example).or_else(|| api.get(example, "error").and_then(direct))
}
