//! The comparison of two versions' error facts, operation by operation: each change found,
//! with one change for one cause (a status, body or code field gone takes its codes with it).

use crate::document::NodeRef;
use crate::openapi::StatusKey;
use crate::promises::{ErrorPromises, OperationPromises, StatusPromises};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A change found, before levels and grouping.
pub(super) struct Change {
    pub id: &'static str,
    pub message: String,
    pub at: NodeRef,
    pub related: Option<(NodeRef, String)>,
    pub operation: Arc<str>,
    /// Where the change meets the operation in NEW: the status compared, or its `responses`.
    pub operation_at: NodeRef,
    /// The status compared, for a change inside one.
    pub status: Option<Arc<str>>,
}

/// Compares the error facts of two versions, operation by operation.
pub(super) fn compare(base: &ErrorPromises, new: &ErrorPromises) -> Vec<Change> {
    let mut changes = Vec::new();
    for (key, new_op) in &new.operations {
        let Some(base_op) = base.operations.get(key) else {
            continue;
        };
        let mut found = Found {
            out: &mut changes,
            operation: new_op.name.clone(),
            operation_at: new_op.at,
            status: None,
        };
        compare_operation(base_op, new_op, &mut found);
    }
    changes
}

/// Where one operation's changes go.
pub(super) struct Found<'a> {
    out: &'a mut Vec<Change>,
    operation: Arc<str>,
    operation_at: NodeRef,
    status: Option<Arc<str>>,
}

impl Found<'_> {
    pub fn push(&mut self, id: &'static str, message: String, at: NodeRef, related: Related) {
        self.out.push(Change {
            id,
            message,
            at,
            related,
            operation: self.operation.clone(),
            operation_at: self.operation_at,
            status: self.status.clone(),
        });
    }
}

/// A place in BASE a change relates to, and what it was there.
pub(super) type Related = Option<(NodeRef, String)>;

/// BASE's status lost what held its codes: the status, its body or its code field. Then one
/// change says so for all its codes.
fn takes_its_codes(
    base: &OperationPromises,
    new: &OperationPromises,
    status: &StatusPromises,
) -> bool {
    match stand_in(base, new, status.status) {
        None => true,
        Some(now) if !status.bodies.is_empty() && now.bodies.is_empty() => true,
        Some(now) => status.code_field().is_some() && now.code_field().is_none(),
    }
}

/// The codes no longer documented anywhere for the operation, by the BASE status whose loss
/// took them (its key's place), with what they are gone with.
type LostCodes<'b> = BTreeMap<NodeRef, Vec<&'b str>>;

fn compare_operation(base: &OperationPromises, new: &OperationPromises, found: &mut Found<'_>) {
    let (lost, moved) = compare_codes(base, new, found);
    for new_status in &new.statuses {
        let Some(base_status) = base.status(new_status.status) else {
            status_added(base, new, new_status, found);
            continue;
        };
        compare_status(base_status, new_status, (&moved, &lost), found);
    }
    for base_status in &base.statuses {
        if new.status(base_status.status).is_some() {
            continue;
        }
        // 404 replaced by a 4XX: clients get what the range documents, compared as the 404.
        match stand_in(base, new, base_status.status) {
            Some(range) => compare_status(base_status, range, (&moved, &lost), found),
            None => status_removed(base_status, new, &lost, found),
        }
    }
    if let (None, Some(at)) = (base.rate_limited, new.rate_limited) {
        found.push(
            "rate-limit-added",
            format!("{} is now rate-limited", new.name),
            at,
            Some((base.at, "not rate-limited here".into())),
        );
    }
}

/// Codes removed or moved. A code whose status, body or code field is gone is not reported
/// on its own: it is returned with that loss, which reports it.
fn compare_codes<'b>(
    base: &'b OperationPromises,
    new: &OperationPromises,
    found: &mut Found<'_>,
) -> (LostCodes<'b>, Vec<&'b str>) {
    let new_codes = new.codes();
    let mut lost = LostCodes::new();
    let mut moved = Vec::new();
    for (code, (base_status, base_at)) in base.codes() {
        let was = Some((
            base_at,
            format!("documented on the {} response here", base_status.text),
        ));
        match new_codes.get(code) {
            None if takes_its_codes(base, new, base_status) => {
                lost.entry(base_status.key).or_default().push(code);
            }
            None => found.push(
                "error-code-removed",
                format!("`{code}` is no longer documented for {}", new.name),
                new.at,
                was,
            ),
            Some((new_status, new_at)) => {
                let still_there = stand_in(base, new, base_status.status)
                    .is_some_and(|s| s.all_codes().any(|(c, _)| c == code));
                if !still_there {
                    moved.push(code);
                    let message = format!(
                        "`{code}` moved from the {} to the {} response",
                        base_status.text, new_status.text
                    );
                    found.push("error-code-moved", message, *new_at, was);
                }
            }
        }
    }
    (lost, moved)
}

/// A status NEW documents that BASE did not: a change unless a range or `default` covered it,
/// it is the 429 of `rate-limit-added`, or it is a range standing in for a status it covers.
fn status_added(
    base: &OperationPromises,
    new: &OperationPromises,
    new_status: &StatusPromises,
    found: &mut Found<'_>,
) {
    let newly_limited = new_status.status == StatusKey::Code(429) && base.rate_limited.is_none();
    let replaces = base
        .statuses
        .iter()
        .any(|b| new.status(b.status).is_none() && covers_as_range(new_status, b.status));
    if !base.covers(new_status.status) && !newly_limited && !replaces {
        found.push(
            "error-status-added",
            format!(
                "{} documents a new error status, {}",
                new.name, new_status.text
            ),
            new_status.key,
            Some((base.at, "no response or range covered it here".into())),
        );
    }
}

/// A status NEW no longer documents: when codes went with it, one breaking change names them
/// all; otherwise a compatible one.
fn status_removed(
    base_status: &StatusPromises,
    new: &OperationPromises,
    lost: &LostCodes<'_>,
    found: &mut Found<'_>,
) {
    let was = Some((base_status.key, "documented here".into()));
    match lost.get(&base_status.key) {
        Some(codes) => found.push(
            "error-code-removed",
            format!(
                "{} {} no longer documented for {}: its {} response is gone",
                quoted(codes),
                if codes.len() == 1 { "is" } else { "are" },
                new.name,
                base_status.text
            ),
            new.at,
            was,
        ),
        None => found.push(
            "error-status-removed",
            format!("{} no longer documents {}", new.name, base_status.text),
            new.at,
            was,
        ),
    }
}

/// `` `A`, `B` ``.
pub(super) fn quoted(codes: &[&str]) -> String {
    let quoted: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
    quoted.join(", ")
}

/// What NEW documents for BASE's `status`: the status itself, or a range BASE did not have
/// that covers it (404 replaced by 4XX).
fn stand_in<'n>(
    base: &OperationPromises,
    new: &'n OperationPromises,
    status: StatusKey,
) -> Option<&'n StatusPromises> {
    new.status(status).or_else(|| {
        new.statuses
            .iter()
            .find(|range| covers_as_range(range, status) && base.status(range.status).is_none())
    })
}

/// `4XX` covers `404`.
fn covers_as_range(range: &StatusPromises, status: StatusKey) -> bool {
    match (range.status, status) {
        (StatusKey::Range(r), StatusKey::Code(c)) => u16::from(r) == c / 100,
        _ => false,
    }
}

/// One status of BASE against what NEW documents for it.
fn compare_status(
    base: &StatusPromises,
    new: &StatusPromises,
    (moved, lost): (&[&str], &LostCodes<'_>),
    found: &mut Found<'_>,
) {
    let operation_at = std::mem::replace(&mut found.operation_at, new.key);
    found.status = Some(new.text.as_str().into());
    for (code, at) in new.all_codes() {
        let known = base.all_codes().any(|(c, _)| c == code);
        if !known && !moved.contains(&code.as_str()) {
            let message = format!("new code `{code}` on the {} response", new.text);
            found.push("error-code-added", message, *at, None);
        }
    }
    let lost = lost.get(&base.key).map_or(&[][..], Vec::as_slice);
    if !base.bodies.is_empty() && new.bodies.is_empty() {
        body_removed(base, new, lost, found);
    } else {
        super::body::compare_media_types(base, new, found);
        super::body::compare_bodies(base, new, lost, found);
    }
    super::body::compare_retry(base, new, found);
    found.operation_at = operation_at;
    found.status = None;
}

/// The status's body is gone: one change, which names the code, codes and required fields
/// that went with it.
fn body_removed(base: &StatusPromises, new: &StatusPromises, lost: &[&str], found: &mut Found<'_>) {
    let mut gone = Vec::new();
    if let Some((path, _, _)) = base.code_field() {
        gone.push(match lost.is_empty() {
            true => format!("the code `{path}`"),
            false => format!("the code `{path}` ({})", quoted(lost)),
        });
    }
    let required: Vec<&str> = base
        .fields()
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    if !required.is_empty() {
        gone.push(format!("required {}", quoted(&required)));
    }
    let mut message = format!("the {} response no longer has a body", new.text);
    if !gone.is_empty() {
        message.push_str(&format!("; gone with it: {}", gone.join(", ")));
    }
    let was = base.body().map(|at| (at, "the body was here".to_string()));
    found.push("error-body-removed", message, new.key, was);
}
