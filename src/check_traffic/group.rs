//! Observations alike become one finding: one per check, operation, status and detail (the
//! code, the field, the failing place), counted, at the first exchange that showed it, with
//! the place in the description it is measured against.

use super::judge::Observation;
use crate::document::{DocumentSet, NodeRef, Span};
use crate::finding::{Finding, Location, Place, Related, Severity, Sources};
use crate::openapi::Operation;
use crate::traffic::{Exchange, Position, TrafficError};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The most distinct details one check keeps for one operation and status (or, for requests
/// no operation answers, in all): beyond it, a server that puts a request id in every code
/// would grow the report with the traffic. The rest are counted in one finding.
const DETAILS_KEPT: usize = 50;

/// What makes observations one finding: check, operation (or the request's shape), status,
/// detail.
type Key = (&'static str, Arc<str>, u16, String);

/// Where the first exchange of a finding lies.
#[derive(Debug, Clone)]
struct First {
    file: Arc<str>,
    /// The file is a HAR, whose entries a JSON pointer names.
    har: bool,
    /// The exchange's place among the file's entries (or lines).
    index: usize,
    at: Position,
    /// What the report shows at that place: the request and its status, never the recorded
    /// text (which holds credentials).
    shown: String,
}

impl First {
    /// The place of the `index`th exchange of a file.
    fn of_exchange((file, har): (&Arc<str>, bool), index: usize, exchange: &Exchange) -> Self {
        First {
            file: file.clone(),
            har,
            index,
            at: exchange.at,
            shown: format!(
                "{} {} → {}",
                exchange.method,
                exchange.path(),
                exchange.status
            ),
        }
    }
}

struct Group {
    severity: Severity,
    message: String,
    operation: Option<Arc<str>>,
    related: Option<(NodeRef, String)>,
    first: First,
    count: u64,
}

/// Observations beyond [`DETAILS_KEPT`] for one check, operation and status.
struct Overflow {
    severity: Severity,
    first: First,
    count: u64,
    operation: Option<Arc<str>>,
}

/// The requests to one host no server names that matched no path: another service's (a
/// font, an analytics call, the web page itself) unless some request to the host answered an
/// operation (then it is the API on a staging or local host, and each shape is a finding).
struct OtherHost {
    severity: Severity,
    first: First,
    /// The first request's method and path shape.
    example: String,
    count: u64,
    /// By method and path shape: where it was first seen, and how often.
    shapes: FxHashMap<String, (First, u64)>,
}

#[derive(Default)]
pub struct Groups {
    other_hosts: std::collections::BTreeMap<String, OtherHost>,
    /// Hosts no server names whose requests answered an operation.
    answering_hosts: rustc_hash::FxHashSet<String>,
    groups: FxHashMap<Key, Group>,
    details: FxHashMap<(&'static str, Arc<str>, u16), usize>,
    overflow: FxHashMap<(&'static str, Arc<str>, u16), Overflow>,
    /// Problems that end the reading of a file.
    fatal: Vec<(Finding, Option<(Position, String)>)>,
}

impl Groups {
    /// Counts one observation about `exchange` (the `index`th of file `name`), answered by
    /// `operation` where one matched.
    pub fn add(
        &mut self,
        (name, har): (&Arc<str>, bool),
        index: usize,
        exchange: &Exchange,
        operation: Option<&Operation<'_>>,
        observation: Observation,
        level: Option<Severity>,
    ) {
        let Some(severity) = level else {
            return;
        };
        let op_name = operation.map(Operation::name);
        let status = if operation.is_some() {
            exchange.status
        } else {
            0
        };
        let subject: Arc<str> = op_name.clone().unwrap_or_else(|| Arc::from(""));
        let key = (observation.check, subject, status, observation.detail);
        let first = || First::of_exchange((name, har), index, exchange);
        self.count(key, severity, first, |first| Group {
            severity,
            message: observation.message,
            operation: op_name,
            related: observation.related,
            first,
            count: 1,
        });
    }

    /// Counts one observation under `key`: in its group; in a new group while its check,
    /// subject and status keep fewer than [`DETAILS_KEPT`]; else in their overflow.
    fn count(
        &mut self,
        key: Key,
        severity: Severity,
        first: impl Fn() -> First,
        group: impl FnOnce(First) -> Group,
    ) {
        if let Some(group) = self.groups.get_mut(&key) {
            group.count += 1;
            return;
        }
        let (check, subject, status, detail) = key;
        let kept = self
            .details
            .entry((check, subject.clone(), status))
            .or_default();
        if *kept >= DETAILS_KEPT {
            let operation = (!subject.is_empty()).then(|| subject.clone());
            let overflow = self
                .overflow
                .entry((check, subject, status))
                .or_insert_with(|| Overflow {
                    severity,
                    first: first(),
                    count: 0,
                    operation,
                });
            overflow.count += 1;
            return;
        }
        *kept += 1;
        self.groups
            .insert((check, subject, status, detail), group(first()));
    }

    /// A request to `host`, which no server names, that matched no path (of `shape`).
    pub fn add_on_other_host(
        &mut self,
        (name, har): (&Arc<str>, bool),
        index: usize,
        exchange: &Exchange,
        (host, shape): (String, String),
        level: Option<Severity>,
    ) {
        let Some(severity) = level else {
            return;
        };
        let first = || First::of_exchange((name, har), index, exchange);
        let example = format!("{} {shape}", exchange.method);
        // Hosts are details too: past the cap, the requests to the rest are counted in one.
        if self.other_hosts.len() >= DETAILS_KEPT && !self.other_hosts.contains_key(&host) {
            let key = ("traffic-operation-unknown", Arc::from(""), 0);
            let overflow = self.overflow.entry(key).or_insert_with(|| Overflow {
                severity,
                first: first(),
                count: 0,
                operation: None,
            });
            overflow.count += 1;
            return;
        }
        let other = self.other_hosts.entry(host).or_insert_with(|| OtherHost {
            severity,
            first: first(),
            example: example.clone(),
            count: 0,
            shapes: FxHashMap::default(),
        });
        other.count += 1;
        let kept = other.shapes.len() < DETAILS_KEPT;
        match other.shapes.get_mut(&example) {
            Some((_, count)) => *count += 1,
            None if kept => {
                other.shapes.insert(example, (first(), 1));
            }
            None => {}
        }
    }

    /// A request to `host` answered an operation: its other requests are the API's.
    pub fn host_answered(&mut self, host: &str) {
        // Bounded too: traffic to more hosts than this that answer is no browser's recording.
        const HOSTS_KEPT: usize = 4096;
        if self.answering_hosts.len() < HOSTS_KEPT && !self.answering_hosts.contains(host) {
            self.answering_hosts.insert(host.to_string());
        }
    }

    /// A problem the reader met: one that ends the file's reading is its own finding; one
    /// about a single exchange is counted with others like it.
    pub fn traffic_error(
        &mut self,
        (name, har): (&Arc<str>, bool),
        index: usize,
        error: &TrafficError,
    ) {
        if error.fatal {
            let finding = Finding {
                fatal: true,
                help: Some("the exchanges before this place were checked; fix or re-record the file to check the rest".into()),
                ..Finding::new("invalid-traffic", Severity::Error, name.clone(), error.message.clone())
            };
            self.fatal
                .push((finding, Some((error.at, "the reading stopped here".into()))));
            return;
        }
        let key = (
            "unreadable-exchange",
            Arc::from(""),
            0,
            error.message.clone(),
        );
        let first = || First {
            file: name.clone(),
            har,
            index,
            at: error.at,
            shown: "this exchange".into(),
        };
        self.count(key, Severity::Warning, first, |first| Group {
            severity: Severity::Warning,
            message: format!(
                "an exchange could not be read and was left out: {}",
                error.message
            ),
            operation: None,
            related: None,
            first,
            count: 1,
        });
    }

    /// A traffic file that could not be opened at all.
    pub fn unreadable_file(&mut self, name: Arc<str>, why: String) {
        let finding = Finding {
            fatal: true,
            ..Finding::new(
                "unreadable-file",
                Severity::Error,
                name,
                format!("the traffic file could not be read: {why}"),
            )
        };
        self.fatal.push((finding, None));
    }

    /// The findings, each at its first exchange, with the places their texts need.
    pub fn into_findings(self, docs: &DocumentSet, sources: &mut Sources) -> Vec<Finding> {
        let mut findings = Vec::with_capacity(self.groups.len() + self.fatal.len());
        for ((check, subject, status, detail), group) in self.groups {
            let mut message = group.message;
            if group.count > 1 {
                message.push_str(&format!(" (in {} exchanges)", thousands(group.count)));
            }
            let related = group
                .related
                .map(|(at, message)| Related {
                    location: Location::of(docs, at),
                    message,
                })
                .into_iter()
                .collect();
            findings.push(Finding {
                location: Some(place(sources, &group.first)),
                operation: group.operation,
                related,
                help: help(check),
                identity: Some(format!("{subject}\u{0}{status}\u{0}{detail}")),
                ..Finding::new(check, group.severity, group.first.file.clone(), message)
            });
        }
        for ((check, subject, status), overflow) in self.overflow {
            let about = match (subject.is_empty(), status) {
                (true, _) => "exchanges".to_string(),
                (false, status) => format!("{subject} answering {status}"),
            };
            let message = format!(
                "{} more {about} with other {check} findings, not listed one by one (each check keeps {DETAILS_KEPT} distinct ones per operation and status)",
                thousands(overflow.count)
            );
            findings.push(Finding {
                location: Some(place(sources, &overflow.first)),
                operation: overflow.operation,
                help: help(check),
                identity: Some(format!("{subject}\u{0}{status}\u{0}more")),
                ..Finding::new(
                    check,
                    overflow.severity,
                    overflow.first.file.clone(),
                    message,
                )
            });
        }
        for (host, other) in self.other_hosts {
            let mut finding = |first: &First, identity: String, message: String| Finding {
                location: Some(place(sources, first)),
                help: help("traffic-operation-unknown"),
                identity: Some(identity),
                ..Finding::new(
                    "traffic-operation-unknown",
                    other.severity,
                    first.file.clone(),
                    message,
                )
            };
            if !self.answering_hosts.contains(&host) {
                let mut message = format!(
                    "requests to {host}, a host no server of the description names, match no operation (the first: {})",
                    other.example
                );
                if other.count > 1 {
                    message.push_str(&format!(" (in {} exchanges)", thousands(other.count)));
                }
                findings.push(finding(&other.first, host.clone(), message));
                continue;
            }
            for (example, (first, count)) in &other.shapes {
                let mut message =
                    format!("{example}: no path of the description matches this request");
                if *count > 1 {
                    message.push_str(&format!(" (in {} exchanges)", thousands(*count)));
                }
                findings.push(finding(first, format!("{host}\u{0}{example}"), message));
            }
        }
        for (mut finding, at) in self.fatal {
            if let Some((at, shown)) = at {
                let first = First {
                    file: finding.file.clone(),
                    har: false,
                    index: usize::MAX,
                    at,
                    shown,
                };
                finding.location = Some(place(sources, &first));
            }
            findings.push(finding);
        }
        findings
    }
}

/// The location of an exchange in its traffic file, remembered in `sources` with what a
/// frame shows there. Offsets past 4 GiB are kept at 4 GiB: the line and column stay exact.
fn place(sources: &mut Sources, first: &First) -> Location {
    let offset = u32::try_from(first.at.offset).unwrap_or(u32::MAX - 1);
    sources.insert_place(
        first.file.clone(),
        offset,
        Place {
            line: first.at.line as usize,
            column: first.at.column as usize,
            shown: first.shown.clone(),
        },
    );
    let pointer = match first.har {
        true => format!("/log/entries/{}/response", first.index),
        false => String::new(),
    };
    Location {
        file: first.file.clone(),
        span: Span::new(offset as usize, offset as usize + 1),
        pointer,
    }
}

/// What to do about a finding of `check`.
fn help(check: &str) -> Option<std::borrow::Cow<'static, str>> {
    crate::catalog::traffic::find(check).map(|c| c.help.into())
}

/// `3,412`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_written_with_thousands_separators() {
        assert_eq!(super::thousands(7), "7");
        assert_eq!(super::thousands(3412), "3,412");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
