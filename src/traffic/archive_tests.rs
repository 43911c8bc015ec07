//! Playwright's zipped HAR: the committed fixture against its folder form, and archives built
//! byte by byte to say what a hostile one may: names that climb out, bombs, lying sizes, cuts.

use super::super::{Body, Exchange, ReadOptions, TrafficError, open, read, read_zip};
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/traffic")
        .join(name)
}

/// One member of an archive as it is stored: its bytes (deflated or not) and what the
/// archive declares of it.
struct Member {
    name: String,
    stored: Vec<u8>,
    method: u16,
    size: u32,
    crc: u32,
}

impl Member {
    fn deflated(name: &str, bytes: &[u8]) -> Member {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        Member {
            name: name.into(),
            stored: encoder.finish().unwrap(),
            method: 8,
            size: bytes.len() as u32,
            crc: crc(bytes),
        }
    }

    fn stored(name: &str, bytes: &[u8]) -> Member {
        Member {
            name: name.into(),
            stored: bytes.to_vec(),
            method: 0,
            size: bytes.len() as u32,
            crc: crc(bytes),
        }
    }
}

fn crc(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

/// A zip archive of `members`, in order, with every size in its local headers (APPNOTE 4.3).
fn archive(members: &[Member]) -> Vec<u8> {
    fn common(out: &mut Vec<u8>, m: &Member) {
        // Version needed, flags, method, time, date (1980-01-01), CRC, sizes, name length,
        // extra length.
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&m.method.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0x21u16.to_le_bytes());
        out.extend_from_slice(&m.crc.to_le_bytes());
        out.extend_from_slice(&(m.stored.len() as u32).to_le_bytes());
        out.extend_from_slice(&m.size.to_le_bytes());
        out.extend_from_slice(&(m.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for m in members {
        offsets.push(out.len() as u32);
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out, m);
        out.extend_from_slice(m.name.as_bytes());
        out.extend_from_slice(&m.stored);
    }
    let directory = out.len() as u32;
    for (m, offset) in members.iter().zip(offsets) {
        out.extend_from_slice(b"PK\x01\x02");
        out.extend_from_slice(&20u16.to_le_bytes());
        common(&mut out, m);
        // Comment length, disk, internal and external attributes, local header offset.
        out.extend_from_slice(&[0; 6]);
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(m.name.as_bytes());
    }
    let size = out.len() as u32 - directory;
    let count = (members.len() as u16).to_le_bytes();
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&count);
    out.extend_from_slice(&count);
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&directory.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn read_archive(bytes: Vec<u8>, options: ReadOptions) -> Vec<Result<Exchange, TrafficError>> {
    read_zip(bytes.into(), options)
        .expect("the archive opens")
        .collect()
}

fn open_error(bytes: Vec<u8>) -> String {
    match read_zip(bytes.into(), ReadOptions::default()) {
        Ok(_) => panic!("the archive opened"),
        Err(message) => message,
    }
}

/// A HAR whose entries' bodies are the attachments named.
fn har_naming(files: &[&str]) -> String {
    let entries: Vec<String> = files
        .iter()
        .map(|f| {
            let f = serde_json::to_string(f).unwrap();
            format!(
                r#"{{"request": {{"method": "GET", "url": "/a"}}, "response": {{"status": 404, "content": {{"_file": {f}}}}}}}"#
            )
        })
        .collect();
    format!("{{\"log\": {{\"entries\": [{}]}}}}", entries.join(",\n"))
}

fn bodies(items: Vec<Result<Exchange, TrafficError>>) -> Vec<Body> {
    items
        .into_iter()
        .map(|i| i.expect("an exchange").body)
        .collect()
}

/// The archive Playwright writes for `fixtures/traffic/playwright/`: the attachments, then
/// `har.har` (written when the context closes), deflated, with data descriptors.
fn playwright_zip() -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let folder = fixture("playwright");
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new_stream(Vec::new());
    for (entry, file) in [
        ("5a1f0e7b2c.json", "5a1f0e7b2c.json"),
        ("binary.bin", "binary.bin"),
        ("har.har", "recording.har"),
    ] {
        zip.start_file(entry, options).unwrap();
        zip.write_all(&std::fs::read(folder.join(file)).unwrap())
            .unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Not a test: writes `fixtures/traffic/playwright.zip` again after the folder changed.
/// `cargo test --lib traffic::archive::tests::regenerate -- --ignored`.
#[test]
#[ignore]
fn regenerate_the_playwright_zip_fixture() {
    std::fs::write(fixture("playwright.zip"), playwright_zip()).unwrap();
}

#[test]
fn the_playwright_zip_fixture_is_the_folder_zipped() {
    assert_eq!(
        std::fs::read(fixture("playwright.zip")).unwrap(),
        playwright_zip(),
        "run the ignored regenerate_the_playwright_zip_fixture"
    );
}

#[test]
fn a_zipped_har_yields_what_its_folder_form_does() {
    let zipped: Vec<Exchange> = open(&fixture("playwright.zip"), ReadOptions::default())
        .unwrap()
        .map(|i| i.expect("an exchange"))
        .collect();
    let folder: Vec<Exchange> = open(&fixture("playwright/recording.har"), ReadOptions::default())
        .unwrap()
        .map(|i| i.expect("an exchange"))
        .collect();
    assert_eq!(zipped.len(), 3);
    // The third names `../chrome.har`, refused by both, each in its own words.
    assert_eq!(zipped[..2], folder[..2]);
    for (z, f) in zipped[2..].iter().zip(&folder[2..]) {
        let (Body::Unreadable(zm), Body::Unreadable(fm)) = (&z.body, &f.body) else {
            panic!("not refused: {:?}, {:?}", z.body, f.body);
        };
        assert!(
            zm.contains("`../chrome.har`") && zm.contains("outside"),
            "{zm}"
        );
        assert!(fm.contains("`../chrome.har`"), "{fm}");
        let (mut z, mut f) = (z.clone(), f.clone());
        (z.body, f.body) = (Body::Absent, Body::Absent);
        assert_eq!(z, f);
    }
}

#[test]
fn attachment_names_that_leave_the_archive_are_refused_and_absent_ones_said_so() {
    let names = [
        "../x.json",
        "/x.json",
        "a\\x.json",
        "a/../../x.json",
        "y.json",
    ];
    let mut members: Vec<Member> = names[..4]
        .iter()
        .map(|n| Member::stored(n, b"{\"leaked\": true}"))
        .collect();
    members.push(Member::stored("har.har", har_naming(&names).as_bytes()));
    let found = bodies(read_archive(archive(&members), ReadOptions::default()));
    for (body, (name, why)) in found.iter().zip([
        ("../x.json", "leads outside"),
        ("/x.json", "no plain entry name"),
        ("a\\x.json", "no plain entry name"),
        ("a/../../x.json", "leads outside"),
        ("y.json", "has no such entry"),
    ]) {
        assert!(
            matches!(body, Body::Unreadable(m) if m.contains(&format!("`{name}`")) && m.contains(why)),
            "{name}: {body:?}"
        );
    }
}

/// A raw deflate stream of `mebibytes` MiB of `x` made of one compressed MiB repeated: a
/// small archive member that inflates to as much as asked.
fn deflate_bomb(prefix: &[u8], mebibytes: usize) -> Vec<u8> {
    let mib = vec![b'x'; 1 << 20];
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(prefix).unwrap();
    encoder.write_all(&mib).unwrap();
    encoder.flush().unwrap();
    let head = encoder.get_ref().len();
    // After a sync flush, one more MiB of `x` is back-references into a window of `x`
    // alone: the same bytes, valid again after themselves.
    encoder.write_all(&mib).unwrap();
    encoder.flush().unwrap();
    let again = encoder.get_ref()[head..].to_vec();
    let mut stream = encoder.finish().unwrap();
    let tail = stream.split_off(head + again.len());
    for _ in 2..mebibytes {
        stream.extend_from_slice(&again);
    }
    stream.extend_from_slice(&tail);
    stream
}

#[test]
fn an_attachment_that_inflates_past_the_cap_stops_at_it() {
    let bomb = deflate_bomb(b"", 512);
    assert!(bomb.len() < 4 << 20, "{}", bomb.len());
    let members = [
        Member {
            name: "bomb.json".into(),
            stored: bomb,
            method: 8,
            size: 512 << 20,
            crc: 0,
        },
        Member::stored("har.har", har_naming(&["bomb.json"]).as_bytes()),
    ];
    let options = ReadOptions {
        max_entry_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    let started = std::time::Instant::now();
    let found = bodies(read_archive(archive(&members), options));
    assert!(
        matches!(&found[0], Body::Unreadable(m) if m.contains("over the limit of 1048576 bytes")),
        "{:?}",
        found[0]
    );
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn a_har_that_inflates_past_its_declared_size_is_a_fatal_error() {
    let prefix = br#"{"log": {"entries": [{"request": {"method": "GET", "url": "/a"}, "response": {"status": 404}}, {"comment": ""#;
    let members = [Member {
        name: "har.har".into(),
        stored: deflate_bomb(prefix, 64),
        method: 8,
        size: 4096,
        crc: 0,
    }];
    let items = read_archive(archive(&members), ReadOptions::default());
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().url, "/a");
    let error = items[1].as_ref().unwrap_err();
    assert!(error.fatal);
    assert!(
        error
            .message
            .contains("`har.har` inflates to more than the 4096 bytes it declares"),
        "{}",
        error.message
    );
    // Where the reading stopped, inside the HAR text.
    assert_eq!(error.at.line, 1);
}

#[test]
fn a_har_entry_over_the_cap_inside_an_archive_is_passed_like_any_other() {
    let prefix = br#"{"log": {"entries": [{"comment": ""#;
    let mut bomb = deflate_bomb(prefix, 16);
    // Close the entry and add one more: the bomb's final block is replaced by these bytes,
    // deflated after a sync flush of their own.
    let rest =
        br#""}, {"request": {"method": "GET", "url": "/b"}, "response": {"status": 404}}]}}"#;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(rest).unwrap();
    let rest_stream = encoder.finish().unwrap();
    // The bomb ends with an empty final stored block after its last sync flush: drop it.
    let final_block = deflate_final_block();
    assert!(bomb.ends_with(&final_block));
    bomb.truncate(bomb.len() - final_block.len());
    bomb.extend_from_slice(&rest_stream);
    let text_len = prefix.len() + (16 << 20) + rest.len();
    let members = [Member {
        name: "har.har".into(),
        stored: bomb,
        method: 8,
        size: text_len as u32,
        crc: 0,
    }];
    let options = ReadOptions {
        max_entry_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    let items = read_archive(archive(&members), options);
    assert_eq!(items.len(), 2);
    let over = items[0].as_ref().unwrap_err();
    assert!(
        !over.fatal && over.message.contains("over the limit"),
        "{over:?}"
    );
    assert_eq!(items[1].as_ref().unwrap().url, "/b");
}

#[test]
fn a_har_whose_checksum_does_not_match_is_a_fatal_error() {
    let mut har = Member::deflated("har.har", har_naming(&[]).as_bytes());
    har.crc ^= 1;
    let items = read_archive(archive(&[har]), ReadOptions::default());
    let error = items[0].as_ref().unwrap_err();
    assert!(
        error.fatal
            && error
                .message
                .contains("`har.har` is damaged: its checksum does not match"),
        "{error:?}"
    );
}

/// What a deflate stream that was sync-flushed ends with when finished with nothing more.
fn deflate_final_block() -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(b"x").unwrap();
    encoder.flush().unwrap();
    let flushed = encoder.get_ref().len();
    let mut stream = encoder.finish().unwrap();
    stream.split_off(flushed)
}

#[test]
fn a_cut_or_damaged_archive_is_a_clear_error_never_a_panic() {
    let whole = std::fs::read(fixture("playwright.zip")).unwrap();
    for cut in 4..whole.len() {
        let message = open_error(whole[..cut].to_vec());
        assert!(
            message.starts_with("it is a zip archive that cannot be read")
                || message.contains("`har.har`"),
            "at {cut}: {message}"
        );
    }
    // Every byte of the stored data flipped in turn: opened or refused, read to its end.
    for at in 0..whole.len() {
        let mut damaged = whole.clone();
        damaged[at] ^= 0x55;
        if let Ok(traffic) = read_zip(damaged.into(), ReadOptions::default()) {
            let items: Vec<_> = traffic.collect();
            let fatal = items.iter().filter(|i| matches!(i, Err(e) if e.fatal));
            assert!(fatal.count() <= 1);
        }
    }
}

#[test]
fn an_archive_must_hold_exactly_one_har() {
    let har = har_naming(&[]);
    let none = archive(&[Member::stored("a.json", b"{}")]);
    assert_eq!(open_error(none), "the zip archive holds no `.har` entry");
    let two = archive(&[
        Member::stored("har.har", har.as_bytes()),
        Member::deflated("old/other.HAR", har.as_bytes()),
    ]);
    assert_eq!(
        open_error(two),
        "the zip archive holds 2 `.har` entries (`har.har`, `old/other.HAR`), so which one to read is unclear"
    );
    let mut bzip2 = Member::stored("har.har", har.as_bytes());
    bzip2.method = 12;
    assert!(open_error(archive(&[bzip2])).contains("errlint reads stored and deflated entries"));
    // Stored rather than deflated is read all the same.
    let stored = archive(&[Member::stored("x.har", b"{\"log\": {\"entries\": []}}")]);
    assert!(read_archive(stored, ReadOptions::default()).is_empty());
}

#[test]
fn a_zip_arriving_as_a_stream_is_refused_at_once() {
    let zip = std::fs::read(fixture("playwright.zip")).unwrap();
    let items: Vec<_> = read(&zip[..], ReadOptions::default()).collect();
    assert_eq!(items.len(), 1);
    let error = items[0].as_ref().unwrap_err();
    assert!(
        error.fatal && error.message.contains("zip archive"),
        "{error:?}"
    );
}
