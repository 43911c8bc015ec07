//! The change ids of `errlint diff`: what each kind of change is, and how it stands against
//! the contract's promise. A new kind of change is one entry here (and the code in `diff` that
//! reports it); `errlint rules`, the config schema and the table in `docs/diff.md` are made
//! from this list.

/// How a change stands against the contract's promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Clients written against BASE can break: allowed only with a major version bump.
    Breaking,
    Warning,
    Info,
}

/// One kind of change, as `errlint diff` reports it.
#[derive(Debug)]
pub struct ChangeMeta {
    pub id: &'static str,
    pub class: Class,
    pub summary: &'static str,
}

/// The page that documents every change id, relative to the repository.
pub const DOCS_PAGE: &str = "docs/diff.md";

/// Every change id, and the version gate's own findings. Config `rules:` levels apply to them.
pub const CHANGES: &[ChangeMeta] = &[
    ChangeMeta {
        id: "error-code-removed",
        class: Class::Breaking,
        summary: "a code documented for an operation (by `enum`, `const` or example) is no longer documented for it",
    },
    ChangeMeta {
        id: "error-code-moved",
        class: Class::Breaking,
        summary: "a code moved to another status of the same operation",
    },
    ChangeMeta {
        id: "error-code-field-changed",
        class: Class::Breaking,
        summary: "the code's location (`code` → `error.code`) or type changed in an error body",
    },
    ChangeMeta {
        id: "error-field-removed",
        class: Class::Breaking,
        summary: "a field required in an error body is gone, optional, or retyped",
    },
    ChangeMeta {
        id: "error-body-removed",
        class: Class::Breaking,
        summary: "an error status that documented a body no longer does (one change, naming the code, codes and required fields that went with it)",
    },
    ChangeMeta {
        id: "error-media-type-changed",
        class: Class::Breaking,
        summary: "an error status's body is now of another media type (`application/json` → `application/problem+json`)",
    },
    ChangeMeta {
        id: "rate-limit-added",
        class: Class::Breaking,
        summary: "an operation that was not rate-limited (declared, or no 429) documents 429 or is declared rate-limited",
    },
    ChangeMeta {
        id: "retry-hint-removed",
        class: Class::Breaking,
        summary: "a 429 or 503 lost its `Retry-After` header or retry field",
    },
    ChangeMeta {
        id: "error-status-added",
        class: Class::Warning,
        summary: "an operation documents an error status no range or `default` covered before",
    },
    ChangeMeta {
        id: "error-code-added",
        class: Class::Info,
        summary: "a new code on an existing status",
    },
    ChangeMeta {
        id: "error-status-removed",
        class: Class::Info,
        summary: "an operation no longer documents an error status",
    },
    ChangeMeta {
        id: "version-not-bumped",
        class: Class::Breaking,
        summary: "breaking changes without a major version bump of `info.version` (a later date, under `versions: date`)",
    },
    ChangeMeta {
        id: "version-gate-unavailable",
        class: Class::Warning,
        summary: "`info.version` does not read as the contract's `versions:` say (semver by default), so breaking changes cannot be gated on it",
    },
];

/// The change `id`, if errlint diff reports it.
pub fn find(id: &str) -> Option<&'static ChangeMeta> {
    CHANGES.iter().find(|c| c.id == id)
}
