//! Schema reasoning, as JSON Schema reads a schema: every keyword of a schema applies at once.
//! `allOf` branches (and, from OpenAPI 3.1, the target of a `$ref` written beside other keys)
//! are a conjunction: a property's constraints are merged across every declaration, whichever branch
//! comes first. `oneOf`/`anyOf` are a disjunction: a field counts only if every branch has it,
//! and its values are the union of the branches'. Nothing here knows about error contracts.

mod constraints;
mod field_path;
mod tree;
mod types;
mod walk;

pub use constraints::Constraints;
pub use field_path::{FieldPath, Segment};
pub use tree::TreeField;
pub use types::Types;

use super::Api;
use crate::document::{Kind, NodeRef};
use walk::{Step, Visited};

/// The first step of a field path that is not required: where a chain of requirements breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionalStep {
    /// The path up to that step: `errors` in `errors[].code`.
    pub path: String,
    /// Its property name: what must be listed in `required`.
    pub name: String,
    /// Its key, to underline.
    pub key: NodeRef,
}

/// A field found at a path of a schema, merged across every declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field's property key (its first declaration in the files): what a finding
    /// underlines.
    pub key: NodeRef,
    /// The first step of the path that is not required, if any.
    pub optional: Option<OptionalStep>,
    /// The steps after it that are not required either (`code` in `error.code` when neither
    /// is), outermost first.
    pub more_optional: Vec<OptionalStep>,
    /// What all declarations of the field say about its value.
    pub constraints: Constraints,
}

impl Field {
    /// Every step of the path is required.
    pub fn required(&self) -> bool {
        self.optional.is_none()
    }
}

/// The answer to "where is this field?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(Field),
    /// Not declared. `lacking` is a `oneOf`/`anyOf` branch without it while others have it;
    /// `opaque` says a part of the schema could not be read, so absence is not certain.
    Absent {
        lacking: Option<NodeRef>,
        opaque: bool,
    },
}

impl Lookup {
    pub fn found(self) -> Option<Field> {
        match self {
            Lookup::Found(field) => Some(field),
            Lookup::Absent { .. } => None,
        }
    }
}

impl<'d> Api<'d> {
    /// True from OpenAPI 3.1 on, where a Schema Object's keys beside `$ref` apply (JSON Schema
    /// 2020-12) instead of being ignored.
    pub fn ref_siblings_apply(&self) -> bool {
        self.version.is_31_or_later()
    }

    /// The schema a node stands for: a `$ref` is followed, except in 3.1 when keys beside it
    /// apply — then the node itself is the schema and its `$ref` one of its `allOf` parts.
    /// `None` when the `$ref` does not resolve.
    pub fn schema_node(&self, at: NodeRef) -> Option<NodeRef> {
        let tree = self.tree(at);
        if tree.has_ref(at.node) && self.ref_siblings_apply() && tree.child_count(at.node) > 1 {
            return Some(at);
        }
        self.deref(at)
    }

    /// The field at a dotted path of a schema, merged across every declaration.
    pub fn field(&self, schema: NodeRef, path: &FieldPath) -> Lookup {
        self.field_and_own_requirement(schema, path).0
    }

    /// The field at a path, and whether the object that holds its last step requires it
    /// (`error.type` may be required inside an optional `error`).
    fn field_and_own_requirement(&self, schema: NodeRef, path: &FieldPath) -> (Lookup, bool) {
        let mut steps: Vec<Step<'_>> = Vec::new();
        let mut named: Vec<(usize, usize)> = Vec::new();
        for (index, segment) in path.segments.iter().enumerate() {
            named.push((steps.len(), index));
            steps.push(Step::Property(&segment.name));
            if segment.each_item {
                steps.push(Step::Items);
            }
        }
        let walked = self.walk(schema, &steps, &mut Visited::default());
        let absent = |lacking, opaque| (Lookup::Absent { lacking, opaque }, false);
        let Some(constraints) = walked.leaf else {
            return absent(walked.lacking, walked.opaque);
        };
        let Some(&(leaf_step, _)) = named.last() else {
            return absent(None, false);
        };
        let Some(key) = walked.steps[leaf_step].key else {
            return absent(None, walked.opaque);
        };
        let own_requirement = walked.steps[leaf_step].required;
        let mut optional_steps = named.iter().filter_map(|&(step, segment)| {
            let constraints = walked.steps[step];
            (!constraints.required).then(|| OptionalStep {
                path: path.prefix(segment),
                name: path.segments[segment].name.clone(),
                key: constraints.key.unwrap_or(key),
            })
        });
        let optional = optional_steps.next();
        let more_optional = optional_steps.collect();
        let field = Field {
            key,
            optional,
            more_optional,
            constraints,
        };
        (Lookup::Found(field), own_requirement)
    }

    /// What a schema, with all its composition, says about the value it describes.
    pub fn constraints(&self, schema: NodeRef) -> Constraints {
        self.walk(schema, &[], &mut Visited::default())
            .leaf
            .unwrap_or_default()
    }

    /// The property names a schema declares, through all its composition, in the order of the
    /// walk, each with its first key in the files.
    pub fn property_keys(&self, schema: NodeRef) -> Vec<(String, NodeRef)> {
        self.declared_keys(&self.constraints(schema))
    }

    /// The property names the schemas behind some constraints declare, each with its first key.
    pub fn declared_keys(&self, constraints: &Constraints) -> Vec<(String, NodeRef)> {
        let mut out: Vec<(String, NodeRef)> = Vec::new();
        for &part in &constraints.schemas {
            let Some(props) = self.get(part, "properties") else {
                continue;
            };
            for (key, _) in self.entries(props) {
                let name = self.scalar(key).unwrap_or_default();
                match out.iter_mut().find(|(n, _)| n == name) {
                    // The first declaration in the files, whichever branch comes first.
                    Some((_, first)) => *first = (*first).min(key),
                    None => out.push((name.to_string(), key)),
                }
            }
        }
        out
    }

    /// True when the schema's own `required` list names `name`.
    pub fn requires(&self, schema: NodeRef, name: &str) -> bool {
        self.get(schema, "required")
            .is_some_and(|list| self.items(list).any(|i| self.str(i) == Some(name)))
    }

    /// A schema's own literal examples: `example`, and 3.1's `examples` list.
    pub fn own_examples(&self, schema: NodeRef) -> Vec<NodeRef> {
        let listed = self
            .get(schema, "examples")
            .filter(|e| self.kind(*e) == Kind::Sequence);
        self.get(schema, "example")
            .into_iter()
            .chain(listed.into_iter().flat_map(|e| self.items(e)))
            .collect()
    }
}

/// The edit that makes the property whose key is `property_key` required in the schema that
/// declares it (`required: [name]` or one more item), when that schema is written out around
/// the key (not merged in from elsewhere) and the name is not listed yet.
pub fn require_property(
    api: &Api<'_>,
    property_key: NodeRef,
) -> Option<crate::document::edit::Edit> {
    let tree = api.tree(property_key);
    let name = tree.scalar(property_key.node)?;
    let properties = tree.parent(property_key.node)?;
    let schema = tree.parent(properties)?;
    let properties_key = tree.key_of(properties)?;
    let within = |inner: crate::document::NodeId, outer: crate::document::NodeId| {
        let (i, o) = (tree.span(inner), tree.span(outer));
        o.start <= i.start && i.end <= o.end
    };
    let declared_here = tree.scalar_is(properties_key, "properties")
        && within(property_key.node, properties)
        && within(properties_key, schema);
    if !declared_here {
        return None;
    }
    crate::document::edit::add_to_required(tree, schema, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocumentSet, LoadOptions};

    /// Runs `check` on the schema `E` of a document whose `components.schemas` are
    /// `schema_yaml` (the schema modules' tests share it).
    pub(super) fn with_schema(
        version: &str,
        schema_yaml: &str,
        check: impl FnOnce(&Api<'_>, NodeRef),
    ) {
        let text = format!("openapi: {version}\ncomponents:\n  schemas:\n{schema_yaml}");
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

    fn found(api: &Api<'_>, schema: NodeRef, path: &str) -> Field {
        match api.field(schema, &FieldPath::parse(path)) {
            Lookup::Found(field) => field,
            other => panic!("`{path}` not found: {other:?}"),
        }
    }

    fn texts(api: &Api<'_>, nodes: &[NodeRef]) -> Vec<String> {
        nodes
            .iter()
            .map(|n| api.scalar(*n).unwrap_or("?").to_string())
            .collect()
    }

    #[test]
    fn all_of_merges_properties_and_required() {
        with_schema(
            "3.0.3",
            "    Base: {properties: {code: {type: string}}}\n    E: {allOf: [{$ref: '#/components/schemas/Base'}, {required: [code]}]}\n",
            |api, e| {
                let f = found(api, e, "code");
                assert!(f.required());
                assert!(f.constraints.types.is_string());
            },
        );
    }

    #[test]
    fn all_of_reads_every_declaration_of_a_property_whatever_the_order() {
        for branches in [
            "[{$ref: '#/components/schemas/Base'}, {properties: {code: {enum: [A, B]}}}]",
            "[{properties: {code: {enum: [A, B]}}}, {$ref: '#/components/schemas/Base'}]",
        ] {
            with_schema(
                "3.0.3",
                &format!(
                    "    Base: {{required: [code], properties: {{code: {{type: string, enum: [B, C]}}}}}}\n    E: {{allOf: {branches}}}\n"
                ),
                |api, e| {
                    let f = found(api, e, "code");
                    assert!(f.required());
                    assert!(f.constraints.types.is_string());
                    assert_eq!(texts(api, f.constraints.values.as_deref().unwrap()), ["B"]);
                },
            );
        }
    }

    #[test]
    fn a_type_in_a_later_branch_types_the_field() {
        with_schema(
            "3.0.3",
            "    E: {allOf: [{properties: {code: {description: x}}}, {properties: {code: {type: integer}}}]}\n",
            |api, e| assert!(found(api, e, "code").constraints.types.is_integer()),
        );
    }

    #[test]
    fn types_intersect_and_number_admits_integers() {
        with_schema(
            "3.0.3",
            "    E: {allOf: [{properties: {n: {type: number}}}, {properties: {n: {type: integer}}}, {properties: {s: {type: string}}}, {properties: {s: {type: integer}}}]}\n",
            |api, e| {
                assert!(found(api, e, "n").constraints.types.is_integer());
                assert!(found(api, e, "s").constraints.types.is_none());
            },
        );
    }

    #[test]
    fn one_of_counts_a_field_only_when_every_branch_has_it() {
        with_schema(
            "3.0.3",
            "    E:\n      oneOf:\n        - {required: [code, a], properties: {code: {type: string}, a: {}}}\n        - {required: [code], properties: {code: {type: string}}}\n",
            |api, e| {
                assert!(found(api, e, "code").required());
                let Lookup::Absent { lacking, opaque } = api.field(e, &FieldPath::parse("a"))
                else {
                    panic!("`a` is in one branch only");
                };
                assert!(!opaque);
                let second = api
                    .tree(e)
                    .lookup(["components", "schemas", "E", "oneOf", "1"]);
                assert_eq!(lacking.map(|n| n.node), second.ok());
            },
        );
    }

    #[test]
    fn one_of_on_a_value_unions_the_values() {
        with_schema(
            "3.0.3",
            "    E:\n      properties:\n        code:\n          oneOf: [{enum: [A, B]}, {$ref: '#/components/schemas/More'}]\n    More: {type: string, enum: [C]}\n",
            |api, e| {
                let f = found(api, e, "code");
                assert_eq!(
                    texts(api, f.constraints.values.as_deref().unwrap()),
                    ["A", "B", "C"]
                );
                assert!(f.constraints.types.is_string());
            },
        );
    }

    #[test]
    fn an_open_branch_opens_the_set() {
        with_schema(
            "3.0.3",
            "    E: {properties: {code: {anyOf: [{enum: [A]}, {type: string}]}}}\n",
            |api, e| assert_eq!(found(api, e, "code").constraints.values, None),
        );
    }

    #[test]
    fn nested_paths_and_arrays() {
        with_schema(
            "3.1.0",
            "    E:\n      required: [errors]\n      properties:\n        errors:\n          type: array\n          items: {required: [code], properties: {code: {type: [string, 'null']}}}\n        error: {properties: {code: {type: integer}}}\n",
            |api, e| {
                let f = found(api, e, "errors[].code");
                assert!(f.required());
                assert!(f.constraints.types.is_string());
                let g = found(api, e, "error.code");
                assert!(!g.required());
                assert_eq!(g.optional.as_ref().unwrap().path, "error");
                assert!(g.constraints.types.is_numeric());
            },
        );
    }

    #[test]
    fn the_optional_step_is_the_first_one_not_required() {
        with_schema(
            "3.0.3",
            "    E:\n      properties:\n        errors:\n          type: array\n          items: {required: [code], properties: {code: {type: string}}}\n",
            |api, e| {
                let step = found(api, e, "errors[].code").optional.unwrap();
                assert_eq!(
                    (step.path.as_str(), step.name.as_str()),
                    ("errors", "errors")
                );
                assert_eq!(api.scalar(step.key), Some("errors"));
            },
        );
    }

    #[test]
    fn nested_objects_merge_across_branches() {
        with_schema(
            "3.0.3",
            "    E:\n      required: [error]\n      allOf:\n        - properties: {error: {properties: {code: {type: string}}}}\n        - properties: {error: {required: [code]}}\n",
            |api, e| assert!(found(api, e, "error.code").required()),
        );
    }

    #[test]
    fn keys_beside_ref_apply_from_3_1_only() {
        let schemas = "    Base: {properties: {code: {type: string}}}\n    E: {$ref: '#/components/schemas/Base', required: [code]}\n";
        with_schema("3.1.0", schemas, |api, e| {
            assert!(found(api, e, "code").required());
        });
        with_schema("3.0.3", schemas, |api, e| {
            assert!(!found(api, e, "code").required());
        });
    }

    #[test]
    fn an_unresolved_branch_makes_absence_uncertain() {
        let text = "openapi: 3.0.3\ncomponents:\n  schemas:\n    E: {allOf: [{$ref: '#/components/schemas/Nope'}]}\n";
        let docs = DocumentSet::load_text("t.yaml".into(), text, None, LoadOptions::default());
        let api = Api::new(&docs).unwrap();
        let tree = docs.tree(docs.root()).unwrap();
        let e = NodeRef {
            file: docs.root(),
            node: tree.lookup(["components", "schemas", "E"]).unwrap(),
        };
        assert_eq!(
            api.field(e, &FieldPath::parse("code")),
            Lookup::Absent {
                lacking: None,
                opaque: true
            }
        );
    }

    #[test]
    fn schema_examples_are_collected() {
        with_schema(
            "3.1.0",
            "    E:\n      allOf: [{example: {code: A}}]\n      examples: [{code: B}]\n      properties: {code: {examples: [C]}}\n",
            |api, e| {
                assert_eq!(api.constraints(e).examples.len(), 2);
                assert_eq!(
                    texts(api, &found(api, e, "code").constraints.examples),
                    ["C"]
                );
            },
        );
    }

    #[test]
    fn shared_branches_count_for_each_one_of_branch() {
        with_schema(
            "3.0.3",
            "    Base: {required: [code], properties: {code: {type: string}}}\n    A: {allOf: [{$ref: '#/components/schemas/Base'}]}\n    E: {oneOf: [{$ref: '#/components/schemas/A'}, {allOf: [{$ref: '#/components/schemas/Base'}]}]}\n",
            |api, e| assert!(found(api, e, "code").required()),
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
        with_schema("3.0.3", &yaml, |api, e| {
            // The budget stops the walk long before 2^40 visits; the answer may be partial.
            let _ = api.field(e, &FieldPath::parse("code"));
            let _ = api.constraints(e);
        });
    }

    #[test]
    fn recursive_all_of_terminates() {
        with_schema(
            "3.0.3",
            "    E: {allOf: [{$ref: '#/components/schemas/E'}]}\n",
            |api, e| {
                assert!(api.field(e, &FieldPath::parse("code")).found().is_none());
            },
        );
    }
}
