//! The schema `errlint schema traffic` prints says what the reader takes: each line of every
//! NDJSON fixture and each line below is read by the reader exactly when the schema holds.

use super::line;
use std::path::{Path, PathBuf};

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(super::SCHEMA).expect("JSON");
    jsonschema::draft202012::new(&schema).expect("a valid schema")
}

/// Whether the reader takes `text` and whether the schema does, with the reader's reason.
fn judged(validator: &jsonschema::Validator, text: &str) -> (bool, bool, String) {
    let read = line(text.as_bytes());
    let valid =
        serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| validator.is_valid(&v));
    (read.is_ok(), valid, read.err().unwrap_or_default())
}

fn ndjson_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            ndjson_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "ndjson") {
            found.push(path);
        }
    }
}

#[test]
fn every_fixture_line_is_read_exactly_when_the_schema_holds() {
    let validator = validator();
    let mut files = Vec::new();
    ndjson_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/traffic"),
        &mut files,
    );
    assert!(!files.is_empty());
    let mut read = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, text) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let (reader, schema, why) = judged(&validator, text);
            assert_eq!(reader, schema, "{}:{}: {why}", file.display(), n + 1);
            read += usize::from(reader);
        }
    }
    assert!(read > 0);
}

#[test]
fn lines_the_reader_refuses_fail_the_schema_and_the_others_hold() {
    let validator = validator();
    let taken = [
        r#"{"method": "GET", "url": "/a", "status": 404}"#,
        r#"{"method": "get", "url": "https://x.example/a?q=1", "status": "503", "body": null}"#,
        r#"{"method": "GET", "url": "/a", "status": 0, "body": [1, {"a": 2}]}"#,
        r#"{"method": "GET", "url": "/a", "status": 599.0, "headers": null}"#,
        r#"{"method": "GET", "url": "/a", "status": 100, "headers": {"A": ["1", "2"], "B": []}}"#,
        r#"{"method": "GET", "url": "/a", "status": 404, "headers": [{"name": "A", "value": "1", "x": 2}]}"#,
        r#"{"method": "GET", "url": "/a", "status": 404, "request_headers": {"A": "1"}, "other": 7}"#,
    ];
    let refused = [
        r#"{"url": "/a", "status": 404}"#,
        r#"{"method": "GET", "status": 404}"#,
        r#"{"method": "GET", "url": "/a"}"#,
        r#"{"method": 1, "url": "/a", "status": 404}"#,
        r#"{"method": "GET", "url": "/a", "status": "teapot"}"#,
        r#"{"method": "GET", "url": "/a", "status": " 404"}"#,
        r#"{"method": "GET", "url": "/a", "status": "0404"}"#,
        r#"{"method": "GET", "url": "/a", "status": 600}"#,
        r#"{"method": "GET", "url": "/a", "status": 99}"#,
        r#"{"method": "GET", "url": "/a", "status": 404.5}"#,
        r#"{"method": "GET", "url": "/a", "status": -404}"#,
        r#"{"method": "GET", "url": "/a", "status": 1e30}"#,
        r#"{"method": "GET", "url": "/a", "status": true}"#,
        r#"{"method": "GET", "url": "/a", "status": 404, "headers": {"A": 1}}"#,
        r#"{"method": "GET", "url": "/a", "status": 404, "headers": {"A": [1]}}"#,
        r#"{"method": "GET", "url": "/a", "status": 404, "headers": [["A", "1"]]}"#,
        r#"{"method": "GET", "url": "/a", "status": 404, "headers": [{"name": "A"}]}"#,
        r#"{"method": "GET", "url": "/a", "status": 404, "headers": "A: 1"}"#,
        r#"{"method": "GET", "url": "/a", "status": 404, "request_headers": [{"name": 1, "value": "1"}]}"#,
        r#"["GET", "/a", 404]"#,
        r#""GET /a 404""#,
    ];
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let example = readme
        .lines()
        .find(|l| l.starts_with(r#"{"method""#))
        .expect("the README's example line");
    for text in taken.into_iter().chain([example]) {
        assert_eq!(
            judged(&validator, text),
            (true, true, String::new()),
            "{text}"
        );
    }
    for text in refused {
        let (reader, schema, _) = judged(&validator, text);
        assert_eq!((reader, schema), (false, false), "{text}");
    }
}
