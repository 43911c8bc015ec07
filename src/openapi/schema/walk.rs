//! The walk through a schema's composition (`allOf`, `oneOf`, `anyOf`, a 3.1 `$ref` beside
//! other keys) along a field path, bounded so recursion and diamonds end.

use super::Api;
use super::constraints::{Constraints, same_value};
use super::types::Types;
use crate::document::{Kind, NodeRef};

/// Schemas one question may visit: composition beyond this is treated as opaque.
const MAX_VISITS: usize = 4_096;
/// Composition nested deeper than this is treated as opaque, which bounds the stack.
const MAX_NESTING: usize = 64;

/// The schemas on the current composition path (so recursion never loops) and a budget of
/// visits for one question (so diamond-shaped composition cannot blow up).
pub(super) struct Visited {
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

/// One step of a walk: into a property, or into an array's items.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step<'p> {
    Property(&'p str),
    Items,
}

/// What is known of one step after a walk.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct StepConstraints {
    pub(super) key: Option<NodeRef>,
    pub(super) required: bool,
}

/// What one part of a schema says about a path: per step, its key and whether it is
/// required; at the end, the field's constraints if this part declares the whole path.
#[derive(Debug)]
pub(super) struct Partial {
    pub(super) steps: Vec<StepConstraints>,
    pub(super) leaf: Option<Constraints>,
    pub(super) lacking: Option<NodeRef>,
    pub(super) opaque: bool,
}

impl Partial {
    fn absent(steps: usize) -> Self {
        Partial {
            steps: vec![StepConstraints::default(); steps],
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
            partial.leaf = Some(Constraints {
                opaque: true,
                ..Constraints::default()
            });
        }
        partial
    }

    /// Both parts hold: a step is required if either requires it; constraints intersect.
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
    /// is required only if every branch requires it, and the constraints are the union.
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
            .reduce(Constraints::or);
        out
    }
}

impl<'d> Api<'d> {
    pub(super) fn walk(
        &self,
        schema: NodeRef,
        steps: &[Step<'_>],
        visited: &mut Visited,
    ) -> Partial {
        let Some(schema) = self.schema_node(schema) else {
            return Partial::opaque(steps.len());
        };
        if !self.is_mapping(schema) {
            // A boolean schema (3.1) or a malformed one says nothing errlint reads.
            return match steps.is_empty() {
                true => Partial {
                    leaf: Some(Constraints::default()),
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
                leaf: Some(self.own_constraints(schema)),
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
    fn own_constraints(&self, schema: NodeRef) -> Constraints {
        let mut constraints = Constraints {
            schemas: vec![schema],
            ..Constraints::default()
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
                constraints.types = types;
            }
        }
        let listed = self
            .get(schema, "enum")
            .map(|l| self.items(l).collect::<Vec<_>>());
        let constant = self.get(schema, "const").map(|c| vec![c]);
        constraints.values = match (listed, constant) {
            (Some(listed), Some(constant)) => Some(
                listed
                    .into_iter()
                    .filter(|v| same_value(self, *v, constant[0]))
                    .collect(),
            ),
            (listed, constant) => listed.or(constant),
        };
        if let Some(values) = &constraints.values {
            let admitted = values
                .iter()
                .fold(Types::NONE, |all, v| all.union(Types::of_value(self, *v)));
            // `type: number` with `enum: [1, 2]` admits integers only.
            constraints.types = constraints.types.intersection(admitted);
        }
        constraints.examples = self.own_examples(schema);
        constraints
    }
}
