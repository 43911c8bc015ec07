//! A root document and every file it reaches through `$ref`, with each reference resolved once.
//! Remote references are reported and never fetched; cycles are found and never looped on.

use super::pointer::{self, PointerError};
use super::source::Refusal;
use super::tree::{Kind, LookupError, NodeId, Span, Tree};
use super::{Format, Limits, LoadError};
use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A node in one of the set's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeRef {
    pub file: FileId,
    pub node: NodeId,
}

/// One `$ref` followed: the Reference Object as written (`site`) and the node it led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hop {
    pub site: NodeRef,
    pub target: NodeRef,
}

impl DocumentSet {
    /// The hop `site` makes, when it is a Reference Object that resolved to another node.
    pub fn hop(&self, site: NodeRef) -> Option<Hop> {
        let target = self.deref(site)?;
        (target != site).then_some(Hop { site, target })
    }
}

/// One source file of the set. `tree` is `None` when the file could not be parsed.
#[derive(Debug)]
pub struct SourceFile {
    /// The name used in reports: the path as given, or relative to the root document's folder.
    pub name: Arc<str>,
    pub path: Option<PathBuf>,
    pub text: super::Text,
    pub tree: Option<Tree>,
    pub format: Option<Format>,
}

/// What went wrong while loading, with the place it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    Io,
    Encoding,
    Syntax,
    DuplicateKey,
    UnresolvedRef,
    RefCycle,
    RemoteRef,
}

impl ProblemKind {
    /// The stable id shown in reports.
    pub fn id(self) -> &'static str {
        match self {
            ProblemKind::Io => "unreadable-file",
            ProblemKind::Encoding => "invalid-encoding",
            ProblemKind::Syntax => "invalid-syntax",
            ProblemKind::DuplicateKey => "duplicate-key",
            ProblemKind::UnresolvedRef => "unresolved-ref",
            ProblemKind::RefCycle => "ref-cycle",
            ProblemKind::RemoteRef => "remote-ref",
        }
    }

    /// A fatal problem means the document could not be linted completely (exit code 2).
    pub fn is_fatal(self) -> bool {
        !matches!(self, ProblemKind::RemoteRef)
    }
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    pub file: FileId,
    pub span: Option<Span>,
    /// The node the problem is about, when there is one (a `$ref` value).
    pub node: Option<NodeId>,
    pub secondary: Option<(Span, String)>,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub limits: Limits,
    /// Folders outside the linted tree that `$ref`s may read.
    pub external_roots: Vec<PathBuf>,
    /// Keys whose values are data rather than structure: references under them are not
    /// followed. The caller knows its format (OpenAPI's extensions and examples).
    pub opaque_key: Option<fn(&Tree, NodeId) -> bool>,
    /// How the caller's user changes a limit, for the messages that hit one.
    pub hints: LoadHints,
    /// The root key whose string value is a file's base URI for its relative references
    /// (OpenAPI 3.2's `$self`). The caller knows its format.
    pub base_uri_key: Option<&'static str>,
    /// Texts that stand in for files on disk (an editor's unsaved buffers, a fix not yet
    /// written), by canonical path. A file is still reached only where it may be read.
    pub overlay: Overlay,
}

/// Texts that replace files on disk while loading, by canonical path.
pub type Overlay = Option<Arc<std::collections::HashMap<PathBuf, Arc<str>>>>;

/// What a user can do about a limit, in the words of the tool that loads.
#[derive(Debug, Clone)]
pub struct LoadHints {
    pub raise_file_size: &'static str,
    pub allow_folder: &'static str,
}

impl Default for LoadHints {
    fn default() -> Self {
        LoadHints {
            raise_file_size: "raise the file size limit",
            allow_folder: "allow its folder",
        }
    }
}

/// Why a reference text does not resolve; reported at every place that writes it.
#[derive(Debug, Clone)]
struct RefFailure {
    kind: ProblemKind,
    message: String,
    help: Option<String>,
}

impl RefFailure {
    fn new(kind: ProblemKind, message: String, help: Option<&str>) -> Self {
        RefFailure {
            kind,
            message,
            help: help.map(str::to_string),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Node(NodeRef),
    /// Missing, remote, or part of a cycle: already reported.
    Unknown,
}

/// Reference Objects and their targets, sorted by node. Lookups come in document order,
/// so a binary search over one array stays in cache where a hash table of 200,000 entries
/// would miss on nearly every lookup.
#[derive(Debug, Default)]
struct RefTable {
    entries: Vec<(NodeRef, Target)>,
}

impl RefTable {
    fn position(&self, at: NodeRef) -> Option<usize> {
        self.entries
            .binary_search_by_key(&at, |(node, _)| *node)
            .ok()
    }

    fn get(&self, at: NodeRef) -> Option<Target> {
        self.position(at).map(|i| self.entries[i].1)
    }
}

/// A file's Reference Objects with their distinct texts, planned on all threads
/// ([`DocumentSet::plan_refs`]) for the scan that registers them.
#[derive(Debug, Default)]
struct FileRefs {
    /// `(mapping, $ref value, index into texts)`, in node order.
    objects: Vec<(NodeId, NodeId, u32)>,
    texts: Vec<RefPlan>,
}

impl FileRefs {
    /// The file parts of the texts that name another file, each once.
    fn locations(&self) -> impl Iterator<Item = &str> {
        self.texts.iter().filter_map(|plan| match plan {
            RefPlan::Elsewhere { location, .. } => Some(location.as_str()),
            RefPlan::Resolved(_) => None,
        })
    }
}

/// Distinct reference texts, numbered in the order they first appear.
#[derive(Default)]
struct Texts<'a> {
    ids: HashMap<&'a str, u32>,
    in_order: Vec<&'a str>,
}

impl<'a> Texts<'a> {
    /// The number of `text`, given when it is first seen.
    fn id(&mut self, text: &'a str) -> u32 {
        *self.ids.entry(text).or_insert_with(|| {
            self.in_order.push(text);
            self.in_order.len() as u32 - 1
        })
    }
}

/// One reference text of a file, as far as the file alone takes it.
#[derive(Debug)]
enum RefPlan {
    /// A fragment alone, looked up in the file itself; a text that fails on its own; or,
    /// once the scan has met it, a text that names another file.
    Resolved(Result<NodeRef, RefFailure>),
    /// Another file, by its path as written (after the file's base URI), and the tokens
    /// of the fragment to look up in it.
    Elsewhere {
        location: String,
        tokens: Result<Vec<String>, RefFailure>,
    },
}

/// A referenced file, or why it cannot be read.
type Located = Result<Arc<LocatedFile>, RefFailure>;

/// A referenced file's path as written, its canonical path, and its id once it is loaded.
#[derive(Debug)]
struct LocatedFile {
    path: PathBuf,
    real: PathBuf,
    /// Whether `real` is a regular file (not a folder), asked where the file is located:
    /// on all threads, ahead of the scan that needs it (a `stat` for each of
    /// DigitalOcean's 1,508 files was a third of the scan's own time).
    is_file: bool,
    /// Its report name; `None` when it was located before the root was read.
    name: Option<String>,
    id: std::sync::OnceLock<FileId>,
}

/// A file as read ahead of its use: its text and parse, or why it could not be read.
#[derive(Debug)]
enum Loaded {
    Parsed {
        text: super::Text,
        parsed: Result<(Tree, Format), LoadError>,
    },
    Refused(String),
}

impl Loaded {
    /// Reads `path` (whose canonical path is `real`; an overlay text stands in for it) and
    /// parses it. Touches nothing shared, so files are read on all threads.
    fn read(path: &Path, real: &Path, options: &LoadOptions) -> Loaded {
        if let Some(overlay) = &options.overlay {
            if let Some(text) = overlay.get(real).or_else(|| overlay.get(path)) {
                return Loaded::from_bytes(text.as_bytes().to_vec(), &options.limits);
            }
        }
        match super::source::read_regular(path, options.limits.max_file_bytes) {
            Ok(bytes) => Loaded::from_bytes(bytes, &options.limits),
            Err(Refusal::TooBig { limit }) => Loaded::Refused(format!(
                "the file is over the limit of {limit} bytes ({})",
                options.hints.raise_file_size
            )),
            Err(other) => Loaded::Refused(other.to_string()),
        }
    }

    fn from_bytes(bytes: Vec<u8>, limits: &Limits) -> Loaded {
        let (text, start) = super::decode(bytes);
        let parsed = start.and_then(|start| super::parse(text.clone(), start, limits));
        Loaded::Parsed { text, parsed }
    }
}

/// A map keyed by a path's bytes. `Path`'s own hash walks it component by component, which
/// was a tenth of the instructions on DigitalOcean's 1,500 files; each path here is spelled
/// one way (canonical, or as written from one folder), so its bytes name it.
type PathMap<V> = HashMap<OsString, V>;

/// The root document (file 0) and the files its references reach.
#[derive(Debug)]
pub struct DocumentSet {
    pub files: Vec<SourceFile>,
    pub problems: Vec<Problem>,
    /// Every Reference Object, keyed by its mapping node, with its final target.
    refs: RefTable,
    by_path: PathMap<FileId>,
    /// Canonical paths of folders (and of paths canonicalised whole) by the path as
    /// written, `None` where there is no such file. Behind a lock: references are located
    /// on all threads (see [`DocumentSet::prefetch`]).
    real_paths: std::sync::Mutex<PathMap<Option<PathBuf>>>,
    /// Referenced files by their normalized path as written: the canonical path and
    /// whether it is a regular file, `None` where there is no such file.
    real_files: std::sync::Mutex<PathMap<Option<(PathBuf, bool)>>>,
    /// Files read and parsed ahead of the scan that references them, by canonical path.
    prefetched: PathMap<Loaded>,
    /// What [`DocumentSet::locate`] answered, per folder (by index) and reference text.
    located: Vec<HashMap<Box<str>, Located>>,
    /// The index of each folder that holds a file of the set.
    folders: PathMap<u32>,
    /// The folder of each file (by [`FileId`]), `None` for text not read from disk.
    folder_of: Vec<Option<u32>>,
    options: LoadOptions,
    /// Canonical folders whose files `$ref`s may read: the linted tree and the allowed ones.
    roots: Vec<PathBuf>,
}

impl DocumentSet {
    /// Loads a document from disk, then every file its `$ref`s reach.
    pub fn load_path(path: &Path, name: String, options: LoadOptions) -> Self {
        let mut set = DocumentSet::empty(options);
        set.roots.extend(super::source::tree_of(path));
        let id = set.read_file(path, canonical(path), name);
        set.resolve_all(id);
        set
    }

    /// Loads a document from disk that may read only inside `root` (a revision written out to
    /// a temporary folder), then every file its `$ref`s reach there.
    pub fn load_path_within(path: &Path, name: String, root: &Path, options: LoadOptions) -> Self {
        let mut set = DocumentSet::empty(options);
        set.roots.extend(std::fs::canonicalize(root).ok());
        let id = set.read_file(path, canonical(path), name);
        set.resolve_all(id);
        set
    }

    /// Loads a document given as text (an editor's buffer, standard input) as if it were the
    /// file at `path`: relative references resolve from its folder, within its tree.
    pub fn load_text_at(name: String, text: &str, path: &Path, options: LoadOptions) -> Self {
        let mut set = DocumentSet::empty(options);
        set.roots.extend(super::source::tree_of(path));
        let loaded = Loaded::from_bytes(text.as_bytes().to_vec(), &set.options.limits);
        let id = set.push_loaded(name, Some(path.to_path_buf()), canonical(path), loaded);
        set.resolve_all(id);
        set
    }

    /// Loads a document from text. Relative file references resolve against `base_dir`, if any.
    pub fn load_text(
        name: String,
        text: &str,
        base_dir: Option<&Path>,
        options: LoadOptions,
    ) -> Self {
        let mut set = DocumentSet::empty(options);
        set.roots
            .extend(base_dir.and_then(|d| std::fs::canonicalize(d).ok()));
        let path = base_dir.map(|d| d.join(&name));
        let real = path.as_deref().map_or_else(PathBuf::new, canonical);
        let loaded = Loaded::from_bytes(text.as_bytes().to_vec(), &set.options.limits);
        let id = set.push_loaded(name, path, real, loaded);
        set.resolve_all(id);
        set
    }

    fn empty(options: LoadOptions) -> Self {
        let roots = options
            .external_roots
            .iter()
            .filter_map(|r| std::fs::canonicalize(r).ok())
            .collect();
        DocumentSet {
            files: Vec::new(),
            problems: Vec::new(),
            refs: RefTable::default(),
            by_path: HashMap::default(),
            real_paths: Default::default(),
            real_files: Default::default(),
            prefetched: HashMap::default(),
            located: Vec::new(),
            folders: HashMap::default(),
            folder_of: Vec::new(),
            options,
            roots,
        }
    }

    /// `std::fs::canonicalize`, once per path as written: a split document names the same
    /// file from every file of a folder, and each canonicalisation is a system call per
    /// component of the path (DigitalOcean's description made 16,000 of them).
    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        if let Some(known) = self.real_paths().get(path.as_os_str()) {
            return known.clone();
        }
        let real = self.real_path_from_parent(path);
        self.real_paths().insert(path.into(), real.clone());
        real
    }

    /// The canonical path of `path` from its parent's (known, or found the same way): where
    /// its last part is a name and no link, that is the parent's canonical path and the name,
    /// and one `lstat` says so. `canonicalize` reads every part of the path again, one
    /// `readlink` each: 1,649 for the 153 folders of DigitalOcean's tree. A link, `..` or
    /// `.` last is canonicalised whole.
    fn real_path_from_parent(&self, path: &Path) -> Option<PathBuf> {
        use std::path::Component;
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        let (Some(parent), Some(Component::Normal(name))) = (parent, path.components().next_back())
        else {
            return std::fs::canonicalize(path).ok();
        };
        self.real_entry(parent, name).map(|(real, _)| real)
    }

    /// `name` in `folder`, canonical, and whether it is a regular file: the folder's canonical
    /// path and the name, when one `lstat` says the name is no link (and what it is); a link
    /// is canonicalised whole. `None` when nothing is there.
    fn real_entry(&self, folder: &Path, name: &std::ffi::OsStr) -> Option<(PathBuf, bool)> {
        let candidate = self.real_path(folder)?.join(name);
        match std::fs::symlink_metadata(&candidate) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let real = std::fs::canonicalize(&candidate).ok()?;
                let is_file = real.is_file();
                Some((real, is_file))
            }
            Ok(meta) => Some((candidate, meta.is_file())),
            Err(_) => None,
        }
    }

    /// The canonical paths found so far. Two threads may look up one path at once; both get
    /// the same answer.
    fn real_paths(&self) -> std::sync::MutexGuard<'_, PathMap<Option<PathBuf>>> {
        self.real_paths.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The canonical path of `relative` (a reference's file part) from the canonical folder
    /// `real_base`. Leading `..` steps are exact on a canonical folder, so only the target's
    /// own folder is canonicalised (once per folder) and the file itself is checked for being
    /// a link: one system call per file instead of one per component of its path. A `..`
    /// after a folder name may cross a link, so such a path is canonicalised whole.
    ///
    /// The file's type comes with it: the `lstat` that checks for a link says whether it is
    /// a regular file, so that takes no second system call.
    fn real_file(
        &self,
        real_base: &Path,
        relative: &Path,
        written: &Path,
    ) -> Option<(PathBuf, bool)> {
        use std::path::Component;
        let rest = relative
            .components()
            .skip_while(|c| matches!(c, Component::ParentDir | Component::CurDir));
        let plain = rest.clone().all(|c| matches!(c, Component::Normal(_)));
        let (Some(folder), Some(name), true, false) = (
            written.parent(),
            written.file_name(),
            plain,
            relative.is_absolute(),
        ) else {
            let real = self.real_path(&real_base.join(relative))?;
            let is_file = real.is_file();
            return Some((real, is_file));
        };
        let files = || self.real_files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = files().get(written.as_os_str()) {
            return known.clone();
        }
        let real = self.real_entry(folder, name);
        files().insert(written.into(), real.clone());
        real
    }

    fn inside_roots(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| path.starts_with(root))
    }

    pub fn root(&self) -> FileId {
        FileId(0)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The tree of a file that parsed.
    pub fn tree(&self, id: FileId) -> Option<&Tree> {
        self.file(id).tree.as_ref()
    }

    /// Follows a Reference Object to its final target; other nodes are returned as they are.
    /// `None` when the reference could not be resolved (that is reported once, at load).
    pub fn deref(&self, at: NodeRef) -> Option<NodeRef> {
        let tree = self.tree(at.file)?;
        if !tree.has_ref(at.node) {
            return Some(at);
        }
        match self.refs.get(at) {
            Some(Target::Node(target)) => Some(target),
            Some(Target::Unknown) => None,
            None => Some(at),
        }
    }

    /// Every Reference Object that was followed, in no particular order.
    pub fn reference_objects_followed(&self) -> impl Iterator<Item = NodeRef> + '_ {
        self.refs.entries.iter().map(|(at, _)| *at)
    }

    /// The node each resolved Reference Object leads to: the roots of shared definitions.
    pub fn ref_targets(&self) -> impl Iterator<Item = NodeRef> + '_ {
        self.refs
            .entries
            .iter()
            .filter_map(|(_, target)| match target {
                Target::Node(node) => Some(*node),
                Target::Unknown => None,
            })
    }

    /// Reads and parses a file (or takes it from the files read ahead) and adds it to the set.
    fn read_file(&mut self, path: &Path, real: PathBuf, name: String) -> FileId {
        let loaded = match self.prefetched.remove(real.as_os_str()) {
            Some(loaded) => loaded,
            None => Loaded::read(path, &real, &self.options),
        };
        self.push_loaded(name, Some(path.to_path_buf()), real, loaded)
    }

    fn push_loaded(
        &mut self,
        name: String,
        path: Option<PathBuf>,
        real: PathBuf,
        loaded: Loaded,
    ) -> FileId {
        let id = FileId(self.files.len() as u32);
        if path.is_some() {
            self.by_path.insert(real.into(), id);
        }
        let folder = path.as_deref().and_then(Path::parent).map(|folder| {
            let next = self.folders.len() as u32;
            let index = *self.folders.entry(folder.into()).or_insert(next);
            if index == next {
                self.located.push(HashMap::default());
            }
            index
        });
        self.folder_of.push(folder);
        let (text, parsed, errors) = match loaded {
            Loaded::Parsed { text, parsed } => match parsed {
                Ok((mut tree, format)) => {
                    let notes = std::mem::take(&mut tree.notes);
                    (text, Some((tree, format)), notes)
                }
                Err(error) => (text, None, vec![error]),
            },
            Loaded::Refused(reason) => {
                self.problems.push(Problem {
                    kind: ProblemKind::Io,
                    message: format!("cannot read `{name}`: {reason}"),
                    file: id,
                    span: None,
                    node: None,
                    secondary: None,
                    help: None,
                });
                (Arc::new(String::new()), None, Vec::new())
            }
        };
        let (tree, format) = match parsed {
            Some((t, f)) => (Some(t), Some(f)),
            None => (None, None),
        };
        self.files.push(SourceFile {
            name: Arc::from(name),
            path,
            text,
            tree,
            format,
        });
        for error in errors {
            self.push_load_error(id, error);
        }
        id
    }

    fn push_load_error(&mut self, file: FileId, error: LoadError) {
        self.problems.push(Problem {
            kind: error.kind,
            message: error.message,
            file,
            span: error.span,
            node: None,
            secondary: error.secondary,
            help: None,
        });
    }

    /// Resolves every reference reachable from `root`, loading referenced files as it goes.
    fn resolve_all(&mut self, root: FileId) {
        let mut raw = RefTable::default();
        let mut queue = vec![root];
        let mut scanned = 0;
        // Files are scanned breadth first. Before each generation is scanned, the files it
        // references are read and parsed on all threads; the scan itself (ids, problems,
        // order) is the same one-by-one walk either way.
        let mut generation = Vec::new().into_iter();
        let mut generation_end = 0;
        while scanned < queue.len() {
            if scanned == generation_end {
                generation_end = queue.len();
                let plans: Vec<FileRefs> = {
                    use rayon::prelude::*;
                    let this = &*self;
                    queue[scanned..]
                        .par_iter()
                        .map(|&file| this.plan_refs(file))
                        .collect()
                };
                self.prefetch(&queue[scanned..], &plans);
                generation = plans.into_iter();
            }
            let file = queue[scanned];
            scanned += 1;
            let FileRefs { objects, mut texts } = generation.next().unwrap_or_default();
            for (ref_node, value, text) in objects {
                let plan = &mut texts[text as usize];
                if let RefPlan::Elsewhere { location, tokens } = plan {
                    let resolved =
                        self.resolve_elsewhere(file, value, location, tokens, &mut queue);
                    *plan = RefPlan::Resolved(resolved);
                }
                let target = match plan {
                    RefPlan::Resolved(Ok(node)) => Target::Node(*node),
                    RefPlan::Resolved(Err(failure)) => {
                        let (kind, message) = (failure.kind, failure.message.clone());
                        self.problem(kind, file, value, message, failure.help.clone());
                        Target::Unknown
                    }
                    // Resolved just above.
                    RefPlan::Elsewhere { .. } => Target::Unknown,
                };
                raw.entries.push((
                    NodeRef {
                        file,
                        node: ref_node,
                    },
                    target,
                ));
            }
        }
        // Files are scanned in the order of their ids and each file in node order, so the
        // table is sorted already; sorting again costs one pass and guards the invariant.
        raw.entries.sort_by_key(|(at, _)| *at);
        self.refs = self.follow_chains(raw);
    }

    /// Reads and parses, on all threads, the not yet loaded files that `files` reference
    /// (their references planned in `plans`), for the scan to take.
    fn prefetch(&mut self, files: &[FileId], plans: &[FileRefs]) {
        use rayon::prelude::*;
        self.locate_ahead(files, plans);
        let mut wanted: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<OsString> = Default::default();
        for (&file, refs) in files.iter().zip(plans) {
            for location in refs.locations() {
                if let Ok(found) = self.locate(file, location) {
                    let known = found.id.get().is_some()
                        || self.by_path.contains_key(found.real.as_os_str());
                    if !known && seen.insert(found.real.as_os_str().to_owned()) {
                        wanted.push((found.path.clone(), found.real.clone()));
                    }
                }
            }
        }
        // One file is read where it is needed; threads pay from two on.
        if wanted.len() < 2 {
            return;
        }
        let options = &self.options;
        let loaded: Vec<Loaded> = wanted
            .par_iter()
            .map(|(path, real)| Loaded::read(path, real, options))
            .collect();
        for ((_, real), loaded) in wanted.into_iter().zip(loaded) {
            self.prefetched.insert(real.into(), loaded);
        }
    }

    /// Locates, on all threads, what the files' reference locations name that their folders
    /// have not asked before, into the cache [`DocumentSet::locate`] answers from: each is
    /// a dozen path operations and a system call or two (12% of DigitalOcean's instructions,
    /// all on one thread before). The answers do not depend on the order they are found in.
    fn locate_ahead(&mut self, files: &[FileId], plans: &[FileRefs]) {
        use rayon::prelude::*;
        let mut asked: rustc_hash::FxHashSet<(u32, &str)> = Default::default();
        let mut unasked: Vec<(FileId, u32, &str)> = Vec::new();
        for (&file, refs) in files.iter().zip(plans) {
            let Some(folder) = self.folder_of[file.0 as usize] else {
                continue;
            };
            for location in refs.locations() {
                let known = self.located[folder as usize].contains_key(location);
                if !known && asked.insert((folder, location)) {
                    unasked.push((file, folder, location));
                }
            }
        }
        let this = &*self;
        let answers: Vec<Located> = unasked
            .par_iter()
            .map(|&(file, _, location)| this.locate_uncached(file, location).map(Arc::new))
            .collect();
        for ((_, folder, location), answer) in unasked.into_iter().zip(answers) {
            self.located[folder as usize].insert(location.into(), answer);
        }
    }

    /// Reference Objects of a file: `(mapping, $ref value)`. Extensions (`x-…`) and literal
    /// `example` values are data, not OpenAPI, so references inside them are not followed.
    fn reference_objects(&self, file: FileId) -> Vec<(NodeId, NodeId)> {
        let Some(tree) = self.tree(file) else {
            return Vec::new();
        };
        // Flags find the candidates without touching any text; only they walk up to see
        // whether an extension or an example holds them. A large file's nodes are looked
        // at on all threads (Stripe's 400,000 are one file), in order.
        use rayon::prelude::*;
        (0..tree.len() as u32)
            .into_par_iter()
            .with_min_len(1 << 14)
            .map(NodeId)
            .filter(|&id| {
                tree.has_ref(id)
                    && !self
                        .options
                        .opaque_key
                        .is_some_and(|opaque| inside_opaque_value(tree, id, opaque))
            })
            .filter_map(|id| tree.get(id, "$ref").map(|value| (id, value)))
            .collect()
    }

    /// A file's Reference Objects, and each distinct reference text taken as far as the
    /// file alone takes it: its file part found (not yet located), its fragment parsed, a
    /// fragment alone looked up. Runs on all threads, so the scan that follows only
    /// registers files and looks up what other files hold.
    fn plan_refs(&self, file: FileId) -> FileRefs {
        use rayon::prelude::*;
        let Some(tree) = self.tree(file) else {
            return FileRefs::default();
        };
        let objects = self.reference_objects(file);
        // The same reference text from the same file always means the same thing; large
        // documents repeat a few hundred targets thousands of times. A large file's
        // references (Stripe's 50,000 are in one file) are indexed in stretches on all
        // threads; the stretches' texts then join in order, so each text keeps the index
        // of its first appearance.
        let stretches: Vec<(Texts, Vec<u32>)> = objects
            .par_chunks(1 << 12)
            .map(|stretch| {
                let mut texts = Texts::default();
                let ids = stretch
                    .iter()
                    .map(|&(_, value)| texts.id(tree.str(value).unwrap_or_default()))
                    .collect();
                (texts, ids)
            })
            .collect();
        let mut texts = Texts::default();
        let mut planned = Vec::with_capacity(objects.len());
        let mut objects = objects.into_iter();
        for (stretch_texts, ids) in stretches {
            let joined: Vec<u32> = stretch_texts
                .in_order
                .into_iter()
                .map(|text| texts.id(text))
                .collect();
            for (id, (ref_node, value)) in ids.into_iter().zip(objects.by_ref()) {
                planned.push((ref_node, value, joined[id as usize]));
            }
        }
        let base = self.base_uri(file);
        let plan = |reference: &str| match file_part(base.as_deref(), reference) {
            Err(failure) => RefPlan::Resolved(Err(failure)),
            Ok(None) => RefPlan::Resolved(
                fragment_tokens(reference)
                    .and_then(|tokens| lookup(tree, file, || reference, &tokens)),
            ),
            Ok(Some(location)) => RefPlan::Elsewhere {
                location,
                tokens: fragment_tokens(reference),
            },
        };
        FileRefs {
            objects: planned,
            texts: texts
                .in_order
                .par_iter()
                .with_min_len(64)
                .map(|&reference| plan(reference))
                .collect(),
        }
    }

    /// Resolves a reference (at `value` in `file`) into another file, loading that file if
    /// it is new.
    fn resolve_elsewhere(
        &mut self,
        file: FileId,
        value: NodeId,
        location: &str,
        tokens: &Result<Vec<String>, RefFailure>,
        queue: &mut Vec<FileId>,
    ) -> Result<NodeRef, RefFailure> {
        let target_file = self.referenced_file(file, location, queue)?;
        // The text is read again only for a message.
        let reference = || {
            self.tree(file)
                .and_then(|t| t.str(value))
                .unwrap_or_default()
        };
        let Some(target_tree) = self.tree(target_file) else {
            // The file's own problem is reported where it is.
            let reference = reference();
            let written = reference.split('#').next().unwrap_or("");
            return Err(RefFailure::new(
                ProblemKind::UnresolvedRef,
                format!("`{written}` could not be parsed, so `{reference}` does not resolve"),
                None,
            ));
        };
        let tokens = tokens.as_ref().map_err(Clone::clone)?;
        lookup(target_tree, target_file, reference, tokens)
    }

    /// A file's own base URI (`$self`), when its root declares one.
    fn base_uri(&self, file: FileId) -> Option<String> {
        let key = self.options.base_uri_key?;
        let tree = self.tree(file)?;
        tree.str(tree.get(NodeId::ROOT, key)?).map(str::to_string)
    }

    /// The file `location` names from `from`, loaded (or taken from those loaded before).
    fn referenced_file(
        &mut self,
        from: FileId,
        location: &str,
        queue: &mut Vec<FileId>,
    ) -> Result<FileId, RefFailure> {
        let found = self.locate(from, location)?;
        if let Some(&id) = found.id.get() {
            return Ok(id);
        }
        let (path, real) = (&found.path, &found.real);
        if let Some(&id) = self.by_path.get(real.as_os_str()) {
            let _ = found.id.set(id);
            return Ok(id);
        }
        if !found.is_file {
            return Err(RefFailure::new(
                ProblemKind::UnresolvedRef,
                format!("cannot read `{location}`: it is not a file"),
                None,
            ));
        }
        let name = match &found.name {
            Some(name) => name.clone(),
            None => self.name_of(path),
        };
        let id = self.read_file(path, real.clone(), name);
        let _ = found.id.set(id);
        queue.push(id);
        Ok(id)
    }

    /// The path (as written from `from`'s folder) and the canonical path of the file that
    /// `location` names, if it exists inside the trees this set may read.
    fn locate(&mut self, from: FileId, location: &str) -> Located {
        // Files of one folder name the same few files, and the scan asks again what the
        // read-ahead asked: the answer depends only on the folder and the text.
        let Some(folder) = self.folder_of[from.0 as usize] else {
            return self.locate_uncached(from, location).map(Arc::new);
        };
        if let Some(known) = self.located[folder as usize].get(location) {
            return known.clone();
        }
        let answer = self.locate_uncached(from, location).map(Arc::new);
        self.located[folder as usize].insert(location.into(), answer.clone());
        answer
    }

    fn locate_uncached(&self, from: FileId, location: &str) -> Result<LocatedFile, RefFailure> {
        let decoded = percent_decode_path(location);
        let Some(base) = self
            .file(from)
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|p| {
                // `openapi.yaml` has the parent ``: the current folder.
                if p.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    p.to_path_buf()
                }
            })
        else {
            return Err(RefFailure::new(
                ProblemKind::UnresolvedRef,
                format!(
                    "`{location}` is relative to a file, but this document was not read from disk"
                ),
                None,
            ));
        };
        let path = base.join(&decoded);
        let allow_folder = self.options.hints.allow_folder;
        let outside = || {
            RefFailure::new(
                ProblemKind::UnresolvedRef,
                format!("`{location}` is outside the linted tree, so it is not read"),
                Some(&format!(
                    "lint from a folder that contains it, or {allow_folder}"
                )),
            )
        };
        // Decide on the path as written before touching the file system, so that nothing
        // outside the tree is even probed; then again on the real path, for symlinks.
        let real_base = self.real_path(&base).unwrap_or_else(|| base.clone());
        let written = normalize(&real_base.join(&decoded));
        if !self.inside_roots(&written) {
            return Err(outside());
        }
        let Some((real, is_file)) = self.real_file(&real_base, Path::new(&decoded), &written)
        else {
            return Err(RefFailure::new(
                ProblemKind::UnresolvedRef,
                format!("cannot read `{location}`: no such file"),
                None,
            ));
        };
        if !self.inside_roots(&real) {
            return Err(outside());
        }
        Ok(LocatedFile {
            is_file,
            name: (!self.files.is_empty()).then(|| self.name_of(&path)),
            path,
            real,
            id: std::sync::OnceLock::new(),
        })
    }

    /// A referenced file's report name, from the root's.
    fn name_of(&self, path: &Path) -> String {
        let root = self.file(FileId(0));
        display_name(&root.name, root.path.as_deref(), path)
    }

    fn problem(
        &mut self,
        kind: ProblemKind,
        file: FileId,
        value: NodeId,
        message: String,
        help: Option<String>,
    ) {
        let span = self.tree(file).map(|t| t.span(value));
        self.problems.push(Problem {
            kind,
            message,
            file,
            span,
            node: Some(value),
            secondary: None,
            help,
        });
    }

    /// Replaces each raw target by the end of its chain of references; reports each cycle
    /// once, at its first reference in document order.
    fn follow_chains(&mut self, mut table: RefTable) -> RefTable {
        let raw = &table.entries;
        let mut ends: Vec<Option<Target>> = vec![None; raw.len()];
        let mut chain: Vec<usize> = Vec::new();
        // Where each reference stands in the chain being followed, and which chain that is
        // (`start + 1`): a cycle is found in constant time, so a chain of 400,000 links is
        // followed in linear time.
        let mut place: Vec<(usize, usize)> = vec![(0, 0); raw.len()];
        for start in 0..raw.len() {
            if ends[start].is_some() {
                continue;
            }
            let walk = start + 1;
            chain.clear();
            chain.push(start);
            place[start] = (walk, 0);
            let mut at = start;
            let end = loop {
                match raw[at].1 {
                    Target::Node(next) => match table.position(next) {
                        Some(link) => {
                            if let Some(known) = ends[link] {
                                break known;
                            }
                            if place[link].0 == walk {
                                let cycle: Vec<NodeRef> =
                                    chain[place[link].1..].iter().map(|&c| raw[c].0).collect();
                                self.report_cycle(&cycle);
                                break Target::Unknown;
                            }
                            place[link] = (walk, chain.len());
                            chain.push(link);
                            at = link;
                        }
                        None => break Target::Node(next),
                    },
                    Target::Unknown => break Target::Unknown,
                }
            };
            for &link in &chain {
                ends[link] = Some(end);
            }
        }
        for (entry, end) in table.entries.iter_mut().zip(ends) {
            entry.1 = end.expect("every chain ends");
        }
        table
    }

    fn report_cycle(&mut self, cycle: &[NodeRef]) {
        let Some(first_at) = cycle
            .iter()
            .enumerate()
            .min_by_key(|(_, r)| **r)
            .map(|(i, _)| i)
        else {
            return;
        };
        let first = cycle[first_at];
        // Name the Reference Objects in chain order, starting and ending at the first one.
        let mut names: Vec<String> = cycle[first_at..]
            .iter()
            .chain(&cycle[..first_at])
            .chain(std::iter::once(&first))
            .map(|r| {
                let file = self.file(r.file);
                let tree = file.tree.as_ref().expect("refs live in parsed files");
                let pointer = format!("#{}", tree.pointer(r.node));
                if r.file == first.file {
                    pointer
                } else {
                    format!("{}{pointer}", file.name)
                }
            })
            .collect();
        names.dedup();
        let tree = self.tree(first.file).expect("refs live in parsed files");
        let value = tree.get(first.node, "$ref").unwrap_or(first.node);
        let message = if cycle.len() == 1 {
            format!("`{}` refers to itself and never reaches a value", names[0])
        } else {
            format!(
                "reference cycle never reaches a value: {}",
                names.join(" → ")
            )
        };
        self.problem(
            ProblemKind::RefCycle,
            first.file,
            value,
            message,
            Some("point one of these references at a real definition".into()),
        );
    }
}

/// True when a node lies under a key whose value is opaque data.
/// The file a reference names, as a path relative to its file (or absolute), after the
/// file's base URI (`base`) if it has one; `None` for a fragment alone. Remote and other
/// schemes are failures: nothing is fetched.
fn file_part(base: Option<&str>, reference: &str) -> Result<Option<String>, RefFailure> {
    let location = reference.split('#').next().unwrap_or("");
    if location.is_empty() {
        return Ok(None);
    }
    let location = match base.map(|base| rebase(base, location)) {
        Some(Rebased::Local(relative)) => relative,
        Some(Rebased::Remote(uri, base)) => {
            return Err(RefFailure::new(
                ProblemKind::RemoteRef,
                format!(
                    "`{reference}` resolves against the base URI `{base}` to `{uri}`, which is not fetched: errlint never uses the network"
                ),
                Some(
                    "references under the base URI's folder are read from the document's folder; bundle other files into the repository",
                ),
            ));
        }
        Some(Rebased::Unchanged) | None => location.to_string(),
    };
    let Some(scheme) = url_scheme(&location) else {
        return Ok(Some(location));
    };
    if scheme == "file" {
        // `file:///abs/path`: an absolute path, subject to the same tree check.
        let path = location[5..].trim_start_matches("//");
        return Ok(Some(if path.starts_with('/') {
            path.to_string()
        } else {
            "/".to_string()
        }));
    }
    Err(if matches!(scheme.as_str(), "http" | "https") {
        RefFailure::new(
            ProblemKind::RemoteRef,
            format!(
                "remote reference `{reference}` is not fetched: errlint never uses the network"
            ),
            Some("bundle the remote file into the repository and reference it by a relative path"),
        )
    } else {
        RefFailure::new(
            ProblemKind::UnresolvedRef,
            format!("`{scheme}:` references are not followed"),
            Some("use a relative path to a file inside the linted tree"),
        )
    })
}

/// A reference's fragment as JSON pointer tokens.
fn fragment_tokens(reference: &str) -> Result<Vec<String>, RefFailure> {
    let fragment = reference
        .split_once('#')
        .map_or("", |(_, fragment)| fragment);
    pointer::parse_fragment(fragment).map_err(|error| {
        let help = matches!(error, PointerError::NotAPointer)
            .then_some("write the fragment as a JSON pointer, e.g. `#/components/schemas/Error`");
        RefFailure::new(
            ProblemKind::UnresolvedRef,
            format!("bad reference `{reference}`: {error}"),
            help,
        )
    })
}

/// Follows a reference's parsed fragment inside `tree`, the tree of `file`; the reference's
/// text is asked for only to say why it does not resolve.
fn lookup<'a>(
    tree: &Tree,
    file: FileId,
    reference: impl FnOnce() -> &'a str,
    tokens: &[String],
) -> Result<NodeRef, RefFailure> {
    match tree.lookup(tokens.iter().map(String::as_str)) {
        Ok(node) => Ok(NodeRef { file, node }),
        Err(error) => Err(RefFailure::new(
            ProblemKind::UnresolvedRef,
            describe_lookup_error(tree, tokens, error, reference()),
            None,
        )),
    }
}

fn inside_opaque_value(tree: &Tree, node: NodeId, opaque: fn(&Tree, NodeId) -> bool) -> bool {
    let mut at = node;
    while let Some(parent) = tree.parent(at) {
        if tree.is_mapping(parent) && tree.key_of(at).is_some_and(|k| opaque(tree, k)) {
            return true;
        }
        at = parent;
    }
    false
}

/// Where a reference leads once a base URI (`$self`) applies.
#[derive(Debug, PartialEq, Eq)]
enum Rebased {
    /// A path relative to the document's folder: the document on disk stands for its base
    /// URI, so what lies in the base's folder lies in the document's.
    Local(String),
    /// A URI outside the base's folder (another host, or above it), and the base: never
    /// fetched.
    Remote(String, String),
    /// The reference does not depend on the base (an absolute URI elsewhere).
    Unchanged,
}

/// Resolves a reference's location against a base URI, RFC 3986 style. A relative base
/// (`../shared/openapi.yaml`) is itself relative to the document's folder.
fn rebase(base: &str, location: &str) -> Rebased {
    let folder_of = |uri: &str| uri[..uri.rfind('/').map_or(0, |i| i + 1)].to_string();
    if url_scheme(base).is_none() {
        return match url_scheme(location) {
            Some(_) => Rebased::Unchanged,
            None if location.starts_with('/') => Rebased::Unchanged,
            None => Rebased::Local(format!("{}{location}", folder_of(base))),
        };
    }
    let Ok(base_url) = url::Url::parse(base) else {
        return Rebased::Unchanged;
    };
    let Ok(resolved) = base_url.join(location) else {
        return Rebased::Unchanged;
    };
    let folder = folder_of(base_url.as_str());
    let resolved = resolved.as_str();
    match resolved.strip_prefix(&folder) {
        Some(inside) => Rebased::Local(inside.to_string()),
        None if url_scheme(location).is_some() => Rebased::Unchanged,
        None => Rebased::Remote(resolved.to_string(), base.to_string()),
    }
}

fn url_scheme(location: &str) -> Option<String> {
    let (scheme, _) = location.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // A single letter is a Windows drive (`C:`), not a scheme.
    (valid && scheme.len() > 1).then(|| scheme.to_ascii_lowercase())
}

/// A location with its percent-escapes decoded (`%20` is a space); most have none.
fn percent_decode_path(location: &str) -> String {
    if !location.contains('%') {
        return location.to_string();
    }
    pointer::parse_fragment(&format!(
        "/{}",
        location.replace('~', "~0").replace('/', "~1")
    ))
    .ok()
    .and_then(|mut t| t.pop())
    .unwrap_or_else(|| location.to_string())
}

/// The tree a document may reference into: the current folder when the document is inside
/// it, otherwise the document's own folder.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A referenced file's report name: relative to the root document's name when possible.
fn display_name(root_name: &str, root_path: Option<&Path>, path: &Path) -> String {
    let root_dir = Path::new(root_name).parent().unwrap_or(Path::new(""));
    let real_root_dir = root_path.and_then(|p| p.parent()).unwrap_or(Path::new(""));
    let relative = path.strip_prefix(real_root_dir).unwrap_or(path);
    normalize(&root_dir.join(relative))
        .to_string_lossy()
        .replace('\\', "/")
}

/// Removes `.` and folds `dir/..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

fn describe_lookup_error(
    tree: &Tree,
    tokens: &[String],
    error: LookupError,
    reference: &str,
) -> String {
    let (depth, node, what) = match error {
        LookupError::Missing { depth, node } => (depth, node, "has no"),
        LookupError::NotAContainer { depth, node } => (depth, node, "is a scalar, so it has no"),
    };
    let parent = if depth == 0 {
        "the document root".to_string()
    } else {
        format!("`#{}`", tree.pointer(node))
    };
    let kind = match tree.kind(node) {
        Kind::Sequence => "item",
        _ => "key",
    };
    format!(
        "`{reference}` does not resolve: {parent} {what} {kind} `{}`",
        tokens[depth]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> DocumentSet {
        DocumentSet::load_text("t.yaml".into(), text, None, LoadOptions::default())
    }

    /// An empty folder of this test run's own, for a test named `name`.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("errlint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn target_of(set: &DocumentSet, pointer: &str) -> Option<String> {
        let tree = set.tree(FileId(0)).unwrap();
        let tokens = super::super::pointer::parse_fragment(pointer).unwrap();
        let node = tree.lookup(tokens.iter().map(String::as_str)).unwrap();
        let target = set.deref(NodeRef {
            file: FileId(0),
            node,
        })?;
        Some(set.tree(target.file).unwrap().pointer(target.node))
    }

    #[test]
    fn follows_escaped_pointers_and_chains() {
        let set = load(
            "a: {$ref: '#/b'}\nb: {$ref: '#/c~1d'}\nc/d: {x: 1}\ne: {$ref: '#/f%20g'}\nf g: 2\n",
        );
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert_eq!(target_of(&set, "/a").as_deref(), Some("/c~1d"));
        assert_eq!(target_of(&set, "/e").as_deref(), Some("/f g"));
    }

    #[test]
    fn reports_each_cycle_once_and_leaves_recursion_alone() {
        let set = load(
            "a: {$ref: '#/b'}\nb: {$ref: '#/a'}\nc: {$ref: '#/a'}\nnode: {properties: {children: {items: {$ref: '#/node'}}}}\n",
        );
        let cycles: Vec<_> = set
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::RefCycle)
            .collect();
        assert_eq!(cycles.len(), 1, "{:?}", set.problems);
        assert_eq!(cycles[0].span.map(|s| s.start), Some(10));
        assert_eq!(target_of(&set, "/c"), None);
        assert_eq!(
            target_of(&set, "/node/properties/children/items").as_deref(),
            Some("/node")
        );
    }

    #[test]
    fn bad_pointers_are_problems_at_the_ref() {
        let text = "a: {$ref: '#/components/schemas/Missing'}\nb: {$ref: '#foo'}\nc: {$ref: '#/a~2b'}\nd: {$ref: 'https://example.com/x.yaml'}\ncomponents: {schemas: {}}\n";
        let set = load(text);
        let kinds: Vec<_> = set.problems.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ProblemKind::UnresolvedRef,
                ProblemKind::UnresolvedRef,
                ProblemKind::UnresolvedRef,
                ProblemKind::RemoteRef
            ]
        );
        let first = &set.problems[0];
        assert_eq!(
            &text[first.span.unwrap().range()],
            "'#/components/schemas/Missing'"
        );
        assert!(
            first
                .message
                .contains("`#/components/schemas` has no key `Missing`"),
            "{}",
            first.message
        );
    }

    #[test]
    fn references_under_opaque_keys_are_data() {
        let text = "x-samples: {$ref: 'missing.sh'}\nexample: {$ref: '#/nowhere'}\n";
        let opaque: fn(&Tree, NodeId) -> bool = |tree, key| {
            tree.scalar(key)
                .is_some_and(|k| k.starts_with("x-") || k == "example")
        };
        let options = LoadOptions {
            opaque_key: Some(opaque),
            ..LoadOptions::default()
        };
        let set = DocumentSet::load_text("t.yaml".into(), text, None, options);
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        // Without the caller's word, every reference is followed.
        assert_eq!(load(text).problems.len(), 2);
    }

    #[test]
    fn a_base_uri_rebases_relative_references() {
        use Rebased::*;
        let base = "https://api.example.com/v2/openapi.yaml";
        assert_eq!(
            rebase(base, "schemas/e.yaml"),
            Local("schemas/e.yaml".into())
        );
        assert_eq!(rebase(base, "./e.yaml"), Local("e.yaml".into()));
        assert_eq!(
            rebase(base, "https://api.example.com/v2/s/e.yaml"),
            Local("s/e.yaml".into())
        );
        assert_eq!(
            rebase(base, "../v1/e.yaml"),
            Remote("https://api.example.com/v1/e.yaml".into(), base.into())
        );
        assert_eq!(rebase(base, "https://other.example/e.yaml"), Unchanged);
        assert_eq!(
            rebase("shared/openapi.yaml", "e.yaml"),
            Local("shared/e.yaml".into())
        );
        assert_eq!(rebase("openapi.yaml", "e.yaml"), Local("e.yaml".into()));
    }

    #[test]
    fn self_is_the_base_of_a_documents_references_and_never_fetched() {
        let dir = scratch("self");
        std::fs::create_dir_all(dir.join("shared")).unwrap();
        std::fs::write(dir.join("e.yaml"), "E: {type: object}\n").unwrap();
        std::fs::write(dir.join("shared/e.yaml"), "E: {type: string}\n").unwrap();
        let options = || LoadOptions {
            base_uri_key: Some("$self"),
            ..LoadOptions::default()
        };
        let load_doc = |text: &str| {
            std::fs::write(dir.join("openapi.yaml"), text).unwrap();
            DocumentSet::load_path(&dir.join("openapi.yaml"), "openapi.yaml".into(), options())
        };
        let kind_of = |set: &DocumentSet| {
            let tree = set.tree(FileId(0)).unwrap();
            let at = tree.lookup(["a"]).unwrap();
            let target = set.deref(NodeRef {
                file: FileId(0),
                node: at,
            })?;
            let tree = set.tree(target.file).unwrap();
            tree.get(target.node, "type")
                .and_then(|t| tree.str(t))
                .map(str::to_string)
        };
        // An absolute `$self`: references in its folder are the document's neighbours.
        let set =
            load_doc("$self: https://api.example.com/v2/openapi.yaml\na: {$ref: 'e.yaml#/E'}\n");
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert_eq!(kind_of(&set).as_deref(), Some("object"));
        // Above its folder is elsewhere on the network: reported, not fetched.
        let set = load_doc(
            "$self: https://api.example.com/v2/openapi.yaml\na: {$ref: '../v1/e.yaml#/E'}\n",
        );
        assert_eq!(set.problems.len(), 1);
        assert_eq!(set.problems[0].kind, ProblemKind::RemoteRef);
        assert!(
            set.problems[0]
                .message
                .contains("https://api.example.com/v1/e.yaml")
        );
        // A relative `$self` moves the base within the tree.
        let set = load_doc("$self: shared/openapi.yaml\na: {$ref: 'e.yaml#/E'}\n");
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert_eq!(kind_of(&set).as_deref(), Some("string"));
        // Without `$self`, the document's own folder.
        let set = load_doc("a: {$ref: 'e.yaml#/E'}\n");
        assert_eq!(kind_of(&set).as_deref(), Some("object"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// What is asked ahead on all threads (is it a file, its report name) is what the scan
    /// reports: a folder named as a file is refused, and files reached from other folders
    /// are named from the root's folder.
    #[test]
    fn files_located_ahead_are_named_from_the_root_and_folders_refused() {
        let dir = scratch("ahead");
        std::fs::create_dir_all(dir.join("api/paths/deep")).unwrap();
        std::fs::create_dir_all(dir.join("api/schemas.yaml")).unwrap();
        std::fs::write(
            dir.join("api/openapi.yaml"),
            "a: {$ref: 'paths/a.yaml'}\nb: {$ref: 'paths/b.yaml'}\nc: {$ref: 'schemas.yaml#/E'}\n",
        )
        .unwrap();
        std::fs::write(dir.join("api/paths/a.yaml"), "x: {$ref: 'deep/c.yaml'}\n").unwrap();
        std::fs::write(
            dir.join("api/paths/b.yaml"),
            "x: {$ref: '../openapi.yaml#/a'}\n",
        )
        .unwrap();
        std::fs::write(dir.join("api/paths/deep/c.yaml"), "y: 1\n").unwrap();
        let set = DocumentSet::load_path(
            &dir.join("api/openapi.yaml"),
            "api/openapi.yaml".into(),
            LoadOptions::default(),
        );
        let names: Vec<&str> = set.files.iter().map(|f| &*f.name).collect();
        assert_eq!(
            names,
            [
                "api/openapi.yaml",
                "api/paths/a.yaml",
                "api/paths/b.yaml",
                "api/paths/deep/c.yaml"
            ]
        );
        let messages: Vec<&str> = set.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            ["cannot read `schemas.yaml`: it is not a file"],
            "{:?}",
            set.problems
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A link's target decides: a link to a file is that file (read once, however it is
    /// reached), a link to a folder is refused like the folder.
    #[cfg(unix)]
    #[test]
    fn links_in_the_tree_are_their_targets() {
        let dir = scratch("links");
        std::fs::create_dir_all(dir.join("api/shared")).unwrap();
        std::fs::write(
            dir.join("api/openapi.yaml"),
            "a: {$ref: 'errors.yaml#/E'}\nb: {$ref: 'shared/errors.yaml#/E'}\nc: {$ref: 'more.yaml'}\n",
        )
        .unwrap();
        std::fs::write(dir.join("api/shared/errors.yaml"), "E: {type: object}\n").unwrap();
        std::os::unix::fs::symlink("shared/errors.yaml", dir.join("api/errors.yaml")).unwrap();
        std::os::unix::fs::symlink("shared", dir.join("api/more.yaml")).unwrap();
        let set = DocumentSet::load_path(
            &dir.join("api/openapi.yaml"),
            "api/openapi.yaml".into(),
            LoadOptions::default(),
        );
        let names: Vec<&str> = set.files.iter().map(|f| &*f.name).collect();
        assert_eq!(names, ["api/openapi.yaml", "api/errors.yaml"]);
        assert_eq!(target_of(&set, "/a"), target_of(&set, "/b"));
        let messages: Vec<&str> = set.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages, ["cannot read `more.yaml`: it is not a file"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A path's canonical form found from its parent's is what `canonicalize` gives, through
    /// links to folders, links to links, `..` and folders that do not exist.
    #[cfg(unix)]
    #[test]
    fn a_real_path_from_its_parent_is_the_canonical_path() {
        let dir = scratch("real-paths");
        std::fs::create_dir_all(dir.join("api/shared/deeper")).unwrap();
        std::os::unix::fs::symlink("shared", dir.join("api/linked")).unwrap();
        std::os::unix::fs::symlink("linked", dir.join("api/link-to-link")).unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("api/shared/up")).unwrap();
        let set = DocumentSet::empty(LoadOptions::default());
        for path in [
            "api",
            "api/shared",
            "api/shared/deeper",
            "api/linked",
            "api/linked/deeper",
            "api/link-to-link/deeper",
            "api/shared/up/api/linked",
            "api/shared/deeper/../../linked/deeper",
            "api/missing",
            "api/missing/deeper",
        ] {
            let path = dir.join(path);
            assert_eq!(
                set.real_path(&path),
                std::fs::canonicalize(&path).ok(),
                "{}",
                path.display()
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file with more references than one stretch: every object keeps its own text, and
    /// the texts are numbered in the order they first appear, as one pass would.
    #[test]
    fn a_large_files_references_are_planned_in_stretches_as_in_one() {
        let count = 3 * (1 << 12) + 5;
        let mut text = String::from("t:\n");
        for j in 0..200 {
            text.push_str(&format!("  n{j}: {j}\n"));
        }
        text.push_str("r:\n");
        for i in 0..count {
            // New texts keep appearing in later stretches; old ones come back.
            let j = if i % 3 == 0 { i / 64 } else { (i * 7) % 50 };
            text.push_str(&format!("  - {{$ref: '#/t/n{j}'}}\n"));
        }
        let set = load(&text);
        let refs = set.plan_refs(FileId(0));
        assert_eq!(refs.objects.len(), count);
        let tree = set.tree(FileId(0)).unwrap();
        let mut first_of: Vec<&str> = Vec::new();
        for &(_, value, id) in &refs.objects {
            let written = tree.str(value).unwrap();
            match first_of.get(id as usize) {
                Some(&known) => assert_eq!(known, written),
                None => {
                    assert_eq!(id as usize, first_of.len(), "numbered out of order");
                    first_of.push(written);
                }
            }
        }
        assert_eq!(first_of.len(), refs.texts.len());
        for (written, plan) in first_of.iter().zip(&refs.texts) {
            let RefPlan::Resolved(Ok(target)) = plan else {
                panic!("{written} did not resolve: {plan:?}");
            };
            assert_eq!(format!("#{}", tree.pointer(target.node)), *written);
        }
    }

    /// Each reference text is worked out once, ahead of the scan; the problems still come
    /// in the order one walk meets them: a file's problems where it is first reached.
    #[test]
    fn problems_come_in_the_order_one_scan_meets_them() {
        let dir = scratch("order");
        std::fs::write(
            dir.join("openapi.yaml"),
            "a: {$ref: '#/missing'}\nb: {$ref: 'broken.yaml#/x'}\nc: {$ref: '#/a/~2'}\nd: {$ref: 'good.yaml#/nope'}\ne: {$ref: '#/missing'}\n",
        )
        .unwrap();
        std::fs::write(dir.join("broken.yaml"), "x: [1\n").unwrap();
        std::fs::write(dir.join("good.yaml"), "x: 1\n").unwrap();
        let set = DocumentSet::load_path(
            &dir.join("openapi.yaml"),
            "openapi.yaml".into(),
            LoadOptions::default(),
        );
        let problems: Vec<(u32, &str)> = set
            .problems
            .iter()
            .map(|p| (p.file.0, p.message.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    0,
                    "`#/missing` does not resolve: the document root has no key `missing`"
                ),
                (
                    1,
                    "invalid YAML: while parsing a flow sequence, expected ',' or ']'"
                ),
                (
                    0,
                    "`broken.yaml` could not be parsed, so `broken.yaml#/x` does not resolve"
                ),
                (
                    0,
                    "bad reference `#/a/~2`: `~2` has a `~` that is not `~0` or `~1` (RFC 6901)"
                ),
                (
                    0,
                    "`good.yaml#/nope` does not resolve: the document root has no key `nope`"
                ),
                (
                    0,
                    "`#/missing` does not resolve: the document root has no key `missing`"
                ),
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
