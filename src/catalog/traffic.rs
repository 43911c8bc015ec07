//! The check ids of `errlint check-traffic`: what each says about a recorded response, and the
//! level it reports at unless a config says otherwise. A new check is one entry here (and the
//! code in `check_traffic` that reports it); `errlint rules`, `errlint explain`, the config
//! schema and the table in `docs/check-traffic.md` are made from this list.

use crate::ids::Severity;

/// One kind of mismatch between recorded traffic and the description.
#[derive(Debug)]
pub struct TrafficCheck {
    pub id: &'static str,
    pub level: Severity,
    /// What a recorded response that it reports does.
    pub summary: &'static str,
    /// What to do about it.
    pub help: &'static str,
}

/// The page that documents every check id, relative to the repository.
pub const DOCS_PAGE: &str = "docs/check-traffic.md";

/// Every check of `errlint check-traffic`. Config `rules:` levels apply to them.
pub const TRAFFIC_CHECKS: &[TrafficCheck] = &[
    TrafficCheck {
        id: "traffic-status-undocumented",
        level: Severity::Error,
        summary: "a recorded response has an error status its operation does not document (one matched only by `default` is reported a level lower)",
        help: "document the status with its error body, or change the API so it answers a status the operation documents",
    },
    TrafficCheck {
        id: "traffic-body-invalid",
        level: Severity::Error,
        summary: "a recorded error body does not validate against the documented schema (the validators of `error-example-valid`), shown at the failing value",
        help: "fix the body the API sends, or the schema if the API is right",
    },
    TrafficCheck {
        id: "traffic-code-unknown",
        level: Severity::Error,
        summary: "a recorded error body carries a code the contract's catalog (or the status's `enum`/`const`) does not list",
        help: "add the code to the contract's `codes:` (or the status's `enum`), or send a listed code",
    },
    TrafficCheck {
        id: "traffic-code-wrong-status",
        level: Severity::Error,
        summary: "a recorded error body carries a code that belongs to another status",
        help: "send the code with the status it belongs to, or move it in the catalog",
    },
    TrafficCheck {
        id: "traffic-envelope-fields",
        level: Severity::Error,
        summary: "a recorded error body lacks a field the contract's envelope requires (the code among them), or has it with the wrong type",
        help: "send every field the contract's envelope requires, with its type",
    },
    TrafficCheck {
        id: "traffic-retry-hint-missing",
        level: Severity::Error,
        summary: "a recorded 429 (or a response whose documentation promises a retry hint) has no `Retry-After` header and no retry field",
        help: "send `Retry-After` (or the contract's retry field) with every 429, and wherever the description promises one",
    },
    TrafficCheck {
        id: "traffic-retry-hint-unexpected",
        level: Severity::Warning,
        summary: "a recorded response carries `Retry-After` or a retry field on a status where the contract says retrying makes no sense",
        help: "drop the retry hint from this status, or add the status to the contract's `retry.statuses`",
    },
    TrafficCheck {
        id: "traffic-429-unlimited",
        level: Severity::Error,
        summary: "a recorded 429 answers an operation declared never rate-limited",
        help: "this path must never be rate-limited: find what throttles it, or change the declaration",
    },
    TrafficCheck {
        id: "traffic-media-type",
        level: Severity::Error,
        summary: "a recorded error body has a media type its response does not document, or is not JSON where JSON is documented",
        help: "send the documented media type (JSON where JSON is documented), or document the one sent",
    },
    TrafficCheck {
        id: "traffic-operation-unknown",
        level: Severity::Warning,
        summary: "a recorded request matches no operation of the description (reported once per path shape)",
        help: "describe the operation, or leave the request out of the traffic checked",
    },
];

/// The check `id`, if `errlint check-traffic` reports it.
pub fn find(id: &str) -> Option<&'static TrafficCheck> {
    TRAFFIC_CHECKS.iter().find(|c| c.id == id)
}
