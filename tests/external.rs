//! What the tests read from outside this repository, and how they skip when it is absent.
//!
//! The real-world documents live in `../shared/corpus`, beside the clone, not in it (they are
//! tens of megabytes). A fresh clone has no such folder, and its tests must still pass: every
//! test that reads the corpus asks [`corpus`] for it and skips, visibly, when it is not there.
//!
//! The tests of errlint's packages run the real tools their users run (npm, pre-commit). A
//! machine without one skips those tests, visibly, through [`program`]; CI names the tools in
//! `ERRLINT_REQUIRE_TOOLS`, which turns such a skip into a failure, so that there they run.
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

/// The environment variable listing (comma-separated) the programs whose absence fails a test
/// instead of skipping it: `.ci/run` sets it to the tools it installs.
const REQUIRE_VARIABLE: &str = "ERRLINT_REQUIRE_TOOLS";

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

/// The path of `name` on `PATH`, or `None` after saying that `test` is skipped without it
/// (a panic instead when `ERRLINT_REQUIRE_TOOLS` names it).
pub fn program(test: &str, name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        if required(name) {
            panic!("{test}: `{name}` is not on PATH, and {REQUIRE_VARIABLE} requires it");
        }
        skip(test, &format!("`{name}` is not on PATH"));
    }
    found
}

/// Whether `ERRLINT_REQUIRE_TOOLS` names `tool`: its absence must then fail the test.
pub fn required(tool: &str) -> bool {
    let required = std::env::var(REQUIRE_VARIABLE).unwrap_or_default();
    required.split(',').any(|name| name.trim() == tool)
}

/// Runs a tool's command, which must succeed; a failure shows what it printed.
pub fn succeed(command: &mut std::process::Command, what: &str) -> std::process::Output {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
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

/// A fresh folder under the system's temporary folder, removed when dropped, whatever became of
/// the test: the tests of the tools leave a cargo build or npm packages there (hundreds of MB).
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("errlint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Scratch(dir)
    }
}

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
