//! Hostile and broken traffic files, through the library as `errlint check-traffic` reads
//! them: each ends at once with a clear error, at its line and column where it has one, never
//! a panic, and nothing outside the HAR's folder is read.

use errlint::traffic::{Body, Exchange, ReadOptions, TrafficError, open, read};
use std::path::{Path, PathBuf};

/// A fresh folder of its own, beside those of the hostile documents.
fn scratch_dir(name: &str) -> PathBuf {
    crate::hostile::scratch_dir(&format!("traffic-{name}"))
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.unwrap().success());
}

fn read_bytes(bytes: &[u8]) -> Vec<Result<Exchange, TrafficError>> {
    read(bytes, ReadOptions::default()).collect()
}

/// The last item, an error that ends the reading.
fn fatal(items: &[Result<Exchange, TrafficError>]) -> &TrafficError {
    let error = items
        .last()
        .expect("something is said")
        .as_ref()
        .expect_err("the end is an error");
    assert!(error.fatal, "{error:?}");
    error
}

fn entry(url: &str, response: &str) -> String {
    format!(r#"{{"request": {{"method": "GET", "url": "{url}"}}, "response": {response}}}"#)
}

fn har(entries: &[String]) -> String {
    format!(
        "{{\"log\": {{\"entries\": [\n{}\n]}}}}\n",
        entries.join(",\n")
    )
}

#[test]
fn a_har_cut_inside_a_string_says_where_it_ends() {
    let text = har(&[
        entry("/a", r#"{"status": 404}"#),
        entry("/b", r#"{"status": 500}"#),
    ]);
    let cut = text.find("/b").unwrap() + 1;
    let items = read_bytes(&text.as_bytes()[..cut]);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().url, "/a");
    let error = fatal(&items);
    assert_eq!(error.message, "the file ends inside a string");
    assert_eq!((error.at.line, error.at.column), (3, 40));
}

#[test]
fn nesting_100_000_deep_is_an_error_of_its_entry_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = har(&[
        entry("/a", &format!(r#"{{"status": {deep}}}"#)),
        entry("/b", &format!(r#"{{"status": 404, "_unread": {deep}}}"#)),
        entry("/c", r#"{"status": 404}"#),
    ]);
    let items = read_bytes(text.as_bytes());
    let error = items[0].as_ref().unwrap_err();
    assert!(
        !error.fatal && error.message.contains("recursion limit"),
        "{error:?}"
    );
    assert_eq!(error.at.line, 2);
    // A member errlint does not read is passed over however deep (serde_json does it without
    // recursion).
    assert_eq!(items[1].as_ref().unwrap().url, "/b");
    assert_eq!(items[2].as_ref().unwrap().url, "/c");
    // Before `entries`, where the reader only passes values by; and never closed.
    let before = format!("{{\"log\": {{\"pages\": {deep}, \"entries\": []}}}}");
    assert!(read_bytes(before.as_bytes()).is_empty());
    let unclosed = format!("{{\"log\": {{\"entries\": [{}", "[".repeat(100_000));
    let error = fatal(&read_bytes(unclosed.as_bytes())).clone();
    assert_eq!(error.message, "the file ends inside an object or array");
    assert_eq!(error.at.offset, unclosed.len() as u64);
    // An NDJSON line as deep.
    let line = format!(r#"{{"method": "GET", "url": "/a", "status": 404, "body": {deep}}}"#);
    let items = read_bytes(line.as_bytes());
    let error = items[0].as_ref().unwrap_err();
    assert!(error.message.contains("recursion limit"), "{error:?}");
}

#[test]
fn a_2_gb_sparse_file_ends_at_its_first_bytes() {
    let dir = scratch_dir("sparse");
    for (name, head) in [
        ("zeros.ndjson", &b""[..]),
        ("string.har", b"{\"log\": {\"entries\": [{\"comment\": \""),
        ("nested.har", b"{\"log\": {\"entries\": [[[["),
        ("scalar.har", b"{\"log\": {\"pages\": 12"),
        ("line.ndjson", b"{\"method\": \"GET\", "),
        ("archive.zip", b"PK\x03\x04"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, head).unwrap();
        // A hole: no disk is used, and every byte reads as 0.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(2 << 30)
            .unwrap();
        let started = std::time::Instant::now();
        match open(&path, ReadOptions::default()) {
            Ok(traffic) => {
                let items: Vec<_> = traffic.collect();
                let error = fatal(&items);
                assert!(error.message.contains("NUL byte"), "{name}: {error:?}");
                // It stopped where the zeros start: nothing after them was read.
                assert_eq!(error.at.offset, head.len() as u64, "{name}");
                assert_eq!((error.at.line, error.at.column), (1, head.len() as u64 + 1));
            }
            Err(message) => assert!(message.ends_with("is missing"), "{name}: {message}"),
        }
        assert!(
            started.elapsed().as_secs() < 5,
            "{name}: {:?}",
            started.elapsed()
        );
        std::fs::remove_file(&path).unwrap();
    }
}

/// A HAR in `dir` whose only entry's body is the attachment `file`.
fn har_with_attachment(dir: &Path, file: &str) -> Vec<Result<Exchange, TrafficError>> {
    let file = serde_json::to_string(file).unwrap();
    let text = har(&[entry(
        "/a",
        &format!(r#"{{"status": 404, "content": {{"_file": {file}}}}}"#),
    )]);
    let path = dir.join("recording.har");
    std::fs::write(&path, text).unwrap();
    open(&path, ReadOptions::default()).unwrap().collect()
}

fn refused(items: &[Result<Exchange, TrafficError>]) -> String {
    match &items[0].as_ref().expect("the exchange is read").body {
        Body::Unreadable(message) => message.clone(),
        other => panic!("read: {other:?}"),
    }
}

#[test]
fn attachments_outside_the_har_folder_are_never_read() {
    let root = scratch_dir("attachments");
    let outside = root.join("secret.json");
    std::fs::write(&outside, "{\"secret\": true}").unwrap();
    let dir = root.join("recording");
    std::fs::create_dir_all(&dir).unwrap();
    for file in [
        "../secret.json".to_string(),
        "../../etc/passwd".into(),
        "/etc/passwd".into(),
        outside.display().to_string(),
    ] {
        let message = refused(&har_with_attachment(&dir, &file));
        assert!(
            message.contains("outside") || message.contains("No such file"),
            "{file}: {message}"
        );
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, dir.join("link.json")).unwrap();
        let message = refused(&har_with_attachment(&dir, "link.json"));
        assert!(message.contains("outside"), "{message}");
        mkfifo(&dir.join("fifo.json"));
        let message = refused(&har_with_attachment(&dir, "fifo.json"));
        assert!(message.contains("not a regular file"), "{message}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_as_a_traffic_file_without_waiting() {
    let dir = scratch_dir("fifo");
    let fifo = dir.join("traffic.har");
    mkfifo(&fifo);
    // Nobody writes to it: a blocking open would wait forever.
    let Err(message) = open(&fifo, ReadOptions::default()) else {
        panic!("a FIFO opened");
    };
    assert_eq!(message, "it is not a regular file");
}

#[test]
fn invalid_utf8_and_nul_bytes_are_errors_at_their_place() {
    let text = har(&[
        entry("/~", r#"{"status": 404}"#),
        entry("/b", r#"{"status": 404}"#),
    ]);
    let mut bytes = text.into_bytes();
    let at = bytes.iter().position(|&b| b == b'~').unwrap();
    bytes[at] = 0xFF;
    let items = read_bytes(&bytes);
    let error = items[0].as_ref().unwrap_err();
    assert!(
        !error.fatal && error.message.contains("invalid unicode"),
        "{error:?}"
    );
    assert_eq!(error.at.line, 2);
    assert_eq!(items[1].as_ref().unwrap().url, "/b");
    // The same byte in an NDJSON line.
    let mut line = br#"{"method": "GET", "url": "/x", "status": 404}"#.to_vec();
    line[27] = 0xFF;
    let error = read_bytes(&line)[0].clone().unwrap_err();
    assert!(error.message.contains("invalid unicode"), "{error:?}");
    // A NUL byte ends the reading where it lies, whichever the format.
    bytes[at] = 0;
    let error = fatal(&read_bytes(&bytes)).clone();
    assert!(error.message.contains("NUL byte"), "{error:?}");
    assert_eq!(error.at.offset, at as u64);
    line[27] = 0;
    let error = fatal(&read_bytes(&line)).clone();
    assert_eq!((error.at.line, error.at.column), (1, 28));
}

#[test]
fn huge_and_odd_statuses_are_refused_with_the_entry() {
    for status in [
        "1e400",
        "99999999999999999999999999",
        "18446744073709551616",
        "-404",
        "404.5",
        "\"4040000000000000000000\"",
    ] {
        let text = har(&[
            entry("/a", &format!(r#"{{"status": {status}}}"#)),
            entry("/b", r#"{"status": 404}"#),
        ]);
        let items = read_bytes(text.as_bytes());
        let error = items[0].as_ref().unwrap_err();
        assert!(!error.fatal, "{status}: {error:?}");
        assert_eq!(error.at.line, 2, "{status}");
        assert_eq!(items[1].as_ref().unwrap().url, "/b", "{status}");
        let line = format!(r#"{{"method": "GET", "url": "/a", "status": {status}}}"#);
        assert!(read_bytes(line.as_bytes())[0].is_err(), "{status}");
    }
}
