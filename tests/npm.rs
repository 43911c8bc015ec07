//! The npm packages, installed as a user installs them: `packaging/npm/pack.sh` packs the
//! `errlint` launcher and this platform's package (with the binary just built), npm installs
//! both tarballs into a fresh project, and `npx errlint` must report what the binary reports.
//!
//! npm never reaches a registry here: it runs offline, with a throwaway cache and user config,
//! and its registry is a closed local port, so that a try would fail rather than go out.

use crate::external::succeed;
use std::path::{Path, PathBuf};
use std::process::Command;

const TEST: &str = "npm::npx_errlint_runs_from_packed_tarballs";

/// The Rust target whose npm package holds a binary built on this machine, if it has one.
fn this_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-gnu"),
        ("macos", "x86_64") => Some("x86_64-apple-darwin"),
        ("macos", "aarch64") => Some("aarch64-apple-darwin"),
        _ => None,
    }
}

/// A command whose npm touches only `scratch`: its cache, an empty user config, no registry.
fn npm_command(program: &str, scratch: &Path) -> Command {
    let mut command = Command::new(program);
    let npmrc = scratch.join("npmrc");
    std::fs::write(&npmrc, "").unwrap();
    command
        .env("npm_config_cache", scratch.join("npm-cache"))
        .env("npm_config_userconfig", &npmrc)
        .env("npm_config_offline", "true")
        .env("npm_config_registry", "http://127.0.0.1:9/")
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_update_notifier", "false")
        .env_remove("NODE_OPTIONS");
    command
}

/// Packs one package with pack.sh and returns its tarball.
fn pack(scratch: &Path, args: &[&str]) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/npm/pack.sh");
    let output = succeed(
        npm_command("bash", scratch).arg(script).args(args),
        &format!("pack.sh {}", args.join(" ")),
    );
    let tarball = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(tarball.is_file(), "pack.sh printed {}", tarball.display());
    tarball
}

#[test]
fn npx_errlint_runs_from_packed_tarballs() {
    let Some(target) = this_target() else {
        crate::external::skip(TEST, "errlint has no npm package for this platform");
        return;
    };
    if crate::external::program(TEST, "npm").is_none()
        || crate::external::program(TEST, "npx").is_none()
    {
        return;
    }
    let scratch = crate::external::Scratch::new("npm");
    let binary = env!("CARGO_BIN_EXE_errlint");
    let tarballs = scratch.join("tarballs");
    let tarballs = tarballs.to_str().unwrap();
    let platform = pack(&scratch, &[target, binary, tarballs]);
    let main = pack(&scratch, &["main", tarballs]);
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        main.file_name().unwrap().to_str().unwrap(),
        format!("errlint-{version}.tgz")
    );

    // A fresh project, as `npm init -y` makes it, with the bundled example to lint.
    let project = scratch.join("project");
    std::fs::create_dir_all(&project).unwrap();
    succeed(
        npm_command("npm", &scratch)
            .args(["init", "-y"])
            .current_dir(&project),
        "npm init",
    );
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example");
    for file in ["openapi.yaml", "errors.yaml"] {
        std::fs::copy(example.join(file), project.join(file)).unwrap();
    }
    // The platform tarball is named explicitly: with no registry, it is what satisfies the
    // launcher's optional dependency on it (the other platforms' are skipped, as on any
    // machine whose `os` and `cpu` they do not match).
    succeed(
        npm_command("npm", &scratch)
            .args(["install", "--offline", "--no-audit", "--no-fund"])
            .arg(&platform)
            .arg(&main)
            .current_dir(&project),
        "npm install",
    );

    let args = ["--no-config", "--format", "concise", "openapi.yaml"];
    let npx = npm_command("npx", &scratch)
        .arg("--no-install")
        .arg("errlint")
        .args(args)
        .current_dir(&project)
        .output()
        .unwrap();
    let direct = Command::new(binary)
        .args(args)
        .current_dir(&project)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&npx.stdout);
    assert_eq!(
        npx.status.code(),
        Some(1),
        "npx errlint: {stdout}{}",
        String::from_utf8_lossy(&npx.stderr)
    );
    assert!(
        stdout.contains("openapi.yaml:22:9: error[error-response-schema]"),
        "{stdout}"
    );
    assert_eq!(stdout, String::from_utf8_lossy(&direct.stdout));
    assert_eq!(
        String::from_utf8_lossy(&npx.stderr),
        String::from_utf8_lossy(&direct.stderr)
    );
    assert_eq!(direct.status.code(), Some(1));
}
