//! What the tests read from outside this repository, and how they skip when it is absent.
//!
//! The real-world documents live in `../shared/corpus`, beside the clone, not in it (they are
//! tens of megabytes). A fresh clone has no such folder, and its tests must still pass: every
//! test that reads the corpus asks [`corpus`] for it and skips, visibly, when it is not there.
//!
//! cargo captures what a test prints with `eprintln!`, so a skip would show as a bare `ok`. A
//! skip is written to the process's standard error directly, which the capture does not take,
//! and the number of skipped tests is said once more when the test binary exits.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable that points the tests at a corpus elsewhere (or, set to a folder
/// that does not exist, hides it).
const CORPUS_VARIABLE: &str = "ERRLINT_CORPUS";

static SKIPPED: AtomicUsize = AtomicUsize::new(0);
static SAY_COUNT_AT_EXIT: Once = Once::new();

/// The corpus folder, or `None` after saying that `test` is skipped without it.
pub fn corpus(test: &str) -> Option<PathBuf> {
    let dir = corpus_dir();
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(
            test,
            &format!(
                "{} is absent (set {CORPUS_VARIABLE} to a copy of the corpus to run it)",
                dir.display()
            ),
        );
        None
    }
}

/// Where the corpus is looked for: `$ERRLINT_CORPUS`, else `../shared/corpus` beside the clone.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os(CORPUS_VARIABLE) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

/// Says, past cargo's capture, that `test` (or a part of it) did not run and why.
pub fn skip(test: &str, reason: &str) {
    SKIPPED.fetch_add(1, Ordering::Relaxed);
    SAY_COUNT_AT_EXIT.call_once(|| {
        // SAFETY: `atexit` is given a function that lives for the whole program.
        unsafe {
            atexit(say_skipped_count);
        }
    });
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {reason}");
}

unsafe extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
}

extern "C" fn say_skipped_count() {
    let count = SKIPPED.load(Ordering::Relaxed);
    let _ = writeln!(
        std::io::stderr(),
        "{count} test{} skipped in part or whole: see the `skipped:` lines above",
        if count == 1 { " was" } else { "s were" }
    );
}
