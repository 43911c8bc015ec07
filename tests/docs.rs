//! `errlint docs`: the generated error reference page, reviewed as snapshots — a Botect-like
//! document (it should read like seed 001: the envelope, four statuses with one code each, a
//! canonical 402) and, when the corpus is there, a `default`-only description.

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
    errlint::docs::page_of(path, &options)
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
    let markdown = page(Path::new("fixtures/error-example-valid/fail.yaml"), None);
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
    let markdown = errlint::docs::page_of(&path, &options)
        .unwrap()
        .to_markdown();
    insta::assert_snapshot!("azure-billing", markdown);
}

/// The contract's catalog fills the code table where the document shows no code.
#[test]
fn the_contract_catalog_adds_codes_the_document_does_not_show() {
    let markdown = page(
        Path::new("fixtures/error-example-valid/pass.yaml"),
        Some("botect"),
    );
    assert!(
        markdown.contains("| `NO_ACTIVE_SUBSCRIPTION` | 402 | in the contract's catalog; the document does not show it |  |"),
        "{markdown}"
    );
}
