//! The shape of the code, checked: the modules of `src/` and `rules/` depend on one another
//! without a circle (so each can be read, tested and changed from the ones below it), and the
//! binary's `main.rs` stays a dispatcher.
//!
//! A module's dependencies are the `crate::NAME` paths its non-test code names. Test-only code
//! (a `#[cfg(test)]` module, inline or in a file of its own) may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/config/load.rs` → `config`, `rules/*` →
/// `rules`), or `None` for the crate roots and the binary's own modules.
fn module_of(root: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(root).unwrap();
    let mut parts = relative.iter().map(|p| p.to_string_lossy().into_owned());
    match parts.next()?.as_str() {
        "rules" => Some("rules".into()),
        "src" => {
            let first = parts.next()?;
            let name = first.trim_end_matches(".rs").to_string();
            (!matches!(name.as_str(), "lib" | "main" | "cli")).then_some(name)
        }
        _ => None,
    }
}

/// The files declared `#[cfg(test)] mod name;`: test-only, wherever they point.
fn test_only_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut test_only = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            let declared = pair[1].trim().trim_start_matches("pub(crate) ");
            if pair[0].trim() == "#[cfg(test)]" && declared.starts_with("mod ") {
                if let Some(name) = declared
                    .strip_prefix("mod ")
                    .and_then(|n| n.strip_suffix(';'))
                {
                    let folder = file.parent().unwrap();
                    test_only.insert(folder.join(format!("{name}.rs")));
                }
            }
        }
    }
    test_only
}

/// The `crate::NAME` paths of a file's code: comments and its inline test module left out.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut names = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // Lower case: a module; an item of the crate root (`crate::Options`) is no module.
            if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                names.insert(name);
            }
        }
    }
    names
}

fn module_graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("rules"), &mut files);
    let test_only = test_only_files(&files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(root, f)).collect();
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in files.iter().filter(|f| !test_only.contains(*f)) {
        let Some(from) = module_of(root, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for to in crate_paths(&text) {
            if to != from && modules.contains(&to) {
                let shown = file.strip_prefix(root).unwrap().display().to_string();
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(shown);
            }
        }
    }
    graph
}

/// A circle through `start`, if there is one: the modules in order, `start` first.
fn circle_through(
    graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    start: &str,
) -> Option<Vec<String>> {
    let mut path = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    fn walk(
        graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let here = path.last().unwrap().clone();
        for next in graph.get(&here).into_iter().flat_map(|m| m.keys()) {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    walk(graph, start, &mut path, &mut seen).then_some(path)
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let graph = module_graph();
    assert!(graph.contains_key("engine") && graph.contains_key("rules"));
    for module in graph.keys() {
        if let Some(circle) = circle_through(&graph, module) {
            let edges: Vec<String> = circle
                .iter()
                .zip(circle.iter().cycle().skip(1))
                .map(|(a, b)| format!("{a} -> {b} (in {:?})", graph[a][b]))
                .collect();
            panic!("a circle of modules:\n{}", edges.join("\n"));
        }
    }
}

/// The checker sees a circle where there is one.
#[test]
fn the_checker_finds_a_circle() {
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        graph
            .entry(from.into())
            .or_default()
            .entry(to.into())
            .or_default();
    }
    assert_eq!(circle_through(&graph, "a").unwrap(), ["a", "b", "c"]);
    assert!(circle_through(&graph, "d").is_none());
    let paths = crate_paths(
        "use crate::config::X;\n// crate::report\nfn f() { crate::Options::default(); }\n#[cfg(test)]\nmod tests { use crate::lsp; }\n",
    );
    assert_eq!(paths.into_iter().collect::<Vec<_>>(), ["config"]);
}

#[test]
fn main_rs_is_a_dispatcher() {
    let main =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    let lines = main.lines().count();
    assert!(
        lines < 300,
        "src/main.rs has {lines} lines: a command's code belongs in src/cli/"
    );
}

/// The longest file the house keeps: past this, a file holds more than one job.
const MAX_FILE_LINES: usize = 900;
/// The longest function body the house keeps: past this, a function is several steps that
/// want names.
const MAX_FN_LINES: usize = 100;

/// The name of the function a line declares (`pub(crate) const fn name(`), if it declares one.
fn declared_fn(line: &str) -> Option<&str> {
    let mut words = line.split_whitespace();
    let mut word = words.next()?;
    while word == "pub"
        || word.starts_with("pub(")
        || matches!(word, "const" | "async" | "unsafe" | "extern" | "\"C\"")
    {
        word = words.next()?;
    }
    let name = words.next().filter(|_| word == "fn")?;
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    Some(&name[..end])
}

/// The index of the line that closes the item opened at `start`: the first later line that is
/// the opening line's indentation and a `}`.
fn closing_line(lines: &[&str], start: usize) -> Option<usize> {
    let indent = &lines[start][..lines[start].len() - lines[start].trim_start().len()];
    let closing = format!("{indent}}}");
    (start + 1..lines.len()).find(|&i| lines[i] == closing)
}

/// Whether the attributes above line `at` mark a test (`#[test]`, `#[cfg(test)]`).
fn is_test_item(lines: &[&str], at: usize) -> bool {
    lines[..at]
        .iter()
        .rev()
        .map(|line| line.trim())
        .take_while(|line| line.starts_with("#[") || line.starts_with("///"))
        .any(|line| line == "#[test]" || line == "#[cfg(test)]")
}

/// The non-test functions of a file longer than [`MAX_FN_LINES`]: `(line, name, lines)`,
/// counted from the `fn` line to its closing brace. A `#[cfg(test)]` module is skipped whole;
/// a declaration without a body, or a body on the signature's line, is no long function.
fn long_functions(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let trimmed = lines[at].trim();
        let test_module = trimmed.starts_with("mod ") || trimmed.starts_with("pub(crate) mod ");
        if test_module && trimmed.ends_with('{') && is_test_item(&lines, at) {
            at = closing_line(&lines, at).map_or(lines.len(), |end| end + 1);
            continue;
        }
        if let Some(name) = declared_fn(lines[at]).filter(|_| !is_test_item(&lines, at)) {
            let opens_body = lines[at..]
                .iter()
                .map(|line| line.trim_end())
                .find(|line| line.ends_with('{') || line.ends_with('}') || line.ends_with(';'))
                .is_some_and(|line| line.ends_with('{'));
            if let Some(end) = closing_line(&lines, at).filter(|_| opens_body) {
                if end + 1 - at > MAX_FN_LINES {
                    long.push((at + 1, name.to_string(), end + 1 - at));
                }
            }
        }
        at += 1;
    }
    long
}

/// Issue 29's "a house that stays easy to live in": no file of `src/` or `rules/` over 900
/// lines, and no function (tests aside) over 100.
#[test]
fn no_file_over_900_lines_and_no_function_over_100() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("rules"), &mut files);
    let test_only = test_only_files(&files);
    let mut too_long = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let shown = file.strip_prefix(root).unwrap().display();
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            too_long.push(format!("{shown}: {lines} lines (split it by job)"));
        }
        if test_only.contains(file) {
            continue;
        }
        for (line, name, length) in long_functions(&text) {
            too_long.push(format!(
                "{shown}:{line}: fn {name} is {length} lines (split it into named steps)"
            ));
        }
    }
    assert!(too_long.is_empty(), "too long:\n{}", too_long.join("\n"));
}

/// The length checker counts from `fn` to its brace, and leaves tests, declarations and
/// one-line bodies alone.
#[test]
fn the_length_checker_counts_a_body_from_fn_to_its_brace() {
    let body = |indent: &str, name: &str, lines: usize| {
        let inner = format!("{indent}    let x = 1;\n").repeat(lines - 3);
        format!("{indent}pub(crate) fn {name}(\n{indent}) {{\n{inner}{indent}}}\n")
    };
    let text = format!(
        "{}{}trait T {{\n    fn declared(&self);\n    fn short(&self) {{}}\n}}\n#[cfg(test)]\nmod tests {{\n{}}}\n#[test]\n{}",
        body("", "long", MAX_FN_LINES + 1),
        body("", "fits", MAX_FN_LINES),
        body("    ", "in_tests", MAX_FN_LINES + 5),
        body("", "a_test", MAX_FN_LINES + 5),
    );
    assert_eq!(
        long_functions(&text),
        [(1, "long".to_string(), MAX_FN_LINES + 1)]
    );
    assert_eq!(
        declared_fn("    pub(super) const fn id<'a>(x: u8) {"),
        Some("id")
    );
    assert_eq!(declared_fn("    let f = fn_name;"), None);
}
