//! The rule list is the one source of rule ids: the registry's instances, the config schema's
//! `ruleId` enum, the README table and the files in `rules/` must all agree with it.

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
fn the_schema_lists_every_rule_and_change_id_and_nothing_else() {
    let schema = errlint::config::schema();
    let listed: Vec<&str> = schema["$defs"]["ruleId"]["enum"]
        .as_array()
        .expect("ruleId has an enum")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut expected = ids();
    expected.extend(rules::REDIRECTS.iter().map(|(old, _)| *old));
    expected.extend(errlint::diff::CHANGES.iter().map(|c| c.id));
    assert_eq!(listed, expected);
}

#[test]
fn the_readme_table_is_the_rule_list() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table = readme
        .split("| rule | default | checks |")
        .nth(1)
        .expect("README has the rule table");
    let rows: Vec<&str> = table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let expected: Vec<String> = rules::ALL
        .iter()
        .map(|m| format!("| `{}` | {} | {} |", m.id, m.default_severity, m.summary))
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn every_rule_file_is_in_the_rule_list() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let not_rules = ["mod", "error_body", "redirects", "tester"];
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
