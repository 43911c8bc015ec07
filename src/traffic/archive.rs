//! Playwright's zipped HAR (`recordHar: {path: 'x.zip'}`): one `.har` entry, inflated as it is
//! read, and the bodies its `content._file` names, taken from the same archive by exact name.
//!
//! The zip crate finds the entries (its central directory, which Playwright's data descriptors
//! make the only place the sizes are); the HAR entry is then inflated here, from its offset,
//! because the crate's entry reader borrows the archive and the reading of the HAR outlives
//! every borrow. Nothing read from the archive goes past a size it declares or a cap.

use super::exchange::Body;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use zip::{CompressionMethod, ZipArchive};

/// The first bytes of a zip archive: a local file header, or the end of an empty archive.
pub(super) fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// An archive as something to read at any offset; each clone keeps its own position, so the
/// HAR being inflated and an attachment being read never move each other.
#[derive(Clone)]
pub(super) enum Archive {
    File(SharedFile),
    Memory(std::io::Cursor<Arc<[u8]>>),
}

impl Read for Archive {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Archive::File(file) => file.read(out),
            Archive::Memory(bytes) => bytes.read(out),
        }
    }
}

impl Seek for Archive {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        match self {
            Archive::File(file) => file.seek(to),
            Archive::Memory(bytes) => bytes.seek(to),
        }
    }
}

/// The archive's HAR entry, ready to be read, and the archive for its attachments.
pub(super) struct Opened {
    pub har: Inflated,
    pub attachments: Attachments,
}

/// Opens `archive`: exactly one entry whose name ends in `.har` (Playwright's `har.har`),
/// stored or deflated and not encrypted. The message says what is wrong otherwise.
pub(super) fn open(mut archive: Archive) -> Result<Opened, String> {
    let unreadable =
        |e: &dyn std::fmt::Display| format!("it is a zip archive that cannot be read: {e}");
    if !has_end_record(&mut archive).map_err(|e| unreadable(&e))? {
        return Err(unreadable(
            &"its end (the directory of its entries) is missing",
        ));
    }
    let mut zip = ZipArchive::new(archive).map_err(|e| unreadable(&e))?;
    let index = the_har(&zip)?;
    Ok(Opened {
        har: inflating(&mut zip, index)?,
        attachments: Attachments { zip },
    })
}

/// The index of the archive's one `.har` entry, in any case.
fn the_har(zip: &ZipArchive<Archive>) -> Result<usize, String> {
    let hars: Vec<usize> = (0..zip.len())
        .filter(|&i| {
            zip.name_for_index(i)
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".har"))
        })
        .collect();
    match hars[..] {
        [one] => Ok(one),
        [] => Err("the zip archive holds no `.har` entry".into()),
        [a, b, ..] => {
            let name = |i| zip.name_for_index(i).unwrap_or_default();
            Err(format!(
                "the zip archive holds {} `.har` entries (`{}`, `{}`), so which one to read is unclear",
                hars.len(),
                name(a),
                name(b)
            ))
        }
    }
}

/// The entry `index`, to be inflated from a reader of its own, as it is read.
fn inflating(zip: &mut ZipArchive<Archive>, index: usize) -> Result<Inflated, String> {
    let entry = zip
        .by_index_raw(index)
        .map_err(|e| format!("the zip archive's HAR entry cannot be read: {e}"))?;
    let name = entry.name().to_string();
    if entry.encrypted() {
        return Err(format!("the zip archive's `{name}` is encrypted"));
    }
    let (Some(start), method) = (entry.data_start(), entry.compression()) else {
        return Err(format!("the zip archive's `{name}` has no data"));
    };
    let (compressed, declared, expected_crc) =
        (entry.compressed_size(), entry.size(), entry.crc32());
    drop(entry);
    let mut raw = zip.clone().into_inner();
    raw.seek(SeekFrom::Start(start))
        .map_err(|e| format!("the zip archive's `{name}` cannot be read: {e}"))?;
    let raw = raw.take(compressed);
    let inner: Box<dyn Read + Send> = match method {
        CompressionMethod::Stored => Box::new(raw),
        CompressionMethod::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
        other => {
            return Err(format!(
                "the zip archive's `{name}` is compressed with {other}; errlint reads stored and deflated entries"
            ));
        }
    };
    Ok(Inflated {
        name,
        inner,
        declared,
        read: 0,
        crc: flate2::Crc::new(),
        expected_crc,
    })
}

/// Whether the archive's last 22 + 65,535 bytes (the end record and the longest comment) hold
/// the end record's signature, where APPNOTE puts it. The zip crate looks for it through the
/// whole file, which for a 2 GB file of zeros takes seconds; a zip cut short is told at once.
fn has_end_record(archive: &mut Archive) -> std::io::Result<bool> {
    const TAIL: u64 = 22 + 65_535;
    let len = archive.seek(SeekFrom::End(0))?;
    archive.seek(SeekFrom::Start(len.saturating_sub(TAIL)))?;
    let mut tail = Vec::new();
    archive.by_ref().take(TAIL).read_to_end(&mut tail)?;
    archive.rewind()?;
    Ok(memchr::memmem::find(&tail, b"PK\x05\x06").is_some())
}

/// The HAR text, inflated as it is read, never past the size the archive declares for it
/// (a declared size smaller than the data is how a zip bomb gets past a reader that trusts
/// the data), and checked against its CRC at the end.
pub(super) struct Inflated {
    name: String,
    inner: Box<dyn Read + Send>,
    declared: u64,
    read: u64,
    crc: flate2::Crc,
    expected_crc: u32,
}

impl Read for Inflated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let broken =
            |message: String| std::io::Error::new(std::io::ErrorKind::InvalidData, message);
        let inflate = |inner: &mut Box<dyn Read + Send>, out: &mut [u8], name: &str| {
            inner.read(out).map_err(|e| {
                broken(format!(
                    "the zip archive's `{name}` cannot be inflated: {e}"
                ))
            })
        };
        if out.is_empty() {
            return Ok(0);
        }
        let room = self.declared.saturating_sub(self.read);
        if room == 0 {
            // All that was declared has been read: one byte more means the entry lies.
            if inflate(&mut self.inner, &mut [0], &self.name)? > 0 {
                return Err(broken(format!(
                    "the zip archive's `{}` inflates to more than the {} bytes it declares",
                    self.name, self.declared
                )));
            }
            if self.crc.sum() != self.expected_crc {
                return Err(broken(format!(
                    "the zip archive's `{}` is damaged: its checksum does not match",
                    self.name
                )));
            }
            return Ok(0);
        }
        let want = out.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = inflate(&mut self.inner, &mut out[..want], &self.name)?;
        if n == 0 {
            return Err(broken(format!(
                "the zip archive's `{}` ends after {} of the {} bytes it declares",
                self.name, self.read, self.declared
            )));
        }
        self.read += n as u64;
        self.crc.update(&out[..n]);
        Ok(n)
    }
}

/// The entries of the archive that a HAR's `content._file` may name.
pub(super) struct Attachments {
    zip: ZipArchive<Archive>,
}

impl Attachments {
    /// The body in the entry named exactly `name`, at most `cap` bytes of it inflated.
    pub(super) fn read(&self, name: &str, cap: u64) -> Body {
        let refused =
            |why: &str| Body::Unreadable(format!("its body is in the attachment `{name}`: {why}"));
        if name.is_empty() || name.starts_with('/') || name.contains('\\') {
            return refused("it is no plain entry name of the zip archive");
        }
        if name.split('/').any(|part| part == "..") {
            return refused("its name leads outside the zip archive");
        }
        // A clone shares the parsed directory and has a reader of its own.
        let mut zip = self.zip.clone();
        let Some(index) = zip.index_for_name(name) else {
            return refused("the zip archive has no such entry");
        };
        let entry = match zip.by_index(index) {
            Ok(entry) => entry,
            Err(e) => return refused(&e.to_string()),
        };
        let mut bytes = Vec::new();
        match entry.take(cap.saturating_add(1)).read_to_end(&mut bytes) {
            Err(e) => refused(&format!("it cannot be inflated: {e}")),
            Ok(_) if bytes.len() as u64 > cap => {
                refused(&format!("it is over the limit of {cap} bytes"))
            }
            Ok(_) => Body::from_bytes(bytes),
        }
    }
}

/// A file read at offsets of its own: clones share the open file (never reopened by name, so
/// never swapped for another) and each has its own position.
#[derive(Clone)]
pub(super) struct SharedFile {
    file: Arc<std::fs::File>,
    len: u64,
    at: u64,
}

impl SharedFile {
    pub(super) fn new(file: std::fs::File, len: u64) -> Self {
        SharedFile {
            file: Arc::new(file),
            len,
            at: 0,
        }
    }
}

impl Read for SharedFile {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, out, self.at)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, out, self.at)?;
        #[cfg(not(any(unix, windows)))]
        let n = {
            let _ = out;
            return Err(std::io::Error::other(
                "zip archives are read only on Unix and Windows",
            ));
        };
        self.at += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let at = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.len.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.at.checked_add_signed(delta),
        };
        self.at = at.ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a seek before the start of the file",
            )
        })?;
        Ok(self.at)
    }
}

#[cfg(test)]
#[path = "archive_tests.rs"]
mod tests;
