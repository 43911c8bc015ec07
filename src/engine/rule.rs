//! What a rule is: its metadata and the hooks the walk calls. The rules implement it; the
//! engine knows them only through it.

use super::Context;
use crate::finding::Severity;
use crate::openapi::{Operation, Response};

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable, kebab-case, names the problem. Users write it in config.
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line, for `errlint rules` and the README table.
    pub summary: &'static str,
    /// The rule's doc comment: what, why, a bad and a good example (and, for a rule with a
    /// fix, why the fix is safe or not).
    pub docs: &'static str,
    /// Whether the rule's findings carry a fix, and whether applying it keeps the API's
    /// promise to its clients (safe) or changes it (unsafe, applied only on request).
    pub fix: Option<crate::finding::Applicability>,
}

/// A rule subscribes to the hooks it needs; each is called once per node during the one walk.
/// The operations are walked on all threads, so their hooks take `&self`: what a rule keeps
/// across operations is its own business to share (see `error-example-valid`'s validators).
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    fn check_operation(&self, _cx: &mut Context<'_, '_>, _op: &Operation<'_>) {}

    fn check_response(
        &self,
        _cx: &mut Context<'_, '_>,
        _op: &Operation<'_>,
        _response: &Response<'_>,
    ) {
    }

    /// Once per distinct JSON body schema, after the operations: `body.uses` lists every
    /// response that uses it, and reports apply to all of them unless narrowed.
    fn check_error_body(
        &mut self,
        _cx: &mut Context<'_, '_>,
        _body: &crate::error_body::ErrorBody<'_>,
    ) {
    }

    /// After the walk, for rules that compare across the document.
    fn finish(&mut self, _cx: &mut Context<'_, '_>) {}
}
