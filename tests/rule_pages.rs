//! One page per rule in `docs/rules/`, generated from the rule's doc comment, and their index.
//! The committed pages must be what the rules say today: SARIF's `helpUri` and the editor's
//! link on a diagnostic lead to them, so a stale page would document a rule that no longer is.

use errlint::finding::Applicability;
use errlint::rules::{self, RuleMeta};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What regenerates the pages; the stale-page message tells a reader to run it.
const REGENERATE: &str = "cargo test write_rule_pages -- --ignored";

fn repository_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pages_folder() -> PathBuf {
    repository_root().join("docs/rules")
}

/// The file that holds a rule: its id with underscores, in `rules/`.
fn source_file(meta: &RuleMeta) -> String {
    format!("rules/{}.rs", meta.id.replace('-', "_"))
}

/// The first line of every page, so that nobody edits the page instead of the doc comment.
fn generated_note(source: &str) -> String {
    format!("<!-- Generated from {source} by `{REGENERATE}`: edit that, not this page. -->")
}

/// A rule's summary as a sentence of its own: `errlint rules` shows it in lower case, mid-line.
fn summary_sentence(summary: &str) -> String {
    let mut chars = summary.chars();
    let first = chars.next().map(|c| c.to_uppercase().to_string());
    format!("{}{}.", first.unwrap_or_default(), chars.as_str())
}

fn fix_description(fix: Option<Applicability>) -> &'static str {
    match fix {
        None => "none",
        Some(Applicability::Safe) => "safe, applied by `--fix`",
        Some(Applicability::Unsafe) => "unsafe, applied only by `--fix --unsafe-fixes`",
    }
}

fn fix_word(fix: Option<Applicability>) -> &'static str {
    match fix {
        None => "—",
        Some(Applicability::Safe) => "safe",
        Some(Applicability::Unsafe) => "unsafe",
    }
}

fn rule_page(meta: &RuleMeta) -> String {
    let source = source_file(meta);
    format!(
        "{note}\n# {id}\n\n{summary}\n\nDefault level: **{level}**. Fix: {fix}.\n\
         Source: [`{source}`](../../{source}).\n\n{docs}\n\n---\n\n[All rules](README.md)\n",
        note = generated_note(&source),
        id = meta.id,
        summary = summary_sentence(meta.summary),
        level = meta.default_severity,
        fix = fix_description(meta.fix),
        docs = rules::explain(meta).trim(),
    )
}

const INDEX_INTRO: &str = "\
# Rules

Every rule errlint checks. Each page is generated from the doc comment at the top of the rule's
file in [`rules/`](../../rules/), and `errlint explain RULE` prints the same text. A rule's level
is set in `errlint.yaml` or with `--rule RULE=LEVEL` ([configuration](../configuration.md)); how
the rules read a document where a contract could go either way is in
[the choices they make](../rule-choices.md).

| rule | default | fix | checks |
|---|---|---|---|
";

const PROBLEMS_INTRO: &str = "
## Problems with the document, the config or the run

Not rules: errlint reports them with ids of their own, which `errlint explain ID` explains too
(see [Usage](../usage.md#document-problems)).

";

const DIFF_CHANGES: &str = "
## Changes that `errlint diff` reports

Their ids and default levels are on [the `errlint diff` page](../diff.md).

## Checks of `errlint check-traffic`

Their ids and default levels are on [the `errlint check-traffic` page](../check-traffic.md).
";

fn index_page() -> String {
    let mut page = format!("{}\n{INDEX_INTRO}", generated_note("rules/mod.rs"));
    for meta in rules::ALL {
        page.push_str(&format!(
            "| [`{id}`]({id}.md) | {level} | {fix} | {summary} |\n",
            id = meta.id,
            level = meta.default_severity,
            fix = fix_word(meta.fix),
            summary = meta.summary,
        ));
    }
    page.push_str(PROBLEMS_INTRO);
    for (id, text) in errlint::catalog::PROBLEMS {
        page.push_str(&format!("- `{id}`: {text}\n"));
    }
    page.push_str(DIFF_CHANGES);
    page
}

/// The lines around the README's rule table, which is generated like the pages.
const TABLE_START: &str =
    "<!-- Generated from the rules by `cargo test write_rule_pages -- --ignored`. -->\n";
const TABLE_END: &str = "<!-- End of the generated rule table. -->";

/// The README's rule table: each id links to its page at the full address SARIF and the
/// editor use (the README is also the PyPI page, where a relative link leads nowhere).
fn readme_table() -> String {
    let mut table = String::from("| rule | default | checks |\n|---|---|---|\n");
    for meta in rules::ALL {
        table.push_str(&format!(
            "| [`{id}`]({page}) | {level} | {summary} |\n",
            id = meta.id,
            page = errlint::report::rule_url(meta.id),
            level = meta.default_severity,
            summary = meta.summary,
        ));
    }
    table
}

/// The lines around `docs/diff.md`'s table of change ids.
const CHANGES_START: &str = "<!-- Generated from src/catalog/changes.rs by `cargo test write_rule_pages -- --ignored`. -->\n";
const CHANGES_END: &str = "<!-- End of the generated change table. -->";

/// `docs/diff.md`'s table: every change id `errlint diff` reports, with its default.
fn change_table() -> String {
    let mut table = String::from("| id | change | default |\n|---|---|---|\n");
    for change in errlint::diff::CHANGES {
        let class = match change.class {
            errlint::catalog::Class::Breaking => "breaking",
            errlint::catalog::Class::Warning => "warning",
            errlint::catalog::Class::Info => "info",
        };
        table.push_str(&format!(
            "| `{}` | {} | {class} |\n",
            change.id, change.summary
        ));
    }
    table
}

/// The lines around `docs/check-traffic.md`'s table of checks.
const CHECKS_START: &str = "<!-- Generated from src/catalog/traffic.rs by `cargo test write_rule_pages -- --ignored`. -->\n";
const CHECKS_END: &str = "<!-- End of the generated check table. -->";

/// `docs/check-traffic.md`'s table: every check, with its default level.
fn check_table() -> String {
    let mut table = String::from("| id | a recorded response that… | default |\n|---|---|---|\n");
    for check in errlint::check_traffic::TRAFFIC_CHECKS {
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            check.id, check.summary, check.level
        ));
    }
    table
}

/// The generated tables outside `docs/rules/`: each file, its markers and its table.
fn generated_tables() -> [(&'static str, &'static str, &'static str, String); 3] {
    [
        ("README.md", TABLE_START, TABLE_END, readme_table()),
        ("docs/diff.md", CHANGES_START, CHANGES_END, change_table()),
        (
            "docs/check-traffic.md",
            CHECKS_START,
            CHECKS_END,
            check_table(),
        ),
    ]
}

/// A file as it would be with today's table between its markers.
fn with_current_table(file: &str, start_marker: &str, end_marker: &str, table: &str) -> String {
    let text = std::fs::read_to_string(repository_root().join(file)).expect("a readable file");
    let start = text
        .find(start_marker)
        .unwrap_or_else(|| panic!("{file} marks its table"))
        + start_marker.len();
    let end = start
        + text[start..]
            .find(end_marker)
            .unwrap_or_else(|| panic!("{file} ends its table"));
    format!("{}{table}{}", &text[..start], &text[end..])
}

#[test]
fn the_generated_tables_are_current() {
    for (file, start, end, table) in generated_tables() {
        let committed = std::fs::read_to_string(repository_root().join(file)).unwrap();
        assert!(
            committed == with_current_table(file, start, end, &table),
            "the table in {file} is stale: run `{REGENERATE}`"
        );
    }
}

/// Every file that belongs in `docs/rules/`, by name, as the rules describe themselves today.
fn generated_pages() -> BTreeMap<String, String> {
    let mut pages: BTreeMap<String, String> = rules::ALL
        .iter()
        .map(|meta| (format!("{}.md", meta.id), rule_page(meta)))
        .collect();
    pages.insert("README.md".to_string(), index_page());
    pages
}

/// The Markdown files in `docs/rules/` now, by name.
fn committed_pages() -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(pages_folder()) else {
        return BTreeMap::new();
    };
    entries
        .map(|entry| entry.expect("a readable docs/rules/").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).expect("a readable page");
            (name, text)
        })
        .collect()
}

#[test]
fn every_rule_page_is_current() {
    let generated = generated_pages();
    let committed = committed_pages();
    let mut problems = Vec::new();
    for (name, text) in &generated {
        match committed.get(name) {
            None => problems.push(format!("docs/rules/{name} is missing: run `{REGENERATE}`")),
            Some(on_disk) if on_disk != text => {
                problems.push(format!("docs/rules/{name} is stale: run `{REGENERATE}`"))
            }
            Some(_) => {}
        }
    }
    for name in committed.keys().filter(|n| !generated.contains_key(*n)) {
        problems.push(format!(
            "docs/rules/{name} belongs to no rule: run `{REGENERATE}`, which removes it"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Writes the pages `every_rule_page_is_current` expects, removes the pages of rules that are
/// gone, and writes the README's rule table and `docs/diff.md`'s change table. Ignored so
/// that `cargo test` never writes into the work tree.
#[test]
#[ignore = "writes docs/rules/: run it after changing a rule's doc comment"]
fn write_rule_pages() {
    let folder = pages_folder();
    std::fs::create_dir_all(&folder).expect("docs/rules/ can be made");
    let generated = generated_pages();
    for name in committed_pages().keys() {
        if !generated.contains_key(name) {
            std::fs::remove_file(folder.join(name)).expect("a stale page can be removed");
        }
    }
    for (name, text) in generated {
        std::fs::write(folder.join(name), text).expect("a page can be written");
    }
    for (file, start, end, table) in generated_tables() {
        let text = with_current_table(file, start, end, &table);
        std::fs::write(repository_root().join(file), text).expect("a table's file can be written");
    }
}

/// SARIF's `helpUri` and the language server's code description come from the same addresses:
/// each rule's leads to its page, each `errlint diff` change's to the diff page, and every one
/// of those files is in the repository.
#[test]
fn help_links_lead_to_committed_pages() {
    let prefix = format!("{}/blob/main/", errlint::REPOSITORY_URL);
    let options = errlint::report::RenderOptions::plain(errlint::report::Format::Sarif);
    let mut infos = options.rules;
    infos.extend(errlint::diff::rule_infos());
    for info in &infos {
        let path = info
            .url
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{}: {} is not under {prefix}", info.id, info.url));
        assert!(
            repository_root().join(path).is_file(),
            "{}: {path} does not exist",
            info.id
        );
        let expected = if rules::find(info.id).is_some() {
            format!("docs/rules/{}.md", info.id)
        } else {
            errlint::diff::DOCS_PAGE.to_string()
        };
        assert_eq!(path, expected, "{}", info.id);
    }
}
