//! The rule list is the one source of rule ids: the registry's instances, the config schema's
//! `ruleId` enum, the files in `rules/` and the fixture folders must all agree with it (the
//! pages in `docs/rules/` and the README's table are generated, and checked by `rule_pages`).

use errlint::rules;
use std::path::Path;

fn ids() -> Vec<&'static str> {
    rules::ALL.iter().map(|m| m.id).collect()
}

#[test]
fn instances_follow_the_rule_list() {
    let instantiated: Vec<&str> = rules::instantiate().iter().map(|r| r.meta().id).collect();
    assert_eq!(instantiated, ids());
    assert_eq!(
        ids().last(),
        Some(&"unused-ignore"),
        "unused-ignore runs last"
    );
}

#[test]
fn the_schema_lists_every_rule_change_and_check_id_and_nothing_else() {
    let schema = errlint::config::schema();
    let listed: Vec<&str> = schema["$defs"]["ruleId"]["enum"]
        .as_array()
        .expect("ruleId has an enum")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut expected = ids();
    expected.extend(errlint::diff::CHANGES.iter().map(|c| c.id));
    expected.extend(errlint::check_traffic::TRAFFIC_CHECKS.iter().map(|c| c.id));
    expected.extend(rules::REDIRECTS.iter().map(|(old, _)| *old));
    assert_eq!(listed, expected);
}

#[test]
fn every_rule_file_is_in_the_rule_list() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let not_rules = ["mod"];
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .filter(|stem| !not_rules.contains(&stem.as_str()))
        .map(|stem| stem.replace('_', "-"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = ids().iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed);
}

/// A rule with a fix says whether it is safe, and why, in a "Fix safety" section of its docs
/// (which `errlint explain` prints); a rule without one has no such section.
#[test]
fn every_fix_says_why_it_is_safe_or_not() {
    for meta in errlint::rules::ALL {
        let section = meta.docs.contains("## Fix safety");
        assert_eq!(meta.fix.is_some(), section, "{}", meta.id);
        if let Some(applicability) = meta.fix {
            let word = match applicability {
                errlint::finding::Applicability::Safe => "Safe:",
                errlint::finding::Applicability::Unsafe => "Unsafe:",
            };
            let after = meta.docs.split("## Fix safety").nth(1).unwrap();
            assert!(
                after.trim_start().starts_with(&format!("/// {word}"))
                    || after.trim_start().starts_with(word),
                "{}: {after}",
                meta.id
            );
        }
    }
}

/// Every fix a finding carries has the applicability its rule declares.
#[test]
fn fixes_carry_their_rules_applicability() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let outcome = errlint::lint_path(
        &dir.join("example/openapi.yaml"),
        &errlint::Options::default(),
    );
    let mut seen = 0;
    for finding in &outcome.findings {
        if let Some(fix) = &finding.fix {
            let meta = errlint::rules::find(finding.rule).unwrap();
            assert_eq!(Some(fix.applicability), meta.fix, "{}", finding.rule);
            seen += 1;
        }
    }
    assert!(seen > 0, "the example has fixable findings");
}

/// Every rule has a folder of fixtures (`tests/fixtures/main.rs` runs them) with a document it
/// accepts and one it rejects, and its docs have every section a page needs.
#[test]
fn every_rule_has_passing_and_failing_fixtures_and_complete_docs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    for meta in rules::ALL {
        let dir = root.join(meta.id);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("rule `{}` has no fixtures/rules/{}/", meta.id, meta.id))
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n != "errlint.yaml")
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
