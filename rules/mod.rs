//! The rules: one file each, with its documentation, metadata, logic and unit tests. The engine
//! (`src/engine.rs`) walks the operations once and calls every rule's hooks.

use crate::engine::Context;
use crate::finding::Severity;
use crate::openapi::{Operation, Response};

pub mod error_body;

mod error_code_present;
mod error_code_status;
mod error_envelope_fields;
mod error_response_schema;
mod error_shape_consistent;
mod error_status_coverage;
mod error_status_known;
mod no_429_when_unlimited;
mod ref_siblings_ignored;
mod retry_after_on_429;
mod retry_after_scope;
pub mod unused_ignore;

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable, kebab-case, names the problem. Users write it in config.
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line, for `errlint rules` and the README table.
    pub summary: &'static str,
    /// The rule's doc comment: what, why, a bad and a good example.
    pub docs: &'static str,
}

/// A rule subscribes to the hooks it needs; each is called once per node during the one walk.
pub trait Rule {
    fn meta(&self) -> &'static RuleMeta;

    fn check_operation(&mut self, _cx: &mut Context<'_, '_>, _op: &Operation<'_>) {}

    fn check_response(
        &mut self,
        _cx: &mut Context<'_, '_>,
        _op: &Operation<'_>,
        _response: &Response<'_>,
    ) {
    }

    /// Once per distinct JSON body schema, after the operations: `body.uses` lists every
    /// response that uses it, and reports apply to all of them unless narrowed.
    fn check_error_body(&mut self, _cx: &mut Context<'_, '_>, _body: &error_body::ErrorBody<'_>) {}

    /// After the walk, for rules that compare across the document.
    fn finish(&mut self, _cx: &mut Context<'_, '_>) {}
}

/// Declares a rule's metadata from its doc comment, as clippy's `declare_clippy_lint!` does:
/// the doc comment is both the rustdoc and the text of `errlint explain`.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident $({ $($field:tt)* })?;
        id: $id:literal,
        severity: $severity:ident,
        summary: $summary:literal $(,)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Default)]
        $vis struct $name { $($($field)*)? }

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                default_severity: $crate::finding::Severity::$severity,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// Every rule, in the order of the README table.
pub const ALL: &[&RuleMeta] = &[
    &error_response_schema::ErrorResponseSchema::META,
    &error_code_present::ErrorCodePresent::META,
    &error_status_coverage::ErrorStatusCoverage::META,
    &error_status_known::ErrorStatusKnown::META,
    &retry_after_scope::RetryAfterScope::META,
    &retry_after_on_429::RetryAfterOn429::META,
    &no_429_when_unlimited::No429WhenUnlimited::META,
    &error_shape_consistent::ErrorShapeConsistent::META,
    &error_envelope_fields::ErrorEnvelopeFields::META,
    &error_code_status::ErrorCodeStatus::META,
    &ref_siblings_ignored::RefSiblingsIgnored::META,
    &unused_ignore::UnusedIgnore::META,
];

/// Fresh instances of every rule, for one lint run.
pub fn instantiate() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(error_response_schema::ErrorResponseSchema::default()),
        Box::new(error_code_present::ErrorCodePresent::default()),
        Box::new(error_status_coverage::ErrorStatusCoverage::default()),
        Box::new(error_status_known::ErrorStatusKnown::default()),
        Box::new(retry_after_scope::RetryAfterScope::default()),
        Box::new(retry_after_on_429::RetryAfterOn429::default()),
        Box::new(no_429_when_unlimited::No429WhenUnlimited::default()),
        Box::new(error_shape_consistent::ErrorShapeConsistent::default()),
        Box::new(error_envelope_fields::ErrorEnvelopeFields::default()),
        Box::new(error_code_status::ErrorCodeStatus::default()),
        Box::new(ref_siblings_ignored::RefSiblingsIgnored::default()),
        Box::new(unused_ignore::UnusedIgnore::default()),
    ]
}

/// A rule's documentation as `errlint explain` prints it: the doc comment, unindented.
pub fn explain(meta: &RuleMeta) -> String {
    meta.docs
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The metadata of a rule by id.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    ALL.iter().copied().find(|m| m.id == id)
}

/// Wires a rule's `meta()` to its declared `META`.
macro_rules! rule_meta {
    ($name:ident) => {
        fn meta(&self) -> &'static $crate::rules::RuleMeta {
            &$name::META
        }
    };
}
pub(crate) use rule_meta;

#[cfg(test)]
pub(crate) mod testing {
    //! Runs one rule alone on a small document, for the unit tests beside each rule.
    use crate::finding::Finding;

    pub fn lint_with(rule: &str, yaml: &str) -> Vec<Finding> {
        let options = crate::Options {
            only_rules: Some(vec![rule.to_string()]),
            ..Default::default()
        };
        let outcome = crate::lint_text("t.yaml", yaml, &options);
        assert!(
            !outcome.findings.iter().any(|f| f.fatal),
            "test document did not load: {:?}",
            outcome.findings
        );
        outcome.findings
    }

    /// `(line, message)` of each finding, for compact assertions.
    pub fn lines(findings: &[Finding], yaml: &str) -> Vec<(usize, String)> {
        findings
            .iter()
            .map(|f| {
                let start = f.location.as_ref().map_or(0, |l| l.span.start as usize);
                (yaml[..start].matches('\n').count() + 1, f.message.clone())
            })
            .collect()
    }
}
