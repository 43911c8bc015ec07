//! The links of the README, CONTRIBUTING.md and `docs/` lead somewhere: to a file of the
//! repository and, after a `#`, to one of its headings. The README is also the PyPI page,
//! shown without the repository around it, so its links are full addresses.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

fn repository_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Markdown pages people read: the README, CONTRIBUTING.md and everything in `docs/`.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![PathBuf::from("README.md"), PathBuf::from("CONTRIBUTING.md")];
    let mut folders = vec![PathBuf::from("docs")];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(repository_root().join(&folder)).expect("docs/ exists");
        for entry in entries {
            let name = entry.expect("a readable entry").file_name();
            let path = folder.join(name);
            if repository_root().join(&path).is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

fn read(page: &Path) -> String {
    std::fs::read_to_string(repository_root().join(page)).expect("a readable page")
}

/// Every link and image address of a Markdown text.
fn link_targets(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, Options::ENABLE_TABLES)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as `-`.
fn heading_anchors(markdown: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = heading.as_mut() {
                    heading.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = heading.take().unwrap_or_default();
                let anchor: String = text
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect();
                anchors.insert(anchor);
            }
            _ => {}
        }
    }
    anchors
}

/// `path` relative to the repository, with `..` and `.` worked out; `None` when it climbs out.
fn normalised(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Where a link leads.
enum Target {
    /// A file of this repository (relative to its root) and, after a `#`, a heading in it.
    Repository(PathBuf, Option<String>),
    /// Another site: not fetched, since the tests never use the network.
    Elsewhere,
    /// A relative path that climbs out of the repository.
    Outside,
}

/// Where `target`, linked from `page`, leads: a relative path from the page's folder, or a full
/// address of this repository's files on its main branch.
fn resolve(page: &Path, target: &str) -> Target {
    let own = [
        format!("{}/blob/main/", errlint::REPOSITORY_URL),
        format!("{}/tree/main/", errlint::REPOSITORY_URL),
    ];
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor.to_string())),
        None => (target, None),
    };
    if let Some(path) = own
        .iter()
        .find_map(|prefix| file.strip_prefix(prefix.as_str()))
    {
        return Target::Repository(PathBuf::from(path), anchor);
    }
    if file.contains(':') {
        return Target::Elsewhere;
    }
    if file.is_empty() {
        return Target::Repository(page.to_path_buf(), anchor);
    }
    match normalised(&page.parent().unwrap_or(Path::new("")).join(file)) {
        Some(path) => Target::Repository(path, anchor),
        None => Target::Outside,
    }
}

/// Why `target`, linked from `page`, leads nowhere, if it does.
fn broken(page: &Path, target: &str) -> Option<String> {
    let (path, anchor) = match resolve(page, target) {
        Target::Repository(path, anchor) => (path, anchor),
        Target::Elsewhere => return None,
        Target::Outside => return Some("leaves the repository".to_string()),
    };
    if !repository_root().join(&path).exists() {
        return Some(format!("{} does not exist", path.display()));
    }
    match anchor {
        Some(anchor) if path.extension().is_some_and(|e| e == "md") => {
            let anchors = heading_anchors(&read(&path));
            (!anchors.contains(&anchor))
                .then(|| format!("{} has no heading `#{anchor}`", path.display()))
        }
        _ => None,
    }
}

#[test]
fn every_page_link_leads_to_a_file_and_heading() {
    let mut problems = Vec::new();
    for page in pages() {
        for target in link_targets(&read(&page)) {
            if let Some(why) = broken(&page, &target) {
                problems.push(format!("{}: {target}: {why}", page.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// PyPI shows the README on its own, so a relative link there would lead nowhere.
#[test]
fn the_readme_links_only_to_full_addresses() {
    let relative: Vec<String> = link_targets(&read(Path::new("README.md")))
        .into_iter()
        .filter(|target| !target.starts_with("https://"))
        .collect();
    assert!(relative.is_empty(), "relative links: {relative:?}");
}

/// The README is the front page; the rest is in `docs/`, and every page there is reachable
/// from it, directly or through another page.
#[test]
fn every_docs_page_is_reachable_from_the_readme() {
    let mut reached = BTreeSet::from([PathBuf::from("README.md")]);
    let mut to_visit = vec![PathBuf::from("README.md")];
    while let Some(page) = to_visit.pop() {
        for target in link_targets(&read(&page)) {
            if let Target::Repository(path, _) = resolve(&page, &target) {
                if path.extension().is_some_and(|e| e == "md") && reached.insert(path.clone()) {
                    to_visit.push(path);
                }
            }
        }
    }
    let unreached: Vec<PathBuf> = pages()
        .into_iter()
        .filter(|page| !reached.contains(page))
        .collect();
    assert!(
        unreached.is_empty(),
        "not linked from anywhere: {unreached:?}"
    );
}

/// The README's first commands are the two that set errlint up on a fresh machine, and no more.
#[test]
fn the_readme_opens_with_the_two_set_up_commands() {
    let readme = read(Path::new("README.md"));
    let first_block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has a shell block");
    let commands: Vec<&str> = first_block
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .collect();
    assert_eq!(
        commands,
        ["cargo run -- fixtures/example/openapi.yaml", "cargo test"]
    );
}

/// The README's sample output is what its first command prints first: the first finding, whole,
/// as a pipe or a CI log gets it.
#[test]
fn the_readme_sample_is_the_first_finding_the_example_prints() {
    let readme = read(Path::new("README.md"));
    let sample = readme
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has a sample block");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_errlint"))
        .arg("fixtures/example/openapi.yaml")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    let first_end = printed.find("\n  see: ").expect("a finding");
    let first_end = printed[first_end + 1..].find('\n').unwrap() + first_end + 2;
    assert_eq!(sample, &printed[..first_end]);
}
