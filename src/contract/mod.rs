//! The error contract in force: what every rule reads instead of hard-coded policy. Built by
//! layering raw settings (built-in default → profile → config file) onto one another.
//!
//! It sits below the rules, the engine and the findings, which read it; finding and loading
//! config files, and checking the ids they name, is `config`'s job, above the rules.

mod policy;
pub(crate) mod raw;

pub use policy::{CommandLine, IGNORE_EXTENSION, IgnoreList, Policy};

use crate::ids::Severity;
use crate::openapi::schema::FieldPath;
use crate::openapi::{Header, Method, Response, StatusKey};
use raw::{RawCodes, RawConfig, RawOverride};
use std::collections::{BTreeMap, HashMap};

/// The type a stable code must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeType {
    String,
    /// The code echoes the HTTP status.
    Integer,
}

impl CodeType {
    /// As the config writes it.
    pub fn name(self) -> &'static str {
        match self {
            CodeType::String => "string",
            CodeType::Integer => "integer",
        }
    }
}

/// How `errlint diff` compares the two sides' `info.version` before a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionScheme {
    /// MAJOR.MINOR.PATCH: a breaking change needs a higher major (the minor in 0.x).
    Semver,
    /// YYYY-MM-DD (Stripe's `2023-09-12`): a breaking change needs a later date.
    Date,
    /// No gate: every breaking change is reported at its own level.
    Off,
}

/// What a `default` response with an error schema satisfies in `error-status-coverage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultCovers {
    Nothing,
    ServerError,
    Everything,
}

/// One required status: satisfied by any of its alternatives (`400|422`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub alternatives: Vec<StatusKey>,
    pub text: String,
}

impl Requirement {
    pub fn parse(text: &str) -> Self {
        Requirement {
            alternatives: text.split('|').map(StatusKey::parse).collect(),
            text: text.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Requirements {
    pub authenticated: Vec<Requirement>,
    pub path_parameter: Vec<Requirement>,
    pub input: Vec<Requirement>,
    pub every_operation: Vec<Requirement>,
    pub rate_limited: Vec<Requirement>,
}

/// The code catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Catalog {
    None,
    /// Stable code → the statuses it belongs to (none listed: any status).
    Codes(BTreeMap<String, Vec<u16>>),
    /// The code equals the HTTP status.
    EchoStatus,
}

/// Settings for the operations a path glob matches (`overrides:` in errlint.yaml).
#[derive(Debug, Clone)]
pub struct Override {
    /// Where it was written: the config or profile file's name and text, and its position in
    /// that file's `overrides` list (for pointing at it).
    pub origin: Option<(std::sync::Arc<str>, std::sync::Arc<String>, usize)>,
    pub paths: Vec<(Option<Method>, globset::Glob)>,
    pub severities: HashMap<String, Option<Severity>>,
    pub rate_limited: Option<bool>,
    pub forbid_statuses: Vec<u16>,
}

/// What the overrides say about one operation.
#[derive(Debug, Clone, Default)]
pub struct OperationSettings {
    pub severities: HashMap<String, Option<Severity>>,
    pub rate_limited: Option<bool>,
    pub forbid_statuses: Vec<u16>,
}

impl OperationSettings {
    /// True when no override matched.
    pub fn is_default(&self) -> bool {
        self.severities.is_empty() && self.rate_limited.is_none() && self.forbid_statuses.is_empty()
    }
}

/// The effective error contract.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The profile it started from.
    pub profile: String,
    pub description: String,
    /// Media types an error body may use; empty means any JSON type.
    pub media_types: Vec<String>,
    pub code_paths: Vec<FieldPath>,
    pub problem_code_path: FieldPath,
    pub code_type: CodeType,
    pub code_pattern: Option<regex::Regex>,
    pub code_closed: bool,
    /// Response Object extensions that list the response's codes (`x-response-codes`).
    pub code_extensions: Vec<String>,
    /// Required fields and their type names (`any` for no type check).
    pub fields: Vec<(FieldPath, String)>,
    pub optional: Vec<FieldPath>,
    pub forbid_additional: bool,
    pub documented: Option<Vec<u16>>,
    pub require: Requirements,
    pub ranges_satisfy: bool,
    pub default_covers: DefaultCovers,
    pub retry_fields: Vec<FieldPath>,
    pub retry_headers: Vec<String>,
    pub retry_statuses: Vec<StatusKey>,
    pub limited_by_default: bool,
    pub rate_limit_extension: String,
    pub versions: VersionScheme,
    pub catalog: Catalog,
    pub severities: HashMap<String, Option<Severity>>,
    pub overrides: Vec<Override>,
    /// What was laid on what, lowest first: the built-in default, each profile, the config
    /// file (`--show-config` prints them).
    pub layers: Vec<String>,
    /// Every override glob in one set, compiled the first time an operation is matched.
    override_index: std::sync::OnceLock<OverrideIndex>,
}

/// All override globs in one `GlobSet`, so that an operation is matched once against all of
/// them (one by one, 10,000 globs × 20,000 operations take 27 s).
#[derive(Debug, Clone)]
struct OverrideIndex {
    set: globset::GlobSet,
    /// For each glob of the set: its override and the method it names, if any.
    owners: Vec<(usize, Option<Method>)>,
}

impl OverrideIndex {
    fn new(overrides: &[Override]) -> Self {
        let mut builder = globset::GlobSetBuilder::new();
        let mut owners = Vec::new();
        for (index, o) in overrides.iter().enumerate() {
            for (method, glob) in &o.paths {
                builder.add(glob.clone());
                owners.push((index, *method));
            }
        }
        // Each glob compiled on its own already; a set of them compiles too, or matches nothing.
        let set = builder
            .build()
            .unwrap_or_else(|_| globset::GlobSet::empty());
        OverrideIndex { set, owners }
    }

    /// The overrides that match an operation, in the order they were written.
    fn matching(&self, method: Method, path: &str) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .set
            .matches(path)
            .into_iter()
            .map(|glob| self.owners[glob])
            .filter(|(_, m)| m.is_none_or(|m| m == method))
            .map(|(index, _)| index)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The code catalog a config's `codes` declares: the HTTP status echoed, or codes by status.
fn catalog_of(codes: &RawCodes) -> Catalog {
    match codes {
        RawCodes::Echo(_) => Catalog::EchoStatus,
        RawCodes::Map(map) => {
            let statuses = |s: &raw::OneOrManyStatuses| match s {
                raw::OneOrManyStatuses::One(status) => vec![*status],
                raw::OneOrManyStatuses::Many(list) => list.clone(),
            };
            Catalog::Codes(
                map.iter()
                    .map(|(code, s)| (code.clone(), statuses(s)))
                    .collect(),
            )
        }
    }
}

impl Contract {
    /// An empty contract; [`Contract::apply`] fills it from the built-in default profile.
    pub(crate) fn blank() -> Self {
        Contract {
            layers: Vec::new(),
            profile: "default".into(),
            description: String::new(),
            media_types: Vec::new(),
            code_paths: Vec::new(),
            problem_code_path: FieldPath::parse("type"),
            code_type: CodeType::String,
            code_pattern: None,
            code_closed: false,
            code_extensions: Vec::new(),
            fields: Vec::new(),
            optional: Vec::new(),
            forbid_additional: false,
            documented: None,
            require: Requirements::default(),
            ranges_satisfy: true,
            default_covers: DefaultCovers::ServerError,
            retry_fields: Vec::new(),
            retry_headers: Vec::new(),
            retry_statuses: Vec::new(),
            limited_by_default: true,
            rate_limit_extension: "x-rate-limited".into(),
            versions: VersionScheme::Semver,
            catalog: Catalog::None,
            severities: HashMap::new(),
            overrides: Vec::new(),
            override_index: std::sync::OnceLock::new(),
        }
    }

    /// [`Contract::apply`] for a file whose overrides should remember where they were written.
    pub(crate) fn apply_from(&mut self, raw: &RawConfig, name: &str, text: &str) {
        let first = self.overrides.len();
        self.apply(raw);
        let (name, text): (std::sync::Arc<str>, _) =
            (name.into(), std::sync::Arc::new(text.to_string()));
        for (index, o) in self.overrides[first..].iter_mut().enumerate() {
            o.origin = Some((name.clone(), text.clone(), index));
        }
    }

    /// Lays validated raw settings over this contract: every field they set wins.
    /// Patterns and globs were checked during validation, so they compile here.
    pub(crate) fn apply(&mut self, raw: &RawConfig) {
        if let Some(d) = &raw.description {
            self.description = d.clone();
        }
        if let Some(m) = &raw.media_types {
            self.media_types = m.clone();
        }
        if let Some(envelope) = &raw.envelope {
            self.apply_envelope(envelope);
        }
        if let Some(statuses) = &raw.statuses {
            self.apply_statuses(statuses);
        }
        if let Some(retry) = &raw.retry {
            self.apply_retry(retry);
        }
        if let Some(limit) = &raw.rate_limit {
            if let Some(d) = &limit.default {
                self.limited_by_default = d == "limited";
            }
            if let Some(e) = &limit.extension {
                self.rate_limit_extension = e.clone();
            }
        }
        if let Some(codes) = &raw.codes {
            self.catalog = catalog_of(codes);
        }
        self.versions = match raw.versions.as_deref() {
            Some("date") => VersionScheme::Date,
            Some("off") => VersionScheme::Off,
            Some(_) => VersionScheme::Semver,
            None => self.versions,
        };
        if let Some(rules) = &raw.rules {
            self.severities.extend(
                rules
                    .iter()
                    .map(|(id, level)| (canonical(id), parse_level(level))),
            );
        }
        if let Some(overrides) = &raw.overrides {
            self.overrides
                .extend(overrides.iter().map(compile_override));
            self.override_index = std::sync::OnceLock::new();
        }
    }

    /// The error body's settings: where its code is and what it looks like, its fields.
    fn apply_envelope(&mut self, envelope: &raw::RawEnvelope) {
        if let Some(code) = &envelope.code {
            if let Some(path) = &code.path {
                self.code_paths = path.iter().map(|p| FieldPath::parse(p)).collect();
            }
            if let Some(p) = &code.problem_path {
                self.problem_code_path = FieldPath::parse(p);
            }
            if let Some(t) = &code.r#type {
                self.code_type = if t == "integer" {
                    CodeType::Integer
                } else {
                    CodeType::String
                };
            }
            if let Some(p) = &code.pattern {
                self.code_pattern = regex::Regex::new(p).ok();
            }
            if let Some(c) = code.closed {
                self.code_closed = c;
            }
            if let Some(e) = &code.extensions {
                self.code_extensions = e.clone();
            }
        }
        if let Some(fields) = &envelope.fields {
            self.fields = fields
                .iter()
                .map(|(p, t)| (FieldPath::parse(p), t.clone()))
                .collect();
        }
        if let Some(optional) = &envelope.optional {
            self.optional = optional.iter().map(|p| FieldPath::parse(p)).collect();
        }
        if let Some(a) = &envelope.additional {
            self.forbid_additional = a == "forbid";
        }
    }

    /// Which statuses are documented and required, and what satisfies a requirement.
    fn apply_statuses(&mut self, statuses: &raw::RawStatuses) {
        if let Some(d) = &statuses.documented {
            self.documented = Some(d.clone());
        }
        if let Some(r) = &statuses.require {
            let parse = |list: &Option<Vec<String>>, into: &mut Vec<Requirement>| {
                if let Some(list) = list {
                    *into = list.iter().map(|t| Requirement::parse(t)).collect();
                }
            };
            parse(&r.authenticated, &mut self.require.authenticated);
            parse(&r.path_parameter, &mut self.require.path_parameter);
            parse(&r.input, &mut self.require.input);
            parse(&r.every_operation, &mut self.require.every_operation);
            parse(&r.rate_limited, &mut self.require.rate_limited);
        }
        if let Some(r) = statuses.ranges_satisfy {
            self.ranges_satisfy = r;
        }
        if let Some(d) = &statuses.default_satisfies {
            self.default_covers = match d.as_str() {
                "none" => DefaultCovers::Nothing,
                "all" => DefaultCovers::Everything,
                _ => DefaultCovers::ServerError,
            };
        }
    }

    /// Where retry hints are looked for, and on which statuses.
    fn apply_retry(&mut self, retry: &raw::RawRetry) {
        if let Some(f) = &retry.fields {
            self.retry_fields = f.iter().map(|p| FieldPath::parse(p)).collect();
        }
        if let Some(h) = &retry.headers {
            self.retry_headers = h.clone();
        }
        if let Some(s) = &retry.statuses {
            self.retry_statuses = s.iter().map(|s| StatusKey::parse(s)).collect();
        }
    }

    /// The overrides (by index) that match an operation, in the order they were written.
    pub fn matching_overrides(&self, method: Method, path: &str) -> Vec<usize> {
        if self.overrides.is_empty() {
            return Vec::new();
        }
        self.override_index
            .get_or_init(|| OverrideIndex::new(&self.overrides))
            .matching(method, path)
    }

    /// What the overrides say about one operation; later overrides win.
    pub fn operation_settings(&self, method: Method, path: &str) -> OperationSettings {
        self.settings_of(&self.matching_overrides(method, path))
    }

    /// What the overrides `matching` (from [`Contract::matching_overrides`]) say about an
    /// operation; later overrides win.
    pub fn settings_of(&self, matching: &[usize]) -> OperationSettings {
        let mut settings = OperationSettings::default();
        for o in matching.iter().map(|&i| &self.overrides[i]) {
            settings
                .severities
                .extend(o.severities.iter().map(|(k, v)| (k.clone(), *v)));
            if o.rate_limited.is_some() {
                settings.rate_limited = o.rate_limited;
            }
            settings.forbid_statuses.extend(&o.forbid_statuses);
        }
        settings
    }

    /// The response's retry header, by the contract's names (case-insensitive).
    pub fn retry_header<'r>(&self, response: &'r Response<'_>) -> Option<&'r Header<'r>> {
        self.retry_headers
            .iter()
            .find_map(|name| response.header(name))
    }

    /// True when a response key may carry a retry hint.
    pub fn retry_is_meaningful(&self, key: StatusKey) -> bool {
        self.retry_statuses
            .iter()
            .any(|&allowed| match (allowed, key) {
                (_, StatusKey::Default) => true,
                (StatusKey::Code(a), StatusKey::Code(k)) => a == k,
                (StatusKey::Code(a), StatusKey::Range(r)) => a / 100 == u16::from(r),
                (StatusKey::Range(a), StatusKey::Code(k)) => u16::from(a) == k / 100,
                (StatusKey::Range(a), StatusKey::Range(r)) => a == r,
                _ => false,
            })
    }

    /// True when `key` satisfies one alternative of a requirement.
    pub fn satisfies(&self, key: StatusKey, alternative: StatusKey) -> bool {
        match (alternative, key) {
            (StatusKey::Code(a), StatusKey::Code(k)) => a == k,
            (StatusKey::Code(a), StatusKey::Range(r)) => {
                self.ranges_satisfy && a / 100 == u16::from(r)
            }
            (StatusKey::Range(a), StatusKey::Code(k)) => u16::from(a) == k / 100,
            (StatusKey::Range(a), StatusKey::Range(r)) => a == r,
            _ => false,
        }
    }

    /// Whether a media type is one the contract allows for error bodies.
    pub fn is_error_media_type(&self, media_type: &str) -> bool {
        let essence = crate::openapi::essence(media_type);
        if self.media_types.is_empty() {
            return crate::openapi::is_json_media_type(media_type);
        }
        self.media_types
            .iter()
            .any(|m| m.eq_ignore_ascii_case(essence))
    }
}

pub(crate) fn parse_level(level: &str) -> Option<Severity> {
    match level {
        "info" => Some(Severity::Info),
        "warning" => Some(Severity::Warning),
        "error" => Some(Severity::Error),
        _ => None,
    }
}

/// Splits `POST /v1/**` into a method and a glob over path templates.
pub(crate) fn parse_path_pattern(pattern: &str) -> Result<(Option<Method>, globset::Glob), String> {
    let (method, glob) = match pattern.split_once(' ') {
        Some((m, rest)) => (Method::parse(&m.to_ascii_lowercase()), rest),
        None => (None, pattern),
    };
    Ok((method, crate::glob::build(&with_templates(glob))?))
}

/// An override written as an OpenAPI path (`/v1/rules/{id}`): a segment that is one
/// `{name}` is a template parameter, not a glob alternation, and matches that segment of the
/// same template however the document names the parameter (`{ruleId}`).
fn with_templates(glob: &str) -> String {
    glob.split('/')
        .map(|segment| {
            let inner = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
            match inner {
                Some(name)
                    if !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_alphanumeric() || "_-.".contains(c)) =>
                {
                    "[{]*[}]".to_string()
                }
                _ => segment.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A rule id as the rules know it now (a renamed rule's old id leads to the new one).
fn canonical(id: &str) -> String {
    crate::ids::canonical_id(id).to_string()
}

fn compile_override(raw: &RawOverride) -> Override {
    Override {
        origin: None,
        paths: raw
            .paths
            .iter()
            .filter_map(|p| parse_path_pattern(p).ok())
            .collect(),
        severities: raw
            .rules
            .iter()
            .flatten()
            .map(|(id, level)| (canonical(id), parse_level(level)))
            .collect(),
        rate_limited: raw.rate_limited,
        forbid_statuses: raw.forbid_statuses.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract_with(paths: &[&str]) -> Contract {
        let mut contract = Contract::blank();
        contract.overrides.push(Override {
            origin: None,
            paths: paths
                .iter()
                .map(|p| parse_path_pattern(p).unwrap())
                .collect(),
            severities: HashMap::new(),
            rate_limited: Some(false),
            forbid_statuses: Vec::new(),
        });
        contract
    }

    #[test]
    fn an_override_written_as_an_openapi_path_matches_its_template() {
        let contract = contract_with(&["GET /v1/rules/{id}"]);
        let limited = |m, p| contract.operation_settings(m, p).rate_limited;
        assert_eq!(limited(Method::Get, "/v1/rules/{ruleId}"), Some(false));
        assert_eq!(limited(Method::Get, "/v1/rules/{id}"), Some(false));
        assert_eq!(limited(Method::Post, "/v1/rules/{id}"), None);
        assert_eq!(limited(Method::Get, "/v1/rules/{id}/history"), None);
        // A segment with a comma is still an alternation.
        let alternation = contract_with(&["/v1/{rules,verdicts}/*"]);
        assert_eq!(
            alternation
                .operation_settings(Method::Get, "/v1/verdicts/x")
                .rate_limited,
            Some(false)
        );
    }

    #[test]
    fn later_overrides_win_and_every_matching_one_applies() {
        let mut contract = contract_with(&["/a/*"]);
        contract.overrides.push(Override {
            origin: None,
            paths: vec![parse_path_pattern("GET /a/b").unwrap()],
            severities: HashMap::new(),
            rate_limited: Some(true),
            forbid_statuses: vec![404],
        });
        let settings = contract.operation_settings(Method::Get, "/a/b");
        assert_eq!(settings.rate_limited, Some(true));
        assert_eq!(settings.forbid_statuses, vec![404]);
        assert_eq!(
            contract
                .operation_settings(Method::Get, "/a/c")
                .rate_limited,
            Some(false)
        );
    }

    /// Order is the order written, whichever kind of glob matched: a literal path, a `**`
    /// glob and a suffix glob each answer from another part of the glob set.
    #[test]
    fn the_last_written_override_wins_whatever_its_glob() {
        let mut contract = Contract::blank();
        for (glob, limited) in [("/v1/**", false), ("GET /v1/a/b", true), ("**/b", false)] {
            contract.overrides.push(Override {
                origin: None,
                paths: vec![parse_path_pattern(glob).unwrap()],
                severities: HashMap::new(),
                rate_limited: Some(limited),
                forbid_statuses: Vec::new(),
            });
        }
        let limited =
            |contract: &Contract, path| contract.operation_settings(Method::Get, path).rate_limited;
        assert_eq!(
            contract.matching_overrides(Method::Get, "/v1/a/b"),
            [0, 1, 2]
        );
        assert_eq!(limited(&contract, "/v1/a/b"), Some(false));
        contract.overrides.pop();
        contract.override_index = std::sync::OnceLock::new();
        assert_eq!(limited(&contract, "/v1/a/b"), Some(true));
        assert_eq!(limited(&contract, "/v1/a/c"), Some(false));
    }
}
