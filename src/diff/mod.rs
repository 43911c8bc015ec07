//! `errlint diff BASE NEW`: what changed in the error contract between two versions of a
//! document, and whether `info.version` allows it. Operations match by method and path
//! template; each change is shown in NEW, with the place in BASE it changed from.

mod body;
mod compare;
mod gate;
mod git;
mod temp_folder;

use crate::config::Contract;
use crate::document::{DocumentSet, NodeRef};
use crate::finding::{Finding, Location, Outcome, Related, Severity, Sources};
use crate::openapi::{Api, Model};
use crate::promises::ErrorPromises;
use compare::{Change, compare};
use gate::Gate;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::catalog::change_infos as rule_infos;
pub use crate::catalog::changes::{CHANGES, ChangeMeta, Class, DOCS_PAGE, find};
pub use git::Revision;
pub use temp_folder::remove_on_signals;

/// One side of a diff, as written on the command line: a path, or `REV:PATH` read from git.
#[derive(Debug, Clone)]
pub enum Input {
    Path(PathBuf),
    Revision { rev: String, path: PathBuf },
}

impl Input {
    /// `REV:PATH` when the text is no existing path and has a revision before a colon.
    pub fn parse(text: &str) -> Input {
        if !Path::new(text).exists() {
            if let Some((rev, path)) = text.split_once(':') {
                if !rev.is_empty() && !path.is_empty() {
                    return Input::Revision {
                        rev: rev.to_string(),
                        path: PathBuf::from(path),
                    };
                }
            }
        }
        Input::Path(PathBuf::from(text))
    }
}

/// What makes two changes one finding: id, place and message.
type ChangeKey = (&'static str, NodeRef, Option<NodeRef>);

/// One cause: a change, every operation it is found in, and every status.
struct Group {
    change: Change,
    operations: Vec<ChangedOperation>,
    statuses: Vec<Arc<str>>,
}

/// An operation a change is found in: its name and its place in NEW.
type ChangedOperation = (Arc<str>, NodeRef);

/// A loaded side of the diff.
struct Side {
    docs: DocumentSet,
    /// Keeps a revision's files on disk while they are read.
    _revision: Option<Arc<Revision>>,
}

/// Compares BASE with NEW: every change in the error contract, at its place in NEW, with its
/// level after the version gate and the contract's `rules:` levels.
pub fn diff(base: &Input, new: &Input, options: &crate::Options) -> Outcome {
    compare_sides(
        || load(base, options),
        || load(new, options),
        options,
        false,
    )
}

/// Compares each document with itself at revision `rev` (`errlint diff --base REV FILES`, as
/// CI runs it). A document that did not exist at `rev` is new: there is nothing to compare.
/// One inside a git submodule at `rev` cannot be read there: a warning says it was skipped.
pub fn diff_against(rev: &str, paths: &[PathBuf], options: &crate::Options) -> Outcome {
    use rayon::prelude::*;
    // The revision is written out once for all documents: once for each, the time grew with
    // documents × files of the revision, and most of a repository's JSON is no document.
    let revision = Revision::check_out(rev, paths, options.limits.max_file_bytes).map(Arc::new);
    // Each document is compared on its own, on all threads, and the findings sorted once.
    let compared: Vec<Outcome> = paths
        .par_iter()
        .map(|path| {
            let base = || match &revision {
                Ok(revision) => load_from_revision(revision, path, options),
                Err(message) => Err(Unloaded {
                    shown: shown_at(rev, path),
                    error: git::CheckOutError::Failed(message.clone()),
                }),
            };
            let new = || load(&Input::Path(path.clone()), options);
            compare_sides(base, new, options, true)
        })
        .collect();
    let mut all = Outcome::default();
    all.absorb_all(compared);
    all
}

/// Loads both sides and compares them. Against a base revision (`--base`), a document absent
/// there is new and silently skipped, and one it cannot read is skipped with a warning.
fn compare_sides(
    load_base: impl FnOnce() -> Result<Side, Unloaded> + Send,
    load_new: impl FnOnce() -> Result<Side, Unloaded> + Send,
    options: &crate::Options,
    against_base: bool,
) -> Outcome {
    let mut outcome = Outcome {
        file_count: 1,
        ..Outcome::default()
    };
    // The two sides are independent until they are compared: each is read on a thread of
    // its own (a lint reads a large file on all threads; two sides one after the other took
    // 2.6 times one lint of GitHub's description).
    let (base, new) = match rayon::join(load_base, load_new) {
        (Ok(base), Ok(new)) => (base, new),
        (base, new) => {
            for failed in [base.err(), new.err()].into_iter().flatten() {
                outcome.findings.extend(failed.finding(against_base));
            }
            outcome.sort();
            return outcome;
        }
    };
    let new_path = match new.docs.file(new.docs.root()).path.clone() {
        Some(path) => path,
        None => PathBuf::from("."),
    };
    let contract = match crate::contract_for(&new_path, options) {
        Ok(contract) => contract,
        Err(errors) => {
            outcome.findings = errors.findings;
            outcome.sources = errors.sources;
            outcome.sort();
            return outcome;
        }
    };
    for side in [&base, &new] {
        outcome
            .documents
            .push(side.docs.file(side.docs.root()).name.clone());
        outcome
            .read
            .extend(side.docs.files.iter().filter_map(|f| f.path.clone()));
        for problem in &side.docs.problems {
            outcome.findings.push(Finding::problem(&side.docs, problem));
        }
    }
    let facts = |side: &Side| -> Result<ErrorPromises, Box<Finding>> {
        let api =
            Api::new(&side.docs).map_err(|e| Box::new(crate::version_finding(&side.docs, e)))?;
        let model = Model::build(&api);
        Ok(ErrorPromises::of(&api, &model, &contract))
    };
    let both = rayon::join(|| facts(&base), || facts(&new));
    let (base_facts, new_facts) = match both {
        (Ok(b), Ok(n)) if !outcome.findings.iter().any(|f| f.fatal) => (b, n),
        (b, n) => {
            outcome.findings.extend(b.err().map(|f| *f));
            outcome.findings.extend(n.err().map(|f| *f));
            finish(&mut outcome, [&base, &new]);
            return outcome;
        }
    };
    let changes = compare(&base_facts, &new_facts);
    let findings = judge(
        changes,
        &base_facts,
        &new_facts,
        (&contract, &options.severities),
        (&base.docs, &new.docs),
    );
    outcome.findings.extend(findings);
    finish(&mut outcome, [&base, &new]);
    outcome
}

fn finish(outcome: &mut Outcome, sides: [&Side; 2]) {
    let mut sources = Sources::default();
    for side in sides {
        sources.add_files_of(&side.docs);
    }
    outcome.sources = sources;
    outcome.sort();
    outcome
        .findings
        .dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// Why a side could not be loaded: its name (`REV:PATH`) and what git said.
struct Unloaded {
    shown: String,
    error: git::CheckOutError,
}

impl Unloaded {
    /// What to report: against a base revision, nothing for a new document and a warning for
    /// one in a submodule; otherwise an error that stops the comparison.
    fn finding(self, against_base: bool) -> Option<Finding> {
        let file = Arc::from(self.shown.as_str());
        let message = self.error.to_string();
        match (self.error, against_base) {
            (git::CheckOutError::Absent(_), true) => None,
            (git::CheckOutError::InSubmodule(_), true) => Some(Finding {
                help: Some(
                    "compare it from inside the submodule, with the submodule's own revisions"
                        .into(),
                ),
                ..Finding::new("not-compared", Severity::Warning, file, message)
            }),
            _ => Some(Finding {
                fatal: true,
                ..Finding::new("unreadable-file", Severity::Error, file, message)
            }),
        }
    }
}

fn shown_at(rev: &str, path: &Path) -> String {
    format!("{rev}:{}", crate::inputs::shown(path))
}

fn load(input: &Input, options: &crate::Options) -> Result<Side, Unloaded> {
    match input {
        Input::Path(path) => {
            let docs = DocumentSet::load_path(
                path,
                crate::inputs::shown(path),
                crate::load_options(options),
            );
            Ok(Side {
                docs,
                _revision: None,
            })
        }
        Input::Revision { rev, path } => {
            let documents = std::slice::from_ref(path);
            let revision = Revision::check_out(rev, documents, options.limits.max_file_bytes)
                .map_err(|message| Unloaded {
                    shown: shown_at(rev, path),
                    error: git::CheckOutError::Failed(message),
                })?;
            load_from_revision(&Arc::new(revision), path, options)
        }
    }
}

/// The document at `path` (relative to the current folder) as it was in `revision`.
fn load_from_revision(
    revision: &Arc<Revision>,
    path: &Path,
    options: &crate::Options,
) -> Result<Side, Unloaded> {
    let document = revision.document(path).map_err(|error| Unloaded {
        shown: shown_at(revision.rev(), path),
        error,
    })?;
    let mut docs = DocumentSet::load_path_within(
        &document,
        crate::inputs::shown(path),
        revision.root(),
        crate::load_options(options),
    );
    // Every file of the revision is named by it, so that no name is taken for the work tree's
    // file of the same path.
    for file in &mut docs.files {
        file.name = Arc::from(format!("{}:{}", revision.rev(), file.name));
    }
    Ok(Side {
        docs,
        _revision: Some(revision.clone()),
    })
}

/// Levels, the version gate and grouping: changes become findings.
fn judge<'f>(
    changes: Vec<Change>,
    base: &'f ErrorPromises,
    new: &'f ErrorPromises,
    (contract, command_line): (&Contract, &HashMap<String, Option<Severity>>),
    (base_docs, new_docs): (&DocumentSet, &DocumentSet),
) -> Vec<Finding> {
    let level = |id: &str| -> Option<Severity> {
        let meta = find(id).expect("every change id is declared");
        let default = crate::catalog::change_level(meta);
        // The command line's `--rule` is above every config.
        command_line
            .get(id)
            .or_else(|| contract.severities.get(id))
            .copied()
            .unwrap_or(Some(default))
    };
    let breaking = |id: &str| find(id).is_some_and(|m| m.class == Class::Breaking);
    let version = |facts: &'f ErrorPromises| facts.version.as_ref().map(|(v, _)| v.as_str());
    let gate = Gate::of(contract.versions, version(base), version(new));
    let mut findings = Vec::new();
    let mut breaking_count = 0;
    for (_, group) in grouped(changes) {
        let Some(mut severity) = level(group.change.id) else {
            continue;
        };
        if breaking(group.change.id) {
            breaking_count += 1;
            if gate.bumped == Some(true) {
                severity = Severity::Info;
            }
        }
        let docs = (base_docs, new_docs);
        findings.push(change_finding(group, severity, &gate, docs));
    }
    if let Some((id, message)) = gate.finding(breaking_count) {
        let version_at = new.version.as_ref().map(|(_, at)| *at);
        findings.extend(level(id).map(|severity| {
            let location = version_at.map(|at| Location::of(new_docs, at));
            let file = new_docs.file(new_docs.root()).name.clone();
            Finding {
                location,
                help: Some(gate.help(id).into()),
                ..Finding::new(id, severity, file, message)
            }
        }));
    }
    findings
}

/// Changes with the same id, place in NEW and place in BASE are one cause (a shared schema
/// used by many operations, on many statuses): one finding, with the operations and statuses
/// it is found in.
fn grouped(changes: Vec<Change>) -> BTreeMap<ChangeKey, Group> {
    let mut grouped: BTreeMap<ChangeKey, Group> = BTreeMap::new();
    for change in changes {
        let key = (
            change.id,
            change.at,
            change.related.as_ref().map(|(at, _)| *at),
        );
        let operation = (change.operation.clone(), change.operation_at);
        let status = change.status.clone();
        let group = grouped.entry(key).or_insert_with(|| Group {
            change,
            operations: Vec::new(),
            statuses: Vec::new(),
        });
        group.operations.push(operation);
        group.statuses.extend(status);
    }
    grouped
}

/// The finding of one group of changes, at its place in the new document, with the base's
/// places it relates to.
fn change_finding(
    Group {
        change,
        mut operations,
        mut statuses,
    }: Group,
    severity: Severity,
    gate: &Gate<'_>,
    (base_docs, new_docs): (&DocumentSet, &DocumentSet),
) -> Finding {
    operations.sort();
    operations.dedup_by(|a, b| a.0 == b.0);
    let mut related: Vec<Related> = change
        .related
        .iter()
        .map(|(at, message)| Related {
            location: Location::of(base_docs, *at),
            message: message.clone(),
        })
        .collect();
    // A change in a shared schema shows each operation it reaches, as the lint shows the uses
    // of a shared definition.
    let shared = operations.len() > 1;
    if shared {
        related.extend(
            operations
                .iter()
                .take(crate::engine::RELATED_SHOWN)
                .map(|(name, at)| Related {
                    location: Location::of(new_docs, *at),
                    message: format!("in {name}"),
                }),
        );
    }
    statuses.sort();
    statuses.dedup();
    let mut notes = Vec::new();
    if statuses.len() > 1 {
        notes.push(format!("on the {} responses", statuses.join(", ")));
    }
    if shared {
        notes.push(format!("in {} operations", operations.len()));
    }
    let location = Location::of(new_docs, change.at);
    Finding {
        location: Some(location.clone()),
        help: Some(gate.help(change.id).into()),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        operation: operations.first().map(|(name, _)| name.clone()),
        related_omitted: match shared {
            true => operations
                .len()
                .saturating_sub(crate::engine::RELATED_SHOWN),
            false => 0,
        },
        related,
        ..Finding::new(change.id, severity, location.file.clone(), change.message)
    }
}
