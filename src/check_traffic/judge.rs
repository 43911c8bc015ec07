//! The checks of one recorded error response against the operation it answers: what the
//! description and the contract promise for that status, and what was sent.

use super::body;
use crate::contract::{Catalog, Contract, Policy};
use crate::document::NodeRef;
use crate::openapi::json_schema::Validators;
use crate::openapi::schema::FieldPath;
use crate::openapi::{Api, Media, Operation, Response, StatusKey, essence};
use crate::promises::{OperationPromises, StatusPromises};
use crate::traffic::matching::{StatusMatch, response_for};
use crate::traffic::{Body, Exchange};
use serde_json::Value;
use std::borrow::Cow;

/// One thing a recorded response did against its description, before it is counted with the
/// others like it.
#[derive(Debug, Clone)]
pub struct Observation {
    pub check: &'static str,
    /// What tells it apart from others of the same check, operation and status: the code,
    /// the field, the failing place.
    pub detail: String,
    pub message: String,
    /// The place in the description it is measured against, and what it is.
    pub related: Option<(NodeRef, String)>,
    /// Reported one level below the check's (a status only `default` covers).
    pub lower: bool,
}

/// What the checks read, built once for the description.
pub struct Judge<'a, 'd> {
    pub api: &'a Api<'d>,
    pub contract: &'a Contract,
    pub policy: &'a Policy,
    pub validators: &'a Validators,
}

/// One exchange with the operation it answers, being judged.
struct Case<'c, 'd> {
    op: &'c Operation<'d>,
    promises: Option<&'c OperationPromises>,
    exchange: &'c Exchange,
    status: u16,
}

impl<'d> Judge<'_, 'd> {
    /// Every observation about an error response (4xx, 5xx) `exchange` of `op`; returns
    /// the code its body carried, when one was read.
    pub fn error_response(
        &self,
        op: &Operation<'d>,
        promises: Option<&OperationPromises>,
        exchange: &Exchange,
        out: &mut Vec<Observation>,
    ) -> Option<String> {
        let case = Case {
            op,
            promises,
            exchange,
            status: exchange.status,
        };
        let unlimited = (case.status == 429)
            .then(|| self.declared_unlimited(op))
            .flatten();
        if let Some(declared) = unlimited {
            out.push(Observation {
                check: "traffic-429-unlimited",
                detail: String::new(),
                message: format!(
                    "{} answered 429, but it is declared never rate-limited",
                    op.name()
                ),
                related: Some((declared, "declared not rate-limited here".into())),
                lower: false,
            });
        }
        if self
            .policy
            .settings(op.index)
            .forbid_statuses
            .contains(&case.status)
        {
            out.push(Observation {
                check: "traffic-status-undocumented",
                detail: "forbidden".into(),
                message: format!(
                    "{} answered {}, a status the contract's overrides forbid for it",
                    op.name(),
                    case.status
                ),
                related: Some((op.method_key, "the operation".into())),
                lower: false,
            });
            return None;
        }
        let Some((index, how)) = response_for(op, case.status) else {
            if unlimited.is_none() {
                out.push(Observation {
                    check: "traffic-status-undocumented",
                    detail: String::new(),
                    message: format!(
                        "{} answered {}, a status it does not document",
                        op.name(),
                        case.status
                    ),
                    related: Some((
                        op.responses_key.unwrap_or(op.method_key),
                        "its responses are documented here".into(),
                    )),
                    lower: false,
                });
            }
            return None;
        };
        let response = &op.responses[index];
        if how == StatusMatch::Default && unlimited.is_none() {
            out.push(Observation {
                check: "traffic-status-undocumented",
                detail: "default".into(),
                message: format!(
                    "{} answered {}, which only its `default` response covers",
                    op.name(),
                    case.status
                ),
                related: Some((response.key, "the `default` response".into())),
                lower: true,
            });
        }
        let status_promises = promises.and_then(|p| p.status(response.status));
        let documented = (
            response.key,
            format!("the {} response", response.status_text),
        );
        let before = out.len();
        let code = self.body(&case, response, status_promises, out);
        self.retry(&case, status_promises, out);
        for observation in &mut out[before..] {
            observation
                .related
                .get_or_insert_with(|| documented.clone());
        }
        code
    }

    /// The declaration that `op` is never rate-limited (its `x-rate-limited: false`, or the
    /// operation itself when a config override says so); `None` when it is not declared so.
    fn declared_unlimited(&self, op: &Operation<'_>) -> Option<NodeRef> {
        if self.policy.settings(op.index).rate_limited == Some(false) {
            return Some(op.method_key);
        }
        match self.policy.rate_limited(self.api, op) {
            (false, Some(at)) => Some(at),
            _ => None,
        }
    }

    /// The body: its media type, then, when it is JSON, its schema, code and envelope.
    /// Returns the code it carried.
    fn body(
        &self,
        case: &Case<'_, '_>,
        response: &Response<'_>,
        promises: Option<&StatusPromises>,
        out: &mut Vec<Observation>,
    ) -> Option<String> {
        let recorded = case.exchange.media_type.as_deref().map(essence);
        let documented: Vec<&Media<'_>> = response.media.iter().collect();
        // A body that could not be read is reported as such (`unreadable-exchange`), not
        // judged.
        let has_body = match &case.exchange.body {
            Body::Absent | Body::Unreadable(_) => false,
            Body::Text(text) => !text.trim().is_empty(),
            Body::Json(_) | Body::NotUtf8 { .. } => true,
        };
        if !has_body || documented.is_empty() {
            return None;
        }
        let media = match recorded {
            Some(recorded) => documented
                .iter()
                .find(|m| media_matches(m.name, recorded))
                .copied(),
            None => documented.iter().find(|m| m.is_json()).copied(),
        };
        let Some(media) = media else {
            let recorded = recorded.unwrap_or("no media type");
            let names: Vec<String> = documented.iter().map(|m| format!("`{}`", m.name)).collect();
            out.push(Observation {
                check: "traffic-media-type",
                detail: recorded.to_ascii_lowercase(),
                message: format!(
                    "{} answered {} with `{}`; its {} response documents only {}",
                    case.op.name(),
                    case.status,
                    body::cut(recorded),
                    response.status_text,
                    names.join(", ")
                ),
                related: None,
                lower: false,
            });
            return None;
        };
        if !media.is_json() {
            return None;
        }
        let value = match json_of(&case.exchange.body) {
            Ok(value) => value,
            Err(why) => {
                out.push(Observation {
                    check: "traffic-media-type",
                    detail: "not JSON".into(),
                    message: format!(
                        "{} answered {} with a body that is not JSON ({why}), where `{}` is documented",
                        case.op.name(),
                        case.status,
                        media.name
                    ),
                    related: None,
                    lower: false,
                });
                return None;
            }
        };
        let problem =
            recorded.is_some_and(crate::openapi::is_problem_json) || media.is_problem_json();
        if let Some(schema) = media.schema {
            self.schema(case, schema.target, &value, out);
        }
        self.envelope(case, &value, problem, out);
        self.code(case, &value, problem, promises, out)
    }

    /// The body against the documented schema: its first error, at the failing value.
    fn schema(
        &self,
        case: &Case<'_, '_>,
        schema: NodeRef,
        value: &Value,
        out: &mut Vec<Observation>,
    ) {
        use crate::openapi::schema_errors::{describe, display_path};
        let Some(validator) = self.validators.get(self.api, schema) else {
            return;
        };
        let mut errors = validator.iter_errors(value);
        let Some(first) = errors.next() else {
            return;
        };
        let tokens = crate::document::pointer::parse_pointer(first.instance_path().as_str())
            .unwrap_or_default();
        let failing = value
            .pointer(first.instance_path().as_str())
            .unwrap_or(value);
        let name = display_path(&tokens, "the body");
        let said = describe(
            &name,
            tokens.is_empty(),
            &body::shown(failing),
            first.kind(),
        );
        // Items of a list are one place: `errors[3].code` fails where `errors[0].code` does.
        let place: Vec<&str> = tokens
            .iter()
            .map(|t| {
                if t.bytes().all(|b| b.is_ascii_digit()) {
                    "[]"
                } else {
                    t.as_str()
                }
            })
            .collect();
        out.push(Observation {
            check: "traffic-body-invalid",
            detail: format!("{} {}", place.join("/"), first.schema_path().as_str()),
            message: format!(
                "{} answered {} with a body its schema rejects: {said}",
                case.op.name(),
                case.status
            ),
            related: None,
            lower: false,
        });
    }

    /// The fields the contract's envelope requires, and the code where the contract looks
    /// for it.
    fn envelope(
        &self,
        case: &Case<'_, '_>,
        value: &Value,
        problem: bool,
        out: &mut Vec<Observation>,
    ) {
        let head = || format!("{} answered {} with a body", case.op.name(), case.status);
        if !value.is_object() {
            out.push(Observation {
                check: "traffic-envelope-fields",
                detail: "not an object".into(),
                message: format!("{} that is {}, not an object", head(), body::shown(value)),
                related: None,
                lower: false,
            });
            return;
        }
        for (path, wanted) in &self.contract.fields {
            let (detail, observation) = match body::at(value, path) {
                None => (
                    format!("{} missing", path.text),
                    format!(
                        "{} that lacks `{}`, which the contract's envelope requires",
                        head(),
                        path.text
                    ),
                ),
                Some(found) if !body::has_type(found, wanted) => (
                    format!("{} {}", path.text, body::type_name(found)),
                    format!(
                        "{} whose `{}` is {}; the contract says {wanted}",
                        head(),
                        path.text,
                        body::type_name(found)
                    ),
                ),
                Some(_) => continue,
            };
            out.push(Observation {
                check: "traffic-envelope-fields",
                detail,
                message: observation,
                related: None,
                lower: false,
            });
        }
        let paths = self.code_paths(problem);
        if paths.is_empty() || self.contract.fields.iter().any(|(p, _)| paths.contains(&p)) {
            return;
        }
        let Some((path, code)) = paths.iter().find_map(|p| Some((p, body::at(value, p)?))) else {
            let places: Vec<String> = paths.iter().map(|p| format!("`{}`", p.text)).collect();
            out.push(Observation {
                check: "traffic-envelope-fields",
                detail: "code".into(),
                message: format!(
                    "{} that carries no code (looked for at {})",
                    head(),
                    places.join(", ")
                ),
                related: None,
                lower: false,
            });
            return;
        };
        let wanted = self.contract.code_type.name();
        if !body::has_type(code, wanted) {
            out.push(Observation {
                check: "traffic-envelope-fields",
                detail: format!("{} {}", path.text, body::type_name(code)),
                message: format!(
                    "{} whose code `{}` is {}; the contract says {wanted}",
                    head(),
                    path.text,
                    body::shown(code)
                ),
                related: None,
                lower: false,
            });
        }
    }

    /// Where the contract looks for the code: `type` in a problem details body, else its
    /// code locations.
    fn code_paths(&self, problem: bool) -> Vec<&FieldPath> {
        match problem {
            true => vec![&self.contract.problem_code_path],
            false => self.contract.code_paths.iter().collect(),
        }
    }

    /// The code against the codes the status allows: the contract's catalog where it has
    /// one, else the `enum`/`const` values the description lists for the status.
    fn code(
        &self,
        case: &Case<'_, '_>,
        value: &Value,
        problem: bool,
        promises: Option<&StatusPromises>,
        out: &mut Vec<Observation>,
    ) -> Option<String> {
        // The documented body's own code location first, then the contract's.
        let documented_path = promises
            .and_then(|s| s.code_field())
            .map(|(path, _, _)| FieldPath::parse(path));
        let code = documented_path
            .iter()
            .chain(self.code_paths(problem))
            .find_map(|p| body::at(value, p))
            .and_then(body::code_text)?;
        let head = format!(
            "{} answered {} with code `{}`",
            case.op.name(),
            case.status,
            body::cut(&code)
        );
        let (check, message) = match &self.contract.catalog {
            Catalog::Codes(codes) => match codes.get(&code) {
                None => (
                    "traffic-code-unknown",
                    format!("{head}, which the contract's catalog does not list"),
                ),
                Some(statuses) if statuses.is_empty() || statuses.contains(&case.status) => {
                    return Some(code);
                }
                Some(statuses) => (
                    "traffic-code-wrong-status",
                    format!(
                        "{head}, which the contract's catalog assigns to {}",
                        list(statuses)
                    ),
                ),
            },
            Catalog::EchoStatus => match code.parse::<u16>() {
                Ok(echoed) if echoed == case.status => return Some(code),
                Ok(echoed) => (
                    "traffic-code-wrong-status",
                    format!(
                        "{head}, but the contract's code echoes the status ({echoed} is another status)"
                    ),
                ),
                Err(_) => (
                    "traffic-code-unknown",
                    format!("{head}, but the contract's code echoes the status"),
                ),
            },
            Catalog::None => {
                let Some(listed) = promises.filter(|s| !s.codes.is_empty()) else {
                    return Some(code);
                };
                if listed.codes.iter().any(|(c, _)| *c == code) {
                    return Some(code);
                }
                let elsewhere = case
                    .promises
                    .into_iter()
                    .flat_map(|p| &p.statuses)
                    .find(|s| s.status != listed.status && s.codes.iter().any(|(c, _)| *c == code));
                match elsewhere {
                    Some(other) => (
                        "traffic-code-wrong-status",
                        format!(
                            "{head}, which its {} response lists, not its {}",
                            other.text, listed.text
                        ),
                    ),
                    None => (
                        "traffic-code-unknown",
                        format!("{head}, which its {} response does not list", listed.text),
                    ),
                }
            }
        };
        out.push(Observation {
            check,
            detail: code.clone(),
            message,
            related: None,
            lower: false,
        });
        Some(code)
    }

    /// Retry hints: required on a 429 and wherever the description promises one; unexpected
    /// where the contract says retrying makes no sense.
    fn retry(
        &self,
        case: &Case<'_, '_>,
        promises: Option<&StatusPromises>,
        out: &mut Vec<Observation>,
    ) {
        let header = self
            .contract
            .retry_headers
            .iter()
            .find(|name| case.exchange.header(name).is_some());
        let value = json_of(&case.exchange.body).ok();
        let field = value.as_deref().and_then(|v| {
            self.contract
                .retry_fields
                .iter()
                .find(|p| body::at(v, p).is_some_and(|f| !f.is_null()))
        });
        let hint = header.cloned().or_else(|| field.map(|f| f.text.clone()));
        let promised = promises
            .and_then(|s| s.retry.as_ref())
            .filter(|r| r.header || r.required);
        match hint {
            None if case.status == 429 || promised.is_some() => {
                // The first of each kind names the hint; the contract lists the rest.
                let header = self
                    .contract
                    .retry_headers
                    .first()
                    .map(|h| format!("a `{h}` header"));
                let field = self
                    .contract
                    .retry_fields
                    .first()
                    .map(|f| format!("a `{}` field", f.text));
                let wanted: Vec<String> = header.into_iter().chain(field).collect();
                let why = match promised {
                    Some(hint) => format!(", which its documentation promises (`{}`)", hint.name),
                    None => String::new(),
                };
                out.push(Observation {
                    check: "traffic-retry-hint-missing",
                    detail: String::new(),
                    message: format!(
                        "{} answered {} without a retry hint ({}){why}",
                        case.op.name(),
                        case.status,
                        wanted.join(" or ")
                    ),
                    related: promised.map(|hint| (hint.at, "the documented retry hint".into())),
                    lower: false,
                });
            }
            Some(name)
                if !self
                    .contract
                    .retry_is_meaningful(StatusKey::Code(case.status)) =>
            {
                out.push(Observation {
                    check: "traffic-retry-hint-unexpected",
                    detail: name.clone(),
                    message: format!(
                        "{} answered {} with `{name}`, but the contract says retrying a {} makes no sense",
                        case.op.name(),
                        case.status,
                        case.status
                    ),
                    related: None,
                    lower: false,
                });
            }
            _ => {}
        }
    }
}

/// `a, b or c`.
fn list(statuses: &[u16]) -> String {
    let texts: Vec<String> = statuses.iter().map(u16::to_string).collect();
    match texts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Whether a recorded media type is one a documented key stands for: the same type, in any
/// case, or one the key's wildcard (`*/*`, `application/*`) admits.
fn media_matches(documented: &str, recorded: &str) -> bool {
    let documented = essence(documented);
    if documented.eq_ignore_ascii_case(recorded) || documented == "*/*" {
        return true;
    }
    match documented.strip_suffix("/*") {
        Some(kind) => recorded
            .split_once('/')
            .is_some_and(|(k, _)| k.eq_ignore_ascii_case(kind)),
        None => false,
    }
}

/// The body as JSON, or why it is not.
fn json_of(body: &Body) -> Result<Cow<'_, Value>, String> {
    match body {
        Body::Json(value) => Ok(Cow::Borrowed(value)),
        Body::Text(text) => serde_json::from_str(text)
            .map(Cow::Owned)
            .map_err(|e| e.to_string()),
        Body::NotUtf8 { bytes } => Err(format!("{bytes} bytes that are not UTF-8 text")),
        Body::Unreadable(why) => Err(format!("it could not be read: {why}")),
        Body::Absent => Err("no body".into()),
    }
}
