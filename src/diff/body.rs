//! The error body of one status in two versions: its code field, its required fields and
//! its retry hint.

use super::compare::{Found, quoted};
use crate::openapi::StatusKey;
use crate::promises::StatusPromises;

/// The code field and the required fields of BASE's first body against NEW's. `lost` are the
/// codes that went with a code field now gone: that change names them.
pub(super) fn compare_bodies(
    base: &StatusPromises,
    new: &StatusPromises,
    lost: &[&str],
    found: &mut Found<'_>,
) {
    let status = &new.text;
    let body_at = new.body().unwrap_or(new.key);
    let was = |at| Some((at, "the code was here".to_string()));
    match (base.code_field(), new.code_field()) {
        (Some((path, _, at)), None) => {
            let lacking = new.bodies.first().and_then(|b| b.code_lacking);
            let mut message = match (lacking, new.example_codes.is_empty()) {
                (Some(_), _) => {
                    format!("the code `{path}` is not in every branch of the {status} body")
                }
                (None, true) => {
                    format!("the {status} body no longer has a code (it was at `{path}`)")
                }
                (None, false) => format!(
                    "the {status} body's schema no longer declares the code `{path}`: only its examples send one"
                ),
            };
            let body_at = lacking.unwrap_or(body_at);
            if !lost.is_empty() {
                let verb = if lost.len() == 1 { "is" } else { "are" };
                message.push_str(&format!("; {} {verb} no longer documented", quoted(lost)));
            }
            found.push("error-code-field-changed", message, body_at, was(*at));
        }
        (Some((old_path, _, old_at)), Some((path, _, at))) if old_path != path => found.push(
            "error-code-field-changed",
            format!("the code moved from `{old_path}` to `{path}` in the {status} body"),
            *at,
            was(*old_at),
        ),
        (Some((path, old_types, old_at)), Some((_, types, at))) if widened(base, new) => found
            .push(
                "error-code-field-changed",
                format!(
                    "the code `{path}` changed from {old_types} to {types} in the {status} body"
                ),
                *at,
                was(*old_at),
            ),
        _ => {}
    }
    compare_required_fields(base, new, found);
}

fn compare_required_fields(base: &StatusPromises, new: &StatusPromises, found: &mut Found<'_>) {
    let status = &new.text;
    let body_at = new.body().unwrap_or(new.key);
    let new_code = new.code_field().map(|(path, _, _)| path.as_str());
    for field in base.fields().iter().filter(|f| f.required) {
        let name = &field.name;
        // Still there, read as the code now (`type` once the body is problem+json).
        if new_code == Some(name.as_str()) {
            continue;
        }
        let was = Some((field.key, "required here".into()));
        let (message, at) = match new.field(name) {
            None => match lacking_branch(new, name) {
                Some(branch) => (
                    format!("`{name}` is no longer in every branch of the {status} body"),
                    branch,
                ),
                None => (
                    format!("`{name}` is no longer in the {status} body"),
                    body_at,
                ),
            },
            Some(now) if !now.required && branched(new) => (
                format!(
                    "`{name}` is now optional in the {status} body: not every branch requires it"
                ),
                now.optional_at.unwrap_or(now.key),
            ),
            Some(now) if !now.required => (
                format!("`{name}` is now optional in the {status} body"),
                now.key,
            ),
            Some(now) if !field.type_set.contains(now.type_set) => (
                format!(
                    "`{name}` changed from {} to {} in the {status} body",
                    field.types, now.types
                ),
                now.key,
            ),
            Some(_) => continue,
        };
        found.push("error-field-removed", message, at, was);
    }
}

/// A 429 or 503 that said when to retry and no longer does, or that now says it only in an
/// optional body field where it sent `Retry-After`.
pub(super) fn compare_retry(base: &StatusPromises, new: &StatusPromises, found: &mut Found<'_>) {
    let retry_statuses = [StatusKey::Code(429), StatusKey::Code(503)];
    if !retry_statuses.contains(&new.status) {
        return;
    }
    let status = &new.text;
    let message = match (&base.retry, &new.retry) {
        (Some(_), None) => format!("the {status} response no longer says when to retry"),
        (Some(was), Some(now)) if was.header && !now.header && !now.required => format!(
            "the {status} response no longer sends `{}`: only the optional field `{}` says when to retry",
            was.name, now.name
        ),
        _ => return,
    };
    let was = base
        .retry
        .as_ref()
        .map(|w| (w.at, "the retry hint was here".into()));
    found.push("retry-hint-removed", message, new.key, was);
}

/// The body's media types: one that BASE documented is gone and another took its place
/// (`application/json` → `application/problem+json`). Clients that check the type, or ask for
/// it in `Accept`, no longer match.
pub(super) fn compare_media_types(
    base: &StatusPromises,
    new: &StatusPromises,
    found: &mut Found<'_>,
) {
    let has = |side: &StatusPromises, name: &str| {
        side.media_types
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let gone = base.media_types.iter().find(|(n, _)| !has(new, n));
    let added = new.media_types.iter().find(|(n, _)| !has(base, n));
    if let (Some((was, was_at)), Some((now, now_at))) = (gone, added) {
        found.push(
            "error-media-type-changed",
            format!("the {} body is now `{now}`, not `{was}`", new.text),
            *now_at,
            Some((*was_at, "the media type was here".into())),
        );
    }
}

/// NEW's first body is a choice of branches.
fn branched(status: &StatusPromises) -> bool {
    status.bodies.first().is_some_and(|b| b.branched)
}

/// A branch of NEW's first body that lacks `name` while others declare it.
fn lacking_branch(status: &StatusPromises, name: &str) -> Option<crate::document::NodeRef> {
    let body = status.bodies.first()?;
    let (_, branch) = body.in_some_branches.iter().find(|(n, _)| n == name)?;
    Some(*branch)
}

/// NEW's code admits a value BASE's did not (`integer` → `number`, `string` → `string or
/// null`); a narrower type reads as before.
fn widened(base: &StatusPromises, new: &StatusPromises) -> bool {
    let types = |side: &StatusPromises| side.bodies.first().map(|b| b.code_types);
    match (types(base), types(new)) {
        (Some(was), Some(now)) => !was.contains(now),
        _ => false,
    }
}
