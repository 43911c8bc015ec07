//! What the error rules need to know about an error body schema, computed once per schema
//! (however many responses use it) and shared by every rule.

use crate::document::NodeRef;
use crate::openapi::Api;
use crate::openapi::schema::{Field, FieldPath, Types};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

/// Where a stable machine-readable code may live, in order of preference.
pub const CODE_LOCATIONS: &[&str] = &["code", "error.code", "error_code", "errors[].code"];
/// RFC 9457: in `application/problem+json`, the `type` URI is the stable code.
pub const PROBLEM_CODE_LOCATION: &str = "type";
/// Body fields that tell a client when to retry.
pub const RETRY_FIELDS: &[&str] = &[
    "retry_after",
    "retryAfter",
    "error.retry_after",
    "error.retryAfter",
];

static CODE_PATHS: LazyLock<Vec<FieldPath>> =
    LazyLock::new(|| CODE_LOCATIONS.iter().map(|p| FieldPath::parse(p)).collect());
static PROBLEM_PATHS: LazyLock<Vec<FieldPath>> = LazyLock::new(|| {
    std::iter::once(PROBLEM_CODE_LOCATION)
        .chain(CODE_LOCATIONS.iter().copied())
        .map(FieldPath::parse)
        .collect()
});
static RETRY_PATHS: LazyLock<Vec<FieldPath>> =
    LazyLock::new(|| RETRY_FIELDS.iter().map(|p| FieldPath::parse(p)).collect());

/// What the body says about its machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// Required and string-typed at `path`.
    Stable { path: &'static str, field: Field },
    /// Declared but optional.
    Optional { path: &'static str, field: Field },
    /// Declared (required or not) with a non-string type.
    NotString {
        path: &'static str,
        field: Field,
        types: Types,
    },
    /// None of the locations is declared.
    Missing,
}

impl Code {
    /// The code location the body uses, whether or not it is stable.
    pub fn location(&self) -> Option<&'static str> {
        match self {
            Code::Stable { path, .. }
            | Code::Optional { path, .. }
            | Code::NotString { path, .. } => Some(path),
            Code::Missing => None,
        }
    }
}

/// Facts about one error body schema.
#[derive(Debug)]
pub struct ErrorBody {
    pub code: Code,
    /// The first retry field the body declares (`retry_after`, `retryAfter`, …).
    pub retry_field: Option<(&'static str, Field)>,
}

/// The cache: one entry per schema (and per media kind, as problem+json reads `type`).
#[derive(Default)]
pub struct BodyFacts {
    cache: HashMap<(NodeRef, bool), Rc<ErrorBody>>,
}

impl BodyFacts {
    pub fn get(&mut self, api: &Api<'_>, schema: NodeRef, problem_json: bool) -> Rc<ErrorBody> {
        self.cache
            .entry((schema, problem_json))
            .or_insert_with(|| Rc::new(analyse(api, schema, problem_json)))
            .clone()
    }
}

fn analyse(api: &Api<'_>, schema: NodeRef, problem_json: bool) -> ErrorBody {
    let paths: &[FieldPath] = if problem_json {
        &PROBLEM_PATHS
    } else {
        &CODE_PATHS
    };
    let mut first_declared: Option<Code> = None;
    let mut code = Code::Missing;
    for path in paths {
        let Some(field) = api.field(schema, path) else {
            continue;
        };
        let name = static_name(&path.text);
        let types = field.schema.map(|s| api.types(s)).unwrap_or_default();
        let verdict = if !types.is_string() && !types.is_empty() {
            Code::NotString {
                path: name,
                field,
                types,
            }
        } else if !field.required {
            Code::Optional { path: name, field }
        } else if types.is_empty() {
            Code::NotString {
                path: name,
                field,
                types,
            }
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
    let retry_field = RETRY_PATHS
        .iter()
        .find_map(|p| api.field(schema, p).map(|f| (static_name(&p.text), f)));
    ErrorBody { code, retry_field }
}

/// The `'static` spelling of a known location, so facts can be shared without allocation.
fn static_name(text: &str) -> &'static str {
    std::iter::once(PROBLEM_CODE_LOCATION)
        .chain(CODE_LOCATIONS.iter().copied())
        .chain(RETRY_FIELDS.iter().copied())
        .find(|p| *p == text)
        .unwrap_or("code")
}

/// Finds a retry field in a literal example value: at the top level or inside `error`.
pub fn example_retry_key(api: &Api<'_>, example: NodeRef) -> Option<NodeRef> {
    let direct = |map: NodeRef| {
        ["retry_after", "retryAfter"]
            .iter()
            .find_map(|name| api.tree(map).get_entry(map.node, name))
            .map(|(k, _)| NodeRef {
                file: map.file,
                node: k,
            })
    };
    direct(example).or_else(|| api.get(example, "error").and_then(direct))
}
