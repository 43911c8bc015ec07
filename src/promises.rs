//! What a document promises about errors, per operation: the error statuses it documents, the
//! codes each can return, where the code lives, the fields error bodies require, retry hints,
//! rate limiting, and the traits that call for statuses. `errlint diff` compares two of these;
//! `errlint contract` sums one up.

use crate::contract::Contract;
use crate::document::NodeRef;
use crate::error_body::BodyAnalysis;
use crate::openapi::schema::{FieldPath, Lookup, Types};
use crate::openapi::{Api, Model, Operation, Response, StatusKey};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What one document promises about its errors, by operation.
pub struct ErrorPromises {
    /// By operation key (`GET /users/{}`: parameter names do not matter).
    pub operations: BTreeMap<String, OperationPromises>,
    /// `info.version`, as written, and its node.
    pub version: Option<(String, NodeRef)>,
}

pub struct OperationPromises {
    /// `GET /users/{id}`, as this document writes it.
    pub name: Arc<str>,
    /// Where a change about the whole operation is shown: its `responses` key.
    pub at: NodeRef,
    /// Error statuses (4xx, 5xx, ranges, `default`), in document order.
    pub statuses: Vec<StatusPromises>,
    /// The 429 response or the `x-rate-limited: true` that makes it rate-limited.
    pub rate_limited: Option<NodeRef>,
    /// It requires credentials.
    pub authenticated: bool,
    /// Its path has a parameter.
    pub path_parameter: bool,
    /// It takes a body or a required parameter.
    pub input: bool,
}

pub struct StatusPromises {
    pub status: StatusKey,
    pub text: String,
    /// The status key.
    pub key: NodeRef,
    /// Each documented code value (`enum`, `const`, examples), first place each.
    pub codes: Vec<(String, NodeRef)>,
    /// Codes only examples send, in bodies whose schema declares no code: found at the
    /// first of the contract's code locations an example has. Documented all the same.
    pub example_codes: Vec<(String, NodeRef)>,
    /// Each media type the response documents, with its key (the status key in 2.0).
    pub media_types: Vec<(String, NodeRef)>,
    /// Each JSON body's shape (the first is the one compared across versions).
    pub bodies: Vec<Arc<BodyShape>>,
    /// A `Retry-After` header or a retry field.
    pub retry: Option<RetryHint>,
}

/// Where a response says when to retry.
pub struct RetryHint {
    /// The header's key or the field's key.
    pub at: NodeRef,
    /// The header's name, or the field's path.
    pub name: String,
    pub header: bool,
    /// A header, or a field the body requires: what `retry-after-scope` judges.
    pub required: bool,
}

pub struct BodyField {
    pub name: String,
    /// `string`, `integer or null`, `untyped`.
    pub types: String,
    /// The same, as a set: a change to a subset narrows, which clients read as before.
    pub type_set: Types,
    pub required: bool,
    pub key: NodeRef,
    /// When it is optional: the declaration that makes it so (in a `oneOf`, the branch
    /// that does not require it).
    pub optional_at: Option<NodeRef>,
}

/// What one body schema says about the code and the fields.
pub struct BodyShape {
    pub schema: NodeRef,
    /// Where the code lives (`error.code`), its type, and its key.
    pub code: Option<(String, String, NodeRef)>,
    /// The types the code may have.
    pub code_types: Types,
    /// The code is required at every step of its path.
    pub code_required: bool,
    /// The top-level fields besides the code.
    pub fields: Vec<BodyField>,
    /// No code in every branch: a `oneOf`/`anyOf` branch without one while others have it.
    pub code_lacking: Option<NodeRef>,
    /// Fields some `oneOf`/`anyOf` branches declare, with a branch that does not.
    pub in_some_branches: Vec<(String, NodeRef)>,
    /// The schema is a choice (`oneOf`, `anyOf`): a field may be required in some branches
    /// only.
    pub branched: bool,
}

impl StatusPromises {
    /// The first body's schema, for changes about a field that is gone.
    pub fn body(&self) -> Option<NodeRef> {
        self.bodies.first().map(|b| b.schema)
    }

    /// Where the first body's code lives, its type and its key.
    pub fn code_field(&self) -> Option<&(String, String, NodeRef)> {
        self.bodies.first().and_then(|b| b.code.as_ref())
    }

    /// The first body's top-level fields besides the code.
    pub fn fields(&self) -> &[BodyField] {
        self.bodies.first().map_or(&[], |b| b.fields.as_slice())
    }

    /// Every code documented on the status: declared ones, then those only examples send.
    pub fn all_codes(&self) -> impl Iterator<Item = &(String, NodeRef)> {
        self.codes.iter().chain(&self.example_codes)
    }

    pub fn field(&self, name: &str) -> Option<&BodyField> {
        self.fields().iter().find(|f| f.name == name)
    }
}

impl OperationPromises {
    pub fn status(&self, status: StatusKey) -> Option<&StatusPromises> {
        self.statuses.iter().find(|s| s.status == status)
    }

    /// True when a range or `default` of this operation stands for `status`.
    pub fn covers(&self, status: StatusKey) -> bool {
        self.statuses.iter().any(|s| match (s.status, status) {
            (StatusKey::Default, _) => true,
            (StatusKey::Range(r), StatusKey::Code(c)) => u16::from(r) == c / 100,
            _ => false,
        })
    }

    /// Every code the operation documents, with its first status and place.
    pub fn codes(&self) -> BTreeMap<&str, (&StatusPromises, NodeRef)> {
        let mut out = BTreeMap::new();
        for status in &self.statuses {
            for (code, at) in status.all_codes() {
                out.entry(code.as_str()).or_insert((status, *at));
            }
        }
        out
    }
}

impl ErrorPromises {
    pub fn of(api: &Api<'_>, model: &Model<'_>, contract: &Contract) -> Self {
        let bodies: Vec<BodyAnalysis> = model
            .bodies
            .iter()
            .map(|b| BodyAnalysis::of(api, contract, b.schema, b.problem_json, true))
            .collect();
        let shapes: Vec<Arc<BodyShape>> = model
            .bodies
            .iter()
            .zip(&bodies)
            .map(|(b, facts)| Arc::new(body_shape(api, b.schema, facts)))
            .collect();
        let mut operations = BTreeMap::new();
        for op in &model.operations {
            if op.webhook {
                continue;
            }
            let statuses = op
                .responses
                .iter()
                .filter(|r| r.status.is_error())
                .map(|r| status_facts(api, contract, (&bodies, &shapes), r))
                .collect();
            let declared = api
                .inherited_flag(op, &contract.rate_limit_extension)
                .filter(|(limited, _)| *limited)
                .map(|(_, at)| at);
            let rate_limited = op
                .responses
                .iter()
                .find(|r| r.status == StatusKey::Code(429))
                .map(|r| r.key)
                .or(declared);
            operations.insert(
                operation_key(op),
                OperationPromises {
                    name: op.name(),
                    at: op.responses_key.unwrap_or(op.method_key),
                    statuses,
                    rate_limited,
                    authenticated: op.auth == crate::openapi::Auth::Required,
                    path_parameter: !op.path_params.is_empty(),
                    input: op.has_body || !op.required_params.is_empty(),
                },
            );
        }
        let version = api
            .get(api.root, "info")
            .and_then(|info| api.get(info, "version"))
            .and_then(|v| Some((api.scalar(v)?.to_string(), v)));
        ErrorPromises {
            operations,
            version,
        }
    }
}

/// `GET /users/{}`: operations match by method and path template, whatever their parameters
/// are called.
pub(crate) fn operation_key(op: &Operation<'_>) -> String {
    let mut path = String::with_capacity(op.path.len());
    let mut in_parameter = false;
    for c in op.path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                path.push('{');
            }
            '}' => {
                in_parameter = false;
                path.push('}');
            }
            _ if in_parameter => {}
            _ => path.push(c),
        }
    }
    // The method as reports show it: `PURGE` for an additional operation, not its kind.
    let name = op.name();
    let method = name.split(' ').next().unwrap_or("");
    format!("{method} {path}")
}

/// What makes two bodies one shape: each field's path, type and whether its object requires
/// it (in path order, whatever order the document writes them in), and where the code is. A
/// document that writes one body inline under every response has one shape, not hundreds.
pub type BodyStructure = (Vec<(String, String, bool)>, Option<String>);

pub fn body_structure(api: &Api<'_>, shape: &BodyShape) -> BodyStructure {
    let mut fields: Vec<(String, String, bool)> = api
        .field_tree(shape.schema)
        .into_iter()
        .map(|f| {
            (
                f.path,
                f.field.constraints.types.describe(),
                f.required_in_parent,
            )
        })
        .collect();
    fields.sort();
    (fields, shape.code.as_ref().map(|(path, _, _)| path.clone()))
}

/// What tells two body schemas apart when bodies are counted: the schema as written, without
/// the prose and samples that do not change what a body is (`description`, `title`,
/// `example`, `examples`). Identical inline copies are one body; two schemas that list
/// different codes are two.
pub fn body_identity(api: &Api<'_>, shape: &BodyShape) -> String {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for prose in ["description", "title", "example", "examples"] {
                    map.remove(prose);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = api.tree(shape.schema).to_json(shape.schema.node);
    strip(&mut value);
    value.to_string()
}

/// What one body schema says, worked out once however many responses use it.
fn body_shape(api: &Api<'_>, schema: NodeRef, body: &BodyAnalysis) -> BodyShape {
    let code = body
        .code
        .field()
        .zip(body.code.location())
        .map(|(field, path)| {
            (
                path.to_string(),
                described_types(api, &field.constraints),
                field.key,
            )
        });
    let code_name = body.code.location().unwrap_or("");
    let mut fields = Vec::new();
    let mut in_some_branches = Vec::new();
    for (name, key) in api.property_keys(schema) {
        if name == code_name {
            continue;
        }
        match api.field(schema, &FieldPath::parse(&name)) {
            Lookup::Found(field) => fields.push(BodyField {
                types: described_types(api, &field.constraints),
                type_set: value_types(api, &field.constraints),
                required: field.required(),
                optional_at: field.optional.as_ref().map(|step| step.key),
                name,
                key,
            }),
            Lookup::Absent {
                lacking: Some(branch),
                ..
            } => in_some_branches.push((name, branch)),
            Lookup::Absent { .. } => {}
        }
    }
    let resolved = api.schema_node(schema).unwrap_or(schema);
    BodyShape {
        branched: ["oneOf", "anyOf"]
            .iter()
            .any(|keyword| api.get(resolved, keyword).is_some()),
        schema,
        code_required: body.code.field().is_some_and(|f| f.required()),
        code_types: body
            .code
            .field()
            .map_or(Types::ANY, |f| value_types(api, &f.constraints)),
        code,
        code_lacking: match &body.code {
            crate::error_body::Code::Missing { lacking, .. } => *lacking,
            _ => None,
        },
        fields,
        in_some_branches,
    }
}

/// The codes each declaration of the code lists, when together they leave it open: a
/// `oneOf` branch still documents its codes though another branch takes any string.
fn branch_codes(api: &Api<'_>, body: &BodyAnalysis) -> Vec<NodeRef> {
    let Some(field) = body.code.field() else {
        return Vec::new();
    };
    if field.constraints.values.is_some() {
        return Vec::new();
    }
    let listed = |schema: &NodeRef| -> Vec<NodeRef> {
        let listed = api
            .get(*schema, "enum")
            .map(|l| api.items(l).collect::<Vec<_>>());
        let constant = api.get(*schema, "const");
        listed
            .unwrap_or_default()
            .into_iter()
            .chain(constant)
            .collect()
    };
    field.constraints.schemas.iter().flat_map(listed).collect()
}

/// The codes of the `oneOf`/`anyOf` branches that have a code, when another branch has none:
/// those branches still document theirs.
fn codes_of_branches(
    api: &Api<'_>,
    contract: &Contract,
    shape: &BodyShape,
    problem_json: bool,
) -> Vec<NodeRef> {
    if shape.code_lacking.is_none() {
        return Vec::new();
    }
    let resolved = api.schema_node(shape.schema).unwrap_or(shape.schema);
    let branches = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|keyword| api.get(resolved, keyword))
        .flat_map(|list| api.items(list));
    let locations = crate::error_body::code_locations(contract, problem_json);
    branches
        .flat_map(|branch| {
            let field = locations
                .iter()
                .find_map(|path| api.field(branch, path).found());
            field.map_or_else(Vec::new, |f| {
                let mut values = f.constraints.values.clone().unwrap_or_default();
                values.extend(&f.constraints.examples);
                values
            })
        })
        .collect()
}

/// The types a field's value may have, as reports name them.
fn described_types(api: &Api<'_>, facts: &crate::openapi::schema::Constraints) -> String {
    value_types(api, facts).describe()
}

/// The types a field's value may have. 3.0's `nullable: true` counts even beside an `enum`
/// that does not list null: clients of such a schema are told to expect null.
fn value_types(api: &Api<'_>, facts: &crate::openapi::schema::Constraints) -> Types {
    let nullable = facts
        .schemas
        .iter()
        .any(|s| api.get(*s, "nullable").and_then(|v| api.as_bool(v)) == Some(true));
    match nullable && !facts.types.is_any() {
        true => facts.types.union(Types::NULL),
        false => facts.types,
    }
}

fn status_facts(
    api: &Api<'_>,
    contract: &Contract,
    (bodies, shapes): (&[BodyAnalysis], &[Arc<BodyShape>]),
    response: &Response<'_>,
) -> StatusPromises {
    let mut facts = StatusPromises {
        status: response.status,
        text: response.status_text.to_string(),
        key: response.key,
        codes: Vec::new(),
        example_codes: Vec::new(),
        media_types: response
            .media
            .iter()
            .map(|m| (m.name.to_string(), m.key.unwrap_or(response.key)))
            .collect(),
        bodies: Vec::new(),
        retry: contract.retry_header(response).map(|h| RetryHint {
            at: h.key,
            name: h.name.to_string(),
            header: true,
            required: true,
        }),
    };
    for media in &response.media {
        let Some(body) = media.body else { continue };
        let index = body.0 as usize;
        let body_facts = &bodies[index];
        if !facts.bodies.iter().any(|b| Arc::ptr_eq(b, &shapes[index])) {
            facts.bodies.push(shapes[index].clone());
        }
        if facts.retry.is_none() {
            facts.retry = body_facts.retry_field.as_ref().map(|(path, f)| RetryHint {
                at: f.key,
                name: path.clone(),
                header: false,
                required: f.required(),
            });
        }
        let values: Vec<NodeRef> = body_facts
            .documented_codes(api)
            .into_iter()
            .chain(branch_codes(api, body_facts))
            .chain(codes_of_branches(
                api,
                contract,
                &shapes[index],
                media.is_problem_json(),
            ))
            .chain(body_facts.codes_in(api, &media.examples))
            .collect();
        // An integer `code` that only ever holds HTTP statuses, where the contract's codes
        // are strings, repeats the status line: it is no error code.
        if echoes_status(api, (contract, response.status), body_facts, &values) {
            continue;
        }
        for value in values {
            if let Some(text) = api.scalar(value) {
                if !facts.codes.iter().any(|(c, _)| c == text) {
                    facts.codes.push((text.to_string(), value));
                }
            }
        }
        if body_facts.code.location().is_none() {
            let examples = media.examples.iter().chain(&body_facts.examples);
            let problem_json = media.is_problem_json();
            for value in codes_in_examples(api, contract, problem_json, examples) {
                let known = facts.codes.iter().chain(&facts.example_codes);
                if let Some(text) = api.scalar(value) {
                    if !known.clone().any(|(c, _)| c == text) {
                        facts.example_codes.push((text.to_string(), value));
                    }
                }
            }
        }
    }
    for value in extension_codes(api, contract, response) {
        if let Some(text) = api.scalar(value) {
            if !facts.codes.iter().any(|(c, _)| c == text) {
                facts.codes.push((text.to_string(), value));
            }
        }
    }
    facts
}

/// The codes a Response Object lists in the contract's code extensions: the keys of each
/// member (eBay's `x-response-codes: {errors: {'35020': {…}}}`), or the items of a list.
fn extension_codes(api: &Api<'_>, contract: &Contract, response: &Response<'_>) -> Vec<NodeRef> {
    let Some(node) = response.node else {
        return Vec::new();
    };
    let mut codes = Vec::new();
    for extension in &contract.code_extensions {
        let Some(listed) = api.get(node, extension) else {
            continue;
        };
        if api.is_mapping(listed) {
            for (_, member) in api.entries(listed) {
                codes.extend(api.entries(member).map(|(key, _)| key));
            }
        } else {
            codes.extend(api.items(listed).filter(|item| api.scalar(*item).is_some()));
        }
    }
    codes
}

/// The body's code is an integer, where the contract's codes are strings, and every value
/// documented for it on this response is the response's own status (`404` on the 404, a 4xx
/// on `4XX`, a 4xx or 5xx on `default`).
fn echoes_status(
    api: &Api<'_>,
    (contract, status): (&Contract, StatusKey),
    body: &BodyAnalysis,
    values: &[NodeRef],
) -> bool {
    let integer = matches!(&body.code, crate::error_body::Code::WrongType { field, .. }
        if field.constraints.types.is_integer());
    let echoes = |value: &NodeRef| {
        let number = api.scalar(*value).and_then(|text| text.parse::<u16>().ok());
        number.is_some_and(|n| match status {
            StatusKey::Code(code) => n == code,
            StatusKey::Range(range) => n / 100 == u16::from(range),
            StatusKey::Default => (400..=599).contains(&n),
            StatusKey::Invalid => false,
        })
    };
    contract.code_type == crate::contract::CodeType::String
        && integer
        && !values.is_empty()
        && values.iter().all(echoes)
}

/// The code values of examples, each read at the first of the contract's code locations it
/// has: for a body whose schema declares no code.
fn codes_in_examples<'e>(
    api: &Api<'_>,
    contract: &Contract,
    problem_json: bool,
    examples: impl Iterator<Item = &'e NodeRef>,
) -> Vec<NodeRef> {
    let locations = crate::error_body::code_locations(contract, problem_json);
    examples
        .flat_map(|example| {
            locations
                .iter()
                .map(|path| crate::error_body::values_at(api, *example, &path.segments))
                .find(|values| !values.is_empty())
                .unwrap_or_default()
        })
        .collect()
}
