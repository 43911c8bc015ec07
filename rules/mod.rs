//! The rules: one file each, with its documentation, metadata, logic and unit tests. The engine
//! (`src/engine.rs`) walks the operations once and calls every rule's hooks.

use crate::engine::Context;
use crate::finding::Severity;
use crate::openapi::{Operation, Response};

pub mod error_body;
mod redirects;

pub use redirects::{REDIRECTS, canonical_id};

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
        summary: $summary:literal
        $(, fix: $fix:ident)? $(,)?
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
                fix: rule_fix!($($fix)?),
            };
        }
    };
}

/// A rule's declared fix applicability: none, `Safe` or `Unsafe`.
macro_rules! rule_fix {
    () => {
        None
    };
    ($fix:ident) => {
        Some($crate::finding::Applicability::$fix)
    };
}

/// Wires a rule's `meta()` to its declared `META`.
macro_rules! rule_meta {
    ($name:ident) => {
        fn meta(&self) -> &'static $crate::rules::RuleMeta {
            &$name::META
        }
    };
}

/// The one list of rules: each line is a rule's module and type, in the order of the README
/// table (oxc's `declare_all_lint_rules!`). It declares the modules, [`ALL`] and
/// [`instantiate`]; the config schema's rule ids come from [`ALL`]. `unused-ignore` stays last:
/// its `finish` reads which ignores the other rules used.
macro_rules! declare_all_rules {
    ($($module:ident::$rule:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every rule, in the order of the README table.
        pub const ALL: &[&RuleMeta] = &[$(&$module::$rule::META),*];

        /// Fresh instances of every rule, for one lint run, in the order of [`ALL`].
        pub fn instantiate() -> Vec<Box<dyn Rule>> {
            vec![$(Box::new($module::$rule::default())),*]
        }
    };
}

declare_all_rules! {
    error_response_schema::ErrorResponseSchema,
    error_code_present::ErrorCodePresent,
    error_status_coverage::ErrorStatusCoverage,
    error_status_known::ErrorStatusKnown,
    status_key_quoted::StatusKeyQuoted,
    retry_after_scope::RetryAfterScope,
    retry_after_on_429::RetryAfterOn429,
    no_429_when_unlimited::No429WhenUnlimited,
    error_shape_consistent::ErrorShapeConsistent,
    error_envelope_fields::ErrorEnvelopeFields,
    error_code_status::ErrorCodeStatus,
    error_example_valid::ErrorExampleValid,
    ref_siblings_ignored::RefSiblingsIgnored,
    unused_ignore::UnusedIgnore,
}

/// A rule's documentation as `errlint explain` prints it: the doc comment, unindented.
pub fn explain(meta: &RuleMeta) -> String {
    meta.docs
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The metadata of a rule by id, or by an id it had before a rename.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    let id = canonical_id(id);
    ALL.iter().copied().find(|m| m.id == id)
}

#[cfg(test)]
pub(crate) mod tester;

/// The ids errlint reports that are not rules: problems with the document, the config or the
/// run itself. `errlint explain` explains them too.
pub const PROBLEMS: &[(&str, &str)] = &[
    (
        "invalid-syntax",
        "The file is not valid YAML or JSON. The finding points at the first place the parser could not read; nothing in the file is linted (exit code 2).",
    ),
    (
        "invalid-encoding",
        "The file is not UTF-8 text (UTF-16 and UTF-32 are named as such). Save it as UTF-8 (exit code 2).",
    ),
    (
        "duplicate-key",
        "A mapping has the same key twice. YAML and JSON parsers disagree on which one wins, so errlint reads neither and shows both places (exit code 2).",
    ),
    (
        "unreadable-file",
        "A file could not be read: it does not exist, is not a regular file, is outside the linted tree, or is over the size limit (`--max-file-size`). A message never quotes a file that was refused (exit code 2).",
    ),
    (
        "not-openapi",
        "The root has no `openapi` or `swagger` field, so the file is no OpenAPI document (exit code 2).",
    ),
    (
        "unsupported-version",
        "The `openapi`/`swagger` field names a version errlint does not read: it reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 (exit code 2).",
    ),
    (
        "unresolved-ref",
        "A `$ref` leads nowhere: the file or the JSON pointer inside it does not exist, or the file lies outside the linted tree (`--allow-external-refs DIR` lets it be read). What sits behind it is not judged (exit code 2).",
    ),
    (
        "ref-cycle",
        "`$ref`s that lead to each other without end. Reported once, at the first reference of the cycle (exit code 2).",
    ),
    (
        "remote-ref",
        "A `$ref` to an `http(s):` address. errlint never fetches anything at run time, so what it points at is not checked; a warning, not a failure.",
    ),
    (
        "invalid-structure",
        "A node of the wrong kind where OpenAPI expects a mapping or a list (`paths` as a list, a response that is a string, a `$ref` that leads to a scalar). The part below it is not linted.",
    ),
    (
        "invalid-config",
        "errlint.yaml, a profile it extends, or a command-line setting is not valid: an unknown key, rule or profile, a wrong type, a bad pattern or glob. Reported at its line in the config file (exit code 2).",
    ),
    (
        "unused-override",
        "An `overrides` entry whose globs match no operation of any linted document: a typo or a path written the old way would otherwise silently do nothing.",
    ),
    (
        "not-compared",
        "`errlint diff --base REV` could not read a document as it was at REV: it lies inside a git submodule there, whose files are another repository's. The document is skipped with this warning rather than passed in silence; compare it from inside the submodule.",
    ),
    (
        "unused-fragment",
        "A file named on the command line that is a piece of an OpenAPI document (a YAML or JSON mapping) which no document in its tree uses through `$ref`.",
    ),
];

#[cfg(test)]
mod tests {
    use super::tester::{Tester, code_blocks};

    /// Every rule's `## Bad` example yields the rule and its `## Good` example yields nothing.
    #[test]
    fn doc_examples_are_linted() {
        for meta in super::ALL {
            let bad = code_blocks(meta.docs, "## Bad");
            let good = code_blocks(meta.docs, "## Good");
            assert!(!bad.is_empty(), "{}: no Bad example", meta.id);
            assert!(!good.is_empty(), "{}: no Good example", meta.id);
            let mut tester = Tester::new(meta.id);
            for example in &good {
                tester = tester.pass(example);
            }
            for example in &bad {
                tester = tester.fails(example);
            }
            tester.run();
        }
    }
}
