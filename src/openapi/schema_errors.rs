//! A JSON Schema validation error in plain words: what `error-example-valid` says about a
//! document's example and what `check-traffic` says about a recorded body, in the same words.

use jsonschema::error::{TypeKind, ValidationErrorKind};

/// The message for the first error at a value: `name` is how the value is called (`` `error.code` ``,
/// `the example`), `whole` whether it is the whole value, `shown` the value as a message shows
/// it (`"x" (a string)`).
pub fn describe(name: &str, whole: bool, shown: &str, kind: &ValidationErrorKind) -> String {
    let is = || format!("{name} is {shown}");
    match kind {
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![t.as_str()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
            };
            format!("{}; the schema says {}", is(), expected.join(" or "))
        }
        ValidationErrorKind::Required { property } => {
            let within = if whole {
                String::new()
            } else {
                format!(" in {name}")
            };
            format!(
                "`{}` is missing{within}; the schema requires it",
                literal(property)
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let first = unexpected.first().cloned().unwrap_or_default();
            format!("`{first}` is not allowed here: the schema has `additionalProperties: false`")
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(literal).collect())
                .unwrap_or_default();
            const SHOWN: usize = 8;
            let mut listed = allowed
                .iter()
                .take(SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if allowed.len() > SHOWN {
                listed.push_str(&format!(" and {} more", allowed.len() - SHOWN));
            }
            format!("{}; the schema allows only {listed}", is())
        }
        ValidationErrorKind::Constant { expected_value } => format!(
            "{}; the schema says it is always {}",
            is(),
            literal(expected_value)
        ),
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
            format!("{name} matches none of the schema's alternatives")
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            format!("{name} matches more than one `oneOf` branch; `oneOf` needs exactly one")
        }
        other => format!("{}; {}", is(), in_words(other)),
    }
}

/// The longest part of a value a message quotes: a schema's long example, or a recorded body
/// (which may hold anything a server echoed back: only the value a finding is about may
/// appear, cut short).
const SHOWN_CHARS: usize = 40;

/// A text cut to what a message may quote, with `…` when cut.
pub fn cut(text: &str) -> String {
    let mut short: String = text.chars().take(SHOWN_CHARS).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// `errors[0].code` as a message names a place in a value, or `whole` for the value itself.
pub fn display_path(tokens: &[String], whole: &str) -> String {
    if tokens.is_empty() {
        return whole.into();
    }
    let mut out = String::new();
    for token in tokens {
        if token.bytes().all(|b| b.is_ascii_digit()) && !out.is_empty() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(token);
        }
    }
    format!("`{out}`")
}

/// A value of the schema (an `enum` entry, a `const`) as a message writes it.
fn literal(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `1 property`, `2 properties`.
fn count(n: u64, noun: &str) -> String {
    match (n, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "property") => format!("{n} properties"),
        _ => format!("{n} {noun}s"),
    }
}

/// The remaining keywords, each said once.
fn in_words(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Minimum { limit } => format!("the schema's minimum is {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("the schema's maximum is {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("the schema says it must be more than {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("the schema says it must be less than {limit}")
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("the schema says at least {}", count(*limit, "character"))
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("the schema says at most {}", count(*limit, "character"))
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("the schema says at least {}", count(*limit, "item"))
        }
        ValidationErrorKind::MaxItems { limit } => {
            format!("the schema says at most {}", count(*limit, "item"))
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("the schema's pattern is `{pattern}`")
        }
        ValidationErrorKind::Format { format } => format!("the schema's format is `{format}`"),
        ValidationErrorKind::MinProperties { limit } => {
            format!("the schema says at least {}", count(*limit, "property"))
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("the schema says at most {}", count(*limit, "property"))
        }
        ValidationErrorKind::MultipleOf { multiple_of, .. } => {
            format!("the schema says a multiple of {multiple_of}")
        }
        ValidationErrorKind::Contains => "the schema says it contains a matching item".into(),
        ValidationErrorKind::Not { .. } => "the schema's `not` rejects it".into(),
        ValidationErrorKind::UnevaluatedProperties { unexpected } => format!(
            "the schema has `unevaluatedProperties: false`, and `{}` is not declared",
            unexpected.join("`, `")
        ),
        ValidationErrorKind::FalseSchema => "the schema allows nothing here".into(),
        ValidationErrorKind::UniqueItems => "the schema says its items are unique".into(),
        other => format!("the schema rejects it ({other:?})")
            .chars()
            .take(120)
            .collect(),
    }
}
