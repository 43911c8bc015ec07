//! The rules: one file each, with its documentation, metadata, logic and unit tests. The engine
//! (`src/engine/`) defines what a rule is ([`Rule`], [`RuleMeta`]), walks the operations once
//! and calls every rule's hooks; it knows no rule by name.

pub use crate::engine::{Rule, RuleMeta};

pub use crate::ids::{REDIRECTS, canonical_id};

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
mod tests {
    use crate::engine::tester::{Tester, code_blocks};

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
