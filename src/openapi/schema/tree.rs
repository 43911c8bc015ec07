//! A schema's fields at every depth, as one list in depth-first order: `error`, `error.type`,
//! `errors[].code`. What the reference page shows of an envelope and where inference looks
//! for a code field under another name.

use super::{Api, Constraints, Field, FieldPath, Lookup, Types};
use crate::document::NodeRef;

/// Deeper nesting than this is not listed: an envelope is read by people, and a recursive
/// schema (a `cause` that is an error) must end.
const MAX_DEPTH: usize = 6;
/// More fields than this are not looked up for one tree, whatever the depth.
const MAX_LOOKUPS: usize = 2_000;
/// An object below the top level with more fields than this below it is listed but not
/// opened: it is a resource the error embeds (Stripe's `error.payment_intent` or, in 2020,
/// `error.payment_method`, with their own hundreds of fields), not part of the envelope, and
/// opening it would bury the envelope's own fields. A top-level object (`error`, `fault`)
/// is the envelope's own and always opens.
const MAX_NESTED_FIELDS: usize = 24;

/// One field of a schema's tree.
#[derive(Debug, Clone)]
pub struct TreeField {
    /// From the root: `error.type`, `errors[].code`.
    pub path: String,
    /// 0 for a top-level field.
    pub depth: usize,
    /// What every declaration of the field says, merged.
    pub field: Field,
    /// The object that holds it requires it (whether or not that object is itself required).
    pub required_in_parent: bool,
}

impl<'d> Api<'d> {
    /// Every field a schema declares, through its composition, parents before their children,
    /// each at its path; an array's item fields follow the array as `name[].field`.
    pub fn field_tree(&self, schema: NodeRef) -> Vec<TreeField> {
        let mut out = Vec::new();
        let root = self.constraints(schema);
        let mut walk = TreeWalk {
            on_path: root.schemas.clone(),
            lookups_left: MAX_LOOKUPS,
        };
        self.add_children(schema, "", &root, 0, &mut walk, &mut out);
        out
    }

    fn add_children(
        &self,
        schema: NodeRef,
        prefix: &str,
        parent: &Constraints,
        depth: usize,
        walk: &mut TreeWalk,
        out: &mut Vec<TreeField>,
    ) {
        if depth >= MAX_DEPTH {
            return;
        }
        for (name, _) in self.declared_keys(parent) {
            if walk.lookups_left == 0 {
                return;
            }
            walk.lookups_left -= 1;
            let path = format!("{prefix}{name}");
            let (Lookup::Found(field), required_in_parent) =
                self.field_and_own_requirement(schema, &FieldPath::parse(&path))
            else {
                continue;
            };
            let types = field.constraints.types;
            let inner = if types.contains(Types::ARRAY) && !types.is_any() {
                self.field(schema, &FieldPath::parse(&format!("{path}[]")))
                    .found()
                    .map(|items| (format!("{path}[]."), items.constraints))
            } else if types.contains(Types::OBJECT) {
                Some((format!("{path}."), field.constraints.clone()))
            } else {
                None
            };
            out.push(TreeField {
                path,
                depth,
                field,
                required_in_parent,
            });
            let Some((inner_prefix, inner)) = inner else {
                continue;
            };
            // A schema already on the way down (a recursive `cause`) is not opened again.
            let embedded = |fields: usize| depth > 0 && fields > MAX_NESTED_FIELDS;
            if embedded(self.declared_keys(&inner).len())
                || inner.schemas.iter().any(|s| walk.on_path.contains(s))
            {
                continue;
            }
            let (mark, start) = (walk.on_path.len(), out.len());
            walk.on_path.extend(&inner.schemas);
            self.add_children(schema, &inner_prefix, &inner, depth + 1, walk, out);
            walk.on_path.truncate(mark);
            if embedded(out.len() - start) {
                out.truncate(start);
            }
        }
    }
}

/// The state of one tree's walk: the schemas on the way down, and the lookups left.
struct TreeWalk {
    on_path: Vec<NodeRef>,
    lookups_left: usize,
}

#[cfg(test)]
mod tests {
    use super::super::tests::with_schema;

    fn tree_of(schemas_yaml: &str) -> Vec<(String, usize, String, bool, bool)> {
        let mut rows = Vec::new();
        with_schema("3.0.3", schemas_yaml, |api, schema| {
            rows = api
                .field_tree(schema)
                .into_iter()
                .map(|f| {
                    let required = f.field.required();
                    let types = f.field.constraints.types.describe();
                    (f.path, f.depth, types, f.required_in_parent, required)
                })
                .collect();
        });
        rows
    }

    #[test]
    fn nested_objects_and_array_items_are_listed_under_their_parent() {
        let rows = tree_of(
            "    E:\n      required: [error]\n      properties:\n        error:\n          allOf:\n            - {$ref: '#/components/schemas/Inner'}\n            - {required: [type]}\n        errors: {type: array, items: {properties: {code: {type: string}}}}\n    Inner: {type: object, properties: {type: {type: string}, message: {type: string}}}\n",
        );
        let s = |t: &str| t.to_string();
        assert_eq!(
            rows,
            [
                (s("error"), 0, s("object"), true, true),
                (s("error.type"), 1, s("string"), true, true),
                (s("error.message"), 1, s("string"), false, false),
                (s("errors"), 0, s("array"), false, false),
                (s("errors[].code"), 1, s("string"), false, false),
            ]
        );
    }

    #[test]
    fn a_field_required_inside_an_optional_parent_says_so() {
        let rows = tree_of(
            "    E: {properties: {error: {type: object, required: [code], properties: {code: {type: string}}}}}\n",
        );
        assert_eq!(rows[1].0, "error.code");
        assert!(rows[1].3, "required by its object");
        assert!(!rows[1].4, "not required all the way");
    }

    #[test]
    fn an_embedded_resource_is_a_row_not_opened() {
        let many: Vec<String> = (0..13)
            .map(|i| format!("p{i}: {{type: object, properties: {{a: {{}}, b: {{}}}}}}"))
            .collect();
        let rows = tree_of(&format!(
            "    E: {{properties: {{error: {{properties: {{resource: {{properties: {{{}}}}}, type: {{type: string}}}}}}}}}}\n",
            many.join(", ")
        ));
        let paths: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(paths, ["error", "error.resource", "error.type"]);
        // The same object at the top level is the envelope's own: it opens.
        let rows = tree_of(&format!(
            "    E: {{properties: {{error: {{properties: {{{}}}}}}}}}\n",
            many.join(", ")
        ));
        assert_eq!(rows.len(), 1 + 13 * 3, "{rows:?}");
    }

    #[test]
    fn a_recursive_schema_ends() {
        let rows = tree_of(
            "    E: {type: object, properties: {message: {type: string}, cause: {$ref: '#/components/schemas/E'}}}\n",
        );
        let paths: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(paths, ["message", "cause"]);
    }
}
