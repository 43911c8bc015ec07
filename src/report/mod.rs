//! Report formats: one file each. A format reads findings and source texts only; it knows
//! nothing of OpenAPI.

mod concise;
mod github;
mod gitlab;
mod json;
mod junit;
mod pretty;
mod sarif;

use crate::Outcome;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// rustc-style code frames with a summary line (the default).
    Pretty,
    /// `file:line:column: severity[rule] message`, one line per finding.
    Concise,
    /// A stable JSON document, `version` 1.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality.
    Gitlab,
    /// JUnit XML.
    Junit,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &[
        "pretty", "concise", "json", "sarif", "github", "gitlab", "junit",
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "pretty" => Format::Pretty,
            "concise" => Format::Concise,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "github" => Format::Github,
            "gitlab" => Format::Gitlab,
            "junit" => Format::Junit,
            _ => return None,
        })
    }
}

pub use crate::catalog::{RuleInfo, docs_url, rule_url};

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub format: Format,
    /// ANSI colours (pretty only).
    pub color: bool,
    /// Wrap width of the pretty format.
    pub width: usize,
    /// The rules, for the formats that list them.
    pub rules: Vec<RuleInfo>,
    /// Findings only: no summary line.
    pub quiet: bool,
}

impl RenderOptions {
    /// No colour, fixed width: byte-identical everywhere, for files, pipes and snapshots.
    pub fn plain(format: Format) -> Self {
        RenderOptions {
            format,
            color: false,
            width: 100,
            rules: crate::catalog::rule_infos(),
            quiet: false,
        }
    }
}

/// Text that came from a document (keys, file names, messages quoting them) as a terminal or a
/// CI log may show it: control characters, which could move the cursor, recolour the screen or
/// start a forged `::error` line, are written as escapes (`\u{1b}`, `\n`).
pub(crate) fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    escaped_where(text, char::is_control)
}

/// Text from a document as a generated file shows it (a Markdown page, a YAML comment): as
/// [`visible`], and also the characters some readers take for a line break (U+2028, U+2029),
/// the byte order mark, non-characters, and the bidirectional controls that reorder what an
/// editor shows around them, so that one line stays one line and reads as it is.
pub(crate) fn unambiguous(text: &str) -> std::borrow::Cow<'_, str> {
    escaped_where(text, is_hidden)
}

/// Whether `c` is a character [`unambiguous`] writes as an escape.
pub(crate) fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
                | '\u{fffe}'
                | '\u{ffff}'
                | '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with each character `hidden` picks written as its Rust escape (`\r`, `\u{2028}`).
fn escaped_where(text: &str, hidden: fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The same for a source excerpt whose byte offsets must not move: each byte of a control
/// character becomes `?`.
pub(crate) fn visible_in_place(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A finding's identity that survives unrelated edits: rule, file, pointer and message, not
/// the line; or rule, file and the identity the finding gives itself, when it has one (FNV-1a,
/// stable across versions and platforms).
pub fn fingerprint(finding: &crate::finding::Finding) -> String {
    let pointer = finding.location.as_ref().map_or("", |l| l.pointer.as_str());
    let parts = match &finding.identity {
        Some(identity) => [finding.rule, &finding.file, identity.as_str(), ""],
        None => [finding.rule, &finding.file, pointer, &finding.message],
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Renders every finding of an outcome.
pub fn render(outcome: &Outcome, options: &RenderOptions) -> String {
    render_parts(outcome, options).into_string()
}

/// The report in the parts it was written in, for [`Rendered::write_to`]: a large report is
/// not copied into one buffer only to be written out.
pub fn render_parts(outcome: &Outcome, options: &RenderOptions) -> Rendered {
    let whole = match options.format {
        Format::Json => return Rendered(json::render(outcome)),
        Format::Pretty => pretty::render(outcome, options),
        Format::Concise => concise::render(outcome),
        Format::Sarif => sarif::render(outcome, &options.rules),
        Format::Github => github::render(outcome),
        Format::Gitlab => gitlab::render(outcome),
        Format::Junit => {
            let ids: Vec<&str> = options.rules.iter().map(|r| r.id).collect();
            junit::render(outcome, &ids)
        }
    };
    Rendered(vec![whole])
}

/// A rendered report: its text is its parts, one after another.
pub struct Rendered(Vec<String>);

impl Rendered {
    /// Writes the parts in order.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.0
            .iter()
            .try_for_each(|part| out.write_all(part.as_bytes()))
    }

    pub fn into_string(self) -> String {
        match <[String; 1]>::try_from(self.0) {
            Ok([whole]) => whole,
            Err(parts) => parts.concat(),
        }
    }
}

/// `--statistics`: one line per rule, most findings first: count, id, level, and how many
/// `--fix` can fix (or `--fix --unsafe-fixes`, for fixes that change the contract).
pub fn statistics(outcome: &Outcome) -> String {
    use crate::finding::Applicability;
    type Counts = (usize, usize, usize);
    let mut counts: std::collections::BTreeMap<(&str, crate::finding::Severity), Counts> =
        std::collections::BTreeMap::new();
    for finding in &outcome.findings {
        let (all, safe, unsafe_) = counts.entry((finding.rule, finding.severity)).or_default();
        *all += 1;
        match finding.fix.as_ref().map(|f| f.applicability) {
            Some(Applicability::Safe) => *safe += 1,
            Some(Applicability::Unsafe) => *unsafe_ += 1,
            None => {}
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    let width = rows.iter().map(|((id, _), _)| id.len()).max().unwrap_or(0);
    rows.iter()
        .map(|((id, severity), (count, safe, unsafe_))| {
            let fixable = match (safe, unsafe_) {
                (0, 0) => return format!("{count:>6}  {id:<width$}  {severity}\n"),
                (n, 0) => format!("{n} fixable"),
                (0, n) => format!("{n} fixable with --unsafe-fixes"),
                (n, m) => format!("{n} fixable, {m} more with --unsafe-fixes"),
            };
            format!(
                "{count:>6}  {id:<width$}  {:<7}  ({fixable})\n",
                severity.as_str()
            )
        })
        .collect()
}

/// A compact, stable form of an outcome for snapshot tests (insta's `assert_snapshot!`): one
/// line per finding, `file:line: level[rule] message`, in report order. It holds no byte
/// offsets, columns, colours or absolute paths beyond the names given, so an edit that moves
/// nothing to another line leaves it unchanged, and it reads as a review.
pub fn snapshot(outcome: &Outcome) -> String {
    let mut out = String::new();
    for finding in &outcome.findings {
        let (file, line) = match &finding.location {
            Some(location) => {
                let (line, _) = outcome
                    .sources
                    .line_col(&location.file, location.span.start);
                (&*location.file, line)
            }
            None => (&*finding.file, 0),
        };
        out.push_str(&format!(
            "{}:{line}: {}[{}] {}\n",
            visible(file),
            finding.severity,
            finding.rule,
            visible(&finding.message)
        ));
    }
    out
}

/// `N errors, M warnings in K files`, then what is hidden and what `--fix` would fix:
/// `; 2 fixable with `--fix` (1 more with `--fix --unsafe-fixes`)`.
pub fn summary_line(outcome: &Outcome) -> String {
    use crate::finding::Applicability;
    let s = outcome.summary();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    );
    if s.infos > 0 {
        line.push_str(&format!(", {}", plural(s.infos, "info")));
    }
    line.push_str(&format!(" in {}", plural(s.file_count, "file")));
    if outcome.level_hidden > 0 {
        line.push_str(&format!(
            "; {} below error not shown (--errors-only)",
            plural(outcome.level_hidden, "finding")
        ));
    }
    if outcome.baseline_hidden > 0 {
        line.push_str(&format!(
            "; {} hidden by the baseline",
            plural(outcome.baseline_hidden, "finding")
        ));
    }
    let fixable = |applicability| {
        let with = |f: &&crate::finding::Finding| {
            f.fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == applicability)
        };
        outcome.findings.iter().filter(with).count()
    };
    match (fixable(Applicability::Safe), fixable(Applicability::Unsafe)) {
        (0, 0) => {}
        (safe, 0) => line.push_str(&format!("; {safe} fixable with `--fix`")),
        (0, more) => line.push_str(&format!("; {more} fixable with `--fix --unsafe-fixes`")),
        (safe, more) => line.push_str(&format!(
            "; {safe} fixable with `--fix` ({more} more with `--fix --unsafe-fixes`)"
        )),
    }
    line
}

/// Above this many findings, the summary says how to see fewer.
const MANY_FINDINGS: usize = 50;

/// For a long report, how to see it by rule or only its errors.
pub fn summary_hint(outcome: &Outcome) -> Option<String> {
    (outcome.findings.len() > MANY_FINDINGS).then(|| {
        let only_errors = if outcome.level_hidden == 0 && outcome.summary().errors > 0 {
            "; `--errors-only` shows only the errors"
        } else {
            ""
        };
        format!("`--statistics` counts the findings by rule{only_errors}")
    })
}

#[cfg(test)]
mod tests {
    use super::{unambiguous, visible};

    #[test]
    fn line_breaks_and_reordering_characters_are_escaped_in_generated_files() {
        let text = "a\rb\nc\u{85}d\u{2028}e\u{2029}f\u{202e}g\u{feff}h\u{7f}i";
        assert_eq!(
            unambiguous(text),
            "a\\rb\\nc\\u{85}d\\u{2028}e\\u{2029}f\\u{202e}g\\u{feff}h\\u{7f}i"
        );
        // A terminal only needs the control characters escaped.
        assert_eq!(visible("a\u{2028}b\rc"), "a\u{2028}b\\rc");
        assert_eq!(unambiguous("plain é"), "plain é");
    }
}
