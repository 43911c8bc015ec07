//! The one traversal: builds the model, calls each rule's hooks once per operation, response
//! and distinct body, and settles every report against the policy, use by use.

mod rule;
mod sink;
/// Runs one rule on documents written beside it: the rules' unit tests.
#[cfg(test)]
pub(crate) mod tester;

pub use rule::{Rule, RuleMeta};

use crate::contract::{CommandLine, Contract, OperationSettings, Policy};
use crate::document::edit::Edit;
use crate::document::{DocumentSet, FileId, NodeRef};
use crate::error_body::{BodyAnalysis, ErrorBody, error_uses};
use crate::finding::{Finding, Location, Severity};
use crate::openapi::{Api, BodyId, Model, Operation, StructureError, Use};
use rayon::prelude::*;
use sink::Sink;
use std::borrow::Cow;

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
    /// Another place that explains the finding (the schema an example breaks), shown first
    /// among the related places.
    pub because: Option<(NodeRef, String)>,
    /// A change that resolves the finding: its title and its edits, each in a file.
    pub fix: Option<(String, Vec<(FileId, Edit)>)>,
    pub(crate) uses: Option<Vec<Use>>,
}

impl Report {
    pub fn new(at: NodeRef, message: impl Into<String>) -> Self {
        Report {
            at,
            message: message.into(),
            help: None,
            label: None,
            because: None,
            fix: None,
            uses: None,
        }
    }

    /// A mechanical fix; `None` (the edit could not be made with certainty) offers none.
    pub fn fix(mut self, title: impl Into<String>, at: FileId, edit: Option<Edit>) -> Self {
        self.fix = edit.map(|edit| (title.into(), vec![(at, edit)]));
        self
    }

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, label: impl Into<Cow<'static, str>>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// A place that explains the finding, with what it says there.
    pub fn because(mut self, at: NodeRef, message: impl Into<String>) -> Self {
        self.because = Some((at, message.into()));
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
    facts: &'a [BodyAnalysis],
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
    pub fn body_analysis(&self, body: BodyId) -> &'a BodyAnalysis {
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

    /// Whether this operation is rate-limited, and the extension's value node when the
    /// document decided (see [`Policy::rate_limited`]).
    pub fn rate_limited(&self, op: &Operation<'_>) -> (bool, Option<NodeRef>) {
        self.sink.policy.rate_limited(self.api, op)
    }
}

/// Runs every enabled rule over the document and returns its findings, unsorted, and the
/// contract's overrides that some operation matched.
pub fn run(
    api: &Api<'_>,
    rules: Vec<Box<dyn Rule>>,
    contract: &Contract,
    command_line: &CommandLine,
    only: Option<&[String]>,
) -> (Vec<Finding>, Vec<usize>) {
    run_in_parts(
        api,
        rules,
        contract,
        command_line,
        only,
        OPERATIONS_PER_PART,
    )
}

/// [`run`], walking the operations in parts of `per_part`.
fn run_in_parts(
    api: &Api<'_>,
    mut rules: Vec<Box<dyn Rule>>,
    contract: &Contract,
    command_line: &CommandLine,
    only: Option<&[String]>,
    per_part: usize,
) -> (Vec<Finding>, Vec<usize>) {
    let model = Model::build(api);
    // Every JSON body's schema is walked for its facts, success bodies too (for their retry
    // fields; only error bodies for their code): the most work of the run after parsing, and
    // each body's facts are its own. The policy (which looks at every node for ignore lists)
    // is made meanwhile.
    let (policy, facts) = rayon::join(
        || {
            Policy::new(
                contract,
                command_line,
                only,
                api.docs,
                model.operations.iter().map(|op| (op.method, op.path)),
            )
        },
        || -> Vec<(Vec<Use>, BodyAnalysis)> {
            model
                .bodies
                .par_iter()
                .map(|body| {
                    let error_uses = error_uses(&model, &body.uses);
                    let error_body = !error_uses.is_empty();
                    let facts =
                        BodyAnalysis::of(api, contract, body.schema, body.problem_json, error_body);
                    (error_uses, facts)
                })
                .collect()
        },
    );
    let (error_uses, facts): (Vec<Vec<Use>>, Vec<BodyAnalysis>) = facts.into_iter().unzip();
    rules.retain(|r| policy.may_run(r.meta().id, r.meta().default_severity));
    let policy = std::sync::Arc::new(policy);
    let walk = Walk {
        api,
        model: &model,
        contract,
        facts: &facts,
    };
    // The operations are walked in parts on all threads, each into a sink of its own; the
    // parts are then taken in order, which gives what one walk gives, whatever the threads.
    let parts: Vec<Sink> = model
        .operations
        .par_chunks(per_part)
        .map(|operations| {
            let mut sink = Sink::new(policy.clone());
            for op in operations {
                walk.operation(&rules, &mut sink, op);
            }
            sink
        })
        .collect();
    let mut sink = Sink::new(policy);
    for part in parts {
        sink.absorb(part);
    }
    for (i, body) in model.bodies.iter().enumerate() {
        let view = ErrorBody {
            schema: body.schema,
            problem_json: body.problem_json,
            uses: &body.uses,
            error_uses: &error_uses[i],
            analysis: &facts[i],
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
    let matched = sink.policy.matched_overrides.iter().copied().collect();
    let mut findings = sink.findings;
    findings.extend(
        model
            .structure_errors
            .iter()
            .map(|e| structure_finding(api.docs, e)),
    );
    (findings, matched)
}

/// Operations per part of the walk: enough that a part outweighs its sink.
const OPERATIONS_PER_PART: usize = 32;

/// What every hook call shares.
struct Walk<'a, 'd> {
    api: &'a Api<'d>,
    model: &'a Model<'d>,
    contract: &'a Contract,
    facts: &'a [BodyAnalysis],
}

impl<'w, 'd> Walk<'w, 'd> {
    /// Every rule's operation and response hooks for one operation.
    fn operation(&self, rules: &[Box<dyn Rule>], sink: &mut Sink, op: &Operation<'d>) {
        let operation_use = [Use {
            operation: op.index,
            response: None,
            media: None,
        }];
        for rule in rules {
            let meta = rule.meta();
            rule.check_operation(&mut self.context(sink, meta, &operation_use), op);
            for response in &op.responses {
                let uses = std::slice::from_ref(&response.at);
                rule.check_response(&mut self.context(sink, meta, uses), op, response);
            }
        }
    }

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
        location: Some(Location::of(docs, error.at)),
        fatal: true,
        ..Finding::new(
            "invalid-structure",
            Severity::Error,
            docs.file(error.at.file).name.clone(),
            error.message.clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The findings and matched overrides of a text, walked in parts of `per_part` operations.
    fn walked_in_parts(text: &str, per_part: usize) -> String {
        let options = crate::Options::default();
        let contract = crate::config::contract(None, None, &options.access()).expect("defaults");
        let docs =
            DocumentSet::load_text("t.yaml".into(), text, None, crate::load_options(&options));
        let api = Api::new(&docs).expect("an OpenAPI document");
        let (findings, matched) = run_in_parts(
            &api,
            crate::rules::instantiate(),
            &contract,
            &options.severities,
            None,
            per_part,
        );
        format!("{findings:#?}\n{matched:?}")
    }

    /// Operations that share error responses (reports inside them wait for every use, across
    /// parts: a retry hint where there is no rate limit or where retrying makes no sense), own
    /// error bodies, and ignores that suppress some uses: however the walk is cut, the
    /// findings are the same.
    #[test]
    fn a_walk_in_parts_finds_what_one_walk_finds() {
        let mut text = String::from(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\ncomponents:\n  responses:\n    Error:\n      description: error\n      content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}\n    Slow:\n      description: slow down\n      headers: {Retry-After: {schema: {type: integer}}}\n      content: {application/json: {schema: {type: object, properties: {retry_after: {type: integer}}}}}\npaths:\n",
        );
        for i in 0..70 {
            text.push_str(&format!("  /r{i}/{{id}}:\n"));
            if i % 5 == 0 {
                text.push_str("    x-errlint-ignore: [error-code-present]\n");
            }
            text.push_str("    get:\n");
            if i % 7 == 0 {
                text.push_str("      x-rate-limited: false\n");
            }
            text.push_str("      responses:\n        '200': {description: ok}\n");
            match i % 3 {
                0 => text.push_str("        default: {$ref: '#/components/responses/Error'}\n"),
                1 => text.push_str("        '404': {description: x, content: {application/json: {schema: {type: object}}}}\n"),
                _ => {}
            }
            if i % 7 == 0 {
                text.push_str("        '429': {$ref: '#/components/responses/Slow'}\n");
            }
            if i % 4 == 0 {
                text.push_str("        '400': {$ref: '#/components/responses/Slow'}\n");
            }
        }
        let whole = walked_in_parts(&text, usize::MAX);
        assert!(whole.matches("rule: \"").count() > 70, "{whole}");
        assert!(whole.contains("no-429-when-unlimited"), "{whole}");
        for per_part in [1, 5, 32] {
            assert_eq!(
                walked_in_parts(&text, per_part),
                whole,
                "in parts of {per_part}"
            );
        }
    }
}
