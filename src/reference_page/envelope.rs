//! The envelope on the reference page: the body structure most error responses have, as a tree
//! of fields, and where the other bodies keep a code. Bodies are told apart by structure (field
//! paths, types, requirements), not by schema node: a document that writes one body inline
//! under every response has one shape, not hundreds.

use super::{description, status_order, value_of};
use crate::document::NodeRef;
use crate::openapi::Api;
use crate::promises::{BodyShape, BodyStructure, ErrorPromises, body_structure};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

#[derive(Debug, Serialize)]
pub struct Envelope {
    /// Where its code is, and the code's type.
    pub code: Option<(String, String)>,
    /// Every field at every depth, parents first.
    pub fields: Vec<FieldRow>,
    /// How many error responses have this structure, of how many with a JSON body.
    pub used_by: usize,
    pub of: usize,
    /// Where error bodies of other structures keep a code, and on which statuses.
    pub other_codes: Vec<CodeLocation>,
}

#[derive(Debug, Serialize)]
pub struct FieldRow {
    /// From the body's root: `error.type`, `errors[].code`.
    pub name: String,
    /// 0 for a top-level field.
    pub depth: usize,
    pub r#type: String,
    /// The object that holds it requires it.
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct CodeLocation {
    pub path: String,
    pub statuses: Vec<String>,
}

/// The envelope: the structure most error responses' (first) bodies have.
pub fn envelope(api: &Api<'_>, facts: &ErrorPromises) -> Option<Envelope> {
    let mut structures: BTreeMap<NodeRef, Arc<BodyStructure>> = BTreeMap::new();
    let mut structure_of = |shape: &BodyShape| {
        structures
            .entry(shape.schema)
            .or_insert_with(|| Arc::new(body_structure(api, shape)))
            .clone()
    };
    // Per structure: its uses, and per schema node of that structure, its uses.
    let mut uses: BTreeMap<Arc<BodyStructure>, (usize, BTreeMap<NodeRef, usize>)> = BTreeMap::new();
    let mut shapes: BTreeMap<NodeRef, Arc<BodyShape>> = BTreeMap::new();
    let mut with_body = 0;
    for status in facts.operations.values().flat_map(|op| &op.statuses) {
        let Some(shape) = status.bodies.first() else {
            continue;
        };
        with_body += 1;
        let entry = uses.entry(structure_of(shape)).or_default();
        entry.0 += 1;
        *entry.1.entry(shape.schema).or_default() += 1;
        shapes.entry(shape.schema).or_insert_with(|| shape.clone());
    }
    // The most used structure (the one met first in the files on a tie), shown through its
    // most used schema, whose descriptions the page quotes.
    let (structure, (count, schemas)) = uses.iter().max_by_key(|(_, (count, schemas))| {
        let first = schemas.keys().next().copied();
        (*count, std::cmp::Reverse(first))
    })?;
    let shown = schemas
        .iter()
        .max_by_key(|(schema, n)| (**n, std::cmp::Reverse(**schema)))
        .map(|(schema, _)| *schema)?;
    let shape = shapes.get(&shown)?;
    Some(Envelope {
        code: shape.code.as_ref().map(|(p, t, _)| (p.clone(), t.clone())),
        fields: field_rows(api, shown),
        used_by: *count,
        of: with_body,
        other_codes: other_codes(facts, structure.1.as_deref()),
    })
}

fn field_rows(api: &Api<'_>, schema: NodeRef) -> Vec<FieldRow> {
    api.field_tree(schema)
        .into_iter()
        .map(|f| FieldRow {
            description: description(api, value_of(api, f.field.key)),
            r#type: f.field.constraints.types.describe(),
            required: f.required_in_parent,
            depth: f.depth,
            name: f.path,
        })
        .collect()
}

/// A status as the page sorts it, and as written.
type StatusInOrder<'f> = ((u8, String), &'f str);

/// Where the error bodies keep a code other than at `envelope_code`, each with its statuses.
/// Only each response's first body is read, as for the envelope's support: a response's
/// problem+json twin is not another body of the responses the envelope counts.
fn other_codes(facts: &ErrorPromises, envelope_code: Option<&str>) -> Vec<CodeLocation> {
    let mut found: BTreeMap<&str, BTreeSet<StatusInOrder<'_>>> = BTreeMap::new();
    for status in facts.operations.values().flat_map(|op| &op.statuses) {
        let Some((path, _, _)) = status.bodies.first().and_then(|b| b.code.as_ref()) else {
            continue;
        };
        if Some(path.as_str()) != envelope_code {
            found
                .entry(path)
                .or_default()
                .insert((status_order(&status.text), &status.text));
        }
    }
    found
        .into_iter()
        .map(|(path, statuses)| CodeLocation {
            path: path.to_string(),
            statuses: statuses.into_iter().map(|(_, s)| s.to_string()).collect(),
        })
        .collect()
}
