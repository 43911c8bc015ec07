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
fn check_traffic_help() {
    insta::assert_snapshot!(
        "check-traffic-help",
        errlint(&["check-traffic", "--help"], 0)
    );
}

/// The catalog's configurable ids, each with its default level and summary: the rules, then
/// `errlint diff`'s changes, then `errlint check-traffic`'s checks.
fn catalog_rows() -> [Vec<String>; 3] {
    let rules = errlint::rules::ALL
        .iter()
        .map(|r| format!("{} {} {}", r.id, r.default_severity, r.summary))
        .collect();
    let rows = |infos: Vec<errlint::report::RuleInfo>| {
        infos
            .iter()
            .map(|c| format!("{} {} {}", c.id, c.level, c.summary))
            .collect()
    };
    [
        rules,
        rows(errlint::catalog::change_infos()),
        rows(errlint::catalog::traffic_infos()),
    ]
}

/// `errlint rules` is the catalog in two aligned tables. Compared with the catalog rather than
/// snapshot, so that adding an id changes no test.
#[test]
fn rules() {
    let listing = errlint(&["rules"], 0);
    let (rule_section, rest) = listing
        .split_once("\nerrlint diff:\n")
        .expect("a section for the diff's changes");
    let (change_section, check_section) = rest
        .split_once("\nerrlint check-traffic:\n")
        .expect("a section for check-traffic's checks");
    // A row is three columns, two spaces or more apart; the level starts at one column.
    let columns = |section: &str| -> Vec<(usize, String)> {
        section
            .lines()
            .map(|line| {
                let id_end = line.find(' ').expect("an id column");
                let level_at = id_end + line[id_end..].find(|c| c != ' ').expect("a level");
                let words: Vec<&str> = line.split_whitespace().collect();
                (level_at, words.join(" "))
            })
            .collect()
    };
    let rows = [
        columns(rule_section),
        columns(change_section),
        columns(check_section),
    ];
    let level_columns: std::collections::BTreeSet<usize> =
        rows.iter().flatten().map(|(at, _)| *at).collect();
    assert_eq!(level_columns.len(), 1, "levels are aligned:\n{listing}");
    let listed: Vec<Vec<String>> = rows
        .iter()
        .map(|section| section.iter().map(|(_, row)| row.clone()).collect())
        .collect();
    assert_eq!(listed, catalog_rows().to_vec());
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

/// The layers and the contract are snapshot, with the levels that differ from the defaults;
/// every other id must be listed at its default level, in the catalog's order (checked here,
/// so that adding an id changes no snapshot).
#[test]
fn show_config() {
    let shown = errlint(
        &[
            "--rule",
            "retry-after-scope=warning",
            "--show-config",
            "fixtures/rules/error-code-status/fail-composition.yaml",
        ],
        0,
    );
    let (layers, levels) = shown.split_once("levels:\n").expect("a levels section");
    let defaults: Vec<(String, String)> = catalog_rows()
        .iter()
        .flatten()
        .map(|row| {
            let mut words = row.split(' ');
            let id = words.next().unwrap().to_string();
            (id, words.next().unwrap().to_string())
        })
        .collect();
    let listed: Vec<(String, String)> = levels
        .lines()
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(words.len(), 2, "{line}");
            (words[0].to_string(), words[1].to_string())
        })
        .collect();
    let ids = |rows: &[(String, String)]| rows.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&listed),
        ids(&defaults),
        "every id, in the catalog's order"
    );
    let changed: String = listed
        .iter()
        .zip(&defaults)
        .filter(|(shown, default)| shown != default)
        .map(|((id, level), _)| format!("  {id}  {level}\n"))
        .collect();
    insta::assert_snapshot!(
        "show-config",
        format!("{layers}levels other than the defaults:\n{changed}")
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
