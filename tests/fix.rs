//! `--fix` and `--fix --diff` on real files: each fix in YAML and JSON (fixtures/fix/<case>:
//! every `NAME.EXT` is fixed in a scratch copy and must equal `NAME.fixed.EXT`, byte for byte),
//! a second `--fix` changes nothing, a file that did not parse is never touched, and a
//! property test over generated documents.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn errlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(["--no-config"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run errlint")
}

/// A scratch copy of a fixture folder, without its expected results.
fn scratch_copy(case: &Path) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fix")
        .join(case.file_name().unwrap());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(case).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.contains(".fixed.") {
            std::fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
    dir
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    cases
}

#[test]
fn each_fix_gives_the_expected_file_and_a_second_fix_changes_nothing() {
    let cases = cases();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let dir = scratch_copy(&case);
        let document = ["openapi.yaml", "openapi.json"]
            .into_iter()
            .find(|n| dir.join(n).exists())
            .unwrap();
        // Making a code required and removing a header change the contract: `--fix` leaves
        // them alone and says so; these cases apply them with `--unsafe-fixes`, on purpose.
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let unsafe_case = name.starts_with("required-") || name.starts_with("header-");
        let fix: &[&str] = if unsafe_case {
            let safe_only = errlint(&dir, &["--fix", "--diff", document]);
            assert_eq!(safe_only.status.code(), Some(0), "{name}");
            assert!(safe_only.stdout.is_empty(), "{name}");
            let stderr = String::from_utf8_lossy(&safe_only.stderr);
            assert!(
                stderr.contains("`--fix --unsafe-fixes` applies them"),
                "{name}: {stderr}"
            );
            &["--fix", "--unsafe-fixes"]
        } else {
            &["--fix"]
        };
        let preview = errlint(&dir, &[fix, &["--diff", document]].concat());
        assert_eq!(preview.status.code(), Some(1), "{}", case.display());
        let diff = String::from_utf8(preview.stdout).unwrap();
        assert!(diff.contains(&format!("+++ b/{document}")), "{diff}");

        let fixed = errlint(&dir, &[fix, &["--format", "concise", document]].concat());
        let stderr = String::from_utf8_lossy(&fixed.stderr);
        assert!(stderr.contains("applied "), "{}: {stderr}", case.display());
        for entry in std::fs::read_dir(&case).unwrap() {
            let expected = entry.unwrap().path();
            let name = expected.file_name().unwrap().to_string_lossy().to_string();
            let Some(original) = name.split_once(".fixed.").map(|(a, b)| format!("{a}.{b}")) else {
                continue;
            };
            assert_eq!(
                std::fs::read_to_string(dir.join(&original)).unwrap(),
                std::fs::read_to_string(&expected).unwrap(),
                "{}: {original}\n{stderr}",
                case.display()
            );
        }
        // Fixed means fixed: nothing left for a second round, and no fixable finding.
        let again = errlint(&dir, &[fix, &["--diff", document]].concat());
        assert_eq!(again.status.code(), Some(0), "{}", case.display());
        assert!(again.stdout.is_empty());
        let stats = errlint(&dir, &["--statistics", document]);
        assert!(!String::from_utf8_lossy(&stats.stdout).contains("fixable"));
    }
}

#[test]
fn a_file_that_did_not_parse_is_never_touched() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-broken");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Fixable findings (a bare 200, a 4xx) in a file with a syntax error further down.
    let broken = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n        4xx: {description: x}\n  bad: [unclosed\n";
    std::fs::write(dir.join("openapi.yaml"), broken).unwrap();
    // A fixable document whose `$ref`'d file does not parse.
    let root = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n        '500': {$ref: './e.yaml#/E'}\n";
    std::fs::write(dir.join("root.yaml"), root).unwrap();
    std::fs::write(dir.join("e.yaml"), "E: {description: [x\n").unwrap();
    for document in ["openapi.yaml", "root.yaml"] {
        let out = errlint(&dir, &["--fix", document]);
        assert_eq!(out.status.code(), Some(2), "{document}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("openapi.yaml")).unwrap(),
        broken
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("root.yaml")).unwrap(),
        root
    );
}

#[test]
fn fix_keeps_permissions_and_writes_through_links() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-link");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
    std::fs::write(dir.join("real.yaml"), text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("real.yaml"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    std::os::unix::fs::symlink("real.yaml", dir.join("openapi.yaml")).unwrap();
    let out = errlint(&dir, &["--fix", "openapi.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::symlink_metadata(dir.join("openapi.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let mode = std::fs::metadata(dir.join("real.yaml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    assert!(
        std::fs::read_to_string(dir.join("real.yaml"))
            .unwrap()
            .contains("'200':")
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// One generated response: its status key as written, and its parts.
#[derive(Debug, Clone)]
struct GenResponse {
    status: &'static str,
    retry_after: bool,
    other_header: bool,
    flow_headers: bool,
    /// None: no body; Some(required-list) with `code` and `message` declared.
    body: Option<Vec<&'static str>>,
    flow_schema: bool,
}

fn response() -> impl Strategy<Value = GenResponse> {
    (
        prop::sample::select(vec![
            "200", "'200'", "404", "'404'", "4xx", "'4xx'", "\"5xx\"", "422", "'429'", "503",
            "default", "'409'",
        ]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(prop::sample::subsequence(vec!["message", "code"], 0..=2)),
        any::<bool>(),
    )
        .prop_map(
            |(status, retry_after, other_header, flow_headers, body, flow_schema)| GenResponse {
                status,
                retry_after,
                other_header,
                flow_headers,
                body,
                flow_schema,
            },
        )
}

fn yaml_document(responses: &[GenResponse]) -> String {
    let mut out = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things/{id}:\n    get:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n",
    );
    let mut seen = std::collections::HashSet::new();
    for r in responses {
        let bare = r.status.trim_matches(['\'', '"']).to_ascii_uppercase();
        if !seen.insert(bare) {
            continue;
        }
        out.push_str(&format!(
            "        {}:\n          description: d\n",
            r.status
        ));
        let mut headers = Vec::new();
        if r.other_header {
            headers.push("X-Request-Id");
        }
        if r.retry_after {
            headers.push("Retry-After");
        }
        if !headers.is_empty() {
            if r.flow_headers {
                let entries: Vec<String> = headers
                    .iter()
                    .map(|h| format!("{h}: {{schema: {{type: integer}}}}"))
                    .collect();
                out.push_str(&format!("          headers: {{{}}}\n", entries.join(", ")));
            } else {
                out.push_str("          headers:\n");
                for h in headers {
                    out.push_str(&format!(
                        "            {h}:  # why\n              schema: {{type: integer}}\n"
                    ));
                }
            }
        }
        if let Some(required) = &r.body {
            out.push_str(
                "          content:\n            application/json:\n              schema:",
            );
            let required_list = if required.is_empty() {
                String::new()
            } else {
                format!("required: [{}], ", required.join(", "))
            };
            if r.flow_schema {
                out.push_str(&format!(
                    " {{type: object, {required_list}properties: {{code: {{type: string}}, message: {{type: string}}}}}}\n"
                ));
            } else {
                out.push_str("\n                type: object\n");
                if !required.is_empty() {
                    out.push_str("                required:\n");
                    for name in required {
                        out.push_str(&format!("                  - {name}\n"));
                    }
                }
                out.push_str("                properties:\n                  code: {type: string}\n                  message: {type: string}\n");
            }
        }
    }
    out
}

type Said = Vec<(String, String, String)>;

/// What a lint says, as (rule, message, pointer) in lower case (a fixed range changes `4xx`
/// to `4XX` in messages about it, nothing else): the findings without a fix, how many have a
/// safe fix, and the findings with an unsafe one.
fn said(dir: &Path, document: &str) -> (Said, usize, Said) {
    let out = errlint(dir, &["--format", "json", document]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let applicability =
        |f: &serde_json::Value| f["fix"]["applicability"].as_str().map(str::to_owned);
    let listed = |which: Option<&str>| {
        let mut said: Said = findings
            .iter()
            .filter(|f| applicability(f).as_deref() == which)
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_lowercase(),
                    f["pointer"].as_str().unwrap_or("").to_lowercase(),
                )
            })
            .collect();
        said.sort();
        said
    };
    (
        listed(None),
        listed(Some("safe")).len(),
        listed(Some("unsafe")),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `--fix` applies the safe fixes and leaves every finding with an unsafe fix as it was.
    /// Applying every fix, the unsafe ones too (asked for here with `--unsafe-fixes`, on
    /// purpose), yields a document that parses, with no fixable finding left, no finding that
    /// was not there before, and on which a second `--fix` changes nothing. In JSON too (the
    /// same document, converted). One exception, by design: a lower-case range (`4xx`), once
    /// written `4XX`, is a response range at last: what the rules ask of an error response is
    /// asked of it, and it counts towards the operation's coverage.
    #[test]
    fn fixes_are_safe_complete_and_idempotent(responses in prop::collection::vec(response(), 1..6), json in any::<bool>()) {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-property");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let yaml = yaml_document(&responses);
        let (document, text) = if json {
            let value: serde_json::Value = serde_yaml_ng_free_parse(&yaml);
            ("openapi.json", serde_json::to_string_pretty(&value).unwrap())
        } else {
            ("openapi.yaml", yaml)
        };
        std::fs::write(dir.join(document), &text).unwrap();
        let (before, _, unsafe_before) = said(&dir, document);
        let safe = errlint(&dir, &["--fix", "--format", "concise", document]);
        prop_assert!(safe.status.code() != Some(2), "{}", String::from_utf8_lossy(&safe.stderr));
        let (_, safe_left, unsafe_untouched) = said(&dir, document);
        prop_assert_eq!(safe_left, 0);
        // (The generated documents say `4xx` or `5xx` nowhere but in a status key.)
        let fixed_a_range = ["4xx", "5xx"].iter().any(|range| text.contains(range));
        let about_the_range = |(rule, _, pointer): &(String, String, String)| {
            fixed_a_range
                && (pointer.contains("/responses/4xx")
                    || pointer.contains("/responses/5xx")
                    || rule == "error-status-coverage")
        };
        let unsafe_untouched: Said = unsafe_untouched.into_iter().filter(|f| !about_the_range(f)).collect();
        let unsafe_before: Said = unsafe_before.into_iter().filter(|f| !about_the_range(f)).collect();
        prop_assert_eq!(&unsafe_untouched, &unsafe_before);
        let fixed = errlint(&dir, &["--fix", "--unsafe-fixes", "--format", "concise", document]);
        prop_assert!(fixed.status.code() != Some(2), "{}", String::from_utf8_lossy(&fixed.stderr));
        let after_text = std::fs::read_to_string(dir.join(document)).unwrap();
        let (after, safe_left, unsafe_left) = said(&dir, document);
        prop_assert_eq!(safe_left + unsafe_left.len(), 0, "{}", after_text);
        for finding in after.iter().filter(|f| !about_the_range(f)) {
            prop_assert!(before.contains(finding), "new finding {:?} after fixing\n{}\nto\n{}", finding, text, after_text);
        }
        let again = errlint(&dir, &["--fix", "--unsafe-fixes", "--diff", document]);
        prop_assert_eq!(again.status.code(), Some(0));
        prop_assert!(again.stdout.is_empty());
    }
}

/// The generated YAML as JSON, through errlint's own reader (the document layer's tape).
fn serde_yaml_ng_free_parse(yaml: &str) -> serde_json::Value {
    let (text, start) = errlint::document::decode(yaml.as_bytes().to_vec());
    let (tree, _) =
        errlint::document::parse(text, start.unwrap(), &errlint::document::Limits::default())
            .unwrap();
    tree.to_json(errlint::document::NodeId::ROOT)
}
