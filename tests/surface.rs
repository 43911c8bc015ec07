//! The CLI surface as a user reads it, snapshot-tested so that a change to a help text, a
//! listing or a table is reviewed like a change to a finding: `--help`, `rules`, `profiles`,
//! `explain` for one rule, `--statistics`, `--show-config` and the man page.

use std::process::Command;

/// Runs errlint in the repository root and returns its standard output; asserts the exit code.
fn errlint(args: &[&str], code: i32) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("run errlint");
    assert_eq!(
        output.status.code(),
        Some(code),
        "errlint {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn help() {
    insta::assert_snapshot!("help", errlint(&["--help"], 0));
}

#[test]
fn diff_help() {
    insta::assert_snapshot!("diff-help", errlint(&["diff", "--help"], 0));
}

#[test]
fn rules() {
    insta::assert_snapshot!("rules", errlint(&["rules"], 0));
}

#[test]
fn profiles() {
    insta::assert_snapshot!("profiles", errlint(&["profiles"], 0));
}

#[test]
fn explain_one_rule() {
    insta::assert_snapshot!("explain", errlint(&["explain", "retry-after-scope"], 0));
}

#[test]
fn statistics() {
    insta::assert_snapshot!(
        "statistics",
        errlint(
            &[
                "--no-config",
                "--statistics",
                "fixtures/example/openapi.yaml"
            ],
            1
        )
    );
}

#[test]
fn show_config() {
    insta::assert_snapshot!(
        "show-config",
        errlint(
            &[
                "--show-config",
                "fixtures/error-code-status/fail-composition.yaml"
            ],
            0
        )
    );
}

/// The man page is roff with the name, the synopsis and every subcommand.
#[test]
fn man_page() {
    let page = errlint(&["man"], 0);
    assert!(page.contains(".TH errlint 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section} missing");
    }
    for subcommand in [
        "check",
        "diff",
        "docs",
        "explain",
        "rules",
        "init",
        "completions",
    ] {
        assert!(
            page.contains(&format!("errlint\\-{subcommand}(1)")),
            "{subcommand} missing"
        );
    }
}
