//! The JSON Schema types a schema admits, as a bit set that intersects for `allOf` and unites
//! for `oneOf`/`anyOf`.

use super::Api;
use crate::document::{Kind, NodeRef};

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
    pub(super) fn of_value(api: &Api<'_>, value: NodeRef) -> Types {
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
