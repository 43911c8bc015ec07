//! The set of files a root document reaches, with the problems met loading them: how a set is
//! loaded from a path or a text, and how its files, trees and resolved references are read.

use super::chains::{RefTable, Target};
use super::load_options::{LoadOptions, Loaded};
use super::path_cache::{Located, PathMap, normalize};
use crate::document::tree::{NodeId, Span, Tree};
use crate::document::{Format, LoadError};
use rustc_hash::FxHashMap as HashMap;
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

/// One source file of the set. `tree` is `None` when the file could not be parsed.
#[derive(Debug)]
pub struct SourceFile {
    /// The name used in reports: the path as given, or relative to the root document's folder.
    pub name: Arc<str>,
    pub path: Option<PathBuf>,
    pub text: crate::document::Text,
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

/// The root document (file 0) and the files its references reach.
#[derive(Debug)]
pub struct DocumentSet {
    pub files: Vec<SourceFile>,
    pub problems: Vec<Problem>,
    /// Every Reference Object, keyed by its mapping node, with its final target.
    pub(super) refs: RefTable,
    pub(super) by_path: PathMap<FileId>,
    /// Canonical paths of folders (and of paths canonicalised whole) by the path as
    /// written, `None` where there is no such file. Behind a lock: references are located
    /// on all threads (see [`DocumentSet::prefetch`]).
    pub(super) real_paths: std::sync::Mutex<PathMap<Option<PathBuf>>>,
    /// Referenced files by their normalized path as written: the canonical path and
    /// whether it is a regular file, `None` where there is no such file.
    pub(super) real_files: std::sync::Mutex<PathMap<Option<(PathBuf, bool)>>>,
    /// Files read and parsed ahead of the scan that references them, by canonical path.
    pub(super) prefetched: PathMap<Loaded>,
    /// What [`DocumentSet::locate`] answered, per folder (by index) and reference text.
    pub(super) located: Vec<HashMap<Box<str>, Located>>,
    /// The index of each folder that holds a file of the set.
    pub(super) folders: PathMap<u32>,
    /// The folder of each file (by [`FileId`]), `None` for text not read from disk.
    pub(super) folder_of: Vec<Option<u32>>,
    pub(super) options: LoadOptions,
    /// Canonical folders whose files `$ref`s may read: the linted tree and the allowed ones.
    pub(super) roots: Vec<PathBuf>,
}

/// The folders a document at `path` may read without being told otherwise: those the caller
/// named, or the document's own tree.
fn linted_tree(options: &LoadOptions, path: &Path) -> Vec<PathBuf> {
    match &options.tree {
        Some(folders) => folders.clone(),
        None => crate::document::source::tree_of(path).into_iter().collect(),
    }
}

impl DocumentSet {
    /// Loads a document from disk, then every file its `$ref`s reach.
    pub fn load_path(path: &Path, name: String, options: LoadOptions) -> Self {
        let mut set = DocumentSet::empty(options);
        set.roots.extend(linted_tree(&set.options, path));
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
        set.roots.extend(linted_tree(&set.options, path));
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

    pub(super) fn empty(options: LoadOptions) -> Self {
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

    /// The hop `site` makes, when it is a Reference Object that resolved to another node.
    pub fn hop(&self, site: NodeRef) -> Option<Hop> {
        let target = self.deref(site)?;
        (target != site).then_some(Hop { site, target })
    }

    /// Reads and parses a file (or takes it from the files read ahead) and adds it to the set.
    pub(super) fn read_file(&mut self, path: &Path, real: PathBuf, name: String) -> FileId {
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

    /// A referenced file's report name, from the root's.
    pub(super) fn name_of(&self, path: &Path) -> String {
        let root = self.file(FileId(0));
        display_name(&root.name, root.path.as_deref(), path)
    }

    pub(super) fn problem(
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
}

/// The canonical path of a file, or the path as given when it cannot be canonicalised.
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
