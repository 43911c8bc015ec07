//! Reading a file that whoever opened the pull request may have written: only inside the
//! folders allowed, only a regular file (never a FIFO, a device or a folder), and never more
//! than the size cap, counted while reading (metadata can lie: `/dev/zero` says 0 bytes).
//! Documents, `$ref`'d files, configs, profiles and baselines all come through here.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read. Its text never reaches a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The file (after following links) lies outside every allowed folder.
    Outside,
    /// Not a regular file: what it is instead.
    NotAFile(&'static str),
    TooBig {
        limit: u64,
    },
    Io(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Outside => f.write_str("it is outside the linted tree, so it is not read"),
            Refusal::NotAFile(what) => write!(f, "it is {what}, not a regular file"),
            Refusal::TooBig { limit } => write!(f, "it is over the limit of {limit} bytes"),
            Refusal::Io(e) => f.write_str(e),
        }
    }
}

/// Where a reader may look: the tree of the file being read (see [`tree_of`]), plus folders the
/// user allowed, and how much it may read.
#[derive(Debug, Clone)]
pub struct Access {
    pub extra_roots: Vec<PathBuf>,
    pub max_bytes: u64,
}

impl Default for Access {
    fn default() -> Self {
        Access {
            extra_roots: Vec::new(),
            max_bytes: super::Limits::default().max_file_bytes,
        }
    }
}

impl Access {
    /// Reads a file named by the user or by another file: contained in `tree_of(path)` or an
    /// allowed folder, regular, capped.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Refusal> {
        self.read_named_by(path, path)
    }

    /// Reads a file named by another file (`extends: ./base.yaml`): contained in the tree of
    /// the file that names it, not in a tree of its own choosing.
    pub fn read_named_by(&self, path: &Path, by: &Path) -> Result<Vec<u8>, Refusal> {
        let mut roots: Vec<PathBuf> = tree_of(by).into_iter().collect();
        roots.extend(
            self.extra_roots
                .iter()
                .filter_map(|r| std::fs::canonicalize(r).ok()),
        );
        read_contained(path, &roots, self.max_bytes)
    }
}

/// The folder whose files a document (or a config) may read without being told otherwise:
/// the root of the git repository that holds it; outside any repository, the current folder
/// when it holds the file, else the file's own folder. `path` is taken as written: a link is
/// judged by the folder it lies in, not by where it leads.
pub fn tree_of(path: &Path) -> Option<PathBuf> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let folder = std::fs::canonicalize(folder).ok()?;
    if let Some(repository) = folder.ancestors().find(|d| d.join(".git").exists()) {
        return Some(repository.to_path_buf());
    }
    match std::env::current_dir().and_then(std::fs::canonicalize) {
        Ok(cwd) if folder.starts_with(&cwd) => Some(cwd),
        _ => Some(folder),
    }
}

/// Reads `path` if, after following links, it lies inside one of `roots`, is a regular file
/// and holds at most `limit` bytes.
pub fn read_contained(path: &Path, roots: &[PathBuf], limit: u64) -> Result<Vec<u8>, Refusal> {
    let real = std::fs::canonicalize(path).map_err(|e| Refusal::Io(e.to_string()))?;
    if !roots.iter().any(|root| real.starts_with(root)) {
        return Err(Refusal::Outside);
    }
    read_regular(&real, limit)
}

/// Opens without waiting: a FIFO opened for reading does not wait for a writer, and one opened
/// for writing is an error at once when nobody reads it.
pub(crate) fn without_blocking(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        /// `O_NONBLOCK` on Linux and the BSDs alike.
        const O_NONBLOCK: i32 = if cfg!(target_os = "linux") {
            0o4000
        } else {
            0x0004
        };
        options.custom_flags(O_NONBLOCK);
    }
    options
}

/// Reads a regular file of at most `limit` bytes. The file is opened without blocking (a FIFO
/// would wait for a writer forever) and its type is checked on the open handle, so it cannot
/// be swapped between the check and the read.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    let file = without_blocking(&mut options)
        .open(path)
        .map_err(|e| Refusal::Io(e.to_string()))?;
    let meta = file.metadata().map_err(|e| Refusal::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(Refusal::NotAFile(kind_of(&meta)));
    }
    #[cfg(unix)]
    if let Some(bytes) = read_in_parts(&file, meta.len(), limit)? {
        return Ok(bytes);
    }
    #[cfg(unix)]
    if let Some(bytes) = read_as_long_as_it_says(&file, meta.len(), limit) {
        return Ok(bytes);
    }
    // The size is only a hint (it is checked again while reading), but reserving it saves
    // growing the buffer a dozen times on a 13 MB file.
    let hint = meta.len().min(limit).saturating_add(1);
    read_capped_into(&file, limit, Vec::with_capacity(hint as usize))
}

/// A small file read in one go to the size it had when opened: a last read only to see its
/// end was a system call for each of a split description's thousands of files. `None` when
/// its size says nothing (0, as files in `/proc` say), is over the limit, or is not what
/// could be read (the file shrank): then it is read from its start to its end. The read is
/// at an offset, so the file's position stays at its start for that.
#[cfg(unix)]
fn read_as_long_as_it_says(file: &std::fs::File, size: u64, limit: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    if size == 0 || size > limit {
        return None;
    }
    let mut bytes = vec![0; usize::try_from(size).ok()?];
    file.read_exact_at(&mut bytes, 0).ok()?;
    Some(bytes)
}

/// Files from this size are read in parts, one a thread.
#[cfg(unix)]
const READ_IN_PARTS_FROM: u64 = 1 << 20;

/// Reads a large regular file of `size` bytes in parts on all threads, each at its own offset.
/// Most of a read's time here is the kernel faulting in the buffer's fresh pages, one at a
/// time; in parts they fault in side by side (GitHub's 13 MB JSON: 22 ms read whole, 12 ms in
/// two parts). `None` when the file is small, or is not as long as it said (it changed while
/// read): then it is read whole from the start.
#[cfg(unix)]
fn read_in_parts(file: &std::fs::File, size: u64, limit: u64) -> Result<Option<Vec<u8>>, Refusal> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;
    let threads = rayon::current_num_threads();
    if size < READ_IN_PARTS_FROM || threads < 2 {
        return Ok(None);
    }
    if size > limit {
        return Err(Refusal::TooBig { limit });
    }
    let mut bytes = vec![0u8; size as usize];
    let part = bytes.len().div_ceil(threads);
    let read: std::io::Result<()> = bytes
        .par_chunks_mut(part)
        .enumerate()
        .try_for_each(|(i, chunk)| file.read_exact_at(chunk, (i * part) as u64));
    match read {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(Refusal::Io(e.to_string())),
    }
    // A byte past the end means the file grew.
    match file.read_at(&mut [0u8], size) {
        Ok(0) => Ok(Some(bytes)),
        Ok(_) => Ok(None),
        Err(e) => Err(Refusal::Io(e.to_string())),
    }
}

/// Reads at most `limit` bytes from a stream (standard input); more is an error, not a
/// truncation.
pub fn read_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>, Refusal> {
    read_capped_into(reader, limit, Vec::new())
}

fn read_capped_into(reader: impl Read, limit: u64, mut bytes: Vec<u8>) -> Result<Vec<u8>, Refusal> {
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Refusal::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooBig { limit });
    }
    Ok(bytes)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("errlint-source-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::canonicalize(dir).unwrap()
    }

    #[test]
    fn devices_folders_and_fifos_are_refused_without_blocking() {
        assert_eq!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(Refusal::NotAFile("a device"))
        );
        let dir = scratch("types");
        assert_eq!(read_regular(&dir, 10), Err(Refusal::NotAFile("a folder")));
        #[cfg(unix)]
        {
            let fifo = dir.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                assert_eq!(read_regular(&fifo, 10), Err(Refusal::NotAFile("a FIFO")));
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_cap_is_counted_while_reading() {
        assert_eq!(
            read_capped(std::io::repeat(b'a'), 1000),
            Err(Refusal::TooBig { limit: 1000 })
        );
        assert_eq!(read_capped(&b"abc"[..], 3), Ok(b"abc".to_vec()));
    }

    #[test]
    #[cfg(unix)]
    fn a_link_out_of_the_tree_is_refused_before_reading() {
        let dir = scratch("links");
        let inside = dir.join("tree");
        std::fs::create_dir_all(&inside).unwrap();
        let secret = dir.join("secret.txt");
        std::fs::write(&secret, "token").unwrap();
        let link = inside.join("gc.yaml");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        assert_eq!(
            read_contained(&link, std::slice::from_ref(&inside), 100),
            Err(Refusal::Outside)
        );
        std::fs::write(inside.join("ok.yaml"), "a: 1").unwrap();
        assert_eq!(
            read_contained(&inside.join("ok.yaml"), &[inside], 100),
            Ok(b"a: 1".to_vec())
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A large file read in parts is every byte in order, on any number of parts that do
    /// not divide it evenly; over the cap, it is refused unread; a file that changed while
    /// read (`read_in_parts` gives up) is read whole instead.
    #[test]
    #[cfg(unix)]
    fn a_large_file_read_in_parts_is_the_file() {
        let dir = scratch("parts");
        let path = dir.join("large.json");
        let text: Vec<u8> = (0..(READ_IN_PARTS_FROM as usize + 12_345))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &text).unwrap();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let file = std::fs::File::open(&path).unwrap();
                let size = text.len() as u64;
                assert_eq!(
                    read_in_parts(&file, size, u64::MAX).unwrap().is_some(),
                    threads > 1
                );
                assert_eq!(read_regular(&path, u64::MAX).as_deref(), Ok(&text[..]));
                assert_eq!(
                    read_regular(&path, size - 1),
                    Err(Refusal::TooBig { limit: size - 1 })
                );
                // As if it had grown or shrunk since its size was taken.
                if threads > 1 {
                    assert_eq!(read_in_parts(&file, size - 1, u64::MAX), Ok(None));
                    assert_eq!(read_in_parts(&file, size + 1, u64::MAX), Ok(None));
                }
            });
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A small file is read in one go to the size it had when opened; one that is shorter
    /// than that now (it shrank) is read from its start to its end instead, and one with no
    /// size to go by (as in `/proc`) too.
    #[test]
    #[cfg(unix)]
    fn a_small_file_is_read_as_long_as_it_says() {
        let dir = scratch("small");
        let path = dir.join("api.yaml");
        let text = b"openapi: 3.1.0\npaths: {}\n";
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let size = text.len() as u64;
        assert_eq!(
            read_as_long_as_it_says(&file, size, u64::MAX).as_deref(),
            Some(&text[..])
        );
        assert_eq!(read_as_long_as_it_says(&file, size + 1, u64::MAX), None);
        assert_eq!(read_as_long_as_it_says(&file, 0, u64::MAX), None);
        assert_eq!(read_as_long_as_it_says(&file, size, size - 1), None);
        // Whatever was tried first, the file is read whole from its start.
        let mut rest = Vec::new();
        std::io::Read::read_to_end(&mut &file, &mut rest).unwrap();
        assert_eq!(rest, text);
        assert_eq!(read_regular(&path, u64::MAX).as_deref(), Ok(&text[..]));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
