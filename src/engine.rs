//! The one traversal: walks every operation and response once and calls each rule's hooks.
//! Findings about shared definitions are merged here, so each is reported once, at the
//! definition, with the places that use it.

use crate::config::{Contract, OperationSettings};
use crate::document::{DocumentSet, FileId, NodeRef};
use crate::finding::{Finding, Location, Related, Severity};
use crate::openapi::{Api, Media, Operation, Response, SchemaUse, StructureError};
use crate::rules::error_body::{BodyFacts, ErrorBody};
use crate::rules::{Rule, RuleMeta};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::sync::Arc;

/// How many related places a finding names; the rest are counted.
pub const RELATED_SHOWN: usize = 3;

/// A place that uses a shared definition, for the related locations of a finding.
#[derive(Debug, Clone)]
pub struct UseSite {
    pub at: NodeRef,
    pub operation: Arc<str>,
    /// The status key of the response that uses it (`404`), named in the related message.
    pub status: NodeRef,
}

/// One finding as a rule reports it.
#[derive(Debug, Clone)]
pub struct Report {
    pub at: NodeRef,
    pub message: String,
    pub help: Option<Cow<'static, str>>,
    pub label: Option<Cow<'static, str>>,
    pub operation: Option<Arc<str>>,
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

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, label: impl Into<Cow<'static, str>>) -> Self {
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

/// What a rule sees while it runs: the document, the contract, and a place to report.
pub struct Context<'a, 'd> {
    pub api: &'a Api<'d>,
    pub contract: &'a Contract,
    /// What the config's path overrides say about the operation being checked.
    pub settings: &'a OperationSettings,
    pub bodies: &'a mut BodyFacts,
    sink: &'a mut Sink,
    levels: &'a Levels<'a>,
    rule: &'static RuleMeta,
    /// The settings of the operation being walked; `None` once the walk is over.
    walking: Option<&'a OperationSettings>,
}

impl<'d> Context<'_, 'd> {
    pub fn report(&mut self, report: Report) {
        self.sink
            .add(self.api, self.levels, self.rule, self.walking, report);
    }

    /// What an error body's schema says (its code, retry field, envelope), worked out once per
    /// schema and media kind and shared by every rule and every use.
    pub fn body(&mut self, media: &Media<'_>, schema: SchemaUse) -> std::rc::Rc<ErrorBody> {
        self.bodies.get(
            self.api,
            self.contract,
            schema.target,
            media.is_problem_json(),
        )
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
            status: response.key,
        })
    }

    /// The response's retry header, by the contract's names (case-insensitive).
    pub fn retry_header<'r>(
        &self,
        response: &'r Response<'_>,
    ) -> Option<&'r crate::openapi::Header<'r>> {
        self.contract
            .retry_headers
            .iter()
            .find_map(|name| response.header(name))
    }

    /// Whether this operation is rate-limited: the config's overrides first, then the nearest
    /// `x-rate-limited` (or the contract's extension), then the contract's default. Returns
    /// the extension's value node when the document decided.
    pub fn rate_limited(&self, op: &Operation<'_>) -> (bool, Option<NodeRef>) {
        if let Some(limited) = self.settings.rate_limited {
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
    uses: Vec<UseSite>,
    /// The next pending report of the same rule at the same node, if any.
    same_place: Option<usize>,
}

/// Collects reports. Those about one operation's own nodes become findings at once; those
/// about shared definitions wait until the walk is over, merged by node and message, so that
/// each is reported once with its uses.
struct Sink {
    ignores: Ignores,
    findings: Vec<Finding>,
    pending: Vec<Pending>,
    /// (rule, node) → the last pending report there; the others are chained through
    /// `same_place`, and their messages tell them apart. Only what waits is indexed: an index
    /// (or a waiting copy) of every finding costs more than it saves on documents with
    /// hundreds of thousands. (The rare exact repeat of a finding, through a `$ref`ed path
    /// item, is dropped after sorting.)
    index: HashMap<(&'static str, NodeRef), usize>,
}

impl Sink {
    fn new(api: &Api<'_>) -> Self {
        Sink {
            ignores: Ignores::new(api),
            findings: Vec::new(),
            pending: Vec::new(),
            index: HashMap::default(),
        }
    }

    /// `walking` holds the settings of the operation being walked, if any.
    fn add(
        &mut self,
        api: &Api<'_>,
        levels: &Levels<'_>,
        rule: &'static RuleMeta,
        walking: Option<&OperationSettings>,
        mut report: Report,
    ) {
        match (report.use_site.take(), &report.operation, walking) {
            (Some(site), _, _) => self.wait_for_uses(rule, report, site),
            // An operation named after the walk: its settings are known only at the end.
            (None, Some(_), None) => self.pending.push(Pending {
                rule,
                report,
                uses: Vec::new(),
                same_place: None,
            }),
            // Nothing later in the walk can change this finding's level or suppression.
            (None, operation, _) => {
                let settings = operation.as_ref().and(walking);
                if self.suppressed(api, levels, report.at, rule.id) {
                    return;
                }
                if let Some(level) = levels.level(rule, settings) {
                    let finding = materialize(api.docs, rule, report, Vec::new(), level);
                    self.findings.push(finding);
                }
            }
        }
    }

    /// Adds a use to the pending report with the same rule, node and message, or starts one.
    fn wait_for_uses(&mut self, rule: &'static RuleMeta, report: Report, site: UseSite) {
        let pending = &mut self.pending;
        let last = self.index.entry((rule.id, report.at));
        let mut same = match &last {
            Entry::Occupied(slot) => Some(*slot.get()),
            Entry::Vacant(_) => None,
        };
        while let Some(i) = same {
            if pending[i].report.message == report.message {
                pending[i].uses.push(site);
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
            uses: vec![site],
            same_place,
        });
    }

    /// Whether the document ignores `rule` at `at`. The command line is the last word: a rule
    /// set there is reported even where the document ignores it.
    fn suppressed(&mut self, api: &Api<'_>, levels: &Levels<'_>, at: NodeRef, rule: &str) -> bool {
        !levels.command_line.contains_key(rule) && self.ignores.suppresses(api, at, rule)
    }
}

/// Rule levels from every layer but the document: contract (default, profile, config file),
/// path overrides, and the command line.
pub struct Levels<'a> {
    pub contract: &'a Contract,
    pub command_line: &'a std::collections::HashMap<String, Option<Severity>>,
    /// Run only these rules (tests of one rule).
    pub only: Option<&'a [String]>,
}

impl Levels<'_> {
    /// The level of a rule for one operation's settings; `None` is off.
    pub fn level(&self, rule: &RuleMeta, settings: Option<&OperationSettings>) -> Option<Severity> {
        if self
            .only
            .is_some_and(|only| !only.iter().any(|r| r == rule.id))
        {
            return None;
        }
        if let Some(level) = self.command_line.get(rule.id) {
            return *level;
        }
        if let Some(level) = settings.and_then(|s| s.severities.get(rule.id)) {
            return *level;
        }
        match self.contract.severities.get(rule.id) {
            Some(level) => *level,
            None => Some(rule.default_severity),
        }
    }

    /// Whether a rule can report anywhere: on globally, or on through some override.
    fn may_run(&self, rule: &RuleMeta) -> bool {
        if self
            .only
            .is_some_and(|only| !only.iter().any(|r| r == rule.id))
        {
            return false;
        }
        if let Some(level) = self.command_line.get(rule.id) {
            return level.is_some();
        }
        self.level(rule, None).is_some()
            || self
                .contract
                .overrides
                .iter()
                .any(|o| matches!(o.severities.get(rule.id), Some(Some(_))))
    }
}

/// Runs every enabled rule over the document and returns its findings, unsorted.
pub fn run(api: &Api<'_>, mut rules: Vec<Box<dyn Rule>>, levels: &Levels<'_>) -> Vec<Finding> {
    rules.retain(|r| levels.may_run(r.meta()));
    let contract = levels.contract;
    let mut sink = Sink::new(api);
    let mut bodies = BodyFacts::default();
    // Only operations that overrides touch keep their settings.
    let mut settings: HashMap<Arc<str>, OperationSettings> = HashMap::default();
    let no_settings = OperationSettings::default();
    api.visit_operations(|op| {
        let op_settings = contract.operation_settings(op.method, op.path);
        for rule in rules.iter_mut() {
            let mut cx = Context {
                api,
                contract,
                settings: &op_settings,
                bodies: &mut bodies,
                sink: &mut sink,
                levels,
                rule: rule.meta(),
                walking: Some(&op_settings),
            };
            rule.check_operation(&mut cx, &op);
            for response in &op.responses {
                rule.check_response(&mut cx, &op, response);
            }
        }
        if !op_settings.is_default() {
            settings.insert(op.name(), op_settings);
        }
    });
    for rule in rules.iter_mut() {
        let mut cx = Context {
            api,
            contract,
            settings: &no_settings,
            bodies: &mut bodies,
            sink: &mut sink,
            levels,
            rule: rule.meta(),
            walking: None,
        };
        rule.finish(&mut cx);
    }
    // The index is done with; on big documents its memory is better spent on the findings.
    drop(std::mem::take(&mut sink.index));
    let waiting = std::mem::take(&mut sink.pending);
    sink.findings.reserve(waiting.len());
    for mut pending in waiting {
        let level_of = |operation: Option<&Arc<str>>| {
            levels.level(pending.rule, operation.and_then(|o| settings.get(o)))
        };
        let id = pending.rule.id;
        let mut suppressed = |at: NodeRef| sink.suppressed(api, levels, at, id);
        if suppressed(pending.report.at) {
            continue;
        }
        let level = if pending.uses.is_empty() {
            level_of(pending.report.operation.as_ref())
        } else {
            // A shared definition: each use may sit under its own ignore or override.
            pending
                .uses
                .retain(|u| !suppressed(u.at) && level_of(Some(&u.operation)).is_some());
            pending
                .uses
                .iter()
                .filter_map(|u| level_of(Some(&u.operation)))
                .max()
        };
        if let Some(level) = level {
            sink.findings.push(materialize(
                api.docs,
                pending.rule,
                pending.report,
                pending.uses,
                level,
            ));
        }
    }
    let Sink {
        ignores,
        mut findings,
        ..
    } = sink;
    let unused = crate::rules::unused_ignore::META_ID;
    if let Some(level) = levels.level(crate::rules::find(unused).expect("registered"), None) {
        let enabled = |id: &str| {
            !levels.command_line.contains_key(id)
                && crate::rules::find(id).is_some_and(|m| levels.may_run(m))
        };
        findings.extend(crate::rules::unused_ignore::findings(
            api,
            &ignores.lists,
            &ignores.used,
            enabled,
            level,
        ));
    }
    findings.extend(
        api.take_structure_errors()
            .into_iter()
            .map(|e| structure_finding(api.docs, e)),
    );
    findings
}

/// The document's `x-errlint-ignore` lists, found once, and which entries suppressed.
struct Ignores {
    lists: Vec<(NodeRef, Vec<NodeRef>)>,
    /// Owner mapping → index in `lists`.
    by_owner: HashMap<NodeRef, usize>,
    /// The entries (list items) that suppressed something.
    used: rustc_hash::FxHashSet<NodeRef>,
}

impl Ignores {
    fn new(api: &Api<'_>) -> Self {
        let lists = crate::rules::unused_ignore::ignore_lists(api);
        let by_owner = lists
            .iter()
            .enumerate()
            .map(|(i, (owner, _))| (*owner, i))
            .collect();
        Ignores {
            lists,
            by_owner,
            used: Default::default(),
        }
    }

    /// True when `at`, its value (for a key), or an ancestor has `x-errlint-ignore` naming
    /// `rule`; the entry is remembered as used.
    fn suppresses(&mut self, api: &Api<'_>, at: NodeRef, rule: &str) -> bool {
        if self.lists.is_empty() {
            return false;
        }
        let tree = api.tree(at);
        let start = if tree.is_key(at.node) {
            crate::document::NodeId(at.node.0 + 1)
        } else {
            at.node
        };
        let mut node = Some(start);
        while let Some(n) = node {
            if let Some(&index) = self.by_owner.get(&NodeRef {
                file: at.file,
                node: n,
            }) {
                if let Some(entry) = self.lists[index]
                    .1
                    .iter()
                    .find(|e| api.str(**e) == Some(rule))
                {
                    self.used.insert(*entry);
                    return true;
                }
            }
            node = tree.parent(n);
        }
        false
    }
}

/// A node of the wrong kind: the document is not valid OpenAPI there (exit code 2), but the
/// rest of it was linted.
fn structure_finding(docs: &DocumentSet, error: StructureError) -> Finding {
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
            error.message,
        )
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
        file: file.name.clone(),
        span: tree.span(at.node),
        pointer: tree.pointer(at.node),
    }
}

pub fn file_name(docs: &DocumentSet, file: FileId) -> Arc<str> {
    docs.file(file).name.clone()
}

fn materialize(
    docs: &DocumentSet,
    rule: &'static RuleMeta,
    report: Report,
    mut uses: Vec<UseSite>,
    severity: Severity,
) -> Finding {
    uses.sort_by_cached_key(|u| (docs.file(u.at.file).name.clone(), u.at.node));
    uses.dedup_by(|a, b| a.at == b.at && a.status == b.status && a.operation == b.operation);
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
            message: format!(
                "used by {} ({} response)",
                u.operation,
                docs.tree(u.status.file)
                    .and_then(|t| t.scalar(u.status.node))
                    .unwrap_or("?")
            ),
        })
        .collect();
    let total_uses = uses.len();
    let note = (total_uses > 1).then(|| format!("used by {total_uses} responses"));
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
