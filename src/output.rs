//! Everything errlint writes goes through here: reports, pages, baselines, generated configs
//! (a [`Target`], checked by [`check_targets`] before anything is written) and the files
//! `--fix` changes ([`replace_fixed`]).
//!
//! A regular file is written atomically: a temporary file beside it, flushed, renamed over it,
//! so that a full disk or a crash never leaves half a file where a whole one was. Anything else
//! (a device such as `/dev/null`, a FIFO, `/dev/stdout`, `/proc/self/fd/N`) is written in place:
//! renaming a file over it would replace the device for every later process, and CI containers
//! run as root, where nothing stops that.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Where one output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output: `-`, or a path that names it (`/dev/stdout`, `/proc/self/fd/1`).
    Stdout,
    /// Standard error, named by a path (`/dev/stderr`).
    Stderr,
    /// An existing file that is not a regular one (device, FIFO, socket, or a regular file
    /// reached through `/dev` or `/proc`): opened and written, never replaced.
    InPlace(PathBuf),
    /// A regular file, new or replaced atomically. `real` is where a link leads: the link is
    /// kept and the file it names is replaced.
    File { named: PathBuf, real: PathBuf },
    /// A place errlint will not write to, and why: a link that leads out of the current
    /// folder's tree (a pull request may have put it there), or a device that is not a sink.
    Refused { named: PathBuf, why: &'static str },
}

impl Target {
    /// What `path`, as given for an output, names.
    pub fn of(path: &Path) -> Target {
        if path.as_os_str() == "-" {
            return Target::Stdout;
        }
        let Ok(meta) = std::fs::metadata(path) else {
            // New (or unreadable, which the write will say): written where it is named, its
            // folder resolved, so that `r.txt` and `./r.txt` are seen to be one place.
            return Target::File {
                named: path.to_path_buf(),
                real: resolved_folder(path),
            };
        };
        if let Some(stream) = standard_stream(&meta) {
            return stream;
        }
        // Only what is no regular file is written in place. A regular file reached through
        // `/proc` or `/dev` (`/proc/self/cwd/openapi.yaml`, `/dev/fd/0`) is that file, resolved,
        // and checked like any other: it may be an input.
        let named = path.to_path_buf();
        if meta.is_file() || meta.is_dir() {
            // A folder stays a `File`: the rename fails and says why.
            let real = std::fs::canonicalize(path).unwrap_or_else(|_| resolved_folder(path));
            if real != resolved_folder(path) && !inside_current_tree(&real) {
                let why = "it is a link that leads out of the current folder's tree";
                return Target::Refused { named, why };
            }
            Target::File { named, real }
        } else if is_sink(&meta) {
            Target::InPlace(named)
        } else {
            let why = "it is a device other than /dev/null (or a link to one)";
            Target::Refused { named, why }
        }
    }

    /// The path it was named by, for messages; `-` for the standard streams.
    pub fn name(&self) -> String {
        match self {
            Target::Stdout | Target::Stderr => "-".into(),
            Target::InPlace(path)
            | Target::File { named: path, .. }
            | Target::Refused { named: path, .. } => path.display().to_string(),
        }
    }

    /// An existing regular file this target would replace.
    fn replaced_file(&self) -> Option<&Path> {
        match self {
            Target::File { real, .. } if real.is_file() => Some(real),
            _ => None,
        }
    }

    /// Writes what `write` writes. A reader of standard output that went away is a
    /// `BrokenPipe` error, for the caller to end on quietly.
    pub fn write_with(
        &self,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match self {
            Target::Stdout => {
                let mut stdout = std::io::stdout().lock();
                write(&mut stdout)?;
                stdout.flush()
            }
            Target::Stderr => {
                let mut stderr = std::io::stderr().lock();
                write(&mut stderr)?;
                stderr.flush()
            }
            Target::InPlace(path) => {
                // Appending is what a device or a FIFO does anyway. A FIFO nobody reads is
                // an error at once, not a wait without end.
                let mut file = open_in_place(path)?;
                write(&mut file)?;
                file.flush()
            }
            Target::File { real, .. } => {
                let permissions = std::fs::metadata(real).ok().map(|m| m.permissions());
                write_beside(real, |file| write(file), permissions)
            }
            Target::Refused { why, .. } => Err(std::io::Error::other(*why)),
        }
    }

    /// Writes `bytes`, as [`Target::write_with`].
    pub fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_with(|out| out.write_all(bytes))
    }
}

/// Whether `real` (canonical) lies in the tree of the current folder: its repository, or the
/// folder itself outside any.
fn inside_current_tree(real: &Path) -> bool {
    crate::document::source::tree_of(Path::new("output")).is_some_and(|tree| real.starts_with(tree))
}

/// Whether a file that is not a regular one may take a report: a FIFO, a socket, or the null
/// device. Other devices (a disk, `/dev/mem`) are never written, wherever a link leads.
fn is_sink(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let kind = meta.file_type();
        if kind.is_fifo() || kind.is_socket() {
            return true;
        }
        // Linux's encoding of a device number; /dev/null is character device 1:3.
        let rdev = meta.rdev();
        let major = ((rdev >> 8) & 0xfff) | ((rdev >> 32) & !0xfff);
        let minor = (rdev & 0xff) | ((rdev >> 12) & !0xff);
        kind.is_char_device() && (major, minor) == (1, 3)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// A new file's path with its folder resolved (links, `.`, `..`), or as given when the folder
/// does not exist (the write will say so).
fn resolved_folder(path: &Path) -> PathBuf {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(folder), path.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => path.to_path_buf(),
    }
}

/// Standard output or error, when `meta` is the file one of them is (`/dev/stdout`, or a
/// report file that is also where the shell sent standard output).
#[cfg(unix)]
fn standard_stream(meta: &std::fs::Metadata) -> Option<Target> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let same = |fd: std::os::fd::BorrowedFd<'_>| {
        let stream = std::fs::File::from(fd.try_clone_to_owned().ok()?);
        let of = stream.metadata().ok()?;
        Some(of.dev() == meta.dev() && of.ino() == meta.ino())
    };
    if same(std::io::stdout().as_fd()) == Some(true) {
        Some(Target::Stdout)
    } else if same(std::io::stderr().as_fd()) == Some(true) {
        Some(Target::Stderr)
    } else {
        None
    }
}

#[cfg(not(unix))]
fn standard_stream(_: &std::fs::Metadata) -> Option<Target> {
    None
}

/// The one set of checks every command makes before it writes anything: no two outputs to one
/// place, none over a file errlint reads (a document, a `$ref`'d file, a config, a baseline)
/// and none over an OpenAPI document. `errlint --output openapi.yaml report.txt` (arguments
/// swapped) must not replace the document, and neither may `docs --output`.
pub fn check_targets<'a>(
    targets: &[&Target],
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), String> {
    for target in targets {
        if let Target::Refused { named, why } = target {
            return Err(format!(
                "refusing to write to `{}`: {why} (nothing was written)",
                named.display()
            ));
        }
    }
    for (i, target) in targets.iter().enumerate() {
        let clash = targets[..i].iter().any(|earlier| match (earlier, target) {
            (Target::File { real: a, .. }, Target::File { real: b, .. }) => a == b,
            (Target::InPlace(_), _) | (_, Target::InPlace(_)) => false,
            (a, b) => a == b,
        });
        if clash {
            return Err(match target {
                Target::Stdout => "only one output can go to standard output; give the others a file: `--format sarif=errlint.sarif`".into(),
                _ => format!("two outputs would be written to `{}`: give each its own file", target.name()),
            });
        }
    }
    // Only an existing file can be an input; most outputs are new, so nothing is resolved.
    let replaced: Vec<(&Target, &Path)> = targets
        .iter()
        .filter_map(|t| Some((*t, t.replaced_file()?)))
        .collect();
    if replaced.is_empty() {
        return Ok(());
    }
    for input in inputs {
        let Ok(real) = std::fs::canonicalize(input) else {
            continue;
        };
        if let Some((target, _)) = replaced.iter().find(|(_, file)| *file == real) {
            return Err(format!(
                "refusing to write to `{}`: errlint reads it (nothing was written)",
                target.name()
            ));
        }
    }
    match replaced
        .iter()
        .find(|(_, file)| crate::inputs::looks_like_openapi(file))
    {
        Some((target, _)) => Err(format!(
            "refusing to write to `{}`: it is an OpenAPI document (nothing was written)",
            target.name()
        )),
        None => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically (see [`Target`] for paths that are not regular files).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    Target::of(path).write(bytes)
}

/// Why `--fix` left a file alone.
#[derive(Debug, PartialEq, Eq)]
pub enum FixRefusal {
    /// The file changed since it was linted: the fixes were computed from other bytes.
    ChangedMeanwhile,
    /// The path is now a link, or leads elsewhere, since it was linted.
    NowALink,
    /// The user may not write it (read-only, or not theirs to write).
    ReadOnly,
    /// Other names share the file; a rename would leave them on the old text.
    HardLinks(u64),
    /// It lies outside the linted tree (read through `--allow-external-refs`, perhaps).
    OutsideTree,
    Io(String),
}

impl std::fmt::Display for FixRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixRefusal::ChangedMeanwhile => {
                f.write_str("it changed since errlint read it; run `--fix` again")
            }
            FixRefusal::NowALink => f.write_str("it was replaced by a link since errlint read it"),
            FixRefusal::ReadOnly => f.write_str("it is read-only"),
            FixRefusal::HardLinks(n) => write!(
                f,
                "it has {n} hard links, which replacing it would break; apply `--fix --diff` by hand"
            ),
            FixRefusal::OutsideTree => f.write_str(
                "it lies outside the linted tree (`--allow-external-refs` lets errlint read it, not write it)",
            ),
            FixRefusal::Io(message) => f.write_str(message),
        }
    }
}

/// Replaces a file `--fix` changed, at `path` (canonical when it was read), with `after`, if it
/// still holds exactly `before`, lies in one of `trees` (canonical), is still no link, may be
/// written by the user, and has no other name. The write is atomic and keeps the permissions.
pub fn replace_fixed(
    path: &Path,
    before: &[u8],
    after: &[u8],
    trees: &[PathBuf],
) -> Result<(), FixRefusal> {
    let io = |e: std::io::Error| FixRefusal::Io(e.to_string());
    if std::fs::canonicalize(path).map_err(io)? != path {
        return Err(FixRefusal::NowALink);
    }
    if !trees.iter().any(|tree| path.starts_with(tree)) {
        return Err(FixRefusal::OutsideTree);
    }
    let meta = std::fs::symlink_metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(FixRefusal::NowALink);
    }
    // Root may write any file: the mode is asked too, so that 0444 means refused for root.
    let writable = std::fs::OpenOptions::new().write(true).open(path).is_ok();
    if meta.permissions().readonly() || !writable {
        return Err(FixRefusal::ReadOnly);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(FixRefusal::HardLinks(meta.nlink()));
        }
    }
    write_beside_if(path, after, meta.permissions(), || {
        std::fs::read(path).is_ok_and(|now| now == before)
    })
}

/// Writes `bytes` to a temporary file beside `path`, then, if `still` holds, renames it over
/// `path`. `still` is asked last, so the window for an edit to slip in is as small as it can be.
fn write_beside_if(
    path: &Path,
    bytes: &[u8],
    permissions: std::fs::Permissions,
    still: impl FnOnce() -> bool,
) -> Result<(), FixRefusal> {
    let mut unchanged = false;
    let result = write_temporary_then(
        path,
        |file| file.write_all(bytes),
        Some(permissions),
        |temporary| {
            unchanged = still();
            if unchanged {
                std::fs::rename(temporary, path)
            } else {
                std::fs::remove_file(temporary)
            }
        },
    );
    match result {
        Err(e) => Err(FixRefusal::Io(e.to_string())),
        Ok(()) if !unchanged => Err(FixRefusal::ChangedMeanwhile),
        Ok(()) => Ok(()),
    }
}

/// Writes a temporary file in `path`'s folder, then renames it over `path`.
fn write_beside(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    write_temporary_then(path, write, permissions, |temporary| {
        std::fs::rename(temporary, path)
    })
}

/// Writes a temporary file in `path`'s folder with `write`, flushes it to disk, then hands it
/// to `finish`. The temporary file is removed if anything fails.
fn write_temporary_then(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    permissions: Option<std::fs::Permissions>,
    finish: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| std::ffi::OsString::from("output"), |n| n.to_os_string());
    let temporary = folder.join(format!(
        ".{}.errlint-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        // Replacing a file, the copy is private until it has that file's owner and mode: a
        // document only its owner may read is never readable by others on the way. A new
        // file gets the mode any new file gets.
        let mut file = new_file(&temporary, permissions.is_some())?;
        write(&mut file)?;
        file.sync_all()?;
        if let Some(permissions) = permissions {
            keep_owner(&file, path);
            std::fs::set_permissions(&temporary, permissions)?;
        }
        finish(&temporary)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Creates a new file (no file may be there already); `private`: only its owner may read or
/// write it.
fn new_file(path: &Path, private: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

/// Gives the new file the owner and group of the one it replaces, where the user may (root
/// fixing a file of another user's must not take it from them).
fn keep_owner(new: &std::fs::File, replaced: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(old) = std::fs::metadata(replaced) {
            let _ = std::os::unix::fs::fchown(new, Some(old.uid()), Some(old.gid()));
        }
    }
    #[cfg(not(unix))]
    let _ = (new, replaced);
}

/// Opens a device, FIFO or socket to append to it, without waiting for a FIFO's reader: a
/// first open that may not wait says whether a reader is there, then the file is opened as
/// usual, so that a slow reader is waited for write by write.
fn open_in_place(path: &Path) -> std::io::Result<std::fs::File> {
    let mut probe = std::fs::OpenOptions::new();
    probe.append(true);
    drop(crate::document::source::without_blocking(&mut probe).open(path)?);
    std::fs::OpenOptions::new().append(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("errlint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::canonicalize(dir).unwrap()
    }

    #[test]
    fn replaces_the_file_whole_and_leaves_no_temporary() {
        let dir = scratch("output");
        let path = dir.join("report.txt");
        std::fs::write(&path, "old and longer").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1);
        assert!(write_atomically(&dir.join("missing/report.txt"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn outputs_never_replace_inputs_documents_or_each_other() {
        let dir = scratch("outputs");
        let document = dir.join("openapi.yaml");
        std::fs::write(&document, "openapi: 3.0.3\npaths: {}\n").unwrap();
        let other = dir.join("other.yaml");
        std::fs::write(&other, "openapi: 3.0.3\npaths: {}\n").unwrap();
        let report = Target::of(&dir.join("report.txt"));
        let via_dot = Target::of(&dir.join(".").join("openapi.yaml"));
        assert!(check_targets(&[&report], [document.as_path()]).is_ok());
        assert!(check_targets(&[&via_dot], [document.as_path()]).is_err());
        assert!(check_targets(&[&report, &report], []).is_err());
        assert!(check_targets(&[&Target::Stdout, &Target::Stdout], []).is_err());
        let error = check_targets(&[&Target::of(&other)], [document.as_path()]).unwrap_err();
        assert!(error.contains("is an OpenAPI document"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_link_to_a_report_is_kept_and_its_file_replaced() {
        // Inside the current folder's tree (the crate's, where cargo runs tests): a link
        // there is followed.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/output-link-test");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let dir = std::fs::canonicalize(dir).unwrap();
        std::fs::write(dir.join("real.txt"), "old").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("real.txt", dir.join("link.txt")).unwrap();
        #[cfg(unix)]
        {
            write_atomically(&dir.join("link.txt"), b"new").unwrap();
            let link = std::fs::symlink_metadata(dir.join("link.txt")).unwrap();
            assert!(link.file_type().is_symlink());
            assert_eq!(
                std::fs::read_to_string(dir.join("real.txt")).unwrap(),
                "new"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_fix_is_not_written_over_an_edit_made_meanwhile_nor_through_a_new_link() {
        let dir = scratch("replace-fixed");
        let trees = [dir.clone()];
        let file = dir.join("openapi.yaml");
        std::fs::write(&file, "edited meanwhile").unwrap();
        assert_eq!(
            replace_fixed(&file, b"as linted", b"fixed", &trees),
            Err(FixRefusal::ChangedMeanwhile)
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "edited meanwhile");
        // Nothing is left behind beside it.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert_eq!(
            replace_fixed(&file, b"edited meanwhile", b"fixed", &trees),
            Ok(())
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "fixed");
        // Swapped for a link after the lint: the path read is no longer the file.
        #[cfg(unix)]
        {
            let elsewhere = dir.join("elsewhere.yaml");
            std::fs::write(&elsewhere, "fixed").unwrap();
            std::fs::remove_file(&file).unwrap();
            std::os::unix::fs::symlink(&elsewhere, &file).unwrap();
            assert_eq!(
                replace_fixed(&file, b"fixed", b"fixed again", &trees),
                Err(FixRefusal::NowALink)
            );
            assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "fixed");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_link_out_of_the_tree_and_a_device_that_is_no_sink_are_refused() {
        // The scratch folder is outside the crate's tree, where cargo runs tests.
        let outside = scratch("output-out-of-tree");
        std::fs::write(outside.join("precious.txt"), "keep").unwrap();
        let inside = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/output-link-out");
        let _ = std::fs::remove_dir_all(&inside);
        std::fs::create_dir_all(&inside).unwrap();
        #[cfg(unix)]
        {
            let planted = inside.join("report.sarif");
            std::os::unix::fs::symlink(outside.join("precious.txt"), &planted).unwrap();
            let target = Target::of(&planted);
            assert!(matches!(target, Target::Refused { .. }), "{target:?}");
            assert!(
                check_targets(&[&target], [])
                    .unwrap_err()
                    .contains("leads out of")
            );
            assert!(write_atomically(&planted, b"report").is_err());
            assert_eq!(
                std::fs::read_to_string(outside.join("precious.txt")).unwrap(),
                "keep"
            );
            // /dev/zero is a character device, but no sink for a report.
            let zero = Target::of(Path::new("/dev/zero"));
            assert!(matches!(zero, Target::Refused { .. }), "{zero:?}");
            // (Standard output when a run sends it there.)
            let null = Target::of(Path::new("/dev/null"));
            assert!(
                matches!(null, Target::InPlace(_) | Target::Stdout),
                "{null:?}"
            );
        }
        std::fs::remove_dir_all(&outside).unwrap();
        std::fs::remove_dir_all(&inside).unwrap();
    }

    #[test]
    fn dash_is_standard_output() {
        assert_eq!(Target::of(Path::new("-")), Target::Stdout);
    }
}
