//! The OpenAPI layer: version detection and thin views over the document tree (operations,
//! responses, schemas). A view is a handle plus a node; nothing here copies the tree.

pub mod json_schema;
mod model;
mod operation;
pub mod schema;
pub mod schema_errors;
mod status;

pub use model::{Body, BodyId, Model, Route, Use};
pub use operation::{
    Auth, Header, Media, Method, Operation, Response, SchemaUse, essence, is_json_media_type,
    is_problem_json,
};
pub use status::StatusKey;

use crate::document::{DocumentSet, Kind, NodeId, NodeRef, Span, Tree};

/// The OpenAPI versions errlint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Swagger2,
    OpenApi30,
    OpenApi31,
    OpenApi32,
}

impl Version {
    /// 3.1 and later: schemas are JSON Schema 2020-12 (keys beside `$ref` apply, type arrays,
    /// numeric exclusive bounds), and `webhooks` exist.
    pub fn is_31_or_later(self) -> bool {
        matches!(self, Version::OpenApi31 | Version::OpenApi32)
    }
}

/// Why a parsed file is not a document errlint can lint.
#[derive(Debug, Clone)]
pub struct VersionError {
    pub id: &'static str,
    pub message: String,
    pub span: Option<Span>,
    pub help: String,
}

/// A node of the wrong kind where OpenAPI expects a mapping or a list (`paths` as a list, a
/// response that is a string, a `$ref` that leads to a scalar).
#[derive(Debug, Clone)]
pub struct StructureError {
    pub at: NodeRef,
    pub message: String,
}

/// An OpenAPI document: the root file of a [`DocumentSet`] and its version.
pub struct Api<'d> {
    pub docs: &'d DocumentSet,
    pub version: Version,
    pub root: NodeRef,
}

impl<'d> Api<'d> {
    /// Reads the `openapi`/`swagger` field of the root document.
    pub fn new(docs: &'d DocumentSet) -> Result<Self, VersionError> {
        let file = docs.root();
        let tree = docs.tree(file).ok_or_else(|| VersionError {
            id: "not-openapi",
            message: "the document could not be parsed".into(),
            span: None,
            help: String::new(),
        })?;
        let version = detect_version(tree)?;
        Ok(Api {
            docs,
            version,
            root: NodeRef {
                file,
                node: NodeId::ROOT,
            },
        })
    }

    pub fn tree(&self, at: NodeRef) -> &'d Tree {
        self.docs
            .tree(at.file)
            .expect("views only hold nodes of parsed files")
    }

    pub fn kind(&self, at: NodeRef) -> Kind {
        self.tree(at).kind(at.node)
    }

    pub fn str(&self, at: NodeRef) -> Option<&'d str> {
        self.tree(at).str(at.node)
    }

    pub fn scalar(&self, at: NodeRef) -> Option<&'d str> {
        self.tree(at).scalar(at.node)
    }

    pub fn is_mapping(&self, at: NodeRef) -> bool {
        self.tree(at).is_mapping(at.node)
    }

    /// The value at `key` of a mapping (not dereferenced).
    pub fn get(&self, map: NodeRef, key: &str) -> Option<NodeRef> {
        self.tree(map).get(map.node, key).map(|node| NodeRef {
            file: map.file,
            node,
        })
    }

    /// The value at `key` of a mapping, following a `$ref` if it is one.
    pub fn get_deref(&self, map: NodeRef, key: &str) -> Option<NodeRef> {
        self.get(map, key).and_then(|v| self.deref(v))
    }

    /// Follows a Reference Object to its target; `None` if it does not resolve.
    pub fn deref(&self, at: NodeRef) -> Option<NodeRef> {
        self.docs.deref(at)
    }

    pub fn entries(&self, map: NodeRef) -> impl Iterator<Item = (NodeRef, NodeRef)> + 'd {
        let file = map.file;
        self.tree(map)
            .entries(map.node)
            .map(move |(k, v)| (NodeRef { file, node: k }, NodeRef { file, node: v }))
    }

    pub fn items(&self, seq: NodeRef) -> impl Iterator<Item = NodeRef> + 'd {
        let file = seq.file;
        self.tree(seq)
            .items(seq.node)
            .map(move |node| NodeRef { file, node })
    }

    /// The key of a mapping value, or the node itself: what a finding should underline.
    pub fn report_node(&self, at: NodeRef) -> NodeRef {
        NodeRef {
            file: at.file,
            node: self.tree(at).report_node(at.node),
        }
    }

    pub fn as_bool(&self, at: NodeRef) -> Option<bool> {
        self.tree(at).as_bool(at.node)
    }

    /// Keys beside `$ref` in 2.0 and 3.0, where the specification says they are ignored: one
    /// per Reference Object, at its first such key. Extensions (`x-…`) are left alone.
    pub fn ignored_ref_siblings(&self) -> Vec<StructureError> {
        if self.version.is_31_or_later() {
            return Vec::new();
        }
        let mut found: Vec<StructureError> = self
            .docs
            .reference_objects_followed()
            .filter_map(|reference| {
                // Nearly every Reference Object is `$ref` alone: no key text to read.
                if self.tree(reference).child_count(reference.node) == 1 {
                    return None;
                }
                let (key, _) = self.entries(reference).find(|(k, _)| {
                    self.scalar(*k).is_some_and(|name| name != "$ref" && !name.starts_with("x-"))
                })?;
                let name = self.scalar(key).unwrap_or_default();
                Some(StructureError {
                    at: key,
                    message: format!("`{name}` beside `$ref` is ignored: a Reference Object has no other fields before OpenAPI 3.1"),
                })
            })
            .collect();
        found.sort_by_key(|e| e.at);
        found
    }
}

/// A name in lower case without `_` and `-`, for names matched by meaning: `retry_after`,
/// `RetryAfter` and `retry-after` fold alike, as do `X-Api-Key` and `x_api_key`.
pub fn fold_name(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Keys whose values are data for OpenAPI, not structure: extensions (`x-…`), a literal
/// `example`, an Example Object's `value`, 3.1's list of schema `examples`, 2.0's `examples` by
/// media type, and a schema's `enum` and `const`. A `$ref` in them is a value (SCIM's
/// `members[].$ref` is a URL), not a reference to follow. A property that happens to have one
/// of these names (a key inside `properties`) is still a schema.
pub fn is_opaque_key(tree: &Tree, key: NodeId) -> bool {
    let Some(name) = tree.scalar(key) else {
        return false;
    };
    let owner = tree.parent(key);
    let owner_key = owner.and_then(|map| tree.key_of(map));
    let owner_name = owner_key.and_then(|k| tree.scalar(k));
    if owner_name == Some("properties") {
        return false;
    }
    match name {
        "example" | "enum" | "const" => true,
        _ if name.starts_with("x-") => true,
        // 3.1 schemas list example values; 3.x `examples` maps are Example Objects, each of
        // which may be a `$ref` to follow.
        "examples" => tree.is_sequence(tree.value_of_key(key)),
        // `examples: {name: {value: …}}`: the owner is one Example Object of an `examples` map.
        "value" => {
            let examples_key = owner_key
                .and_then(|k| tree.parent(k))
                .and_then(|examples| tree.key_of(examples));
            examples_key.is_some_and(|k| tree.scalar_is(k, "examples"))
        }
        // 2.0 `examples: {application/json: …}`: media types name the values.
        _ => name.contains('/') && owner_name == Some("examples"),
    }
}

pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Null => "null",
        Kind::Bool => "a boolean",
        Kind::Number => "a number",
        Kind::String => "a string",
        Kind::Mapping => "a mapping",
        Kind::Sequence => "a list",
    }
}

fn detect_version(tree: &Tree) -> Result<Version, VersionError> {
    let root = NodeId::ROOT;
    let not_openapi = |span| VersionError {
        id: "not-openapi",
        message: "not an OpenAPI document: the root has no `openapi` or `swagger` field".into(),
        span,
        help: "errlint lints OpenAPI 2.0, 3.0, 3.1 and 3.2 documents".into(),
    };
    if !tree.is_mapping(root) {
        return Err(not_openapi(Some(tree.span(root))));
    }
    let field = tree
        .get_entry(root, "openapi")
        .or_else(|| tree.get_entry(root, "swagger"));
    let Some((key, value)) = field else {
        let start = tree.span(root).start as usize;
        return Err(not_openapi(Some(Span::new(start, start))));
    };
    let text = tree.scalar(value).unwrap_or("");
    let version = match (tree.scalar(key), text) {
        (Some("swagger"), "2.0") => Some(Version::Swagger2),
        (Some("openapi"), v) if v == "3.0" || v.starts_with("3.0.") => Some(Version::OpenApi30),
        (Some("openapi"), v) if v == "3.1" || v.starts_with("3.1.") => Some(Version::OpenApi31),
        (Some("openapi"), v) if v == "3.2" || v.starts_with("3.2.") => Some(Version::OpenApi32),
        _ => None,
    };
    version.ok_or_else(|| VersionError {
        id: "unsupported-version",
        message: format!(
            "unsupported version `{text}`: errlint reads Swagger 2.0 and OpenAPI 3.0.x, 3.1.x and 3.2.x"
        ),
        span: Some(tree.span(value)),
        help: "check the version field; OpenAPI 3.3 and later are not supported yet".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::is_opaque_key;
    use crate::document::{DocumentSet, LoadOptions};

    fn unresolved(text: &str) -> Vec<String> {
        let options = LoadOptions {
            opaque_key: Some(is_opaque_key),
            ..LoadOptions::default()
        };
        let set = DocumentSet::load_text("t.yaml".into(), text, None, options);
        set.problems.iter().map(|p| p.message.clone()).collect()
    }

    #[test]
    fn references_in_example_values_are_data() {
        let data = r##"
paths:
  /groups:
    get:
      responses:
        '200':
          content:
            application/scim+json:
              example: {members: [{$ref: 'https://api.example.com/scim/Users/1'}]}
              examples:
                one:
                  value: {members: [{$ref: 'https://api.example.com/scim/Users/2'}]}
              schema:
                examples: [{$ref: 'https://api.example.com/scim/Users/3'}]
                enum: [{$ref: '#/nowhere'}]
                const: {$ref: '#/nowhere'}
        '404':
          examples:
            application/json: {$ref: 'https://api.example.com/scim/Users/4'}
"##;
        assert_eq!(unresolved(data), Vec::<String>::new());
    }

    #[test]
    fn references_that_only_look_like_examples_are_followed() {
        // An Example Object given by reference, and properties named like example keys.
        let structure = r##"
components:
  examples:
    one: {$ref: '#/nowhere/1'}
  schemas:
    S:
      properties:
        example: {$ref: '#/nowhere/2'}
        value: {$ref: '#/nowhere/3'}
        enum: {$ref: '#/nowhere/4'}
"##;
        assert_eq!(
            unresolved(structure).len(),
            4,
            "{:?}",
            unresolved(structure)
        );
    }
}
