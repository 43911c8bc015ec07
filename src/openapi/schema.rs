//! Schema reasoning, as JSON Schema reads a schema: every keyword of a schema applies at once.
//! `allOf` branches (and, from OpenAPI 3.1, the target of a `$ref` written beside other keys)
//! are a conjunction: a property's facts are merged across every declaration, whichever branch
//! comes first. `oneOf`/`anyOf` are a disjunction: a field counts only if every branch has it,
//! and its values are the union of the branches'. Nothing here knows about error contracts.

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

/// JSON Schema types a schema admits, as a bit set. `number` admits integers too, so its bit
/// set includes `INTEGER`; a schema that says nothing about its type admits [`Types::ANY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Types(u8);

impl Default for Types {
    fn default() -> Self {
        Types::ANY
    }
}

impl Types {
    pub const NONE: Types = Types(0);
    pub const NULL: Types = Types(1);
    pub const BOOLEAN: Types = Types(2);
    pub const INTEGER: Types = Types(4);
    /// Any number, integers included.
    pub const NUMBER: Types = Types(8 | 4);
    pub const STRING: Types = Types(16);
    pub const ARRAY: Types = Types(32);
    pub const OBJECT: Types = Types(64);
    pub const ANY: Types = Types(127);

    /// The type a `type` keyword names; `None` for a name JSON Schema does not have.
    pub fn named(name: &str) -> Option<Types> {
        Some(match name {
            "null" => Types::NULL,
            "boolean" => Types::BOOLEAN,
            "integer" => Types::INTEGER,
            "number" => Types::NUMBER,
            "string" => Types::STRING,
            "array" => Types::ARRAY,
            "object" => Types::OBJECT,
            _ => return None,
        })
    }

    /// The type of one literal value (an `enum` or `const` entry).
    fn of_value(api: &Api<'_>, value: NodeRef) -> Types {
        match api.kind(value) {
            Kind::String => Types::STRING,
            Kind::Number
                if api
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
        }
    }

    /// True when every type in `other` is admitted.
    pub fn contains(self, other: Types) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// True when some value has both a type of `self` and one of `other`.
    pub fn overlaps(self, other: Types) -> bool {
        self.0 & other.0 != 0
    }

    /// Nothing constrains the type.
    pub fn is_any(self) -> bool {
        self == Types::ANY
    }

    /// No value can satisfy every declaration.
    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    pub fn union(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    pub fn intersection(self, other: Types) -> Types {
        Types(self.0 & other.0)
    }

    /// Only string (or string and null).
    pub fn is_string(self) -> bool {
        Types(self.0 & !Types::NULL.0) == Types::STRING
    }

    /// Only numbers (integers or not), perhaps with null.
    pub fn is_numeric(self) -> bool {
        let without_null = self.0 & !Types::NULL.0;
        without_null != 0 && without_null & !Types::NUMBER.0 == 0
    }

    /// Only integers, perhaps with null.
    pub fn is_integer(self) -> bool {
        Types(self.0 & !Types::NULL.0) == Types::INTEGER
    }

    /// `string`, `integer or null`, `untyped`, or `of no type` when declarations contradict.
    pub fn describe(self) -> String {
        if self.is_any() {
            return "untyped".into();
        }
        if self.is_none() {
            return "of no type (its declarations contradict each other)".into();
        }
        let names = [
            (Types::STRING, "string"),
            (Types::NUMBER, "number"),
            (Types::INTEGER, "integer"),
            (Types::BOOLEAN, "boolean"),
            (Types::OBJECT, "object"),
            (Types::ARRAY, "array"),
            (Types::NULL, "null"),
        ];
        let mut left = self;
        let mut parts: Vec<&str> = Vec::new();
        for (t, name) in names {
            if left.contains(t) {
                parts.push(name);
                left = Types(left.0 & !t.0);
            }
        }
        parts.join(" or ")
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

    /// The path up to and including segment `index`, as written (`errors[]` keeps its `[]`
    /// only when more follows).
    fn prefix(&self, index: usize) -> String {
        let mut out = String::new();
        for (i, segment) in self.segments[..=index].iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&segment.name);
            if segment.each_item && i < index {
                out.push_str("[]");
            }
        }
        out
    }
}

/// What every schema that applies to one value says about it, together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// The types a value may have ([`Types::ANY`] when nothing says).
    pub types: Types,
    /// The closed set of values (`enum`, `const`), when there is one: one node per value.
    pub values: Option<Vec<NodeRef>>,
    /// Schema-level `example` and 3.1 `examples` entries.
    pub examples: Vec<NodeRef>,
    /// Every schema that took part, dereferenced, in document order of the walk.
    pub schemas: Vec<NodeRef>,
    /// A `$ref` that did not resolve, or composition too deep to follow, hid a part.
    pub opaque: bool,
}

impl Facts {
    /// Both hold (`allOf`).
    fn and(mut self, api: &Api<'_>, other: Facts) -> Facts {
        self.types = self.types.intersection(other.types);
        self.values = match (self.values, other.values) {
            // Each common value is shown at its first place in the files, whichever branch
            // comes first: reordering branches must not move a finding.
            (Some(mine), Some(theirs)) => Some(
                mine.into_iter()
                    .filter_map(|v| {
                        let twin = theirs.iter().find(|t| same_value(api, v, **t))?;
                        Some(v.min(*twin))
                    })
                    .collect(),
            ),
            (mine, theirs) => mine.or(theirs),
        };
        self.examples.extend(other.examples);
        self.schemas.extend(other.schemas);
        self.opaque |= other.opaque;
        self
    }

    /// One or the other holds (`oneOf`, `anyOf`).
    fn or(mut self, other: Facts) -> Facts {
        self.types = self.types.union(other.types);
        self.values = match (self.values, other.values) {
            (Some(mut mine), Some(theirs)) => {
                mine.extend(theirs);
                Some(mine)
            }
            _ => None,
        };
        self.examples.extend(other.examples);
        self.schemas.extend(other.schemas);
        self.opaque |= other.opaque;
        self
    }
}

/// Two literal values are the same scalar (containers are compared by identity).
fn same_value(api: &Api<'_>, a: NodeRef, b: NodeRef) -> bool {
    a == b
        || (api.kind(a) == api.kind(b) && api.scalar(a).is_some() && api.scalar(a) == api.scalar(b))
}

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
    /// What all declarations of the field say about its value.
    pub facts: Facts,
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

/// One step of a walk: into a property, or into an array's items.
#[derive(Debug, Clone, Copy)]
enum Step<'p> {
    Property(&'p str),
    Items,
}

/// What is known of one step after a walk.
#[derive(Debug, Clone, Copy, Default)]
struct StepFacts {
    key: Option<NodeRef>,
    required: bool,
}

/// What one part of a schema says about a path: per step, its key and whether it is
/// required; at the end, the field's facts if this part declares the whole path.
#[derive(Debug)]
struct Partial {
    steps: Vec<StepFacts>,
    leaf: Option<Facts>,
    lacking: Option<NodeRef>,
    opaque: bool,
}

impl Partial {
    fn absent(steps: usize) -> Self {
        Partial {
            steps: vec![StepFacts::default(); steps],
            leaf: None,
            lacking: None,
            opaque: false,
        }
    }

    /// A part errlint cannot read (an unresolved `$ref`, composition beyond the budget).
    fn opaque(steps: usize) -> Self {
        let mut partial = Partial::absent(steps);
        partial.opaque = true;
        if steps == 0 {
            partial.leaf = Some(Facts {
                opaque: true,
                ..Facts::default()
            });
        }
        partial
    }

    /// Both parts hold: a step is required if either requires it; facts intersect.
    fn and(mut self, api: &Api<'_>, other: Partial) -> Partial {
        for (mine, theirs) in self.steps.iter_mut().zip(other.steps) {
            // The declaration shown is the first in the files, not the first branch's.
            mine.key = match (mine.key, theirs.key) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            mine.required |= theirs.required;
        }
        self.leaf = match (self.leaf, other.leaf) {
            (Some(mine), Some(theirs)) => Some(mine.and(api, theirs)),
            (mine, theirs) => mine.or(theirs),
        };
        self.lacking = if self.leaf.is_some() {
            None
        } else {
            self.lacking.or(other.lacking)
        };
        self.opaque |= other.opaque;
        self
    }

    /// One of the branches holds: the path counts only if every branch declares it, a step
    /// is required only if every branch requires it, and the facts are the union.
    fn or(branches: Vec<(NodeRef, Partial)>) -> Partial {
        let steps = branches.first().map_or(0, |(_, p)| p.steps.len());
        let mut out = Partial::absent(steps);
        for (i, step) in out.steps.iter_mut().enumerate() {
            step.required = branches.iter().all(|(_, p)| p.steps[i].required);
        }
        out.opaque = branches.iter().any(|(_, p)| p.opaque);
        if let Some((branch, _)) = branches.iter().find(|(_, p)| p.leaf.is_none()) {
            // A branch is singled out only when others declare the path.
            let others_have_it = branches.iter().any(|(_, p)| p.leaf.is_some());
            if !out.opaque && others_have_it {
                out.lacking = Some(*branch);
            }
            return out;
        }
        for (i, step) in out.steps.iter_mut().enumerate() {
            // Show the declaration that makes the step optional, if one does.
            let shown = branches
                .iter()
                .find(|(_, p)| !p.steps[i].required)
                .or(branches.first());
            step.key = shown.and_then(|(_, p)| p.steps[i].key);
        }
        out.leaf = branches
            .into_iter()
            .filter_map(|(_, p)| p.leaf)
            .reduce(Facts::or);
        out
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
        let Some(facts) = walked.leaf else {
            return Lookup::Absent {
                lacking: walked.lacking,
                opaque: walked.opaque,
            };
        };
        let Some(&(leaf_step, _)) = named.last() else {
            return Lookup::Absent {
                lacking: None,
                opaque: false,
            };
        };
        let Some(key) = walked.steps[leaf_step].key else {
            return Lookup::Absent {
                lacking: None,
                opaque: walked.opaque,
            };
        };
        let optional = named.iter().find_map(|&(step, segment)| {
            let facts = walked.steps[step];
            (!facts.required).then(|| OptionalStep {
                path: path.prefix(segment),
                name: path.segments[segment].name.clone(),
                key: facts.key.unwrap_or(key),
            })
        });
        Lookup::Found(Field {
            key,
            optional,
            facts,
        })
    }

    /// What a schema, with all its composition, says about the value it describes.
    pub fn facts(&self, schema: NodeRef) -> Facts {
        self.walk(schema, &[], &mut Visited::default())
            .leaf
            .unwrap_or_default()
    }

    /// The property names a schema declares, through all its composition, in the order of the
    /// walk, each with its first key in the files.
    pub fn property_keys(&self, schema: NodeRef) -> Vec<(String, NodeRef)> {
        self.declared_keys(&self.facts(schema))
    }

    /// The property names the schemas behind some facts declare, each with its first key.
    pub fn declared_keys(&self, facts: &Facts) -> Vec<(String, NodeRef)> {
        let mut out: Vec<(String, NodeRef)> = Vec::new();
        for &part in &facts.schemas {
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

    fn walk(&self, schema: NodeRef, steps: &[Step<'_>], visited: &mut Visited) -> Partial {
        let Some(schema) = self.schema_node(schema) else {
            return Partial::opaque(steps.len());
        };
        if !self.is_mapping(schema) {
            // A boolean schema (3.1) or a malformed one says nothing errlint reads.
            return match steps.is_empty() {
                true => Partial {
                    leaf: Some(Facts::default()),
                    ..Partial::absent(0)
                },
                false => Partial::absent(steps.len()),
            };
        }
        visited
            .visit(schema, |visited| {
                self.walk_composition(schema, steps, visited)
            })
            .unwrap_or_else(|| Partial::opaque(steps.len()))
    }

    fn walk_composition(
        &self,
        schema: NodeRef,
        steps: &[Step<'_>],
        visited: &mut Visited,
    ) -> Partial {
        let mut partial = match steps.split_first() {
            None => Partial {
                leaf: Some(self.own_facts(schema)),
                ..Partial::absent(0)
            },
            Some((step, rest)) => self.own_step(schema, *step, rest, visited),
        };
        if let Some(list) = self.get(schema, "allOf") {
            for branch in self.items(list) {
                let branch = self.walk(branch, steps, visited);
                partial = partial.and(self, branch);
            }
        }
        if self.tree(schema).has_ref(schema.node) {
            // Only reached in 3.1 with keys beside the `$ref`: its target is one more part.
            let target = match self.deref(schema) {
                Some(target) => self.walk(target, steps, visited),
                None => Partial::opaque(steps.len()),
            };
            partial = partial.and(self, target);
        }
        for keyword in ["oneOf", "anyOf"] {
            let Some(list) = self.get(schema, keyword) else {
                continue;
            };
            let branches: Vec<(NodeRef, Partial)> = self
                .items(list)
                .map(|b| (b, self.walk(b, steps, visited)))
                .collect();
            if !branches.is_empty() {
                partial = partial.and(self, Partial::or(branches));
            }
        }
        partial
    }

    /// What the schema itself (not its composition) says about the first step of a path.
    fn own_step(
        &self,
        schema: NodeRef,
        step: Step<'_>,
        rest: &[Step<'_>],
        visited: &mut Visited,
    ) -> Partial {
        let (required, declared) = match step {
            Step::Property(name) => (
                self.requires(schema, name),
                self.get(schema, "properties").and_then(|props| {
                    let (key, value) = self.tree(props).get_entry(props.node, name)?;
                    let at = |node| NodeRef {
                        file: props.file,
                        node,
                    };
                    Some((at(key), at(value)))
                }),
            ),
            // An array's items are there whenever the array is.
            Step::Items => (true, self.get(schema, "items").map(|items| (items, items))),
        };
        let mut partial = Partial::absent(1 + rest.len());
        partial.steps[0].required = required;
        if let Some((key, value)) = declared {
            partial.steps[0].key = Some(key);
            let inner = self.walk(value, rest, visited);
            partial.steps[1..].copy_from_slice(&inner.steps);
            partial.leaf = inner.leaf;
            partial.lacking = inner.lacking;
            partial.opaque = inner.opaque;
        }
        partial
    }

    /// What the schema itself says about a value: `type` (3.0 `nullable` adds null), `enum`
    /// and `const` (which also fix the type when `type` is absent), `example` and `examples`.
    fn own_facts(&self, schema: NodeRef) -> Facts {
        let mut facts = Facts {
            schemas: vec![schema],
            ..Facts::default()
        };
        if let Some(declared) = self.get(schema, "type") {
            let names: Vec<NodeRef> = match self.kind(declared) {
                Kind::Sequence => self.items(declared).collect(),
                _ => vec![declared],
            };
            // An unknown type name constrains nothing errlint can read.
            let types = names.iter().try_fold(Types::NONE, |all, name| {
                Some(all.union(Types::named(self.str(*name)?)?))
            });
            if let Some(mut types) = types {
                if self.get(schema, "nullable").and_then(|v| self.as_bool(v)) == Some(true) {
                    types = types.union(Types::NULL);
                }
                facts.types = types;
            }
        }
        let listed = self
            .get(schema, "enum")
            .map(|l| self.items(l).collect::<Vec<_>>());
        let constant = self.get(schema, "const").map(|c| vec![c]);
        facts.values = match (listed, constant) {
            (Some(listed), Some(constant)) => Some(
                listed
                    .into_iter()
                    .filter(|v| same_value(self, *v, constant[0]))
                    .collect(),
            ),
            (listed, constant) => listed.or(constant),
        };
        if let Some(values) = &facts.values {
            let admitted = values
                .iter()
                .fold(Types::NONE, |all, v| all.union(Types::of_value(self, *v)));
            // `type: number` with `enum: [1, 2]` admits integers only.
            facts.types = facts.types.intersection(admitted);
        }
        facts.examples = self.own_examples(schema);
        facts
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

    fn with_schema(version: &str, schema_yaml: &str, check: impl FnOnce(&Api<'_>, NodeRef)) {
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
                assert!(f.facts.types.is_string());
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
                    assert!(f.facts.types.is_string());
                    assert_eq!(texts(api, f.facts.values.as_deref().unwrap()), ["B"]);
                },
            );
        }
    }

    #[test]
    fn a_type_in_a_later_branch_types_the_field() {
        with_schema(
            "3.0.3",
            "    E: {allOf: [{properties: {code: {description: x}}}, {properties: {code: {type: integer}}}]}\n",
            |api, e| assert!(found(api, e, "code").facts.types.is_integer()),
        );
    }

    #[test]
    fn types_intersect_and_number_admits_integers() {
        with_schema(
            "3.0.3",
            "    E: {allOf: [{properties: {n: {type: number}}}, {properties: {n: {type: integer}}}, {properties: {s: {type: string}}}, {properties: {s: {type: integer}}}]}\n",
            |api, e| {
                assert!(found(api, e, "n").facts.types.is_integer());
                assert!(found(api, e, "s").facts.types.is_none());
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
                    texts(api, f.facts.values.as_deref().unwrap()),
                    ["A", "B", "C"]
                );
                assert!(f.facts.types.is_string());
            },
        );
    }

    #[test]
    fn an_open_branch_opens_the_set() {
        with_schema(
            "3.0.3",
            "    E: {properties: {code: {anyOf: [{enum: [A]}, {type: string}]}}}\n",
            |api, e| assert_eq!(found(api, e, "code").facts.values, None),
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
                assert!(f.facts.types.is_string());
                let g = found(api, e, "error.code");
                assert!(!g.required());
                assert_eq!(g.optional.as_ref().unwrap().path, "error");
                assert!(g.facts.types.is_numeric());
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
                assert_eq!(api.facts(e).examples.len(), 2);
                assert_eq!(texts(api, &found(api, e, "code").facts.examples), ["C"]);
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
            let _ = api.facts(e);
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
