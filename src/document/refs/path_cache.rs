//! Where a reference's file is on disk: canonical paths found once per path as written, and
//! each folder's answer for each location it names, asked ahead on all threads.

use super::reference_text::RefFailure;
use super::resolve::FileRefs;
use super::set::{DocumentSet, FileId, ProblemKind};
use crate::document::pointer;
use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A map keyed by a path's bytes. `Path`'s own hash walks it component by component, which
/// was a tenth of the instructions on DigitalOcean's 1,500 files; each path here is spelled
/// one way (canonical, or as written from one folder), so its bytes name it.
pub(super) type PathMap<V> = HashMap<OsString, V>;

/// A referenced file, or why it cannot be read.
pub(super) type Located = Result<Arc<LocatedFile>, RefFailure>;

/// A referenced file's path as written, its canonical path, and its id once it is loaded.
#[derive(Debug)]
pub(super) struct LocatedFile {
    pub(super) path: PathBuf,
    pub(super) real: PathBuf,
    /// Whether `real` is a regular file (not a folder), asked where the file is located:
    /// on all threads, ahead of the scan that needs it (a `stat` for each of
    /// DigitalOcean's 1,508 files was a third of the scan's own time).
    pub(super) is_file: bool,
    /// Its report name; `None` when it was located before the root was read.
    pub(super) name: Option<String>,
    pub(super) id: std::sync::OnceLock<FileId>,
}

impl DocumentSet {
    /// `std::fs::canonicalize`, once per path as written: a split document names the same
    /// file from every file of a folder, and each canonicalisation is a system call per
    /// component of the path (DigitalOcean's description made 16,000 of them).
    pub(super) fn real_path(&self, path: &Path) -> Option<PathBuf> {
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

    /// Locates, on all threads, what the files' reference locations name that their folders
    /// have not asked before, into the cache [`DocumentSet::locate`] answers from: each is
    /// a dozen path operations and a system call or two (12% of DigitalOcean's instructions,
    /// were they all on one thread). The answers do not depend on the order they are found in.
    pub(super) fn locate_ahead(&mut self, files: &[FileId], plans: &[FileRefs]) {
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

    /// The path (as written from `from`'s folder) and the canonical path of the file that
    /// `location` names, if it exists inside the trees this set may read.
    pub(super) fn locate(&mut self, from: FileId, location: &str) -> Located {
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

/// Removes `.` and folds `dir/..` without touching the file system.
pub(super) fn normalize(path: &Path) -> PathBuf {
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{scratch, target_of};
    use super::super::{DocumentSet, LoadOptions};

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
}
