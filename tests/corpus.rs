//! Real documents from ../shared/corpus: each lints to exit 0 or 1 (never 2, never a panic),
//! and a second run gives byte-identical output. Skipped, with a message, when the corpus is
//! absent.

use errlint::report::{Format, RenderOptions, render};
use errlint::{Options, lint_path};
use std::path::PathBuf;

const DOCUMENTS: &[&str] = &[
    "github-api.github.com.3.0.json",
    "stripe-spec2-2020-04-23.2.0.yaml",
    "stripe-spec2-2020-04-23.2.0.json",
    "exoapi.dev.3.1.json",
    "oai-petstore-separate-yaml.2.0.multi/spec/swagger.yaml",
    "digitalocean-public-v2.3.0.multi/DigitalOcean-public.v2.yaml",
    "azure.com-billing.3.0.json",
];

/// The corpus lives outside this repository: let its `$ref`s read inside it.
fn options(corpus: &std::path::Path) -> Options {
    Options {
        external_roots: vec![corpus.to_path_buf()],
        ..Options::default()
    }
}

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

#[test]
fn real_documents_lint_deterministically() {
    let Some(dir) = corpus() else { return };
    for name in DOCUMENTS {
        let path = dir.join(name);
        let first = lint_path(&path, &options(&dir));
        let code = first.exit_code(false);
        let first_json = render(&first, &RenderOptions::plain(Format::Json));
        assert!(
            code == 0 || code == 1,
            "{name}: exit code {code}\n{first_json}"
        );
        let second = render(
            &lint_path(&path, &options(&dir)),
            &RenderOptions::plain(Format::Json),
        );
        assert!(first_json == second, "{name}: two runs differ");
    }
}

#[test]
fn json_and_yaml_twins_give_the_same_findings() {
    let Some(dir) = corpus() else { return };
    let summary = |name: &str| {
        let outcome = lint_path(&dir.join(name), &options(&dir));
        let mut rows: Vec<(String, String, String)> = outcome
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.to_string(),
                    f.location
                        .as_ref()
                        .map(|l| l.pointer.clone())
                        .unwrap_or_default(),
                    f.message.clone(),
                )
            })
            .collect();
        rows.sort();
        rows
    };
    let json = summary("stripe-spec2-2020-04-23.2.0.json");
    assert!(!json.is_empty());
    assert_eq!(json, summary("stripe-spec2-2020-04-23.2.0.yaml"));
    assert_eq!(
        summary("oai-petstore-separate-json.2.0.multi/spec/swagger.json"),
        summary("oai-petstore-separate-yaml.2.0.multi/spec/swagger.yaml")
    );
}
