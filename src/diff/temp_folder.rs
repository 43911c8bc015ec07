//! Private temporary folders for revisions written out from git: created readable by this user
//! only, removed when dropped, and removed on Ctrl-C or SIGTERM once [`remove_on_signals`] runs.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Every temporary folder alive, for the signal handler to remove. Writes into them hold this
/// lock too: the handler holds it until the process ends, so no write can bring a folder back
/// after it was removed.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the list leaves it whole: each change to it is one push or remove.
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A new, empty folder that only this process uses; removed with what it holds on drop.
#[derive(Debug)]
pub struct TempFolder {
    path: PathBuf,
}

impl TempFolder {
    /// Creates `errlint-…` in the system's temporary folder (`TMPDIR`), mode 0700.
    pub fn new() -> Result<TempFolder, String> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        let mut live = live();
        for _ in 0..16 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let folder = base.join(format!(
                "errlint-{}-{}-{nanos}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            match private_folder_builder().create(&folder) {
                Ok(()) => {
                    let path = std::fs::canonicalize(&folder).map_err(|e| e.to_string());
                    let path = path.inspect_err(|_| {
                        let _ = std::fs::remove_dir(&folder);
                    })?;
                    live.push(path.clone());
                    return Ok(TempFolder { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(format!("cannot create a temporary folder: {e}")),
            }
        }
        Err("cannot create a temporary folder".into())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `bytes` to `relative` inside the folder, creating the folders between.
    pub fn write(&self, relative: &Path, bytes: &[u8]) -> Result<(), String> {
        let _live = live();
        let target = self.path.join(relative);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, bytes).map_err(|e| e.to_string())
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let mut live = live();
        let _ = std::fs::remove_dir_all(&self.path);
        live.retain(|p| *p != self.path);
    }
}

/// Readable, writable and searchable by this user only: a revision's files may be private.
fn private_folder_builder() -> std::fs::DirBuilder {
    #[allow(unused_mut)]
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
}

/// From now on, Ctrl-C (SIGINT), SIGTERM and SIGHUP remove every temporary folder, then end
/// the process as the signal would have. Only the command line calls it: a library should not
/// take a process's signals. Without it a signal leaves the folders behind.
#[cfg(unix)]
pub fn remove_on_signals() -> Result<(), String> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| format!("cannot handle signals: {e}"))?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held until the end: see `LIVE`.
            let live = live();
            for folder in live.iter() {
                let _ = std::fs::remove_dir_all(folder);
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

/// Elsewhere a signal ends the process as before, and may leave the folders behind.
#[cfg(not(unix))]
pub fn remove_on_signals() -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_folder_is_private_and_gone_when_dropped() {
        let folder = TempFolder::new().unwrap();
        let path = folder.path().to_path_buf();
        folder.write(Path::new("a/b.yaml"), b"x: 1").unwrap();
        assert_eq!(std::fs::read(path.join("a/b.yaml")).unwrap(), b"x: 1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{mode:o}");
        }
        assert!(live().contains(&path));
        drop(folder);
        assert!(!path.exists());
        assert!(!live().contains(&path));
    }
}
