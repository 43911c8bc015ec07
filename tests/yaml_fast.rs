//! The YAML fast path against saphyr, differentially: on every YAML file of the corpus and on
//! generated documents in the styles OpenAPI documents use, the fast path either declines or
//! builds exactly the tree saphyr builds (kinds, spans, parents, keys, values).

use errlint::document::{yaml_fast_path_agrees, yaml_halves_agree};
use proptest::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Every YAML file of the shared corpus (when it is there: `test` is said to be skipped in part
/// when not) and of the fixtures, in a stable order; and whether the corpus was read.
fn corpus_and_fixtures(test: &str) -> (Vec<std::path::PathBuf>, bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let corpus = crate::external::corpus(test);
    if let Some(corpus) = &corpus {
        yaml_files(corpus, &mut files);
    }
    yaml_files(&root.join("fixtures"), &mut files);
    files.sort();
    (files, corpus.is_some())
}

#[test]
fn every_yaml_file_of_the_corpus_and_the_fixtures() {
    let (files, _) = corpus_and_fixtures(
        "yaml_fast::every_yaml_file_of_the_corpus_and_the_fixtures (corpus part)",
    );
    let mut taken = 0;
    let mut failures = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        match yaml_fast_path_agrees(&text) {
            Ok(true) => taken += 1,
            Ok(false) => {}
            Err(difference) => failures.push(format!("{}: {difference}", file.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("fast path took {taken} of {} YAML files", files.len());
}

/// A large file is read in two halves on two threads: wherever the second half starts, the
/// tree is the one a single pass builds, and the fast path declines exactly where it would.
#[test]
fn two_halves_build_what_one_pass_builds_wherever_they_split() {
    let (files, with_corpus) = corpus_and_fixtures(
        "yaml_fast::two_halves_build_what_one_pass_builds_wherever_they_split (large files)",
    );
    let mut failures = Vec::new();
    let mut joined_in_large = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        // Large files at many points, the others at a few.
        let points = if text.len() > 100_000 { 16 } else { 4 };
        let mut joined = 0;
        for n in 1..points {
            match yaml_halves_agree(&text, text.len() * n / points) {
                Ok(halves) => joined += usize::from(halves),
                Err(difference) => {
                    failures.push(format!("{} at {n}/{points}: {difference}", file.display()))
                }
            }
        }
        if points == 16 && yaml_fast_path_agrees(&text) == Ok(true) {
            joined_in_large.push((file.file_name().unwrap().to_owned(), joined));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The fixtures are small: only the corpus has the large files that are split in earnest.
    if !with_corpus {
        return;
    }
    // Where the fast path takes a large file, most splits are read apart and joined: the test
    // does not pass by never splitting.
    assert!(joined_in_large.len() >= 3, "{joined_in_large:?}");
    assert!(
        joined_in_large.iter().all(|(_, joined)| *joined >= 12),
        "{joined_in_large:?}"
    );
    eprintln!("joined of 15 splits per large file: {joined_in_large:?}");
}

/// The second half is built into a tape of its own and joined: the mappings it starts inside
/// are closed on the joined tape, so merge keys and duplicate keys on either side of the split
/// are read as one pass reads them. Every byte of these texts is tried as the split.
#[test]
fn merge_keys_and_duplicate_keys_across_the_split() {
    let merged = "openapi: 3.0.0\npaths:\n  /a:\n    get: {}\n  /b:\n    <<: {x: 1}\n    get: {}\n  <<: {/c: {get: {}}}\n  /d: {}\n<<: {info: {title: t}}\ncomponents: {}\n";
    let bad_merge = "openapi: 3.0.0\npaths:\n  /a: {}\n  <<: 1\nx: 1\n";
    let duplicate_root = "openapi: 3.0.0\npaths:\n  /a: {}\n  /b: {}\nopenapi: 3.1.0\n";
    let duplicate_path = "paths:\n  /a: {}\n  /b: {}\n  /a: {}\ninfo: {}\n";
    let nested = "a:\n  b:\n    c: 1\n  d:\n    - e\n    - f: g\n  h: 2\ni: 3\n";
    for (text, one_pass) in [
        (merged, true),
        (bad_merge, false),
        (duplicate_root, false),
        (duplicate_path, false),
        (nested, true),
    ] {
        assert_eq!(yaml_fast_path_agrees(text), Ok(one_pass), "{text}");
        let joined = (0..text.len())
            .map(|from| match yaml_halves_agree(text, from) {
                Ok(joined) => usize::from(joined),
                Err(difference) => panic!("split from byte {from}: {difference}\n{text}"),
            })
            .sum::<usize>();
        // Each text has lines that a second half may start at and the first half reaches.
        assert!(joined > 0 || !one_pass, "never joined: {text}");
    }
}

/// Cases the fuzzer found, kept: saphyr refuses an implicit key over 1024 characters, and a
/// closing quote at the key's column or before.
#[test]
fn what_the_fuzzer_found() {
    for text in [
        format!("type: object\n{}: x\n", "k".repeat(1100)),
        format!("a: {{{}: x}}\n", "k".repeat(1100)),
        format!("- '{}': x\n", "k".repeat(1100)),
        // A quoted scalar whose closing quote is not further in than its key.
        "a:\n  b: 'x\n    y\n'\n".to_string(),
        // A `-` after a space and before a flow indicator, in a flow collection.
        "es: [er)s -]\n".to_string(),
        // A backslash as the text's last byte, inside an unclosed double-quoted scalar: the
        // fast path panicked here.
        "a: \"b\\".to_string(),
        // A sign where an escape's hexadecimal digits go.
        "a: \"\\u+e40\"\n".to_string(),
        // A line of U+2004 (a space to Unicode, text to YAML) at column 0 inside a quoted
        // scalar: the fast path took it for a blank line, saphyr refuses the indentation.
        "a: \"x\n\u{2004}\n  y\"\n".to_string(),
    ] {
        assert_eq!(yaml_fast_path_agrees(&text), Ok(false), "{}", &text[..40]);
    }
}

/// A generated node, written out in one of the styles below.
#[derive(Debug, Clone)]
enum Node {
    Scalar(String),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "code",
        "404",
        "'x'",
        "it's",
        "a b",
        "x: y",
        "#tag",
        "-1",
        "true",
        "null",
        "~",
        "ü",
        "😀",
        "a\"b",
        "back\\slash",
        "",
        "  lead",
        "trail  ",
        "{id}",
        "http://x",
        "- dash",
        "multi word text here",
        "[x]",
        "a,b",
        "@at",
        "50%",
        "<<",
    ])
    .prop_map(str::to_string)
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop::collection::vec(word(), 1..4).prop_map(|w| Node::Scalar(w.join(" ")));
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec((word(), inner.clone()), 1..5).prop_map(Node::Map),
            prop::collection::vec(inner, 1..5).prop_map(Node::Seq),
        ]
    })
}

/// How to write scalars and collections; each choice is drawn per document.
#[derive(Debug, Clone, Copy)]
struct Style {
    quote: u8,
    flow_depth: u8,
    indentless: bool,
    block_scalars: u8,
    comments: bool,
    wrap: bool,
}

fn style() -> impl Strategy<Value = Style> {
    (
        0u8..4,
        0u8..3,
        any::<bool>(),
        0u8..6,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(quote, flow_depth, indentless, block_scalars, comments, wrap)| Style {
                quote,
                flow_depth,
                indentless,
                block_scalars,
                comments,
                wrap,
            },
        )
}

fn scalar(text: &str, style: Style, indent: usize) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    match style.quote {
        0 if !text.is_empty() => {
            if style.wrap && text.contains(' ') {
                // A plain scalar wrapped onto the next line, as YAML dumpers do.
                text.replacen(' ', &format!("\n{}", " ".repeat(indent + 2)), 1)
            } else {
                text.to_string()
            }
        }
        1 => format!("'{}'", text.replace('\'', "''")),
        2 if style.wrap && text.contains(' ') => format!(
            "\"{}\"",
            escaped.replacen(' ', &format!("\n{}", " ".repeat(indent + 2)), 1)
        ),
        _ => format!("\"{escaped}\""),
    }
}

fn flow(node: &Node, style: Style) -> String {
    let style = Style {
        wrap: false,
        ..style
    };
    match node {
        Node::Scalar(s) => scalar(
            s,
            Style {
                quote: style.quote.max(1),
                ..style
            },
            0,
        ),
        Node::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        scalar(k, Style { quote: 1, ..style }, 0),
                        flow(v, style)
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Node::Seq(items) => {
            let parts: Vec<String> = items.iter().map(|v| flow(v, style)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

fn depth(node: &Node) -> u8 {
    match node {
        Node::Scalar(_) => 0,
        Node::Map(e) => 1 + e.iter().map(|(_, v)| depth(v)).max().unwrap_or(0),
        Node::Seq(i) => 1 + i.iter().map(depth).max().unwrap_or(0),
    }
}

/// The value after `key:` or `-`, starting on the same line.
fn value(node: &Node, style: Style, indent: usize, n: usize) -> String {
    match node {
        Node::Scalar(s)
            if style.block_scalars > 3 && !s.trim().is_empty() && !s.starts_with(' ') =>
        {
            let header = ["|", ">", "|-", ">-", "|+", ">+"][n % 6];
            let pad = " ".repeat(indent + 2);
            let body: Vec<String> = s.split(' ').map(|w| format!("{pad}{w}")).collect();
            format!(
                " {header}\n{}",
                body.join(if n % 2 == 0 { "\n" } else { "\n\n" })
            )
        }
        Node::Scalar(s) => format!(" {}", scalar(s, style, indent)),
        _ if depth(node) <= style.flow_depth => format!(" {}", flow(node, style)),
        _ => format!("\n{}", block(node, style, indent + 2)),
    }
}

fn block(node: &Node, style: Style, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = Vec::new();
    match node {
        Node::Scalar(s) => out.push(format!("{pad}{}", scalar(s, style, indent))),
        Node::Map(entries) => {
            for (n, (k, v)) in entries.iter().enumerate() {
                if style.comments && n == 1 {
                    out.push(format!("{pad}# a comment"));
                }
                let key = scalar(
                    k,
                    Style {
                        wrap: false,
                        quote: style.quote.min(1) + 1,
                        ..style
                    },
                    indent,
                );
                let written = match v {
                    Node::Seq(_) if style.indentless && depth(v) > style.flow_depth => {
                        format!("{pad}{key}:\n{}", block(v, style, indent))
                    }
                    _ => format!("{pad}{key}:{}", value(v, style, indent, n)),
                };
                out.push(written);
            }
        }
        Node::Seq(items) => {
            for (n, item) in items.iter().enumerate() {
                let written = match item {
                    Node::Map(_) if depth(item) > style.flow_depth => {
                        let inner = block(item, style, indent + 2);
                        format!("{pad}- {}", &inner[indent + 2..])
                    }
                    _ => format!("{pad}-{}", value(item, style, indent, n)),
                };
                out.push(written);
            }
        }
    }
    out.join("\n")
}

static TRIED: AtomicUsize = AtomicUsize::new(0);
static TAKEN: AtomicUsize = AtomicUsize::new(0);

/// The generator is worth something only if most of its documents take the fast path.
#[test]
fn most_generated_documents_take_the_fast_path() {
    generated_documents();
    let (tried, taken) = (TRIED.load(Ordering::Relaxed), TAKEN.load(Ordering::Relaxed));
    eprintln!("fast path took {taken} of {tried} generated documents");
    assert!(taken * 2 > tried, "{taken} of {tried}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Documents written as OpenAPI documents are (block and flow collections, every quoting,
    /// wrapped scalars, block scalars, comments): the fast path declines or agrees.
    #[test]
    fn generated_documents(root in node(), style in style()) {
        let root = match root {
            Node::Scalar(s) => Node::Map(vec![("root".into(), Node::Scalar(s))]),
            other => other,
        };
        let text = format!("{}\n", block(&root, style, 0));
        for n in 1..4 {
            if let Err(difference) = yaml_halves_agree(&text, text.len() * n / 4) {
                prop_assert!(false, "two halves from {}/4: {}\n---\n{}", n, difference, text);
            }
        }
        match yaml_fast_path_agrees(&text) {
            Ok(taken) => {
                TRIED.fetch_add(1, Ordering::Relaxed);
                TAKEN.fetch_add(usize::from(taken), Ordering::Relaxed);
            }
            Err(difference) => prop_assert!(false, "{}\n---\n{}", difference, text),
        }
    }
}

#[test]
#[ignore]
fn declined_large_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(&crate::external::corpus_dir(), &mut files);
    yaml_files(&root.join("target/bench-data"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        if text.len() > 50_000 {
            let at = errlint::document::yaml_fast_path_declines_at(&text);
            let line = at.map(|at| {
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                format!(
                    "line {}: {:?}",
                    text[..at].matches('\n').count() + 1,
                    &text[at..end.min(at + 100)]
                )
            });
            eprintln!("{} {} {:?}", text.len(), file.display(), line);
        }
    }
}
