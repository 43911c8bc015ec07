//! `errlint init`: a commented errlint.yaml in the current folder.

use super::{fail, print, unreadable, write_to};
use errlint::Options;
use errlint::output::Target;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn init(profile: &str, from: Option<&Path>, force: bool) -> ExitCode {
    if errlint::config::builtin_profile(profile).is_none() {
        return fail(&format!(
            "unknown profile `{profile}`: `errlint profiles` lists them"
        ));
    }
    let path = PathBuf::from("errlint.yaml");
    // A link counts as existing, even a dangling one: writing through it would create a file
    // wherever it points.
    if path.symlink_metadata().is_ok() && !force {
        return fail("errlint.yaml already exists (use --force to overwrite it)");
    }
    let target = Target::of(&path);
    if let Err(message) = errlint::output::check_targets(&[&target], from) {
        return fail(&message);
    }
    let (text, said) = match from {
        Some(document) => match errlint::infer::infer_path(document, &Options::default()) {
            Ok(inferred) => (
                errlint::config::init_text_from(&inferred.to_yaml()),
                format!("the contract {} follows", document.display()),
            ),
            Err(outcome) => return unreadable(&outcome),
        },
        None => (
            errlint::config::init_text(profile),
            format!("extends: {profile}"),
        ),
    };
    match write_to(&target, text.as_bytes()) {
        code if code == ExitCode::SUCCESS => print(&format!("wrote errlint.yaml ({said})\n")),
        code => code,
    }
}
