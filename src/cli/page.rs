//! `errlint contract` and `errlint docs`: what a document says of its errors, as a contract or
//! as the API's error reference page.

use super::args::{ContractFormat, PageFormat};
use super::{fail, print, unreadable, write_to};
use errlint::Options;
use errlint::output::Target;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `errlint contract DOC`: the contract the document follows today.
pub fn contract(document: &Path, format: ContractFormat) -> ExitCode {
    match errlint::infer::infer_path(document, &Options::default()) {
        Ok(inferred) => match format {
            ContractFormat::Json => print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&inferred).unwrap_or_default()
            )),
            ContractFormat::Yaml => print(&inferred.to_yaml()),
        },
        Err(outcome) => unreadable(&outcome),
    }
}

/// `errlint docs DOC`: the reference page, to standard output or `--output`.
pub fn docs(
    document: &Path,
    format: PageFormat,
    output: Option<&Path>,
    options: &Options,
) -> ExitCode {
    let page = match errlint::reference_page::page_of(document, options) {
        Ok(page) => page,
        Err(outcome) => return unreadable(&outcome),
    };
    let text = match format {
        PageFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&page).unwrap_or_default()
        ),
        PageFormat::Markdown => page.to_markdown(),
    };
    let target = output.map_or(Target::Stdout, Target::of);
    let discovered = errlint::config::discover(document);
    let inputs = std::iter::once(document)
        .chain(page.read.iter().map(PathBuf::as_path))
        .chain(options.config.file.as_deref())
        .chain(discovered.as_deref());
    if let Err(message) = errlint::output::check_targets(&[&target], inputs) {
        return fail(&message);
    }
    write_to(&target, text.as_bytes())
}
