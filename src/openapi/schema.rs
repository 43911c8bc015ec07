//! Schema reasoning: where a field is declared, whether it is required, and what type it has,
//! through `$ref`, `allOf` (merged), `oneOf`/`anyOf` (a field counts only if every branch has
//! it), `nullable` and 3.1 type arrays.

use super::Api;
use crate::document::{Kind, NodeRef};

/// Schemas one question may visit: composition beyond this is treated as opaque.
const MAX_VISITS: usize = 4_096;
/// Composition nested deeper than this is treated as opaque, which bounds the stack.
const MAX_NESTING: usize = 64;

/// The schemas on the current composition path (so recursion never loops) and a budget of
/// visits for one question (so diamond-shaped composition cannot blow up).
struct Visited {
    path: Vec<NodeRef>,
    budget: usize,
}

impl Default for Visited {
    fn default() -> Self {
        Visited {
            path: Vec::new(),
            budget: MAX_VISITS,
        }
    }
}

impl Visited {
    /// Runs `inside` for `schema` unless it is already on the path or the budget is spent.
    fn visit<T>(&mut self, schema: NodeRef, inside: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.budget == 0 || self.path.len() >= MAX_NESTING || self.path.contains(&schema) {
            return None;
        }
        self.budget -= 1;
        self.path.push(schema);
        let result = inside(self);
        self.path.pop();
        Some(result)
    }
}

/// A field found in a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The property name key under `properties`: what a finding underlines.
    pub key: NodeRef,
    /// The property's schema, dereferenced; `None` if its `$ref` did not resolve.
    pub schema: Option<NodeRef>,
    pub required: bool,
}

/// JSON Schema types a schema admits, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Types(u8);

impl Types {
    pub const NULL: Types = Types(1);
    pub const BOOLEAN: Types = Types(2);
    pub const INTEGER: Types = Types(4);
    pub const NUMBER: Types = Types(8);
    pub const STRING: Types = Types(16);
    pub const ARRAY: Types = Types(32);
    pub const OBJECT: Types = Types(64);

    fn from_name(name: &str) -> Types {
        match name {
            "null" => Types::NULL,
            "boolean" => Types::BOOLEAN,
            "integer" => Types::INTEGER,
            "number" => Types::NUMBER,
            "string" => Types::STRING,
            "array" => Types::ARRAY,
            "object" => Types::OBJECT,
            _ => Types(0),
        }
    }

    pub fn contains(self, other: Types) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn union(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    /// Only string (or string and null).
    pub fn is_string(self) -> bool {
        self.contains(Types::STRING) && Types(self.0 & !Types::NULL.0) == Types::STRING
    }

    /// Integer or number, and not string.
    pub fn is_numeric(self) -> bool {
        (self.contains(Types::INTEGER) || self.contains(Types::NUMBER))
            && !self.contains(Types::STRING)
    }

    pub fn describe(self) -> String {
        let names = [
            (Types::STRING, "string"),
            (Types::INTEGER, "integer"),
            (Types::NUMBER, "number"),
            (Types::BOOLEAN, "boolean"),
            (Types::OBJECT, "object"),
            (Types::ARRAY, "array"),
            (Types::NULL, "null"),
        ];
        let parts: Vec<&str> = names
            .iter()
            .filter(|(t, _)| self.contains(*t))
            .map(|(_, n)| *n)
            .collect();
        if parts.is_empty() {
            "untyped".into()
        } else {
            parts.join(" or ")
        }
    }
}

/// One segment of a field path such as `errors[].code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
    /// `[]`: the field is an array and the path continues into its items.
    pub each_item: bool,
}

/// A dotted field path: `code`, `error.code`, `errors[].code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub text: String,
    pub segments: Vec<Segment>,
}

impl FieldPath {
    pub fn parse(text: &str) -> Self {
        let segments = text
            .split('.')
            .map(|s| match s.strip_suffix("[]") {
                Some(name) => Segment {
                    name: name.to_string(),
                    each_item: true,
                },
                None => Segment {
                    name: s.to_string(),
                    each_item: false,
                },
            })
            .collect();
        FieldPath {
            text: text.to_string(),
            segments,
        }
    }
}

impl<'d> Api<'d> {
    /// The property `name` of a schema, with `required` merged across composition.
    pub fn property(&self, schema: NodeRef, name: &str) -> Option<Field> {
        self.property_in(schema, name, &mut Visited::default())
    }

    fn property_in(&self, schema: NodeRef, name: &str, visited: &mut Visited) -> Option<Field> {
        let schema = self.deref(schema).filter(|s| self.is_mapping(*s))?;
        visited.visit(schema, |visited| {
            self.declared_property(schema, name, visited)
        })?
    }

    fn declared_property(
        &self,
        schema: NodeRef,
        name: &str,
        visited: &mut Visited,
    ) -> Option<Field> {
        let mut found = self.get(schema, "properties").and_then(|props| {
            let (key, value) = self.tree(props).get_entry(props.node, name)?;
            Some(Field {
                key: NodeRef {
                    file: props.file,
                    node: key,
                },
                schema: self.deref(NodeRef {
                    file: props.file,
                    node: value,
                }),
                required: false,
            })
        });
        for branch in self.subschemas(schema, "allOf") {
            if let Some(field) = self.property_in(branch, name, visited) {
                found = Some(merge_all_of(found, field));
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            let branches = self.subschemas(schema, keyword);
            if branches.is_empty() {
                continue;
            }
            let fields: Option<Vec<Field>> = branches
                .iter()
                .map(|b| self.property_in(*b, name, visited))
                .collect();
            if let Some(fields) = fields {
                let every_branch = Field {
                    key: fields[0].key,
                    schema: fields[0].schema,
                    required: fields.iter().all(|f| f.required),
                };
                found = Some(merge_all_of(found, every_branch));
            }
        }
        if let Some(field) = found.as_mut() {
            field.required |= self.requires_through_all_of(schema, name, &mut Visited::default());
        }
        found
    }

    /// `required` lists count from the schema itself and from every `allOf` branch, even when
    /// the property is declared in a sibling branch.
    fn requires_through_all_of(&self, schema: NodeRef, name: &str, visited: &mut Visited) -> bool {
        visited
            .visit(schema, |visited| {
                self.requires(schema, name)
                    || self
                        .subschemas(schema, "allOf")
                        .into_iter()
                        .any(|b| self.requires_through_all_of(b, name, visited))
            })
            .unwrap_or(false)
    }

    /// The property names a schema declares (its own and its `allOf` branches'), each with
    /// its key, in document order, first declaration wins.
    pub fn property_keys(&self, schema: NodeRef) -> Vec<(String, NodeRef)> {
        let mut out: Vec<(String, NodeRef)> = Vec::new();
        self.collect_property_keys(schema, &mut Visited::default(), &mut out);
        out
    }

    fn collect_property_keys(
        &self,
        schema: NodeRef,
        visited: &mut Visited,
        out: &mut Vec<(String, NodeRef)>,
    ) {
        let Some(schema) = self.deref(schema).filter(|s| self.is_mapping(*s)) else {
            return;
        };
        visited.visit(schema, |visited| {
            if let Some(props) = self.get(schema, "properties") {
                for (key, _) in self.entries(props) {
                    let name = self.scalar(key).unwrap_or_default();
                    if !out.iter().any(|(n, _)| n == name) {
                        out.push((name.to_string(), key));
                    }
                }
            }
            for branch in self.subschemas(schema, "allOf") {
                self.collect_property_keys(branch, visited, out);
            }
        });
    }

    /// True when the schema's own `required` list names `name`.
    pub fn requires(&self, schema: NodeRef, name: &str) -> bool {
        self.get(schema, "required")
            .is_some_and(|list| self.items(list).any(|i| self.str(i) == Some(name)))
    }

    fn subschemas(&self, schema: NodeRef, keyword: &str) -> Vec<NodeRef> {
        self.get(schema, keyword)
            .map(|list| self.items(list).filter_map(|b| self.deref(b)).collect())
            .unwrap_or_default()
    }

    /// The field at a dotted path; `required` only if every segment is required.
    pub fn field(&self, schema: NodeRef, path: &FieldPath) -> Option<Field> {
        let mut at = schema;
        let mut result: Option<Field> = None;
        for segment in &path.segments {
            let field = self.property(at, &segment.name)?;
            let required = result.is_none_or(|r| r.required) && field.required;
            result = Some(Field { required, ..field });
            let next = field.schema;
            at = if segment.each_item {
                next.and_then(|s| self.get_deref(s, "items"))?
            } else {
                match next {
                    Some(s) => s,
                    None => {
                        return result
                            .filter(|_| segment == path.segments.last().expect("non-empty"));
                    }
                }
            };
        }
        result
    }

    /// The types a schema admits (`type`, 3.1 type arrays, `nullable`, `enum`/`const` values,
    /// `allOf` and `oneOf`/`anyOf` branches).
    pub fn types(&self, schema: NodeRef) -> Types {
        self.types_in(schema, &mut Visited::default())
    }

    fn types_in(&self, schema: NodeRef, visited: &mut Visited) -> Types {
        let Some(schema) = self.deref(schema).filter(|s| self.is_mapping(*s)) else {
            return Types::default();
        };
        visited
            .visit(schema, |visited| self.declared_types(schema, visited))
            .unwrap_or_default()
    }

    fn declared_types(&self, schema: NodeRef, visited: &mut Visited) -> Types {
        let mut types = Types::default();
        if let Some(t) = self.get(schema, "type") {
            match self.kind(t) {
                Kind::Sequence => {
                    for item in self.items(t) {
                        types = types.union(Types::from_name(self.str(item).unwrap_or("")));
                    }
                }
                _ => types = Types::from_name(self.str(t).unwrap_or("")),
            }
        }
        if types.is_empty() {
            let values: Vec<NodeRef> = match (self.get(schema, "enum"), self.get(schema, "const")) {
                (Some(list), _) => self.items(list).collect(),
                (None, Some(value)) => vec![value],
                _ => Vec::new(),
            };
            for value in values {
                types = types.union(match self.kind(value) {
                    Kind::String => Types::STRING,
                    Kind::Number
                        if self
                            .scalar(value)
                            .is_some_and(|v| !v.contains(['.', 'e', 'E'])) =>
                    {
                        Types::INTEGER
                    }
                    Kind::Number => Types::NUMBER,
                    Kind::Bool => Types::BOOLEAN,
                    Kind::Null => Types::NULL,
                    Kind::Mapping => Types::OBJECT,
                    Kind::Sequence => Types::ARRAY,
                });
            }
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            for branch in self.subschemas(schema, keyword) {
                types = types.union(self.types_in(branch, visited));
            }
        }
        if self.get(schema, "nullable").and_then(|v| self.as_bool(v)) == Some(true) {
            types = types.union(Types::NULL);
        }
        types
    }
}

/// Two declarations of one field under `allOf`: the first key is the one shown, either one
/// requiring it makes it required.
fn merge_all_of(found: Option<Field>, field: Field) -> Field {
    match found {
        None => field,
        Some(first) => Field {
            key: first.key,
            schema: first.schema.or(field.schema),
            required: first.required || field.required,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocumentSet, LoadOptions};

    fn with_schema(schema_yaml: &str, check: impl FnOnce(&Api<'_>, NodeRef)) {
        let text = format!("openapi: 3.1.0\ncomponents:\n  schemas:\n{schema_yaml}");
        let docs = DocumentSet::load_text("t.yaml".into(), &text, None, LoadOptions::default());
        assert!(docs.problems.is_empty(), "{:?}", docs.problems);
        let api = Api::new(&docs).unwrap();
        let tree = docs.tree(docs.root()).unwrap();
        let node = tree.lookup(["components", "schemas", "E"]).unwrap();
        check(
            &api,
            NodeRef {
                file: docs.root(),
                node,
            },
        );
    }

    #[test]
    fn all_of_merges_properties_and_required() {
        with_schema(
            "    Base: {properties: {code: {type: string}}}\n    E: {allOf: [{$ref: '#/components/schemas/Base'}, {required: [code]}]}\n",
            |api, e| {
                let f = api.property(e, "code").unwrap();
                assert!(f.required);
                assert!(api.types(f.schema.unwrap()).is_string());
            },
        );
    }

    #[test]
    fn one_of_counts_a_field_only_when_every_branch_has_it() {
        with_schema(
            "    E:\n      oneOf:\n        - {required: [code, a], properties: {code: {type: string}, a: {}}}\n        - {required: [code], properties: {code: {type: string}}}\n",
            |api, e| {
                assert!(api.property(e, "code").unwrap().required);
                assert_eq!(api.property(e, "a"), None);
            },
        );
    }

    #[test]
    fn nested_paths_and_arrays() {
        with_schema(
            "    E:\n      required: [errors]\n      properties:\n        errors:\n          type: array\n          items: {required: [code], properties: {code: {type: [string, 'null']}}}\n        error: {properties: {code: {type: integer}}}\n",
            |api, e| {
                let f = api.field(e, &FieldPath::parse("errors[].code")).unwrap();
                assert!(f.required);
                assert!(api.types(f.schema.unwrap()).is_string());
                let g = api.field(e, &FieldPath::parse("error.code")).unwrap();
                assert!(!g.required);
                assert!(api.types(g.schema.unwrap()).is_numeric());
            },
        );
    }

    #[test]
    fn shared_branches_count_for_each_one_of_branch() {
        with_schema(
            "    Base: {required: [code], properties: {code: {type: string}}}\n    A: {allOf: [{$ref: '#/components/schemas/Base'}]}\n    E: {oneOf: [{$ref: '#/components/schemas/A'}, {allOf: [{$ref: '#/components/schemas/Base'}]}]}\n",
            |api, e| assert!(api.property(e, "code").unwrap().required),
        );
    }

    #[test]
    fn diamond_composition_is_bounded() {
        let mut yaml = String::from(
            "    E: {allOf: [{$ref: '#/components/schemas/S1'}, {$ref: '#/components/schemas/S1'}]}\n",
        );
        for i in 1..40 {
            yaml.push_str(&format!(
                "    S{i}: {{allOf: [{{$ref: '#/components/schemas/S{n}'}}, {{$ref: '#/components/schemas/S{n}'}}]}}\n",
                n = i + 1
            ));
        }
        yaml.push_str("    S40: {properties: {code: {type: string}}}\n");
        with_schema(&yaml, |api, e| {
            // The budget stops the walk long before 2^40 visits; the answer may be partial.
            let _ = api.property(e, "code");
            let _ = api.types(e);
        });
    }

    #[test]
    fn recursive_all_of_terminates() {
        with_schema(
            "    E: {allOf: [{$ref: '#/components/schemas/E'}]}\n",
            |api, e| {
                assert_eq!(api.property(e, "code"), None);
            },
        );
    }
}
