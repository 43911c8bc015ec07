//! Runs one rule on small documents written as raw YAML beside it (oxc's `Tester`): documents
//! that must pass yield nothing at all, documents that must fail yield exactly the expected
//! `(line, message)` findings of the rule. `unused-ignore` is about the other rules'
//! findings, so every rule runs for it; any other rule runs alone.

use crate::config::ConfigChoice;
use crate::finding::Finding;

/// `(line, message)` findings a failing document must yield; `None`: at least one, any.
type Expected = Option<Vec<(usize, String)>>;

pub struct Tester {
    rule: &'static str,
    profile: Option<&'static str>,
    pass: Vec<String>,
    /// Each failing document, and what it must yield.
    fail: Vec<(String, Expected)>,
    /// Each document with a fix, and the document once the rule's fixes are applied.
    fixes: Vec<(String, String)>,
}

impl Tester {
    pub fn new(rule: &'static str) -> Self {
        Tester {
            rule,
            profile: None,
            pass: Vec::new(),
            fail: Vec::new(),
            fixes: Vec::new(),
        }
    }

    /// Lint against a built-in profile rather than the default contract.
    pub fn profile(mut self, name: &'static str) -> Self {
        self.profile = Some(name);
        self
    }

    /// A document on which the rule finds nothing.
    pub fn pass(mut self, yaml: &str) -> Self {
        self.pass.push(unindent(yaml));
        self
    }

    /// A document on which the rule finds exactly these `(line, message)` findings.
    pub fn fail(mut self, yaml: &str, expected: &[(usize, &str)]) -> Self {
        let expected = expected.iter().map(|(l, m)| (*l, m.to_string())).collect();
        self.fail.push((unindent(yaml), Some(expected)));
        self
    }

    /// A document on which the rule finds something.
    pub fn fails(mut self, yaml: &str) -> Self {
        self.fail.push((unindent(yaml), None));
        self
    }

    /// A document whose findings of this rule have fixes that turn it into `fixed`, on which
    /// the rule then finds nothing.
    pub fn fixes(mut self, yaml: &str, fixed: &str) -> Self {
        self.fixes.push((unindent(yaml), unindent(fixed)));
        self
    }

    pub fn run(self) {
        for (yaml, expected) in &self.fixes {
            let findings = self.lint(yaml);
            let edits: Vec<crate::document::edit::Edit> = findings
                .iter()
                .filter(|f| f.rule == self.rule)
                .flat_map(|f| f.fix.iter().flat_map(|fix| &fix.edits))
                .map(|e| crate::document::edit::Edit {
                    span: e.span,
                    text: e.text.clone(),
                })
                .collect();
            assert!(!edits.is_empty(), "{}: no fix on\n{yaml}", self.rule);
            let (fixed, left) = crate::document::edit::apply(yaml, &edits);
            assert!(left.is_empty(), "{}: edits overlap: {left:?}", self.rule);
            assert_eq!(&fixed, expected, "{}: fixing\n{yaml}", self.rule);
            let after: Vec<_> = self
                .lint(&fixed)
                .into_iter()
                .filter(|f| f.rule == self.rule)
                .collect();
            assert!(after.is_empty(), "{}: still {after:#?}", self.rule);
        }
        for yaml in &self.pass {
            let findings = self.lint(yaml);
            assert!(
                findings.is_empty(),
                "{}: expected nothing on\n{yaml}\ngot {:#?}",
                self.rule,
                lines(&findings, yaml)
            );
        }
        for (yaml, expected) in &self.fail {
            let findings = self.lint(yaml);
            let found: Vec<(usize, String)> = lines(&findings, yaml)
                .into_iter()
                .zip(&findings)
                .filter(|&(_, f)| f.rule == self.rule)
                .map(|(line, _)| line)
                .collect();
            match expected {
                Some(expected) => assert_eq!(&found, expected, "{}: on\n{yaml}", self.rule),
                None => assert!(
                    !found.is_empty(),
                    "{}: expected a finding on\n{yaml}",
                    self.rule
                ),
            }
        }
    }

    fn lint(&self, yaml: &str) -> Vec<Finding> {
        // A `# errlint: --profile NAME` first line picks the profile, as in the rules' docs.
        let profile = yaml
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# errlint: --profile "))
            .map(str::trim)
            .or(self.profile);
        let options = crate::Options {
            only_rules: (self.rule != "unused-ignore").then(|| vec![self.rule.to_string()]),
            config: ConfigChoice {
                no_discovery: true,
                profile: profile.map(String::from),
                ..Default::default()
            },
            ..Default::default()
        };
        let outcome = crate::lint_text("t.yaml", yaml, &options);
        assert!(
            !outcome.findings.iter().any(|f| f.fatal),
            "{}: the test document did not load: {:#?}",
            self.rule,
            outcome.findings
        );
        outcome.findings
    }
}

/// The findings of one rule alone on a document (every rule for `unused-ignore`), for
/// assertions beyond `(line, message)`: help texts, related places.
pub fn lint_one(rule: &'static str, yaml: &str) -> Vec<Finding> {
    Tester::new(rule).lint(&unindent(yaml))
}

/// A 3.0 document whose one operation, `GET /a`, answers `status` with a JSON body of `schema`
/// (YAML, on one line): the schema starts on line 10, for `(line, message)` assertions.
pub fn one_error_body(status: u16, schema: &str) -> String {
    format!(
        "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '{status}':\n          description: x\n          content:\n            application/json:\n              schema: {schema}\n"
    )
}

/// `(line, message)` of each finding, for compact assertions.
fn lines(findings: &[Finding], yaml: &str) -> Vec<(usize, String)> {
    findings
        .iter()
        .map(|f| {
            let start = f.location.as_ref().map_or(0, |l| l.span.start as usize);
            (yaml[..start].matches('\n').count() + 1, f.message.clone())
        })
        .collect()
}

/// A raw string written indented in Rust source, as the document it stands for: the leading
/// blank line dropped and the common indentation removed.
pub fn unindent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.get(indent..).unwrap_or("").trim_end());
        out.push('\n');
    }
    out
}

/// The ```yaml blocks of a doc comment's section (`## Bad`), up to the next section.
pub fn code_blocks(docs: &str, section: &str) -> Vec<String> {
    let Some(start) = docs.find(section) else {
        return Vec::new();
    };
    let body = &docs[start + section.len()..];
    let body = &body[..body
        .find("\n ## ")
        .or_else(|| body.find("\n## "))
        .unwrap_or(body.len())];
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in body.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        match (&mut current, line.trim()) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::{code_blocks, unindent};

    #[test]
    fn unindent_keeps_relative_indentation() {
        assert_eq!(unindent("\n    a:\n      b: 1\n"), "a:\n  b: 1\n");
    }

    #[test]
    fn code_blocks_stop_at_the_next_section() {
        let docs = " ## Bad\n ```yaml\n a: 1\n ```\n\n ## Good\n ```yaml\n b: 2\n ```\n";
        assert_eq!(code_blocks(docs, "## Bad"), ["a: 1\n"]);
        assert_eq!(code_blocks(docs, "## Good"), ["b: 2\n"]);
    }
}
