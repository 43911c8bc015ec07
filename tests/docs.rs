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
    let mut open_blocks = 0;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    for event in &events {
        match event {
            // The only HTML is errlint's own collapsible list, around Markdown.
            Event::Html(html) | Event::InlineHtml(html) => match html.trim_end() {
                "<details><summary>Every operation, by status</summary>"
                | "<details><summary>Every operation, by code</summary>" => open_blocks += 1,
                "</details>" if open_blocks > 0 => open_blocks -= 1,
                _ => panic!("raw HTML {html:?}"),
            },
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
                        | Tag::HtmlBlock
                ),
                "the page makes no {tag:?}"
            ),
            _ => {}
        }
    }
    assert_eq!(open_blocks, 0, "every collapsible list is closed");
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
        "<details open",
        "<summary>x",
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

/// The page of a fixture under `fixtures/contract/`, written in YAML and in JSON: both give
/// the same page.
fn page_of_twins(name: &str) -> String {
    let yaml = page(Path::new(&format!("fixtures/contract/{name}.yaml")), None);
    let json = page(Path::new(&format!("fixtures/contract/{name}.json")), None);
    assert_eq!(yaml, json, "the YAML and the JSON twin give one page");
    yaml
}

/// The rows of the table whose header starts with `first_column`, as the text of their cells.
fn table_rows(markdown: &str, first_column: &str) -> Vec<Vec<String>> {
    let (_, rows) = rendered(markdown);
    let start = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == first_column))
        .unwrap_or_else(|| panic!("no table starts with {first_column:?} in {markdown}"));
    rows[start + 1..]
        .iter()
        .take_while(|r| r.len() == rows[start].len() && r[0] != rows[start][0])
        .cloned()
        .collect()
}

/// Stripe's `{error: {type, code, message, param, doc_url}}`: every field of the envelope, at
/// every depth, with its type, whether its object requires it, and its description.
#[test]
fn a_nested_envelope_is_shown_as_a_tree_of_fields() {
    let markdown = page_of_twins("nested-envelope");
    let rows = table_rows(&markdown, "field");
    let row = |name: &str| {
        rows.iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no row {name:?} in {markdown}"))
            .clone()
    };
    assert_eq!(row("error"), ["error", "object", "yes", ""]);
    assert_eq!(
        row("error.type"),
        ["error.type", "string", "yes", "The type of error returned."]
    );
    for (name, description) in [
        (
            "error.code",
            "A short string indicating the error code reported.",
        ),
        ("error.param", "The parameter the error relates to, if any."),
        (
            "error.doc_url",
            "A URL to more information about the error code reported.",
        ),
        ("error.source.id", "The source's id."),
    ] {
        assert_eq!(row(name), [name, "string", "no", description]);
    }
    // Parents come before their children.
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names.first(), Some(&"error"), "{names:?}");
    let source = names.iter().position(|n| *n == "error.source").unwrap();
    assert_eq!(names[source + 1], "error.source.id", "{names:?}");
    insta::assert_snapshot!("nested-envelope", markdown);
}

/// Identical inline schemas are one shape: the envelope's support counts every response
/// that has its structure, not the uses of one schema node.
#[test]
fn support_is_counted_by_shape_not_by_schema_node() {
    let markdown = page_of_twins("statuses");
    assert!(
        markdown.contains("14 of 16 error responses with a JSON schema use this shape."),
        "{markdown}"
    );
}

/// A status's meaning is there only when the document gives one for it; codes are shown
/// with how many of the status's operations document them; the envelope does not say
/// "no code" without naming the bodies that have one.
#[test]
fn statuses_say_only_what_the_document_says() {
    let markdown = page_of_twins("statuses");
    let rows = table_rows(&markdown, "status");
    let row = |status: &str| rows.iter().find(|r| r[0] == status).unwrap().clone();
    // A shared response, and descriptions that agree.
    assert_eq!(row("400")[1], "The request is malformed");
    assert_eq!(row("401")[1], "Authentication required");
    // "Order not found", "Customer not found", "Invoice not found": none of them.
    assert_eq!(row("404")[1], "");
    assert_eq!(row("404")[2], "");
    assert_eq!(row("401")[2], "missing, invalid (in 1 of 5 operations)");
    assert_eq!(row("422")[2], "missing, invalid");
    assert!(
        markdown.contains(
            "This body has no machine-readable code; other error bodies have one at `errors[].code` (on 401, 422)."
        ),
        "{markdown}"
    );
}

/// A status or code with many operations shows their count and the first few; the full list
/// is in a collapsible block below the table (and in the JSON form).
#[test]
fn long_lists_are_summarised_with_the_full_list_collapsible() {
    let markdown = page_of_twins("statuses");
    let rows = table_rows(&markdown, "status");
    let operations = &rows.iter().find(|r| r[0] == "404").unwrap()[3];
    assert_eq!(
        operations,
        "GET /customers, GET /customers/{id}, GET /invoices and 2 more (5 in all, listed below)"
    );
    let block = markdown
        .split("<details><summary>Every operation, by status</summary>\n\n")
        .nth(1)
        .and_then(|rest| rest.split("\n</details>").next())
        .unwrap_or_else(|| panic!("no collapsible list in {markdown}"));
    let listed_404 = block
        .split("404 (5 operations):\n\n")
        .nth(1)
        .unwrap_or_else(|| panic!("404 is not listed in {block}"));
    let items: Vec<&str> = listed_404
        .lines()
        .take_while(|l| l.starts_with("- "))
        .collect();
    assert_eq!(
        items,
        [
            "- `GET /customers`",
            "- `GET /customers/{id}`",
            "- `GET /invoices`",
            "- `GET /orders/{id}`",
            "- `POST /orders`",
        ]
    );
    // A row that fits is not repeated there.
    assert!(!block.contains("422"), "{block}");
    let options = Options {
        config: ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..Options::default()
    };
    let json = serde_json::to_value(
        errlint::reference_page::page_of(Path::new("fixtures/contract/statuses.yaml"), &options)
            .unwrap(),
    )
    .unwrap();
    let status_404 = json["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "404")
        .unwrap();
    assert_eq!(status_404["operations"].as_array().unwrap().len(), 5);
}

/// With no config, a code where the defaults do not look (just-eat's
/// `fault.errors[].errorCode`) is read as `errlint contract` recognises it, and the page says
/// so rather than "no machine-readable code".
#[test]
fn a_recognised_code_is_read_when_no_config_names_one() {
    let markdown = page_of_twins("fault");
    assert!(
        markdown.contains("Clients switch on `fault.errors[].errorCode` (string)."),
        "{markdown}"
    );
    assert!(
        markdown.contains("No config says where the code is; `fault.errors[].errorCode` is read as the code because it looks like one"),
        "{markdown}"
    );
    assert!(!markdown.contains("no machine-readable code"), "{markdown}");
}

/// A status's meaning is the first paragraph of its description, marked as cut when more
/// follows (HERE's "Bad request" goes on for two paragraphs).
#[test]
fn a_meaning_cut_to_its_first_paragraph_says_so() {
    let folder = std::env::temp_dir().join(format!("errlint-meaning-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let document = folder.join("openapi.yaml");
    std::fs::write(
        &document,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '400':\n          description: \"Bad request\\n\\nThe request object is in an incorrect format.\"\n          content: {application/json: {schema: {type: object, required: [code], properties: {code: {type: string}}}}}\n",
    )
    .unwrap();
    let markdown = page(&document, None);
    assert!(markdown.contains("| 400 | Bad request … |"), "{markdown}");
    std::fs::remove_dir_all(&folder).unwrap();
}
