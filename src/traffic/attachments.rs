//! Where the bodies that Playwright's `content._file` names are read from: the HAR's own
//! folder, or the zip archive the HAR came in. A HAR read from a stream has neither.

use super::archive;
use super::exchange::Body;
use std::path::PathBuf;

pub(super) enum Attachments {
    Nowhere,
    /// The HAR's folder, as a canonical path.
    Folder(PathBuf),
    Zip(archive::Attachments),
}

impl Attachments {
    /// The body in the attachment `name`, at most `cap` bytes of it.
    pub(super) fn read(&self, name: &str, cap: u64) -> Body {
        match self {
            Attachments::Nowhere => Body::Unreadable(format!(
                "its body is in the attachment `{name}`, which is read only beside a HAR file"
            )),
            Attachments::Folder(folder) => from_folder(name, folder, cap),
            Attachments::Zip(zip) => zip.read(name, cap),
        }
    }
}

/// An attachment read only from the HAR's own folder (after following links), as a regular
/// file under the cap.
fn from_folder(name: &str, folder: &std::path::Path, cap: u64) -> Body {
    let path = folder.join(name);
    let roots = [folder.to_path_buf()];
    match crate::document::source::read_contained(&path, &roots, cap) {
        Ok(bytes) => Body::from_bytes(bytes),
        Err(refusal) => {
            Body::Unreadable(format!("its body is in the attachment `{name}`: {refusal}"))
        }
    }
}
