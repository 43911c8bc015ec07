//! A lint run as steps: gather the inputs, plan and write the fixes, lint, hide what the
//! baseline lists, and judge the outcome. The command line is one front end over these steps
//! and tests drive the same ones, so a run means the same thing everywhere. Nothing here
//! prints: each step returns what happened, and the front end says it.

use crate::finding::{Outcome, Severity};
use crate::fix::{FixedFile, Plan};
use crate::output::FixRefusal;
use crate::{Options, lint_paths, lint_text, lint_text_at, resolve_fragments, unused_fragment};
use std::path::{Path, PathBuf};

/// The name standard input is reported under unless the run gives it another.
pub const STDIN_NAME: &str = "<stdin>";

/// A document read from standard input, and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Stdin {
    pub name: String,
    pub text: String,
}

/// What a run lints: the documents found from the paths named, the named files that are
/// fragments no document uses, and standard input.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub paths: Vec<PathBuf>,
    pub unused_fragments: Vec<PathBuf>,
    pub stdin: Option<Stdin>,
}

impl Inputs {
    /// The documents under the paths named (folders searched, globs expanded), with a named
    /// fragment of a document linted as that document.
    pub fn gather(
        named: &[PathBuf],
        stdin: Option<Stdin>,
        options: &Options,
    ) -> Result<Self, String> {
        let paths = crate::inputs::expand(named)?;
        let (paths, unused_fragments) = resolve_fragments(paths, named, options);
        Ok(Inputs {
            paths,
            unused_fragments,
            stdin,
        })
    }

    /// Lints every input into one outcome.
    pub fn lint(&self, options: &Options) -> Outcome {
        let mut outcome = lint_paths(&self.paths, options);
        if !self.unused_fragments.is_empty() {
            let unused = self.unused_fragments.iter();
            outcome.absorb_all(unused.map(|f| unused_fragment(f)));
        }
        if let Some(stdin) = &self.stdin {
            // With a real path as its name, standard input is linted as that file would be.
            let named = Path::new(&stdin.name);
            let at_a_path = stdin.name != STDIN_NAME
                && named
                    .parent()
                    .is_some_and(|folder| folder.as_os_str().is_empty() || folder.is_dir());
            let linted = if at_a_path {
                lint_text_at(named, &stdin.text, options)
            } else {
                lint_text(&stdin.name, &stdin.text, options)
            };
            outcome.absorb(linted);
        }
        outcome
    }

    /// The folders the inputs were found in: fixes are written inside them only.
    pub fn trees(&self) -> Vec<PathBuf> {
        self.paths
            .iter()
            .filter_map(|p| crate::document::source::tree_of(p))
            .collect()
    }

    /// What the fixes would change, round after round, without writing anything: the safe
    /// ones, and the unsafe ones too when `allow_unsafe` says so.
    pub fn plan_fixes(&self, options: &Options, allow_unsafe: bool) -> Plan {
        crate::fix::plan(allow_unsafe, |overlay| {
            self.lint(&Options {
                overlay,
                ..options.clone()
            })
        })
    }
}

/// Writes each fixed file in place (atomically, and only inside `trees`), in the plan's order:
/// each file with what became of it.
pub fn write_fixes<'p>(
    plan: &'p Plan,
    trees: &[PathBuf],
) -> Vec<(&'p FixedFile, Result<(), FixRefusal>)> {
    plan.files
        .iter()
        .map(|file| {
            let written = crate::output::replace_fixed(
                &file.path,
                file.before.as_bytes(),
                file.after.as_bytes(),
                trees,
            );
            (file, written)
        })
        .collect()
}

/// Hides the findings the baseline at `path` lists (counted in `baseline_hidden`); returns
/// how many of its entries matched nothing.
pub fn apply_baseline(
    outcome: &mut Outcome,
    path: &Path,
    options: &Options,
) -> Result<usize, String> {
    let before = outcome.findings.len();
    let stale = crate::baseline::apply(outcome, path, &options.access())?;
    outcome.baseline_hidden = before - outcome.findings.len();
    Ok(stale)
}

/// Keeps only the errors in the report (counted in `level_hidden`). The verdict is taken
/// before: it judges every finding, shown or not.
pub fn keep_errors_only(outcome: &mut Outcome) {
    let before = outcome.findings.len();
    outcome.findings.retain(|f| f.severity == Severity::Error);
    outcome.level_hidden = before - outcome.findings.len();
}

/// How a run ends: 2 when a fix was left alone, else the outcome's code at the fail level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub code: u8,
    pub fail_level: Severity,
    /// The errors among the findings judged.
    pub errors: usize,
}

impl Verdict {
    pub fn of(outcome: &Outcome, fail_level: Severity, fixes_left_alone: bool) -> Verdict {
        let code = if fixes_left_alone {
            2
        } else {
            outcome.exit_code_at(fail_level)
        };
        Verdict {
            code: code as u8,
            fail_level,
            errors: outcome.summary().errors,
        }
    }

    /// Failed only because the fail level is below error.
    pub fn failed_without_errors(&self) -> bool {
        self.code == 1 && self.errors == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("errlint-run-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("openapi.yaml");
        std::fs::write(&path, text).unwrap();
        path
    }

    const FIXABLE: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        4xx: {description: x, content: {application/json: {schema: {type: object, required: [code], properties: {code: {type: string}}}}}}\n";

    /// The steps the command line takes, driven from a test: gather, plan, write, lint again,
    /// judge.
    #[test]
    fn a_run_fixes_then_lints_what_it_wrote() {
        let path = scratch("fix", FIXABLE);
        let options = Options::default();
        let inputs = Inputs::gather(std::slice::from_ref(&path), None, &options).unwrap();
        let before = inputs.lint(&options);
        assert!(
            before
                .findings
                .iter()
                .any(|f| f.rule == "error-status-known")
        );
        let plan = inputs.plan_fixes(&options, false);
        assert_eq!(plan.files.len(), 1);
        let written = write_fixes(&plan, &inputs.trees());
        assert!(written.iter().all(|(_, result)| result.is_ok()));
        assert!(std::fs::read_to_string(&path).unwrap().contains("4XX:"));
        let after = inputs.lint(&options);
        assert!(
            !after
                .findings
                .iter()
                .any(|f| f.rule == "error-status-known")
        );
        let verdict = Verdict::of(&after, Severity::Warning, false);
        assert_eq!(verdict.code, 1, "the 5xx warning is left");
        assert!(verdict.failed_without_errors());
        assert_eq!(Verdict::of(&after, Severity::Warning, true).code, 2);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn standard_input_under_a_plain_name_is_linted_as_text() {
        let stdin = Stdin {
            name: STDIN_NAME.into(),
            text: FIXABLE.into(),
        };
        let inputs = Inputs {
            stdin: Some(stdin),
            ..Inputs::default()
        };
        let mut outcome = inputs.lint(&Options::default());
        assert!(outcome.findings.iter().all(|f| &*f.file == STDIN_NAME));
        keep_errors_only(&mut outcome);
        assert!(
            outcome
                .findings
                .iter()
                .all(|f| f.severity == Severity::Error)
        );
        assert!(outcome.level_hidden > 0);
    }
}
