//! A code field at a place no profile names: Slack's `{ok: false, error: "invalid_auth"}`, or
//! `fault.errors[].errorCode`. In an error body with no code at a usual place, a string field
//! whose `enum` (or, less surely, whose examples) holds only code-like values is taken for the
//! code, top-level or nested; prose, links, ids and statuses never are.

use crate::document::NodeRef;
use crate::openapi::schema::TreeField;
use crate::openapi::{Api, fold_name};
use crate::promises::{ErrorPromises, body_identity};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How sure the recognition is, from what most of the bodies that have the field show.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Optional in most: a code a client cannot count on, or not a code at all.
    Possible,
    /// Required in most, but most show its values only as examples.
    Likely,
    /// A required string with an enum of code-like values in most.
    Sure,
}

impl Confidence {
    pub fn word(self) -> &'static str {
        match self {
            Confidence::Possible => "possible",
            Confidence::Likely => "likely",
            Confidence::Sure => "sure",
        }
    }
}

/// A field recognised as the code, and in how many bodies, by what evidence.
#[derive(Debug, Clone, Serialize)]
pub struct RecognisedCode {
    pub path: String,
    pub bodies: usize,
    /// Bodies where it is a required string with an enum (or const) of code-like values.
    pub required_with_enum: usize,
    pub optional_with_enum: usize,
    /// Bodies where only its examples hold code-like values.
    pub required_with_examples: usize,
    pub optional_with_examples: usize,
    pub confidence: Confidence,
}

/// What one body's candidate field shows, strongest last in each member's order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Evidence {
    enumerated: bool,
    /// 2 for `code` or `…Code`, 1 for a name codes often have (`error`, `type`, `reason`).
    named_like_a_code: u8,
    required: bool,
}

/// The code fields recognised in the error bodies that have no code at a usual place, most
/// bodies first.
pub fn recognise(api: &Api<'_>, facts: &ErrorPromises) -> Vec<RecognisedCode> {
    // Identical bodies count once, as everywhere else in the contract.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut found: BTreeMap<String, RecognisedCode> = BTreeMap::new();
    let bodies = facts
        .operations
        .values()
        .flat_map(|op| &op.statuses)
        .flat_map(|s| &s.bodies)
        .filter(|shape| shape.code.is_none());
    for shape in bodies {
        if !seen.insert(body_identity(api, shape)) {
            continue;
        }
        let Some((path, evidence)) = best_candidate(api, shape.schema) else {
            continue;
        };
        let entry = found.entry(path.clone()).or_insert(RecognisedCode {
            path,
            bodies: 0,
            required_with_enum: 0,
            optional_with_enum: 0,
            required_with_examples: 0,
            optional_with_examples: 0,
            confidence: Confidence::Sure,
        });
        entry.bodies += 1;
        *match (evidence.enumerated, evidence.required) {
            (true, true) => &mut entry.required_with_enum,
            (true, false) => &mut entry.optional_with_enum,
            (false, true) => &mut entry.required_with_examples,
            (false, false) => &mut entry.optional_with_examples,
        } += 1;
    }
    let mut out: Vec<RecognisedCode> = found
        .into_values()
        .map(|mut r| {
            let most = |count: usize| count * 2 > r.bodies;
            r.confidence = if most(r.required_with_enum) {
                Confidence::Sure
            } else if most(r.required_with_enum + r.required_with_examples) {
                Confidence::Likely
            } else {
                Confidence::Possible
            };
            r
        })
        .collect();
    out.sort_by(|a, b| b.bodies.cmp(&a.bodies).then_with(|| a.path.cmp(&b.path)));
    out
}

/// The body's field that most looks like its code: an enum before examples, a code's name
/// before others (Berlin Group's `tppMessages[].code` over its `category`), required before
/// optional, shallower before deeper, then the first in the schema.
fn best_candidate(api: &Api<'_>, schema: NodeRef) -> Option<(String, Evidence)> {
    // Reversed, so that of equal candidates `max_by` keeps the first in the schema.
    api.field_tree(schema)
        .into_iter()
        .rev()
        .filter_map(|f| Some((evidence(api, &f)?, f)))
        .max_by(|(a, fa), (b, fb)| a.cmp(b).then_with(|| fb.depth.cmp(&fa.depth)))
        .map(|(evidence, f)| (f.path, evidence))
}

/// What makes a field look like a code, if anything does.
fn evidence(api: &Api<'_>, f: &TreeField) -> Option<Evidence> {
    let name = f.path.rsplit(['.', ']']).next().unwrap_or("");
    if !f.field.constraints.types.is_string() || !may_name_a_code(name) {
        return None;
    }
    let all_code_like = |values: &[NodeRef]| {
        !values.is_empty()
            && values
                .iter()
                .all(|v| api.str(*v).is_some_and(looks_like_a_code))
    };
    let folded = fold_name(name);
    let named_like_a_code = if folded.ends_with("code") {
        2
    } else {
        u8::from(["error", "errortype", "type", "reason", "kind", "id"].contains(&folded.as_str()))
    };
    let enumerated = match &f.field.constraints.values {
        // One value usually names a condition (`RESOURCE_UNKNOWN` on a 404's own schema,
        // `error: [internal_server_error]` on a 500's); in a `type`, `kind` or `object`, or
        // when it says only "error", it is a discriminator (Box's `type:
        // [metadata_template]` on a resource documented as an error body).
        Some(values) if values.len() == 1 && is_discriminator(&folded, api.str(values[0])) => {
            return None;
        }
        Some(values) => all_code_like(values),
        None => false,
    };
    if !enumerated && !all_code_like(&f.field.constraints.examples) {
        return None;
    }
    Some(Evidence {
        enumerated,
        named_like_a_code,
        required: f.field.required(),
    })
}

/// A field name that may hold a code: not prose, a link, an id of something else, a status,
/// a time or a place in the request. A bare `id` may (DigitalOcean's `id: not_found`).
fn may_name_a_code(name: &str) -> bool {
    let folded = fold_name(name);
    const NOT_A_CODE: [&str; 20] = [
        "message",
        "description",
        "detail",
        "title",
        "summary",
        "text",
        "url",
        "uri",
        "link",
        "href",
        "documentation",
        "help",
        "hint",
        "status",
        "time",
        "date",
        "version",
        "param",
        "field",
        "path",
    ];
    let other_id = folded.ends_with("id") && folded != "id";
    !other_id && !NOT_A_CODE.iter().any(|word| folded.contains(word))
}

/// A one-value field that tells kinds of object apart rather than errors.
fn is_discriminator(folded_name: &str, value: Option<&str>) -> bool {
    ["type", "kind", "object"].contains(&folded_name)
        || value.is_some_and(|v| {
            ["error", "errors", "failure"].contains(&v.to_ascii_lowercase().as_str())
        })
}

/// `invalid_auth`, `CARD_DECLINED`, `ValidationFailed`, `rate-limited`, `auth.expired`: a word
/// or words joined by `_`, `-`, `.` or `:`, with no space, starting with a letter.
fn looks_like_a_code(value: &str) -> bool {
    let starts_with_letter = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic());
    let words_joined = value
        .split(['_', '-', '.', ':'])
        .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric()));
    (2..=64).contains(&value.len()) && starts_with_letter && words_joined
}

#[cfg(test)]
mod tests {
    use super::{looks_like_a_code, may_name_a_code};

    #[test]
    fn code_like_values_are_words_without_spaces() {
        for code in [
            "invalid_auth",
            "CARD_DECLINED",
            "ValidationFailed",
            "auth.expired",
            "rate-limited",
        ] {
            assert!(looks_like_a_code(code), "{code}");
        }
        for not in [
            "Not Found",
            "https://x.io/e",
            "404",
            "_x",
            "a__b",
            "x",
            "",
            "élan",
        ] {
            assert!(!looks_like_a_code(not), "{not}");
        }
    }

    #[test]
    fn prose_links_and_other_ids_are_not_codes() {
        for name in ["error", "errorCode", "reason", "id", "type", "kind"] {
            assert!(may_name_a_code(name), "{name}");
        }
        for name in [
            "message",
            "documentation_url",
            "traceId",
            "request_id",
            "status",
            "timestamp",
            "param",
        ] {
            assert!(!may_name_a_code(name), "{name}");
        }
    }
}
