//! A Schema Object as a self-contained JSON Schema (2020-12) that the `jsonschema` crate can
//! compile: every `$ref` it reaches, in any file of the set, becomes a `#/$defs/…` entry, and
//! the 2.0/3.0 dialect is translated faithfully (`nullable` is a type union, boolean
//! `exclusiveMinimum`/`exclusiveMaximum` are read the draft-4 way; `discriminator`, `xml`,
//! `example` and extensions are left out). Nothing is fetched: a `$ref` that did not resolve
//! becomes `true`, which accepts anything, so no example is judged by a guess.

use super::Api;
use crate::document::{Kind, NodeRef};
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Keywords whose value is one schema.
const ONE_SCHEMA: &[&str] = &[
    "additionalProperties",
    "items",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
];
/// Annotations of the OpenAPI dialect that JSON Schema validation does not need.
const LEFT_OUT: &[&str] = &[
    "discriminator",
    "xml",
    "example",
    "externalDocs",
    "$schema",
    "$id",
];

/// Compiled validators by schema node, each compiled once and shared by every example that
/// uses it (on any thread); `None` when the schema is no valid JSON Schema (its examples are
/// then not judged).
#[derive(Default)]
pub struct Validators {
    compiled: Mutex<FxHashMap<NodeRef, Option<Arc<jsonschema::Validator>>>>,
}

impl Validators {
    pub fn get(&self, api: &Api<'_>, schema: NodeRef) -> Option<Arc<jsonschema::Validator>> {
        if let Some(known) = self.compiled().get(&schema) {
            return known.clone();
        }
        // Compiled without the lock held: two threads may compile one schema at once, and
        // both get the same verdict.
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&api.json_schema(schema))
            .ok()
            .map(Arc::new);
        self.compiled().entry(schema).or_insert(validator).clone()
    }

    fn compiled(&self) -> MutexGuard<'_, FxHashMap<NodeRef, Option<Arc<jsonschema::Validator>>>> {
        self.compiled.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// True when `example` validates against `schema` (or the schema cannot be compiled).
    pub fn accepts(&self, api: &Api<'_>, schema: NodeRef, example: NodeRef) -> bool {
        self.get(api, schema)
            .is_none_or(|v| v.is_valid(&api.json_value(example)))
    }
}

struct Bundle<'a, 'd> {
    api: &'a Api<'d>,
    defs: BTreeMap<String, Value>,
}

impl<'d> Api<'d> {
    /// The schema at `schema` as one JSON Schema document, with everything it references.
    pub fn json_schema(&self, schema: NodeRef) -> Value {
        let mut bundle = Bundle {
            api: self,
            defs: BTreeMap::new(),
        };
        let mut root = bundle.schema(schema);
        if !bundle.defs.is_empty() {
            let defs: Map<String, Value> = std::mem::take(&mut bundle.defs).into_iter().collect();
            root = match root {
                Value::Object(mut map) => {
                    map.insert("$defs".into(), Value::Object(defs));
                    Value::Object(map)
                }
                other => {
                    let mut map = Map::new();
                    map.insert("allOf".into(), Value::Array(vec![other]));
                    map.insert("$defs".into(), Value::Object(defs));
                    Value::Object(map)
                }
            };
        }
        root
    }

    /// A literal value (an example) as JSON.
    pub fn json_value(&self, at: NodeRef) -> Value {
        self.tree(at).to_json(at.node)
    }
}

impl Bundle<'_, '_> {
    fn definition(&mut self, target: NodeRef) -> Value {
        let id = format!("f{}n{}", target.file.0, target.node.0);
        if !self.defs.contains_key(&id) {
            // Reserved first: a recursive schema refers to itself.
            self.defs.insert(id.clone(), Value::Bool(true));
            let translated = self.schema(target);
            self.defs.insert(id.clone(), translated);
        }
        let mut map = Map::new();
        map.insert("$ref".into(), Value::String(format!("#/$defs/{id}")));
        Value::Object(map)
    }

    fn schema(&mut self, at: NodeRef) -> Value {
        let api = self.api;
        match api.kind(at) {
            Kind::Bool => return Value::Bool(api.as_bool(at).unwrap_or(true)),
            Kind::Mapping => {}
            _ => return Value::Bool(true),
        }
        let tree = api.tree(at);
        if tree.has_ref(at.node) {
            let reference = match api.deref(at) {
                Some(target) if target != at => self.definition(target),
                _ => Value::Bool(true),
            };
            let siblings_apply = api.ref_siblings_apply() && tree.child_count(at.node) > 1;
            if !siblings_apply {
                return reference;
            }
            let mut own = self.keywords(at);
            if let Value::Object(r) = reference {
                own.extend(r);
            }
            return Value::Object(own);
        }
        Value::Object(self.keywords(at))
    }

    fn keywords(&mut self, at: NodeRef) -> Map<String, Value> {
        let api = self.api;
        let mut out = Map::new();
        for (key, value) in api.entries(at) {
            let name = api.scalar(key).unwrap_or("");
            if name == "$ref" || name.starts_with("x-") || LEFT_OUT.contains(&name) {
                continue;
            }
            let translated = if ONE_SCHEMA.contains(&name) {
                self.schema(value)
            } else if SCHEMA_LISTS.contains(&name) && api.kind(value) == Kind::Sequence {
                Value::Array(api.items(value).map(|s| self.schema(s)).collect())
            } else if SCHEMA_MAPS.contains(&name) && api.is_mapping(value) {
                Value::Object(
                    api.entries(value)
                        .map(|(k, s)| (api.scalar(k).unwrap_or("").to_string(), self.schema(s)))
                        .collect(),
                )
            } else {
                api.json_value(value)
            };
            out.insert(name.to_string(), translated);
        }
        if !api.version.is_31_or_later() {
            older_dialect(&mut out);
        }
        out
    }
}

/// The 2.0/3.0 keywords JSON Schema reads otherwise.
fn older_dialect(schema: &mut Map<String, Value>) {
    if schema.remove("nullable") == Some(Value::Bool(true)) {
        if let Some(Value::String(t)) = schema.get("type").cloned() {
            schema.insert(
                "type".into(),
                Value::Array(vec![Value::String(t), "null".into()]),
            );
        }
        if let Some(Value::Array(values)) = schema.get_mut("enum") {
            if !values.contains(&Value::Null) {
                values.push(Value::Null);
            }
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match schema.get(exclusive) {
            Some(Value::Bool(true)) => {
                match schema.remove(bound) {
                    Some(limit) => schema.insert(exclusive.into(), limit),
                    None => schema.remove(exclusive),
                };
            }
            Some(Value::Bool(false)) => {
                schema.remove(exclusive);
            }
            _ => {}
        }
    }
    // 2.0's `type: file` is no JSON type.
    if schema.get("type") == Some(&Value::String("file".into())) {
        schema.remove("type");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocumentSet, LoadOptions};

    fn bundled(version: &str, schemas: &str) -> Value {
        let text = format!("openapi: {version}\ncomponents:\n  schemas:\n{schemas}");
        let docs = DocumentSet::load_text("t.yaml".into(), &text, None, LoadOptions::default());
        let api = Api::new(&docs).unwrap();
        let tree = docs.tree(docs.root()).unwrap();
        let e = NodeRef {
            file: docs.root(),
            node: tree.lookup(["components", "schemas", "E"]).unwrap(),
        };
        api.json_schema(e)
    }

    #[test]
    fn nullable_and_draft_4_exclusive_bounds_are_translated_in_3_0_only() {
        let schema = "    E: {type: integer, nullable: true, minimum: 1, exclusiveMinimum: true, x-a: 1, example: 2}\n";
        assert_eq!(
            bundled("3.0.3", schema),
            serde_json::json!({"type": ["integer", "null"], "exclusiveMinimum": 1})
        );
        let schema = "    E: {type: [integer, 'null'], exclusiveMinimum: 1}\n";
        assert_eq!(
            bundled("3.1.0", schema),
            serde_json::json!({"type": ["integer", "null"], "exclusiveMinimum": 1})
        );
    }

    #[test]
    fn references_become_local_definitions_and_recursion_ends() {
        let value = bundled(
            "3.0.3",
            "    E: {properties: {child: {$ref: '#/components/schemas/E'}, code: {$ref: '#/components/schemas/Code'}}}\n    Code: {type: string}\n",
        );
        let defs = value["$defs"].as_object().unwrap();
        assert_eq!(defs.len(), 2);
        let validator = jsonschema::validator_for(&value).unwrap();
        assert!(validator.is_valid(&serde_json::json!({"child": {"code": "A"}})));
        assert!(!validator.is_valid(&serde_json::json!({"child": {"code": 1}})));
    }
}
