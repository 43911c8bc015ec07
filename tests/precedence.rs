//! The configuration layers, lowest first: built-in default, profile, config file, path
//! overrides, `x-errlint-ignore` in the document, command line. Each row adds one layer over
//! the ones before and says what the level of one finding becomes.

use errlint::config::ConfigChoice;
use errlint::{Options, Severity, lint_path};
use std::path::Path;

const DOCUMENT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n{IGNORE}      responses:\n        '200': {description: ok}\n";

struct Layers {
    profile_level: Option<&'static str>,
    config_level: Option<&'static str>,
    override_level: Option<&'static str>,
    ignore: bool,
    command_line: Option<Option<Severity>>,
}

/// Lints GET /a (no 5xx: an `error-status-coverage` warning by default) under the layers.
fn level_under(name: &str, layers: Layers) -> Option<Severity> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("precedence")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let ignore = if layers.ignore {
        "      x-errlint-ignore: [error-status-coverage]\n"
    } else {
        ""
    };
    std::fs::write(
        dir.join("openapi.yaml"),
        DOCUMENT.replace("{IGNORE}", ignore),
    )
    .unwrap();
    let mut profile = String::from("extends: default\n");
    if let Some(level) = layers.profile_level {
        profile.push_str(&format!("rules: {{error-status-coverage: {level}}}\n"));
    }
    std::fs::write(dir.join("profile.yaml"), profile).unwrap();
    let mut config = String::from("extends: ./profile.yaml\n");
    if let Some(level) = layers.config_level {
        config.push_str(&format!("rules: {{error-status-coverage: {level}}}\n"));
    }
    if let Some(level) = layers.override_level {
        config.push_str(&format!(
            "overrides:\n  - paths: ['GET /a']\n    rules: {{error-status-coverage: {level}}}\n"
        ));
    }
    std::fs::write(dir.join("errlint.yaml"), config).unwrap();
    let mut options = Options {
        config: ConfigChoice {
            file: Some(dir.join("errlint.yaml")),
            no_discovery: true,
            profile: None,
        },
        ..Options::default()
    };
    if let Some(level) = layers.command_line {
        options
            .severities
            .insert("error-status-coverage".into(), level);
    }
    let outcome = lint_path(&dir.join("openapi.yaml"), &options);
    assert!(
        outcome.findings.iter().all(|f| !f.fatal),
        "{:?}",
        outcome.findings
    );
    outcome
        .findings
        .iter()
        .find(|f| f.rule == "error-status-coverage")
        .map(|f| f.severity)
}

#[test]
fn each_layer_wins_over_the_ones_below() {
    use Severity::*;
    let none = Layers {
        profile_level: None,
        config_level: None,
        override_level: None,
        ignore: false,
        command_line: None,
    };
    let rows: Vec<(&str, Layers, Option<Severity>)> = vec![
        ("built-in default", Layers { ..none }, Some(Warning)),
        (
            "profile",
            Layers {
                profile_level: Some("info"),
                ..none
            },
            Some(Info),
        ),
        (
            "config file",
            Layers {
                profile_level: Some("info"),
                config_level: Some("error"),
                ..none
            },
            Some(Error),
        ),
        (
            "path override",
            Layers {
                profile_level: Some("info"),
                config_level: Some("error"),
                override_level: Some("warning"),
                ..none
            },
            Some(Warning),
        ),
        (
            "override turns it off",
            Layers {
                config_level: Some("error"),
                override_level: Some("off"),
                ..none
            },
            None,
        ),
        (
            "x-errlint-ignore",
            Layers {
                profile_level: Some("info"),
                config_level: Some("error"),
                override_level: Some("warning"),
                ignore: true,
                ..none
            },
            None,
        ),
        (
            "command line",
            Layers {
                profile_level: Some("info"),
                config_level: Some("error"),
                override_level: Some("off"),
                ignore: true,
                command_line: Some(Some(Info)),
            },
            Some(Info),
        ),
        (
            "command line off",
            Layers {
                config_level: Some("error"),
                command_line: Some(None),
                ..none
            },
            None,
        ),
    ];
    for (i, (name, layers, expected)) in rows.into_iter().enumerate() {
        assert_eq!(
            level_under(&format!("row{i}"), layers),
            expected,
            "row `{name}`"
        );
    }
}
