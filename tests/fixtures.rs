//! Lints every fixture and snapshots what a person sees (concise) and what a machine reads
//! (JSON). `fixtures/<rule-id>/` runs that rule alone; other folders run every rule.
//! A fixture whose name starts with `pass` must produce nothing: a test, not a snapshot, says
//! so, so a wrong snapshot cannot be blessed.

use errlint::config::ConfigChoice;
use errlint::report::{Format, RenderOptions, render};
use errlint::{Options, Outcome, lint_path, rules};
use std::path::{Path, PathBuf};

/// Root documents of a fixture folder: its `openapi.yaml` alone when it has one (the other
/// files are `$ref` targets); else its files, plus `openapi.yaml` of each subfolder.
fn documents(dir: &Path) -> Vec<PathBuf> {
    if dir.join("openapi.yaml").is_file() {
        return vec![dir.join("openapi.yaml")];
    }
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_file() {
            out.push(path);
        } else if path.join("openapi.yaml").is_file() {
            out.push(path.join("openapi.yaml"));
        }
    }
    out
}

/// A rule's folder runs that rule alone; an `errlint.yaml` in the folder is its config (for
/// rules that need a contract), otherwise no config is looked for.
fn options_for(folder: &Path) -> Options {
    let name = folder.file_name().unwrap().to_string_lossy();
    // `unused-ignore` is about the other rules' findings, so they all run there.
    let only = rules::find(&name)
        .filter(|meta| meta.id != "unused-ignore")
        .map(|meta| vec![meta.id.to_string()]);
    let config = folder.join("errlint.yaml");
    let config = ConfigChoice {
        file: config.is_file().then(|| relative(&config).to_path_buf()),
        no_discovery: true,
        profile: None,
    };
    Options {
        only_rules: only,
        config,
        ..Options::default()
    }
}

fn relative(path: &Path) -> &Path {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
}

fn lint(path: &Path, options: &Options) -> Outcome {
    // Relative names keep snapshots free of absolute paths.
    lint_path(relative(path), options)
}

fn fixture_folders() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
}

#[test]
fn every_fixture() {
    let mut failures = Vec::new();
    for folder in fixture_folders() {
        let folder_name = folder.file_name().unwrap().to_string_lossy().to_string();
        if folder_name == "profiles" || folder_name == "config-errors" {
            continue; // tested below
        }
        if ["diff", "contract", "fix"].contains(&folder_name.as_str()) {
            continue; // for tests/diff.rs, tests/contract.rs and tests/fix.rs
        }
        let options = options_for(&folder);
        for document in documents(&folder) {
            if document.file_name().is_some_and(|n| n == "errlint.yaml") {
                continue;
            }
            let file_name = document
                .strip_prefix(&folder)
                .unwrap()
                .to_string_lossy()
                .replace('/', "-");
            let expected_rule = rules::find(&folder_name).map(|meta| meta.id);
            let name = format!("{folder_name}__{file_name}");
            check_fixture(&document, &options, &name, expected_rule, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_passing_and_failing_fixtures_and_complete_docs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for meta in rules::ALL {
        let dir = root.join(meta.id);
        assert!(
            dir.is_dir(),
            "rule `{}` has no fixtures/{}/",
            meta.id,
            meta.id
        );
        let names: Vec<String> = documents(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("pass")),
            "rule `{}` has no passing fixture",
            meta.id
        );
        assert!(
            names.iter().any(|n| !n.starts_with("pass")),
            "rule `{}` has no failing fixture",
            meta.id
        );
        for section in ["## What it checks", "## Why", "## Bad", "## Good"] {
            assert!(
                meta.docs.contains(section),
                "rule `{}` docs lack `{section}`",
                meta.id
            );
        }
    }
}

#[test]
fn the_pretty_report_of_the_bundled_example() {
    let outcome = lint_path(
        Path::new("fixtures/example/openapi.yaml"),
        &Options::default(),
    );
    insta::assert_snapshot!(
        "example-pretty",
        render(&outcome, &RenderOptions::plain(Format::Pretty))
    );
}

/// Lints a fixture and snapshots it, or asserts it is clean for `pass*` files.
/// Lints a fixture: a `pass*` file must produce nothing; any other must produce findings (of
/// `expected_rule`, when given), which are snapshot in concise and JSON form.
fn check_fixture(
    document: &Path,
    options: &Options,
    snapshot_name: &str,
    expected_rule: Option<&str>,
    failures: &mut Vec<String>,
) {
    let outcome = lint(document, options);
    let concise = render(&outcome, &RenderOptions::plain(Format::Concise));
    let file_name = document.file_name().unwrap().to_string_lossy();
    if file_name.starts_with("pass") {
        if !outcome.findings.is_empty() {
            failures.push(format!(
                "{}: expected no findings, got:\n{concise}",
                document.display()
            ));
        }
        return;
    }
    if outcome.findings.is_empty() {
        failures.push(format!(
            "{}: a failing fixture produced nothing",
            document.display()
        ));
        return;
    }
    if let Some(rule) = expected_rule {
        if !outcome.findings.iter().any(|f| f.rule == rule) {
            failures.push(format!("{}: no `{rule}` finding", document.display()));
        }
    }
    let json = render(&outcome, &RenderOptions::plain(Format::Json));
    let snapshot = format!(
        "exit code: {}\n\n{concise}\n{json}",
        outcome.exit_code(false)
    );
    insta::assert_snapshot!(snapshot_name.to_string(), snapshot);
}

/// Every built-in profile has a folder under `fixtures/profiles/` with a document that
/// conforms (no findings, every rule on) and one that breaks the contract in each way it can.
/// The folder's `errlint.yaml`, when there is one, extends the profile with overrides.
#[test]
fn every_profile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profiles");
    let mut failures = Vec::new();
    for (profile, _) in errlint::config::PROFILES {
        let folder = root.join(profile);
        let config = folder.join("errlint.yaml");
        let options = Options {
            config: ConfigChoice {
                file: config.is_file().then(|| relative(&config).to_path_buf()),
                no_discovery: true,
                profile: (!config.is_file()).then(|| profile.to_string()),
            },
            ..Options::default()
        };
        let documents: Vec<PathBuf> = ["pass.yaml", "fail.yaml"]
            .iter()
            .map(|n| folder.join(n))
            .collect();
        for document in documents {
            if !document.is_file() {
                failures.push(format!("profile `{profile}` lacks {}", document.display()));
                continue;
            }
            let name = format!(
                "profile-{profile}__{}",
                document.file_name().unwrap().to_string_lossy()
            );
            check_fixture(&document, &options, &name, None, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each kind of config mistake, shown at its span in the config file (exit code 2).
#[test]
fn config_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/config-errors");
    let mut configs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    configs.sort();
    let document = Path::new("fixtures/example/openapi.yaml");
    for config in configs {
        let options = Options {
            config: ConfigChoice {
                file: Some(relative(&config).to_path_buf()),
                no_discovery: true,
                profile: None,
            },
            ..Options::default()
        };
        let outcome = lint_path(document, &options);
        assert_eq!(outcome.exit_code(false), 2, "{}", config.display());
        assert!(outcome.findings.iter().all(|f| f.rule == "invalid-config"));
        let text = render(&outcome, &RenderOptions::plain(Format::Pretty));
        let name = format!(
            "config-error__{}",
            config.file_name().unwrap().to_string_lossy()
        );
        insta::assert_snapshot!(name, text);
    }
}
