//! Collecting reports and settling them into findings: a report about one operation's own node
//! becomes a finding at once; a report about a shared definition waits, merged with the others
//! of the same rule, node and message, and is settled use by use against the policy.

use super::RuleMeta;
use super::{RELATED_SHOWN, Report};
use crate::contract::Policy;
use crate::document::{DocumentSet, FileId, NodeRef};
use crate::finding::{Finding, Location, Related, Severity};
use crate::openapi::{Api, Model, Use};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::sync::Arc;

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
pub(super) struct Sink {
    /// Shared by the sinks of every part of the walk.
    pub(super) policy: Arc<Policy>,
    pub(super) findings: Vec<Finding>,
    pending: Vec<Pending>,
    /// (rule, node) → the last pending report there; the others are chained through
    /// `same_place`, and their messages tell them apart. Only what waits is indexed: an index
    /// of every finding costs more than it saves on documents with hundreds of thousands.
    index: HashMap<(&'static str, NodeRef), usize>,
}

impl Sink {
    pub(super) fn new(policy: Arc<Policy>) -> Self {
        Sink {
            policy,
            findings: Vec::new(),
            pending: Vec::new(),
            index: HashMap::default(),
        }
    }

    pub(super) fn add(
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
                if self.policy.suppressed(docs, rule.id, report.at, || None) {
                    return;
                }
                if let Some(level) = self.policy.level(rule.id, rule.default_severity, None) {
                    self.findings
                        .push(materialize(api, model, rule, report, &[], level));
                }
            }
            [one] if !self.policy.in_definition(docs, report.at) => {
                let route = || Some(model.route(*one));
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

    /// Takes what the sink of a later part of the walk collected, as if its reports had come
    /// here: its findings after these, and its waiting reports merged with these (in the
    /// order they first came), so that a walk in parts settles as one walk does.
    pub(super) fn absorb(&mut self, part: Sink) {
        self.findings.extend(part.findings);
        for pending in part.pending {
            self.wait_for_uses(pending.rule, pending.report, &pending.uses);
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
    ///
    /// Each report is settled on its own, on all threads (a body that a thousand responses
    /// use sorts and places a thousand uses), and the findings are kept in the reports' order.
    /// What the policy records (the ignores used) is a set, the same in any order.
    pub(super) fn settle(&mut self, api: &Api<'_>, model: &Model<'_>) {
        use rayon::prelude::*;
        self.index.clear();
        let docs = api.docs;
        let waiting = std::mem::take(&mut self.pending);
        let policy = &self.policy;
        let settled: Vec<Finding> = waiting
            .into_par_iter()
            .with_min_len(8)
            .filter_map(|mut pending| {
                let rule = pending.rule;
                pending.uses.sort_unstable();
                pending.uses.dedup();
                let mut level = None;
                pending.uses.retain(|u| {
                    let route = || Some(model.route(*u));
                    if policy.suppressed(docs, rule.id, pending.report.at, route) {
                        return false;
                    }
                    let this = policy.level(rule.id, rule.default_severity, Some(u.operation));
                    level = level.max(this);
                    this.is_some()
                });
                let level = level?;
                Some(materialize(
                    api,
                    model,
                    rule,
                    pending.report,
                    &pending.uses,
                    level,
                ))
            })
            .collect();
        self.findings.extend(settled);
    }
}

/// Whether `at` is `node` or one of its descendants: a subtree is a stretch of the tape.
fn inside(node: NodeRef, at: NodeRef, docs: &DocumentSet) -> bool {
    node.file == at.file
        && docs
            .tree(node.file)
            .is_some_and(|tree| node.node <= at.node && at.node < tree.subtree_end(node.node))
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
    // One use is worth showing when it reached the definition through a `$ref` of its own, or
    // when the finding sits outside the operation (a schema `$ref`'d from an inline body):
    // otherwise nothing would lead from the finding to the response. An operation moved to
    // another file whole holds its findings itself.
    let outside = |u: &Use| !inside(model.operation(*u).node, report.at, docs);
    if shown.len() == 1 && !uses.iter().any(|u| model.by_reference(*u) || outside(u)) {
        shown.clear();
    }
    let because = report.because.as_ref().map(|(at, message)| Related {
        location: location(docs, *at),
        message: message.clone(),
    });
    let related = because
        .into_iter()
        .chain(
            shown
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
                }),
        )
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
        fix: report.fix.map(|(title, edits)| crate::finding::Fix {
            title,
            // A rule that makes fixes declares how safe they are; one that forgot is unsafe.
            applicability: rule.fix.unwrap_or(crate::finding::Applicability::Unsafe),
            edits: edits
                .into_iter()
                .map(|(file, edit)| crate::finding::FileEdit {
                    file: file_name(docs, file),
                    path: docs.file(file).path.clone(),
                    span: edit.span,
                    text: edit.text,
                })
                .collect(),
        }),
        ..Finding::new(
            rule.id,
            severity,
            file_name(docs, report.at.file),
            report.message,
        )
    }
}
