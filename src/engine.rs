//! The one traversal: builds the model, calls each rule's hooks once per operation, response
//! and distinct body, and settles every report against the policy, use by use.

use crate::config::{CommandLine, Contract, OperationSettings, Policy};
use crate::document::{DocumentSet, FileId, NodeRef};
use crate::finding::{Finding, Location, Related, Severity};
use crate::openapi::{Api, BodyId, Model, Operation, StructureError, Use};
use crate::rules::RuleMeta;
use crate::rules::error_body::{BodyFacts, ErrorBody};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::sync::Arc;

/// How many related places a finding names; the rest are counted.
pub const RELATED_SHOWN: usize = 3;

/// One finding as a rule reports it. It applies to the uses the hook was called for (an
/// operation, a response, every use of a body) unless [`Report::for_uses`] narrows them.
#[derive(Debug, Clone)]
pub struct Report {
    pub at: NodeRef,
    pub message: String,
    pub help: Option<Cow<'static, str>>,
    pub label: Option<Cow<'static, str>>,
    uses: Option<Vec<Use>>,
}

impl Report {
    pub fn new(at: NodeRef, message: impl Into<String>) -> Self {
        Report {
            at,
            message: message.into(),
            help: None,
            label: None,
            uses: None,
        }
    }

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, label: impl Into<Cow<'static, str>>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Only these uses have the problem (a body whose code is wrong on some statuses only).
    pub fn for_uses(mut self, uses: impl IntoIterator<Item = Use>) -> Self {
        self.uses = Some(uses.into_iter().collect());
        self
    }
}

/// What a rule sees while it runs: the document, its model, the contract, and a place to report.
pub struct Context<'a, 'd> {
    pub api: &'a Api<'d>,
    pub model: &'a Model<'d>,
    pub contract: &'a Contract,
    facts: &'a [BodyFacts],
    sink: &'a mut Sink,
    rule: &'static RuleMeta,
    /// The uses a report applies to when it names none.
    uses: &'a [Use],
}

impl<'a, 'd> Context<'a, 'd> {
    pub fn report(&mut self, report: Report) {
        self.sink
            .add(self.api, self.model, self.rule, report, self.uses);
    }

    /// What the body's schema says (its code, its retry field), worked out once per body.
    pub fn facts(&self, body: BodyId) -> &'a BodyFacts {
        &self.facts[body.0 as usize]
    }

    /// What the config's path overrides say about an operation.
    pub fn settings(&self, op: &Operation<'_>) -> &OperationSettings {
        self.sink.policy.settings(op.index)
    }

    /// The layers that decide levels and suppressions, and which ignores were used so far.
    pub fn policy(&self) -> &Policy {
        &self.sink.policy
    }

    /// Whether this operation is rate-limited: the config's overrides first, then the nearest
    /// `x-rate-limited` (or the contract's extension), then the contract's default. Returns
    /// the extension's value node when the document decided.
    pub fn rate_limited(&self, op: &Operation<'_>) -> (bool, Option<NodeRef>) {
        if let Some(limited) = self.settings(op).rate_limited {
            return (limited, None);
        }
        match self
            .api
            .inherited_flag(op, &self.contract.rate_limit_extension)
        {
            Some((limited, at)) => (limited, Some(at)),
            None => (self.contract.limited_by_default, None),
        }
    }
}

struct Pending {
    rule: &'static RuleMeta,
    report: Report,
    uses: Vec<Use>,
    /// The next pending report of the same rule at the same node, if any.
    same_place: Option<usize>,
}

/// Collects reports. One about a node of a single operation's own (not inside a shared
/// definition) becomes a finding at once. One about a shared definition waits until its rule
/// is done, merged with every other report of the same rule, node and message, so that it is
/// settled use by use and reported once with its uses.
struct Sink {
    policy: Policy,
    findings: Vec<Finding>,
    pending: Vec<Pending>,
    /// (rule, node) → the last pending report there; the others are chained through
    /// `same_place`, and their messages tell them apart. Only what waits is indexed: an index
    /// of every finding costs more than it saves on documents with hundreds of thousands.
    index: HashMap<(&'static str, NodeRef), usize>,
}

impl Sink {
    fn add(
        &mut self,
        api: &Api<'_>,
        model: &Model<'_>,
        rule: &'static RuleMeta,
        mut report: Report,
        default_uses: &[Use],
    ) {
        let uses: Cow<'_, [Use]> = match report.uses.take() {
            Some(uses) => Cow::Owned(uses),
            None => Cow::Borrowed(default_uses),
        };
        let docs = api.docs;
        match &*uses {
            [] => {
                if self.policy.suppressed(docs, rule.id, report.at, None) {
                    return;
                }
                if let Some(level) = self.policy.level(rule.id, rule.default_severity, None) {
                    self.findings
                        .push(materialize(api, model, rule, report, &[], level));
                }
            }
            [one] if !self.policy.in_definition(docs, report.at) => {
                let route = model.route(*one);
                let route = Some((route.anchor, route.hops.as_slice()));
                if self.policy.suppressed(docs, rule.id, report.at, route) {
                    return;
                }
                let level = self
                    .policy
                    .level(rule.id, rule.default_severity, Some(one.operation));
                if let Some(level) = level {
                    let name = model.operation(*one).name();
                    let mut finding = materialize(api, model, rule, report, &[], level);
                    finding.operation = Some(name);
                    self.findings.push(finding);
                }
            }
            _ => self.wait_for_uses(rule, report, &uses),
        }
    }

    /// Adds uses to the pending report with the same rule, node and message, or starts one.
    fn wait_for_uses(&mut self, rule: &'static RuleMeta, report: Report, uses: &[Use]) {
        let pending = &mut self.pending;
        let last = self.index.entry((rule.id, report.at));
        let mut same = match &last {
            Entry::Occupied(slot) => Some(*slot.get()),
            Entry::Vacant(_) => None,
        };
        while let Some(i) = same {
            if pending[i].report.message == report.message {
                pending[i].uses.extend_from_slice(uses);
                return;
            }
            same = pending[i].same_place;
        }
        let same_place = match last {
            Entry::Occupied(mut slot) => Some(slot.insert(pending.len())),
            Entry::Vacant(slot) => {
                slot.insert(pending.len());
                None
            }
        };
        pending.push(Pending {
            rule,
            report,
            uses: uses.to_vec(),
            same_place,
        });
    }

    /// Turns the waiting reports into findings: each use is dropped where the document ignores
    /// the rule on its way or the rule is off for its operation; the finding takes the highest
    /// level of the uses left, and is dropped with the last of them.
    fn settle(&mut self, api: &Api<'_>, model: &Model<'_>) {
        self.index.clear();
        let docs = api.docs;
        let waiting = std::mem::take(&mut self.pending);
        self.findings.reserve(waiting.len());
        for mut pending in waiting {
            let rule = pending.rule;
            pending.uses.sort_unstable();
            pending.uses.dedup();
            let policy = &mut self.policy;
            let mut level = None;
            pending.uses.retain(|u| {
                let route = model.route(*u);
                let route = Some((route.anchor, route.hops.as_slice()));
                if policy.suppressed(docs, rule.id, pending.report.at, route) {
                    return false;
                }
                let this = policy.level(rule.id, rule.default_severity, Some(u.operation));
                level = level.max(this);
                this.is_some()
            });
            if let Some(level) = level {
                self.findings.push(materialize(
                    api,
                    model,
                    rule,
                    pending.report,
                    &pending.uses,
                    level,
                ));
            }
        }
    }
}

/// Runs every enabled rule over the document and returns its findings, unsorted.
pub fn run(
    api: &Api<'_>,
    contract: &Contract,
    command_line: &CommandLine,
    only: Option<&[String]>,
) -> Vec<Finding> {
    let model = Model::build(api);
    let policy = Policy::new(
        contract,
        command_line,
        only,
        api.docs,
        model.operations.iter().map(|op| (op.method, op.path)),
    );
    let mut rules = crate::rules::instantiate();
    rules.retain(|r| policy.may_run(r.meta().id, r.meta().default_severity));
    let facts: Vec<BodyFacts> = model
        .bodies
        .iter()
        .map(|body| BodyFacts::of(api, contract, body.schema, body.problem_json))
        .collect();
    let mut sink = Sink {
        policy,
        findings: Vec::new(),
        pending: Vec::new(),
        index: HashMap::default(),
    };
    let walk = Walk {
        api,
        model: &model,
        contract,
        facts: &facts,
    };
    for op in &model.operations {
        let operation_use = [Use {
            operation: op.index,
            response: None,
            media: None,
        }];
        for rule in rules.iter_mut() {
            let meta = rule.meta();
            rule.check_operation(&mut walk.context(&mut sink, meta, &operation_use), op);
            for (i, response) in op.responses.iter().enumerate() {
                let response_use = [Use {
                    response: Some(i as u32),
                    ..operation_use[0]
                }];
                let mut cx = walk.context(&mut sink, meta, &response_use);
                rule.check_response(&mut cx, op, response);
            }
        }
    }
    for (i, body) in model.bodies.iter().enumerate() {
        let id = BodyId(i as u32);
        let view = ErrorBody {
            id,
            schema: body.schema,
            problem_json: body.problem_json,
            uses: &body.uses,
            facts: &facts[i],
        };
        for rule in rules.iter_mut() {
            let meta = rule.meta();
            rule.check_error_body(&mut walk.context(&mut sink, meta, &body.uses), &view);
        }
    }
    // Each rule's findings are settled after its `finish`, in the order of the rule list, so
    // that `unused-ignore` (last) sees every ignore the other rules used.
    sink.settle(api, &model);
    for rule in rules.iter_mut() {
        let meta = rule.meta();
        rule.finish(&mut walk.context(&mut sink, meta, &[]));
        sink.settle(api, &model);
    }
    let mut findings = sink.findings;
    findings.extend(
        model
            .structure_errors
            .iter()
            .map(|e| structure_finding(api.docs, e)),
    );
    findings
}

/// What every hook call shares.
struct Walk<'a, 'd> {
    api: &'a Api<'d>,
    model: &'a Model<'d>,
    contract: &'a Contract,
    facts: &'a [BodyFacts],
}

impl<'w, 'd> Walk<'w, 'd> {
    /// A context for one hook of one rule, whose reports apply to `uses`.
    fn context<'s>(
        &self,
        sink: &'s mut Sink,
        rule: &'static RuleMeta,
        uses: &'s [Use],
    ) -> Context<'s, 'd>
    where
        'w: 's,
    {
        Context {
            api: self.api,
            model: self.model,
            contract: self.contract,
            facts: self.facts,
            sink,
            rule,
            uses,
        }
    }
}

/// A node of the wrong kind: the document is not valid OpenAPI there (exit code 2), but the
/// rest of it was linted.
fn structure_finding(docs: &DocumentSet, error: &StructureError) -> Finding {
    Finding {
        help: Some(
            "fix the document's structure; see the OpenAPI specification for this object".into(),
        ),
        location: Some(location(docs, error.at)),
        fatal: true,
        ..Finding::new(
            "invalid-structure",
            Severity::Error,
            file_name(docs, error.at.file),
            error.message.clone(),
        )
    }
}

fn location(docs: &DocumentSet, at: NodeRef) -> Location {
    Location::of(docs, at)
}

fn file_name(docs: &DocumentSet, file: FileId) -> Arc<str> {
    docs.file(file).name.clone()
}

/// A finding from a report and the uses left after suppression: the operation when they share
/// one, the first few as related places, and their count.
fn materialize(
    api: &Api<'_>,
    model: &Model<'_>,
    rule: &'static RuleMeta,
    report: Report,
    uses: &[Use],
    severity: Severity,
) -> Finding {
    let docs = api.docs;
    let mut shown: Vec<(NodeRef, Option<NodeRef>, Arc<str>)> = uses
        .iter()
        .map(|u| {
            (
                model.use_site(api, *u),
                model.response(*u).map(|r| r.key),
                model.operation(*u).name(),
            )
        })
        .collect();
    shown.sort_by_cached_key(|(site, _, _)| (docs.file(site.file).name.clone(), site.node));
    shown.dedup();
    let operation = match shown.first() {
        Some((_, _, first)) if shown.iter().all(|(_, _, op)| op == first) => Some(first.clone()),
        _ => None,
    };
    // One use is worth showing only when it reached the definition through a `$ref` of its
    // own; an operation moved to another file whole is not a shared definition.
    if shown.len() == 1 && !uses.iter().any(|u| model.by_reference(*u)) {
        shown.clear();
    }
    let related = shown
        .iter()
        .take(RELATED_SHOWN)
        .map(|(site, status, operation)| Related {
            location: location(docs, *site),
            message: match status {
                Some(status) => format!(
                    "used by {operation} ({} response)",
                    docs.tree(status.file)
                        .and_then(|t| t.scalar(status.node))
                        .unwrap_or("?")
                ),
                None => format!("used by {operation}"),
            },
        })
        .collect();
    let total_uses = shown.len();
    let what = if shown.iter().all(|(_, status, _)| status.is_some()) {
        "responses"
    } else {
        "operations"
    };
    let note = (total_uses > 1).then(|| format!("used by {total_uses} {what}"));
    Finding {
        note,
        help: report.help,
        location: Some(location(docs, report.at)),
        label: report.label,
        operation,
        related,
        related_omitted: total_uses.saturating_sub(RELATED_SHOWN),
        ..Finding::new(
            rule.id,
            severity,
            file_name(docs, report.at.file),
            report.message,
        )
    }
}
