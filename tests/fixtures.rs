//! Lints every fixture and snapshots what a person sees (concise) and what a machine reads
//! (JSON). `fixtures/<rule-id>/` runs that rule alone; other folders run every rule.
//! A fixture whose name starts with `pass` must produce nothing: a test, not a snapshot, says
//! so, so a wrong snapshot cannot be blessed.

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

fn options_for(folder: &str) -> Options {
    let only = rules::find(folder).map(|meta| vec![meta.id.to_string()]);
    Options {
        only_rules: only,
        ..Options::default()
    }
}

fn lint(path: &Path, options: &Options) -> Outcome {
    // Relative names keep snapshots free of absolute paths.
    let relative = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path);
    lint_path(relative, options)
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
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut failures = Vec::new();
    for folder in fixture_folders() {
        let folder_name = folder.file_name().unwrap().to_string_lossy().to_string();
        let options = options_for(&folder_name);
        for document in documents(&folder) {
            let outcome = lint(&document, &options);
            let file_name = document
                .strip_prefix(&folder)
                .unwrap()
                .to_string_lossy()
                .replace('/', "-");
            let concise = render(&outcome, &RenderOptions::plain(Format::Concise));
            if file_name.starts_with("pass") {
                if !outcome.findings.is_empty() {
                    failures.push(format!(
                        "{}: expected no findings, got:\n{concise}",
                        document.display()
                    ));
                }
                continue;
            }
            if outcome.findings.is_empty() {
                failures.push(format!(
                    "{}: a failing fixture produced nothing",
                    document.display()
                ));
                continue;
            }
            if let Some(meta) = rules::find(&folder_name) {
                if !outcome.findings.iter().any(|f| f.rule == meta.id) {
                    failures.push(format!("{}: no `{}` finding", document.display(), meta.id));
                }
            }
            let json = render(&outcome, &RenderOptions::plain(Format::Json));
            let snapshot = format!(
                "exit code: {}\n\n{concise}\n{json}",
                outcome.exit_code(false)
            );
            insta::assert_snapshot!(format!("{folder_name}__{file_name}"), snapshot);
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
fn readme_rule_table_matches_the_registry() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for meta in rules::ALL {
        let row = format!(
            "| `{}` | {} | {} |",
            meta.id, meta.default_severity, meta.summary
        );
        assert!(readme.contains(&row), "README lacks the row:\n{row}");
    }
}

#[test]
fn the_pretty_report_of_the_bundled_example() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let outcome = lint_path(
        Path::new("fixtures/example/openapi.yaml"),
        &Options::default(),
    );
    insta::assert_snapshot!(
        "example-pretty",
        render(&outcome, &RenderOptions::plain(Format::Pretty))
    );
}
