//! A recorded JSON body read as the contract reads a schema: the value at a field path
//! (`error.code`, `errors[].code`), its JSON type in the contract's words, and a short, safe
//! rendering of a value for a message.

use crate::openapi::schema::FieldPath;
pub use crate::openapi::schema_errors::cut;
use serde_json::Value;

/// The value at `path` in a body: the first item of each `[]` step (an error list's first
/// error speaks for the list). `None` when a step is missing or not a container.
pub fn at<'v>(body: &'v Value, path: &FieldPath) -> Option<&'v Value> {
    let mut value = body;
    for segment in &path.segments {
        value = value.as_object()?.get(&segment.name)?;
        if segment.each_item {
            value = value.as_array()?.first()?;
        }
    }
    Some(value)
}

/// The JSON type of a value as the contract names types: `integer` for a whole number,
/// `number` for another.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether a value has the type the contract names (`any`, alternatives written `a|b` or
/// `a or b`; an integer is a number too). A type the contract names that JSON has no word
/// for is not judged.
pub fn has_type(value: &Value, wanted: &str) -> bool {
    let actual = type_name(value);
    let known = [
        "null", "boolean", "integer", "number", "string", "array", "object",
    ];
    wanted
        .split(['|', ','])
        .flat_map(|part| part.split(" or "))
        .map(str::trim)
        .any(|t| {
            t == "any"
                || t == actual
                || (t == "number" && actual == "integer")
                || !known.contains(&t)
        })
}

/// A code as a catalog lists it: a string as it is, a number in its decimal form.
pub fn code_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A value as a message shows it: `"nope" (a string)`, `42 (an integer)`, `an object`.
pub fn shown(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b} (a boolean)"),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            format!("{} (an integer)", cut(&n.to_string()))
        }
        Value::Number(n) => format!("{} (a number)", cut(&n.to_string())),
        Value::String(s) => format!("\"{}\" (a string)", cut(s)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_reach_into_objects_and_the_first_item_of_lists() {
        let body = json!({"error": {"code": "a"}, "errors": [{"code": "b"}, {"code": "c"}]});
        let code = |p: &str| at(&body, &FieldPath::parse(p)).cloned();
        assert_eq!(code("error.code"), Some(json!("a")));
        assert_eq!(code("errors[].code"), Some(json!("b")));
        assert_eq!(code("code"), None);
        assert_eq!(code("error.code.deeper"), None);
    }

    #[test]
    fn types_are_judged_as_the_contract_names_them() {
        assert!(has_type(&json!(3), "number"));
        assert!(has_type(&json!(3), "integer"));
        assert!(!has_type(&json!(3.5), "integer"));
        assert!(has_type(&json!(null), "string|null"));
        assert!(!has_type(&json!("x"), "object"));
        assert!(has_type(&json!("x"), "any"));
    }

    #[test]
    fn long_values_are_cut_and_say_so() {
        let long = "x".repeat(100);
        assert_eq!(
            shown(&json!(long)),
            format!("\"{}…\" (a string)", "x".repeat(40))
        );
        assert_eq!(cut("é"), "é");
    }
}
