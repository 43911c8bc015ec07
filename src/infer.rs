//! `errlint contract DOC`: the error contract a document follows today, as a profile, each fact
//! with how much of the document supports it; `errlint init --from DOC` writes it as an
//! errlint.yaml. What is true of every error body (or every operation with a trait) becomes a
//! rule; what is true of most is written beside it as a comment, never averaged into a rule.
//! Linting the document with its own contract therefore gives no `error-envelope-fields` and
//! no `error-code-status` finding, and a later drift is caught.

mod code_field;
mod yaml;

use crate::config::{Contract, Requirement};
use crate::document::NodeRef;
use crate::openapi::StatusKey;
use crate::openapi::schema::FieldPath;
use crate::promises::{BodyShape, ErrorPromises, OperationPromises, body_identity};
pub use code_field::{Confidence, RecognisedCode, recognise};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use yaml::{comment, list, scalar};

/// A value and how many places have it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Support {
    pub value: String,
    pub count: usize,
}

/// A field of error bodies: how many require it with this type.
#[derive(Debug, Clone, Serialize)]
pub struct FieldSupport {
    pub name: String,
    /// `string`, `integer`, …, or `any` when bodies disagree.
    pub r#type: String,
    pub required_in: usize,
}

/// A status an operation trait calls for, and how many operations with the trait have it.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementSupport {
    /// `authenticated`, `path_parameter`, `input`, `every_operation`, `rate_limited`.
    pub r#trait: &'static str,
    /// `401`, `400|422`, `5XX`.
    pub statuses: String,
    pub satisfied: usize,
    pub operations: usize,
    /// Of those satisfied, how many only through `default` (which stands for a server error).
    pub through_default: usize,
}

/// The contract a document follows, with its support.
#[derive(Debug, Clone, Serialize)]
pub struct Inferred {
    pub document: String,
    /// Distinct error body schemas.
    pub error_bodies: usize,
    /// Where bodies put their code, most first (`none` for bodies without one).
    pub code_locations: Vec<Support>,
    /// Code fields at places no profile names, recognised by their values, with how sure.
    pub recognised_codes: Vec<RecognisedCode>,
    /// The code's type in the bodies that have one, most first.
    pub code_types: Vec<Support>,
    /// Every field some error body requires.
    pub fields: Vec<FieldSupport>,
    /// The concrete error statuses documented.
    pub statuses: Vec<u16>,
    pub requirements: Vec<RequirementSupport>,
    /// Each documented code and the concrete statuses it is documented on.
    pub codes: BTreeMap<String, BTreeSet<u16>>,
    pub retry_headers: Vec<Support>,
    pub retry_fields: Vec<Support>,
    /// Statuses with a retry hint.
    pub retry_statuses: Vec<String>,
    pub operations: usize,
    pub rate_limited_operations: usize,
    /// Operations the document declares never rate-limited (`x-rate-limited: false`).
    pub declared_unlimited_operations: usize,
    /// The extension that declares it.
    pub rate_limit_extension: String,
}

fn ranked(counts: BTreeMap<String, usize>) -> Vec<Support> {
    let mut out: Vec<Support> = counts
        .into_iter()
        .map(|(value, count)| Support { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

/// The envelope type name for a described type: `string or null` is `string`.
fn type_name(described: &str) -> &str {
    let first = described.split(' ').next().unwrap_or("any");
    match first {
        "string" | "integer" | "number" | "boolean" | "object" | "array" => first,
        _ => "any",
    }
}

/// The candidate requirements: the default contract's, by trait.
fn candidates(contract: &Contract) -> Vec<(&'static str, &Requirement)> {
    let r = &contract.require;
    [
        ("authenticated", &r.authenticated),
        ("path_parameter", &r.path_parameter),
        ("input", &r.input),
        ("every_operation", &r.every_operation),
    ]
    .into_iter()
    .flat_map(|(name, list)| list.iter().map(move |req| (name, req)))
    .collect()
}

/// How an operation meets a requirement, if it does.
#[derive(PartialEq, Eq)]
enum Met {
    No,
    /// By a status the requirement names (or a range that covers it).
    ByStatus,
    /// Only by a `default` with a body, which stands for the server errors.
    ByDefault,
}

fn satisfies(contract: &Contract, op: &OperationPromises, requirement: &Requirement) -> Met {
    let by_status = op.statuses.iter().any(|s| {
        requirement
            .alternatives
            .iter()
            .any(|&a| contract.satisfies(s.status, a))
    });
    let default_with_body = op
        .statuses
        .iter()
        .any(|s| s.status == StatusKey::Default && !s.bodies.is_empty());
    let server_only = requirement.alternatives.iter().all(|a| a.is_server_error());
    match (by_status, default_with_body && server_only) {
        (true, _) => Met::ByStatus,
        (false, true) => Met::ByDefault,
        (false, false) => Met::No,
    }
}

/// What inference reads besides the error facts: the code fields it recognised and how many
/// operations are declared never rate-limited.
struct Declared {
    recognised_codes: Vec<RecognisedCode>,
    unlimited_operations: usize,
}

/// Sums up a document's error facts (read with `contract`, whose code locations and retry
/// names are the candidates).
fn infer(
    document: &str,
    api: &crate::openapi::Api<'_>,
    facts: &ErrorPromises,
    contract: &Contract,
    declared: Declared,
) -> Inferred {
    // Distinct bodies, in document order: identical inline copies are one body.
    let mut identities: BTreeMap<NodeRef, String> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut bodies: BTreeMap<NodeRef, &BodyShape> = BTreeMap::new();
    let mut statuses = BTreeSet::new();
    let mut codes: BTreeMap<String, BTreeSet<u16>> = BTreeMap::new();
    let mut retry_headers: BTreeMap<String, usize> = BTreeMap::new();
    let mut retry_fields: BTreeMap<String, usize> = BTreeMap::new();
    let mut retry_statuses = BTreeSet::new();
    for op in facts.operations.values() {
        for status in &op.statuses {
            if let StatusKey::Code(c) = status.status {
                statuses.insert(c);
            }
            for (code, _) in &status.codes {
                let entry = codes.entry(code.clone()).or_default();
                if let StatusKey::Code(c) = status.status {
                    entry.insert(c);
                }
            }
            for shape in &status.bodies {
                if identities.contains_key(&shape.schema) {
                    continue;
                }
                let identity = body_identity(api, shape);
                identities.insert(shape.schema, identity.clone());
                if seen.insert(identity) {
                    bodies.insert(shape.schema, shape);
                }
            }
            if let Some(hint) = status.retry.as_ref().filter(|h| h.required) {
                retry_statuses.insert(status.text.clone());
                let counts = if hint.header {
                    &mut retry_headers
                } else {
                    &mut retry_fields
                };
                *counts.entry(hint.name.clone()).or_default() += 1;
            }
        }
    }
    let (locations, types) = code_support(&bodies);
    let fields = field_support(&bodies);
    let operations: Vec<&OperationPromises> = facts.operations.values().collect();
    let requirements = requirement_support(contract, &operations);
    Inferred {
        document: document.to_string(),
        error_bodies: bodies.len(),
        code_locations: ranked(locations),
        recognised_codes: declared.recognised_codes,
        code_types: ranked(types),
        fields,
        statuses: statuses.into_iter().filter(|s| *s >= 400).collect(),
        requirements,
        codes,
        retry_headers: ranked(retry_headers),
        retry_fields: ranked(retry_fields),
        retry_statuses: retry_statuses.into_iter().collect(),
        operations: operations.len(),
        rate_limited_operations: operations
            .iter()
            .filter(|o| o.rate_limited.is_some())
            .count(),
        declared_unlimited_operations: declared.unlimited_operations,
        rate_limit_extension: contract.rate_limit_extension.clone(),
    }
}

/// Where the error bodies put their code (`none` for those without one), and the code's
/// type in those that have one, each with how many bodies do so.
fn code_support(
    bodies: &BTreeMap<NodeRef, &BodyShape>,
) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut locations: BTreeMap<String, usize> = BTreeMap::new();
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    for shape in bodies.values() {
        let location = shape
            .code
            .as_ref()
            .map_or("none".to_string(), |(p, _, _)| p.clone());
        *locations.entry(location).or_default() += 1;
        if let Some((_, t, _)) = &shape.code {
            *types.entry(type_name(t).to_string()).or_default() += 1;
        }
    }
    (locations, types)
}

/// Every field some error body requires, most required first, with its type (`any` when
/// the bodies disagree).
fn field_support(bodies: &BTreeMap<NodeRef, &BodyShape>) -> Vec<FieldSupport> {
    let mut fields: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    for shape in bodies.values() {
        for field in shape.fields.iter().filter(|f| f.required) {
            let entry = fields.entry(field.name.clone()).or_default();
            entry.0.insert(type_name(&field.types).to_string());
            entry.1 += 1;
        }
    }
    let mut fields: Vec<FieldSupport> = fields
        .into_iter()
        .map(|(name, (types, count))| FieldSupport {
            r#type: if types.len() == 1 {
                types.into_iter().next().unwrap_or_default()
            } else {
                "any".into()
            },
            name,
            required_in: count,
        })
        .collect();
    fields.sort_by(|a, b| {
        b.required_in
            .cmp(&a.required_in)
            .then_with(|| a.name.cmp(&b.name))
    });
    fields
}

/// Each candidate requirement, with how many of the operations that have its trait satisfy it.
fn requirement_support(
    contract: &Contract,
    operations: &[&OperationPromises],
) -> Vec<RequirementSupport> {
    candidates(contract)
        .into_iter()
        .map(|(name, requirement)| {
            let with_trait: Vec<&&OperationPromises> = operations
                .iter()
                .filter(|op| match name {
                    "authenticated" => op.authenticated,
                    "path_parameter" => op.path_parameter,
                    "input" => op.input,
                    _ => true,
                })
                .collect();
            let met: Vec<Met> = with_trait
                .iter()
                .map(|op| satisfies(contract, op, requirement))
                .collect();
            RequirementSupport {
                r#trait: name,
                statuses: requirement.text.clone(),
                satisfied: met.iter().filter(|m| **m != Met::No).count(),
                operations: with_trait.len(),
                through_default: met.iter().filter(|m| **m == Met::ByDefault).count(),
            }
        })
        .collect()
}

/// Reads the document at `path` and infers its contract; a document that cannot be read gives
/// its problems instead (exit code 2).
pub fn infer_path(
    path: &std::path::Path,
    options: &crate::Options,
) -> Result<Inferred, Box<crate::Outcome>> {
    let name = path.to_string_lossy().replace('\\', "/");
    // The candidates are the default contract's: every usual code location and retry name.
    let defaults = crate::Options {
        config: crate::config::ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..options.clone()
    };
    with_document(path, &defaults, |api, model, facts, contract| {
        let unlimited_operations = model
            .operations
            .iter()
            .filter(|op| !op.webhook)
            .filter(|op| {
                api.inherited_flag(op, &contract.rate_limit_extension)
                    .is_some_and(|(limited, _)| !limited)
            })
            .count();
        let recognised_codes = code_field::recognise(api, facts);
        let declared = Declared {
            recognised_codes,
            unlimited_operations,
        };
        if declared.recognised_codes.is_empty() {
            return infer(&name, api, facts, contract, declared);
        }
        // The recognised fields become code locations after the usual ones, and the facts
        // are read again: their values are then the documented codes.
        let mut widened = contract.clone();
        widened.code_paths.extend(
            declared
                .recognised_codes
                .iter()
                .map(|r| FieldPath::parse(&r.path)),
        );
        let facts = ErrorPromises::of(api, model, &widened);
        infer(&name, api, &facts, &widened, declared)
    })
}

/// Loads the document at `path`, builds its model and error facts with the contract found
/// for it, and gives them to `then`; a document that cannot be read gives its problems.
pub(crate) fn with_document<T>(
    path: &std::path::Path,
    options: &crate::Options,
    then: impl FnOnce(
        &crate::openapi::Api<'_>,
        &crate::openapi::Model<'_>,
        &ErrorPromises,
        &Contract,
    ) -> T,
) -> Result<T, Box<crate::Outcome>> {
    use crate::document::DocumentSet;
    let name = path.to_string_lossy().replace('\\', "/");
    let docs = DocumentSet::load_path(path, name, crate::load_options(options));
    let mut problems: Vec<crate::Finding> = docs
        .problems
        .iter()
        .map(|p| crate::Finding::problem(&docs, p))
        .filter(|f| f.fatal)
        .collect();
    if !problems.is_empty() {
        return Err(Box::new(problem_outcome(&docs, problems)));
    }
    let api = match crate::openapi::Api::new(&docs) {
        Ok(api) => api,
        Err(e) => {
            problems.push(crate::version_finding(&docs, e));
            return Err(Box::new(problem_outcome(&docs, problems)));
        }
    };
    let contract = crate::contract_for(path, options)
        .map_err(|errors| Box::new(problem_outcome(&docs, errors.findings)))?;
    let model = crate::openapi::Model::build(&api);
    let facts = ErrorPromises::of(&api, &model, &contract);
    Ok(then(&api, &model, &facts, &contract))
}

fn problem_outcome(
    docs: &crate::document::DocumentSet,
    findings: Vec<crate::Finding>,
) -> crate::Outcome {
    let mut outcome = crate::Outcome {
        findings,
        sources: crate::finding::Sources::of(docs),
        file_count: 1,
        ..crate::Outcome::default()
    };
    outcome.sort();
    outcome
}

/// `error is not a usual place: recognised as the code in 3 bodies (a required string with an
/// enum of code-like values in 3); sure`.
fn recognised_text(r: &RecognisedCode) -> String {
    let evidence = [
        (
            r.required_with_enum,
            "a required string with an enum of code-like values",
        ),
        (
            r.optional_with_enum,
            "a string with an enum of code-like values, not required at every level",
        ),
        (
            r.required_with_examples,
            "a required string with code-like examples",
        ),
        (
            r.optional_with_examples,
            "a string with code-like examples, not required at every level",
        ),
    ];
    let evidence: Vec<String> = evidence
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, what)| format!("{what} in {count}"))
        .collect();
    format!(
        "{} is not a usual place: recognised as the code in {} {} ({}); {}",
        r.path,
        r.bodies,
        if r.bodies == 1 { "body" } else { "bodies" },
        evidence.join("; "),
        r.confidence.word()
    )
}

/// `error.code in 212 bodies; code in 1 body`.
fn shares(items: &[Support], (one, many): (&str, &str)) -> String {
    items
        .iter()
        .map(|s| {
            let noun = if s.count == 1 { one } else { many };
            format!("{} in {} {noun}", s.value, s.count)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the document's names and codes reach — keys, values and comments — goes through
/// [`yaml`]'s helpers, so that `errlint init --from` never writes configuration the document's
/// author chose, nor a file that cannot be read back.
impl Inferred {
    /// The contract as profile YAML: every rule the whole document keeps, each with its support
    /// in a comment, and what only part of it does as comments.
    pub fn to_yaml(&self) -> String {
        let mut out = vec![
            comment(
                "",
                &format!("The error contract of {}, as it is today.", self.document),
            ),
            comment(
                "",
                "Each fact says how much of the document supports it; what only part of it does",
            ),
            comment("", "is a comment, not a rule."),
            format!(
                "description: {}",
                scalar(&format!("the error contract of {}", self.document))
            ),
        ];
        self.envelope_yaml(&mut out);
        self.statuses_yaml(&mut out);
        self.retry_yaml(&mut out);
        self.rate_limit_and_codes_yaml(&mut out);
        let mut text = out.join("\n");
        text.push('\n');
        text
    }

    fn envelope_yaml(&self, out: &mut Vec<String>) {
        let bodies = self.error_bodies;
        out.push("envelope:".into());
        out.push("  code:".into());
        let located: Vec<&Support> = self
            .code_locations
            .iter()
            .filter(|s| s.value != "none")
            .collect();
        let locations = if self.code_locations.is_empty() {
            "none".to_string()
        } else {
            shares(&self.code_locations, ("body", "bodies")).replace("none in", "no code in")
        };
        out.push(comment(
            "    ",
            &format!("of {bodies} distinct error bodies: {locations}"),
        ));
        for recognised in &self.recognised_codes {
            out.push(comment("    ", &recognised_text(recognised)));
        }
        if located.is_empty() {
            out.push(comment(
                "    ",
                "no body has a code at a usual place: the defaults are kept",
            ));
            out.push(format!(
                "    path: {}",
                list(["code", "error.code", "error_code", "errors[].code"].map(String::from))
            ));
        } else {
            out.push(format!(
                "    path: {}",
                list(located.iter().map(|s| s.value.clone()))
            ));
        }
        out.push(comment(
            "    ",
            "errlint's default for application/problem+json bodies (RFC 9457)",
        ));
        out.push("    problem_path: type".into());
        let code_type = match self.code_types.first() {
            Some(t) if t.value == "integer" => "integer",
            _ => "string",
        };
        if !self.code_types.is_empty() {
            let types = shares(&self.code_types, ("body with a code", "bodies with a code"));
            out.push(comment("    ", &types));
        }
        out.push(format!("    type: {code_type}"));
        self.fields_yaml(out);
        out.push("  additional: allow".into());
    }

    fn fields_yaml(&self, out: &mut Vec<String>) {
        let bodies = self.error_bodies;
        let every: Vec<&FieldSupport> = self
            .fields
            .iter()
            .filter(|f| bodies > 0 && f.required_in == bodies)
            .collect();
        let some: Vec<&FieldSupport> = self
            .fields
            .iter()
            .filter(|f| f.required_in < bodies)
            .collect();
        if every.is_empty() {
            out.push("  fields: {}".into());
        } else {
            out.push(comment(
                "  ",
                &format!("required by all {bodies} error bodies"),
            ));
            out.push("  fields:".into());
            for field in &every {
                out.push(format!("    {}: {}", scalar(&field.name), field.r#type));
            }
        }
        if !some.is_empty() {
            let listed: Vec<String> = some
                .iter()
                .take(12)
                .map(|f| format!("{} ({} of {bodies})", f.name, f.required_in))
                .collect();
            let more = match some.len().saturating_sub(12) {
                0 => String::new(),
                more => format!(", and {more} more"),
            };
            out.push(comment(
                "  ",
                &format!(
                    "required by some error bodies only: {}{more}",
                    listed.join(", ")
                ),
            ));
        }
    }

    fn statuses_yaml(&self, out: &mut Vec<String>) {
        out.push("statuses:".into());
        let documented: Vec<String> = self.statuses.iter().map(u16::to_string).collect();
        out.push(format!("  documented: [{}]", documented.join(", ")));
        out.push("  require:".into());
        let traits = [
            ("authenticated", "operations that require credentials"),
            ("path_parameter", "operations with a path parameter"),
            ("input", "operations that take input"),
            ("every_operation", "operations"),
        ];
        for (name, who) in traits {
            let mut kept = Vec::new();
            for r in self.requirements.iter().filter(|r| r.r#trait == name) {
                let all = r.satisfied == r.operations && r.operations > 0;
                // A `default` meets a server-error requirement: the comment says so rather
                // than claim the status itself is documented.
                let statuses = match r.through_default {
                    0 => r.statuses.clone(),
                    _ => format!("{} or default", r.statuses),
                };
                let support = if r.operations == 0 {
                    format!("{statuses}: there are no {who}")
                } else {
                    format!(
                        "{statuses}: documented by {} of {} {who}{}",
                        r.satisfied,
                        r.operations,
                        if all { "" } else { " (not all: not required)" }
                    )
                };
                out.push(comment("    ", &support));
                if all {
                    kept.push(r.statuses.clone());
                }
            }
            out.push(format!("    {name}: {}", list(kept)));
        }
        let all_limited = self.operations > 0 && self.rate_limited_operations == self.operations;
        out.push(format!(
            "    rate_limited: {}",
            list(all_limited.then(|| "429".to_string()))
        ));
        out.push("  ranges_satisfy: true".into());
        out.push("  default_satisfies: server_error".into());
    }

    fn retry_yaml(&self, out: &mut Vec<String>) {
        out.push("retry:".into());
        if self.retry_headers.is_empty() && self.retry_fields.is_empty() {
            out.push(comment(
                "  ",
                "no response declares a retry hint: these are errlint's defaults",
            ));
        }
        if !self.retry_headers.is_empty() {
            let support = shares(&self.retry_headers, ("response", "responses"));
            out.push(comment("  ", &support));
        }
        let headers: Vec<String> = if self.retry_headers.is_empty() {
            vec!["Retry-After".into()]
        } else {
            self.retry_headers.iter().map(|s| s.value.clone()).collect()
        };
        out.push(format!("  headers: {}", list(headers)));
        if !self.retry_fields.is_empty() {
            let support = shares(&self.retry_fields, ("response", "responses"));
            out.push(comment("  ", &support));
        }
        let mut fields: Vec<String> = self.retry_fields.iter().map(|s| s.value.clone()).collect();
        if fields.is_empty() {
            fields = [
                "retry_after",
                "retryAfter",
                "error.retry_after",
                "error.retryAfter",
            ]
            .map(String::from)
            .to_vec();
        }
        out.push(format!("  fields: {}", list(fields)));
        let mut statuses: BTreeSet<String> =
            ["429", "503", "413", "3XX", "202"].map(String::from).into();
        statuses.extend(self.retry_statuses.iter().cloned());
        if !self.retry_statuses.is_empty() {
            out.push(comment(
                "  ",
                &format!(
                    "retry hints (headers, required fields) appear on {}",
                    self.retry_statuses.join(", ")
                ),
            ));
        }
        out.push(format!("  statuses: {}", list(statuses)));
    }

    fn rate_limit_and_codes_yaml(&self, out: &mut Vec<String>) {
        out.push("rate_limit:".into());
        let declaration = format!("{}: false", self.rate_limit_extension);
        let unlimited = self.declared_unlimited_operations;
        out.push(comment(
            "  ",
            &match (self.rate_limited_operations, unlimited) {
                (0, 0) => format!(
                    "no operation documents a 429, and none is declared never rate-limited \
                     ({declaration})"
                ),
                (0, _) => "no operation documents a 429".into(),
                (limited, _) => format!(
                    "{limited} of {} operations document 429 or are declared rate-limited",
                    self.operations
                ),
            },
        ));
        if unlimited > 0 {
            out.push(comment(
                "  ",
                &format!(
                    "{unlimited} of {} operations are declared never rate-limited ({declaration})",
                    self.operations
                ),
            ));
        }
        // Silence is not a promise: a 429 documented later must not break the contract
        // unless the document said its operations are never rate-limited.
        let default = if self.operations > 0 && unlimited == self.operations {
            "unlimited"
        } else {
            "limited"
        };
        out.push(format!("  default: {default}"));
        if self.codes.is_empty() {
            out.push(comment(
                "",
                "no code values are listed by an `enum` or `const` at the code field",
            ));
            out.push("codes: {}".into());
            return;
        }
        out.push(comment(
            "",
            "each documented code and the statuses it is documented on ([]: on ranges or",
        ));
        out.push(comment("", "default only, so any status)"));
        out.push("codes:".into());
        for (code, statuses) in &self.codes {
            let statuses: Vec<String> = statuses.iter().map(u16::to_string).collect();
            let value = match statuses.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            out.push(format!("  {}: {value}", scalar(code)));
        }
    }
}
