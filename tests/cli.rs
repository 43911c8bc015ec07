//! The `errlint` binary as a user runs it: exit codes, several files at once, formats, colour.

use std::path::Path;
use std::process::{Command, Output};

fn errlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("run errlint")
}

/// Writes a document into this test binary's scratch folder and returns its path.
fn scratch(name: &str, text: &str) -> String {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Only a warning: GET /a has no 5xx response.
const WARNINGS_ONLY: &str =
    "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n";

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn exit_codes_follow_the_worst_finding() {
    assert_eq!(
        errlint(&["fixtures/error-code-present/pass.yaml"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        errlint(&["fixtures/error-code-present/fail.yaml"])
            .status
            .code(),
        Some(1)
    );
    // Warnings alone pass, unless denied.
    let warnings_only = scratch("warnings-only.yaml", WARNINGS_ONLY);
    assert_eq!(errlint(&[&warnings_only]).status.code(), Some(0));
    assert_eq!(
        errlint(&["--deny-warnings", &warnings_only]).status.code(),
        Some(1)
    );
    assert_eq!(
        errlint(&["fixtures/invalid/syntax.yaml"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_broken_file_does_not_stop_the_others() {
    let output = errlint(&[
        "--format",
        "concise",
        "fixtures/invalid/syntax.json",
        "fixtures/error-status-known/fail.yaml",
        "fixtures/does-not-exist.yaml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(
        text.contains("fixtures/invalid/syntax.json:1:89: error[invalid-syntax]"),
        "{text}"
    );
    assert!(
        text.contains("fixtures/error-status-known/fail.yaml:8:9: error[error-status-known]"),
        "{text}"
    );
    assert!(
        text.contains("fixtures/does-not-exist.yaml: error[unreadable-file] cannot read"),
        "{text}"
    );
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(
        errlint(&["--format", "xml", "x.yaml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        errlint(&["--rule", "no-such-rule=error", "x.yaml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        errlint(&["--rule", "error-status-known=loud", "x.yaml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(errlint(&[]).status.code(), Some(2));
}

#[test]
fn rule_levels_from_the_command_line() {
    let file = scratch("levels.yaml", WARNINGS_ONLY);
    assert_eq!(
        errlint(&["--rule", "error-status-coverage=error", &file])
            .status
            .code(),
        Some(1)
    );
    let off = errlint(&[
        "--format",
        "concise",
        "--rule",
        "error-status-coverage=off",
        &file,
    ]);
    assert_eq!(stdout(&off), "");
}

#[test]
fn pretty_output_has_no_colour_in_a_pipe_and_ends_with_a_summary() {
    let output = errlint(&["fixtures/error-status-known/fail.yaml"]);
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'), "escape codes in piped output");
    assert!(text.ends_with("7 errors, 1 warning in 1 file\n"), "{text}");
    let forced = stdout(&errlint(&[
        "--color",
        "always",
        "fixtures/error-status-known/fail.yaml",
    ]));
    assert!(forced.contains('\u{1b}'));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let args = [
        "--format",
        "json",
        "fixtures/example/openapi.yaml",
        "fixtures/refs/multi-file/openapi.yaml",
    ];
    assert_eq!(errlint(&args).stdout, errlint(&args).stdout);
    // The order of the arguments does not change the order of the findings.
    let reversed = [
        "--format",
        "json",
        "fixtures/refs/multi-file/openapi.yaml",
        "fixtures/example/openapi.yaml",
    ];
    assert_eq!(errlint(&args).stdout, errlint(&reversed).stdout);
}

#[test]
fn the_linted_files_are_never_written() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example/openapi.yaml");
    let before = std::fs::read(&file).unwrap();
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    errlint(&["fixtures/example/openapi.yaml"]);
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );
}
