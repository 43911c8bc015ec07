//! `--fix`: applies the findings' fixes in rounds until none is left, each round linting the
//! texts the last one produced (through the overlay, nothing written yet). Knows findings and
//! byte edits, not OpenAPI.
//!
//! A file with a fatal finding (it did not parse, a `$ref` in it broke) is never touched, and
//! a fixed text that no longer parses is dropped: a fix is applied only when its result is
//! certain. Edits that touch one another wait for the next round.

use crate::document::edit::{self, Edit};
use crate::finding::{Applicability, Finding, Fix, Outcome};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rounds before giving up on fixes that keep producing more (none of errlint's do).
const MAX_ROUNDS: usize = 8;

/// One file the fixes changed.
#[derive(Debug, Clone)]
pub struct FixedFile {
    /// Its name in reports.
    pub name: Arc<str>,
    /// Where it is on disk (canonical).
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    /// Each fix applied: its line in the text it was applied to, its rule and its title.
    pub applied: Vec<(usize, &'static str, String)>,
}

/// A file's name and the edits the findings ask of it, each with its finding.
type FileEdits<'a> = (Arc<str>, Vec<(&'a Finding, Edit)>);

/// What the fixes would change.
#[derive(Debug, Default)]
pub struct Plan {
    /// The changed files, by path.
    pub files: Vec<FixedFile>,
    /// Every file the lints read (documents, `$ref`'d files, configs): no report may replace
    /// one of them.
    pub read: Vec<PathBuf>,
    /// Findings whose unsafe fixes were left out (none when unsafe fixes were asked for).
    pub unsafe_left: usize,
    /// Whether something could not be linted (a file that did not parse, a broken `$ref`):
    /// such a run ends with exit code 2, previewed or not.
    pub unlinted: bool,
}

/// Lints with `lint` (given the overlay of fixed texts so far) and applies fixes until a round
/// changes nothing: the safe ones, and the unsafe ones too when `allow_unsafe` says so.
pub fn plan(allow_unsafe: bool, mut lint: impl FnMut(crate::document::Overlay) -> Outcome) -> Plan {
    let mut files: BTreeMap<PathBuf, FixedFile> = BTreeMap::new();
    let mut overlay: HashMap<PathBuf, Arc<str>> = HashMap::new();
    let mut read = BTreeSet::new();
    let mut unsafe_left = 0;
    let mut unlinted = false;
    for _ in 0..MAX_ROUNDS {
        let outcome = lint((!overlay.is_empty()).then(|| Arc::new(overlay.clone())));
        read.extend(outcome.read.iter().cloned());
        unlinted |= outcome.findings.iter().any(|f| f.fatal);
        let allowed = |fix: &Fix| allow_unsafe || fix.applicability == Applicability::Safe;
        unsafe_left = outcome
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|fix| !allowed(fix)))
            .count();
        let mut changed = false;
        for (path, (name, edits)) in edits_by_file(&outcome, allowed) {
            let Some(text) = outcome.sources.text(&name) else {
                continue;
            };
            let Some(after) = apply_to_file(&mut files, &path, &name, text, edits) else {
                continue;
            };
            overlay.insert(path, Arc::from(after));
            changed = true;
        }
        if !changed {
            break;
        }
    }
    Plan {
        files: files
            .into_values()
            .filter(|f| f.after != f.before)
            .collect(),
        read: read.into_iter().collect(),
        unsafe_left,
        unlinted,
    }
}

/// The edits of each file, and the fixes they come from: those of the `allowed` fixes, in
/// files without a fatal finding.
fn edits_by_file<'o>(
    outcome: &'o Outcome,
    allowed: impl Fn(&Fix) -> bool,
) -> BTreeMap<PathBuf, FileEdits<'o>> {
    let broken: BTreeSet<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.fatal)
        .map(|f| &*f.file)
        .collect();
    let mut by_file: BTreeMap<PathBuf, FileEdits<'o>> = BTreeMap::new();
    for finding in &outcome.findings {
        let Some(fix) = finding.fix.as_ref().filter(|fix| allowed(fix)) else {
            continue;
        };
        for e in &fix.edits {
            let Some(path) = e.path.as_ref().and_then(|p| std::fs::canonicalize(p).ok()) else {
                continue;
            };
            if broken.contains(&*e.file) {
                continue;
            }
            let entry = by_file
                .entry(path)
                .or_insert_with(|| (e.file.clone(), Vec::new()));
            entry.1.push((
                finding,
                Edit {
                    span: e.span,
                    text: e.text.clone(),
                },
            ));
        }
    }
    by_file
}

/// Applies a round's edits to the text of the file at `path` and records each fix applied in
/// `files`: the fixed text, or `None` when it changes nothing or no longer parses.
fn apply_to_file(
    files: &mut BTreeMap<PathBuf, FixedFile>,
    path: &Path,
    name: &Arc<str>,
    text: &str,
    edits: Vec<(&Finding, Edit)>,
) -> Option<String> {
    // A fix inserts lines with `\n`; a CRLF file keeps its line endings.
    let line_end = edit::LineEnd::of(text);
    let edits: Vec<_> = edits
        .into_iter()
        .map(|(finding, e)| {
            let text = line_end.apply(&e.text);
            (finding, Edit { text, ..e })
        })
        .collect();
    let only_edits: Vec<Edit> = edits.iter().map(|(_, e)| e.clone()).collect();
    let (after, left) = edit::apply(text, &only_edits);
    if after == text || crate::document::parse_text(&after).is_none() {
        return None;
    }
    let file = files
        .entry(path.to_path_buf())
        .or_insert_with(|| FixedFile {
            name: name.clone(),
            path: path.to_path_buf(),
            before: text.to_string(),
            after: String::new(),
            applied: Vec::new(),
        });
    let mut seen = BTreeSet::new();
    for (finding, e) in &edits {
        if left.contains(e) || !seen.insert((finding.rule, &finding.message, e.span)) {
            continue;
        }
        let title = finding
            .fix
            .as_ref()
            .map_or(String::new(), |f| f.title.clone());
        let line = text[..e.span.start as usize].matches('\n').count() + 1;
        file.applied.push((line, finding.rule, title));
    }
    file.after = after.clone();
    Some(after)
}

/// A unified diff of a fixed file, as `diff -u` prints it.
pub fn unified_diff(file: &FixedFile) -> String {
    similar::TextDiff::from_lines(&file.before, &file.after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{}", file.name), &format!("b/{}", file.name))
        .to_string()
}
