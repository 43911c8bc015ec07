//! Writes that never destroy: a report to a device, a FIFO or a path that names standard
//! output is written there, never renamed over it; `-` is standard output for every report
//! path; `--fix` leaves alone a file it may not or should not write (changed meanwhile,
//! read-only, hard-linked, outside the linted tree) and keeps CRLF line endings; every command
//! refuses, before writing anything, an output over an input or an OpenAPI document.
//!
//! The device case uses a private `mknod` node, never the real `/dev/null`.

#![cfg(unix)]

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A document with one fixable finding (`4xx` written in lower case) and error findings.
const FIXABLE: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n        4xx:\n          description: bad\n          content:\n            application/json:\n              schema: {$ref: 'errors.yaml#/Error'}\n";
const ERRORS: &str =
    "Error:\n  type: object\n  required: [code]\n  properties:\n    code: {type: string}\n";

/// A scratch repository (a folder with `.git`) holding the fixable document and its errors.
fn repository(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("errlint-writes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let repo = base.join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("openapi.yaml"), FIXABLE).unwrap();
    std::fs::write(repo.join("errors.yaml"), ERRORS).unwrap();
    std::fs::canonicalize(repo).unwrap()
}

/// Asserts that `name` in `repo` holds `text`, as written or as left alone.
fn assert_holds(repo: &Path, name: &str, text: &str) {
    assert_eq!(
        std::fs::read_to_string(repo.join(name)).unwrap(),
        text,
        "{name}"
    );
}

fn errlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errlint"))
        .arg("--no-config")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run errlint")
}

fn errlint_command(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run errlint")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A private null device, or `None` (with the test said to be skipped) where nodes cannot be
/// made (not root, or a container that forbids it).
fn private_null(dir: &Path, test: &str) -> Option<PathBuf> {
    let node = dir.join("null");
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if made {
        Some(node)
    } else {
        crate::external::skip(test, "mknod cannot make a device node here");
        None
    }
}

fn assert_still_a_device(node: &Path, what: &str) {
    let meta = std::fs::symlink_metadata(node).unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "{what} replaced the device"
    );
}

#[test]
fn reports_pages_and_baselines_written_to_a_device_leave_it_a_device() {
    let repo = repository("device");
    let Some(null) = private_null(
        &repo,
        "writes::reports_pages_and_baselines_written_to_a_device_leave_it_a_device",
    ) else {
        return;
    };
    let null_arg = null.to_str().unwrap();
    let runs: [&[&str]; 5] = [
        &["--output", null_arg, "openapi.yaml"],
        &["--format", &format!("sarif={null_arg}"), "openapi.yaml"],
        &["--write-baseline", null_arg, "openapi.yaml"],
        &["docs", "--output", null_arg, "openapi.yaml"],
        &[
            "diff",
            "--format",
            &format!("json={null_arg}"),
            "openapi.yaml",
            "openapi.yaml",
        ],
    ];
    for args in runs {
        let output = if args[0] == "docs" || args[0] == "diff" {
            errlint_command(&repo, args)
        } else {
            errlint(&repo, args)
        };
        assert_ne!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_still_a_device(&null, &format!("{args:?}"));
    }
}

#[test]
fn a_path_that_names_standard_output_writes_to_it_and_stays_a_link() {
    let repo = repository("stdout-link");
    // A private `/dev/stdout`: a link to this process's standard output.
    std::os::unix::fs::symlink("/proc/self/fd/1", repo.join("stdout")).unwrap();
    let output = errlint(&repo, &["--format", "sarif=stdout", "openapi.yaml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("\"$schema\""), "{printed}");
    let link = std::fs::symlink_metadata(repo.join("stdout")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
}

#[test]
fn a_report_to_a_fifo_reaches_its_reader() {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let repo = repository("fifo");
    let fifo = repo.join("report.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // The read end is opened first, without blocking, so that errlint's open for writing finds
    // a reader and a FIFO that was replaced leaves nothing to wait for. The report is small
    // enough for the pipe's buffer.
    const O_NONBLOCK: i32 = 0o4000;
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let output = errlint(
        &repo,
        &[
            "--format",
            "concise",
            "--output",
            "report.fifo",
            "openapi.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let mut read = String::new();
    let _ = reader.read_to_string(&mut read);
    assert!(read.contains("openapi.yaml:"), "{read}");
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(meta.file_type().is_fifo(), "the FIFO was replaced");
}

#[test]
fn dash_is_standard_output_wherever_a_report_path_is_taken() {
    let repo = repository("dash");
    let sarif = errlint(&repo, &["--format", "sarif=-", "openapi.yaml"]);
    assert!(String::from_utf8_lossy(&sarif.stdout).contains("\"$schema\""));
    assert!(!repo.join("-").exists());
    let baseline = errlint(&repo, &["--write-baseline", "-", "openapi.yaml"]);
    assert_eq!(baseline.status.code(), Some(0), "{}", stderr(&baseline));
    assert!(String::from_utf8_lossy(&baseline.stdout).contains("openapi.yaml"));
    let page = errlint_command(&repo, &["docs", "--output", "-", "openapi.yaml"]);
    assert!(String::from_utf8_lossy(&page.stdout).starts_with('#'));
    assert!(!repo.join("-").exists());
    // Two reports cannot share standard output, however it is named.
    let two = errlint(
        &repo,
        &["--format", "concise", "--format", "json=-", "openapi.yaml"],
    );
    assert_eq!(two.status.code(), Some(2));
    assert!(stderr(&two).contains("standard output"), "{}", stderr(&two));
}

#[test]
fn no_command_writes_over_an_openapi_document_or_an_input() {
    let repo = repository("policy");
    std::fs::write(repo.join("other.yaml"), FIXABLE).unwrap();
    let runs: [&[&str]; 3] = [
        &["docs", "--output", "other.yaml", "openapi.yaml"],
        &[
            "diff",
            "--format",
            "json=other.yaml",
            "openapi.yaml",
            "openapi.yaml",
        ],
        &[
            "diff",
            "--output",
            "errors.yaml",
            "openapi.yaml",
            "openapi.yaml",
        ],
    ];
    for args in runs {
        let output = errlint_command(&repo, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("refusing to write"),
            "{}",
            stderr(&output)
        );
    }
    assert_holds(&repo, "other.yaml", FIXABLE);
    assert_holds(&repo, "errors.yaml", ERRORS);
}

#[test]
fn fix_with_a_report_over_a_referenced_file_writes_nothing() {
    let repo = repository("fix-output");
    let output = errlint(&repo, &["--fix", "--output", "errors.yaml", "openapi.yaml"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("nothing was written"),
        "{}",
        stderr(&output)
    );
    assert_holds(&repo, "openapi.yaml", FIXABLE);
    assert_holds(&repo, "errors.yaml", ERRORS);
}

#[test]
fn fix_keeps_crlf_line_endings() {
    let repo = repository("crlf");
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix/required-yaml");
    let crlf = |name: &str| {
        std::fs::read_to_string(case.join(name))
            .unwrap()
            .replace('\n', "\r\n")
    };
    std::fs::write(repo.join("openapi.yaml"), crlf("openapi.yaml")).unwrap();
    std::fs::write(repo.join("errors.yaml"), crlf("errors.yaml")).unwrap();
    // The case's fix makes `code` required, which changes the contract: asked for on purpose.
    let output = errlint(&repo, &["--fix", "--unsafe-fixes", "openapi.yaml"]);
    assert_ne!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_holds(&repo, "errors.yaml", &crlf("errors.fixed.yaml"));
    assert_holds(&repo, "openapi.yaml", &crlf("openapi.fixed.yaml"));
}

/// Runs `--fix` on the scratch repository and checks that `openapi.yaml` was left alone with a
/// message naming `reason`, and exit code 2.
fn assert_left_alone(repo: &Path, args: &[&str], reason: &str) {
    let output = errlint(repo, args);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("openapi.yaml was left alone") && stderr(&output).contains(reason),
        "{}",
        stderr(&output)
    );
    assert_holds(repo, "openapi.yaml", FIXABLE);
}

#[test]
fn fix_refuses_a_read_only_file() {
    let repo = repository("read-only");
    let document = repo.join("openapi.yaml");
    std::fs::set_permissions(&document, std::fs::Permissions::from_mode(0o444)).unwrap();
    assert_left_alone(&repo, &["--fix", "openapi.yaml"], "read-only");
    assert_eq!(std::fs::metadata(&document).unwrap().mode() & 0o777, 0o444);
}

#[test]
fn fix_keeps_hard_links_by_refusing() {
    let repo = repository("hard-link");
    std::fs::hard_link(repo.join("openapi.yaml"), repo.join("copy.yaml")).unwrap();
    assert_left_alone(&repo, &["--fix", "openapi.yaml"], "hard links");
    let (a, b) = (
        std::fs::metadata(repo.join("openapi.yaml")).unwrap(),
        std::fs::metadata(repo.join("copy.yaml")).unwrap(),
    );
    assert_eq!(a.ino(), b.ino(), "the hard link was broken");
}

#[test]
fn fix_never_writes_outside_the_linted_tree() {
    let repo = repository("outside");
    let outside = repo.parent().unwrap().join("shared");
    std::fs::create_dir_all(&outside).unwrap();
    // The fixable range is in the shared file; the document itself has nothing to fix.
    let shared = FIXABLE.replace("errors.yaml", "../repo/errors.yaml");
    std::fs::write(outside.join("openapi.yaml"), &shared).unwrap();
    let document = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: '../shared/openapi.yaml#/paths/~1a'}\n";
    std::fs::write(repo.join("api.yaml"), document).unwrap();
    let output = errlint(
        &repo,
        &["--fix", "--allow-external-refs", "../shared", "api.yaml"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("outside the linted tree"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("openapi.yaml")).unwrap(),
        shared
    );
}

/// A path through `/proc` or `/dev` to a regular file is that file: a report may not be
/// appended to the document through `/proc/self/cwd`, and two names of one new file are one
/// place.
#[test]
fn a_report_cannot_reach_an_input_through_proc_nor_share_a_file_under_two_names() {
    let repo = repository("through-proc");
    let output = errlint(
        &repo,
        &["--output", "/proc/self/cwd/openapi.yaml", "openapi.yaml"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_holds(&repo, "openapi.yaml", FIXABLE);
    let two = errlint(
        &repo,
        &[
            "--format",
            "json=r.txt",
            "--format",
            "sarif=./r.txt",
            "openapi.yaml",
        ],
    );
    assert_eq!(two.status.code(), Some(2), "{}", stderr(&two));
    assert!(stderr(&two).contains("two outputs"), "{}", stderr(&two));
    assert!(!repo.join("r.txt").exists());
}

/// A FIFO nobody reads is an error at once, not a wait without end.
#[test]
fn a_fifo_without_a_reader_fails_at_once() {
    let repo = repository("fifo-alone");
    let fifo = repo.join("nobody.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(["--no-config", "--output", "nobody.fifo", "openapi.yaml"])
        .current_dir(&repo)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("errlint waited for a reader");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
}

/// A fix by root keeps the file's owner and mode, and the copy is never readable by others
/// on the way (it is created private).
#[test]
fn a_fix_keeps_the_owner_and_mode_of_the_file() {
    let repo = repository("owner");
    let document = repo.join("openapi.yaml");
    let chowned = Command::new("chown")
        .args(["65534:65534"])
        .arg(&document)
        .status()
        .is_ok_and(|s| s.success());
    if !chowned {
        crate::external::skip(
            "writes::a_fix_keeps_the_owner_and_mode_of_the_file",
            "not root: cannot give a file to another user",
        );
        return;
    }
    std::fs::set_permissions(&document, std::fs::Permissions::from_mode(0o640)).unwrap();
    let output = errlint(&repo, &["--fix", "openapi.yaml"]);
    assert_ne!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_ne!(
        std::fs::read_to_string(&document).unwrap(),
        FIXABLE,
        "not fixed"
    );
    let meta = std::fs::metadata(&document).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    assert_eq!(meta.mode() & 0o777, 0o640);
}

/// A fix left alone fails the run even when a baseline is written; a preview of fixes for
/// something that could not be linted says so with exit 2.
#[test]
fn fixes_left_alone_or_unlinted_end_with_exit_2() {
    let repo = repository("fix-exit");
    let document = repo.join("openapi.yaml");
    std::fs::set_permissions(&document, std::fs::Permissions::from_mode(0o444)).unwrap();
    let baseline = errlint(
        &repo,
        &["--fix", "--write-baseline", "b.json", "openapi.yaml"],
    );
    assert_eq!(baseline.status.code(), Some(2), "{}", stderr(&baseline));
    std::fs::write(
        repo.join("broken.yaml"),
        "openapi: 3.0.3\npaths: [unclosed\n",
    )
    .unwrap();
    for file in ["broken.yaml", "missing.yaml"] {
        let preview = errlint(&repo, &["--fix", "--diff", file]);
        assert_eq!(
            preview.status.code(),
            Some(2),
            "{file}: {}",
            stderr(&preview)
        );
    }
}
