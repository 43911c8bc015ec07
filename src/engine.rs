//! The one traversal: walks every operation and response once and calls each rule's hooks.
//! Findings about shared definitions are merged here, so each is reported once, at the
//! definition, with the places that use it.

use crate::document::{DocumentSet, FileId, NodeRef};
use crate::finding::{Finding, Location, Related, Severity};
use crate::openapi::{Api, Operation, Response, SchemaUse, StructureError};
use crate::rules::error_body::BodyFacts;
use crate::rules::{Rule, RuleMeta};
use std::collections::HashMap;
use std::sync::Arc;

/// How many related places a finding names; the rest are counted.
pub const RELATED_SHOWN: usize = 3;

/// A place that uses a shared definition, for the related locations of a finding.
#[derive(Debug, Clone)]
pub struct UseSite {
    pub at: NodeRef,
    pub operation: String,
    /// What uses it there, e.g. `404 response`.
    pub what: String,
}

/// One finding as a rule reports it.
#[derive(Debug, Clone)]
pub struct Report {
    pub at: NodeRef,
    pub message: String,
    pub help: Option<String>,
    pub label: Option<String>,
    pub operation: Option<String>,
    pub use_site: Option<UseSite>,
}

impl Report {
    pub fn new(at: NodeRef, message: impl Into<String>) -> Self {
        Report {
            at,
            message: message.into(),
            help: None,
            label: None,
            operation: None,
            use_site: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn operation(mut self, op: &Operation<'_>) -> Self {
        self.operation = Some(op.name());
        self
    }

    pub fn used_at(mut self, site: Option<UseSite>) -> Self {
        self.use_site = site;
        self
    }
}

/// What a rule sees while it runs: the document and a place to report.
pub struct Context<'a, 'd> {
    pub api: &'a Api<'d>,
    pub bodies: &'a mut BodyFacts,
    sink: &'a mut Sink,
    rule: &'static RuleMeta,
}

impl<'d> Context<'_, 'd> {
    pub fn report(&mut self, report: Report) {
        self.sink.add(self.rule, report);
    }

    /// Where a shared response or schema is used, when the finding is about the shared part.
    pub fn use_site(
        &self,
        op: &Operation<'_>,
        response: &Response<'_>,
        schema: Option<SchemaUse>,
    ) -> Option<UseSite> {
        let api = self.api;
        // The operation's own reference is the most telling place: prefer the response's
        // `$ref` over a schema `$ref` inside a shared response.
        let site = if response.shared {
            response.site
        } else {
            schema.filter(|s| s.site != s.target)?.site
        };
        let at = api.get(site, "$ref").unwrap_or(site);
        Some(UseSite {
            at,
            operation: op.name(),
            what: format!("{} response", response.status_text),
        })
    }
}

struct Pending {
    rule: &'static RuleMeta,
    report: Report,
    uses: Vec<UseSite>,
}

/// Collects reports and merges those about the same node with the same message.
#[derive(Default)]
struct Sink {
    pending: Vec<Pending>,
    index: HashMap<(&'static str, NodeRef, String), usize>,
}

impl Sink {
    fn add(&mut self, rule: &'static RuleMeta, mut report: Report) {
        let key = (rule.id, report.at, report.message.clone());
        let use_site = report.use_site.take();
        let at = *self.index.entry(key).or_insert_with(|| {
            self.pending.push(Pending {
                rule,
                report,
                uses: Vec::new(),
            });
            self.pending.len() - 1
        });
        if let Some(site) = use_site {
            self.pending[at].uses.push(site);
        }
    }
}

/// Per-rule severities after configuration; `None` turns a rule off.
pub type Severities = HashMap<&'static str, Option<Severity>>;

/// Runs every enabled rule over the document and returns its findings, unsorted.
pub fn run(api: &Api<'_>, mut rules: Vec<Box<dyn Rule>>, severities: &Severities) -> Vec<Finding> {
    rules.retain(|r| {
        severities
            .get(r.meta().id)
            .copied()
            .unwrap_or(Some(r.meta().default_severity))
            .is_some()
    });
    let mut sink = Sink::default();
    let mut bodies = BodyFacts::default();
    let operations = api.operations();
    for op in &operations {
        for rule in rules.iter_mut() {
            let mut cx = Context {
                api,
                bodies: &mut bodies,
                sink: &mut sink,
                rule: rule.meta(),
            };
            rule.check_operation(&mut cx, op);
            for response in &op.responses {
                rule.check_response(&mut cx, op, response);
            }
        }
    }
    for rule in rules.iter_mut() {
        let mut cx = Context {
            api,
            bodies: &mut bodies,
            sink: &mut sink,
            rule: rule.meta(),
        };
        rule.finish(&mut cx);
    }
    let structure = api
        .take_structure_errors()
        .into_iter()
        .map(|e| structure_finding(api.docs, e));
    let severity = |rule: &RuleMeta| {
        severities
            .get(rule.id)
            .copied()
            .flatten()
            .unwrap_or(rule.default_severity)
    };
    sink.pending
        .into_iter()
        .map(|p| {
            let level = severity(p.rule);
            materialize(api.docs, p, level)
        })
        .chain(structure)
        .collect()
}

/// A node of the wrong kind: the document is not valid OpenAPI there (exit code 2), but the
/// rest of it was linted.
fn structure_finding(docs: &DocumentSet, error: StructureError) -> Finding {
    Finding {
        rule: "invalid-structure",
        severity: Severity::Error,
        message: error.message,
        help: Some(
            "fix the document's structure; see the OpenAPI specification for this object".into(),
        ),
        location: Some(location(docs, error.at)),
        label: None,
        note: None,
        operation: None,
        related: Vec::new(),
        related_omitted: 0,
        fatal: true,
        file: file_name(docs, error.at.file),
    }
}

/// The report name and pointer of a node.
pub fn location(docs: &DocumentSet, at: NodeRef) -> Location {
    let file = docs.file(at.file);
    let tree = file
        .tree
        .as_ref()
        .expect("findings point into parsed files");
    Location {
        file: Arc::from(file.name.as_str()),
        span: tree.span(at.node),
        pointer: tree.pointer(at.node),
    }
}

pub fn file_name(docs: &DocumentSet, file: FileId) -> Arc<str> {
    Arc::from(docs.file(file).name.as_str())
}

fn materialize(docs: &DocumentSet, pending: Pending, severity: Severity) -> Finding {
    let Pending {
        rule,
        report,
        mut uses,
    } = pending;
    uses.sort_by_key(|u| (docs.file(u.at.file).name.clone(), u.at.node));
    uses.dedup_by(|a, b| a.at == b.at && a.what == b.what && a.operation == b.operation);
    let operation = match uses.first() {
        None => report.operation,
        Some(first) if uses.iter().all(|u| u.operation == first.operation) => {
            Some(first.operation.clone())
        }
        Some(_) => None,
    };
    let related = uses
        .iter()
        .take(RELATED_SHOWN)
        .map(|u| Related {
            location: location(docs, u.at),
            message: format!("used by {} ({})", u.operation, u.what),
        })
        .collect();
    let total_uses = uses.len();
    let note = (total_uses > 1).then(|| format!("used by {total_uses} responses"));
    Finding {
        rule: rule.id,
        severity,
        message: report.message,
        note,
        help: report.help,
        location: Some(location(docs, report.at)),
        label: report.label,
        operation,
        related,
        related_omitted: total_uses.saturating_sub(RELATED_SHOWN),
        fatal: false,
        file: file_name(docs, report.at.file),
    }
}
