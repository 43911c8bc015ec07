//! Turning command-line arguments into documents: files as given, directories searched
//! (respecting `.gitignore`) for OpenAPI roots, and glob patterns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How much of a file is read first to decide whether it is an OpenAPI root document.
const HEAD_BYTES: u64 = 64 * 1024;

/// Files larger than this are not searched past their head for a root key (errlint would
/// refuse to lint them at the default `--max-file-size` anyway).
const SEARCH_LIMIT: u64 = 256 * 1024 * 1024;

/// The documents named by the arguments, each once, heaviest first (see [`Root::weight`]):
/// [`crate::lint_paths`] starts them in this order. A file given by name is always linted;
/// files found in a directory or by a glob only when they look like OpenAPI roots (a
/// top-level `openapi` or `swagger` key), so `$ref` targets are linted with their root and
/// not on their own.
pub fn expand(arguments: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for argument in arguments {
        if argument.is_dir() {
            let found = walk(argument, None)?;
            if found.is_empty() {
                return Err(format!(
                    "no OpenAPI document in `{}` (a root has a top-level `openapi` or `swagger` key)",
                    argument.display()
                ));
            }
            out.extend(found);
        } else if argument.exists() || !is_glob(argument) {
            let bytes = std::fs::metadata(argument).map_or(0, |m| m.len());
            out.push(Root {
                path: argument.clone(),
                weight: bytes,
            });
        } else {
            let written = argument.to_string_lossy().replace('\\', "/");
            // `./specs/*.yaml` means `specs/*.yaml`: the walk yields paths without `./`.
            let mut pattern = written.as_str();
            while let Some(rest) = pattern.strip_prefix("./") {
                pattern = rest;
            }
            let glob = crate::glob::compile(pattern)
                .map_err(|e| format!("invalid glob `{written}`: {e}"))?;
            let root = literal_prefix(pattern);
            let found = walk(&root, Some(&glob))?;
            if found.is_empty() {
                return Err(format!("no OpenAPI document matches `{written}`"));
            }
            out.extend(found);
        }
    }
    // A file named twice keeps the name it was first given. One argument names each file
    // once (the search does not follow links), and its files need no resolving: that was a
    // system call per folder of each root's path.
    if arguments.len() > 1 {
        let mut seen = std::collections::HashSet::new();
        out.retain(|r| {
            seen.insert(std::fs::canonicalize(&r.path).unwrap_or_else(|_| r.path.clone()))
        });
    }
    Ok(heaviest_first(out))
}

/// A root document found, and how much it probably reads.
struct Root {
    path: PathBuf,
    /// Its bytes, and those of the YAML and JSON files in its folder and below that are no
    /// root themselves and lie nearer to it than to any other root: a split description's
    /// fragments. Only the order of documents depends on it: DigitalOcean's root is 111 KB
    /// of its 2.7 MB, and started by its own size it was linted last, on one thread.
    weight: u64,
}

fn heaviest_first(mut roots: Vec<Root>) -> Vec<PathBuf> {
    roots.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.path.cmp(&b.path)));
    roots.into_iter().map(|r| r.path).collect()
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

/// The OpenAPI root documents in `folder` and below, as a folder argument finds them.
pub fn roots_in(folder: &Path) -> Vec<PathBuf> {
    walk(folder, None).map(heaviest_first).unwrap_or_default()
}

/// The OpenAPI roots under `root` that `glob` matches, weighed. A folder or a YAML/JSON file
/// that cannot be read is an error, not a file quietly left out of the run. The folders are
/// walked and the candidates' heads read on as many threads as the run has (a split
/// description has thousands of files); nothing found depends on their order.
fn walk(root: &Path, glob: Option<&globset::GlobMatcher>) -> Result<Vec<Root>, String> {
    let found = std::sync::Mutex::new(Vec::new());
    let failures = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .threads(rayon::current_num_threads())
        .build_parallel()
        .run(|| {
            let (found, failures) = (&found, &failures);
            Box::new(move |entry| {
                match visit(entry, glob) {
                    Ok(Some(path)) => found.lock().unwrap_or_else(|e| e.into_inner()).push(path),
                    Ok(None) => {}
                    Err(failure) => failures
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(failure),
                }
                ignore::WalkState::Continue
            })
        });
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    if !failures.is_empty() {
        failures.sort();
        return Err(failures.swap_remove(0));
    }
    Ok(weighed(
        found.into_inner().unwrap_or_else(|e| e.into_inner()),
    ))
}

/// A YAML or JSON file the walk read: its path, its size, and whether it is a root.
type Candidate = (PathBuf, u64, bool);

/// The roots among the candidates, each weighed with the other files nearest to it: a file
/// that is no root counts for the roots of the nearest folder above it that holds any,
/// shared between them.
fn weighed(candidates: Vec<Candidate>) -> Vec<Root> {
    let mut roots: Vec<Root> = Vec::new();
    let mut roots_by_folder: HashMap<&Path, Vec<usize>> = HashMap::new();
    for (path, bytes, _) in candidates.iter().filter(|(_, _, root)| *root) {
        let folder = path.parent().unwrap_or(Path::new(""));
        roots_by_folder.entry(folder).or_default().push(roots.len());
        roots.push(Root {
            path: path.clone(),
            weight: *bytes,
        });
    }
    for (path, bytes, _) in candidates.iter().filter(|(_, _, root)| !*root) {
        let nearest = path
            .ancestors()
            .skip(1)
            .find_map(|f| roots_by_folder.get(f));
        if let Some(sharing) = nearest {
            for &root in sharing {
                roots[root].weight += bytes / sharing.len() as u64;
            }
        }
    }
    roots
}

/// One entry of the walk: a YAML or JSON file read, nothing, or why it cannot be read.
fn visit(
    entry: Result<ignore::DirEntry, ignore::Error>,
    glob: Option<&globset::GlobMatcher>,
) -> Result<Option<Candidate>, String> {
    let entry = entry.map_err(|e| format!("cannot read {e}"))?;
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return Ok(None);
    }
    let path = entry.into_path();
    if !glob.is_none_or(|g| g.is_match(path.strip_prefix("./").unwrap_or(&path))) {
        return Ok(None);
    }
    match sniff_openapi(&path) {
        Ok(Some((bytes, root))) => Ok(Some((path, bytes, root))),
        Ok(None) => Ok(None),
        Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
    }
}

/// A YAML or JSON file with a top-level `openapi` or `swagger` key anywhere in it: tools that
/// sort keys put `openapi` after `components` (Stripe's description has it on line 40,015 of
/// its YAML and in the last bytes of its JSON), so the beginning of a file does not tell.
pub fn looks_like_openapi(path: &Path) -> bool {
    matches!(sniff_openapi(path), Ok(Some((_, true))))
}

/// [`looks_like_openapi`] for a YAML or JSON file, with its size, or why it cannot be opened
/// or read: a folder search reports it rather than leave the file out. (Opening it once to
/// check and again to read was a quarter of the search's time on DigitalOcean's 2,907 files.)
/// Other extensions are not opened at all: `None`.
fn sniff_openapi(path: &Path) -> std::io::Result<Option<(u64, bool)>> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(extension.as_str(), "yaml" | "yml" | "json") {
        return Ok(None);
    }
    let file = std::fs::File::open(path)?;
    let known_size = file.metadata().map(|m| m.len()).ok();
    let size = known_size.unwrap_or(HEAD_BYTES);
    let fits = size <= SEARCH_LIMIT;
    // Most roots say so in their first block; the rest of the file is searched block by
    // block only when it does not, through one small buffer (Stripe's YAML has its key on
    // line 40,015, and reading it whole into memory costs 5% of its lint).
    let mut reader = std::io::Read::take(file, if fits { SEARCH_LIMIT } else { HEAD_BYTES });
    // Sized to the file when it is small: a folder of 3,000 small files must not clear
    // 64 KB for each.
    let mut window = vec![0u8; size.clamp(1, HEAD_BYTES) as usize + OVERLAP];
    let mut kept = 0;
    // Whether the window still begins at the file's first byte, where a key needs no line
    // break before it.
    let mut at_start = true;
    let mut searched = 0;
    loop {
        let read = match std::io::Read::read(&mut reader, &mut window[kept..]) {
            Ok(0) => return Ok(Some((size, false))),
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let filled = kept + read;
        let text = &window[..filled];
        let found = if at_start {
            has_root_key(text)
        } else {
            has_key_within(text)
        };
        if found {
            return Ok(Some((size, true)));
        }
        // Searched to the size the file had when opened: one more read only to see its end
        // would be a system call for each of a split description's thousands of files.
        searched += read as u64;
        if known_size.is_some_and(|size| searched >= size) {
            return Ok(Some((size, false)));
        }
        // A key split between two blocks is whole in the bytes kept.
        kept = OVERLAP.min(filled);
        at_start &= kept == filled;
        window.copy_within(filled - kept..filled, 0);
    }
}

/// Bytes kept from one block to the next: longer than every key pattern.
const OVERLAP: usize = 16;

/// Whether a text (an editor's buffer) is a YAML or JSON OpenAPI root, as
/// [`looks_like_openapi`] judges a file.
pub fn text_looks_like_openapi(text: &[u8]) -> bool {
    has_root_key(text)
}

fn has_root_key(text: &[u8]) -> bool {
    let text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
    let at_start = |key: &str| text.starts_with(key.as_bytes()) && key_ends(&text[key.len()..]);
    ROOT_KEYS.iter().any(|key| at_start(key)) || has_key_within(text)
}

/// The ways a root key is written: plain, quoted (YAML), and JSON's quoted key.
const ROOT_KEYS: [&str; 6] = [
    "openapi",
    "swagger",
    "'openapi'",
    "'swagger'",
    "\"openapi\"",
    "\"swagger\"",
];

/// Whether what follows a key makes it a mapping key: spaces, then `:`. (`openapi : 3.0.3`
/// is a root key as much as `openapi: 3.0.3`; a document must not pass for a fragment, and
/// escape its lint, by the way it spaces or quotes its key.)
fn key_ends(rest: &[u8]) -> bool {
    let spaces = rest.iter().take_while(|b| **b == b' ').count();
    rest.get(spaces) == Some(&b':')
}

/// A root key after a text's first byte. A YAML root key starts a line; in JSON the key is
/// quoted, at whatever indentation.
fn has_key_within(text: &[u8]) -> bool {
    let json = ["\"openapi\"", "\"swagger\""];
    if json
        .iter()
        .any(|key| memchr::memmem::find(text, key.as_bytes()).is_some())
    {
        return true;
    }
    memchr::memchr_iter(b'\n', text).any(|at| {
        let line = &text[at + 1..];
        ROOT_KEYS
            .iter()
            .any(|key| line.starts_with(key.as_bytes()) && key_ends(&line[key.len()..]))
    })
}

/// A path as reports name it: `/` between folders, and no `.` steps, so that `--base REV .`
/// reports `api.yaml` and `REV:api.yaml` as a lint of `api.yaml` would.
pub fn shown(path: &Path) -> String {
    let steps: PathBuf = path
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    match steps.as_os_str().is_empty() {
        true => ".".into(),
        false => steps.to_string_lossy().replace('\\', "/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_key_is_found_however_it_is_spaced_or_quoted() {
        for text in [
            "openapi : 3.0.3\npaths: {}\n",
            "'openapi': 3.0.3\n",
            "info: {}\n\"swagger\" :  '2.0'\n",
            "# c\nopenapi  : 3.1.0\n",
        ] {
            assert!(has_root_key(text.as_bytes()), "{text:?}");
        }
        for text in ["openapis: x\n", "x: {openapi: 3}\n", "  openapi: 3\n"] {
            assert!(!has_root_key(text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn a_root_key_after_a_long_beginning_is_found() {
        let dir = std::env::temp_dir().join(format!("errlint-sniff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let padding = "x".repeat(100_000);
        let cases = [
            (
                "sorted.yaml",
                format!("components:\n  x-pad: {padding}\nopenapi: 3.0.0\n"),
                true,
            ),
            (
                "sorted.json",
                format!("{{\"components\": {{\"x\": \"{padding}\"}}, \"swagger\": \"2.0\"}}"),
                true,
            ),
            (
                "component.yaml",
                format!("Error:\n  description: {padding}\n  x-openapi: 1\n"),
                false,
            ),
            // The key split between the first block and the next.
            (
                "straddling.yaml",
                format!(
                    "x: {}\nopenapi: 3.0.0\n",
                    "x".repeat(HEAD_BYTES as usize + OVERLAP - 8)
                ),
                true,
            ),
        ];
        for (name, text, root) in cases {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            assert_eq!(looks_like_openapi(&path), root, "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A split description's fragments count for its root, however deep they lie; a file
    /// beside several roots is shared between them; one under no root counts for none.
    #[test]
    fn a_root_weighs_what_lies_nearest_to_it() {
        let candidates = [
            ("r/big.json", 5000, true),
            ("r/split/openapi.yaml", 100, true),
            ("r/split/paths/users/get.yaml", 3000, false),
            ("r/split/shared/error.yaml", 2000, false),
            ("r/common/error.yaml", 60, false),
            ("r/two/a.yaml", 10, true),
            ("r/two/b.yaml", 20, true),
            ("r/two/x/fragment.yaml", 100, false),
            ("elsewhere/fragment.yaml", 7000, false),
        ]
        .map(|(path, bytes, root)| (PathBuf::from(path), bytes, root));
        let weights: Vec<(PathBuf, u64)> = weighed(candidates.to_vec())
            .into_iter()
            .map(|r| (r.path, r.weight))
            .collect();
        let expected = [
            ("r/big.json", 5060),
            ("r/split/openapi.yaml", 5100),
            ("r/two/a.yaml", 60),
            ("r/two/b.yaml", 70),
        ]
        .map(|(path, weight)| (PathBuf::from(path), weight));
        assert_eq!(weights, expected);
        let order = heaviest_first(weighed(candidates.to_vec()));
        assert_eq!(
            order,
            [
                "r/split/openapi.yaml",
                "r/big.json",
                "r/two/b.yaml",
                "r/two/a.yaml"
            ]
            .map(PathBuf::from)
        );
    }

    #[test]
    fn glob_roots() {
        assert_eq!(literal_prefix("specs/**/*.yaml"), PathBuf::from("specs"));
        assert_eq!(literal_prefix("*.yaml"), PathBuf::from("."));
    }
}
