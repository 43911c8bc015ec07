//! `errlint diff`: the error contract of two versions of a document, or of each document
//! against itself at a git revision.

use super::args::ColorChoice;
use super::{Reports, fail, parse_formats};
use errlint::Options;
use errlint::output::Target;
use std::path::PathBuf;
use std::process::ExitCode;

/// What `errlint diff` was asked.
pub struct DiffRequest<'a> {
    pub documents: &'a [String],
    pub base: Option<&'a str>,
    pub formats: &'a [String],
    pub output: Option<&'a PathBuf>,
    pub options: Options,
    pub color: ColorChoice,
}

pub fn diff(request: DiffRequest<'_>) -> ExitCode {
    let formats = match parse_formats(request.formats, request.output) {
        Ok(formats) => formats,
        Err(message) => return fail(&message),
    };
    let options = &request.options;
    // A revision's files are written to a temporary folder: a signal must not leave it behind.
    if let Err(message) = errlint::diff::remove_on_signals() {
        return fail(&message);
    }
    let outcome = match (request.base, request.documents) {
        (Some(rev), files) => {
            let named: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
            match errlint::inputs::expand(&named) {
                Ok(paths) => errlint::diff::diff_against(rev, &paths, options),
                Err(message) => return fail(&message),
            }
        }
        (None, [before, after]) => errlint::diff::diff(
            &errlint::diff::Input::parse(before),
            &errlint::diff::Input::parse(after),
            options,
        ),
        (None, _) => {
            return fail(
                "`errlint diff` compares two documents, BASE and NEW; with `--base REV`, each document named is compared with itself at REV",
            );
        }
    };
    let targets: Vec<&Target> = formats.iter().map(|(_, t)| t).collect();
    let inputs = outcome.read.iter().map(PathBuf::as_path);
    if let Err(message) = errlint::output::check_targets(&targets, inputs) {
        return fail(&message);
    }
    let rules = errlint::catalog::change_infos();
    let reports = Reports {
        color: request.color,
        rules: &rules,
        quiet: false,
    };
    if let Err(code) = reports.write(&outcome, formats) {
        return code;
    }
    ExitCode::from(outcome.exit_code(false) as u8)
}
