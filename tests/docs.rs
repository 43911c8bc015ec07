//! `errlint docs`: the generated error reference page, reviewed as snapshots — a Botect-like
//! document (it should read like Botect's error page: the envelope, four statuses with one code
//! each, a canonical 402) and, when the corpus is there, a `default`-only description.

use errlint::Options;
use errlint::config::ConfigChoice;
use std::path::Path;

fn page(path: &Path, profile: Option<&str>) -> String {
    let options = Options {
        config: ConfigChoice {
            no_discovery: true,
            profile: profile.map(String::from),
            ..Default::default()
        },
        ..Options::default()
    };
    errlint::reference_page::page_of(path, &options)
        .expect("the document loads")
        .to_markdown()
}

#[test]
fn a_botect_like_document_reads_like_its_error_page() {
    let path = Path::new("fixtures/profiles/botect/pass.yaml");
    let markdown = page(path, Some("botect"));
    assert_eq!(
        markdown,
        page(path, Some("botect")),
        "the same bytes every time"
    );
    insta::assert_snapshot!("botect", markdown);
}

#[test]
fn only_examples_that_validate_are_canonical() {
    let markdown = page(
        Path::new("fixtures/rules/error-example-valid/fail.yaml"),
        None,
    );
    // The 404's only example has an integer code: no canonical 404 is shown.
    assert!(!markdown.contains("### 404"), "{markdown}");
    assert!(
        markdown.contains("| 404 | The media type's example |"),
        "{markdown}"
    );
}

#[test]
fn a_default_only_description_from_the_corpus() {
    let Some(corpus) = crate::external::corpus("docs::a_default_only_description_from_the_corpus")
    else {
        return;
    };
    let path = corpus.join("azure.com-billing.3.0.json");
    let options = Options {
        config: ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..Options::default()
    };
    let markdown = errlint::reference_page::page_of(&path, &options)
        .unwrap()
        .to_markdown();
    insta::assert_snapshot!("azure-billing", markdown);
}

/// The contract's catalog fills the code table where the document shows no code.
#[test]
fn the_contract_catalog_adds_codes_the_document_does_not_show() {
    let markdown = page(
        Path::new("fixtures/rules/error-example-valid/pass.yaml"),
        Some("botect"),
    );
    assert!(
        markdown.contains("| `NO_ACTIVE_SUBSCRIPTION` | 402 | in the contract's catalog; the document does not show it |  |"),
        "{markdown}"
    );
}

/// A document whose author wrote HTML, MDX expressions, Markdown syntax, pipes, backticks and
/// line breaks into every title, path, field name, code and description.
const HOSTILE: &str = "fixtures/contract/hostile.yaml";

/// The page a CommonMark renderer with GFM tables makes of `markdown`: its HTML, and every
/// table row as the text of its cells.
fn rendered(markdown: &str) -> (String, Vec<Vec<String>>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cell: Option<String> = None;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    for event in &events {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => panic!("raw HTML {html:?}"),
            Event::Start(Tag::TableHead | Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let done = cell.take().unwrap_or_default();
                rows.last_mut().unwrap().push(done);
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(t);
                }
            }
            Event::Start(tag) => assert!(
                matches!(
                    tag,
                    Tag::Heading { .. }
                        | Tag::Paragraph
                        | Tag::List(_)
                        | Tag::Item
                        | Tag::Table(_)
                        | Tag::CodeBlock(_)
                ),
                "the page makes no {tag:?}"
            ),
            _ => {}
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (html, rows)
}

/// The byte offsets of `{` and `}` that MDX would read as an expression: outside code, without
/// a backslash before them.
fn mdx_expressions(markdown: &str) -> Vec<usize> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut in_block = false;
    let mut found = Vec::new();
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_block = true,
            Event::End(TagEnd::CodeBlock) => in_block = false,
            Event::Text(_) if !in_block => {
                let bytes = markdown.as_bytes();
                found.extend(range.filter(|&i| {
                    matches!(bytes[i], b'{' | b'}') && (i == 0 || bytes[i - 1] != b'\\')
                }));
            }
            _ => {}
        }
    }
    found
}

/// How many cells each line of a table starts, as GFM splits it: a `|` after a backslash is
/// content.
fn cell_counts(markdown: &str) -> Vec<Vec<usize>> {
    let mut tables: Vec<Vec<usize>> = Vec::new();
    let mut in_table = false;
    for line in markdown.lines() {
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let mut pipes = 0;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '|' => pipes += 1,
                _ => {}
            }
        }
        if !in_table {
            tables.push(Vec::new());
            in_table = true;
        }
        tables.last_mut().unwrap().push(pipes - 1);
    }
    tables
}

#[test]
fn a_hostile_document_gives_an_inert_page() {
    let markdown = page(Path::new(HOSTILE), None);
    let (html, rows) = rendered(&markdown);
    for tag in [
        "<script",
        "<iframe",
        "<img",
        "<b>",
        "<details",
        "</details",
        "<summary",
        "<!--",
        "href=",
        "<del>",
    ] {
        assert!(!html.contains(tag), "{tag} in {html}");
    }
    // Shown as text rather than dropped.
    assert!(html.contains("&lt;script&gt;alert("), "{html}");
    assert!(
        markdown
            .chars()
            .all(|c| c == '\n' || !(c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))),
        "{markdown:?}"
    );
    assert_eq!(
        mdx_expressions(&markdown),
        Vec::<usize>::new(),
        "{markdown}"
    );
    let tables = cell_counts(&markdown);
    assert_eq!(tables.len(), 3, "{markdown}");
    for table in tables {
        assert!(table.iter().all(|&n| n == 4), "{table:?} in {markdown}");
    }
    // Each code and field name arrives whole in its own cell, line breaks shown as escapes.
    let first_cells: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    for name in [
        "C|D",
        "E\\rF",
        "A`B``C",
        "`edge`",
        "H\\u{2028}I",
        "pipe|name",
        "brace{y}|pipe`tick",
        "nl\\nrate_limit: {default: unlimited}",
    ] {
        assert!(first_cells.contains(&name), "{name:?} in {first_cells:?}");
    }
    let meaning = &rows.iter().find(|r| r[0] == "C|D").unwrap()[2];
    assert_eq!(meaning, "</details><details open><summary>x | y");
    assert!(
        markdown.contains(
            "# Errors of &lt;script&gt;alert('title')&lt;/script&gt;&lt;/details&gt;\\{props.title\\} "
        ),
        "{markdown}"
    );
}
