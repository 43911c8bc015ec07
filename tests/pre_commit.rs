//! The pre-commit hook, used as docs/ci-and-editors.md shows it: a repository with that
//! `.pre-commit-config.yaml` (the `errlint` hook of this repository, built by pre-commit with
//! `cargo install`), `pre-commit install`, and a commit of a failing document, which must be
//! blocked with the concise output.
//!
//! The hook repository is a commit of this working tree's files (tracked and new, as they are
//! now), so that the test checks the hooks being edited rather than the last commit's.

use crate::external::succeed;
use std::path::Path;
use std::process::Command;

const TEST: &str = "pre_commit::the_documented_hook_blocks_a_bad_commit_with_concise_output";

/// A command that sees only the scratch folder's git and pre-commit configuration, and whose
/// cargo builds offline (the dependencies are those `cargo test` just built with).
fn command(program: &str, scratch: &Path, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", scratch.join("gitconfig"))
        .env("PRE_COMMIT_HOME", scratch.join("pre-commit-home"))
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TARGET_DIR", scratch.join("hook-target"))
        // The test checks how the hook is wired, not the optimiser: a release build as
        // Cargo.toml sets it (one unit, fat LTO) would take minutes more.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("PRE_COMMIT_ALLOW_NO_CONFIG");
    command
}

/// A git repository holding this working tree's files in one commit; returns its hash.
fn commit_working_tree(scratch: &Path, into: &Path) -> String {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = succeed(
        command("git", scratch, here).args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ]),
        "git ls-files",
    );
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let from = here.join(name);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = into.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "errlint as it is being tested"],
    ] {
        succeed(
            command("git", scratch, into).args(args),
            "git in the hook repo",
        );
    }
    let head = succeed(
        command("git", scratch, into).args(["rev-parse", "HEAD"]),
        "git rev-parse",
    );
    String::from_utf8(head.stdout).unwrap().trim().to_string()
}

/// The first `.pre-commit-config.yaml` of the pre-commit section of docs/ci-and-editors.md.
fn documented_config() -> String {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci-and-editors.md"),
    )
    .unwrap();
    let section = &page[page
        .find("\n## pre-commit\n")
        .expect("a pre-commit section")..];
    let block = &section[section.find("```yaml\n").expect("a yaml block") + 8..];
    block[..block.find("```").unwrap()].to_string()
}

#[test]
fn the_documented_hook_blocks_a_bad_commit_with_concise_output() {
    if crate::external::program(TEST, "pre-commit").is_none()
        || crate::external::program(TEST, "git").is_none()
        || crate::external::program(TEST, "cargo").is_none()
    {
        return;
    }
    let scratch = crate::external::Scratch::new("pre-commit");
    std::fs::write(
        scratch.join("gitconfig"),
        "[user]\n\tname = errlint tests\n\temail = tests@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
    )
    .unwrap();

    let hook_repo = scratch.join("errlint");
    let rev = commit_working_tree(&scratch, &hook_repo);
    let config = documented_config();
    assert!(
        config.contains("https://github.com/OWNER/errlint ")
            && config.contains("rev: REF ")
            && config.contains("- id: errlint\n"),
        "the documented configuration changed; update this test:\n{config}"
    );
    let config = config
        .replace(
            "https://github.com/OWNER/errlint ",
            &format!("{} ", hook_repo.display()),
        )
        .replace("rev: REF ", &format!("rev: {rev} "));

    let project = scratch.join("project");
    std::fs::create_dir_all(&project).unwrap();
    succeed(
        command("git", &scratch, &project).args(["init", "-q"]),
        "git init",
    );
    std::fs::write(project.join(".pre-commit-config.yaml"), config).unwrap();
    succeed(
        command("pre-commit", &scratch, &project).arg("install"),
        "pre-commit install",
    );
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profiles/default/fail.yaml"),
        project.join("openapi.yaml"),
    )
    .unwrap();
    succeed(
        command("git", &scratch, &project).args(["add", "-A"]),
        "git add",
    );
    let commit = command("git", &scratch, &project)
        .args(["commit", "-m", "a failing document"])
        .output()
        .unwrap();
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&commit.stdout),
        String::from_utf8_lossy(&commit.stderr)
    );
    assert!(
        !commit.status.success(),
        "the commit went through:\n{output}"
    );
    let no_head = command("git", &scratch, &project)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .output()
        .unwrap();
    assert!(!no_head.status.success(), "a commit was made:\n{output}");

    // Concise: one line a finding, `path:line:col: level[rule] message`; no code frames.
    for finding in [
        "openapi.yaml:9:9: error[error-response-schema] the 404 response declares no body",
        "openapi.yaml:15:9: error[error-status-known] `4xx` is not a status range",
    ] {
        assert!(output.contains(finding), "no `{finding}` in:\n{output}");
    }
    let findings = output
        .lines()
        .filter(|l| l.starts_with("openapi.yaml:"))
        .count();
    assert_eq!(findings, 6, "{output}");
    for pretty in ["╭─[", "×", "help:"] {
        assert!(!output.contains(pretty), "pretty output:\n{output}");
    }
}
