//! The distribution files agree with each other: the release workflow builds exactly the
//! targets the Action downloads, under the names it asks for, and the pre-commit mirror pins
//! the version this crate is. (Each file is read as text: a mismatch here would otherwise show
//! only on a tag, on GitHub.)

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `target:` values of one job's matrix in the release workflow.
fn workflow_targets(job: &str) -> BTreeSet<String> {
    let workflow = read(".github/workflows/release.yml");
    let start = workflow
        .find(&format!("\n  {job}:\n"))
        .unwrap_or_else(|| panic!("no job {job}"));
    let body = &workflow[start + 1..];
    // The job ends where the next key at two spaces of indentation starts.
    let end = body
        .match_indices("\n  ")
        .map(|(i, _)| i)
        .find(|&i| body[i + 3..].starts_with(|c: char| c.is_ascii_lowercase()))
        .unwrap_or(body.len());
    body[..end]
        .split("target: ")
        .skip(1)
        .map(|rest| {
            rest.split([',', ' ', '}', '\n'])
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn the_action_downloads_exactly_what_the_release_builds() {
    let install = read("action/install.sh");
    let downloaded: BTreeSet<String> = install
        .lines()
        .filter_map(|l| l.trim().split_once(") echo "))
        .map(|(_, rest)| rest.trim_end_matches(" ;;").to_string())
        .collect();
    assert_eq!(downloaded.len(), 5, "{downloaded:?}");
    assert_eq!(downloaded, workflow_targets("binaries"));
    // Both name the assets alike.
    let workflow = read(".github/workflows/release.yml");
    for pattern in [
        "errlint-${{ matrix.target }}.tar.gz",
        "errlint-${{ matrix.target }}.zip",
    ] {
        assert!(workflow.contains(pattern), "{pattern}");
    }
    for pattern in [
        "errlint-$target.tar.gz",
        "errlint-$target.zip",
        "$archive.sha256",
    ] {
        assert!(install.contains(pattern), "{pattern}");
    }
}

#[test]
fn wheels_cover_every_binary_target() {
    let wheels = workflow_targets("wheels");
    for target in workflow_targets("binaries") {
        assert!(wheels.contains(&target), "no wheel for {target}");
    }
}

#[test]
fn the_pre_commit_mirror_pins_this_version() {
    let version = env!("CARGO_PKG_VERSION");
    let mirror = read("packaging/pre-commit/pyproject.toml");
    assert!(
        mirror.contains(&format!("\"errlint=={version}\"")),
        "the mirror pins another errlint than {version}"
    );
    assert!(mirror.contains(&format!("version = \"{version}\"")));
    let hooks = read("packaging/pre-commit/.pre-commit-hooks.yaml");
    assert!(hooks.contains("language: python"));
    // The hook files of both repositories select the same documents.
    let files = |text: &str| {
        text.lines()
            .filter(|l| l.trim_start().starts_with("files:"))
            .map(str::trim)
            .map(String::from)
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(files(&hooks), files(&read(".pre-commit-hooks.yaml")));
}

#[test]
fn the_wheel_ships_the_binary() {
    let pyproject = read("pyproject.toml");
    assert!(pyproject.contains("bindings = \"bin\""));
    assert!(pyproject.contains("name = \"errlint\""));
}

/// The npm package of each release binary, as `packaging/npm/pack.sh` names it: `os` and `cpu`
/// are Node's `process.platform` and `process.arch`, which the launcher puts together.
fn npm_package(target: &str) -> &'static str {
    match target {
        "x86_64-unknown-linux-musl" => "@errlint/cli-linux-x64",
        "aarch64-unknown-linux-musl" => "@errlint/cli-linux-arm64",
        "x86_64-apple-darwin" => "@errlint/cli-darwin-x64",
        "aarch64-apple-darwin" => "@errlint/cli-darwin-arm64",
        "x86_64-pc-windows-msvc" => "@errlint/cli-win32-x64",
        _ => panic!("no npm package for {target}"),
    }
}

#[test]
fn the_npm_launcher_depends_on_a_package_for_every_binary_target() {
    let package: serde_json::Value =
        serde_json::from_str(&read("packaging/npm/errlint/package.json")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(package["version"], version);
    let optional = package["optionalDependencies"].as_object().unwrap();
    let names: BTreeSet<&str> = optional.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = workflow_targets("binaries")
        .iter()
        .map(|t| npm_package(t))
        .collect();
    assert_eq!(names, expected);
    assert!(optional.values().all(|v| v == version), "{optional:?}");
    assert_eq!(package["bin"]["errlint"], "bin/errlint.js");
    // pack.sh maps each target to the same package, and the release workflow packs them all.
    let script = read("packaging/npm/pack.sh");
    let workflow = read(".github/workflows/release.yml");
    for target in workflow_targets("binaries") {
        let name = npm_package(&target).trim_start_matches("@errlint/cli-");
        let (os, cpu) = name.split_once('-').unwrap();
        assert!(
            script.contains(&format!("echo \"{os} {cpu}\"")),
            "pack.sh: {target}"
        );
    }
    assert!(workflow.contains("packaging/npm/pack.sh ${{ matrix.target }}"));
    assert!(workflow.contains("packaging/npm/pack.sh main"));
}
