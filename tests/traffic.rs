//! `errlint check-traffic`: each check on its fixtures (`fixtures/traffic/checks/<id>.ndjson`
//! and `.har`, the same exchanges in both forms, made by `make.py` there), the secrets a
//! traffic file holds, the command's exit codes and formats.

use errlint::check_traffic::{TrafficOptions, TrafficSource, check};
use errlint::config::ConfigChoice;
use errlint::report::{Format, RenderOptions, render};
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURES: &str = "fixtures/traffic/checks";

fn options() -> errlint::Options {
    errlint::Options {
        config: ConfigChoice {
            file: Some(PathBuf::from(FIXTURES).join("errlint.yaml")),
            ..ConfigChoice::default()
        },
        ..errlint::Options::default()
    }
}

fn check_files(files: &[PathBuf]) -> errlint::Outcome {
    let sources: Vec<TrafficSource> = files.iter().cloned().map(TrafficSource::Path).collect();
    let document = Path::new(FIXTURES).join("openapi.yaml");
    check(&document, &sources, &options(), &TrafficOptions::default()).outcome
}

/// Each finding's message, in report order.
fn messages(outcome: &errlint::Outcome) -> Vec<&str> {
    outcome
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect()
}

/// What a finding says, whatever file it was found in.
fn said(outcome: &errlint::Outcome) -> Vec<(&'static str, String, String)> {
    outcome
        .findings
        .iter()
        .map(|f| (f.rule, f.severity.to_string(), f.message.clone()))
        .collect()
}

/// Every check id has its fixtures; each reports that check only (the clean exchanges around
/// its defects give nothing), the same in HAR and NDJSON, and its report is as reviewed.
#[test]
fn each_check_reports_its_fixtures_and_nothing_else() {
    for check in errlint::check_traffic::TRAFFIC_CHECKS {
        let ndjson = Path::new(FIXTURES).join(format!("{}.ndjson", check.id));
        let har = ndjson.with_extension("har");
        assert!(
            ndjson.is_file() && har.is_file(),
            "{}: no fixtures",
            check.id
        );
        let from_ndjson = check_files(std::slice::from_ref(&ndjson));
        let from_har = check_files(std::slice::from_ref(&har));
        assert!(!from_ndjson.findings.is_empty(), "{}: no finding", check.id);
        for finding in &from_ndjson.findings {
            assert_eq!(finding.rule, check.id, "{}: {finding:#?}", check.id);
        }
        assert_eq!(said(&from_ndjson), said(&from_har), "{}", check.id);
        let mut report = render(&from_ndjson, &RenderOptions::plain(Format::Pretty));
        report.push_str("\n--- the same exchanges as a HAR ---\n");
        report.push_str(&render(&from_har, &RenderOptions::plain(Format::Concise)));
        insta::assert_snapshot!(check.id, report);
    }
}

/// Findings alike are one, counted across files: the first exchange is where it is shown.
#[test]
fn findings_alike_are_counted_across_files() {
    let ndjson = Path::new(FIXTURES).join("traffic-code-unknown.ndjson");
    let outcome = check_files(&[ndjson.clone(), ndjson.with_extension("har")]);
    let messages = messages(&outcome);
    assert_eq!(
        messages,
        [
            "GET /items/{id} answered 404 with code `item_gone`, which the contract's catalog does not list (in 6 exchanges)",
            "GET /items/{id} answered 404 with code `no_such_item`, which the contract's catalog does not list (in 2 exchanges)",
        ]
    );
    let first = outcome.findings[0].location.as_ref().unwrap();
    assert_eq!(&*first.file, ndjson.to_str().unwrap());
}

/// The first exchange of a finding is located exactly: the `{` of its HAR entry's
/// `response`, at its line and column, with its pointer.
#[test]
fn a_har_finding_points_at_its_response_object() {
    let har = Path::new(FIXTURES).join("traffic-code-wrong-status.har");
    let outcome = check_files(std::slice::from_ref(&har));
    let text = std::fs::read_to_string(&har).unwrap();
    let location = outcome.findings[0].location.as_ref().unwrap();
    assert_eq!(location.pointer, "/log/entries/2/response");
    let offset = location.span.start as usize;
    assert!(
        text[..offset].ends_with("\"response\": "),
        "{}",
        &text[offset - 20..offset]
    );
    assert_eq!(&text[offset..offset + 1], "{");
    let (line, column) = outcome
        .sources
        .line_col(&location.file, location.span.start);
    let before = &text[..offset];
    assert_eq!(line, before.matches('\n').count() + 1);
    assert_eq!(column, before.len() - before.rfind('\n').unwrap());
    // The span is the `{`: it ends one column on, on the same line.
    let end = outcome.sources.line_col(&location.file, location.span.end);
    assert_eq!(end, (line, column + 1));
}

/// A traffic file holds credentials: no header value but `Retry-After` and `Content-Type`, no
/// cookie, no query value, and no body text beyond the value a finding is about ever appears
/// in a report, in any format.
#[test]
fn no_secret_of_the_traffic_reaches_any_report() {
    let files: Vec<PathBuf> = errlint::check_traffic::TRAFFIC_CHECKS
        .iter()
        .flat_map(|c| {
            let ndjson = Path::new(FIXTURES).join(format!("{}.ndjson", c.id));
            [ndjson.with_extension("har"), ndjson]
        })
        .collect();
    let mut args = vec![
        "check-traffic".to_string(),
        format!("{FIXTURES}/openapi.yaml"),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--config".into(), format!("{FIXTURES}/errlint.yaml")]);
    for format in [
        "pretty", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_errlint"))
            .args(&args)
            .args(["--format", format, "--coverage"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(report.len() > 200, "{format}: {report}");
        for secret in [
            "SECRET",
            "session=",
            "Bearer",
            "no item 1",
            "bad input",
            "Not Found",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ] {
            assert!(
                !report.contains(secret),
                "{format} shows {secret}:\n{report}"
            );
        }
        // The value a finding is about does appear: a code, a cut message.
        assert!(report.contains("item_gone"), "{format}");
    }
}

/// Exit codes as the lint's: 1 with error findings, 0 without (warnings only), 2 when the
/// traffic or the description cannot be read; `--coverage-only` reports no finding.
#[test]
fn exit_codes_follow_the_lint() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_errlint"))
            .arg("check-traffic")
            .args(args)
            .args(["--config", &format!("{FIXTURES}/errlint.yaml")])
            .output()
            .unwrap()
    };
    let doc = format!("{FIXTURES}/openapi.yaml");
    let errors = format!("{FIXTURES}/traffic-code-unknown.ndjson");
    let warnings = format!("{FIXTURES}/traffic-operation-unknown.ndjson");
    assert_eq!(run(&[&doc, &errors]).status.code(), Some(1));
    assert_eq!(run(&[&doc, &warnings]).status.code(), Some(0));
    assert_eq!(
        run(&[&doc, &warnings, "--deny-warnings"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&[&doc, &errors, "--rule", "traffic-code-unknown=warning"])
            .status
            .code(),
        Some(0)
    );
    let missing = run(&[&doc, "no-such-traffic.har"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("unreadable-file"));
    let only = run(&[&doc, &errors, "--coverage-only"]);
    assert_eq!(only.status.code(), Some(0));
    let text = String::from_utf8_lossy(&only.stdout);
    assert!(
        text.starts_with("coverage:") && !text.contains("traffic-code-unknown"),
        "{text}"
    );
    let unknown = run(&[&doc, &errors, "--rule", "traffic-code-unknwn=off"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("did you mean `traffic-code-unknown`?")
    );
}

/// `--coverage` in JSON: per operation, what was documented and not observed, and observed
/// and not documented; the operations never reached.
#[test]
fn coverage_says_what_was_never_observed_and_never_documented() {
    let output = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(["check-traffic", &format!("{FIXTURES}/openapi.yaml")])
        .arg(format!("{FIXTURES}/traffic-status-undocumented.ndjson"))
        .args(["--config", &format!("{FIXTURES}/errlint.yaml")])
        .args(["--format", "json", "--coverage"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["findings"].as_array().is_some_and(|f| f.len() == 2));
    let coverage = &report["coverage"];
    let ingest = coverage["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["operation"] == "POST /ingest")
        .unwrap();
    assert_eq!(ingest["exchanges"], 3);
    assert_eq!(ingest["statuses_not_documented"], serde_json::json!([409]));
    assert_eq!(ingest["statuses_not_observed"], serde_json::json!([]));
    let items = coverage["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["operation"] == "GET /items/{id}")
        .unwrap();
    assert_eq!(items["statuses_not_documented"], serde_json::json!([418]));
    assert_eq!(items["statuses_not_observed"], serde_json::json!([]));
    assert_eq!(coverage["not_observed"], serde_json::json!([]));
}

/// One response the fixture description and contract allow: an operation, a status it
/// documents, a code the catalog gives that status, a message within the schema's bounds, the
/// retry hint a 429 needs, as a producer may spell it (header case, media type parameters,
/// the body as JSON or as text, the host a staging server has).
fn allowed_exchange() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let answer = prop::sample::select(vec![
        ("GET", "/items/ID", 404, "item_missing"),
        ("GET", "/items/ID", 429, "rate_limited"),
        ("POST", "/ingest", 400, "invalid_request"),
    ]);
    let host = prop::sample::select(vec![
        "https://api.example.com/v1",
        "http://localhost:8080/v1",
        "",
    ]);
    let media = prop::sample::select(vec![
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
    ]);
    let header = prop::sample::select(vec!["Content-Type", "content-type", "CONTENT-TYPE"]);
    (
        answer,
        host,
        "[a-zA-Z0-9_-]{1,12}",
        "[ -~éü€😀]{0,200}",
        media,
        header,
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(
            |(
                (method, path, status, code),
                host,
                id,
                message,
                media,
                header,
                as_text,
                hint_in_body,
            )| {
                let mut body = serde_json::json!({"code": code, "message": message});
                let mut headers = serde_json::Map::new();
                headers.insert(header.to_string(), media.into());
                if status == 429 {
                    match hint_in_body {
                        true => body["retry_after"] = 3.into(),
                        false => {
                            headers.insert("retry-after".into(), "3".into());
                        }
                    }
                }
                let body = match as_text {
                    true => serde_json::Value::String(body.to_string()),
                    false => body,
                };
                serde_json::json!({
                    "method": method,
                    "url": format!("{host}{}", path.replace("ID", &id)),
                    "status": status,
                    "headers": headers,
                    "body": body,
                })
            },
        )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// A response built to satisfy its schema and its contract yields no finding.
    #[test]
    fn a_response_the_contract_allows_gives_no_finding(
        exchanges in proptest::collection::vec(allowed_exchange(), 1..8)
    ) {
        let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("allowed-traffic.ndjson");
        let lines: Vec<String> = exchanges.iter().map(|e| e.to_string()).collect();
        std::fs::write(&file, lines.join("\n")).unwrap();
        let outcome = check_files(&[file]);
        proptest::prop_assert!(outcome.findings.is_empty(), "{:#?}\n{}", outcome.findings, lines.join("\n"));
    }
}

fn errlint_traffic(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .arg("check-traffic")
        .arg(format!("{FIXTURES}/openapi.yaml"))
        .args(args)
        .args([
            "--config",
            &format!("{FIXTURES}/errlint.yaml"),
            "--format",
            "concise",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// `-` reads the traffic from standard input, named `<stdin>` in reports.
#[test]
fn traffic_is_read_from_standard_input() {
    let ndjson = std::fs::read(format!("{FIXTURES}/traffic-code-unknown.ndjson")).unwrap();
    let output = errlint_traffic(&["-"], Some(&ndjson));
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with("<stdin>:3:1: error[traffic-code-unknown] GET /items/{id} answered 404 with code `item_gone`"),
        "{text}"
    );
}

/// A HAR cut short: the exchanges before the cut are checked, and the cut is an error at its
/// place, exit code 2.
#[test]
fn a_truncated_har_is_checked_up_to_the_cut() {
    let har = std::fs::read_to_string(format!("{FIXTURES}/traffic-code-unknown.har")).unwrap();
    // Cut inside the fourth entry's response.
    let cut = har.match_indices("\"response\"").nth(3).unwrap().0 + 40;
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("truncated.har");
    std::fs::write(&file, &har[..cut]).unwrap();
    let output = errlint_traffic(&[file.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].contains("error[traffic-code-unknown]") && !lines[0].contains("(in "),
        "{text}"
    );
    let line = har[..cut].lines().count();
    assert!(
        lines[1].contains(&format!(":{line}:")) && lines[1].contains("error[invalid-traffic]"),
        "{text}"
    );
}

/// A Playwright `_file` attachment that leads out of the HAR's folder is not read: the
/// exchange is reported unreadable and left out, and nothing of the file it names is shown.
#[test]
fn an_attachment_outside_the_har_folder_is_refused() {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("escaping-attachment");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let har = r#"{"log": {"version": "1.2", "entries": [
      {"request": {"method": "GET", "url": "https://api.example.com/v1/items/1", "headers": []},
       "response": {"status": 404, "headers": [], "content": {"mimeType": "application/json", "_file": "../../../../../../etc/passwd"}}}
    ]}}"#;
    std::fs::write(folder.join("recording.har"), har).unwrap();
    let output = errlint_traffic(&[folder.join("recording.har").to_str().unwrap()], None);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("warning[unreadable-exchange]"), "{text}");
    assert!(!text.contains("root:"), "{text}");
}

/// The checks take their levels as rules do: `rules:` in the config, path overrides (which
/// also declare an operation not rate-limited and forbid statuses), `--rule` above both.
#[test]
fn config_levels_and_overrides_apply_to_the_checks() {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("traffic-config");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let base = std::fs::read_to_string(format!("{FIXTURES}/errlint.yaml")).unwrap();
    let config = format!(
        "{base}rules:\n  traffic-operation-unknown: 'off'\noverrides:\n  - paths: ['GET /items/*']\n    rules: {{traffic-code-unknown: warning}}\n    rate_limited: false\n  - paths: ['POST /ingest']\n    forbid_statuses: [400]\n"
    );
    std::fs::write(folder.join("errlint.yaml"), config).unwrap();
    let options = errlint::Options {
        config: ConfigChoice {
            file: Some(folder.join("errlint.yaml")),
            ..ConfigChoice::default()
        },
        ..errlint::Options::default()
    };
    let traffic: Vec<TrafficSource> = ["traffic-operation-unknown", "traffic-code-unknown"]
        .iter()
        .map(|id| TrafficSource::Path(Path::new(FIXTURES).join(format!("{id}.ndjson"))))
        .collect();
    let document = Path::new(FIXTURES).join("openapi.yaml");
    let outcome = check(&document, &traffic, &options, &TrafficOptions::default()).outcome;
    let found: Vec<(&str, String)> = outcome
        .findings
        .iter()
        .map(|f| (f.rule, f.severity.to_string()))
        .collect();
    // Unknown operations are off; unknown codes are warnings on GET /items/*; the clean 429s
    // of GET /items/{id} are now 429s of an operation declared not rate-limited; the clean
    // 400 of POST /ingest is a forbidden status.
    assert!(
        !found
            .iter()
            .any(|(rule, _)| *rule == "traffic-operation-unknown"),
        "{found:?}"
    );
    assert!(
        found.contains(&("traffic-code-unknown", "warning".into())),
        "{found:?}"
    );
    assert!(
        !found.contains(&("traffic-code-unknown", "error".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("traffic-429-unlimited", "error".into())),
        "{found:?}"
    );
    let forbidden = outcome
        .findings
        .iter()
        .find(|f| f.message.contains("forbid"))
        .expect("the forbidden 400");
    assert_eq!(
        forbidden.message,
        "POST /ingest answered 400, a status the contract's overrides forbid for it (in 2 exchanges)"
    );
}

/// A browser's recording holds other services' requests (fonts, analytics, the page): a host
/// no server names whose requests answer no operation is one finding, whatever its paths; a
/// host that answers some operation (a staging or local server of the API) has a finding per
/// path shape, as a named host does.
#[test]
fn another_services_requests_are_one_finding_for_its_host() {
    let line = |url: &str| {
        format!(
            r#"{{"method": "GET", "url": "{url}", "status": 200, "headers": {{"Content-Type": "text/css"}}, "body": "x"}}"#
        )
    };
    let lines = [
        line("https://fonts.example.net/css2"),
        line("https://fonts.example.net/s/roboto/v30/a.woff2"),
        line("https://fonts.example.net/s/roboto/v30/b.woff2"),
        line("http://localhost:8080/v1/items/1"),
        line("http://localhost:8080/v1/widgets/1"),
        line("http://localhost:8080/v1/widgets/2"),
        line("http://localhost:8080/v1/gadgets"),
    ];
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("other-hosts.ndjson");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let outcome = check_files(&[file]);
    let messages = messages(&outcome);
    assert_eq!(
        messages,
        [
            "requests to fonts.example.net, a host no server of the description names, match no operation (the first: GET /css2) (in 3 exchanges)",
            "GET /v1/widgets/{n}: no path of the description matches this request (in 2 exchanges)",
            "GET /v1/gadgets: no path of the description matches this request",
        ]
    );
}

/// Findings do not grow with the traffic: each check keeps 50 distinct details per operation
/// and status (unreadable exchanges included), and counts the rest in one more finding.
#[test]
fn distinct_details_are_capped_and_the_rest_counted() {
    let lines: String = (0..120)
        .map(|i| format!("{{\"method\": \"GET\", \"url\": \"/x\", \"status\": \"s{i}\"}}\n"))
        .chain((0..120).map(|i| {
            format!(
                "{{\"method\": \"GET\", \"url\": \"https://api.example.com/v1/items/{i}\", \"status\": 404, \"headers\": {{\"Content-Type\": \"application/json\"}}, \"body\": {{\"code\": \"req_{i}\", \"message\": \"m\"}}}}\n"
            )
        }))
        .collect();
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("many-details.ndjson");
    std::fs::write(&file, lines).unwrap();
    let outcome = check_files(&[file]);
    let count = |rule: &str| outcome.findings.iter().filter(|f| f.rule == rule).count();
    assert_eq!(count("unreadable-exchange"), 51);
    assert_eq!(count("traffic-code-unknown"), 51);
    let rest: Vec<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.message.contains("not listed one by one"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(rest.len(), 2, "{rest:?}");
    assert!(
        rest.iter().any(|m| m.starts_with(
            "70 more GET /items/{id} answering 404 with other traffic-code-unknown findings"
        )),
        "{rest:?}"
    );
    assert!(
        rest.iter()
            .any(|m| m.starts_with("70 more exchanges with other unreadable-exchange findings")),
        "{rest:?}"
    );
}

/// Other hosts are details too: past 50, their requests are counted in one finding.
#[test]
fn other_hosts_are_capped_and_the_rest_counted() {
    let lines: String = (0..80)
        .map(|i| format!("{{\"method\": \"GET\", \"url\": \"https://h{i}.example.net/x\", \"status\": 200}}\n"))
        .collect();
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("many-hosts.ndjson");
    std::fs::write(&file, lines).unwrap();
    let outcome = check_files(&[file]);
    assert_eq!(outcome.findings.len(), 51);
    assert!(
        outcome.findings[50]
            .message
            .starts_with("30 more exchanges with other traffic-operation-unknown findings")
    );
}

/// A finding keeps its fingerprint (SARIF's `partialFingerprints`, GitLab's) when the traffic
/// is recorded again: its count and its first exchange change, not what it is.
#[test]
fn a_finding_keeps_its_fingerprint_across_recordings() {
    let original =
        std::fs::read_to_string(format!("{FIXTURES}/traffic-code-unknown.ndjson")).unwrap();
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("recorded-again.ndjson");
    let fingerprints = |text: &str| {
        std::fs::write(&file, text).unwrap();
        let outcome = check_files(std::slice::from_ref(&file));
        outcome
            .findings
            .iter()
            .map(errlint::report::fingerprint)
            .collect::<Vec<_>>()
    };
    let first = fingerprints(&original);
    // Recorded again: more calls, in another order, the same defects.
    let mut lines: Vec<&str> = original.lines().collect();
    lines.reverse();
    let again = format!("{}\n{}\n", lines.join("\n"), original);
    let mut second = fingerprints(&again);
    second.sort();
    let mut first_sorted = first.clone();
    first_sorted.sort();
    assert_eq!(first.len(), 2);
    assert_eq!(first_sorted, second);
}
