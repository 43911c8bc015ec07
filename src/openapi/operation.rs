//! Operations with what the rules ask of them: effective parameters and security, request
//! body, and responses with their media types, schemas, headers and examples. The model
//! (`model.rs`) builds them.

use super::StatusKey;
use super::model::{BodyId, Use};
use crate::document::{Hop, NodeRef};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// OpenAPI 3.2's `query`.
    Query,
    /// A method from 3.2's `additionalOperations` (`PURGE`); its name is in the operation's.
    Other,
}

impl Method {
    pub fn parse(key: &str) -> Option<Self> {
        Some(match key {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            "query" => Method::Query,
            _ => return None,
        })
    }

    pub fn as_upper(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
            Method::Query => "QUERY",
            Method::Other => "OTHER",
        }
    }
}

/// Whether an operation needs credentials, from its effective `security`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No security requirement applies (none declared, or `security: []`).
    None,
    /// Some requirement applies, but one alternative is `{}`: credentials are optional.
    Optional,
    Required,
}

/// A schema as used at one place: `site` is the node written there (perhaps a `$ref`),
/// `target` the schema it resolves to.
#[derive(Debug, Clone, Copy)]
pub struct SchemaUse {
    pub site: NodeRef,
    pub target: NodeRef,
}

/// A response body media type. In 2.0 there is one per `produces` entry, sharing `schema`.
#[derive(Debug, Clone)]
pub struct Media<'d> {
    pub name: &'d str,
    /// The media type key (3.x); `None` in 2.0, where the type comes from `produces`.
    pub key: Option<NodeRef>,
    pub schema: Option<SchemaUse>,
    /// A `schema` is written, even if its `$ref` did not resolve (that is reported at load).
    pub schema_declared: bool,
    /// Literal example values: `example`, `examples.*.value` (3.x) or `examples.<type>` (2.0).
    pub examples: Vec<NodeRef>,
    /// The `$ref` to a shared Media Type Object, if it is one.
    pub hop: Option<Hop>,
    /// The interned JSON body, when this is a JSON media type with a schema.
    pub body: Option<BodyId>,
    /// This media type of this response of this operation, for reports about its parts.
    pub at: Use,
}

impl Media<'_> {
    /// A JSON media type ([`is_json_media_type`]), ignoring parameters and case.
    pub fn is_json(&self) -> bool {
        is_json_media_type(self.name)
    }

    pub fn is_problem_json(&self) -> bool {
        is_problem_json(self.name)
    }
}

pub fn is_problem_json(media_type: &str) -> bool {
    essence(media_type).eq_ignore_ascii_case("application/problem+json")
}

/// A media type without its parameters (`application/json; charset=utf-8` →
/// `application/json`).
pub fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or("").trim()
}

/// A media type whose body can be JSON: `application/json`, any `+json` type, the older
/// `text/json` and `application/x-json`, the wildcards `*/*` and `application/*`, which admit
/// JSON and whose schema describes it, and the sequential JSON types whose 3.2 `itemSchema`
/// describes each item (`application/jsonl`, `application/x-ndjson`, `application/json-seq`).
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = essence(media_type).to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/json"
            | "text/json"
            | "application/x-json"
            | "text/x-json"
            | "*/*"
            | "application/*"
            | "application/jsonl"
            | "application/x-ndjson"
            | "application/ndjson"
            | "application/json-seq"
    ) || essence.ends_with("+json")
}

#[derive(Debug, Clone)]
pub struct Header<'d> {
    pub name: &'d str,
    pub key: NodeRef,
}

#[derive(Debug, Clone)]
pub struct Response<'d> {
    pub status: StatusKey,
    /// The status key as written (`'404'`, `4XX`, `default`).
    pub status_text: &'d str,
    pub key: NodeRef,
    /// The value written under the status key (perhaps a `$ref`).
    pub site: NodeRef,
    /// The Response Object it resolves to; `None` when its `$ref` did not resolve.
    pub node: Option<NodeRef>,
    /// True when `node` was reached through a `$ref`: findings about it belong to the definition.
    pub shared: bool,
    /// The `$ref` that led to a shared Response Object.
    pub hop: Option<Hop>,
    /// This response of this operation, for reports about its parts.
    pub at: Use,
    pub media: Vec<Media<'d>>,
    pub headers: Vec<Header<'d>>,
    /// The `content` key (3.x) when present, to underline a body without JSON.
    pub content_key: Option<NodeRef>,
}

impl Response<'_> {
    /// The JSON media types that declare a schema.
    pub fn json_schemas(&self) -> impl Iterator<Item = (&Media<'_>, SchemaUse)> {
        self.media
            .iter()
            .filter(|m| m.is_json())
            .filter_map(|m| m.schema.map(|s| (m, s)))
    }

    pub fn header(&self, name: &str) -> Option<&Header<'_>> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone)]
pub struct Operation<'d> {
    /// Its place in the model's list of operations.
    pub index: u32,
    pub method: Method,
    pub path: &'d str,
    pub webhook: bool,
    pub path_item: NodeRef,
    /// The `$ref` that led to a shared Path Item.
    pub path_item_hop: Option<Hop>,
    /// The Operation Object (after `$ref`).
    pub node: NodeRef,
    pub method_key: NodeRef,
    /// The `responses` key, where missing statuses are reported.
    pub responses_key: Option<NodeRef>,
    pub responses: Vec<Response<'d>>,
    pub auth: Auth,
    /// Names of path parameters: `{id}` segments of the template and `in: path` parameters.
    pub path_params: Vec<&'d str>,
    pub has_body: bool,
    /// Required query or header parameters.
    pub required_params: Vec<&'d str>,
    pub(super) label: Arc<str>,
}

impl Operation<'_> {
    /// `GET /users/{id}`, as shown in reports; made once, shared by every report about it.
    pub fn name(&self) -> Arc<str> {
        self.label.clone()
    }
}

pub(super) fn template_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}
