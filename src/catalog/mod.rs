//! The one catalog of every id errlint reports: the rules (declared in `rules/`), the
//! problems with a document, a config or a run ([`problems`]), the changes `errlint diff`
//! reports ([`changes`]) and the checks of `errlint check-traffic` ([`traffic`]); renamed ids
//! are in `ids`. `explain`, `rules`, the config schema and
//! its validation, and the reports' rule metadata all read it, so a new kind of id is one
//! entry in one of these lists.

pub mod changes;
pub mod problems;
pub mod traffic;

use crate::ids::Severity;

pub use changes::{CHANGES, ChangeMeta, Class};
pub use problems::PROBLEMS;
pub use traffic::{TRAFFIC_CHECKS, TrafficCheck};

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
    TrafficCheck(&'static TrafficCheck),
}

/// What `id` is (a renamed rule's old id finds the rule).
pub fn find(id: &str) -> Option<Entry> {
    if let Some(meta) = crate::rules::find(id) {
        return Some(Entry::Rule(meta));
    }
    if let Some((id, text)) = PROBLEMS.iter().find(|(known, _)| *known == id) {
        return Some(Entry::Problem(id, text));
    }
    if let Some(change) = changes::find(id) {
        return Some(Entry::Change(change));
    }
    traffic::find(id).map(Entry::TrafficCheck)
}

/// The ids whose level a config or `--rule` may set: every rule, every change and every
/// traffic check.
pub fn configurable_ids() -> impl Iterator<Item = &'static str> {
    levelled_ids().map(|(id, _)| id)
}

/// Every id with a level, with the level it has unless a config says otherwise: the rules,
/// the changes of `errlint diff`, the checks of `errlint check-traffic`.
pub fn levelled_ids() -> impl Iterator<Item = (&'static str, Severity)> {
    let rules = crate::rules::ALL.iter().map(|r| (r.id, r.default_severity));
    let changes = CHANGES.iter().map(|c| (c.id, change_level(c)));
    let checks = TRAFFIC_CHECKS.iter().map(|c| (c.id, c.level));
    rules.chain(changes).chain(checks)
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

/// What reports say about each check of `errlint check-traffic`.
pub fn traffic_infos() -> Vec<RuleInfo> {
    TRAFFIC_CHECKS
        .iter()
        .map(|c| RuleInfo {
            id: c.id,
            level: c.level,
            summary: c.summary,
            docs: c.summary.to_string(),
            url: docs_url(traffic::DOCS_PAGE),
        })
        .collect()
}
