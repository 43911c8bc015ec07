//! Real documents from ../shared/corpus: each lints to exit 0 or 1 (never 2, never a panic),
//! and a second run gives byte-identical output. Skipped, with a message, when the corpus is
//! absent.

use crate::external::corpus;
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

#[test]
fn real_documents_lint_deterministically() {
    let Some(dir) = corpus("corpus::real_documents_lint_deterministically") else {
        return;
    };
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
    let Some(dir) = corpus("corpus::json_and_yaml_twins_give_the_same_findings") else {
        return;
    };
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

/// Every root document of the corpus (multi-file folders by their root file).
fn all_documents(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml")
                )
        })
        .collect();
    out.extend(
        [
            "digitalocean-public-v2.3.0.multi/DigitalOcean-public.v2.yaml",
            "oai-petstore-separate-json.2.0.multi/spec/swagger.json",
            "oai-petstore-separate-yaml.2.0.multi/spec/swagger.yaml",
        ]
        .iter()
        .map(|p| dir.join(p)),
    );
    out.sort();
    out
}

/// Runs the binary on the whole corpus; a run that takes minutes is a hang, not a result.
fn sweep(dir: &std::path::Path, extra: &[&str]) -> (i32, Vec<u8>) {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(["--format", "json", "--allow-external-refs"])
        .arg(dir)
        .args(extra)
        .args(all_documents(dir))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run errlint");
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut { stdout }, &mut bytes).unwrap();
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(600) {
            child.kill().unwrap();
            panic!("errlint did not finish the corpus in 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (status.code().unwrap_or(-1), reader.join().unwrap())
}

/// No corpus document is broken: none may make errlint exit 2. The whole corpus gives the
/// same bytes on one thread and on many, and run to run.
#[test]
fn corpus_sweep_is_clean_and_deterministic() {
    let Some(dir) = corpus("corpus::corpus_sweep_is_clean_and_deterministic") else {
        return;
    };
    let (code, parallel) = sweep(&dir, &[]);
    let report: serde_json::Value = serde_json::from_slice(&parallel).expect("JSON report");
    let fatal: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            !errlint::rules::ALL.iter().any(|r| r.id == rule) && rule != "remote-ref"
        })
        .collect();
    assert!(
        fatal.is_empty(),
        "document problems in the corpus: {fatal:#?}"
    );
    assert_eq!(code, 1, "the corpus has error findings");
    assert_eq!(report["summary"]["files"], all_documents(&dir).len());
    let (_, single) = sweep(&dir, &["--threads", "1"]);
    assert!(parallel == single, "--threads 1 and the default differ");
    let (_, again) = sweep(&dir, &[]);
    assert!(parallel == again, "two runs differ");
}

/// `errlint diff X X`: a document has no change against itself, whatever its size or shape.
#[test]
fn every_document_against_itself_has_no_change() {
    let Some(dir) = corpus("corpus::every_document_against_itself_has_no_change") else {
        return;
    };
    let options = Options {
        config: errlint::config::ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..options(&dir)
    };
    for document in all_documents(&dir) {
        let input = errlint::diff::Input::Path(document.clone());
        let outcome = errlint::diff::diff(&input, &input, &options);
        assert!(
            outcome.findings.is_empty(),
            "{}: {:#?}",
            document.display(),
            &outcome.findings[..outcome.findings.len().min(3)]
        );
    }
}
