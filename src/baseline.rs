//! Baselines, for adopting errlint on an API with many existing findings: record today's
//! findings, then report only new ones. Entries match by rule, file, pointer and a normalized
//! message — never by line — so moving code does not bring old findings back.

use crate::document::source::Access;
use crate::finding::{Finding, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub file: String,
    pub pointer: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// Digits become `#`, so counts in messages ("3 of 6 error responses") do not break a match.
fn normalize(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_number = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// Where a baseline's paths start: the folder that holds it. `None` (a baseline kept in
/// memory) keeps paths as they were reported.
#[derive(Debug, Clone, Copy)]
pub struct Base<'a>(pub Option<&'a Path>);

impl Base<'_> {
    /// The folder of a baseline file, resolved, so that `.`, `./api//x.yaml` and an absolute
    /// path to the same file all give one key.
    fn of(baseline: &Path) -> Option<std::path::PathBuf> {
        let folder = match baseline.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::canonicalize(folder).ok()
    }

    /// A reported file name as the baseline keys it: relative to the baseline's folder when
    /// the file exists below it, with `./` and doubled `/` folded away otherwise.
    fn key(self, file: &str) -> String {
        let relative = self.0.and_then(|base| {
            let real = std::fs::canonicalize(file).ok()?;
            let inside = real.strip_prefix(base).ok()?;
            Some(inside.to_string_lossy().replace('\\', "/"))
        });
        relative.unwrap_or_else(|| fold(file))
    }
}

/// `./a//b.yaml` → `a/b.yaml`.
fn fold(path: &str) -> String {
    path.split('/')
        .enumerate()
        .filter(|(i, part)| *part != "." && !(part.is_empty() && *i > 0))
        .map(|(_, part)| part)
        .collect::<Vec<_>>()
        .join("/")
}

fn entry(finding: &Finding, base: Base<'_>) -> Entry {
    Entry {
        rule: finding.rule.to_string(),
        file: base.key(&finding.file),
        pointer: finding
            .location
            .as_ref()
            .map(|l| l.pointer.clone())
            .unwrap_or_default(),
        message: normalize(&finding.message),
    }
}

impl Baseline {
    /// Every finding that a baseline can hold (document problems are never baselined), with
    /// file names relative to `base`.
    pub fn record(findings: &[Finding], base: Base<'_>) -> Self {
        Baseline {
            version: 1,
            entries: findings
                .iter()
                .filter(|f| !f.fatal)
                .map(|f| entry(f, base))
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        let baseline: Baseline =
            serde_json::from_str(text).map_err(|e| format!("not an errlint baseline: {e}"))?;
        if baseline.version != 1 {
            return Err(format!(
                "baseline version {} is not supported (expected 1)",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Removes the findings the baseline holds (each entry matches one finding) and returns how
    /// many entries matched nothing: those can be dropped from the file.
    pub fn filter(&self, findings: &mut Vec<Finding>, base: Base<'_>) -> usize {
        let mut remaining: HashMap<Entry, usize> = HashMap::new();
        for e in &self.entries {
            let folded = Entry {
                file: fold(&e.file),
                ..e.clone()
            };
            *remaining.entry(folded).or_default() += 1;
        }
        findings.retain(|f| {
            if f.fatal {
                return true;
            }
            match remaining.get_mut(&entry(f, base)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        remaining.values().sum()
    }
}

/// What `--write-baseline` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The baseline now holds this many entries.
    Entries(usize),
    /// Something could not be linted: the old baseline was kept, since a file that failed to
    /// parse would otherwise lose its entries.
    KeptOld,
}

/// Records the outcome's findings as the baseline at `path`, atomically, unless something
/// could not be linted. The exit code is [`Outcome::exit_code_after_writing_baseline`].
pub fn write(outcome: &Outcome, path: &Path) -> Result<Written, String> {
    if outcome.findings.iter().any(|f| f.fatal) {
        return Ok(Written::KeptOld);
    }
    let folder = Base::of(path);
    let baseline = Baseline::record(&outcome.findings, Base(folder.as_deref()));
    crate::output::write_atomically(path, baseline.to_json().as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Written::Entries(baseline.entries.len()))
}

/// Drops the findings the baseline at `path` holds; returns how many of its entries matched
/// nothing (they can be dropped by writing the baseline again). The baseline is read like any
/// other input: inside the tree, a regular file, capped; a byte-order mark is allowed.
pub fn apply(outcome: &mut Outcome, path: &Path, access: &Access) -> Result<usize, String> {
    let bytes = access
        .read(path)
        .map_err(|refusal| format!("cannot read the baseline {}: {refusal}", path.display()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| format!("{}: the baseline is not UTF-8 text", path.display()))?;
    let baseline = Baseline::from_json(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let folder = Base::of(path);
    Ok(baseline.filter(&mut outcome.findings, Base(folder.as_deref())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, lint_text};

    pub(super) const DOC: &str = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404': {description: x}\n";

    #[test]
    fn matches_across_moved_lines_and_counts_stale_entries() {
        let before = lint_text("openapi.yaml", DOC, &Options::default());
        let baseline =
            Baseline::from_json(&Baseline::record(&before.findings, Base(None)).to_json()).unwrap();
        let moved = format!("# moved down\n\n{DOC}");
        let mut after = lint_text("openapi.yaml", &moved, &Options::default()).findings;
        assert_eq!(baseline.filter(&mut after, Base(None)), 0);
        assert!(after.is_empty(), "{after:?}");
        // A new finding is reported; a fixed one leaves a stale entry.
        let changed = DOC.replace("'404': {description: x}", "'4xx': {description: x}");
        let mut findings = lint_text("openapi.yaml", &changed, &Options::default()).findings;
        let stale = baseline.filter(&mut findings, Base(None));
        assert_eq!(stale, 1);
        assert!(findings.iter().any(|f| f.rule == "error-status-known"));
    }
}

#[cfg(test)]
mod workflow {
    use super::{Written, write};
    use crate::{Options, lint_text};

    #[test]
    fn a_failed_lint_keeps_the_old_baseline() {
        let dir = std::env::temp_dir().join(format!("errlint-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("baseline.json");
        std::fs::write(&path, "old").unwrap();
        let broken = lint_text("openapi.yaml", "openapi: [", &Options::default());
        assert_eq!(broken.exit_code_after_writing_baseline(), 2);
        assert_eq!(write(&broken, &path), Ok(Written::KeptOld));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let fine = lint_text("openapi.yaml", super::tests::DOC, &Options::default());
        assert_eq!(
            write(&fine, &path),
            Ok(Written::Entries(fine.findings.len()))
        );
        assert_eq!(fine.exit_code_after_writing_baseline(), 0);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("\"entries\"")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
