//! The GitHub Action's run step, executed as GitHub would: its script with `GITHUB_WORKSPACE`,
//! `RUNNER_TEMP` and the inputs as `INPUT_*`, the errlint under test first on PATH.

use std::path::Path;
use std::process::Command;

fn run_step(workspace: &Path, inputs: &[(&str, &str)]) -> (i32, String) {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_errlint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh"))
        .env("PATH", path)
        .env("GITHUB_WORKSPACE", workspace)
        .env("RUNNER_TEMP", std::env::temp_dir())
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"));
    for (name, value) in inputs {
        command.env(name, value);
    }
    let output = command.output().expect("bash runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn workspace(name: &str, spec: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("action")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("api")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(spec),
        dir.join("api/openapi.yaml"),
    )
    .unwrap();
    dir
}

#[test]
fn failing_spec_prints_annotations_writes_sarif_and_fails_the_step() {
    let dir = workspace("failing", "fixtures/profiles/default/fail.yaml");
    let (code, out) = run_step(
        &dir,
        &[
            ("INPUT_FILES", "api/*.yaml"),
            ("INPUT_SARIF_FILE", "errlint.sarif"),
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines().any(
            |l| l.starts_with("::error file=api/openapi.yaml,line=9,col=9,")
                && l.contains("title=error-response-schema::")
        ),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("::warning file=api/openapi.yaml,")),
        "{out}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("errlint.sarif")).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        out.lines().count()
    );
}

#[test]
fn conforming_spec_passes_and_inputs_reach_errlint() {
    let dir = workspace("passing", "fixtures/profiles/botsi/pass.yaml");
    let (code, out) = run_step(&dir, &[("INPUT_FILES", "."), ("INPUT_PROFILE", "botsi")]);
    assert_eq!((code, out.as_str()), (0, ""));
    // The same document under another contract fails: the profile input was used.
    let (code, _) = run_step(&dir, &[("INPUT_FILES", "."), ("INPUT_PROFILE", "botect")]);
    assert_eq!(code, 1);
}

#[test]
fn install_step_uses_the_cache_and_extends_the_path() {
    let temp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("action-runner");
    let _ = std::fs::remove_dir_all(&temp);
    let bin = temp.join("errlint-bin/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_errlint"), bin.join("errlint")).unwrap();
    let github_path = temp.join("github-path");
    let output = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/install.sh"))
        .env("RUNNER_TEMP", &temp)
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("errlint is cached: errlint "));
    assert_eq!(
        std::fs::read_to_string(github_path).unwrap().trim(),
        bin.display().to_string()
    );
}

#[test]
fn every_line_of_a_multi_line_files_input_is_linted() {
    let dir = workspace("multi-line", "fixtures/profiles/botsi/pass.yaml");
    std::fs::create_dir_all(dir.join("other")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profiles/default/fail.yaml"),
        dir.join("other/openapi.yaml"),
    )
    .unwrap();
    // The failing document is on the second line: it must be linted and fail the step.
    let (code, out) = run_step(
        &dir,
        &[
            ("INPUT_FILES", "api/openapi.yaml\nother/openapi.yaml\n"),
            ("INPUT_PROFILE", "botsi"),
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("file=other/openapi.yaml"), "{out}");
}

#[test]
fn baseline_and_deny_warnings_inputs_reach_errlint() {
    let dir = workspace("inputs", "fixtures/profiles/default/fail.yaml");
    let errlint = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args(["--write-baseline", "baseline.json", "api/openapi.yaml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(errlint.status.code(), Some(0));
    let (code, out) = run_step(
        &dir,
        &[
            ("INPUT_FILES", "api/openapi.yaml"),
            ("INPUT_BASELINE", "baseline.json"),
        ],
    );
    assert_eq!(
        (code, out.as_str()),
        (0, ""),
        "the baseline hid every finding"
    );
    let warnings = workspace("warnings", "fixtures/profiles/botsi/pass.yaml");
    std::fs::write(
        warnings.join("api/openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n",
    )
    .unwrap();
    let (code, _) = run_step(&warnings, &[("INPUT_FILES", "api/openapi.yaml")]);
    assert_eq!(code, 0, "warnings alone pass");
    let (code, _) = run_step(
        &warnings,
        &[
            ("INPUT_FILES", "api/openapi.yaml"),
            ("INPUT_DENY_WARNINGS", "true"),
        ],
    );
    assert_eq!(code, 1, "denied warnings fail");
}

#[test]
fn the_cache_key_follows_the_action_source() {
    let output = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/cache-key.sh"))
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_OUTPUT")
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{printed}");
    let key = printed.trim().strip_prefix("source=").expect("a key");
    assert_eq!(key.len(), 32);
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
}

/// With `base`, the step also compares each document with that revision: a code removed
/// without a major bump fails it, with annotations for the change.
#[test]
fn the_base_input_diffs_each_document_with_the_base_revision() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("action")
        .join("base");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("api")).unwrap();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=errlint",
                "-c",
                "user.email=errlint@example.com",
            ])
            .args(args)
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    let fixture = |side: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("fixtures/diff/error-code-removed/{side}.yaml"))
    };
    git(&["init", "-q"]);
    std::fs::copy(fixture("base"), dir.join("api/openapi.yaml")).unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    std::fs::copy(fixture("new"), dir.join("api/openapi.yaml")).unwrap();
    let (code, out) = run_step(&dir, &[("INPUT_FILES", "api"), ("INPUT_BASE", "HEAD")]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=api/openapi.yaml,")
                && l.contains("title=error-code-removed::")),
        "{out}"
    );
    assert!(out.contains("title=version-not-bumped::"), "{out}");
}

/// A runner for the install step: a fresh `RUNNER_TEMP`, a `cargo` stub first on PATH that
/// records being called (so a test knows whether errlint was built from source), and a
/// release folder served as `ERRLINT_RELEASES_URL`.
struct Runner {
    temp: std::path::PathBuf,
}

impl Runner {
    fn new(name: &str) -> Self {
        let temp = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("install")
            .join(name);
        let _ = std::fs::remove_dir_all(&temp);
        std::fs::create_dir_all(temp.join("stubs")).unwrap();
        let stub = temp.join("stubs/cargo");
        std::fs::write(
            &stub,
            format!(
                "#!/bin/sh\necho \"$@\" > '{}'\n",
                temp.join("cargo-called").display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
        Runner { temp }
    }

    /// Publishes the errlint under test as release `tag` for Linux x86_64, with the checksum
    /// file saying `checksum` (None: the archive's real SHA-256).
    fn publish(&self, tag: &str, checksum: Option<&str>) {
        let dir = self.temp.join("releases").join(tag);
        let staging = self.temp.join("staging");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_errlint"), staging.join("errlint")).unwrap();
        let archive = dir.join("errlint-x86_64-unknown-linux-musl.tar.gz");
        let packed = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&staging)
            .arg("errlint")
            .status()
            .unwrap();
        assert!(packed.success());
        let real = Command::new("sha256sum").arg(&archive).output().unwrap();
        let real = String::from_utf8_lossy(&real.stdout)
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        std::fs::write(
            dir.join("errlint-x86_64-unknown-linux-musl.tar.gz.sha256"),
            format!(
                "{}  errlint-x86_64-unknown-linux-musl.tar.gz\n",
                checksum.unwrap_or(&real)
            ),
        )
        .unwrap();
    }

    /// Runs the install step as the action at `action_ref`; returns the exit code and output.
    fn install(&self, action_ref: &str) -> (i32, String) {
        let path = format!(
            "{}:{}",
            self.temp.join("stubs").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = Command::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/install.sh"))
            .env("PATH", path)
            .env("RUNNER_TEMP", &self.temp)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("GITHUB_PATH", self.temp.join("github-path"))
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("ERRLINT_ACTION_REF", action_ref)
            .env(
                "ERRLINT_RELEASES_URL",
                format!("file://{}", self.temp.join("releases").display()),
            )
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        )
    }

    fn built_from_source(&self) -> bool {
        self.temp.join("cargo-called").exists()
    }

    fn installed(&self) -> bool {
        self.temp.join("errlint-bin/bin/errlint").exists()
    }
}

#[test]
fn at_a_release_tag_the_release_binary_is_downloaded_and_verified() {
    let runner = Runner::new("release");
    runner.publish("v9.9.9", None);
    let (code, out) = runner.install("v9.9.9");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("checksum verified: errlint "), "{out}");
    assert!(runner.installed());
    assert!(!runner.built_from_source(), "{out}");
}

#[test]
fn a_release_whose_checksum_does_not_match_is_refused_not_built_around() {
    let runner = Runner::new("tampered");
    runner.publish("v9.9.9", Some(&"0".repeat(64)));
    let (code, out) = runner.install("v9.9.9");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("does not match its .sha256 file"), "{out}");
    assert!(!runner.installed());
    assert!(!runner.built_from_source());
}

#[test]
fn without_a_release_the_action_builds_from_its_source() {
    for (name, action_ref) in [("no-release", "v9.9.8"), ("branch", "main"), ("sha", "")] {
        let runner = Runner::new(name);
        runner.publish("v9.9.9", None);
        let (code, out) = runner.install(action_ref);
        assert_eq!(code, 0, "{action_ref}: {out}");
        assert!(runner.built_from_source(), "{action_ref}: {out}");
        let args = std::fs::read_to_string(runner.temp.join("cargo-called")).unwrap();
        assert!(args.starts_with("install --locked --path "), "{args}");
    }
}

/// Inputs a pull request can steer (file names through `files:`, any input's value) never
/// become options: a file named like an option is a file, a path with a space is one path,
/// and a value that looks like an option is refused or taken as a value.
#[test]
fn hostile_inputs_cannot_steer_the_step() {
    let dir = workspace("hostile", "fixtures/profiles/default/fail.yaml");
    let fail = std::fs::read(dir.join("api/openapi.yaml")).unwrap();
    std::fs::write(dir.join("api/my spec.yaml"), &fail).unwrap();
    // Each of these, as a file name, once made the step pass or rewrite the work tree.
    for name in ["--write-baseline=x.json", "--fix", "-q"] {
        let (code, out) = run_step(
            &dir,
            &[("INPUT_FILES", &format!("{name}\napi/openapi.yaml"))],
        );
        assert_ne!(code, 0, "{name}: {out}");
        assert!(!dir.join("x.json").exists(), "{name} wrote a baseline");
        assert_eq!(
            std::fs::read(dir.join("api/openapi.yaml")).unwrap(),
            fail,
            "{name}"
        );
    }
    let (code, out) = run_step(&dir, &[("INPUT_FILES", "  api/my spec.yaml  \n")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("file=api/my spec.yaml"), "{out}");
    // Values that look like options.
    let steering: [(&str, &str); 6] = [
        ("INPUT_FORMAT", "--fix"),
        ("INPUT_CONFIG", "--no-config"),
        ("INPUT_PROFILE", "--fix"),
        ("INPUT_BASELINE", "--fix"),
        ("INPUT_DENY_WARNINGS", "true --fix"),
        ("INPUT_SARIF_FILE", "x.sarif --fix"),
    ];
    for (input, value) in steering {
        let (code, out) = run_step(&dir, &[("INPUT_FILES", "api/openapi.yaml"), (input, value)]);
        assert_ne!(code, 0, "{input}={value}: {out}");
        assert_eq!(
            std::fs::read(dir.join("api/openapi.yaml")).unwrap(),
            fail,
            "{input}={value} rewrote the document"
        );
    }
    let (code, _) = run_step(
        &dir,
        &[
            ("INPUT_FILES", "api/openapi.yaml"),
            ("INPUT_BASE", "--output=pwned"),
        ],
    );
    assert_eq!(code, 2);
    assert!(!dir.join("pwned").exists());
}

/// action.yml hands every input to its scripts through the environment: an expression inside
/// `run:` would be pasted into the script as code.
#[test]
fn action_yml_puts_no_expression_inside_a_script() {
    let action =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    for line in action
        .lines()
        .filter(|l| l.trim_start().starts_with("run:"))
    {
        assert!(!line.contains("${{"), "{line}");
    }
}

/// With `traffic`, the step checks recorded traffic against the document after the lint: the
/// traffic's findings are annotations at the recorded exchange, and they fail the step.
/// A glob that matches nothing, or a traffic file that a link leads out of the workspace,
/// stops the step rather than checking nothing.
#[test]
fn the_traffic_input_checks_recorded_traffic_after_the_lint() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/traffic/checks");
    let dir = workspace("traffic", "fixtures/traffic/checks/openapi.yaml");
    std::fs::copy(fixtures.join("errlint.yaml"), dir.join("errlint.yaml")).unwrap();
    std::fs::create_dir_all(dir.join("recorded/run 1")).unwrap();
    std::fs::copy(
        fixtures.join("traffic-code-unknown.har"),
        dir.join("recorded/run 1/calls.har"),
    )
    .unwrap();
    let inputs = |traffic: &'static str| {
        [
            ("INPUT_FILES", "api/openapi.yaml"),
            ("INPUT_CONFIG", "errlint.yaml"),
            ("INPUT_TRAFFIC", traffic),
        ]
    };
    let (code, out) = run_step(&dir, &inputs("recorded/**/*.har"));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=recorded/run 1/calls.har,")
                && l.contains("title=traffic-code-unknown::")),
        "{out}"
    );
    let (code, out) = run_step(&dir, &inputs("recorded/*.ndjson"));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no traffic file matches"), "{out}");
    std::os::unix::fs::symlink("/etc/hostname", dir.join("recorded/outside.har")).unwrap();
    let (code, out) = run_step(&dir, &inputs("recorded/*.har"));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("outside the workspace"), "{out}");
}
