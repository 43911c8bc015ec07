//! `REV:PATH` and `--base REV`: documents as they were at a git revision, with every file their
//! `$ref`s may reach. The revision's YAML and JSON files are written once to a private
//! temporary folder (one `git ls-tree`, one `git cat-file --batch`), which is the only tree
//! the documents may read, and which is removed when the revision is dropped. The work tree
//! is never touched.

use super::temp_folder::TempFolder;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// At most this many bytes of a revision are written out, whatever its files' sizes.
const MAX_TOTAL_BYTES: u64 = 1 << 30;

/// Why a document cannot be read at a revision.
#[derive(Debug, Clone)]
pub enum CheckOutError {
    /// The revision has no such file (a document added since).
    Absent(String),
    /// The file lies inside a git submodule at the revision: another repository's files.
    InSubmodule(String),
    Failed(String),
}

impl std::fmt::Display for CheckOutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckOutError::Absent(m) | CheckOutError::InSubmodule(m) | CheckOutError::Failed(m) => {
                f.write_str(m)
            }
        }
    }
}

/// A revision's YAML and JSON files, on disk while this lives: written out once, and read by
/// every document compared with it.
#[derive(Debug)]
pub struct Revision {
    rev: String,
    folder: TempFolder,
    /// Where the current folder is inside the repository.
    prefix: PathBuf,
    /// Every path of the revision's tree that is a file, a link or a submodule.
    paths: HashSet<PathBuf>,
    submodules: Vec<PathBuf>,
}

impl Revision {
    /// The revision as written on the command line.
    pub fn rev(&self) -> &str {
        &self.rev
    }

    /// The folder that holds the revision's files: the tree its documents may read.
    pub fn root(&self) -> &Path {
        self.folder.path()
    }

    /// Where `path` (relative to the current folder, as a path in the work tree would be) is
    /// inside [`Revision::root`], or why it cannot be read there.
    pub fn document(&self, path: &Path) -> Result<PathBuf, CheckOutError> {
        let rev = &self.rev;
        let wanted = in_repository(&self.prefix, path)?;
        if self.paths.contains(&wanted) {
            return Ok(self.root().join(&wanted));
        }
        if let Some(submodule) = self.submodules.iter().find(|s| wanted.starts_with(s)) {
            return Err(CheckOutError::InSubmodule(format!(
                "`{}` is inside the git submodule `{}` at `{rev}`, whose files are another repository's: it was not compared",
                wanted.display(),
                submodule.display()
            )));
        }
        Err(CheckOutError::Absent(format!(
            "`{}` does not exist at `{rev}`",
            wanted.display()
        )))
    }

    /// Writes out the YAML and JSON files of `rev` once, with `documents` (relative to the
    /// current folder) whatever their names. Files over `max_file_bytes` are left out: reading
    /// them would be refused anyway.
    pub fn check_out(
        rev: &str,
        documents: &[PathBuf],
        max_file_bytes: u64,
    ) -> Result<Revision, String> {
        if rev.starts_with('-') {
            return Err(format!("`{rev}` is not a revision"));
        }
        let prefix = git(&["rev-parse", "--show-prefix"], None)?;
        let prefix = PathBuf::from(String::from_utf8_lossy(&prefix).trim());
        let wanted: HashSet<PathBuf> = documents
            .iter()
            .filter_map(|d| in_repository(&prefix, d).ok())
            .collect();
        let listing = git(
            &["ls-tree", "--full-tree", "-r", "-l", "-z", rev, "--"],
            None,
        )?;
        let entries = tree_entries(&listing);
        let blobs = blobs_to_write(rev, &entries, &wanted, max_file_bytes)?;
        let folder = TempFolder::new()?;
        write_blobs(&folder, &blobs)?;
        Ok(Revision {
            rev: rev.to_string(),
            folder,
            prefix,
            // A submodule is a `commit` entry (mode 160000): its files are not in this tree.
            submodules: entries
                .iter()
                .filter(|e| e.kind == "commit")
                .map(|e| e.path.clone())
                .collect(),
            paths: entries.into_iter().map(|e| e.path).collect(),
        })
    }
}

/// `path`, written relative to the current folder, as a path from the repository's top.
fn in_repository(prefix: &Path, path: &Path) -> Result<PathBuf, CheckOutError> {
    normal(&prefix.join(path))
        .ok_or_else(|| CheckOutError::Failed(format!("`{}` leaves the repository", path.display())))
}

/// One line of `git ls-tree -r -l`: a file, a link or a submodule.
struct TreeEntry {
    mode: String,
    kind: String,
    object: String,
    size: Option<u64>,
    path: PathBuf,
}

fn tree_entries(listing: &[u8]) -> Vec<TreeEntry> {
    let mut entries = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, name)) = entry.split_once('\t') else {
            continue;
        };
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, kind, object, size] = fields[..] else {
            continue;
        };
        let Some(path) = normal(Path::new(name)) else {
            continue;
        };
        entries.push(TreeEntry {
            mode: mode.to_string(),
            kind: kind.to_string(),
            object: object.to_string(),
            size: size.parse().ok(),
            path,
        });
    }
    entries
}

/// The objects to write out and where: the YAML and JSON files, and the wanted documents,
/// that are regular files within the size limits.
fn blobs_to_write(
    rev: &str,
    entries: &[TreeEntry],
    wanted: &HashSet<PathBuf>,
    max_file_bytes: u64,
) -> Result<Vec<(String, PathBuf)>, String> {
    let mut blobs = Vec::new();
    let mut total: u64 = 0;
    for entry in entries {
        let readable = entry.kind == "blob" && (entry.mode == "100644" || entry.mode == "100755");
        let extension = entry
            .path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let source = matches!(extension.as_deref(), Some("yaml" | "yml" | "json"));
        let size = entry.size.unwrap_or(u64::MAX);
        if !readable || !(source || wanted.contains(&entry.path)) || size > max_file_bytes {
            continue;
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "the YAML and JSON files of `{rev}` are over {MAX_TOTAL_BYTES} bytes together"
            ));
        }
        blobs.push((entry.object.clone(), entry.path.clone()));
    }
    Ok(blobs)
}

/// A path with `.` removed and `..` folded; `None` when it is absolute or climbs out.
fn normal(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Runs git and returns its standard output, or its first line of complaint.
fn git(args: &[&str], input: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(input)
            .map_err(|e| format!("cannot talk to git: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let first = said.lines().next().unwrap_or("failed").trim().to_string();
        return Err(format!("git {}: {first}", args[0]));
    }
    Ok(output.stdout)
}

/// Streams the blobs through one `git cat-file --batch` into `folder`.
fn write_blobs(folder: &TempFolder, blobs: &[(String, PathBuf)]) -> Result<(), String> {
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot talk to git")?;
    let requests: String = blobs
        .iter()
        .map(|(object, _)| format!("{object}\n"))
        .collect();
    // Written from another thread: git answers while it reads, and both pipes are bounded.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut stdout = BufReader::new(child.stdout.take().ok_or("cannot talk to git")?);
    let mut header = String::new();
    for (_, relative) in blobs {
        header.clear();
        stdout
            .read_line(&mut header)
            .map_err(|e| format!("cannot read from git: {e}"))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("git cat-file: {}", header.trim()))?;
        let mut content = vec![0; size + 1];
        stdout
            .read_exact(&mut content)
            .map_err(|e| format!("cannot read from git: {e}"))?;
        content.pop();
        folder.write(relative, &content)?;
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(())
}
