//! `check-traffic` on traffic that real producers recorded: a local server
//! (`tests/producers/server.py`, on 127.0.0.1 only) answers with a known mix of right and wrong
//! error responses; Schemathesis records its own random requests to it as a HAR
//! (`--report har`), and mitmdump (`hardump`), as a reverse proxy before it, records a plain
//! client's fixed list of requests. `check-traffic` must report exactly the planted defects in
//! each recording, and nothing about the clean operations.
//!
//! The tools come from the virtual environment `.ci/lib.sh`'s `traffic_venv` makes, named by
//! `ERRLINT_TRAFFIC_VENV`. Without it the tests skip, visibly, unless `ERRLINT_REQUIRE_TOOLS`
//! names `schemathesis` or `mitmdump` (CI does), which makes that a failure.

use crate::external::{Scratch, required, skip};
use errlint::traffic::{ReadOptions, open};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const VENV_VARIABLE: &str = "ERRLINT_TRAFFIC_VENV";

/// Every planted defect: the check it must set off, on which operation, for which status (none
/// for a request outside the document, which has no response to judge). server.py says how
/// each is made; each such operation answers so on every request.
const PLANTED: &[(&str, &str, Option<u16>)] = &[
    ("traffic-code-unknown", "GET /orders/{id}", Some(404)),
    (
        "traffic-code-wrong-status",
        "DELETE /orders/{id}",
        Some(404),
    ),
    ("traffic-envelope-fields", "GET /users/{id}", Some(404)),
    ("traffic-body-invalid", "GET /warehouses/{id}", Some(404)),
    ("traffic-retry-hint-missing", "GET /search", Some(429)),
    (
        "traffic-retry-hint-unexpected",
        "GET /reports/{id}",
        Some(404),
    ),
    ("traffic-429-unlimited", "GET /status", Some(429)),
    ("traffic-status-undocumented", "GET /tags", Some(403)),
    ("traffic-media-type", "GET /pages/{id}", Some(404)),
    ("traffic-operation-unknown", "GET /internal/debug", None),
];

/// The defect only the client meets: Schemathesis calls only the document's operations.
const OUTSIDE_THE_DOCUMENT: &str = "GET /internal/debug";

/// The operations that answer right, errors included: no finding may concern them.
const CLEAN: &[&str] = &["GET /items", "POST /items", "GET /items/{id}"];

/// The document's path templates, to name the operation a recorded request went to.
const TEMPLATES: &[&str] = &[
    "/items",
    "/items/{id}",
    "/orders/{id}",
    "/users/{id}",
    "/warehouses/{id}",
    "/search",
    "/reports/{id}",
    "/status",
    "/tags",
    "/pages/{id}",
];

/// What client.py asks, in order, and what the server must answer.
const CLIENT_REQUESTS: &[(&str, &str, u16)] = &[
    ("GET", "/items", 200),
    ("GET", "/items/1", 200),
    ("GET", "/items/nope", 404),
    ("GET", "/items/hot", 429),
    ("POST", "/items", 201),
    ("POST", "/items", 422),
    ("GET", "/orders/7", 404),
    ("DELETE", "/orders/7", 404),
    ("GET", "/users/7", 404),
    ("GET", "/warehouses/7", 404),
    ("GET", "/search?q=lamp", 429),
    ("GET", "/reports/7", 404),
    ("GET", "/status", 429),
    ("GET", "/tags", 403),
    ("GET", "/pages/7", 404),
    ("GET", "/internal/debug", 404),
];

/// The longest a producer may take; a run takes about ten seconds.
const LIMIT: Duration = Duration::from_secs(300);

type Defect = (String, String, Option<u16>);

#[test]
fn schemathesis_traffic_has_exactly_the_planted_defects() {
    const TEST: &str = "producers::schemathesis_traffic_has_exactly_the_planted_defects";
    let Some(bin) = tools(TEST) else { return };
    let scratch = Scratch::new("producers-schemathesis");
    let (_server, port) = start_server(&bin, &scratch);
    let har = scratch.join("schemathesis.har");
    let log = scratch.join("schemathesis.log");
    let mut command = Command::new(bin.join("schemathesis"));
    command
        .current_dir(&*scratch)
        .args(["run", &format!("http://127.0.0.1:{port}/openapi.yaml")])
        // Valid requests only (an invalid one would meet the server's own validation, which is
        // not what the test is about), generated the same way on every run, with no example
        // database (which that implies).
        .args(["--mode", "positive", "--generation-deterministic"])
        .args(["--max-examples", "10"])
        .args(["--request-timeout", "10", "--no-color"])
        .args(["--report", "har", "--report-har-path"])
        .arg(&har);
    let mut schemathesis = Process::spawn(&mut command, &log, "schemathesis run");
    // Schemathesis fails the run on the defects its own checks see; only its HAR matters here.
    schemathesis.wait(LIMIT);
    assert!(har.is_file(), "Schemathesis wrote no HAR:\n{}", read(&log));

    let recorded = recorded(&har);
    for (_, operation, status) in PLANTED {
        if let Some(status) = status {
            assert!(
                recorded.get(*operation).is_some_and(|s| s.contains(status)),
                "Schemathesis never met {operation}'s {status}: {recorded:?}"
            );
        }
    }
    let expected: BTreeSet<Defect> = planted()
        .into_iter()
        .filter(|(_, operation, _)| operation != OUTSIDE_THE_DOCUMENT)
        .collect();
    assert_findings(&har, &expected);
}

#[test]
fn mitmdump_traffic_has_exactly_the_planted_defects() {
    const TEST: &str = "producers::mitmdump_traffic_has_exactly_the_planted_defects";
    let Some(bin) = tools(TEST) else { return };
    let scratch = Scratch::new("producers-mitmdump");
    let (_server, port) = start_server(&bin, &scratch);
    let har = scratch.join("mitmdump.har");
    let log = scratch.join("mitmdump.log");
    let mut command = Command::new(bin.join("mitmdump"));
    command
        .current_dir(&*scratch)
        .args(["--mode", &format!("reverse:http://127.0.0.1:{port}")])
        .args(["--listen-host", "127.0.0.1", "--listen-port", "0"])
        .arg("--set")
        .arg(format!("hardump={}", har.display()))
        // Its certificates go to the scratch folder, not to ~/.mitmproxy.
        .arg("--set")
        .arg(format!("confdir={}", scratch.join("mitmproxy").display()));
    let mut proxy = Process::spawn(&mut command, &log, "mitmdump");
    let listening = wait_for_line(&log, &mut proxy, |l| l.contains(" listening at "));
    let proxy_port = listening.rsplit(':').next().unwrap().trim_end_matches('.');

    let client = scratch.join("client.log");
    let mut command = Command::new(bin.join("python"));
    command
        .arg(producers().join("client.py"))
        .arg(format!("http://127.0.0.1:{proxy_port}"));
    let status = Process::spawn(&mut command, &client, "client.py").wait(LIMIT);
    assert!(status.success(), "client.py failed:\n{}", read(&client));
    let answered: Vec<String> = read(&client).lines().map(str::to_owned).collect();
    let asked: Vec<String> = CLIENT_REQUESTS
        .iter()
        .map(|(method, path, status)| format!("{method} {path} {status}"))
        .collect();
    assert_eq!(answered, asked, "the server's answers through mitmdump");

    // mitmdump writes the HAR as it ends, on Ctrl-C.
    proxy.interrupt();
    assert!(har.is_file(), "mitmdump wrote no HAR:\n{}", read(&log));

    let recorded = recorded(&har);
    let mut expected_recorded: BTreeMap<String, BTreeSet<u16>> = BTreeMap::new();
    for (method, path, status) in CLIENT_REQUESTS {
        let path = path.split('?').next().unwrap();
        let operation = format!("{method} {}", template(path).unwrap_or(path));
        expected_recorded
            .entry(operation)
            .or_default()
            .insert(*status);
    }
    assert_eq!(
        recorded, expected_recorded,
        "the exchanges in mitmdump's HAR"
    );
    assert_findings(&har, &planted());
}

fn planted() -> BTreeSet<Defect> {
    PLANTED
        .iter()
        .map(|(check, operation, status)| (check.to_string(), operation.to_string(), *status))
        .collect()
}

/// `check-traffic`'s findings on `har` must be `expected`, one finding group each, and none of
/// them on a clean operation.
fn assert_findings(har: &Path, expected: &BTreeSet<Defect>) {
    let findings = check_traffic(har);
    let on_clean: Vec<&Defect> = findings
        .iter()
        .filter(|(_, operation, _)| CLEAN.contains(&operation.as_str()))
        .collect();
    assert!(
        on_clean.is_empty(),
        "findings on clean operations: {on_clean:#?}"
    );
    let missed: Vec<&Defect> = expected.difference(&findings).collect();
    let unplanted: Vec<&Defect> = findings.difference(expected).collect();
    assert!(
        missed.is_empty() && unplanted.is_empty(),
        "check-traffic on {}:\nplanted but not found: {missed:#?}\nfound but not planted: {unplanted:#?}",
        har.display()
    );
}

/// Runs `errlint check-traffic` on `har` with the test API's document and contract: each
/// traffic finding as (check, operation, status).
fn check_traffic(har: &Path) -> BTreeSet<Defect> {
    let output = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check-traffic", "tests/producers/openapi.yaml"])
        .arg(har)
        .args([
            "--config",
            "tests/producers/errlint.yaml",
            "--format",
            "json",
        ])
        .output()
        .expect("errlint runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "check-traffic ended {}:\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("check-traffic's JSON: {e}\n{stdout}"));
    let findings = report["findings"].as_array().expect("a findings list");
    findings
        .iter()
        .filter_map(|finding| {
            let rule = finding["rule"].as_str()?;
            // The document's own lint findings are `errlint DOC`'s business.
            if !rule.starts_with("traffic-") {
                return None;
            }
            let message = finding["message"].as_str().unwrap_or_default();
            // A request outside the document has no operation: its message names the request.
            let operation = match finding["operation"].as_str() {
                Some(operation) => operation,
                None => message.split(": ").next().unwrap_or_default(),
            };
            Some((rule.to_owned(), operation.to_owned(), status_of(message)))
        })
        .collect()
}

/// The status a finding's message says the operation answered (`GET /tags answered 403, …`).
fn status_of(message: &str) -> Option<u16> {
    let (_, after) = message.split_once(" answered ")?;
    after.get(..3)?.parse().ok()
}

/// The statuses of each operation in a HAR, as errlint's traffic reader reads it: the test of
/// the reader on these producers' files, and of what they recorded.
fn recorded(har: &Path) -> BTreeMap<String, BTreeSet<u16>> {
    let mut recorded: BTreeMap<String, BTreeSet<u16>> = BTreeMap::new();
    let traffic = open(har, ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    for exchange in traffic {
        let exchange = exchange.unwrap_or_else(|e| panic!("{}: {e}", har.display()));
        assert!(
            exchange.url.starts_with("http://127.0.0.1:"),
            "{} went elsewhere",
            exchange.url
        );
        let path = exchange.path();
        let operation = format!("{} {}", exchange.method, template(path).unwrap_or(path));
        recorded
            .entry(operation)
            .or_default()
            .insert(exchange.status);
    }
    recorded
}

/// The document's template that `path` matches.
fn template(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    TEMPLATES.iter().copied().find(|template| {
        let parts: Vec<&str> = template.split('/').collect();
        parts.len() == segments.len()
            && parts.iter().zip(&segments).all(|(part, segment)| {
                part == segment || (part.starts_with('{') && !segment.is_empty())
            })
    })
}

/// The virtual environment's `bin` folder, or `None` after saying that `test` is skipped
/// without it (a panic instead when `ERRLINT_REQUIRE_TOOLS` names one of its tools).
fn tools(test: &str) -> Option<PathBuf> {
    let bin = std::env::var_os(VENV_VARIABLE)
        .filter(|venv| !venv.is_empty())
        .map(|venv| PathBuf::from(venv).join("bin"));
    let missing: Vec<&str> = ["python", "schemathesis", "mitmdump"]
        .into_iter()
        .filter(|tool| !bin.as_ref().is_some_and(|bin| bin.join(tool).is_file()))
        .collect();
    if missing.is_empty() {
        return bin;
    }
    let why = match &bin {
        None => format!("{VENV_VARIABLE} is not set (.ci/lib.sh's traffic_venv makes the venv)"),
        Some(bin) => format!("{} has no {}", bin.display(), missing.join(", ")),
    };
    if ["schemathesis", "mitmdump"]
        .iter()
        .any(|tool| required(tool))
    {
        panic!("{test}: {why}, and ERRLINT_REQUIRE_TOOLS requires the tools");
    }
    skip(test, &why);
    None
}

fn producers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/producers")
}

/// Starts server.py and reads its port.
fn start_server(bin: &Path, scratch: &Path) -> (Process, u16) {
    let log = scratch.join("server.log");
    let mut command = Command::new(bin.join("python"));
    command.arg(producers().join("server.py"));
    let mut server = Process::spawn(&mut command, &log, "server.py");
    let line = wait_for_line(&log, &mut server, |_| true);
    let port = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("server.py said {line:?}"));
    (server, port)
}

/// A process the test started, killed and reaped when dropped, whatever became of the test;
/// what it prints goes to a log file.
struct Process {
    child: Child,
    what: &'static str,
    log: PathBuf,
}

impl Process {
    fn spawn(command: &mut Command, log: &Path, what: &'static str) -> Process {
        let out = File::create(log).unwrap();
        let err = out.try_clone().unwrap();
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        Process {
            child,
            what,
            log: log.to_owned(),
        }
    }

    /// Waits for it to end, at most `limit`.
    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < limit,
                "{} took over {limit:?}:\n{}",
                self.what,
                read(&self.log)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Asks it to end, as Ctrl-C does, and waits for it.
    fn interrupt(&mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -INT {pid}");
        self.wait(Duration::from_secs(60));
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The first line of `log` that `wanted` accepts, once `process` has written it.
fn wait_for_line(log: &Path, process: &mut Process, wanted: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let text = read(log);
        // Only whole lines: the process may be writing the last one.
        let whole = text.rfind('\n').map_or("", |end| &text[..end]);
        if let Some(line) = whole.lines().find(|l| wanted(l)) {
            return line.to_owned();
        }
        if let Some(status) = process.child.try_wait().unwrap() {
            panic!(
                "{} ended ({status}) before it was ready:\n{text}",
                process.what
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} was not ready after a minute:\n{text}",
            process.what
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
