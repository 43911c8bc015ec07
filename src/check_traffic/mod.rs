//! `errlint check-traffic DOC TRAFFIC...`: does the running API send what its error contract
//! promises? Every recorded exchange is matched to the operation it answers (as the OpenAPI
//! specification says), and every error response is checked against what the description and
//! the contract promise for its status. Observations alike are counted as one finding, so a
//! million recorded calls give a report a person reads.
//!
//! The traffic is streamed: memory holds the description, one exchange, and the findings so
//! far (bounded per operation and status), whatever the size of the traffic.

mod body;
pub mod coverage;
mod group;
mod judge;

use crate::config::Contract;
use crate::contract::Policy;
use crate::document::DocumentSet;
use crate::finding::{Finding, Outcome, Severity, Sources};
use crate::openapi::json_schema::Validators;
use crate::openapi::{Api, Model};
use crate::promises::ErrorPromises;
use crate::traffic::matching::{Match, Matcher};
use crate::traffic::{Body, Exchange, ReadOptions};
use coverage::Coverage;
use group::Groups;
use judge::{Judge, Observation};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::catalog::traffic::{DOCS_PAGE, TRAFFIC_CHECKS, TrafficCheck, find};

/// Where recorded traffic comes from.
#[derive(Debug, Clone)]
pub enum TrafficSource {
    /// A HAR, a Playwright HAR `.zip` or an NDJSON file; a HAR's attachments lie beside it.
    Path(PathBuf),
    /// Standard input (`-`), read as it arrives.
    Stdin,
}

impl TrafficSource {
    /// As the command line writes it: `-` is standard input.
    pub fn parse(text: &str) -> TrafficSource {
        match text {
            "-" => TrafficSource::Stdin,
            path => TrafficSource::Path(PathBuf::from(path)),
        }
    }

    /// The name reports give it.
    fn name(&self) -> Arc<str> {
        match self {
            TrafficSource::Stdin => Arc::from("<stdin>"),
            TrafficSource::Path(path) => Arc::from(crate::inputs::shown(path).as_str()),
        }
    }
}

/// What a check of traffic gives: the findings (with the exit code they imply), and what was
/// observed against what is documented.
pub struct Checked {
    pub outcome: Outcome,
    /// `None` when the description could not be read.
    pub coverage: Option<Coverage>,
}

/// How traffic is read.
#[derive(Debug, Clone)]
pub struct TrafficOptions {
    /// The largest HAR entry or NDJSON line read; a larger one is reported and left out.
    pub max_entry_bytes: u64,
}

impl Default for TrafficOptions {
    fn default() -> Self {
        TrafficOptions {
            max_entry_bytes: ReadOptions::default().max_entry_bytes,
        }
    }
}

/// Checks every exchange of `traffic` against the description at `document`, with the
/// contract and levels `options` give (as for the lint: config, profile, `--rule`).
pub fn check(
    document: &Path,
    traffic: &[TrafficSource],
    options: &crate::Options,
    reading: &TrafficOptions,
) -> Checked {
    let shown = crate::inputs::shown(document);
    let docs = DocumentSet::load_path(document, shown, crate::load_options(options));
    let mut outcome = Outcome {
        file_count: 1,
        documents: vec![docs.file(docs.root()).name.clone()],
        read: docs.files.iter().filter_map(|f| f.path.clone()).collect(),
        ..Outcome::default()
    };
    outcome.read.extend(traffic.iter().filter_map(|t| match t {
        TrafficSource::Path(p) => Some(p.clone()),
        TrafficSource::Stdin => None,
    }));
    outcome
        .findings
        .extend(docs.problems.iter().map(|p| Finding::problem(&docs, p)));
    let mut sources = Sources::of(&docs);
    let described = match crate::contract_for(document, options) {
        Err(errors) => {
            outcome.findings.extend(errors.findings);
            sources.extend(errors.sources);
            None
        }
        Ok(contract) => match Api::new(&docs) {
            Err(e) => {
                outcome.findings.push(crate::version_finding(&docs, e));
                None
            }
            Ok(api) if !outcome.findings.iter().any(|f| f.fatal) => Some((api, contract)),
            Ok(_) => None,
        },
    };
    let coverage = described.map(|(api, contract)| {
        let checker = Checker::new(&api, &contract, options, &docs);
        let mut groups = Groups::default();
        let mut coverage = Coverage::new(&checker.model, &checker.promises, &contract.catalog);
        for source in traffic {
            checker.check_source(source, reading, &mut groups, &mut coverage);
        }
        outcome
            .findings
            .extend(groups.into_findings(&docs, &mut sources));
        coverage
    });
    outcome.sources = sources;
    outcome.sort();
    Checked { outcome, coverage }
}

/// The description, the contract and the levels, ready for every exchange.
struct Checker<'a, 'd> {
    api: &'a Api<'d>,
    model: Model<'d>,
    contract: &'a Contract,
    policy: Policy,
    matcher: Matcher,
    validators: Validators,
    /// Each operation's promises, by operation index.
    promises: Vec<Option<crate::promises::OperationPromises>>,
}

impl<'a, 'd> Checker<'a, 'd> {
    fn new(
        api: &'a Api<'d>,
        contract: &'a Arc<Contract>,
        options: &crate::Options,
        docs: &DocumentSet,
    ) -> Self {
        let model = Model::build(api);
        let policy = Policy::new(
            contract,
            &options.severities,
            options.only_rules.as_deref(),
            docs,
            model.operations.iter().map(|o| (o.method, o.path)),
        );
        let mut all = ErrorPromises::of(api, &model, contract).operations;
        let promises = model
            .operations
            .iter()
            .map(|op| all.remove(&crate::promises::operation_key(op)))
            .collect();
        Checker {
            api,
            matcher: Matcher::new(api, &model),
            model,
            contract,
            policy,
            validators: Validators::default(),
            promises,
        }
    }

    /// Reads one traffic file to its end (or its first fatal error), judging each exchange.
    fn check_source(
        &self,
        source: &TrafficSource,
        reading: &TrafficOptions,
        groups: &mut Groups,
        coverage: &mut Coverage,
    ) {
        let name = source.name();
        let read_options = ReadOptions {
            max_entry_bytes: reading.max_entry_bytes,
            attachments: None,
        };
        match source {
            TrafficSource::Stdin => {
                let traffic = crate::traffic::read(std::io::stdin().lock(), read_options);
                self.check_exchanges(&name, traffic, groups, coverage);
            }
            TrafficSource::Path(path) => match crate::traffic::open(path, read_options) {
                Ok(traffic) => self.check_exchanges(&name, traffic, groups, coverage),
                Err(why) => groups.unreadable_file(name, why),
            },
        }
    }

    fn check_exchanges<R: std::io::Read>(
        &self,
        name: &Arc<str>,
        mut traffic: crate::traffic::Traffic<R>,
        groups: &mut Groups,
        coverage: &mut Coverage,
    ) {
        let mut observations = Vec::new();
        let mut index = 0;
        while let Some(item) = traffic.next() {
            let at = (name, traffic.format() == Some(crate::traffic::Format::Har));
            match item {
                Ok(exchange) => {
                    self.check_exchange(at, index, &exchange, (groups, coverage), &mut observations)
                }
                Err(error) => groups.traffic_error(at, index, &error),
            }
            index += 1;
        }
    }

    /// Judges the `index`th exchange of a file and counts what it showed.
    fn check_exchange(
        &self,
        at: (&Arc<str>, bool),
        index: usize,
        exchange: &Exchange,
        (groups, coverage): (&mut Groups, &mut Coverage),
        observations: &mut Vec<Observation>,
    ) {
        let matched = self.matcher.operation(&exchange.method, &exchange.url);
        if let Match::NoPath {
            shape,
            foreign_host: Some(host),
        } = matched
        {
            // Whether it is another service's request is known only once every request to
            // its host has been seen.
            let level = self.check_level("traffic-operation-unknown", None);
            groups.add_on_other_host(at, index, exchange, (host, shape), level);
            return;
        }
        observations.clear();
        let (operation, code) = self.judge_exchange(exchange, matched, observations);
        if let Some(op) = operation {
            if let Some(host) = exchange.host() {
                groups.host_answered(host);
            }
            coverage.observe(op, exchange.status, code.as_deref());
        }
        let answered = operation.map(|i| &self.model.operations[i]);
        for observation in observations.drain(..) {
            let level = self.level(&observation, operation);
            groups.add(at, index, exchange, answered, observation, level);
        }
    }

    /// The observations about one exchange; the operation it answers and the code its error
    /// body carried.
    fn judge_exchange(
        &self,
        exchange: &Exchange,
        matched: Match,
        out: &mut Vec<Observation>,
    ) -> (Option<usize>, Option<String>) {
        if let Body::Unreadable(why) = &exchange.body {
            out.push(Observation {
                check: "unreadable-exchange",
                detail: why.clone(),
                message: format!("the recorded body could not be read: {why}"),
                related: None,
                lower: false,
            });
        }
        match matched {
            Match::Operation(index) => {
                if !(400..600).contains(&exchange.status) {
                    return (Some(index), None);
                }
                let judge = Judge {
                    api: self.api,
                    contract: self.contract,
                    policy: &self.policy,
                    validators: &self.validators,
                };
                let op = &self.model.operations[index];
                let code = judge.error_response(op, self.promises[index].as_ref(), exchange, out);
                (Some(index), code)
            }
            Match::NoMethod { path } => {
                let what = format!(
                    "the description has this path, but no {} operation on it",
                    exchange.method
                );
                out.push(unknown_operation(&exchange.method, &path, &what));
                (None, None)
            }
            Match::NoPath {
                shape,
                foreign_host: None,
            } => {
                let what = "no path of the description matches this request";
                out.push(unknown_operation(&exchange.method, &shape, what));
                (None, None)
            }
            // Another host's requests are counted by `check_exchange` before they come here.
            Match::NoPath {
                foreign_host: Some(_),
                ..
            } => (None, None),
        }
    }

    /// The level a check reports at for an operation (or none), or `None` when it is off; a
    /// problem with the traffic itself, not a check, is always said, as a warning.
    fn check_level(&self, id: &str, operation: Option<usize>) -> Option<Severity> {
        match find(id) {
            Some(check) => self
                .policy
                .level(check.id, check.level, operation.map(|i| i as u32)),
            None => Some(Severity::Warning),
        }
    }

    /// The level an observation reports at, or `None` when its check is off.
    fn level(&self, observation: &Observation, operation: Option<usize>) -> Option<Severity> {
        let level = self.check_level(observation.check, operation)?;
        Some(match (observation.lower, level) {
            (false, level) => level,
            (true, Severity::Error) => Severity::Warning,
            (true, _) => Severity::Info,
        })
    }
}

/// A request no operation answers, named by its method and path (template or shape).
fn unknown_operation(method: &str, path: &str, what: &str) -> Observation {
    Observation {
        check: "traffic-operation-unknown",
        detail: format!("{method} {path}"),
        message: format!("{method} {path}: {what}"),
        related: None,
        lower: false,
    }
}
