//! The one catalog of every id errlint reports: the rules (declared in `rules/`), the
//! problems with a document, a config or a run ([`problems`]), and the changes `errlint diff`
//! reports ([`changes`]); renamed ids are in `ids`. `explain`, `rules`, the config schema and
//! its validation, and the reports' rule metadata all read it, so a new kind of id is one
//! entry in one of these lists.

pub mod changes;
pub mod problems;

use crate::ids::Severity;

pub use changes::{CHANGES, ChangeMeta, Class};
pub use problems::PROBLEMS;

/// What a report says about a rule (SARIF's `tool.driver.rules`, JUnit's test cases).
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: &'static str,
    pub level: Severity,
    pub summary: &'static str,
    pub docs: String,
    /// Where its documentation lives.
    pub url: String,
}

/// Where a rule's documentation lives: its page in `docs/rules/`, generated from the rule's doc
/// comment (SARIF's `helpUri` and the editor's link on a diagnostic's code lead there).
pub fn rule_url(id: &str) -> String {
    docs_url(&format!("docs/rules/{id}.md"))
}

/// The address of a file of errlint's own documentation, `path` relative to the repository.
pub fn docs_url(path: &str) -> String {
    format!("{}/blob/main/{path}", crate::REPOSITORY_URL)
}

/// What an id is, with what is known about it.
#[derive(Debug, Clone, Copy)]
pub enum Entry {
    Rule(&'static crate::rules::RuleMeta),
    /// A problem with the document, the config or the run: its id and what it means.
    Problem(&'static str, &'static str),
    Change(&'static ChangeMeta),
}

/// What `id` is (a renamed rule's old id finds the rule).
pub fn find(id: &str) -> Option<Entry> {
    if let Some(meta) = crate::rules::find(id) {
        return Some(Entry::Rule(meta));
    }
    if let Some((id, text)) = PROBLEMS.iter().find(|(known, _)| *known == id) {
        return Some(Entry::Problem(id, text));
    }
    changes::find(id).map(Entry::Change)
}

/// The ids whose level a config or `--rule` may set: every rule, every change, and the old
/// ids of renamed rules.
pub fn configurable_ids() -> impl Iterator<Item = &'static str> {
    crate::rules::ALL
        .iter()
        .map(|r| r.id)
        .chain(CHANGES.iter().map(|c| c.id))
}

/// The level a change reports at unless a config says otherwise.
pub fn change_level(change: &ChangeMeta) -> Severity {
    match change.class {
        Class::Breaking => Severity::Error,
        Class::Warning => Severity::Warning,
        Class::Info => Severity::Info,
    }
}

/// What reports say about each rule (SARIF's rules, JUnit's test cases).
pub fn rule_infos() -> Vec<RuleInfo> {
    crate::rules::ALL
        .iter()
        .map(|r| RuleInfo {
            id: r.id,
            level: r.default_severity,
            summary: r.summary,
            docs: crate::rules::explain(r),
            url: rule_url(r.id),
        })
        .collect()
}

/// What reports say about each change id.
pub fn change_infos() -> Vec<RuleInfo> {
    CHANGES
        .iter()
        .map(|c| RuleInfo {
            id: c.id,
            level: change_level(c),
            summary: c.summary,
            docs: c.summary.to_string(),
            url: docs_url(changes::DOCS_PAGE),
        })
        .collect()
}
