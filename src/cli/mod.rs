//! The command line of the `errlint` binary: its arguments (`args`), one file per command,
//! and what they share here: printing, failing, and writing reports to their targets. Every
//! decision about documents, contracts and findings is the library's; this layer turns
//! arguments into calls and outcomes into bytes and exit codes.

pub mod args;
pub mod diff;
pub mod info;
pub mod init;
pub mod lint;
pub mod page;
pub mod traffic;

use args::{ColorChoice, FailLevel};
use errlint::output::Target;
use errlint::report::{self, Format, RenderOptions};
use errlint::{Options, Outcome, Severity};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Says what went wrong on standard error; exit code 2.
pub fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Prints to standard output; a reader that went away (`errlint … | head -1`) is no failure.
pub fn print(text: &str) -> ExitCode {
    match write_stdout(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

/// Writes to standard output. A reader that went away is a `BrokenPipe` the callers end
/// quietly on.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    Target::Stdout.write(text.as_bytes())
}

/// Writes a page or a config to its target; a reader of standard output that went away is no
/// failure.
pub fn write_to(target: &Target, bytes: &[u8]) -> ExitCode {
    match target.write(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write {}: {e}", target.name())),
    }
}

/// Shows why a document could not be read (as a lint would) and exits with 2.
pub fn unreadable(outcome: &errlint::Outcome) -> ExitCode {
    let rules = RenderOptions::plain(Format::Pretty).rules;
    let reports = Reports {
        color: ColorChoice::Auto,
        rules: &rules,
        quiet: false,
    };
    let _ = reports.write(outcome, vec![(Format::Pretty, Target::Stdout)]);
    ExitCode::from(2)
}

/// Where each requested report goes: standard output unless `FORMAT=PATH` or `--output` says
/// otherwise (`-` is standard output there too).
pub fn parse_formats(
    formats: &[String],
    output: Option<&PathBuf>,
) -> Result<Vec<(Format, Target)>, String> {
    let mut outputs = Vec::new();
    for spec in formats {
        let (name, target) = match (spec.split_once('='), output) {
            (Some((name, path)), _) => (name, Target::of(std::path::Path::new(path))),
            (None, Some(path)) => (spec.as_str(), Target::of(path)),
            (None, None) => (spec.as_str(), Target::Stdout),
        };
        let format = Format::parse(name).ok_or_else(|| {
            format!(
                "unknown format `{name}`: use one of {}",
                Format::NAMES.join(", ")
            )
        })?;
        outputs.push((format, target));
    }
    Ok(outputs)
}

/// How reports are rendered: colours, the rules they describe, and whether the summary line
/// is left out.
pub struct Reports<'a> {
    pub color: ColorChoice,
    pub rules: &'a [report::RuleInfo],
    pub quiet: bool,
}

impl Reports<'_> {
    /// Renders the outcome in each format, to its target. An error has been said when it
    /// returns `Err`, with the exit code to end on.
    pub fn write(
        &self,
        outcome: &errlint::Outcome,
        formats: Vec<(Format, Target)>,
    ) -> Result<(), ExitCode> {
        self.write_with_trailer(outcome, formats, "")
    }

    /// [`Reports::write`], with `trailer` after the pretty report (a view that is no finding,
    /// such as check-traffic's coverage).
    pub fn write_with_trailer(
        &self,
        outcome: &errlint::Outcome,
        formats: Vec<(Format, Target)>,
        trailer: &str,
    ) -> Result<(), ExitCode> {
        let stdout_is_terminal = std::io::stdout().is_terminal();
        for (format, target) in formats {
            let to_stdout = target == Target::Stdout;
            let color = to_stdout
                && match self.color {
                    ColorChoice::Always => true,
                    ColorChoice::Never => false,
                    ColorChoice::Auto => {
                        stdout_is_terminal
                            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    }
                };
            let rendered = report::render_parts(
                outcome,
                &RenderOptions {
                    color,
                    width: pretty_width(to_stdout && stdout_is_terminal),
                    rules: self.rules.to_vec(),
                    quiet: self.quiet,
                    ..RenderOptions::plain(format)
                },
            );
            let trailer = if format == Format::Pretty {
                trailer
            } else {
                ""
            };
            let written = target.write_with(|out| {
                rendered.write_to(out)?;
                out.write_all(trailer.as_bytes())
            });
            match written {
                Ok(()) => {}
                // The reader has what it wanted; the exit code still says how the run went.
                Err(e) if to_stdout && e.kind() == std::io::ErrorKind::BrokenPipe => break,
                Err(e) if to_stdout => {
                    return Err(fail(&format!("cannot write to standard output: {e}")));
                }
                Err(e) => return Err(fail(&format!("cannot write {}: {e}", target.name()))),
            }
        }
        Ok(())
    }
}

/// The pretty format's width: the terminal's when it prints to one, otherwise fixed, so that
/// a file, a pipe or a CI log gets the same bytes wherever it was made.
fn pretty_width(to_terminal: bool) -> usize {
    const FIXED: usize = 100;
    const NARROWEST: usize = 40;
    if !to_terminal {
        return FIXED;
    }
    terminal_size::terminal_size().map_or(FIXED, |(width, _)| usize::from(width.0).max(NARROWEST))
}

/// `ID=LEVEL` from `--rule`: `known` gives the current id of a name of this kind (rule,
/// change), `ids` are the names a typo is matched against, and `lister` is the command that
/// lists them.
pub fn parse_level_setting<'a>(
    setting: &str,
    (kind, lister): (&str, &str),
    known: impl Fn(&str) -> Option<&'static str>,
    ids: impl Iterator<Item = &'a str>,
) -> Result<(String, Option<Severity>), String> {
    let (id, level) = setting.split_once('=').ok_or_else(|| {
        format!("`--rule {setting}`: expected RULE=LEVEL, e.g. error-status-coverage=error")
    })?;
    let Some(id) = known(id) else {
        let hint = errlint::suggest::closest(id, ids)
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        return Err(format!(
            "unknown {kind} `{id}`: {hint}`{lister}` lists them"
        ));
    };
    let level = match level {
        "off" => None,
        "info" => Some(Severity::Info),
        "warning" => Some(Severity::Warning),
        "error" => Some(Severity::Error),
        other => {
            return Err(format!(
                "`{other}` is not a level: use off, info, warning or error"
            ));
        }
    };
    Ok((id.to_string(), level))
}

/// The lowest level that fails the run, from `--fail-level` and `--deny-warnings`.
pub fn fail_level(level: Option<FailLevel>, deny_warnings: bool) -> Severity {
    match (level, deny_warnings) {
        (Some(FailLevel::Info), _) => Severity::Info,
        (Some(FailLevel::Warning), _) | (None, true) => Severity::Warning,
        _ => Severity::Error,
    }
}

/// Hides the findings the baseline at `path` lists, and says how many of its entries matched
/// nothing.
pub fn apply_baseline(
    outcome: &mut Outcome,
    path: &Path,
    options: &Options,
) -> Result<(), ExitCode> {
    let stale = errlint::run::apply_baseline(outcome, path, options).map_err(|m| fail(&m))?;
    if stale > 0 {
        eprintln!(
            "{stale} baseline entries no longer match anything: run --write-baseline again to drop them"
        );
    }
    Ok(())
}
