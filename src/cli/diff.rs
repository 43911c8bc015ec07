//! `errlint diff`: the error contract of two versions of a document, or of each document
//! against itself at a git revision.

use super::args::DiffArgs;
use super::{Reports, apply_baseline, fail, fail_level, parse_formats, parse_level_setting};
use errlint::Options;
use errlint::output::Target;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn diff(args: &DiffArgs) -> ExitCode {
    run(args).unwrap_or_else(|code| code)
}

fn run(args: &DiffArgs) -> Result<ExitCode, ExitCode> {
    let formats =
        parse_formats(&args.report.format, args.report.output.as_ref()).map_err(|m| fail(&m))?;
    let options = options_of(args).map_err(|m| fail(&m))?;
    // A revision's files are written to a temporary folder: a signal must not leave it behind.
    errlint::diff::remove_on_signals().map_err(|m| fail(&m))?;
    let mut outcome = match (args.base.as_deref(), args.documents.as_slice()) {
        (Some(rev), files) => {
            let named: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
            let paths = errlint::inputs::expand(&named).map_err(|m| fail(&m))?;
            errlint::diff::diff_against(rev, &paths, &options)
        }
        (None, [before, after]) => errlint::diff::diff(
            &errlint::diff::Input::parse(before),
            &errlint::diff::Input::parse(after),
            &options,
        ),
        (None, _) => {
            return Err(fail(
                "`errlint diff` compares two documents, BASE and NEW; with `--base REV`, each document named is compared with itself at REV",
            ));
        }
    };
    let targets: Vec<&Target> = formats.iter().map(|(_, t)| t).collect();
    let inputs = outcome.read.iter().map(PathBuf::as_path);
    errlint::output::check_targets(&targets, inputs).map_err(|m| fail(&m))?;
    if let Some(path) = &args.baseline {
        apply_baseline(&mut outcome, path, &options)?;
    }
    let rules = errlint::catalog::change_infos();
    let reports = Reports {
        color: args.report.color,
        rules: &rules,
        quiet: args.report.quiet,
    };
    reports.write(&outcome, formats)?;
    let code = outcome.exit_code_at(fail_level(
        args.report.fail_level,
        args.report.deny_warnings,
    ));
    Ok(ExitCode::from(code as u8))
}

/// The library's options: where the contract comes from, and the change levels of `--rule`.
fn options_of(args: &DiffArgs) -> Result<Options, String> {
    let mut options = args.contract.options();
    for setting in &args.rules {
        let known = |id: &str| errlint::diff::find(id).map(|change| change.id);
        let ids = errlint::diff::CHANGES.iter().map(|c| c.id);
        let (id, level) = parse_level_setting(setting, ("change", "errlint rules"), known, ids)?;
        options.severities.insert(id, level);
    }
    Ok(options)
}
