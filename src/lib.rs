//! errlint lints the error handling of HTTP APIs described in OpenAPI 2.0, 3.0 and 3.1.
//!
//! Lint a document, then render the findings in any format:
//!
//! ```
//! use errlint::{lint_text, report, Options};
//!
//! let spec = "\
//! openapi: 3.0.3
//! paths:
//!   /users/{id}:
//!     get:
//!       responses:
//!         '200': {description: ok}
//!         '404': {description: not found}
//! ";
//! let outcome = lint_text("openapi.yaml", spec, &Options::default());
//! assert_eq!(outcome.exit_code(false), 1);
//! let text = report::render(&outcome, &report::RenderOptions::plain(report::Format::Concise));
//! assert!(text.contains("openapi.yaml:7:9: error[error-response-schema] the 404 response declares no body"));
//! ```
//!
//! The library never prints; the `errlint` binary is a thin shell around it.
//!
//! ## Snapshot your own API's findings
//!
//! In another project's tests, lint the spec by a path relative to the crate (cargo runs tests
//! there), with no config search, and snapshot [`report::snapshot`]: one line per finding
//! (`file:line: level[rule] message`), with no byte offsets, columns, colours or absolute
//! paths, so it is the same on every machine and an edit that moves nothing to another line
//! leaves it as it was. Review a changed snapshot with `cargo insta review`.
//!
//! ```no_run
//! use errlint::config::ConfigChoice;
//! use errlint::{lint_path, report, Options};
//!
//! let options = Options { config: ConfigChoice { no_discovery: true, ..Default::default() }, ..Options::default() };
//! let outcome = lint_path("fixtures/example/openapi.yaml".as_ref(), &options);
//! insta::assert_snapshot!("my-api-errors", report::snapshot(&outcome));
//! ```

pub mod baseline;
pub mod catalog;
pub mod check_traffic;
pub mod config;
pub mod contract;
pub mod diff;
pub mod document;
mod engine;
mod error_body;
pub mod finding;
pub mod fix;
mod glob;
pub mod ids;
pub mod infer;
pub mod inputs;
pub mod lsp;
pub mod openapi;
pub mod output;
pub mod promises;
pub mod reference_page;
pub mod report;
#[path = "../rules/mod.rs"]
pub mod rules;
pub mod run;
pub mod suggest;
pub mod traffic;

pub use document::Limits;
pub use finding::{Finding, Location, Outcome, Related, Severity, Sources, Summary};

use document::{DocumentSet, LoadOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where errlint's source and documentation live: the one place to change when the project
/// moves.
pub const REPOSITORY_URL: &str = "https://github.com/errlint/errlint";

/// How to lint.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Run only these rules (by id); `None` runs every rule.
    pub only_rules: Option<Vec<String>>,
    /// Rule levels from the command line, above every other layer; `None` turns a rule off.
    pub severities: HashMap<String, Option<Severity>>,
    /// Where the error contract comes from: a config file (given or discovered), a profile.
    pub config: config::ConfigChoice,
    pub limits: Limits,
    /// Folders outside the linted tree that `$ref`s may read. The linted tree is the current
    /// folder when the document is inside it, otherwise the document's own folder.
    pub external_roots: Vec<PathBuf>,
    /// Texts read in place of files on disk, by canonical path: an editor's open buffers,
    /// the fixed text of a `--fix --diff` round.
    pub overlay: document::Overlay,
    /// The linted tree, when the caller names it (the editor's workspace folders, canonical):
    /// `$ref`s and the discovered config are read inside it only. `None`: each document's
    /// own tree.
    pub tree: Option<Vec<PathBuf>>,
}

/// Lints one document on disk (and the files its `$ref`s reach).
pub fn lint_path(path: &Path, options: &Options) -> Outcome {
    finish(
        lint_path_with(path, options, &ContractCache::default()),
        options,
    )
}

/// Documents linted, before what is judged only once every document is in: the outcome, and
/// the overrides of each contract that some operation matched. (The outcome itself holds no
/// contract: it is findings and texts, for reports.)
#[derive(Default)]
struct Linted {
    outcome: Outcome,
    overrides_matched: Vec<(Arc<config::Contract>, Vec<usize>)>,
}

impl Linted {
    /// Linted documents taken together, in the order given.
    fn merge(all: impl IntoIterator<Item = Linted>) -> Linted {
        let mut matched = Vec::new();
        let mut outcome = Outcome::default();
        outcome.absorb_all(all.into_iter().map(|linted| {
            matched.extend(linted.overrides_matched);
            linted.outcome
        }));
        Linted {
            outcome,
            overrides_matched: matched,
        }
    }
}

impl From<Outcome> for Linted {
    fn from(outcome: Outcome) -> Self {
        Linted {
            outcome,
            overrides_matched: Vec::new(),
        }
    }
}

/// What is judged only once every document is linted: overrides that matched nothing (not in
/// runs of a few rules, such as a rule's own tests).
fn finish(linted: Linted, options: &Options) -> Outcome {
    let Linted {
        mut outcome,
        overrides_matched: matched,
    } = linted;
    if options.only_rules.is_some() {
        return outcome;
    }
    // Each contract is judged once, over every document linted with it.
    let mut judged: Vec<&Arc<config::Contract>> = Vec::new();
    let mut found = Vec::new();
    for (contract, _) in &matched {
        if judged.iter().any(|c| Arc::ptr_eq(c, contract)) {
            continue;
        }
        judged.push(contract);
        let by_any: Vec<usize> = matched
            .iter()
            .filter(|(c, _)| Arc::ptr_eq(c, contract))
            .flat_map(|(_, m)| m.iter().copied())
            .collect();
        let unmatched = config::unmatched_overrides(contract, &by_any);
        if !unmatched.is_empty() {
            // The frames quote the config file: its text joins the sources.
            for (name, text, _) in contract.overrides.iter().filter_map(|o| o.origin.as_ref()) {
                outcome.sources.insert(name.clone(), text.clone());
            }
        }
        found.extend(unmatched);
    }
    if !found.is_empty() {
        outcome.findings.extend(found);
        outcome.sort();
    }
    outcome
}

/// A contract, or why the configuration could not give one.
type ContractResult = Result<Arc<config::Contract>, config::ConfigErrors>;

/// Contracts by config file, so that many documents under one config read it once.
#[derive(Default)]
struct ContractCache(std::sync::Mutex<HashMap<Option<PathBuf>, ContractResult>>);

impl ContractCache {
    fn get(
        &self,
        file: Option<PathBuf>,
        options: &Options,
    ) -> Result<Arc<config::Contract>, config::ConfigErrors> {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(file.clone())
            .or_insert_with(|| {
                config::contract(
                    file.as_deref(),
                    options.config.profile.as_deref(),
                    &options.access(),
                )
                .map(Arc::new)
            })
            .clone()
    }
}

/// The contract a document at `path` is linted with: the config file given or found for it,
/// and the profile.
pub(crate) fn contract_for(
    path: &Path,
    options: &Options,
) -> Result<Arc<config::Contract>, config::ConfigErrors> {
    config::contract(
        config_file_for(Some(path), options).as_deref(),
        options.config.profile.as_deref(),
        &options.access(),
    )
    .map(Arc::new)
}

fn config_file_for(path: Option<&Path>, options: &Options) -> Option<PathBuf> {
    match (&options.config.file, path) {
        (Some(file), _) => Some(file.clone()),
        (None, Some(path)) if !options.config.no_discovery => {
            config::discover(path).filter(|found| match &options.tree {
                Some(folders) => std::fs::canonicalize(found)
                    .is_ok_and(|found| folders.iter().any(|folder| found.starts_with(folder))),
                None => true,
            })
        }
        _ => None,
    }
}

fn lint_path_with(path: &Path, options: &Options, cache: &ContractCache) -> Linted {
    let name = path.to_string_lossy().replace('\\', "/");
    // The contract (its config read, its schemas compiled) is built while the document is
    // read: neither needs the other until the rules run.
    let (contract, docs) = rayon::join(
        || cache.get(config_file_for(Some(path), options), options),
        || DocumentSet::load_path(path, name.clone(), load_options(options)),
    );
    let linted = match contract {
        Ok(contract) => lint_documents(&docs, options, &contract),
        Err(errors) => config_outcome(errors, &name).into(),
    };
    // Freeing the trees is a free for each of their vectors (thousands for DigitalOcean's
    // 2,907 files, on the thread that goes on to report): a pool thread does it meanwhile.
    // The outcome shares the texts it needs.
    rayon::spawn(move || drop(docs));
    linted
}

/// The outcome of a document that was not linted because its configuration is broken.
fn config_outcome(errors: config::ConfigErrors, document: &str) -> Outcome {
    let mut outcome = Outcome {
        findings: errors.findings,
        sources: errors.sources,
        file_count: 1,
        documents: vec![Arc::from(document)],
        ..Outcome::default()
    };
    outcome.sort();
    outcome
}

/// Lints several documents in parallel; the findings come back in one deterministic order,
/// whatever the number of threads. The documents are started in the order given, each by
/// the first thread free: heaviest first ([`inputs::expand`]'s order), the threads finish
/// together.
pub fn lint_paths(paths: &[PathBuf], options: &Options) -> Outcome {
    let cache = ContractCache::default();
    // One queue taken in order: a parallel iterator splits the list in halves, so a thread
    // that finishes its half idles while a large document of the other half is still ahead.
    let outcomes: Vec<std::sync::OnceLock<Linted>> =
        paths.iter().map(|_| std::sync::OnceLock::new()).collect();
    rayon::scope_fifo(|scope| {
        for (path, outcome) in paths.iter().zip(&outcomes) {
            let cache = &cache;
            scope.spawn_fifo(move |_| {
                let _ = outcome.set(lint_path_with(path, options, cache));
            });
        }
    });
    // A job that panicked has made the scope panic: every outcome is set here.
    let all = Linted::merge(
        outcomes
            .into_iter()
            .filter_map(std::sync::OnceLock::into_inner),
    );
    finish(all, options)
}

/// Lints a document given as text. `name` is used in reports; relative file `$ref`s cannot
/// be followed (use [`lint_path`] for split documents).
pub fn lint_text(name: &str, text: &str, options: &Options) -> Outcome {
    let contract = match config::contract(
        config_file_for(None, options).as_deref(),
        options.config.profile.as_deref(),
        &options.access(),
    ) {
        Ok(contract) => Arc::new(contract),
        Err(errors) => return config_outcome(errors, name),
    };
    let docs = DocumentSet::load_text(name.to_string(), text, None, load_options(options));
    finish(lint_documents(&docs, options, &contract), options)
}

/// Splits the files to lint into the documents to lint and the fragments nothing uses. A file
/// named (among `named`, the arguments as given) that is no OpenAPI root but a piece of one
/// stands for the documents in its tree that reach it through `$ref` (pre-commit names what
/// changed); empty, binary or unparsable files stay, to be linted and to say what is wrong
/// with them. What a folder or a glob found is a root already: the search read it.
pub fn resolve_fragments(
    paths: Vec<PathBuf>,
    named: &[PathBuf],
    options: &Options,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    use rayon::prelude::*;
    /// What one named file turns out to be.
    enum Named {
        Document(PathBuf),
        UsedBy(Vec<PathBuf>),
        Unused(PathBuf),
    }
    // Each named file is looked at on its own, on all threads; the answers are taken in order.
    let named: std::collections::HashSet<&Path> = named.iter().map(PathBuf::as_path).collect();
    let answers: Vec<Named> = paths
        .into_par_iter()
        .with_max_len(1)
        .map(|path| {
            if !named.contains(path.as_path())
                || !path.is_file()
                || inputs::looks_like_openapi(&path)
            {
                return Named::Document(path);
            }
            let users = documents_using(&path, options);
            match users.is_empty() {
                false => Named::UsedBy(users),
                true if is_fragment(&path, options) => Named::Unused(path),
                true => Named::Document(path),
            }
        })
        .collect();
    let mut unused = Vec::new();
    let mut documents = Vec::new();
    for answer in answers {
        match answer {
            Named::Document(path) => documents.push(path),
            Named::UsedBy(users) => documents.extend(users),
            Named::Unused(path) => unused.push(path),
        }
    }
    let mut seen = std::collections::HashSet::new();
    documents.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    (documents, unused)
}

/// The root documents in the tree of `fragment` whose `$ref`s reach it, as paths relative to
/// the current folder where they lie below it: what to lint when a pre-commit hook names only
/// a `$ref`'d file (`errors.yaml` changed, so the documents that use it are linted).
fn documents_using(fragment: &Path, options: &Options) -> Vec<PathBuf> {
    let (Ok(target), Some(tree)) = (
        std::fs::canonicalize(fragment),
        document::source::tree_of(fragment),
    ) else {
        return Vec::new();
    };
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
    inputs::roots_in(&tree)
        .into_iter()
        .filter(|root| {
            let docs = DocumentSet::load_path(root, String::new(), load_options(options));
            docs.files.iter().skip(1).any(|file| {
                file.path
                    .as_deref()
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    == Some(target.clone())
            })
        })
        .map(|root| match &cwd {
            Some(cwd) => root
                .strip_prefix(cwd)
                .map_or(root.clone(), Path::to_path_buf),
            None => root,
        })
        .collect()
}

/// Whether a file reads as a piece of a document (a YAML or JSON mapping that parses), so that
/// naming it alone is a fragment question rather than a broken document.
fn is_fragment(path: &Path, options: &Options) -> bool {
    let docs = DocumentSet::load_path(path, String::new(), load_options(options));
    let root = docs.root();
    !docs
        .problems
        .iter()
        .any(|p| p.file == root && p.kind.is_fatal())
        && docs
            .tree(root)
            .is_some_and(|t| t.is_mapping(document::NodeId::ROOT))
}

/// The finding for a named file that is no OpenAPI document and that no document uses.
pub fn unused_fragment(fragment: &Path) -> Outcome {
    let name: Arc<str> = Arc::from(fragment.to_string_lossy().replace('\\', "/"));
    let finding = Finding {
        help: Some("name the OpenAPI document that should use it, or remove it".into()),
        ..Finding::new(
            "unused-fragment",
            Severity::Warning,
            name.clone(),
            "not an OpenAPI document, and no document in its tree uses it through `$ref`"
                .to_string(),
        )
    };
    Outcome {
        findings: vec![finding],
        file_count: 1,
        documents: vec![name],
        ..Outcome::default()
    }
}

/// Lints a document given as text (standard input, an editor's buffer) as the file at `path`
/// would be: its config is discovered from there and its relative `$ref`s resolve from there
/// (`--stdin-filename path/to/openapi.yaml`). The file itself need not exist.
pub fn lint_text_at(path: &Path, text: &str, options: &Options) -> Outcome {
    let name = path.to_string_lossy().replace('\\', "/");
    let contract = match config::contract(
        config_file_for(Some(path), options).as_deref(),
        options.config.profile.as_deref(),
        &options.access(),
    ) {
        Ok(contract) => Arc::new(contract),
        Err(errors) => return config_outcome(errors, &name),
    };
    let docs = DocumentSet::load_text_at(name, text, path, load_options(options));
    finish(lint_documents(&docs, options, &contract), options)
}

impl Options {
    /// How configs, profiles and baselines may be read: like `$ref`d files.
    pub fn access(&self) -> document::source::Access {
        document::source::Access {
            extra_roots: self.external_roots.clone(),
            max_bytes: self.limits.max_file_bytes,
        }
    }
}

pub(crate) fn load_options(options: &Options) -> LoadOptions {
    LoadOptions {
        limits: options.limits.clone(),
        external_roots: options.external_roots.clone(),
        tree: options.tree.clone(),
        opaque_key: Some(openapi::is_opaque_key),
        base_uri_key: Some("$self"),
        hints: document::LoadHints {
            raise_file_size: "raise it with --max-file-size",
            allow_folder: "allow its folder with `--allow-external-refs DIR`",
        },
        overlay: options.overlay.clone(),
    }
}

fn lint_documents(
    docs: &DocumentSet,
    options: &Options,
    contract: &Arc<config::Contract>,
) -> Linted {
    let mut overrides_matched = Vec::new();
    let mut findings: Vec<Finding> = docs
        .problems
        .iter()
        .map(|p| Finding::problem(docs, p))
        .collect();
    let root_parsed = docs.tree(docs.root()).is_some();
    let sources = Sources::of(docs);
    if root_parsed {
        match openapi::Api::new(docs) {
            Ok(api) => {
                // The rules' findings are the many; the document's problems join them rather
                // than the other way round, which would copy them all. A report needs the
                // line index of each file a finding is in: a large file's is built beside
                // the engine's start, which is on one thread (the model's outline).
                let ((mut linted, matched), ()) = rayon::join(
                    || {
                        engine::run(
                            &api,
                            rules::instantiate(),
                            contract,
                            &options.severities,
                            options.only_rules.as_deref(),
                        )
                    },
                    || sources.index_large_texts(),
                );
                overrides_matched.push((contract.clone(), matched));
                linted.append(&mut findings);
                findings = linted;
            }
            Err(e) => findings.push(version_finding(docs, e)),
        }
    }
    let mut outcome = Outcome {
        findings,
        sources,
        file_count: 1,
        documents: vec![docs.file(docs.root()).name.clone()],
        read: docs.files.iter().filter_map(|f| f.path.clone()).collect(),
        baseline_hidden: 0,
        level_hidden: 0,
    };
    outcome.sort();
    // One node reached twice through a shared path item gives the same finding twice.
    outcome
        .findings
        .dedup_by(|a, b| a.sort_key() == b.sort_key());
    Linted {
        outcome,
        overrides_matched,
    }
}

pub(crate) fn version_finding(docs: &DocumentSet, error: openapi::VersionError) -> Finding {
    let name: Arc<str> = docs.file(docs.root()).name.clone();
    Finding {
        help: Some(error.help).filter(|h| !h.is_empty()).map(Into::into),
        location: error.span.map(|span| Location {
            file: name.clone(),
            span,
            pointer: String::new(),
        }),
        fatal: true,
        ..Finding::new(error.id, Severity::Error, name, error.message)
    }
}

#[cfg(test)]
mod tests {
    use super::{Options, lint_text};
    use crate::finding::permute_in_place;
    use proptest::prelude::*;

    #[test]
    fn a_path_item_shared_by_two_paths_is_reported_once() {
        let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: '#/components/pathItems/Common'}\n  /b: {$ref: '#/components/pathItems/Common'}\ncomponents:\n  pathItems:\n    Common:\n      get:\n        responses:\n          '200': {description: ok}\n          '429': {description: slow down}\n          '500': {description: boom}\n";
        let mut options = Options::default();
        options.config.no_discovery = true;
        let outcome = lint_text("shared.yaml", yaml, &options);
        let places: Vec<(&str, u32)> = outcome
            .findings
            .iter()
            .map(|f| (f.rule, f.location.as_ref().map_or(0, |l| l.span.start)))
            .collect();
        let mut unique = places.clone();
        unique.dedup();
        assert_eq!(places, unique);
        assert_eq!(places.len(), 3, "{places:?}");
    }

    proptest! {
        /// Applying a sorting order in place gives what sorting gives.
        #[test]
        fn permuting_by_a_sorted_order_sorts(items in prop::collection::vec(0u8..20, 0..200)) {
            let mut order: Vec<usize> = (0..items.len()).collect();
            order.sort_by_key(|&i| items[i]);
            let mut permuted = items.clone();
            permute_in_place(&mut permuted, &mut order);
            let mut sorted = items;
            sorted.sort();
            prop_assert_eq!(permuted, sorted);
        }
    }
}
