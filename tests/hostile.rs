//! Hostile and broken input: every case ends in bounded time with a clear diagnostic (or a
//! correct lint), never a panic, and nothing outside the linted tree is read or printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs errlint in `dir` (the linted tree) with concise output.
fn errlint_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_errlint"))
        .arg("--format")
        .arg("concise")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run errlint");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "errlint panicked:\n{stderr}");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).expect("UTF-8"),
    )
}

const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

#[test]
fn alias_bombs_are_refused_at_the_alias() {
    let dir = scratch_dir("alias-bomb");
    let mut doc = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..12 {
        let p = i - 1;
        doc.push_str(&format!(
            "x-a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    doc.push_str("paths: {}\n");
    write(&dir, "openapi.yaml", &doc);
    let (code, out) = errlint_in(&dir, &["openapi.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("error[invalid-syntax] aliases expand to more than 1000000 nodes"),
        "{out}"
    );
    // Ordinary anchors still work.
    write(
        &dir,
        "ok.yaml",
        "openapi: 3.0.3\ninfo: &i {title: t, version: '1'}\nx-copy: *i\npaths: {}\n",
    );
    assert_eq!(errlint_in(&dir, &["ok.yaml"]), (0, String::new()));
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let dir = scratch_dir("depth");
    write(
        &dir,
        "deep.json",
        format!(
            "{{\"openapi\": \"3.0.3\", \"x\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    write(
        &dir,
        "deep.yaml",
        format!(
            "openapi: 3.0.3\nx: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    write(
        &dir,
        "deep-map.yaml",
        format!(
            "openapi: 3.0.3\nx: {}{}\n",
            "{a: ".repeat(100_000),
            "}".repeat(100_000)
        ),
    );
    for name in ["deep.json", "deep.yaml", "deep-map.yaml"] {
        let (code, out) = errlint_in(&dir, &[name]);
        assert_eq!(code, 2, "{name}: {out}");
        // errlint's own depth budget, or the YAML parser's recursion limit before it.
        assert!(
            out.contains("nesting is deeper than 1000 levels")
                || out.contains("recursion limit exceeded"),
            "{name}: {out}"
        );
    }
}

#[test]
fn long_ref_chains_and_deep_schemas_through_refs() {
    let dir = scratch_dir("ref-chain");
    let mut doc = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '400':\n          description: x\n          content: {application/json: {schema: {$ref: '#/components/schemas/S0'}}}\ncomponents:\n  schemas:\n",
    );
    // 100,000 references in a chain, and schemas nested through `allOf` of the next one.
    for i in 0..100_000 {
        doc.push_str(&format!("    S{i}: {{$ref: '#/components/schemas/T{i}'}}\n    T{i}: {{allOf: [{{$ref: '#/components/schemas/S{}'}}]}}\n", i + 1));
    }
    doc.push_str("    S100000: {required: [code], properties: {code: {type: string}}}\n");
    write(&dir, "openapi.yaml", &doc);
    let (code, out) = errlint_in(&dir, &["openapi.yaml"]);
    assert!(code == 0 || code == 1, "{out}");
}

#[test]
fn files_over_the_size_limit_are_refused() {
    let dir = scratch_dir("size");
    write(
        &dir,
        "big.yaml",
        format!("{MINIMAL}x-pad: '{}'\n", "a".repeat(10_000)),
    );
    let (code, out) = errlint_in(&dir, &["--max-file-size", "1000", "big.yaml"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("over the limit of 1000 bytes (raise it with --max-file-size)"),
        "{out}"
    );
    assert_eq!(errlint_in(&dir, &["big.yaml"]).0, 0);
}

#[test]
fn encodings_and_binary_input() {
    let dir = scratch_dir("encoding");
    let cases: Vec<(&str, Vec<u8>, i32, &str)> = vec![
        ("invalid-utf8.yaml", b"openapi: 3.0.3\ninfo: {title: \xff\xfe, version: '1'}\n".to_vec(), 2, "not valid UTF-8 (first bad byte at offset 29)"),
        ("utf16.yaml", [0xFF, 0xFE, b'o', 0, b'p', 0].to_vec(), 2, "the file is UTF-16"),
        ("nul.yaml", b"openapi: 3.0.3\0\npaths: {}\n".to_vec(), 2, "invalid-syntax"),
        ("nul.json", b"{\"openapi\": \"3.0.3\"\0}".to_vec(), 2, "invalid-syntax"),
        ("tabs.yaml", b"openapi: 3.0.3\npaths:\n\t/a: {}\n".to_vec(), 2, "invalid-syntax"),
        ("empty.yaml", Vec::new(), 2, "the file is empty"),
        ("binary.bin", (0u8..=255).cycle().take(4096).collect(), 2, "not valid UTF-8"),
        ("crlf.yaml", MINIMAL.replace('\n', "\r\n").into_bytes(), 0, ""),
        ("bom.json", b"\xef\xbb\xbf{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}".to_vec(), 0, ""),
    ];
    for (name, bytes, expected, needle) in cases {
        write(&dir, name, bytes);
        let (code, out) = errlint_in(&dir, &[name]);
        assert_eq!(code, expected, "{name}: {out}");
        assert!(
            out.contains(needle),
            "{name}: expected `{needle}` in\n{out}"
        );
    }
}

#[test]
fn broken_structure_is_reported_and_the_rest_still_linted() {
    let dir = scratch_dir("structure");
    let doc = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /list: [1, 2]\n  /a:\n    get:\n      responses:\n        '404': not a response\n        '500': {$ref: '#/info/title'}\n        ? {a: 1}\n        : {description: x}\n        '401': {$ref: '#/components/schemas/Missing'}\n        '403': {$ref: '#foo'}\n        '409': {$ref: '#/a~2b'}\n        4xx: {description: still linted}\ncomponents: {schemas: {}}\n";
    write(&dir, "openapi.yaml", doc);
    let (code, out) = errlint_in(&dir, &["openapi.yaml"]);
    assert_eq!(code, 2);
    let expected = [
        "openapi.yaml:4:10: error[invalid-structure] a Path Item (a mapping) is expected here, not a list",
        "openapi.yaml:8:16: error[invalid-structure] a Response (a mapping) is expected here, not a string",
        "openapi.yaml:9:23: error[invalid-structure] this `$ref` leads to a string, not a Response (a mapping)",
        "openapi.yaml:10:11: error[invalid-syntax] a key that is a mapping or a list",
        "openapi.yaml:12:23: error[unresolved-ref] `#/components/schemas/Missing` does not resolve",
        "openapi.yaml:13:23: error[unresolved-ref] bad reference `#foo`: the fragment is not a JSON pointer",
        "openapi.yaml:14:23: error[unresolved-ref] bad reference `#/a~2b`",
        "openapi.yaml:15:9: error[error-status-known] `4xx` is not a status range",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in\n{out}");
    }
}

#[test]
fn reference_cycles_across_files_are_reported_once() {
    let dir = scratch_dir("cycles");
    write(
        &dir,
        "openapi.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '404': {$ref: 'a.yaml#/R'}\n        '500': {$ref: 'a.yaml#/R'}\n",
    );
    write(&dir, "a.yaml", "R: {$ref: 'b.yaml#/R'}\n");
    write(&dir, "b.yaml", "R: {$ref: 'a.yaml#/R'}\n");
    let (code, out) = errlint_in(&dir, &["openapi.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(out.matches("ref-cycle").count(), 1, "{out}");
    assert!(
        out.contains("a.yaml:1:11: error[ref-cycle] reference cycle never reaches a value"),
        "{out}"
    );
}

/// Lints `openapi.yaml` in `tree`, written with one operation whose responses are the
/// lines of `responses`.
fn lint_responses(tree: &Path, responses: &str) -> (i32, String) {
    let indented: String = responses
        .lines()
        .map(|l| format!("        {l}\n"))
        .collect();
    let doc = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n{indented}"
    );
    write(tree, "openapi.yaml", doc);
    errlint_in(tree, &["openapi.yaml"])
}

/// How many references the output refuses for leaving the linted tree.
fn refused_as_outside(out: &str) -> usize {
    out.matches("is outside the linted tree, so it is not read")
        .count()
}

#[test]
fn references_that_leave_the_tree_are_refused_without_reading() {
    let outside = scratch_dir("outside");
    let secret = write(
        &outside,
        "secret.yaml",
        "Error: {description: TOP-SECRET-CONTENT}\n",
    );
    let tree = scratch_dir("tree");
    // The linted tree is the repository the document is in.
    std::fs::create_dir_all(tree.join(".git")).unwrap();
    let absolute = secret.to_string_lossy().to_string();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, tree.join("link")).unwrap();
    let (code, out) = lint_responses(
        &tree,
        &format!(
            "'400': {{$ref: '../../etc/passwd#/x'}}\n'401': {{$ref: '{absolute}#/Error'}}\n'403': {{$ref: 'link/secret.yaml#/Error'}}\n'404': {{$ref: 'file://{absolute}#/Error'}}\n'500': {{$ref: '../outside/secret.yaml#/Error'}}\n"
        ),
    );
    assert_eq!(code, 2, "{out}");
    assert_eq!(refused_as_outside(&out), 5, "{out}");
    assert!(!out.contains("TOP-SECRET-CONTENT"));
    // Allowed explicitly, the same references are read (and the secret's file linted).
    let (_, allowed) = errlint_in(
        &tree,
        &[
            "--allow-external-refs",
            outside.to_str().unwrap(),
            "openapi.yaml",
        ],
    );
    assert_eq!(
        allowed.matches("outside the linted tree").count(),
        1,
        "only /etc stays refused:\n{allowed}"
    );
}

/// Links are followed as the file system follows them: a `..` after a linked folder leaves
/// from the link's target, and a linked file is where it points. The loader canonicalises
/// each folder once and checks the file itself, so these are the cases that must still hold.
#[cfg(unix)]
#[test]
fn links_inside_a_reference_path_are_followed_physically() {
    let root = scratch_dir("links");
    let outside = root.join("outside");
    write(&outside, "deep/x.yaml", "E: {description: SECRET-DEEP}\n");
    write(&outside, "x.yaml", "E: {description: SECRET-UP}\n");
    let tree = root.join("tree");
    std::fs::create_dir_all(tree.join(".git")).unwrap();
    // Read lexically, `sub/../x.yaml` is the tree's own harmless `x.yaml`.
    write(&tree, "x.yaml", "E: {description: harmless}\n");
    std::os::unix::fs::symlink(outside.join("deep"), tree.join("sub")).unwrap();
    std::os::unix::fs::symlink(outside.join("x.yaml"), tree.join("errors.yaml")).unwrap();
    let (code, out) = lint_responses(
        &tree,
        "'400': {$ref: 'sub/../x.yaml#/E'}\n'401': {$ref: 'errors.yaml#/E'}\n'404': {$ref: 'x.yaml#/E'}\n",
    );
    assert_eq!(code, 2, "{out}");
    assert_eq!(refused_as_outside(&out), 2, "{out}");
    assert!(out.contains("`sub/../x.yaml` is outside"), "{out}");
    assert!(out.contains("`errors.yaml` is outside"), "{out}");
    assert!(!out.contains("SECRET"), "{out}");
}

#[test]
fn a_document_named_from_outside_its_repository_reads_the_whole_repository() {
    let repo = scratch_dir("repository");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo, "common/Error.yaml", "description: shared error\n");
    let doc = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '500': {$ref: '../common/Error.yaml'}\n";
    let spec = write(&repo, "spec/openapi.yaml", doc);
    let elsewhere = scratch_dir("elsewhere");
    let (code, out) = errlint_in(&elsewhere, &[spec.to_str().unwrap()]);
    assert_ne!(code, 2, "{out}");
    assert!(!out.contains("outside the linted tree"), "{out}");
}

#[test]
fn remote_references_are_never_fetched() {
    let dir = scratch_dir("remote");
    write(
        &dir,
        "openapi.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '500': {$ref: 'http://127.0.0.1:9/never.yaml#/R'}\n",
    );
    let (code, out) = errlint_in(&dir, &["openapi.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "warning[remote-ref] remote reference `http://127.0.0.1:9/never.yaml#/R` is not fetched"
        ),
        "{out}"
    );
}

/// Inputs the fuzzers found (fuzz/regressions/): each still loads to a sound tree, or is
/// refused with a diagnostic, lints without a panic, and reads the same on both YAML paths.
#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let (text, start) = errlint::document::decode(bytes);
        if let Ok(start) = start {
            if let Ok((tree, _)) =
                errlint::document::parse(text.clone(), start, &Default::default())
            {
                errlint::document::check::assert_tree_is_sound(&tree);
            }
        }
        let _ = errlint::lint_text("regression.yaml", &text, &errlint::Options::default());
        // The YAML fast path declines it or reads it as saphyr does.
        assert!(
            errlint::document::yaml_fast_path_agrees(&text).is_ok(),
            "{}",
            path.display()
        );
        // Read in two halves, it builds what one pass builds.
        for from in [text.len() / 3, text.len() * 2 / 3] {
            let halves = errlint::document::yaml_halves_agree(&text, from);
            assert!(halves.is_ok(), "{} from {from}: {halves:?}", path.display());
        }
        count += 1;
    }
    assert!(count >= 2, "the regression inputs are missing");
}
