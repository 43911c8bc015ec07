//! errlint used as a library from another crate's tests: the rendering it snapshots must be the
//! same everywhere — no absolute paths, no colours, no timestamps.

use errlint::config::ConfigChoice;
use errlint::report::{Format, RenderOptions, render};
use errlint::{Options, lint_path};
use std::path::Path;

#[test]
fn concise_and_json_renderings_are_machine_independent() {
    let options = Options {
        config: ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..Options::default()
    };
    let outcome = lint_path(
        Path::new("fixtures/documents/refs/multi-file/openapi.yaml"),
        &options,
    );
    for format in [Format::Concise, Format::Json] {
        let text = render(&outcome, &RenderOptions::plain(format));
        assert!(
            !text.contains(env!("CARGO_MANIFEST_DIR")),
            "absolute path in {format:?}:\n{text}"
        );
        assert!(!text.contains('\u{1b}'), "colour in {format:?}");
        assert_eq!(
            text,
            render(
                &lint_path(
                    Path::new("fixtures/documents/refs/multi-file/openapi.yaml"),
                    &options
                ),
                &RenderOptions::plain(format)
            )
        );
    }
    insta::assert_snapshot!(
        "library-concise",
        render(&outcome, &RenderOptions::plain(Format::Concise))
    );
}

/// `Finding` and `Outcome` serialise, so a library user can snapshot them as data.
#[test]
fn findings_snapshot_as_json_data() {
    let options = Options {
        config: ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..Options::default()
    };
    let outcome = lint_path(
        Path::new("fixtures/documents/refs/multi-file/openapi.yaml"),
        &options,
    );
    insta::assert_json_snapshot!("library-findings", outcome.findings);
}

/// The snapshot form (what docs/library.md tells users to snapshot) is one line per finding and
/// holds no byte offset: the same document with its lines widened and a key moved within its
/// line gives the same snapshot, which a form with offsets or columns would not.
#[test]
fn the_snapshot_form_holds_no_offsets() {
    let options = Options {
        config: ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..Options::default()
    };
    let text = std::fs::read_to_string("fixtures/example/openapi.yaml").unwrap();
    // Trailing spaces on every line and a flow mapping padded inside: every byte offset after
    // the first line moves, every line stays where it was.
    let widened: String = text
        .lines()
        .map(|line| format!("{}   \n", line.replace("{$ref:", "{ $ref:")))
        .collect();
    assert_ne!(widened, text);
    let snapshot = |source: &str| {
        let at = Path::new("fixtures/example/openapi.yaml");
        let outcome = errlint::lint_text_at(at, source, &options);
        errlint::report::snapshot(&outcome)
    };
    let plain = snapshot(&text);
    assert_eq!(plain.lines().count(), 13, "{plain}");
    assert_eq!(plain, snapshot(&widened));
    insta::assert_snapshot!("library-snapshot-form", plain);
}
