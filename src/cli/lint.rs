//! `errlint PATH…` (and `errlint check PATH…`): the lint, as steps — options, inputs, the
//! check of every output, fixes, the lint, the baseline, the reports, the exit code.

use super::args::Cli;
use super::{
    Reports, apply_baseline, fail, fail_level, parse_formats, parse_level_setting, print,
    unreadable, write_stdout,
};
use errlint::baseline::Written;
use errlint::config::PROFILES;
use errlint::output::Target;
use errlint::report::{self, Format, RenderOptions};
use errlint::{Options, Outcome, Severity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A step that ended the run has said why; its exit code is all that is left.
type Step<T> = Result<T, ExitCode>;

/// Runs the lint as the command line asks.
pub fn lint(cli: &Cli) -> ExitCode {
    run(cli).unwrap_or_else(|code| code)
}

/// `errlint check PATH…` is `errlint PATH…` said explicitly, for a folder named like a
/// command (`errlint check docs`).
pub fn check(args: &[std::ffi::OsString]) -> ExitCode {
    use clap::Parser;
    let argv = std::iter::once(std::ffi::OsString::from("errlint"))
        .chain(args.iter().cloned())
        .chain(args.is_empty().then(|| "--help".into()));
    let checked = Cli::parse_from(argv);
    if checked.command.is_some() {
        return fail("`errlint check` takes paths and flags, not another command");
    }
    lint(&checked)
}

fn run(cli: &Cli) -> Step<ExitCode> {
    let formats = parse_formats(&cli.format, cli.output.as_ref()).map_err(|m| fail(&m))?;
    use_threads(cli.threads)?;
    let options = options_of(cli).map_err(|m| fail(&m))?;
    if let Some(document) = &cli.show_config {
        return Ok(show_config(document, &options));
    }
    let inputs = Inputs::gather(cli, &options)?;
    // With `--write-baseline`, the baseline is the run's only output. Nothing errlint reads
    // may be written over: checked now for what is known, again once `$ref`s are followed.
    let baseline_target = cli.write_baseline.as_deref().map(Target::of);
    let targets: Vec<&Target> = match &baseline_target {
        Some(target) => vec![target],
        None => formats.iter().map(|(_, t)| t).collect(),
    };
    check_targets(&targets, &inputs.named_inputs(cli))?;
    let fixes_left_alone = if cli.fix {
        match fix(cli, &inputs, &options, &targets)? {
            FixOutcome::Previewed(code) => return Ok(code),
            FixOutcome::Written { all } => !all,
        }
    } else {
        false
    };
    let mut outcome = inputs.lint(cli, &options);
    check_targets(&targets, &outcome.read)?;
    if let Some(path) = &cli.write_baseline {
        // A fix left alone is a failure whatever else the run did.
        let written = write_baseline(&outcome, path)?;
        return Ok(if fixes_left_alone {
            ExitCode::from(2)
        } else {
            written
        });
    }
    if let Some(path) = &cli.baseline {
        apply_baseline(&mut outcome, path, &options)?;
    }
    let concise_to_stdout = formats
        .iter()
        .any(|(format, target)| *format == Format::Concise && *target == Target::Stdout);
    // The exit code judges every finding, shown or not.
    let verdict = Verdict::of(cli, &outcome, fixes_left_alone);
    if cli.errors_only {
        let before = outcome.findings.len();
        outcome.findings.retain(|f| f.severity == Severity::Error);
        outcome.level_hidden = before - outcome.findings.len();
    }
    report(cli, &outcome, formats)?;
    let code = verdict.say(cli, &outcome, concise_to_stdout);
    // The process ends here: freeing every file's text and tape one by one would only cost
    // time (3% of a folder's run).
    std::mem::forget(outcome);
    Ok(code)
}

/// `--threads N` sizes the one pool every stage uses (the folder search, the lint and the
/// report), at most one thread per core: a pool per stage made the report fault in fresh
/// pages on threads of its own, and more threads than cores only cost start-up time.
fn use_threads(threads: Option<usize>) -> Step<()> {
    let Some(n) = threads else { return Ok(()) };
    let usable = std::thread::available_parallelism().map_or(1, usize::from);
    let n = n.clamp(1, usable);
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| fail(&format!("cannot start {n} threads: {e}")))
}

/// The library's options from the command line: rule levels, allowed folders, the size cap
/// and where the contract comes from.
fn options_of(cli: &Cli) -> Result<Options, String> {
    let mut options = Options::default();
    for setting in &cli.rules {
        let (id, level) = parse_rule_setting(setting)?;
        options.severities.insert(id, level);
    }
    options.external_roots = cli.allow_external_refs.clone();
    options.limits.max_file_bytes = cli.max_file_size;
    if let Some(message) = command_line_config_error(cli) {
        return Err(message);
    }
    options.config = cli.contract.choice();
    Ok(options)
}

/// What the run lints: the documents found from the paths named, the named files that are
/// fragments no document uses, and standard input.
struct Inputs {
    paths: Vec<PathBuf>,
    unused_fragments: Vec<PathBuf>,
    stdin_text: Option<String>,
}

impl Inputs {
    fn gather(cli: &Cli, options: &Options) -> Step<Inputs> {
        let from_stdin = cli.files.iter().any(|f| f.as_os_str() == "-");
        let named: Vec<PathBuf> = cli
            .files
            .iter()
            .filter(|f| f.as_os_str() != "-")
            .cloned()
            .collect();
        let paths = errlint::inputs::expand(&named).map_err(|m| fail(&m))?;
        let (paths, unused_fragments) = errlint::resolve_fragments(paths, &named, options);
        let stdin_text = if from_stdin {
            Some(read_stdin(options.limits.max_file_bytes)?)
        } else {
            None
        };
        Ok(Inputs {
            paths,
            unused_fragments,
            stdin_text,
        })
    }

    /// The files known to be read before linting: documents, configs, the baseline.
    fn named_inputs(&self, cli: &Cli) -> Vec<PathBuf> {
        self.paths
            .iter()
            .cloned()
            .chain(cli.contract.config.clone())
            .chain(cli.baseline.clone())
            .chain(
                self.paths
                    .iter()
                    .filter_map(|p| errlint::config::discover(p)),
            )
            .collect()
    }

    fn lint(&self, cli: &Cli, options: &Options) -> Outcome {
        let mut outcome = errlint::lint_paths(&self.paths, options);
        if !self.unused_fragments.is_empty() {
            let unused = self.unused_fragments.iter();
            outcome.absorb_all(unused.map(|f| errlint::unused_fragment(f)));
        }
        if let Some(text) = &self.stdin_text {
            // With a real path as its name, stdin is linted as that file would be.
            let named = Path::new(&cli.stdin_filename);
            let at_a_path = named
                .parent()
                .is_some_and(|folder| folder.as_os_str().is_empty() || folder.is_dir())
                && cli.stdin_filename != "<stdin>";
            let linted = if at_a_path {
                errlint::lint_text_at(named, text, options)
            } else {
                errlint::lint_text(&cli.stdin_filename, text, options)
            };
            outcome.absorb(linted);
        }
        outcome
    }
}

fn read_stdin(limit: u64) -> Step<String> {
    let read = errlint::document::source::read_capped(std::io::stdin().lock(), limit);
    match read.map(String::from_utf8) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(_)) => Err(fail("standard input is not UTF-8 text")),
        Err(refusal) => Err(fail(&format!("cannot read standard input: {refusal}"))),
    }
}

fn check_targets(targets: &[&Target], inputs: &[PathBuf]) -> Step<()> {
    let inputs = inputs.iter().map(PathBuf::as_path);
    errlint::output::check_targets(targets, inputs).map_err(|m| fail(&m))
}

/// How `--fix` ended: a preview printed (and the run is over), or fixes written.
enum FixOutcome {
    Previewed(ExitCode),
    Written { all: bool },
}

fn fix(cli: &Cli, inputs: &Inputs, options: &Options, targets: &[&Target]) -> Step<FixOutcome> {
    if inputs.stdin_text.is_some() && !cli.diff {
        return Err(fail(
            "--fix cannot write to standard input: use `--fix --diff`",
        ));
    }
    let plan = errlint::fix::plan(cli.unsafe_fixes, |overlay| {
        inputs.lint(
            cli,
            &Options {
                overlay,
                ..options.clone()
            },
        )
    });
    if cli.diff {
        let diffs: String = plan.files.iter().map(errlint::fix::unified_diff).collect();
        let _ = write_stdout(&diffs);
        say_unsafe_left(plan.unsafe_left);
        // 2 when something could not be linted, as a lint says; else 1 when there is
        // something to fix.
        let code = if plan.unlinted {
            2
        } else {
            u8::from(!plan.files.is_empty())
        };
        return Ok(FixOutcome::Previewed(ExitCode::from(code)));
    }
    // The files `$ref`s reached are known now: no report may go over one of them, and that is
    // said before any fix is written.
    check_targets(targets, &plan.read)?;
    let trees: Vec<PathBuf> = inputs
        .paths
        .iter()
        .filter_map(|p| errlint::document::source::tree_of(p))
        .collect();
    let all = write_fixes(&plan.files, &trees);
    say_unsafe_left(plan.unsafe_left);
    Ok(FixOutcome::Written { all })
}

/// Says how many unsafe fixes `--fix` left out, and how to apply them.
fn say_unsafe_left(n: usize) {
    if n > 0 {
        eprintln!(
            "{n} unsafe fix{} not applied: they change the API's contract; `--fix --unsafe-fixes` applies them",
            if n == 1 { " was" } else { "es were" }
        );
    }
}

/// Writes each fixed file, or says why it was left alone; reports what was applied. Returns
/// whether every file was written.
fn write_fixes(fixed: &[errlint::fix::FixedFile], trees: &[PathBuf]) -> bool {
    let mut written = 0;
    let mut count = 0;
    for file in fixed {
        let replaced = errlint::output::replace_fixed(
            &file.path,
            file.before.as_bytes(),
            file.after.as_bytes(),
            trees,
        );
        if let Err(refusal) = replaced {
            eprintln!("error: {} was left alone: {refusal}", file.name);
            continue;
        }
        written += 1;
        count += file.applied.len();
        for (line, rule, title) in &file.applied {
            eprintln!("fixed {}:{line}: {title} [{rule}]", file.name);
        }
    }
    eprintln!(
        "applied {count} fix{} in {written} file{}",
        if count == 1 { "" } else { "es" },
        if written == 1 { "" } else { "s" }
    );
    written == fixed.len()
}

fn write_baseline(outcome: &Outcome, path: &Path) -> Step<ExitCode> {
    match errlint::baseline::write(outcome, path) {
        Ok(Written::Entries(n)) => eprintln!("wrote {n} baseline entries to {}", path.display()),
        Ok(Written::KeptOld) => eprintln!(
            "{} was not written: some files could not be linted (run without --write-baseline to see why)",
            path.display()
        ),
        Err(message) => return Err(fail(&message)),
    }
    Ok(ExitCode::from(
        outcome.exit_code_after_writing_baseline() as u8
    ))
}

/// Writes the reports; with `--statistics`, the table takes standard output and reports to
/// files are still written.
fn report(cli: &Cli, outcome: &Outcome, formats: Vec<(Format, Target)>) -> Step<()> {
    let formats = if cli.statistics {
        let mut table = report::statistics(outcome);
        if !cli.quiet {
            table.push_str(&report::summary_line(outcome));
            table.push('\n');
        }
        if let Err(e) = write_stdout(&table) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(fail(&format!("cannot write to standard output: {e}")));
            }
        }
        formats
            .into_iter()
            .filter(|(_, target)| *target != Target::Stdout)
            .collect()
    } else {
        formats
    };
    let rules = RenderOptions::plain(Format::Pretty).rules;
    let reports = Reports {
        color: cli.color,
        rules: &rules,
        quiet: cli.quiet,
    };
    reports.write(outcome, formats)
}

/// How the run ends: 2 when a fix was left alone, else the outcome's code at the fail level,
/// judged on every finding before any is hidden from the report.
struct Verdict {
    code: u8,
    fail_level: Severity,
    errors: usize,
}

impl Verdict {
    fn of(cli: &Cli, outcome: &Outcome, fixes_left_alone: bool) -> Verdict {
        let fail_level = fail_level(cli.fail_level, cli.deny_warnings);
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

    /// Says, after the report, the count a concise report on standard output is followed by,
    /// and why a run without errors failed; gives the exit code.
    fn say(self, cli: &Cli, outcome: &Outcome, concise_to_stdout: bool) -> ExitCode {
        if !cli.quiet && !cli.statistics && concise_to_stdout {
            // As ruff does: the count after one-line findings, on standard error so that the
            // report stays one finding a line.
            eprintln!("{}", report::summary_line(outcome));
            if let Some(hint) = report::summary_hint(outcome) {
                eprintln!("{hint}");
            }
        }
        if self.code == 1 && self.errors == 0 && !cli.quiet {
            let level = if self.fail_level == Severity::Info {
                "info"
            } else {
                "warning"
            };
            eprintln!(
                "failed: there are no errors, but the fail level is {level} (--fail-level / --deny-warnings)"
            );
        }
        ExitCode::from(self.code)
    }
}

/// `--show-config PATH`: the layers, the effective contract and every level, for the document.
fn show_config(document: &Path, options: &Options) -> ExitCode {
    let file = match (&options.config.file, options.config.no_discovery) {
        (Some(file), _) => Some(file.clone()),
        (None, false) => errlint::config::discover(document),
        (None, true) => None,
    };
    // Named (and so shown in every layer) relative to the current folder, as the user would
    // name it.
    let cwd = std::env::current_dir().ok();
    let shown = file.as_ref().map(|f| {
        cwd.as_ref()
            .and_then(|c| f.strip_prefix(c).ok())
            .map_or(f.clone(), Path::to_path_buf)
    });
    let profile = options.config.profile.as_deref();
    match errlint::config::contract(shown.as_deref(), profile, &options.access()) {
        Ok(contract) => print(&errlint::config::show(
            &contract,
            shown.as_deref(),
            &options.severities,
        )),
        Err(errors) => unreadable(&Outcome {
            findings: errors.findings,
            sources: errors.sources,
            file_count: 1,
            ..Outcome::default()
        }),
    }
}

/// A `--profile` that names no profile, or a `--config` that names no file: usage errors,
/// said on standard error, not findings in a file called `--profile`.
fn command_line_config_error(cli: &Cli) -> Option<String> {
    if let Some(profile) = &cli.contract.profile {
        let is_path = [".yaml", ".yml", ".json"]
            .iter()
            .any(|e| profile.ends_with(e));
        if is_path && !Path::new(profile).is_file() {
            return Some(format!("--profile {profile}: no such file"));
        }
        if !is_path && errlint::config::builtin_profile(profile).is_none() {
            let names = PROFILES.iter().map(|(n, _)| *n);
            let hint = errlint::suggest::closest(profile, names.clone())
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            let all: Vec<&str> = names.collect();
            return Some(format!(
                "--profile {profile}: no such profile; {hint}the built-in profiles are {}",
                all.join(", ")
            ));
        }
    }
    match &cli.contract.config {
        Some(config) if !config.is_file() => {
            Some(format!("--config {}: no such file", config.display()))
        }
        _ => None,
    }
}

/// `--rule ID=LEVEL`: the rule's id (a renamed id is taken as its new one) and its level,
/// `None` for off.
fn parse_rule_setting(setting: &str) -> Result<(String, Option<Severity>), String> {
    let known = |id: &str| errlint::rules::find(id).map(|rule| rule.id);
    let ids = errlint::rules::ALL.iter().map(|m| m.id);
    parse_level_setting(setting, ("rule", "errlint rules"), known, ids)
}
