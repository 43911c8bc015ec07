//! `REV:PATH`: a document as it was at a git revision, with every file its `$ref`s may reach.
//! The revision's YAML and JSON files are written to a private temporary folder (one
//! `git ls-tree`, one `git cat-file --batch`), which is the only tree the document may read,
//! and which is removed when the revision is dropped. The work tree is never touched.

use super::temp_folder::TempFolder;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// At most this many bytes of a revision are written out, whatever its files' sizes.
const MAX_TOTAL_BYTES: u64 = 1 << 30;

/// Why a revision's document could not be written out.
#[derive(Debug)]
pub enum CheckOutError {
    /// The revision has no such file (a document added since).
    Absent(String),
    Failed(String),
}

impl From<String> for CheckOutError {
    fn from(message: String) -> Self {
        CheckOutError::Failed(message)
    }
}

impl std::fmt::Display for CheckOutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckOutError::Absent(m) | CheckOutError::Failed(m) => f.write_str(m),
        }
    }
}

/// A revision's YAML and JSON files, on disk while this lives.
#[derive(Debug)]
pub struct Revision {
    folder: TempFolder,
    document: PathBuf,
}

impl Revision {
    /// The folder that holds the revision's files: the tree its document may read.
    pub fn root(&self) -> &Path {
        self.folder.path()
    }

    /// Where the document named on the command line is, inside [`Revision::root`].
    pub fn document(&self) -> PathBuf {
        self.document.clone()
    }

    /// Writes out the YAML and JSON files of `rev`, and finds `path` (relative to the current
    /// folder, as a path in the work tree would be) among them. Files over `max_file_bytes`
    /// are left out: reading them would be refused anyway.
    pub fn check_out(
        rev: &str,
        path: &Path,
        max_file_bytes: u64,
    ) -> Result<Revision, CheckOutError> {
        if rev.starts_with('-') {
            return Err(CheckOutError::Failed(format!("`{rev}` is not a revision")));
        }
        let prefix = git(&["rev-parse", "--show-prefix"], None)?;
        let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
        let wanted = normal(&Path::new(&prefix).join(path))
            .ok_or_else(|| format!("`{}` leaves the repository", path.display()))?;
        let listing = git(
            &["ls-tree", "--full-tree", "-r", "-l", "-z", rev, "--"],
            None,
        )?;
        let mut blobs: Vec<(String, PathBuf)> = Vec::new();
        let mut total: u64 = 0;
        let mut found = false;
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, name)) = entry.split_once('\t') else {
                continue;
            };
            let fields: Vec<&str> = meta.split_whitespace().collect();
            let [mode, kind, object, size] = fields[..] else {
                continue;
            };
            let Some(relative) = normal(Path::new(name)) else {
                continue;
            };
            let wanted_here = relative == wanted;
            found |= wanted_here;
            let readable = kind == "blob" && (mode == "100644" || mode == "100755");
            let extension = relative
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            let source = matches!(extension.as_deref(), Some("yaml" | "yml" | "json"));
            let size: u64 = size.parse().unwrap_or(u64::MAX);
            if !readable || !(source || wanted_here) || size > max_file_bytes {
                continue;
            }
            total = total.saturating_add(size);
            if total > MAX_TOTAL_BYTES {
                return Err(CheckOutError::Failed(format!(
                    "the YAML and JSON files of `{rev}` are over {MAX_TOTAL_BYTES} bytes together"
                )));
            }
            blobs.push((object.to_string(), relative));
        }
        if !found {
            return Err(CheckOutError::Absent(format!(
                "`{}` does not exist at `{rev}`",
                wanted.display()
            )));
        }
        let folder = TempFolder::new()?;
        write_blobs(&folder, &blobs)?;
        Ok(Revision {
            document: folder.path().join(&wanted),
            folder,
        })
    }
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
