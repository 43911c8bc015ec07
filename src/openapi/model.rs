//! The API model, built in one pass over `paths` and `webhooks`: every operation with its
//! effective parameters, security and responses, and every distinct JSON body schema with all
//! the places that use it, however they reach it (`#/components/…`, `#/paths/…`, another file).

use super::operation::template_params;
use super::{
    Api, Auth, Header, Media, Method, Operation, Response, SchemaUse, StatusKey, StructureError,
    Version,
};
use crate::document::{Hop, Kind, NodeRef};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The index of a distinct JSON body schema in [`Model::bodies`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BodyId(pub u32);

/// Where something is used: an operation, one of its responses, one of that response's media
/// types (indices into the model). Narrower fields are `None` for wider uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Use {
    pub operation: u32,
    pub response: Option<u32>,
    pub media: Option<u32>,
}

/// The way a use reaches what it uses: the innermost node it walked to (`anchor`: a body's
/// schema, a response, an operation) and the `$ref`s it followed to get there, innermost first.
/// Suppressions are looked up along this route, not along the definition's own ancestors.
#[derive(Debug, Clone)]
pub struct Route {
    pub anchor: NodeRef,
    pub hops: Vec<Hop>,
}

/// One JSON body schema, however many responses use it.
#[derive(Debug, Clone)]
pub struct Body {
    /// The schema it resolves to: its identity.
    pub schema: NodeRef,
    /// `application/problem+json`, whose code lives elsewhere.
    pub problem_json: bool,
    /// Every use, in document order.
    pub uses: Vec<Use>,
}

/// The document's operations and error bodies.
pub struct Model<'d> {
    pub operations: Vec<Operation<'d>>,
    pub bodies: Vec<Body>,
    /// Nodes of the wrong kind where OpenAPI expects a mapping, each once.
    pub structure_errors: Vec<StructureError>,
}

impl<'d> Model<'d> {
    pub fn build(api: &Api<'d>) -> Self {
        use rayon::prelude::*;
        let credentials = api_key_parameters(api);
        let builder = || Builder {
            api,
            structure_errors: Vec::new(),
            credentials: &credentials,
        };
        // The operations are found in document order on one thread, then each is built on
        // its own, on all threads (DigitalOcean's 659 took 13 ms on one); bodies are interned
        // after, in the order one pass met them, so every id is what one pass gives.
        let mut outline = builder();
        let (slots, errors_before) = outline.slots();
        let built: Vec<(Operation<'d>, Vec<StructureError>)> = slots
            .into_par_iter()
            .enumerate()
            .map(|(index, slot)| {
                let mut builder = builder();
                let operation = builder.operation(index as u32, slot);
                (operation, builder.structure_errors)
            })
            .collect();
        let mut outline_errors = outline.structure_errors.into_iter();
        let mut taken = 0;
        let mut errors = Vec::new();
        let mut operations = Vec::with_capacity(built.len());
        for ((operation, own_errors), before) in built.into_iter().zip(errors_before) {
            errors.extend(outline_errors.by_ref().take(before - taken));
            taken = before;
            errors.extend(own_errors);
            operations.push(operation);
        }
        errors.extend(outline_errors);
        errors.sort_by_key(|e| e.at);
        errors.dedup_by(|a, b| a.at == b.at && a.message == b.message);
        let mut bodies = Bodies::default();
        for media in operations
            .iter_mut()
            .flat_map(|op| op.responses.iter_mut())
            .flat_map(|response| response.media.iter_mut())
        {
            media.body = bodies.intern(media.at, media.name, media.schema);
        }
        Model {
            operations,
            bodies: bodies.list,
            structure_errors: errors,
        }
    }

    pub fn operation(&self, at: Use) -> &Operation<'d> {
        &self.operations[at.operation as usize]
    }

    pub fn response(&self, at: Use) -> Option<&Response<'d>> {
        let response = at.response?;
        self.operation(at).responses.get(response as usize)
    }

    pub fn media(&self, at: Use) -> Option<&Media<'d>> {
        let media = at.media?;
        self.response(at)?.media.get(media as usize)
    }

    /// The status of the response a use is about, if it is about one.
    pub fn status(&self, at: Use) -> Option<StatusKey> {
        self.response(at).map(|r| r.status)
    }

    /// How a use reaches what it uses.
    pub fn route(&self, at: Use) -> Route {
        let op = self.operation(at);
        let response = self.response(at);
        let media = self.media(at);
        let schema = media.and_then(|m| m.schema);
        let anchor = match (schema, response) {
            (Some(schema), _) => schema.target,
            (None, Some(response)) => response.node.unwrap_or(response.site),
            (None, None) => op.node,
        };
        let hops = [
            schema.and_then(|s| {
                (s.site != s.target).then_some(Hop {
                    site: s.site,
                    target: s.target,
                })
            }),
            media.and_then(|m| m.hop),
            response.and_then(|r| r.hop),
            op.path_item_hop,
        ]
        .into_iter()
        .flatten()
        .collect();
        Route { anchor, hops }
    }

    /// Whether a use reached its response's parts through a `$ref` of its own: the response's,
    /// the media type's or the schema's (a path item or operation `$ref` does not count: it
    /// only moves the whole operation elsewhere).
    pub fn by_reference(&self, at: Use) -> bool {
        let media = self.media(at);
        self.response(at).is_some_and(|r| r.hop.is_some())
            || media.is_some_and(|m| m.hop.is_some())
            || media
                .and_then(|m| m.schema)
                .is_some_and(|s| s.site != s.target)
    }

    /// Where a use is shown as a related location: the operation's own `$ref` when it made one
    /// (the response's before the schema's), else its status key, else its method key.
    pub fn use_site(&self, api: &Api<'_>, at: Use) -> NodeRef {
        let op = self.operation(at);
        let Some(response) = self.response(at) else {
            return op.method_key;
        };
        let schema_ref = self
            .media(at)
            .and_then(|m| m.schema)
            .filter(|s| s.site != s.target)
            .map(|s| s.site);
        let reference = match (response.hop, schema_ref) {
            (Some(hop), _) => Some(hop.site),
            (None, Some(site)) => Some(site),
            (None, None) => None,
        };
        match reference {
            Some(site) => api.get(site, "$ref").unwrap_or(site),
            None => response.key,
        }
    }
}

/// Where an operation is, found in the outline of `paths`: what building it needs.
struct Slot<'d> {
    path: &'d str,
    webhook: bool,
    path_item: NodeRef,
    path_item_hop: Option<Hop>,
    method: Method,
    method_key: NodeRef,
    node: NodeRef,
}

/// The distinct JSON bodies, each with its uses, interned in the order they are met.
#[derive(Default)]
struct Bodies {
    list: Vec<Body>,
    ids: HashMap<(NodeRef, bool), BodyId>,
}

impl Bodies {
    /// The body a JSON media type with a schema is, interned by its schema.
    fn intern(&mut self, at: Use, name: &str, schema: Option<SchemaUse>) -> Option<BodyId> {
        let schema = schema?;
        if !super::is_json_media_type(name) {
            return None;
        }
        let problem_json = super::operation::is_problem_json(name);
        let key = (schema.target, problem_json);
        let list = &mut self.list;
        let id = *self.ids.entry(key).or_insert_with(|| {
            list.push(Body {
                schema: schema.target,
                problem_json,
                uses: Vec::new(),
            });
            BodyId(list.len() as u32 - 1)
        });
        self.list[id.0 as usize].uses.push(at);
        Some(id)
    }
}

struct Builder<'a, 'd> {
    api: &'a Api<'d>,
    structure_errors: Vec<StructureError>,
    /// The `(in, name)` of every apiKey security scheme: parameters that carry credentials.
    credentials: &'a [(&'d str, &'d str)],
}

impl<'d> Builder<'_, 'd> {
    /// Where every operation of `paths` (and 3.1 `webhooks`) is, in document order, with
    /// how many structure errors were found before each.
    fn slots(&mut self) -> (Vec<Slot<'d>>, Vec<usize>) {
        let api = self.api;
        let mut out = Vec::new();
        let mut errors_before = Vec::new();
        for (section, webhook) in [("paths", false), ("webhooks", true)] {
            let Some(paths) = api.get(api.root, section) else {
                continue;
            };
            let what = format!("a mapping of `{section}`");
            let Some(paths) = self.expect(paths, Kind::Mapping, &what) else {
                continue;
            };
            for (path_key, site) in api.entries(paths) {
                let Some(path) = api.scalar(path_key) else {
                    continue;
                };
                if path.starts_with("x-") {
                    continue;
                }
                let Some(item) = self.expect(site, Kind::Mapping, "a Path Item (a mapping)") else {
                    continue;
                };
                let item_hop = api.docs.hop(site);
                for (method_key, op, method) in self.methods(item) {
                    let Some(op) = self.expect(op, Kind::Mapping, "an Operation (a mapping)")
                    else {
                        continue;
                    };
                    errors_before.push(self.structure_errors.len());
                    out.push(Slot {
                        path,
                        webhook,
                        path_item: item,
                        path_item_hop: item_hop,
                        method,
                        method_key,
                        node: op,
                    });
                }
            }
        }
        (out, errors_before)
    }

    fn operation(&mut self, index: u32, slot: Slot<'d>) -> Operation<'d> {
        let api = self.api;
        let Slot {
            path,
            webhook,
            path_item,
            path_item_hop,
            method,
            method_key,
            node,
        } = slot;
        let params = self.effective_parameters(path_item, node);
        let mut path_params: Vec<&'d str> = template_params(path);
        let mut required_params = Vec::new();
        let mut has_body = api.get(node, "requestBody").is_some();
        for p in &params {
            let location = api.get(*p, "in").and_then(|v| api.str(v));
            let name = api.get(*p, "name").and_then(|v| api.str(v)).unwrap_or("");
            let required = api.get(*p, "required").and_then(|v| api.as_bool(v)) == Some(true);
            match location {
                Some("path") if !path_params.contains(&name) => path_params.push(name),
                Some("body" | "formData") => has_body = true,
                // A missing credential gives 401, not 400: it is no input to validate.
                // 3.2's `querystring` is the whole query string: input like a query.
                Some(location @ ("query" | "header" | "querystring"))
                    if required && !self.is_credential(location, name) =>
                {
                    required_params.push(name)
                }
                _ => {}
            }
        }
        let (responses_key, responses) = match api.tree(node).get_entry(node.node, "responses") {
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
                    .map(|r| self.responses(index, r, node))
                    .unwrap_or_default();
                (Some(key), responses)
            }
            None => (None, Vec::new()),
        };
        Operation {
            index,
            method,
            path,
            webhook,
            path_item,
            path_item_hop,
            node,
            method_key,
            responses_key,
            responses,
            auth: self.auth(node),
            path_params,
            has_body,
            required_params,
            label: Arc::from(format!("{} {}", method_name(api, method, method_key), path)),
        }
    }

    /// The operations of a path item: its method keys (`query` from 3.2 on), then 3.2's
    /// `additionalOperations` (any other method name), each with its key.
    fn methods(&self, item: NodeRef) -> Vec<(NodeRef, NodeRef, Method)> {
        let api = self.api;
        let mut out: Vec<(NodeRef, NodeRef, Method)> = api
            .entries(item)
            .filter_map(|(key, op)| {
                let method = Method::parse(api.scalar(key)?)?;
                let known = method != Method::Query || api.version == Version::OpenApi32;
                known.then_some((key, op, method))
            })
            .collect();
        if api.version == Version::OpenApi32 {
            if let Some(more) = api
                .get(item, "additionalOperations")
                .filter(|m| api.is_mapping(*m))
            {
                out.extend(api.entries(more).map(|(key, op)| (key, op, Method::Other)));
            }
        }
        out
    }

    /// A parameter that carries credentials: the `Authorization` header, one an apiKey
    /// security scheme names, or one named as credentials are (`token`, `api_key`,
    /// `X-Auth-Token`: Slack and Discourse send theirs so, without an apiKey scheme).
    fn is_credential(&self, location: &str, name: &str) -> bool {
        let folded = super::fold_name(name);
        let credential_name = matches!(
            folded.as_str(),
            "token"
                | "accesstoken"
                | "authtoken"
                | "xauthtoken"
                | "apikey"
                | "xapikey"
                | "apitoken"
                | "xapitoken"
        );
        credential_name
            || (location == "header"
                && (folded == "authorization" || folded == "proxyauthorization"))
            || self.credentials.iter().any(|&(place, key)| {
                place == location
                    && if location == "header" {
                        key.eq_ignore_ascii_case(name)
                    } else {
                        key == name
                    }
            })
    }

    /// `site` dereferenced, when it is (or leads to) a node of `kind`; otherwise a structure
    /// error naming `what` was expected. An unresolved `$ref` was reported at load.
    fn expect(&mut self, site: NodeRef, kind: Kind, what: &str) -> Option<NodeRef> {
        let api = self.api;
        let target = api.deref(site)?;
        let found = api.kind(target);
        if found == kind {
            return Some(target);
        }
        let found_name = super::kind_name(found);
        let (at, message) = match api.get(site, "$ref").filter(|_| target != site) {
            Some(reference) => (
                reference,
                format!("this `$ref` leads to {found_name}, not {what}"),
            ),
            None => (site, format!("{what} is expected here, not {found_name}")),
        };
        self.structure_errors.push(StructureError { at, message });
        None
    }

    /// Path-level parameters overridden by operation-level ones with the same name and `in`.
    fn effective_parameters(&self, path_item: NodeRef, op: NodeRef) -> Vec<NodeRef> {
        let api = self.api;
        let resolved = |owner: NodeRef| -> Vec<NodeRef> {
            api.get(owner, "parameters")
                .map(|seq| {
                    api.items(seq)
                        .filter_map(|p| api.deref(p))
                        .filter(|p| api.is_mapping(*p))
                        .collect()
                })
                .unwrap_or_default()
        };
        let identity = |p: &NodeRef| {
            (
                api.get(*p, "name").and_then(|v| api.scalar(v)),
                api.get(*p, "in").and_then(|v| api.scalar(v)),
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
        let api = self.api;
        let security = api
            .get(op, "security")
            .or_else(|| api.get(api.root, "security"));
        let Some(security) = security.filter(|s| api.kind(*s) == Kind::Sequence) else {
            return Auth::None;
        };
        let alternatives: Vec<NodeRef> = api.items(security).collect();
        if alternatives.is_empty() {
            Auth::None
        } else if alternatives
            .iter()
            .any(|a| api.tree(*a).child_count(a.node) == 0)
        {
            Auth::Optional
        } else {
            Auth::Required
        }
    }

    fn responses(&mut self, operation: u32, responses: NodeRef, op: NodeRef) -> Vec<Response<'d>> {
        let api = self.api;
        let produces = self.produces(op);
        let mut out = Vec::with_capacity(api.entries(responses).count());
        for (key, site) in api.entries(responses) {
            let Some(status_text) = api.scalar(key) else {
                continue;
            };
            if status_text.starts_with("x-") {
                continue;
            }
            let node = self.expect(site, Kind::Mapping, "a Response (a mapping)");
            let hop = node.and_then(|_| api.docs.hop(site));
            let at = Use {
                operation,
                response: Some(out.len() as u32),
                media: None,
            };
            let (media, content_key) = match node {
                Some(n) => self.media(at, n, &produces),
                None => (Vec::new(), None),
            };
            let headers = node.map(|n| self.headers(n)).unwrap_or_default();
            out.push(Response {
                status: StatusKey::parse(status_text),
                status_text,
                key,
                site,
                node,
                shared: hop.is_some(),
                hop,
                at,
                media,
                headers,
                content_key,
            });
        }
        out
    }

    /// 2.0 only: the media types an operation produces (its own, else the document's).
    fn produces(&self, op: NodeRef) -> Vec<&'d str> {
        let api = self.api;
        if api.version != Version::Swagger2 {
            return Vec::new();
        }
        let list = api
            .get(op, "produces")
            .or_else(|| api.get(api.root, "produces"));
        let types: Vec<&'d str> = list
            .map(|l| api.items(l).filter_map(|i| api.str(i)).collect())
            .unwrap_or_default();
        // Without `produces`, 2.0 tooling assumes JSON.
        if types.is_empty() {
            vec!["application/json"]
        } else {
            types
        }
    }

    fn media(
        &mut self,
        at: Use,
        response: NodeRef,
        produces: &[&'d str],
    ) -> (Vec<Media<'d>>, Option<NodeRef>) {
        let api = self.api;
        if api.version == Version::Swagger2 {
            let schema = self.schema_use(response, "schema");
            let examples = api.get(response, "examples");
            let mut media = Vec::with_capacity(produces.len());
            if api.get(response, "schema").is_some() {
                for name in produces {
                    let examples = examples
                        .and_then(|e| api.get(e, name))
                        .into_iter()
                        .collect();
                    let found = Media {
                        name,
                        key: None,
                        schema,
                        schema_declared: true,
                        examples,
                        hop: None,
                        body: None,
                        at,
                    };
                    push_media(&mut media, at, found);
                }
            }
            return (media, None);
        }
        let Some((content_key, content)) = api.tree(response).get_entry(response.node, "content")
        else {
            return (Vec::new(), None);
        };
        let content = NodeRef {
            file: response.file,
            node: content,
        };
        // Sized to the content: a response has one media type or two, and growing from empty
        // allocates room for four (the model's first touch of memory, 2% of DigitalOcean's).
        let mut media = Vec::with_capacity(api.entries(content).count());
        for (key, site) in api.entries(content) {
            let Some(name) = api.scalar(key) else {
                continue;
            };
            let value = api.deref(site).filter(|v| api.is_mapping(*v));
            // 3.2's sequential media types describe each item with `itemSchema`: for an error
            // response, the item is the error body.
            let schema = value.and_then(|v| {
                self.schema_use(v, "schema").or_else(|| {
                    (api.version == Version::OpenApi32)
                        .then(|| self.schema_use(v, "itemSchema"))
                        .flatten()
                })
            });
            let mut examples: Vec<NodeRef> = value
                .and_then(|v| api.get(v, "example"))
                .into_iter()
                .collect();
            if let Some(named) = value.and_then(|v| api.get(v, "examples")) {
                examples.extend(
                    api.entries(named)
                        .filter_map(|(_, e)| api.deref(e))
                        // 3.2's `dataValue` is the example as data, like `value`.
                        .filter_map(|e| api.get(e, "value").or_else(|| api.get(e, "dataValue"))),
                );
            }
            let schema_declared = value.is_some_and(|v| {
                api.get(v, "schema").is_some()
                    || (api.version == Version::OpenApi32 && api.get(v, "itemSchema").is_some())
            });
            let found = Media {
                name,
                key: Some(key),
                schema,
                schema_declared,
                examples,
                hop: value.and_then(|_| api.docs.hop(site)),
                body: None,
                at,
            };
            push_media(&mut media, at, found);
        }
        (
            media,
            Some(NodeRef {
                file: response.file,
                node: content_key,
            }),
        )
    }

    fn schema_use(&self, owner: NodeRef, key: &str) -> Option<SchemaUse> {
        let api = self.api;
        let site = api.get(owner, key)?;
        // In 3.1 a `$ref` with keys beside it is a schema of its own, not its target.
        let target = api.schema_node(site)?;
        Some(SchemaUse { site, target })
    }

    fn headers(&self, response: NodeRef) -> Vec<Header<'d>> {
        let api = self.api;
        let Some(headers) = api.get(response, "headers") else {
            return Vec::new();
        };
        api.entries(headers)
            .filter_map(|(key, _)| {
                Some(Header {
                    name: api.scalar(key)?,
                    key,
                })
            })
            .collect()
    }
}

impl Api<'_> {
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

/// Adds a media type to its response's list, with its own use (its body is interned once
/// every operation is built).
fn push_media<'d>(list: &mut Vec<Media<'d>>, response: Use, mut media: Media<'d>) {
    media.at = Use {
        media: Some(list.len() as u32),
        ..response
    };
    list.push(media);
}

/// `GET`, `QUERY`, or an additional operation's own name (`PURGE`), as reports show it.
fn method_name(api: &Api<'_>, method: Method, key: NodeRef) -> String {
    match method {
        Method::Other => api.scalar(key).unwrap_or("OTHER").to_ascii_uppercase(),
        known => known.as_upper().to_string(),
    }
}

/// The `(in, name)` of every apiKey security scheme (3.x `components.securitySchemes`, 2.0
/// `securityDefinitions`).
fn api_key_parameters<'d>(api: &Api<'d>) -> Vec<(&'d str, &'d str)> {
    let schemes = match api.version {
        Version::Swagger2 => api.get(api.root, "securityDefinitions"),
        _ => api
            .get(api.root, "components")
            .and_then(|c| api.get(c, "securitySchemes")),
    };
    let Some(schemes) = schemes.filter(|s| api.is_mapping(*s)) else {
        return Vec::new();
    };
    api.entries(schemes)
        .filter_map(|(_, scheme)| {
            let scheme = api.deref(scheme).filter(|s| api.is_mapping(*s))?;
            let field = |key| api.get(scheme, key).and_then(|v| api.str(v));
            (field("type")? == "apiKey").then_some(())?;
            Some((field("in")?, field("name")?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocumentSet, LoadOptions};

    /// Operations are built on all threads; the bodies must still be numbered in the order
    /// one pass meets them, each with its uses in document order, and the structure errors
    /// must be those of one pass.
    #[test]
    fn a_model_built_on_all_threads_is_the_one_pass_model() {
        let mut yaml = String::from(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /broken: [1]\n",
        );
        let json = "content: {application/json: {schema:";
        for i in 0..120 {
            yaml.push_str(&format!(
                "  /p{i}:\n    get:\n      responses:\n        '400': {{{json} {{$ref: '#/components/schemas/E{}'}}}}}}}}\n        '500': {{{json} {{type: object, title: inline{i}}}}}}}}}\n        '502': oops\n",
                i % 3
            ));
        }
        yaml.push_str("components:\n  schemas:\n");
        for e in 0..3 {
            yaml.push_str(&format!("    E{e}: {{type: object}}\n"));
        }
        let docs = DocumentSet::load_text("t.yaml".into(), &yaml, None, LoadOptions::default());
        let api = Api::new(&docs).unwrap();
        let model = Model::build(&api);
        assert_eq!(model.operations.len(), 120);
        // E0, E1, E2 and the inline schemas, in the order the operations meet them.
        let tree = docs.tree(docs.root()).unwrap();
        let names: Vec<String> = model
            .bodies
            .iter()
            .map(|b| tree.pointer(b.schema.node))
            .collect();
        let mut expected = Vec::new();
        for i in 0..120 {
            if i < 3 {
                expected.push(format!("/components/schemas/E{i}"));
            }
            expected.push(format!(
                "/paths/~1p{i}/get/responses/500/content/application~1json/schema"
            ));
        }
        assert_eq!(names, expected);
        for (id, body) in model.bodies.iter().enumerate() {
            assert!(body.uses.windows(2).all(|w| w[0] < w[1]), "{:?}", body.uses);
            for &at in &body.uses {
                let media = model.media(at).unwrap();
                assert_eq!(media.body, Some(BodyId(id as u32)));
            }
        }
        assert_eq!(model.bodies[0].uses.len(), 40);
        // The path item that is a list, then each `502: oops`, in document order.
        assert_eq!(model.structure_errors.len(), 121);
        assert!(model.structure_errors.windows(2).all(|w| w[0].at < w[1].at));
        assert!(model.structure_errors[0].message.contains("Path Item"));
    }
}
