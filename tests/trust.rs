//! What a pull request can put in front of errlint in CI: configs and profiles that point out
//! of the repository, devices and endless streams where files are expected. Each is refused
//! with exit code 2, quickly, and nothing a refused file holds is ever printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SECRET: &str = "ghp_s3cr3tTOKENnotforprinting";

const DOC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n";

/// A repository (a folder with `.git`) holding `openapi.yaml`, beside a secret outside it.
fn repository(name: &str) -> (PathBuf, PathBuf) {
    let base = std::env::temp_dir().join(format!("errlint-trust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let repo = base.join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("openapi.yaml"), DOC).unwrap();
    let secret = base.join("credentials");
    std::fs::write(&secret, format!("https://user:{SECRET}@github.com\n")).unwrap();
    (repo, secret)
}

fn errlint_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run errlint");
    // A refused stdin may close early: a broken pipe here is the point, not a failure.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().expect("errlint ends")
}

/// Runs errlint in every output format and checks each exits 2 without the secret.
fn assert_refused_without_leaking(dir: &Path, args: &[&str]) {
    for format in [
        "pretty", "concise", "json", "github", "sarif", "junit", "gitlab",
    ] {
        let mut all = vec!["--format", format];
        all.extend_from_slice(args);
        let output = errlint_in(dir, &all, b"");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(output.status.code(), Some(2), "{format}: {printed}");
        assert!(
            !printed.contains(SECRET),
            "{format} leaked the secret:\n{printed}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_config_that_links_out_of_the_repository_is_refused() {
    let (repo, secret) = repository("config-link");
    std::os::unix::fs::symlink(&secret, repo.join("errlint.yaml")).unwrap();
    assert_refused_without_leaking(&repo, &["openapi.yaml"]);
}

#[cfg(unix)]
#[test]
fn extends_through_a_link_or_up_the_tree_is_refused() {
    let (repo, secret) = repository("extends");
    std::os::unix::fs::symlink(&secret, repo.join("gc.yaml")).unwrap();
    std::fs::write(repo.join("errlint.yaml"), "extends: ./gc.yaml\n").unwrap();
    assert_refused_without_leaking(&repo, &["openapi.yaml"]);
    std::fs::write(repo.join("errlint.yaml"), "extends: ../credentials.yaml\n").unwrap();
    std::fs::copy(&secret, secret.with_extension("yaml")).unwrap();
    assert_refused_without_leaking(&repo, &["openapi.yaml"]);
}

#[cfg(unix)]
#[test]
fn an_allowed_folder_widens_the_tree_for_configs_too() {
    let (repo, secret) = repository("allowed");
    let shared = secret.parent().unwrap().join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(shared.join("base.yaml"), "extends: botect\n").unwrap();
    std::fs::write(repo.join("errlint.yaml"), "extends: ../shared/base.yaml\n").unwrap();
    let refused = errlint_in(&repo, &["openapi.yaml"], b"");
    assert_eq!(refused.status.code(), Some(2));
    let allowed = errlint_in(
        &repo,
        &[
            "--allow-external-refs",
            shared.to_str().unwrap(),
            "openapi.yaml",
        ],
        b"",
    );
    assert_ne!(
        allowed.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&allowed.stdout)
    );
}

#[cfg(unix)]
#[test]
fn devices_where_files_are_expected_are_refused_at_once() {
    let (repo, _) = repository("devices");
    std::os::unix::fs::symlink("/dev/zero", repo.join("zero.yaml")).unwrap();
    std::fs::write(repo.join("errlint.yaml"), "extends: ./zero.yaml\n").unwrap();
    assert_eq!(
        errlint_in(&repo, &["openapi.yaml"], b"").status.code(),
        Some(2)
    );
    std::fs::remove_file(repo.join("errlint.yaml")).unwrap();
    for args in [
        &["--config", "/dev/zero", "openapi.yaml"][..],
        &["--baseline", "/dev/zero", "openapi.yaml"],
        &["--baseline", "zero.yaml", "openapi.yaml"],
        &["/dev/zero"],
        &["zero.yaml"],
    ] {
        let output = errlint_in(&repo, args, b"");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_huge_thread_count_is_capped_not_spawned() {
    let (repo, _) = repository("threads");
    let output = errlint_in(&repo, &["--threads", "100000", "openapi.yaml"], b"");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn standard_input_has_the_size_cap_of_a_file() {
    let (repo, _) = repository("stdin");
    let big = DOC.repeat(20);
    let output = errlint_in(&repo, &["--max-file-size", "100", "-"], big.as_bytes());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("over the limit of 100 bytes"));
    let fits = errlint_in(&repo, &["-"], DOC.as_bytes());
    assert_ne!(fits.status.code(), Some(2));
}

#[test]
fn a_config_type_error_names_the_type_not_the_value() {
    let (repo, _) = repository("type-error");
    std::fs::write(repo.join("errlint.yaml"), format!("rules: '{SECRET}'\n")).unwrap();
    let output = errlint_in(&repo, &["--format", "concise", "openapi.yaml"], b"");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        printed.contains("expected object, found string"),
        "{printed}"
    );
    assert!(!printed.contains(SECRET), "{printed}");
}

/// A status key that carries a terminal escape, a carriage return and a forged workflow
/// command; a file name with a newline.
const INJECTION: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        \"\\e[31mred\\r\\n::error file=x::forged\": {description: x}\n        '500': {description: x}\n";

#[test]
fn control_characters_never_reach_text_output_raw() {
    let (repo, _) = repository("injection");
    std::fs::write(repo.join("api\nfile.yaml"), INJECTION).unwrap();
    for format in ["pretty", "concise", "github", "junit"] {
        let output = errlint_in(
            &repo,
            &["--color", "never", "--format", format, "api\nfile.yaml"],
            b"",
        );
        let printed = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}: {printed}");
        assert!(
            !printed.chars().any(|c| c.is_control() && c != '\n'),
            "{format} printed a control character:\n{printed:?}"
        );
        let forged = printed
            .lines()
            .filter(|l| l.trim_start().starts_with("::error file=x"))
            .count();
        assert_eq!(forged, 0, "{format} let a line be forged:\n{printed}");
        if format == "github" {
            assert!(printed.lines().all(|l| l.starts_with("::")), "{printed}");
        }
        if format == "junit" {
            roxmltree::Document::parse(&printed).expect("JUnit is well-formed XML");
        }
    }
}

#[test]
fn a_hostile_override_glob_is_a_config_error_not_a_panic() {
    let (repo, _) = repository("glob");
    let nested = format!("/{}x{}", "{a,".repeat(84), "}".repeat(84));
    let wide = format!("/v1/{{{}}}", vec!["a"; 5000].join(","));
    for glob in [nested, wide] {
        std::fs::write(
            repo.join("errlint.yaml"),
            format!("overrides:\n  - paths: ['{glob}']\n    rate_limited: false\n"),
        )
        .unwrap();
        let output = errlint_in(&repo, &["--format", "concise", "openapi.yaml"], b"");
        let printed = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(2), "{printed}");
        assert!(printed.contains("invalid-config"), "{printed}");
        assert!(
            printed.contains("errlint.yaml:2:"),
            "at its line: {printed}"
        );
    }
    let output = errlint_in(&repo, &["specs/{a,{b,{c,{d,{e,f}}}}}/*.yaml"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nest 5 deep"));
}

#[test]
fn a_folder_or_glob_without_a_document_is_an_error_not_a_pass() {
    let (repo, _) = repository("empty");
    std::fs::create_dir_all(repo.join("guides")).unwrap();
    std::fs::write(repo.join("guides/readme.yaml"), "title: not an API\n").unwrap();
    let output = errlint_in(&repo, &["guides"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no OpenAPI document in `guides`"));
    let output = errlint_in(&repo, &["guides/*.yaml"], b"");
    assert_eq!(output.status.code(), Some(2));
    // A folder named like a command (`docs`) is linted when written as a path.
    std::fs::create_dir_all(repo.join("docs")).unwrap();
    let output = errlint_in(&repo, &["./docs"], b"");
    assert!(String::from_utf8_lossy(&output.stderr).contains("no OpenAPI document in `./docs`"));
}

#[test]
fn a_glob_written_with_a_leading_dot_slash_matches() {
    let (repo, _) = repository("dot-slash");
    std::fs::create_dir_all(repo.join("specs")).unwrap();
    std::fs::write(repo.join("specs/api.yaml"), DOC).unwrap();
    for pattern in ["./specs/*.yaml", "specs/*.yaml"] {
        let output = errlint_in(&repo, &["--format", "concise", pattern], b"");
        assert_ne!(output.status.code(), Some(2), "{pattern}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("specs/api.yaml"));
    }
}

#[test]
fn outputs_never_overwrite_what_errlint_reads() {
    let (repo, _) = repository("outputs");
    std::fs::write(repo.join("errors.yaml"), "Error: {description: x}\n").unwrap();
    let doc = DOC.replace(
        "'200': {description: ok}",
        "'200': {description: ok}\n        '500': {$ref: 'errors.yaml#/Error'}",
    );
    std::fs::write(repo.join("openapi.yaml"), &doc).unwrap();
    std::fs::write(repo.join("errlint.yaml"), "rules: {}\n").unwrap();
    std::fs::write(
        repo.join("old-baseline.json"),
        "{\"version\": 1, \"entries\": []}",
    )
    .unwrap();
    let cases: [&[&str]; 8] = [
        // Arguments swapped: the document would be replaced by the report.
        &["--output", "openapi.yaml", "report.txt"],
        // The error page over the file a `$ref` reads, or over the config.
        &["docs", "openapi.yaml", "--output", "errors.yaml"],
        &["docs", "openapi.yaml", "--output", "errlint.yaml"],
        &["--format", "sarif=./openapi.yaml", "openapi.yaml"],
        &["--format", "json=errors.yaml", "openapi.yaml"],
        &["--output", "errlint.yaml", "openapi.yaml"],
        &[
            "--baseline",
            "old-baseline.json",
            "--output",
            "old-baseline.json",
            "openapi.yaml",
        ],
        &[
            "--format",
            "json=r.json",
            "--format",
            "sarif=r.json",
            "openapi.yaml",
        ],
    ];
    for args in cases {
        let before: Vec<Vec<u8>> = [
            "openapi.yaml",
            "errors.yaml",
            "errlint.yaml",
            "old-baseline.json",
        ]
        .iter()
        .map(|f| std::fs::read(repo.join(f)).unwrap())
        .collect();
        let output = errlint_in(&repo, args, b"");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let after: Vec<Vec<u8>> = [
            "openapi.yaml",
            "errors.yaml",
            "errlint.yaml",
            "old-baseline.json",
        ]
        .iter()
        .map(|f| std::fs::read(repo.join(f)).unwrap())
        .collect();
        assert_eq!(before, after, "{args:?} changed an input");
        assert!(!repo.join("r.json").exists(), "{args:?} wrote something");
    }
}

#[test]
fn command_line_mistakes_are_usage_errors_with_a_suggestion() {
    let (repo, _) = repository("usage");
    let output = errlint_in(
        &repo,
        &["--format", "sarif", "--profile", "botcet", "openapi.yaml"],
        b"",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        output.stdout.is_empty(),
        "not a finding: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `botect`?"));
    let output = errlint_in(&repo, &["--config", "missing.yaml", "openapi.yaml"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let output = errlint_in(
        &repo,
        &["--rule", "error-status-coverag=error", "openapi.yaml"],
        b"",
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("did you mean `error-status-coverage`?")
    );
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_run_quietly_with_its_exit_code() {
    let (repo, _) = repository("pipe");
    let many: String = (0..3000)
        .map(|i| {
            format!("  /p{i}:\n    get:\n      responses:\n        '404': {{description: x}}\n")
        })
        .collect();
    std::fs::write(
        repo.join("big.yaml"),
        format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{many}"),
    )
    .unwrap();
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' big.yaml | head -1 >/dev/null; exit ${{PIPESTATUS:-0}}",
            env!("CARGO_BIN_EXE_errlint")
        ))
        .current_dir(&repo)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("cannot write"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let direct = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .arg("big.yaml")
        .current_dir(&repo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut direct = direct;
    drop(direct.stdout.take());
    let status = direct.wait().unwrap();
    assert_eq!(status.code(), Some(1), "the lint's own exit code, not 2");
}

#[test]
fn standard_input_named_as_a_path_finds_its_config_and_its_refs() {
    let (repo, _) = repository("stdin-path");
    std::fs::create_dir_all(repo.join("api")).unwrap();
    std::fs::write(repo.join("api/errors.yaml"), "Error: {description: x}\n").unwrap();
    std::fs::write(
        repo.join("errlint.yaml"),
        "rules: {error-status-coverage: error}\n",
    )
    .unwrap();
    let doc = DOC.replace(
        "'200': {description: ok}",
        "'200': {description: ok}\n        '404': {$ref: 'errors.yaml#/Error'}",
    );
    let output = errlint_in(
        &repo,
        &[
            "--format",
            "concise",
            "--stdin-filename",
            "api/openapi.yaml",
            "-",
        ],
        doc.as_bytes(),
    );
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(!printed.contains("unresolved-ref"), "{printed}");
    assert!(printed.contains("api/openapi.yaml:"), "{printed}");
    assert!(
        printed.contains("error[error-status-coverage]"),
        "the discovered config raised the rule to error: {printed}"
    );
}

#[test]
fn a_baseline_matches_the_same_file_however_it_is_named() {
    let (repo, _) = repository("baseline-paths");
    std::fs::create_dir_all(repo.join("api")).unwrap();
    let failing = DOC.replace("'200': {description: ok}", "'404': {description: gone}");
    std::fs::write(repo.join("api/openapi.yaml"), failing).unwrap();
    std::fs::remove_file(repo.join("openapi.yaml")).unwrap();
    let wrote = errlint_in(
        &repo,
        &["--write-baseline", "errlint-baseline.json", "."],
        b"",
    );
    assert_eq!(wrote.status.code(), Some(0));
    let absolute = repo.join("api/openapi.yaml").to_string_lossy().into_owned();
    for named in ["api/openapi.yaml", "./api//openapi.yaml", absolute.as_str()] {
        let output = errlint_in(
            &repo,
            &[
                "--format",
                "concise",
                "--baseline",
                "errlint-baseline.json",
                named,
            ],
            b"",
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{named}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    // From another folder, the baseline's paths still start at the baseline's folder.
    let output = errlint_in(
        &repo.join("api"),
        &["--baseline", "../errlint-baseline.json", "openapi.yaml"],
        b"",
    );
    assert_eq!(output.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_link() {
    let (repo, secret) = repository("init-link");
    let target = secret.with_file_name("created-by-init");
    std::os::unix::fs::symlink(&target, repo.join("errlint.yaml")).unwrap();
    let output = errlint_in(&repo, &["init"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(!target.exists(), "init wrote through a dangling link");
    let forced = errlint_in(&repo, &["init", "--force"], b"");
    assert_eq!(forced.status.code(), Some(0));
    assert!(
        !target.exists(),
        "--force replaced the link, not its target"
    );
    assert!(
        repo.join("errlint.yaml")
            .symlink_metadata()
            .unwrap()
            .is_file()
    );
}

#[test]
fn naming_a_ref_target_lints_the_documents_that_use_it() {
    let (repo, _) = repository("fragments");
    std::fs::write(repo.join("errors.yaml"), "Error: {description: x}\n").unwrap();
    std::fs::write(repo.join("unused.yaml"), "Other: {description: y}\n").unwrap();
    let doc = DOC.replace(
        "'200': {description: ok}",
        "'200': {description: ok}\n        '404': {$ref: 'errors.yaml#/Error'}",
    );
    std::fs::write(repo.join("openapi.yaml"), doc).unwrap();
    // pre-commit names only what changed: the fragment.
    let output = errlint_in(&repo, &["--format", "concise", "errors.yaml"], b"");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{printed}");
    assert!(
        printed.contains("errors.yaml:1:1: error[error-response-schema]"),
        "{printed}"
    );
    assert!(!printed.contains("not-openapi"), "{printed}");
    // Both named: linted once, no error about the fragment.
    let both = errlint_in(
        &repo,
        &["--format", "concise", "openapi.yaml", "errors.yaml"],
        b"",
    );
    let both_printed = String::from_utf8_lossy(&both.stdout);
    assert_eq!(both.status.code(), Some(1), "{both_printed}");
    assert_eq!(
        both_printed.matches("error-response-schema").count(),
        1,
        "{both_printed}"
    );
    // A fragment nothing uses is a warning, not fatal for the others.
    let unused = errlint_in(
        &repo,
        &["--format", "concise", "openapi.yaml", "unused.yaml"],
        b"",
    );
    let unused_printed = String::from_utf8_lossy(&unused.stdout);
    assert_eq!(unused.status.code(), Some(1), "{unused_printed}");
    assert!(
        unused_printed.contains("unused.yaml: warning[unused-fragment]"),
        "{unused_printed}"
    );
}

#[cfg(unix)]
#[test]
fn a_folder_scan_does_not_follow_links_out_of_the_tree() {
    let (repo, secret) = repository("scan-links");
    let outside = secret.with_file_name("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("openapi.yaml"), DOC).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("linked-folder")).unwrap();
    std::os::unix::fs::symlink(outside.join("openapi.yaml"), repo.join("linked.yaml")).unwrap();
    let output = errlint_in(&repo, &["--format", "json", "."], b"");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.iter().all(|f| !f.contains("linked")), "{files:?}");
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn an_override_that_matches_no_operation_is_a_warning_at_its_line() {
    let (repo, _) = repository("unused-override");
    std::fs::create_dir_all(repo.join("other")).unwrap();
    std::fs::write(
        repo.join("other/openapi.yaml"),
        DOC.replace("/a:", "/things/{thingId}:"),
    )
    .unwrap();
    std::fs::write(
        repo.join("errlint.yaml"),
        "overrides:\n  - paths: ['GET /thing/{id}']\n    rate_limited: false\n  - paths: ['GET /things/{id}']\n    rate_limited: false\n",
    )
    .unwrap();
    // The second override matches the other document's operation: only the first is unused,
    // judged across both documents.
    let output = errlint_in(&repo, &["--format", "concise", "."], b"");
    let printed = String::from_utf8_lossy(&output.stdout);
    let unused: Vec<&str> = printed
        .lines()
        .filter(|l| l.contains("unused-override"))
        .collect();
    assert_eq!(unused.len(), 1, "{printed}");
    assert!(unused[0].contains("errlint.yaml:2:5: "), "{printed}");
    assert!(unused[0].contains("warning[unused-override]"), "{printed}");
}

#[test]
fn a_baseline_with_a_byte_order_mark_is_read() {
    let (repo, _) = repository("baseline-bom");
    let failing = DOC.replace("'200': {description: ok}", "'404': {description: gone}");
    std::fs::write(repo.join("openapi.yaml"), failing).unwrap();
    let wrote = errlint_in(&repo, &["--write-baseline", "b.json", "openapi.yaml"], b"");
    assert_eq!(wrote.status.code(), Some(0));
    let text = std::fs::read(repo.join("b.json")).unwrap();
    std::fs::write(
        repo.join("b.json"),
        [b"\xef\xbb\xbf".as_slice(), &text].concat(),
    )
    .unwrap();
    let output = errlint_in(&repo, &["--baseline", "b.json", "openapi.yaml"], b"");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_in_a_folder_is_an_error_not_skipped() {
    // Root reads every file whatever its mode: the case exists only for other users.
    let uid = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        crate::external::skip(
            "trust::an_unreadable_file_in_a_folder_is_an_error_not_skipped",
            "running as root, nothing is unreadable",
        );
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let (repo, _) = repository("unreadable");
    let locked = repo.join("locked.yaml");
    std::fs::write(&locked, DOC).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let output = errlint_in(&repo, &["."], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("locked.yaml"));
}
