//! What the schemas that apply to one value say about it, merged for `allOf` and for
//! `oneOf`/`anyOf`.

use super::Api;
use super::types::Types;
use crate::document::NodeRef;

/// What every schema that applies to one value says about it, together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Constraints {
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

impl Constraints {
    /// Both hold (`allOf`).
    pub(super) fn and(mut self, api: &Api<'_>, other: Constraints) -> Constraints {
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
    pub(super) fn or(mut self, other: Constraints) -> Constraints {
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
pub(super) fn same_value(api: &Api<'_>, a: NodeRef, b: NodeRef) -> bool {
    a == b
        || (api.kind(a) == api.kind(b) && api.scalar(a).is_some() && api.scalar(a) == api.scalar(b))
}
