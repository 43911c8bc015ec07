//! `errlint diff`: each folder of `fixtures/diff/` holds pairs of documents, as YAML
//! (`base.yaml`, `new.yaml`), as JSON, or split across files (`base/openapi.yaml`, …). A
//! folder named after a change id must report that change; a `pass-*` folder must report
//! nothing; every reported pair is snapshot in the pretty form (both code frames) and as JSON.
//! `REV:PATH` is tested against a real git repository.

use errlint::config::ConfigChoice;
use errlint::diff::{Input, diff};
use errlint::report::{Format, RenderOptions, render};
use errlint::{Options, Outcome};
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn options() -> Options {
    Options {
        config: ConfigChoice {
            no_discovery: true,
            ..Default::default()
        },
        ..Options::default()
    }
}

fn rendered(outcome: &Outcome) -> String {
    let rules = errlint::diff::rule_infos();
    let with = |format| RenderOptions {
        rules: rules.clone(),
        ..RenderOptions::plain(format)
    };
    format!(
        "exit code: {}\n\n{}\n{}",
        outcome.exit_code(false),
        render(outcome, &with(Format::Pretty)),
        render(outcome, &with(Format::Json))
    )
}

/// The pairs of a fixture folder: `(variant, base, new)`, paths relative to the repository.
pub(crate) fn pairs(folder: &Path) -> Vec<(&'static str, PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for (variant, base, new) in [
        ("yaml", "base.yaml", "new.yaml"),
        ("json", "base.json", "new.json"),
        ("split", "base/openapi.yaml", "new/openapi.yaml"),
    ] {
        if folder.join(base).is_file() {
            out.push((variant, folder.join(base), folder.join(new)));
        }
    }
    out
}

#[test]
fn every_change_has_fixtures_and_each_pair_reports_what_it_shows() {
    let root = Path::new("fixtures/diff");
    let mut folders: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(root))
            .unwrap()
            .map(|e| root.join(e.unwrap().file_name()))
            .collect();
    folders.sort();
    for change in errlint::diff::CHANGES {
        let has_one = folders.iter().any(|f| {
            pairs(f).iter().any(|(_, base, new)| {
                diff(
                    &Input::Path(base.clone()),
                    &Input::Path(new.clone()),
                    &options(),
                )
                .findings
                .iter()
                .any(|finding| finding.rule == change.id)
            })
        });
        assert!(has_one, "no fixture pair reports `{}`", change.id);
    }
    let mut failures = Vec::new();
    for folder in &folders {
        let name = folder.file_name().unwrap().to_string_lossy().to_string();
        let found = pairs(folder);
        assert!(!found.is_empty(), "{name}: no pair of documents");
        for (variant, base, new) in found {
            let outcome = diff(&Input::Path(base), &Input::Path(new), &options());
            if name.starts_with("pass") {
                if !outcome.findings.is_empty() {
                    failures.push(format!(
                        "{name}/{variant}: expected nothing:\n{}",
                        rendered(&outcome)
                    ));
                }
                continue;
            }
            if errlint::diff::find(&name).is_some()
                && !outcome.findings.iter().any(|f| f.rule == name)
            {
                failures.push(format!("{name}/{variant}: no `{name}` change"));
            }
            insta::assert_snapshot!(format!("{name}__{variant}"), rendered(&outcome));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_document_against_itself_has_no_change() {
    for document in [
        "fixtures/example/openapi.yaml",
        "fixtures/diff/error-code-moved/new/openapi.yaml",
    ] {
        let path = PathBuf::from(document);
        let outcome = diff(&Input::Path(path.clone()), &Input::Path(path), &options());
        assert!(
            outcome.findings.is_empty(),
            "{document}: {:#?}",
            outcome.findings
        );
        assert_eq!(outcome.exit_code(false), 0);
    }
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=errlint",
            "-c",
            "user.email=errlint@example.com",
        ])
        .args(args)
        .current_dir(repo)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// `--base REV` with several documents compares each with itself at REV, on all threads: a
/// document new since REV is skipped, the others' changes are reported together, and the
/// report is the same bytes whatever the thread count (`diff` has no `--threads`; rayon's
/// own variable sizes its pool).
#[test]
fn several_documents_are_each_compared_with_the_base_revision() {
    let repo = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-base-several");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    let fixture = |name: &str, side: &str| {
        std::fs::read(format!("fixtures/diff/{name}/{side}.yaml")).expect("a fixture")
    };
    let changes = [
        "error-code-removed",
        "error-status-removed",
        "retry-hint-removed",
    ];
    for name in changes {
        std::fs::write(repo.join(format!("{name}.yaml")), fixture(name, "base")).unwrap();
    }
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    for name in changes {
        std::fs::write(repo.join(format!("{name}.yaml")), fixture(name, "new")).unwrap();
    }
    std::fs::write(repo.join("added.yaml"), fixture("error-code-added", "new")).unwrap();
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_errlint"))
            .args(["diff", "--no-config", "--format", "concise"])
            .args(["--base", "HEAD", "added.yaml"])
            .args(changes.map(|name| format!("{name}.yaml")))
            .current_dir(&repo)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
    };
    let one = run("1");
    let text = String::from_utf8_lossy(&one.stdout).to_string();
    assert_eq!(one.status.code(), Some(1), "{text}");
    for (file, id) in [
        ("error-code-removed.yaml", "error-code-removed"),
        ("error-status-removed.yaml", "error-status-removed"),
        ("retry-hint-removed.yaml", "retry-hint-removed"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{file}:")) && l.contains(&format!("[{id}]"))),
            "{file} lacks {id}:\n{text}"
        );
    }
    assert!(!text.contains("added.yaml:"), "{text}");
    for threads in ["2", "4"] {
        assert_eq!(run(threads).stdout, one.stdout, "--threads {threads}");
    }
    std::fs::remove_dir_all(&repo).unwrap();
}

/// Two commits of a split document whose `$ref`d file changed between them; BASE is read
/// from git as `HEAD~1:PATH`, from a subfolder, while the work tree holds NEW.
#[test]
fn a_revision_is_read_from_git_with_its_referenced_files() {
    let repo = std::env::temp_dir().join(format!("errlint-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(repo.join("api")).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(
        repo.join("api/openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: Keys, version: 1.0.0}\npaths:\n  /keys:\n    get:\n      responses:\n        '401': {$ref: 'errors.yaml#/Unauthenticated'}\n",
    )
    .unwrap();
    let errors = |codes: &str| {
        format!(
            "Unauthenticated:\n  description: x\n  content:\n    application/json:\n      schema:\n        type: object\n        required: [code]\n        properties:\n          code: {{type: string, enum: [{codes}]}}\n"
        )
    };
    std::fs::write(
        repo.join("api/errors.yaml"),
        errors("UNAUTHENTICATED, KEY_REVOKED"),
    )
    .unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    std::fs::write(repo.join("api/errors.yaml"), errors("UNAUTHENTICATED")).unwrap();
    git(&repo, &["commit", "-q", "-a", "-m", "two"]);

    let binary = env!("CARGO_BIN_EXE_errlint");
    let run = |args: &[&str]| {
        Command::new(binary)
            .args(["diff", "--no-config", "--format", "concise"])
            .args(args)
            .current_dir(repo.join("api"))
            .output()
            .unwrap()
    };
    let output = run(&["HEAD~1:openapi.yaml", "openapi.yaml"]);
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "error[error-code-removed] `KEY_REVOKED` is no longer documented for GET /keys"
        ),
        "{text}"
    );
    assert!(text.contains("error[version-not-bumped]"), "{text}");
    // Both sides from git: HEAD~1 against HEAD, the same change.
    let both = run(&["HEAD~1:openapi.yaml", "HEAD:openapi.yaml"]);
    assert!(
        String::from_utf8_lossy(&both.stdout).contains("`KEY_REVOKED` is no longer documented")
    );
    // The related place is the BASE file, named by its revision.
    let json = Command::new(binary)
        .args([
            "diff",
            "--no-config",
            "--format",
            "json",
            "HEAD~1:openapi.yaml",
            "openapi.yaml",
        ])
        .current_dir(repo.join("api"))
        .output()
        .unwrap();
    let json = String::from_utf8_lossy(&json.stdout);
    assert!(json.contains("\"file\": \"HEAD~1:errors.yaml\""), "{json}");
    // A revision that does not exist, or a path it does not have: exit 2, said plainly.
    let missing = run(&["no-such-rev:openapi.yaml", "openapi.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    let absent = run(&["HEAD~1:nope.yaml", "openapi.yaml"]);
    assert_eq!(absent.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&absent.stdout).contains("does not exist at `HEAD~1`"));
    // The work tree and the index are untouched.
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(
        status.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
    std::fs::remove_dir_all(&repo).unwrap();
}

/// The contract's `rules:` levels apply to change ids like to rules; `off` drops one.
#[test]
fn rule_levels_apply_to_change_ids() {
    let folder = std::env::temp_dir().join(format!("errlint-diff-levels-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let config = folder.join("errlint.yaml");
    std::fs::write(
        &config,
        "rules:\n  error-status-added: error\n  error-status-removed: off\n",
    )
    .unwrap();
    let options = Options {
        config: ConfigChoice {
            file: Some(config),
            ..Default::default()
        },
        ..Options::default()
    };
    let pair = |name: &str| {
        (
            Input::Path(PathBuf::from(format!("fixtures/diff/{name}/base.yaml"))),
            Input::Path(PathBuf::from(format!("fixtures/diff/{name}/new.yaml"))),
        )
    };
    let (base, new) = pair("error-status-added");
    let outcome = diff(&base, &new, &options);
    assert!(
        outcome
            .findings
            .iter()
            .all(|f| f.rule == "error-status-added" && f.severity == errlint::Severity::Error)
    );
    assert_eq!(outcome.exit_code(false), 1);
    let (base, new) = pair("error-status-removed");
    assert!(diff(&base, &new, &options).findings.is_empty());
    std::fs::remove_dir_all(&folder).unwrap();
}

/// Every output format renders a diff, and the ones that list rules list the change ids.
#[test]
fn every_format_renders_a_diff() {
    let outcome = diff(
        &Input::Path(PathBuf::from(
            "fixtures/diff/error-code-moved/base/openapi.yaml",
        )),
        &Input::Path(PathBuf::from(
            "fixtures/diff/error-code-moved/new/openapi.yaml",
        )),
        &options(),
    );
    for name in Format::NAMES {
        let format = Format::parse(name).unwrap();
        let text = render(
            &outcome,
            &RenderOptions {
                rules: errlint::diff::rule_infos(),
                ..RenderOptions::plain(format)
            },
        );
        assert!(text.contains("error-code-moved"), "{name}: {text}");
    }
    let sarif = render(
        &outcome,
        &RenderOptions {
            rules: errlint::diff::rule_infos(),
            ..RenderOptions::plain(Format::Sarif)
        },
    );
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "error-code-moved"));
}

/// A small document whose 404 documents the codes `codes`.
pub(crate) fn document_with_codes(title: &str, codes: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: {title}, version: 1.0.0}}\npaths:\n  /items:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '404':\n          description: missing\n          content:\n            application/json:\n              schema: {{type: object, required: [code], properties: {{code: {{type: string, enum: [{codes}]}}}}}}\n"
    )
}

/// A fresh repository in the test's own folder, with `files` committed.
fn committed_repository(name: &str, files: &[(String, String)]) -> PathBuf {
    let repo = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    for (path, text) in files {
        let path = repo.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    repo
}

/// `errlint diff --no-config --format concise --base HEAD DOCUMENTS`, run in `repo`.
fn diff_base_head(repo: &Path, documents: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_errlint"));
    command
        .args([
            "diff",
            "--no-config",
            "--format",
            "concise",
            "--base",
            "HEAD",
        ])
        .args(documents)
        .current_dir(repo);
    command
}

/// A `PATH` whose first folder holds a `git` that logs each subcommand to `$GIT_WRAPPER_LOG`
/// and, while the file `$GIT_WRAPPER_HOLD` exists, holds `cat-file` back before running the
/// real git.
#[cfg(unix)]
fn logging_git(folder: &Path) -> std::ffi::OsString {
    use std::os::unix::fs::PermissionsExt;
    let real = Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    let real = String::from_utf8(real.stdout).unwrap();
    let bin = folder.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"$1\" >> \"$GIT_WRAPPER_LOG\"\nif [ \"$1\" = cat-file ]; then\n  while [ -n \"$GIT_WRAPPER_HOLD\" ] && [ -e \"$GIT_WRAPPER_HOLD\" ]; do sleep 0.05; done\nfi\nexec {} \"$@\"\n",
        real.trim()
    );
    let wrapper = bin.join("git");
    std::fs::write(&wrapper, script).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(&path));
    std::env::join_paths(paths).unwrap()
}

/// `--base REV` writes the revision out once for all its documents: one `git ls-tree` and one
/// `git cat-file` for twenty documents and the unrelated JSON files beside them (once per
/// document, the time grew with documents × files). Nothing is left in the temporary folder.
#[cfg(unix)]
#[test]
fn a_revision_is_written_out_once_for_all_documents() {
    let mut files: Vec<(String, String)> = (0..20)
        .map(|i| {
            (
                format!("specs/api{i}.yaml"),
                document_with_codes("A", "NOT_FOUND"),
            )
        })
        .collect();
    files.extend((0..50).map(|i| (format!("data/{i}.json"), format!("{{\"n\": {i}}}"))));
    let repo = committed_repository("diff-base-once", &files);
    std::fs::write(
        repo.join("specs/api7.yaml"),
        document_with_codes("A", "NOT_FOUND, GONE"),
    )
    .unwrap();
    let (log, tmp) = (
        repo.join("../diff-base-once.log"),
        repo.join("../diff-base-once.tmp"),
    );
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let output = diff_base_head(&repo, &["specs"])
        .env(
            "PATH",
            logging_git(&repo.join("..").join("diff-base-once.git")),
        )
        .env("GIT_WRAPPER_LOG", &log)
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("specs/api7.yaml:") && text.contains("[error-code-added]"),
        "{text}"
    );
    assert_eq!(text.matches("[error-code-added]").count(), 1, "{text}");
    let log = std::fs::read_to_string(&log).unwrap();
    let count = |subcommand: &str| log.lines().filter(|l| *l == subcommand).count();
    assert_eq!((count("ls-tree"), count("cat-file")), (1, 1), "{log}");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
}

/// An `errlint diff --base HEAD api.yaml` whose `git cat-file` is held back while the file
/// `hold` exists. Dropped, it ends errlint and lets git go, whatever became of the test: left
/// running, they would hold the test's output open.
#[cfg(unix)]
struct HeldDiff {
    child: std::process::Child,
    hold: PathBuf,
}

#[cfg(unix)]
impl HeldDiff {
    /// Starts errlint in `repo` with `path` (see [`logging_git`]), its temporary folders in
    /// `scratch/tmp`, and returns once `git cat-file` runs: the revision's folder exists then.
    fn start(repo: &Path, path: &std::ffi::OsStr, scratch: &Path) -> HeldDiff {
        let _ = std::fs::remove_dir_all(scratch);
        std::fs::create_dir_all(scratch.join("tmp")).unwrap();
        let (log, hold) = (scratch.join("log"), scratch.join("hold"));
        std::fs::write(&hold, "").unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_errlint"))
            .args(["diff", "--no-config", "--base", "HEAD", "api.yaml"])
            .current_dir(repo)
            .env("PATH", path)
            .env("GIT_WRAPPER_LOG", &log)
            .env("GIT_WRAPPER_HOLD", &hold)
            .env("TMPDIR", scratch.join("tmp"))
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let held = HeldDiff { child, hold };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while !std::fs::read_to_string(&log).is_ok_and(|l| l.contains("cat-file")) {
            assert!(
                std::time::Instant::now() < deadline,
                "git cat-file never ran"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        held
    }

    /// Sends `signal` (`TERM`, `INT`) and waits, a minute at most, for errlint to end.
    fn signal(&mut self, signal: &str) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "SIG{signal} did not end errlint"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

#[cfg(unix)]
impl Drop for HeldDiff {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.hold);
    }
}

/// While `--base REV` writes the revision out, its folder is private (0700); Ctrl-C or SIGTERM
/// removes it before errlint ends as the signal says.
#[cfg(unix)]
#[test]
fn a_signal_removes_the_revision_folder() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::ExitStatusExt;
    let files = [("api.yaml".into(), document_with_codes("A", "NOT_FOUND"))];
    let repo = committed_repository("diff-base-signal", &files);
    let path = logging_git(&repo.join("../diff-base-signal.git"));
    for (signal, number) in [("TERM", 15), ("INT", 2)] {
        let scratch = repo.join(format!("../diff-base-signal.{signal}"));
        let mut held = HeldDiff::start(&repo, &path, &scratch);
        let folders: Vec<PathBuf> = std::fs::read_dir(scratch.join("tmp"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(folders.len(), 1, "{folders:?}");
        let mode = std::fs::metadata(&folders[0]).unwrap().permissions().mode();
        let status = held.signal(signal);
        assert_eq!(status.signal(), Some(number), "SIG{signal}: {status:?}");
        let left: Vec<_> = std::fs::read_dir(scratch.join("tmp")).unwrap().collect();
        assert!(left.is_empty(), "SIG{signal} left {left:?}");
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}

/// A document inside a git submodule at REV cannot be read there (its files are another
/// repository's): `--base` says it skipped it rather than passing it in silence, and still
/// compares the others.
#[test]
fn a_document_inside_a_submodule_is_reported_as_skipped() {
    let inner = committed_repository(
        "diff-base-submodule-inner",
        &[("api.yaml".into(), document_with_codes("Inner", "NOT_FOUND"))],
    );
    let repo = committed_repository(
        "diff-base-submodule",
        &[("root.yaml".into(), document_with_codes("Root", "NOT_FOUND"))],
    );
    // The inner repository becomes a gitlink at `sub` (mode 160000), as a submodule is.
    git(&repo, &["clone", "-q", inner.to_str().unwrap(), "sub"]);
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo.join("sub"))
        .output()
        .unwrap();
    let gitlink = format!(
        "160000,{},sub",
        String::from_utf8_lossy(&head.stdout).trim()
    );
    git(&repo, &["update-index", "--add", "--cacheinfo", &gitlink]);
    git(&repo, &["commit", "-q", "-m", "submodule"]);
    std::fs::write(
        repo.join("root.yaml"),
        document_with_codes("Root", "NOT_FOUND, GONE"),
    )
    .unwrap();
    let output = diff_base_head(&repo, &["sub/api.yaml", "root.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("HEAD:sub/api.yaml")
            && l.contains("warning[not-compared]")
            && l.contains("inside the git submodule `sub`")),
        "{text}"
    );
    assert!(
        text.contains("root.yaml:") && text.contains("[error-code-added]"),
        "{text}"
    );
}

/// `errlint diff` takes the lint's report flags: `--rule` sets a change's level above every
/// config, `--fail-level` and `--deny-warnings` set what fails the run, `--baseline` hides the
/// changes it lists, `-q` drops the summary; `--base REV .` names each file as the work tree
/// and the revision name it, without `./`.
#[test]
fn diff_takes_the_lints_report_flags_and_names_files_cleanly() {
    let files = [("api.yaml".into(), document_with_codes("A", "NOT_FOUND"))];
    let repo = committed_repository("diff-report-flags", &files);
    // A new code is an info change: exit 0 unless the fail level says otherwise.
    std::fs::write(
        repo.join("api.yaml"),
        document_with_codes("A", "NOT_FOUND, GONE"),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let output = diff_base_head(&repo, &["."]).args(extra).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).to_string();
        (output.status.code(), text)
    };
    let (code, text) = run(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("api.yaml:") && l.contains("info[error-code-added]")),
        "{text}"
    );
    assert!(!text.contains("./"), "{text}");
    assert_eq!(run(&["--fail-level", "info"]).0, Some(1));
    let (code, text) = run(&["--rule", "error-code-added=warning"]);
    assert!(text.contains("warning[error-code-added]"), "{text}");
    assert_eq!(code, Some(0));
    assert_eq!(
        run(&["--rule", "error-code-added=warning", "--deny-warnings"]).0,
        Some(1)
    );
    let (code, text) = run(&["--rule", "error-code-added=off"]);
    assert_eq!(code, Some(0));
    assert!(!text.contains("error-code-added"), "{text}");
    let (code, _) = run(&["--rule", "no-such-change=error"]);
    assert_eq!(code, Some(2));
    // A baseline written by the lint's own format hides the change it lists.
    let json = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .args([
            "diff",
            "--no-config",
            "--format",
            "json",
            "--base",
            "HEAD",
            ".",
        ])
        .current_dir(&repo)
        .output()
        .unwrap();
    let reported: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let finding = &reported["findings"][0];
    let baseline = serde_json::json!({
        "version": 1,
        "entries": [{
            // Relative to the baseline's folder, beside the repository.
            "file": format!("diff-report-flags/{}", finding["file"].as_str().unwrap()),
            "rule": finding["rule"],
            "pointer": finding["pointer"],
            // Baselines keep messages with each number as `#`.
            "message": finding["message"].as_str().unwrap().replace("404", "#"),
        }]
    });
    std::fs::write(
        repo.join("../diff-report-flags.baseline.json"),
        baseline.to_string(),
    )
    .unwrap();
    let (code, text) = run(&[
        "--baseline",
        "../diff-report-flags.baseline.json",
        "--fail-level",
        "info",
    ]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("error-code-added"), "{text}");
    // The pretty report ends with a summary line; `-q` leaves it out.
    let pretty = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_errlint"))
            .args([
                "diff",
                "--no-config",
                "--color",
                "never",
                "--base",
                "HEAD",
                ".",
            ])
            .args(extra)
            .current_dir(&repo)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    assert!(pretty(&[]).contains("1 info in 1 file"));
    let quiet = pretty(&["-q"]);
    assert!(quiet.contains("error-code-added") && !quiet.contains("1 info in 1 file"));
}
