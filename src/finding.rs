//! What a lint produces: findings with a rule id, a severity, a message and exact locations.
//! Knows source files and spans, not OpenAPI; the report formats read only this.

use crate::document::{DocumentSet, LineIndex, NodeRef, Problem, Span};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use crate::ids::Severity;

/// A place in a source file. The span is for rendering; the pointer is its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: Arc<str>,
    pub span: Span,
    /// RFC 6901 pointer of the node inside `file` (empty for the whole file).
    pub pointer: String,
}

/// Another place that explains a finding: a use of a shared definition, a first duplicate key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A rule id (`error-code-present`) or a document problem id (`invalid-syntax`).
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What to do about it. Most rules' advice is a fixed text, so it is not copied per finding.
    pub help: Option<Cow<'static, str>>,
    /// `None` when the whole file could not be read: there is nothing to point at.
    pub location: Option<Location>,
    /// A short text under the underlined span.
    pub label: Option<Cow<'static, str>>,
    /// A count that qualifies the finding, such as `used by 312 responses`.
    pub note: Option<String>,
    /// The operation concerned (`GET /users/{id}`), when there is exactly one; shared with
    /// every other finding about it.
    pub operation: Option<Arc<str>>,
    /// The first few related places, in source order.
    pub related: Vec<Related>,
    /// How many more related places there are beyond `related`.
    pub related_omitted: usize,
    /// The file could not be linted completely (exit code 2).
    pub fatal: bool,
    /// The file this finding belongs to, for files that could not be read at all.
    pub file: Arc<str>,
    /// A mechanical change that resolves the finding, for `--fix` and editors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// What makes it the same finding in another run when its place and words are not (a
    /// finding counted over recorded traffic: its count and its first exchange change with
    /// every recording). `None`: its place and words are its identity.
    #[serde(skip)]
    pub identity: Option<String>,
}

/// A change whose result is certain: replacements of byte spans in source files, keeping
/// everything around them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What it does, as a command: "add `code` to `required`".
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<FileEdit>,
}

/// Whether a fix keeps what the document promises its clients, after ruff's applicability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The document means exactly the same to every client: only its spelling changes
    /// (`4xx` → `4XX`, a status key quoted). `--fix` applies it.
    Safe,
    /// The contract changes: a field becomes required in every generated client, a documented
    /// header goes. Applied only with `--unsafe-fixes`, after a person has judged it.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEdit {
    pub file: Arc<str>,
    /// The file on disk, where it has one (not standard input).
    #[serde(skip)]
    pub path: Option<std::path::PathBuf>,
    pub span: Span,
    pub text: String,
}

impl Finding {
    /// A finding with only what every finding has; the optional parts are set with struct
    /// update syntax where they exist.
    pub fn new(rule: &'static str, severity: Severity, file: Arc<str>, message: String) -> Self {
        Finding {
            rule,
            severity,
            message,
            help: None,
            location: None,
            label: None,
            note: None,
            operation: None,
            related: Vec::new(),
            related_omitted: 0,
            fatal: false,
            file,
            fix: None,
            identity: None,
        }
    }

    /// Sorting key: file, position, rule, message — what makes output byte-identical.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        let (start, end) = self
            .location
            .as_ref()
            .map_or((0, 0), |l| (l.span.start, l.span.end));
        (&self.file, start, end, self.rule, &self.message)
    }
}

/// Texts from this size on have their line index built ahead of the report.
const LARGE_TEXT: usize = 256 * 1024;

/// The texts of every file a report may quote, by report name.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: BTreeMap<Arc<str>, SourceText>,
    /// Files whose text is not kept (a recorded traffic file: too large to hold, and full of
    /// credentials): the places findings point at, by byte offset.
    places: BTreeMap<Arc<str>, BTreeMap<u32, Place>>,
}

/// A place in a file whose text is not kept: its position, and what a code frame shows there
/// in place of the text (chosen by whoever reports it, and safe to print).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub shown: String,
}

#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: crate::document::Text,
    lines: Arc<std::sync::OnceLock<LineIndex>>,
}

impl Sources {
    /// The text of every file of a document set, by its report name.
    pub fn of(docs: &DocumentSet) -> Self {
        let mut sources = Sources::default();
        sources.add_files_of(docs);
        sources
    }

    /// Adds the files of another document set (the other side of a diff).
    pub fn add_files_of(&mut self, docs: &DocumentSet) {
        for file in &docs.files {
            self.insert(file.name.clone(), file.text.clone());
        }
    }

    pub fn insert(&mut self, name: Arc<str>, text: crate::document::Text) {
        self.files.entry(name).or_insert_with(|| SourceText {
            text,
            lines: Arc::new(std::sync::OnceLock::new()),
        });
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(|s| s.text.as_str())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Every file's report name and text.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|(name, s)| (&**name, s.text.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn extend(&mut self, other: Sources) {
        for (name, text) in other.files {
            self.files.entry(name).or_insert(text);
        }
        for (name, places) in other.places {
            self.places.entry(name).or_default().extend(places);
        }
    }

    /// Remembers a place in a file whose text is not kept, at byte `offset`.
    pub fn insert_place(&mut self, name: Arc<str>, offset: u32, place: Place) {
        self.places.entry(name).or_default().insert(offset, place);
    }

    /// The place at byte `offset` of a file whose text is not kept.
    pub fn place(&self, name: &str, offset: u32) -> Option<&Place> {
        self.places.get(name)?.get(&offset)
    }

    /// Line and column of `offset` in a file whose text is not kept: at a place, or the bytes
    /// after one on its line (a span's end), counted as characters of the text shown there.
    fn place_line_col(&self, name: &str, offset: u32) -> Option<(usize, usize)> {
        let (&at, place) = self.places.get(name)?.range(..=offset).next_back()?;
        Some((place.line, place.column + (offset - at) as usize))
    }

    /// 1-based line and column of a byte offset in a file, computing its line index once.
    pub fn line_col(&self, name: &str, offset: u32) -> (usize, usize) {
        match self.files.get(name) {
            Some(s) => s
                .lines
                .get_or_init(|| LineIndex::new(&s.text))
                .line_col(&s.text, offset as usize),
            None => self.place_line_col(name, offset).unwrap_or((1, 1)),
        }
    }

    /// Builds now the line index of each text large enough for it to matter (a few per
    /// megabyte), which otherwise the first finding in it builds while the others wait.
    pub fn index_large_texts(&self) {
        for source in self.files.values() {
            if source.text.len() >= LARGE_TEXT {
                source.lines.get_or_init(|| LineIndex::new(&source.text));
            }
        }
    }

    pub fn line_index(&self, name: &str) -> Option<(&str, &LineIndex)> {
        self.files.get(name).map(|s| {
            (
                s.text.as_str(),
                s.lines.get_or_init(|| LineIndex::new(&s.text)),
            )
        })
    }
}

/// The result of linting one or more documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    /// Sorted by file, position, rule and message.
    pub findings: Vec<Finding>,
    /// The text of every file a finding may quote.
    #[serde(skip)]
    pub sources: Sources,
    /// How many root documents were linted.
    pub file_count: usize,
    /// The report names of the root documents, sorted.
    pub documents: Vec<Arc<str>>,
    /// Every file read from disk: documents and the files their `$ref`s reach. A report is
    /// never written over one of them.
    #[serde(skip)]
    pub read: Vec<std::path::PathBuf>,
    /// How many findings a baseline hid (they are not in `findings`).
    #[serde(skip)]
    pub baseline_hidden: usize,
    /// How many findings below error `--errors-only` left out of `findings`.
    #[serde(skip)]
    pub level_hidden: usize,
}

impl Outcome {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings, self.file_count)
    }

    /// 2 when something could not be linted, 1 when an error (or, with `deny_warnings`, a
    /// warning) was found, 0 otherwise.
    pub fn exit_code(&self, deny_warnings: bool) -> i32 {
        let fail_level = if deny_warnings {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.exit_code_at(fail_level)
    }

    /// 2 when something could not be linted, 1 when a finding at `fail_level` or above was
    /// found, 0 otherwise.
    pub fn exit_code_at(&self, fail_level: Severity) -> i32 {
        if self.findings.iter().any(|f| f.fatal) {
            2
        } else if self.findings.iter().any(|f| f.severity >= fail_level) {
            1
        } else {
            0
        }
    }

    /// The exit code of a run that wrote a baseline: 2 when something could not be linted (and
    /// the old baseline was kept), 0 otherwise.
    pub fn exit_code_after_writing_baseline(&self) -> i32 {
        if self.findings.iter().any(|f| f.fatal) {
            2
        } else {
            0
        }
    }

    /// Adds another outcome's findings and files, keeping the deterministic order.
    pub fn absorb(&mut self, other: Outcome) {
        self.absorb_all([other]);
    }

    /// Adds several outcomes' findings and files, then sorts once: the order is the same
    /// whatever order they come in. Config errors shared by several documents are reported
    /// once.
    pub fn absorb_all(&mut self, others: impl IntoIterator<Item = Outcome>) {
        for other in others {
            self.merge(other);
        }
        self.sort();
        self.findings
            .dedup_by(|a, b| a.rule == "invalid-config" && a == b);
    }

    pub(crate) fn merge(&mut self, other: Outcome) {
        if self.file_count == 0 {
            // The first outcome moves in whole: no copy of a large document's findings.
            *self = other;
            return;
        }
        self.findings.extend(other.findings);
        self.documents.extend(other.documents);
        self.read.extend(other.read);
        self.sources.extend(other.sources);
        self.file_count += other.file_count;
    }

    pub(crate) fn sort(&mut self) {
        self.documents.sort();
        // Sorting the findings themselves moves each (a few hundred bytes) a dozen times on a
        // big document: an order of indices is sorted instead and applied in place, one swap
        // per misplaced finding.
        let findings = &mut self.findings;
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by(|&a, &b| findings[a].sort_key().cmp(&findings[b].sort_key()));
        permute_in_place(findings, &mut order);
    }
}

/// Reorders `items` so that position `k` holds the item that was at `order[k]`, following
/// each cycle of the permutation once; `order` is used up.
pub(crate) fn permute_in_place<T>(items: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = std::mem::replace(&mut order[at], DONE);
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

impl Finding {
    /// A problem found while loading the document (syntax, encoding, an unresolved `$ref`).
    pub fn problem(docs: &DocumentSet, problem: &Problem) -> Finding {
        let file = docs.file(problem.file);
        let name: Arc<str> = file.name.clone();
        let pointer = match (problem.node, file.tree.as_ref()) {
            (Some(node), Some(tree)) => tree.pointer(node),
            _ => String::new(),
        };
        let location = problem.span.map(|span| Location {
            file: name.clone(),
            span,
            pointer,
        });
        let related = problem
            .secondary
            .iter()
            .map(|(span, message)| Related {
                location: Location {
                    file: name.clone(),
                    span: *span,
                    pointer: String::new(),
                },
                message: message.clone(),
            })
            .collect();
        let fatal = problem.kind.is_fatal();
        let severity = if fatal {
            Severity::Error
        } else {
            Severity::Warning
        };
        Finding {
            help: problem.help.clone().map(Into::into),
            location,
            related,
            fatal,
            ..Finding::new(problem.kind.id(), severity, name, problem.message.clone())
        }
    }
}

impl Location {
    /// The report name, span and pointer of a node.
    pub fn of(docs: &DocumentSet, at: NodeRef) -> Location {
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
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub file_count: usize,
}

impl Summary {
    pub fn of(findings: &[Finding], file_count: usize) -> Self {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            file_count,
        }
    }
}
