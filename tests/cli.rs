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
        errlint(&["fixtures/rules/error-code-present/pass.yaml"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        errlint(&["fixtures/rules/error-code-present/fail.yaml"])
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
        errlint(&["fixtures/documents/invalid/syntax.yaml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_broken_file_does_not_stop_the_others() {
    let output = errlint(&[
        "--format",
        "concise",
        "fixtures/documents/invalid/syntax.json",
        "fixtures/rules/error-status-known/fail.yaml",
        "fixtures/does-not-exist.yaml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(
        text.contains("fixtures/documents/invalid/syntax.json:1:89: error[invalid-syntax]"),
        "{text}"
    );
    assert!(
        text.contains("fixtures/rules/error-status-known/fail.yaml:8:9: error[error-status-known]"),
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
    let output = errlint(&["fixtures/rules/error-status-known/fail.yaml"]);
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'), "escape codes in piped output");
    assert!(
        text.ends_with("7 errors, 1 warning in 1 file; 1 fixable with `--fix`\n"),
        "{text}"
    );
    let forced = stdout(&errlint(&[
        "--color",
        "always",
        "fixtures/rules/error-status-known/fail.yaml",
    ]));
    assert!(forced.contains('\u{1b}'));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let args = [
        "--format",
        "json",
        "fixtures/example/openapi.yaml",
        "fixtures/documents/refs/multi-file/openapi.yaml",
    ];
    assert_eq!(errlint(&args).stdout, errlint(&args).stdout);
    // The order of the arguments does not change the order of the findings.
    let reversed = [
        "--format",
        "json",
        "fixtures/documents/refs/multi-file/openapi.yaml",
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

/// A folder of its own under the test scratch space, emptied first.
fn scratch_folder(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn errlint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run errlint")
}

#[test]
fn rules_explain_profiles_and_schema_commands() {
    let rules = stdout(&errlint(&["rules"]));
    for meta in errlint::rules::ALL {
        assert!(
            rules.contains(meta.id),
            "{} missing from `errlint rules`",
            meta.id
        );
    }
    let explain = stdout(&errlint(&["explain", "retry-after-scope"]));
    assert!(explain.starts_with("# retry-after-scope\n\nDefault level: error."));
    assert!(explain.contains("## Bad") && explain.contains("## Good"));
    assert_eq!(errlint(&["explain", "nope"]).status.code(), Some(2));
    let profiles = stdout(&errlint(&["profiles"]));
    for (name, _) in errlint::config::PROFILES {
        assert!(
            profiles.lines().any(|l| l.starts_with(name)),
            "{name} missing"
        );
    }
    assert_eq!(
        stdout(&errlint(&["profiles", "show", "botect"])),
        errlint::config::builtin_profile("botect").unwrap()
    );
    let schema: serde_json::Value =
        serde_json::from_slice(&errlint(&["schema"]).stdout).expect("the schema is JSON");
    assert_eq!(
        schema["title"],
        "errlint configuration and error-contract profile"
    );
    assert_eq!(
        errlint(&["schema", "config"]).stdout,
        errlint(&["schema"]).stdout
    );
    assert_eq!(
        stdout(&errlint(&["schema", "traffic"])),
        errlint::traffic::NDJSON_SCHEMA
    );
}

#[test]
fn init_writes_a_valid_config_and_never_overwrites() {
    let dir = scratch_folder("init");
    let first = errlint_in(&dir, &["init", "--profile", "botect"]);
    assert_eq!(first.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.join("errlint.yaml")).unwrap();
    assert!(written.contains("extends: botect"));
    std::fs::write(dir.join("errlint.yaml"), "# mine\nextends: default\n").unwrap();
    let again = errlint_in(&dir, &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.join("errlint.yaml")).unwrap(),
        "# mine\nextends: default\n"
    );
    assert_eq!(
        errlint_in(&dir, &["init", "--force"]).status.code(),
        Some(0)
    );
    // What init writes is a valid config: linting under it works.
    std::fs::write(dir.join("openapi.yaml"), WARNINGS_ONLY).unwrap();
    let lint = errlint_in(&dir, &["--format", "concise", "openapi.yaml"]);
    assert_eq!(
        lint.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&lint.stdout)
    );
}

#[test]
fn config_is_found_upward_but_not_past_the_repository_root() {
    let repo = scratch_folder("discovery");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("api/v1")).unwrap();
    std::fs::write(repo.join("api/v1/openapi.yaml"), WARNINGS_ONLY).unwrap();
    // Above the repository root: must not be read.
    std::fs::write(
        repo.parent().unwrap().join("errlint.yaml"),
        "rules: {error-status-coverage: error}\n",
    )
    .unwrap();
    let before = errlint_in(&repo, &["--format", "concise", "api/v1/openapi.yaml"]);
    assert_eq!(before.status.code(), Some(0));
    std::fs::write(
        repo.join(".errlint.yaml"),
        "rules: {error-status-coverage: error}\n",
    )
    .unwrap();
    let found = errlint_in(&repo, &["--format", "concise", "api/v1/openapi.yaml"]);
    assert_eq!(
        found.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&found.stdout)
    );
    assert_eq!(
        errlint_in(&repo, &["--no-config", "api/v1/openapi.yaml"])
            .status
            .code(),
        Some(0)
    );
    std::fs::remove_file(repo.parent().unwrap().join("errlint.yaml")).unwrap();
}

#[test]
fn standard_input_with_a_name() {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args([
            "--no-config",
            "--format",
            "concise",
            "--stdin-filename",
            "api/openapi.yaml",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(WARNINGS_ONLY.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "api/openapi.yaml:5:7: warning[error-status-coverage] GET /a lacks error responses: 5xx\n"
    );
}

#[test]
fn directories_and_globs_find_openapi_roots_and_respect_gitignore() {
    let dir = scratch_folder("many");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::create_dir_all(dir.join("specs/shared")).unwrap();
    std::fs::create_dir_all(dir.join("build")).unwrap();
    let broken = WARNINGS_ONLY.replace("'200'", "4xx");
    std::fs::write(dir.join("specs/a.yaml"), &broken).unwrap();
    std::fs::write(dir.join("specs/b.json"), r#"{"openapi": "3.1.0", "paths": {"/b": {"get": {"responses": {"499": {"description": "x"}}}}}}"#).unwrap();
    std::fs::write(
        dir.join("specs/shared/errors.yaml"),
        "Error: {type: object}\n",
    )
    .unwrap();
    std::fs::write(dir.join("build/generated.yaml"), &broken).unwrap();
    std::fs::write(dir.join(".gitignore"), "build/\n").unwrap();
    let files = |args: &[&str]| {
        let out = stdout(&errlint_in(
            &dir,
            &[
                &[
                    "--no-config",
                    "--format",
                    "concise",
                    "--rule",
                    "error-status-coverage=off",
                    "--rule",
                    "error-response-schema=off",
                ],
                args,
            ]
            .concat(),
        ));
        let mut names: Vec<String> = out
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect();
        names.dedup();
        names
    };
    assert_eq!(files(&["."]), vec!["./specs/a.yaml", "./specs/b.json"]);
    // A fragment named beside the folder is still asked who uses it (no one): the roots the
    // folder search found are not read again, but what was named is.
    let named_fragment = stdout(&errlint_in(
        &dir,
        &[
            "--no-config",
            "--format",
            "concise",
            ".",
            "specs/shared/errors.yaml",
        ],
    ));
    assert!(
        named_fragment.contains("specs/shared/errors.yaml: warning[unused-fragment]"),
        "{named_fragment}"
    );
    assert_eq!(files(&["specs/*.json"]), vec!["specs/b.json"]);
    // A file named on the command line is linted even when ignored.
    assert_eq!(
        files(&["build/generated.yaml"]),
        vec!["build/generated.yaml"]
    );
    assert_eq!(
        errlint_in(&dir, &["--no-config", "nothing/*.yaml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_baseline_hides_known_findings_and_reports_new_ones() {
    let dir = scratch_folder("baseline");
    std::fs::write(
        dir.join("openapi.yaml"),
        WARNINGS_ONLY.replace("'200'", "4xx"),
    )
    .unwrap();
    let write = errlint_in(
        &dir,
        &[
            "--no-config",
            "--write-baseline",
            "errlint-baseline.json",
            "openapi.yaml",
        ],
    );
    assert_eq!(write.status.code(), Some(0));
    let quiet = errlint_in(
        &dir,
        &[
            "--no-config",
            "--format",
            "concise",
            "--baseline",
            "errlint-baseline.json",
            "openapi.yaml",
        ],
    );
    assert_eq!(
        (quiet.status.code(), stdout(&quiet)),
        (Some(0), String::new())
    );
    // Lines move and a new problem appears: only the new one is reported, nothing goes stale.
    let moved = format!("# a comment\n\n{}", WARNINGS_ONLY.replace("'200'", "4xx")).replace(
        "paths:\n",
        "paths:\n  /new:\n    get:\n      responses: {'499': {description: x}}\n",
    );
    std::fs::write(dir.join("openapi.yaml"), moved).unwrap();
    let after = errlint_in(
        &dir,
        &[
            "--no-config",
            "--format",
            "concise",
            "--baseline",
            "errlint-baseline.json",
            "openapi.yaml",
        ],
    );
    let text = stdout(&after);
    assert!(
        text.contains("`499` is not a registered HTTP status code"),
        "{text}"
    );
    assert!(!text.contains("`4xx`"), "{text}");
    // Standard error has the summary line only: no stale entries yet.
    let said = String::from_utf8_lossy(&after.stderr);
    assert!(said.contains("hidden by the baseline"), "{said}");
    assert!(!said.contains("no longer match"), "{said}");
    // Fixed: the entries go stale and the run says so.
    std::fs::write(dir.join("openapi.yaml"), WARNINGS_ONLY).unwrap();
    let fixed = errlint_in(
        &dir,
        &[
            "--no-config",
            "--baseline",
            "errlint-baseline.json",
            "openapi.yaml",
        ],
    );
    assert!(String::from_utf8_lossy(&fixed.stderr).contains("baseline entries no longer match"));
}

/// `-q`, `--fail-level`, `--statistics`, `errlint check` and `errlint completions` (issue 17).
#[test]
fn everyday_flags_as_ruff_spells_them() {
    let quiet = errlint(&[
        "-q",
        "--format",
        "pretty",
        "fixtures/rules/error-code-present/fail.yaml",
    ]);
    assert!(!stdout(&quiet).contains(" in 1 file"), "{}", stdout(&quiet));
    assert!(stdout(&quiet).contains("error-code-present"));

    let warnings = scratch("warnings-only.yaml", WARNINGS_ONLY);
    assert_eq!(errlint(&[&warnings]).status.code(), Some(0));
    assert_eq!(
        errlint(&["--fail-level", "warning", &warnings])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        errlint(&["--fail-level", "info", &warnings]).status.code(),
        Some(1)
    );
    assert_eq!(
        errlint(&["--deny-warnings", &warnings]).status.code(),
        Some(1)
    );
    assert_eq!(
        errlint(&["--fail-level", "fatal", &warnings]).status.code(),
        Some(2)
    );

    let statistics = errlint(&["--statistics", "fixtures/example/openapi.yaml"]);
    let table = stdout(&statistics);
    let first = table.lines().next().unwrap();
    assert!(first.trim_start().starts_with('3'), "{table}");
    assert!(table.contains("error-code-present     error"), "{table}");
    assert!(
        table.ends_with(
            "9 errors, 4 warnings in 1 file; 1 fixable with `--fix` (1 more with `--fix --unsafe-fixes`)\n"
        ),
        "{table}"
    );
    assert_eq!(statistics.status.code(), Some(1));

    let checked = errlint(&[
        "check",
        "--format",
        "concise",
        "fixtures/rules/error-code-present/fail.yaml",
    ]);
    let direct = errlint(&[
        "--format",
        "concise",
        "fixtures/rules/error-code-present/fail.yaml",
    ]);
    assert_eq!(stdout(&checked), stdout(&direct));
    assert_eq!(checked.status.code(), direct.status.code());

    let completions = errlint(&["completions", "bash"]);
    assert!(
        stdout(&completions).contains("_errlint()"),
        "{}",
        stdout(&completions)
    );
}

/// `errlint explain` explains every id errlint reports, rule or not, and ends with a newline.
#[test]
fn explain_knows_every_reported_id() {
    let mut ids: Vec<&str> = errlint::rules::ALL.iter().map(|r| r.id).collect();
    ids.extend(errlint::catalog::PROBLEMS.iter().map(|(id, _)| *id));
    ids.extend(errlint::diff::CHANGES.iter().map(|c| c.id));
    ids.extend(errlint::check_traffic::TRAFFIC_CHECKS.iter().map(|c| c.id));
    for id in [
        "invalid-syntax",
        "invalid-encoding",
        "duplicate-key",
        "unreadable-file",
        "not-openapi",
        "unsupported-version",
        "unresolved-ref",
        "ref-cycle",
        "remote-ref",
        "invalid-structure",
        "invalid-config",
        "unused-override",
        "unused-fragment",
        "not-compared",
        "invalid-traffic",
        "unreadable-exchange",
    ] {
        assert!(ids.contains(&id), "`{id}` has no explanation");
    }
    for id in ids {
        let output = errlint(&["explain", id]);
        assert_eq!(output.status.code(), Some(0), "{id}");
        let text = stdout(&output);
        assert!(text.starts_with(&format!("# {id}\n")), "{text}");
        assert!(
            text.ends_with('\n') && !text.ends_with("\n\n\n"),
            "{id}: {text:?}"
        );
    }
}

/// Misspelt config keys, rule ids and profiles get a "did you mean" (issue 17).
#[test]
fn config_errors_suggest_the_near_miss() {
    let config = scratch(
        "near-miss.yaml",
        "extends: botcet\noverides: []\nrules: {error-status-coverag: error}\n",
    );
    let output = errlint(&[
        "--config",
        &config,
        "--format",
        "concise",
        "fixtures/rules/error-code-present/pass.yaml",
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("unknown key `overides`: did you mean `overrides`?"),
        "{text}"
    );
    assert!(
        text.contains("unknown rule `error-status-coverag`: did you mean `error-status-coverage`?"),
        "{text}"
    );
    let profile = scratch("near-miss-profile.yaml", "extends: botcet\n");
    let output = errlint(&[
        "--config",
        &profile,
        "--format",
        "concise",
        "fixtures/rules/error-code-present/pass.yaml",
    ]);
    assert!(
        stdout(&output).contains("unknown profile `botcet`: did you mean `botect`?"),
        "{}",
        stdout(&output)
    );
}

/// The summary line: on standard error after concise output, with what a baseline hid, and a
/// word on why a run without errors failed (issue 17).
#[test]
fn the_summary_says_what_was_hidden_and_why_the_run_failed() {
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let concise = errlint(&[
        "--format",
        "concise",
        "fixtures/rules/error-code-present/fail.yaml",
    ]);
    assert!(
        stderr(&concise).contains(" in 1 file"),
        "{}",
        stderr(&concise)
    );
    assert!(!stdout(&concise).contains(" in 1 file"));
    let quiet = errlint(&[
        "-q",
        "--format",
        "concise",
        "fixtures/rules/error-code-present/fail.yaml",
    ]);
    assert!(!stderr(&quiet).contains(" in 1 file"));

    let warnings = scratch("summary-warnings.yaml", WARNINGS_ONLY);
    let denied = errlint(&["--deny-warnings", &warnings]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(stderr(&denied).contains("there are no errors, but the fail level is warning"));

    let document = scratch("summary-baselined.yaml", WARNINGS_ONLY);
    let baseline = Path::new(env!("CARGO_TARGET_TMPDIR")).join("summary-baseline.json");
    let baseline = baseline.to_string_lossy();
    assert_eq!(
        errlint(&["--write-baseline", &baseline, &document])
            .status
            .code(),
        Some(0)
    );
    let hidden = errlint(&["--baseline", &baseline, "--format", "pretty", &document]);
    assert!(
        stdout(&hidden)
            .contains("0 errors, 0 warnings in 1 file; 1 finding hidden by the baseline"),
        "{}",
        stdout(&hidden)
    );
}

/// `errlint init` refers to no schema file it did not write: the editor modeline is given as
/// an instruction, not as a line editors would follow (issue 17).
#[test]
fn init_writes_no_reference_to_a_missing_schema_file() {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("init-modeline");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .arg("init")
        .current_dir(&folder)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(folder.join("errlint.yaml")).unwrap();
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("# yaml-language-server:")),
        "{text}"
    );
}

/// `--show-config PATH`: the layers in order, the effective contract and every level (issue 17).
#[test]
fn show_config_prints_the_layers_and_the_effective_levels() {
    let output = errlint(&[
        "--show-config",
        "fixtures/rules/error-code-status/fail.yaml",
        "--rule",
        "error-status-coverage=off",
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("config file: fixtures/rules/error-code-status/errlint.yaml\n"),
        "{text}"
    );
    let layers = [
        "  1. the built-in default contract",
        "  2. the built-in profile botect",
        "  3. the config file ",
        "fixtures/rules/error-code-status/errlint.yaml\n",
        "  4. --rule on the command line",
    ];
    let mut at = 0;
    for layer in layers {
        let found = text[at..]
            .find(layer)
            .unwrap_or_else(|| panic!("{layer}: {text}"));
        at += found;
    }
    assert!(
        text.contains("pattern `^[A-Z][A-Z0-9_]*$`, closed"),
        "{text}"
    );
    assert!(
        text.contains("  error-status-coverage      off\n"),
        "{text}"
    );
    assert!(
        text.contains("  error-code-removed         error\n"),
        "{text}"
    );
}

/// `extends` takes a list, laid in order: later profiles over earlier ones (issue 17).
#[test]
fn extends_takes_a_list_laid_in_order() {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("extends-list");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("errlint.yaml"),
        "extends: [botect, ./closed.yaml]\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("closed.yaml"),
        "envelope:\n  code:\n    closed: true\n",
    )
    .unwrap();
    std::fs::copy(
        "fixtures/rules/error-code-status/fail.yaml",
        folder.join("openapi.yaml"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(["--show-config", "openapi.yaml"])
        .current_dir(&folder)
        .output()
        .unwrap();
    let text = stdout(&output);
    let botect = text.find("the built-in profile botect").expect(&text);
    let closed = text.find("closed.yaml").expect(&text);
    assert!(botect < closed, "{text}");
    assert!(
        text.contains("pattern `^[A-Z][A-Z0-9_]*$`, closed"),
        "{text}"
    );
}

/// OpenAPI 3.2 `$self`: relative references resolve against it; what lies in its folder is
/// read beside the document, anything else is a remote reference, reported and never fetched.
#[test]
fn self_is_the_base_uri_and_nothing_is_fetched() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("self-base");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("errors.yaml"),
        "Error: {type: object, required: [code], properties: {code: {type: string}}}\n",
    )
    .unwrap();
    let document = |reference: &str| {
        format!(
            "openapi: 3.2.0\n$self: https://api.example.com/v2/openapi.yaml\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {{summary: ok}}\n        5XX:\n          summary: failure\n          content: {{application/json: {{schema: {{$ref: '{reference}'}}}}}}\n"
        )
    };
    std::fs::write(dir.join("near.yaml"), document("errors.yaml#/Error")).unwrap();
    std::fs::write(dir.join("far.yaml"), document("../v1/errors.yaml#/Error")).unwrap();
    let near = errlint(&[
        "--no-config",
        "--format",
        "concise",
        &dir.join("near.yaml").to_string_lossy(),
    ]);
    assert_eq!(near.status.code(), Some(0), "{}", stdout(&near));
    let far = errlint(&[
        "--no-config",
        "--format",
        "concise",
        &dir.join("far.yaml").to_string_lossy(),
    ]);
    let report = stdout(&far);
    assert!(
        report.contains("remote-ref") && report.contains("https://api.example.com/v1/errors.yaml"),
        "{report}"
    );
}

/// A long report ends with how to see it by rule or only its errors; `--errors-only` shows the
/// errors alone, counts what it hid, and leaves the exit code to every finding.
#[test]
fn errors_only_hides_the_rest_but_not_from_the_exit_code() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("errors-only");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Sixty operations without a 5XX: sixty warnings, and one error.
    let mut doc = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for i in 0..60 {
        doc.push_str(&format!(
            "  /a{i}:\n    get:\n      responses:\n        '200': {{description: ok}}\n"
        ));
    }
    doc.push_str("  /bad:\n    get:\n      responses:\n        '200': {description: ok}\n        4xx: {description: x}\n");
    std::fs::write(dir.join("openapi.yaml"), &doc).unwrap();
    let path = dir.join("openapi.yaml");
    let file = path.to_str().unwrap();
    let all = stdout(&errlint(&["--no-config", file]));
    assert!(all.contains("warning["), "{all}");
    assert!(
        all.ends_with(
            "`--statistics` counts the findings by rule; `--errors-only` shows only the errors\n"
        ),
        "{all}"
    );
    let only = errlint(&["--no-config", "--errors-only", file]);
    let shown = stdout(&only);
    assert!(!shown.contains("warning["), "{shown}");
    assert!(shown.contains("error["), "{shown}");
    assert!(shown.contains("not shown (--errors-only)"), "{shown}");
    assert_eq!(only.status.code(), Some(1));
    // Warnings alone, all hidden, still fail a run that fails on warnings.
    let warnings_only = dir.join("warnings.yaml");
    std::fs::write(&warnings_only, doc.split("  /bad:").next().unwrap()).unwrap();
    let warnings_only = warnings_only.to_str().unwrap();
    let quiet = errlint(&["--no-config", "--errors-only", warnings_only]);
    assert_eq!(quiet.status.code(), Some(0));
    let strict = errlint(&[
        "--no-config",
        "--errors-only",
        "--fail-level",
        "warning",
        warnings_only,
    ]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
    assert!(!stdout(&strict).contains("warning["));
    let concise = errlint(&["--no-config", "--errors-only", "--format", "concise", file]);
    assert!(
        stdout(&concise).lines().all(|l| l.contains("error[")),
        "{}",
        stdout(&concise)
    );
}

/// A bundled, single-line JSON document deep in a folder: every line of the pretty report,
/// frames of related uses and their headers included, fits the 100 columns of a pipe.
#[test]
fn pretty_frames_and_their_headers_fit_the_width() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("wide")
        .join("a/very/long/folder/name/that/goes/on/and/on/for/quite/a/while/before/it/ends");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let error = r##"{"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}"##;
    let paths: Vec<String> = (0..3)
        .map(|i| {
            format!(
                r#""/v1/some/rather/long/resource/path/number/{i}/{{id}}": {{"get": {{"responses": {{"200": {{"description": "ok"}}, "404": {{"description": "none", "content": {error}}}, "500": {{"description": "bad", "content": {error}}}}}}}}}"#
            )
        })
        .collect();
    let doc = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{{}}}, "components": {{"schemas": {{"Error": {{"type": "object", "properties": {{"code": {{"type": "string"}}, "message": {{"type": "string"}}}}}}}}}}}}"#,
        paths.join(", ")
    );
    let path = dir.join("openapi-with-a-long-name.json");
    std::fs::write(&path, doc).unwrap();
    let output = errlint(&["--no-config", path.to_str().unwrap()]);
    let text = stdout(&output);
    assert!(text.contains("☞ used by"), "{text}");
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}

/// A document is linted however its root key is spaced or quoted: `openapi : 3.0.3` and
/// `'openapi': 3.0.3` are OpenAPI roots, not fragments whose findings go unreported.
#[test]
fn a_spaced_or_quoted_root_key_is_still_a_document() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spaced-root-key");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fail = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profiles/default/fail.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("spaced.yaml"),
        fail.replacen("openapi: ", "openapi : ", 1),
    )
    .unwrap();
    std::fs::write(
        dir.join("quoted.yaml"),
        fail.replacen("openapi: ", "'openapi': ", 1),
    )
    .unwrap();
    for name in ["spaced.yaml", "quoted.yaml"] {
        let path = dir.join(name);
        let named = errlint(&["--no-config", "--format", "concise", path.to_str().unwrap()]);
        assert_eq!(named.status.code(), Some(1), "{name}: {}", stdout(&named));
        assert!(
            !stdout(&named).contains("unused-fragment"),
            "{}",
            stdout(&named)
        );
    }
    let folder = errlint(&["--no-config", "--format", "concise", dir.to_str().unwrap()]);
    assert_eq!(folder.status.code(), Some(1), "{}", stdout(&folder));
}
