//! Operations with what the rules ask of them: effective parameters and security, request
//! body, and responses with their media types, schemas, headers and examples.

use super::{Api, StatusKey, Version};
use crate::document::{Kind, NodeRef};
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
}

impl Media<'_> {
    /// `application/json` or any `+json` type, ignoring parameters and case.
    pub fn is_json(&self) -> bool {
        is_json_media_type(self.name)
    }

    pub fn is_problem_json(&self) -> bool {
        essence(self.name).eq_ignore_ascii_case("application/problem+json")
    }
}

fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or("").trim()
}

pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = essence(media_type).to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
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
    pub media: Vec<Media<'d>>,
    pub headers: Vec<Header<'d>>,
    /// The `content` key (3.x) when present, to underline a body without JSON.
    pub content_key: Option<NodeRef>,
}

impl Response<'_> {
    /// The JSON bodies with a schema of an error response (4xx, 5xx, `default`); none for
    /// other statuses and for HEAD, whose responses have no body.
    pub fn error_bodies(&self, method: Method) -> impl Iterator<Item = (&Media<'_>, SchemaUse)> {
        let applies = self.status.is_error() && method != Method::Head;
        self.json_schemas().filter(move |_| applies)
    }

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
    pub method: Method,
    pub path: &'d str,
    pub webhook: bool,
    pub path_item: NodeRef,
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
    label: Arc<str>,
}

impl Operation<'_> {
    /// `GET /users/{id}`, as shown in reports; made once, shared by every report about it.
    pub fn name(&self) -> Arc<str> {
        self.label.clone()
    }
}

impl<'d> Api<'d> {
    /// Every operation of `paths` (and 3.1 `webhooks`), in document order.
    pub fn operations(&self) -> Vec<Operation<'d>> {
        let mut out = Vec::new();
        self.visit_operations(|op| out.push(op));
        out
    }

    /// Builds each operation in turn and hands it over, so that only one is alive at a time
    /// (the engine's walk; 100,000 operations need not sit in memory together).
    pub fn visit_operations(&self, mut visit: impl FnMut(Operation<'d>)) {
        for (section, webhook) in [("paths", false), ("webhooks", true)] {
            let Some(paths) = self.get(self.root, section) else {
                continue;
            };
            let what = format!("a mapping of `{section}`");
            let Some(paths) = self.expect(paths, Kind::Mapping, &what) else {
                continue;
            };
            for (path_key, item) in self.entries(paths) {
                let Some(path) = self.scalar(path_key) else {
                    continue;
                };
                if path.starts_with("x-") {
                    continue;
                }
                let Some(item) = self.expect(item, Kind::Mapping, "a Path Item (a mapping)") else {
                    continue;
                };
                for (method_key, op) in self.entries(item) {
                    let Some(method) = self.scalar(method_key).and_then(Method::parse) else {
                        continue;
                    };
                    let Some(op) = self.expect(op, Kind::Mapping, "an Operation (a mapping)")
                    else {
                        continue;
                    };
                    visit(self.operation(path, webhook, item, method, method_key, op));
                }
            }
        }
    }

    fn operation(
        &self,
        path: &'d str,
        webhook: bool,
        path_item: NodeRef,
        method: Method,
        method_key: NodeRef,
        node: NodeRef,
    ) -> Operation<'d> {
        let params = self.effective_parameters(path_item, node);
        let mut path_params: Vec<&'d str> = template_params(path);
        let mut required_params = Vec::new();
        let mut has_body = self.get(node, "requestBody").is_some();
        for p in &params {
            let location = self.get(*p, "in").and_then(|v| self.str(v));
            let name = self.get(*p, "name").and_then(|v| self.str(v)).unwrap_or("");
            let required = self.get(*p, "required").and_then(|v| self.as_bool(v)) == Some(true);
            match location {
                Some("path") if !path_params.contains(&name) => path_params.push(name),
                Some("body" | "formData") => has_body = true,
                Some("query" | "header") if required => required_params.push(name),
                _ => {}
            }
        }
        let (responses_key, responses) = match self.tree(node).get_entry(node.node, "responses") {
            Some((k, v)) => {
                let key = NodeRef {
                    file: node.file,
                    node: k,
                };
                let value = NodeRef {
                    file: node.file,
                    node: v,
                };
                let responses = self
                    .expect(value, Kind::Mapping, "a Responses mapping")
                    .map(|r| self.responses(r, node))
                    .unwrap_or_default();
                (Some(key), responses)
            }
            None => (None, Vec::new()),
        };
        Operation {
            method,
            path,
            webhook,
            path_item,
            node,
            method_key,
            responses_key,
            responses,
            auth: self.auth(node),
            path_params,
            has_body,
            required_params,
            label: Arc::from(format!("{} {}", method.as_upper(), path)),
        }
    }

    /// Path-level parameters overridden by operation-level ones with the same name and `in`.
    fn effective_parameters(&self, path_item: NodeRef, op: NodeRef) -> Vec<NodeRef> {
        let resolved = |owner: NodeRef| -> Vec<NodeRef> {
            self.get(owner, "parameters")
                .map(|seq| {
                    self.items(seq)
                        .filter_map(|p| self.deref(p))
                        .filter(|p| self.is_mapping(*p))
                        .collect()
                })
                .unwrap_or_default()
        };
        let identity = |p: &NodeRef| {
            (
                self.get(*p, "name").and_then(|v| self.scalar(v)),
                self.get(*p, "in").and_then(|v| self.scalar(v)),
            )
        };
        let mut params = resolved(op);
        for inherited in resolved(path_item) {
            if !params.iter().any(|p| identity(p) == identity(&inherited)) {
                params.push(inherited);
            }
        }
        params
    }

    fn auth(&self, op: NodeRef) -> Auth {
        let security = self
            .get(op, "security")
            .or_else(|| self.get(self.root, "security"));
        let Some(security) = security.filter(|s| self.kind(*s) == Kind::Sequence) else {
            return Auth::None;
        };
        let alternatives: Vec<NodeRef> = self.items(security).collect();
        if alternatives.is_empty() {
            Auth::None
        } else if alternatives
            .iter()
            .any(|a| self.tree(*a).child_count(a.node) == 0)
        {
            Auth::Optional
        } else {
            Auth::Required
        }
    }

    fn responses(&self, responses: NodeRef, op: NodeRef) -> Vec<Response<'d>> {
        let produces = self.produces(op);
        self.entries(responses)
            .filter_map(|(key, site)| {
                let status_text = self.scalar(key)?;
                if status_text.starts_with("x-") {
                    return None;
                }
                let node = self.expect(site, Kind::Mapping, "a Response (a mapping)");
                let shared = node.is_some_and(|n| n != site);
                let (media, content_key) = match node {
                    Some(n) => self.media(n, &produces),
                    None => (Vec::new(), None),
                };
                let headers = node.map(|n| self.headers(n)).unwrap_or_default();
                Some(Response {
                    status: StatusKey::parse(status_text),
                    status_text,
                    key,
                    site,
                    node,
                    shared,
                    media,
                    headers,
                    content_key,
                })
            })
            .collect()
    }

    /// 2.0 only: the media types an operation produces (its own, else the document's).
    fn produces(&self, op: NodeRef) -> Vec<&'d str> {
        if self.version != Version::Swagger2 {
            return Vec::new();
        }
        let list = self
            .get(op, "produces")
            .or_else(|| self.get(self.root, "produces"));
        let types: Vec<&'d str> = list
            .map(|l| self.items(l).filter_map(|i| self.str(i)).collect())
            .unwrap_or_default();
        // Without `produces`, 2.0 tooling assumes JSON.
        if types.is_empty() {
            vec!["application/json"]
        } else {
            types
        }
    }

    fn media(&self, response: NodeRef, produces: &[&'d str]) -> (Vec<Media<'d>>, Option<NodeRef>) {
        if self.version == Version::Swagger2 {
            let schema = self.schema_use(response, "schema");
            let examples = self.get(response, "examples");
            let media = match self.get(response, "schema") {
                None => Vec::new(),
                Some(_) => produces
                    .iter()
                    .map(|name| Media {
                        name,
                        key: None,
                        schema,
                        schema_declared: true,
                        examples: examples
                            .and_then(|e| self.get(e, name))
                            .into_iter()
                            .collect(),
                    })
                    .collect(),
            };
            return (media, None);
        }
        let Some((content_key, content)) = self.tree(response).get_entry(response.node, "content")
        else {
            return (Vec::new(), None);
        };
        let content = NodeRef {
            file: response.file,
            node: content,
        };
        let media = self
            .entries(content)
            .filter_map(|(key, value)| {
                let name = self.scalar(key)?;
                let value = self.deref(value).filter(|v| self.is_mapping(*v));
                let schema = value.and_then(|v| self.schema_use(v, "schema"));
                let mut examples: Vec<NodeRef> = value
                    .and_then(|v| self.get(v, "example"))
                    .into_iter()
                    .collect();
                if let Some(named) = value.and_then(|v| self.get(v, "examples")) {
                    examples.extend(
                        self.entries(named)
                            .filter_map(|(_, e)| self.deref(e))
                            .filter_map(|e| self.get(e, "value")),
                    );
                }
                let schema_declared = value.is_some_and(|v| self.get(v, "schema").is_some());
                Some(Media {
                    name,
                    key: Some(key),
                    schema,
                    schema_declared,
                    examples,
                })
            })
            .collect();
        (
            media,
            Some(NodeRef {
                file: response.file,
                node: content_key,
            }),
        )
    }

    fn schema_use(&self, owner: NodeRef, key: &str) -> Option<SchemaUse> {
        let site = self.get(owner, key)?;
        let target = self.deref(site)?;
        Some(SchemaUse { site, target })
    }

    fn headers(&self, response: NodeRef) -> Vec<Header<'d>> {
        let Some(headers) = self.get(response, "headers") else {
            return Vec::new();
        };
        self.entries(headers)
            .filter_map(|(key, _)| {
                Some(Header {
                    name: self.scalar(key)?,
                    key,
                })
            })
            .collect()
    }

    /// The nearest boolean extension `name` on the operation, its path item, or the root.
    pub fn inherited_flag(&self, op: &Operation<'_>, name: &str) -> Option<(bool, NodeRef)> {
        [op.node, op.path_item, self.root]
            .into_iter()
            .find_map(|owner| {
                let value = self.get(owner, name)?;
                Some((self.as_bool(value)?, value))
            })
    }
}

fn template_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}
