//! `errlint PATH…` (and `errlint check PATH…`): the lint, as steps — options, inputs, the
//! check of every output, fixes, the lint, the baseline, the reports, the exit code.

use super::args::Cli;
use super::{
    Reports, apply_baseline, fail, fail_level, parse_formats, parse_level_setting, print,
    unreadable, write_stdout,
};
use errlint::baseline::Written;
use errlint::config::PROFILES;
use errlint::fix::FixedFile;
use errlint::output::{FixRefusal, Target};
use errlint::report::{self, Format, RenderOptions};
use errlint::run::{Inputs, Stdin, Verdict};
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
    let inputs = gather_inputs(cli, &options)?;
    // With `--write-baseline`, the baseline is the run's only output. Nothing errlint reads
    // may be written over: checked now for what is known, again once `$ref`s are followed.
    let baseline_target = cli.write_baseline.as_deref().map(Target::of);
    let targets: Vec<&Target> = match &baseline_target {
        Some(target) => vec![target],
        None => formats.iter().map(|(_, t)| t).collect(),
    };
    check_targets(&targets, &named_inputs(cli, &inputs))?;
    let fixes_left_alone = if cli.fix {
        match fix(cli, &inputs, &options, &targets)? {
            FixOutcome::Previewed(code) => return Ok(code),
            FixOutcome::Written { all } => !all,
        }
    } else {
        false
    };
    let mut outcome = inputs.lint(&options);
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
    let fail_level = fail_level(cli.fail_level, cli.deny_warnings);
    let verdict = Verdict::of(&outcome, fail_level, fixes_left_alone);
    if cli.errors_only {
        errlint::run::keep_errors_only(&mut outcome);
    }
    report(cli, &outcome, formats)?;
    let code = say_verdict(cli, verdict, &outcome, concise_to_stdout);
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

/// The inputs the command line names: paths, and `-` for standard input.
fn gather_inputs(cli: &Cli, options: &Options) -> Step<Inputs> {
    let from_stdin = cli.files.iter().any(|f| f.as_os_str() == "-");
    let named: Vec<PathBuf> = cli
        .files
        .iter()
        .filter(|f| f.as_os_str() != "-")
        .cloned()
        .collect();
    let stdin = if from_stdin {
        Some(Stdin {
            name: cli.stdin_filename.clone(),
            text: read_stdin(options.limits.max_file_bytes)?,
        })
    } else {
        None
    };
    Inputs::gather(&named, stdin, options).map_err(|m| fail(&m))
}

/// The files known to be read before linting: documents, configs, the baseline.
fn named_inputs(cli: &Cli, inputs: &Inputs) -> Vec<PathBuf> {
    let discovered = inputs
        .paths
        .iter()
        .filter_map(|p| errlint::config::discover(p));
    inputs
        .paths
        .iter()
        .cloned()
        .chain(cli.contract.config.clone())
        .chain(cli.baseline.clone())
        .chain(discovered)
        .collect()
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
    if inputs.stdin.is_some() && !cli.diff {
        return Err(fail(
            "--fix cannot write to standard input: use `--fix --diff`",
        ));
    }
    let plan = inputs.plan_fixes(options, cli.unsafe_fixes);
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
    let all = say_fixes_written(&errlint::run::write_fixes(&plan, &inputs.trees()));
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

/// Says what each fixed file got, or why it was left alone. Returns whether every file was
/// written.
fn say_fixes_written(written: &[(&FixedFile, Result<(), FixRefusal>)]) -> bool {
    let mut files = 0;
    let mut count = 0;
    for (file, result) in written {
        if let Err(refusal) = result {
            eprintln!("error: {} was left alone: {refusal}", file.name);
            continue;
        }
        files += 1;
        count += file.applied.len();
        for (line, rule, title) in &file.applied {
            eprintln!("fixed {}:{line}: {title} [{rule}]", file.name);
        }
    }
    eprintln!(
        "applied {count} fix{} in {files} file{}",
        if count == 1 { "" } else { "es" },
        if files == 1 { "" } else { "s" }
    );
    files == written.len()
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

/// Says, after the report, the count a concise report on standard output is followed by, and
/// why a run without errors failed; gives the exit code.
fn say_verdict(
    cli: &Cli,
    verdict: Verdict,
    outcome: &Outcome,
    concise_to_stdout: bool,
) -> ExitCode {
    if !cli.quiet && !cli.statistics && concise_to_stdout {
        // As ruff does: the count after one-line findings, on standard error so that the
        // report stays one finding a line.
        eprintln!("{}", report::summary_line(outcome));
        if let Some(hint) = report::summary_hint(outcome) {
            eprintln!("{hint}");
        }
    }
    if verdict.failed_without_errors() && !cli.quiet {
        let level = if verdict.fail_level == Severity::Info {
            "info"
        } else {
            "warning"
        };
        eprintln!(
            "failed: there are no errors, but the fail level is {level} (--fail-level / --deny-warnings)"
        );
    }
    ExitCode::from(verdict.code)
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
