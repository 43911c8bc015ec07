//! Turning command-line arguments into documents: files as given, directories searched
//! (respecting `.gitignore`) for OpenAPI roots, and glob patterns.

use std::path::{Path, PathBuf};

/// How much of a file is read to decide whether it is an OpenAPI root document.
const SNIFF_BYTES: usize = 64 * 1024;

/// The documents named by the arguments, in a stable order, each once. A file given by name is
/// always linted; files found in a directory or by a glob only when they look like OpenAPI
/// roots (a top-level `openapi` or `swagger` key), so `$ref` targets are linted with their root
/// and not on their own.
pub fn expand(arguments: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for argument in arguments {
        if argument.is_dir() {
            out.extend(walk(argument, None));
        } else if argument.exists() || !is_glob(argument) {
            out.push(argument.clone());
        } else {
            let pattern = argument.to_string_lossy().replace('\\', "/");
            let glob = globset::GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))?
                .compile_matcher();
            let root = literal_prefix(&pattern);
            let found = walk(&root, Some(&glob));
            if found.is_empty() {
                return Err(format!("no OpenAPI document matches `{pattern}`"));
            }
            out.extend(found);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}

fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '[', '{'])
}

/// The folder a glob starts from: its segments before the first with a wildcard.
fn literal_prefix(pattern: &str) -> PathBuf {
    let literal: Vec<&str> = pattern
        .split('/')
        .take_while(|s| !s.contains(['*', '?', '[', '{']))
        .collect();
    if literal.is_empty() {
        PathBuf::from(".")
    } else {
        PathBuf::from(literal.join("/"))
    }
}

fn walk(root: &Path, glob: Option<&globset::GlobMatcher>) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .hidden(true)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(|p| glob.is_none_or(|g| g.is_match(p.strip_prefix("./").unwrap_or(p))))
        .filter(|p| looks_like_openapi(p))
        .collect();
    found.sort();
    found
}

/// A YAML or JSON file whose beginning has a top-level `openapi` or `swagger` key.
pub fn looks_like_openapi(path: &Path) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(extension.as_str(), "yaml" | "yml" | "json") {
        return false;
    }
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    if std::io::Read::read_to_end(
        &mut std::io::Read::take(file, SNIFF_BYTES as u64),
        &mut head,
    )
    .is_err()
    {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    head.lines().any(|line| {
        let line = line.trim_start_matches('\u{feff}');
        line.starts_with("openapi:") || line.starts_with("swagger:")
    }) || head.contains("\"openapi\"")
        || head.contains("\"swagger\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_roots() {
        assert_eq!(literal_prefix("specs/**/*.yaml"), PathBuf::from("specs"));
        assert_eq!(literal_prefix("*.yaml"), PathBuf::from("."));
    }
}
