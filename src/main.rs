//! The `errlint` command: parses arguments, calls the library, prints, and maps the outcome to
//! an exit code.

use clap::{Parser, Subcommand};
use errlint::baseline::Written;
use errlint::config::{ConfigChoice, PROFILES};
use errlint::output::Target;
use errlint::report::{self, Format, RenderOptions};
use errlint::{Options, Severity};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Lint the error handling of OpenAPI documents.
#[derive(Parser, Debug)]
#[command(name = "errlint", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// OpenAPI documents (2.0, 3.0, 3.1, 3.2; YAML or JSON), directories to search for them
    /// (respecting .gitignore), glob patterns, or `-` for standard input.
    #[arg(required_unless_present = "show_config", value_name = "PATH")]
    files: Vec<PathBuf>,

    /// Print the effective contract and rule levels for the document at PATH, and which
    /// config file and profiles produced them, lowest layer first.
    #[arg(long, value_name = "PATH")]
    show_config: Option<PathBuf>,

    /// The name reported for a document read from standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_filename: String,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Record today's findings in FILE (then exit 0, unless something could not be linted).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,

    /// Output format: pretty, concise, json, sarif, github, gitlab, junit. Repeatable, and
    /// `FORMAT=PATH` writes that format to a file: `--format pretty --format sarif=errlint.sarif`.
    #[arg(long, value_name = "FORMAT[=PATH]", default_value = "pretty")]
    format: Vec<String>,

    /// Write the report to FILE instead of standard output (the exit code is unchanged).
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Exit with 1 when there are warnings, too (the same as `--fail-level warning`).
    #[arg(long)]
    deny_warnings: bool,

    /// The lowest level that makes the run fail (exit 1): error, warning or info.
    #[arg(long, value_name = "LEVEL", value_parser = ["error", "warning", "info"])]
    fail_level: Option<String>,

    /// Findings only: no summary line.
    #[arg(short, long)]
    quiet: bool,

    /// Print how many findings each rule has, most first, instead of the findings.
    #[arg(long)]
    statistics: bool,

    /// Apply the safe fixes (edits that change how the document is written, not what it
    /// promises) to the documents and the files they `$ref`, say what changed, then lint
    /// again and report what is left.
    #[arg(long)]
    fix: bool,

    /// With `--fix`: also apply the unsafe fixes, which change the API's contract (a code
    /// made required, a documented header removed). `errlint explain RULE` says why each is.
    #[arg(long, requires = "fix")]
    unsafe_fixes: bool,

    /// With `--fix`: print the fixes as a unified diff instead of writing them (exit 1 when
    /// there is something to fix).
    #[arg(long, requires = "fix")]
    diff: bool,

    #[command(flatten)]
    contract: ContractArgs,

    /// Set a rule's level, above every config: `--rule error-status-coverage=error`. Repeatable.
    #[arg(long = "rule", value_name = "RULE=LEVEL")]
    rules: Vec<String>,

    /// Let `$ref`s read files in DIR, outside the linted tree (the current folder, or the
    /// document's folder when it lies outside the current one). Repeatable.
    #[arg(long = "allow-external-refs", value_name = "DIR")]
    allow_external_refs: Vec<PathBuf>,

    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = errlint::Limits::default().max_file_bytes)]
    max_file_size: u64,

    /// Lint files on this many threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    /// When to use colours in the pretty format.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the rules, then the change ids of `errlint diff`: id, default level, summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule id, as `errlint rules` lists them.
        rule: String,
    },
    /// List the built-in error-contract profiles, or print one.
    Profiles {
        #[command(subcommand)]
        action: Option<ProfilesAction>,
    },
    /// Print the JSON Schema of errlint.yaml and profile files (for editors).
    Schema,
    /// Compare the error contract of two versions of a document.
    ///
    /// BASE and NEW are each a path,
    /// or `REV:PATH` read from git (`errlint diff origin/main:api/openapi.yaml
    /// api/openapi.yaml`); with `--base REV`, every document named (files, folders, globs) is
    /// compared with itself at REV. Breaking changes are errors unless the major of
    /// `info.version` increased.
    Diff {
        /// BASE and NEW; or, with `--base`, the documents.
        #[arg(required = true, value_name = "BASE NEW | FILES")]
        documents: Vec<String>,
        /// Compare each document with itself at this git revision (a new document is skipped).
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// Output format, as for linting: pretty, concise, json, sarif, github, gitlab, junit;
        /// `FORMAT=PATH` writes to a file. Repeatable.
        #[arg(long, value_name = "FORMAT[=PATH]", default_value = "pretty")]
        format: Vec<String>,
        /// Write the report to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        contract: ContractArgs,
        /// When to use colours in the pretty format.
        #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
        color: String,
    },
    /// Print the error contract a document follows today, as a profile.
    ///
    /// Each fact comes with how much of the document supports it.
    Contract {
        /// An OpenAPI document.
        document: PathBuf,
        /// yaml (a profile, commented) or json (the same facts with their counts).
        #[arg(long, default_value = "yaml", value_parser = ["yaml", "json"])]
        format: String,
    },
    /// Generate the API's error reference page (Markdown) from a document.
    ///
    /// The page gives the envelope, statuses, codes, retry hints and rate limits, and one
    /// canonical example per status.
    Docs {
        /// An OpenAPI document.
        document: PathBuf,
        /// markdown (a page readable on GitHub) or json (the same facts).
        #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
        format: String,
        /// Write the page to FILE (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        contract: ContractArgs,
    },
    /// Lint documents: `errlint check PATH…` is `errlint PATH…`.
    ///
    /// The explicit verb lints a folder named like a command (`errlint check docs`); so does
    /// `errlint ./docs`.
    Check {
        /// Paths and flags, as for `errlint PATH…`.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<std::ffi::OsString>,
    },
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    Completions {
        #[arg(value_parser = clap::value_parser!(clap_complete::Shell))]
        shell: clap_complete::Shell,
    },
    /// Print errlint's man page (roff), e.g. `errlint man > errlint.1`.
    Man,
    /// Run the language server on standard input and output (for editors).
    ///
    /// It lints each open OpenAPI document as you type, with the config the CLI would use,
    /// and offers the fixes and "ignore here" as code actions.
    Lsp {
        #[command(flatten)]
        contract: ContractArgs,
    },
    /// Write a commented errlint.yaml in the current folder.
    Init {
        /// The profile it extends.
        #[arg(long, default_value = "default", conflicts_with = "from")]
        profile: String,
        /// Write the contract this document follows today instead (`errlint contract`).
        #[arg(long, value_name = "DOCUMENT")]
        from: Option<PathBuf>,
        /// Overwrite an existing errlint.yaml.
        #[arg(long)]
        force: bool,
    },
}

/// Where a command finds the error contract (where codes live, rule and change levels).
#[derive(clap::Args, Debug)]
struct ContractArgs {
    /// The error contract: a built-in profile (`errlint profiles`); replaces the config's
    /// `extends`.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The config file; by default errlint.yaml or .errlint.yaml is searched for from each
    /// document's folder (for `diff`, NEW's) up to the repository root.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use no config file.
    #[arg(long)]
    no_config: bool,
}

impl ContractArgs {
    fn choice(&self) -> ConfigChoice {
        ConfigChoice {
            file: self.config.clone(),
            no_discovery: self.no_config,
            profile: self.profile.clone(),
        }
    }

    fn options(&self) -> Options {
        Options {
            config: self.choice(),
            ..Options::default()
        }
    }
}

#[derive(Subcommand, Debug)]
enum ProfilesAction {
    /// Print a profile's YAML.
    Show { name: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(command) => run_command(command),
        None => lint(&cli),
    }
}

/// `--show-config PATH`: the layers, the effective contract and every level, for the document.
fn show_config(document: &std::path::Path, options: &Options) -> ExitCode {
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
            .map_or(f.clone(), std::path::Path::to_path_buf)
    });
    match errlint::config::contract(
        shown.as_deref(),
        options.config.profile.as_deref(),
        &options.access(),
    ) {
        Ok(contract) => print(&errlint::config::show(
            &contract,
            shown.as_deref(),
            &options.severities,
        )),
        Err(errors) => {
            let mut outcome = errlint::Outcome::default();
            outcome.findings = errors.findings;
            outcome.sources = errors.sources;
            outcome.files = 1;
            unreadable(&outcome)
        }
    }
}

/// `errlint check PATH…` is `errlint PATH…` said explicitly, for a folder named like a
/// command (`errlint check docs`).
fn check(args: &[std::ffi::OsString]) -> ExitCode {
    let argv = std::iter::once(std::ffi::OsString::from("errlint"))
        .chain(args.iter().cloned())
        .chain(args.is_empty().then(|| "--help".into()));
    let checked = Cli::parse_from(argv);
    if checked.command.is_some() {
        return fail("`errlint check` takes paths and flags, not another command");
    }
    lint(&checked)
}

/// Writes a page or a config to its target; a reader of standard output that went away is no
/// failure.
fn write_to(target: &Target, bytes: &[u8]) -> ExitCode {
    match target.write(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write {}: {e}", target.name())),
    }
}

fn print(text: &str) -> ExitCode {
    match write_stdout(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

/// Writes to standard output. A reader that went away (`errlint … | head -1`) is a
/// `BrokenPipe` the callers end quietly on.
fn write_stdout(text: &str) -> std::io::Result<()> {
    Target::Stdout.write(text.as_bytes())
}

/// Shows why a document could not be read (as a lint would) and exits with 2.
fn unreadable(outcome: &errlint::Outcome) -> ExitCode {
    let rules = RenderOptions::plain(Format::Pretty).rules;
    let _ = write_reports(
        outcome,
        vec![(Format::Pretty, Target::Stdout)],
        "auto",
        &rules,
    );
    ExitCode::from(2)
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn run_command(command: &Command) -> ExitCode {
    match command {
        Command::Schema => print(&format!("{:#}\n", errlint::config::schema())),
        Command::Rules => {
            let width = errlint::rules::ALL
                .iter()
                .map(|r| r.id)
                .chain(errlint::diff::CHANGES.iter().map(|c| c.id))
                .map(str::len)
                .max()
                .unwrap_or(0);
            let mut table: String = errlint::rules::ALL
                .iter()
                .map(|r| {
                    format!(
                        "{:<width$}  {:<7}  {}\n",
                        r.id,
                        r.default_severity.as_str(),
                        r.summary
                    )
                })
                .collect();
            // The change ids of `errlint diff` take levels in `rules:` too.
            table.push_str("\nerrlint diff:\n");
            for change in errlint::diff::rule_infos() {
                table.push_str(&format!(
                    "{:<width$}  {:<7}  {}\n",
                    change.id,
                    change.level.as_str(),
                    change.summary
                ));
            }
            print(&table)
        }
        Command::Explain { rule } => {
            let problem = errlint::rules::PROBLEMS.iter().find(|(id, _)| id == rule);
            let change = errlint::diff::find(rule);
            match (errlint::rules::find(rule), problem, change) {
                (Some(meta), _, _) => print(&format!(
                    "# {}\n\nDefault level: {}.\n\n{}\n",
                    meta.id,
                    meta.default_severity,
                    errlint::rules::explain(meta).trim_end()
                )),
                (None, Some((id, text)), _) => print(&format!(
                    "# {id}\n\nA problem with the document, the config or the run, not a rule.\n\n{text}\n"
                )),
                (None, None, Some(meta)) => print(&format!(
                    "# {}\n\nA change that `errlint diff` reports (see {}).\n\n{}.\n",
                    meta.id,
                    errlint::report::docs_url(errlint::diff::DOCS_PAGE),
                    meta.summary
                )),
                (None, None, None) => fail(&format!(
                    "unknown rule `{rule}`: `errlint rules` lists them"
                )),
            }
        }
        Command::Profiles { action: None } => {
            let width = PROFILES.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
            let mut out = String::new();
            for (name, _) in PROFILES {
                let description = errlint::config::contract(None, Some(name), &Default::default())
                    .map(|c| c.description)
                    .unwrap_or_default();
                out.push_str(&format!("{name:<width$}  {description}\n"));
            }
            print(&out)
        }
        Command::Profiles {
            action: Some(ProfilesAction::Show { name }),
        } => match errlint::config::builtin_profile(name) {
            Some(text) => print(text),
            None => fail(&format!(
                "unknown profile `{name}`: `errlint profiles` lists them"
            )),
        },
        Command::Diff {
            documents,
            base,
            format,
            output,
            contract,
            color,
        } => {
            let formats = match parse_formats(format, output.as_ref()) {
                Ok(formats) => formats,
                Err(message) => return fail(&message),
            };
            let options = contract.options();
            let outcome = match (base, documents.as_slice()) {
                (Some(rev), files) => {
                    let named: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
                    match errlint::inputs::expand(&named) {
                        Ok(paths) => errlint::diff::diff_against(rev, &paths, &options),
                        Err(message) => return fail(&message),
                    }
                }
                (None, [before, after]) => errlint::diff::diff(
                    &errlint::diff::Input::parse(before),
                    &errlint::diff::Input::parse(after),
                    &options,
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
            let rules = errlint::diff::rule_infos();
            if let Err(code) = write_reports(&outcome, formats, color, &rules) {
                return code;
            }
            ExitCode::from(outcome.exit_code(false) as u8)
        }
        Command::Check { args } => check(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "errlint", &mut script);
            print(&String::from_utf8_lossy(&script))
        }
        Command::Lsp { contract } => {
            let options = Options {
                config: contract.choice(),
                ..Options::default()
            };
            match errlint::lsp::run_stdio(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("the language server stopped: {e}")),
            }
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => print(&String::from_utf8_lossy(&page)),
                Err(e) => fail(&format!("cannot render the man page: {e}")),
            }
        }
        Command::Contract { document, format } => {
            match errlint::infer::infer_path(document, &Options::default()) {
                Ok(inferred) if format == "json" => print(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&inferred).unwrap_or_default()
                )),
                Ok(inferred) => print(&inferred.to_yaml()),
                Err(outcome) => unreadable(&outcome),
            }
        }
        Command::Docs {
            document,
            format,
            output,
            contract,
        } => {
            let options = contract.options();
            let page = match errlint::docs::page_of(document, &options) {
                Ok(page) => page,
                Err(outcome) => return unreadable(&outcome),
            };
            let text = if format == "json" {
                format!(
                    "{}\n",
                    serde_json::to_string_pretty(&page).unwrap_or_default()
                )
            } else {
                page.to_markdown()
            };
            let target = output.as_deref().map_or(Target::Stdout, Target::of);
            let discovered = errlint::config::discover(document);
            let inputs = std::iter::once(document.as_path())
                .chain(page.read.iter().map(PathBuf::as_path))
                .chain(options.config.file.as_deref())
                .chain(discovered.as_deref());
            if let Err(message) = errlint::output::check_targets(&[&target], inputs) {
                return fail(&message);
            }
            write_to(&target, text.as_bytes())
        }
        Command::Init {
            profile,
            force,
            from,
        } => {
            if errlint::config::builtin_profile(profile).is_none() {
                return fail(&format!(
                    "unknown profile `{profile}`: `errlint profiles` lists them"
                ));
            }
            let path = PathBuf::from("errlint.yaml");
            // A link counts as existing, even a dangling one: writing through it would create
            // a file wherever it points.
            if path.symlink_metadata().is_ok() && !force {
                return fail("errlint.yaml already exists (use --force to overwrite it)");
            }
            let target = Target::of(&path);
            let read = from.iter().map(PathBuf::as_path);
            if let Err(message) = errlint::output::check_targets(&[&target], read) {
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
                code if code == ExitCode::SUCCESS => {
                    print(&format!("wrote errlint.yaml ({said})\n"))
                }
                code => code,
            }
        }
    }
}

/// Where each requested report goes: standard output unless `FORMAT=PATH` or `--output` says
/// otherwise (`-` is standard output there too).
fn parse_formats(
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

fn lint(cli: &Cli) -> ExitCode {
    let formats = match parse_formats(&cli.format, cli.output.as_ref()) {
        Ok(formats) => formats,
        Err(message) => return fail(&message),
    };
    // `--threads N` is every thread the run uses: the folder search, the lint and the report
    // share one pool. With a pool for each, the report ran on threads of its own whose
    // allocations all faulted in fresh pages: on the corpus folder it took as long on two
    // threads as on one, while `--threads 1` still rendered on two. More threads than cores
    // only cost start-up time (`--threads 100000` spawned threads for minutes).
    if let Some(n) = cli.threads {
        let usable = std::thread::available_parallelism().map_or(1, usize::from);
        let n = n.clamp(1, usable);
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
        {
            return fail(&format!("cannot start {n} threads: {e}"));
        }
    }
    let mut options = Options::default();
    for setting in &cli.rules {
        match parse_rule_setting(setting) {
            Ok((id, level)) => {
                options.severities.insert(id, level);
            }
            Err(message) => return fail(&message),
        }
    }
    options.external_roots = cli.allow_external_refs.clone();
    options.limits.max_file_bytes = cli.max_file_size;
    if let Some(message) = command_line_config_error(cli) {
        return fail(&message);
    }
    options.config = cli.contract.choice();
    if let Some(document) = &cli.show_config {
        return show_config(document, &options);
    }
    let from_stdin = cli.files.iter().any(|f| f.as_os_str() == "-");
    let named: Vec<PathBuf> = cli
        .files
        .iter()
        .filter(|f| f.as_os_str() != "-")
        .cloned()
        .collect();
    let paths = match errlint::inputs::expand(&named) {
        Ok(paths) => paths,
        Err(message) => return fail(&message),
    };
    let (paths, unused_fragments) = errlint::resolve_fragments(paths, &named, &options);
    // Nothing errlint reads may be written over: checked before linting for what is known
    // now, and again after it for the files `$ref`s reached.
    // With `--write-baseline`, the baseline is the run's only output.
    let baseline_target = cli.write_baseline.as_deref().map(Target::of);
    let targets: Vec<&Target> = match &baseline_target {
        Some(target) => vec![target],
        None => formats.iter().map(|(_, t)| t).collect(),
    };
    let named_inputs: Vec<PathBuf> = paths
        .iter()
        .cloned()
        .chain(cli.contract.config.clone())
        .chain(cli.baseline.clone())
        .chain(paths.iter().filter_map(|p| errlint::config::discover(p)))
        .collect();
    if let Err(message) =
        errlint::output::check_targets(&targets, named_inputs.iter().map(PathBuf::as_path))
    {
        return fail(&message);
    }
    let stdin_text = if from_stdin {
        let limit = options.limits.max_file_bytes;
        let read = errlint::document::source::read_capped(std::io::stdin().lock(), limit);
        match read.map(String::from_utf8) {
            Ok(Ok(text)) => Some(text),
            Ok(Err(_)) => return fail("standard input is not UTF-8 text"),
            Err(refusal) => return fail(&format!("cannot read standard input: {refusal}")),
        }
    } else {
        None
    };
    let run = |options: &Options| {
        let mut outcome = errlint::lint_paths(&paths, options);
        if !unused_fragments.is_empty() {
            outcome.absorb_all(unused_fragments.iter().map(|f| errlint::unused_fragment(f)));
        }
        if let Some(text) = &stdin_text {
            // With a real path as its name, stdin is linted as that file would be.
            let named = std::path::Path::new(&cli.stdin_filename);
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
    };
    let mut fixes_left_alone = false;
    if cli.fix {
        if from_stdin && !cli.diff {
            return fail("--fix cannot write to standard input: use `--fix --diff`");
        }
        let plan = errlint::fix::plan(cli.unsafe_fixes, |overlay| {
            run(&Options {
                overlay,
                ..options.clone()
            })
        });
        if cli.diff {
            let diffs: String = plan.files.iter().map(errlint::fix::unified_diff).collect();
            let _ = write_stdout(&diffs);
            say_unsafe_left(plan.unsafe_left);
            return ExitCode::from(u8::from(!plan.files.is_empty()));
        }
        // The files `$ref`s reached are known now: no report may go over one of them, and
        // that is said before any fix is written.
        let read = plan.read.iter().map(PathBuf::as_path);
        if let Err(message) = errlint::output::check_targets(&targets, read) {
            return fail(&message);
        }
        let trees: Vec<PathBuf> = paths
            .iter()
            .filter_map(|p| errlint::document::source::tree_of(p))
            .collect();
        fixes_left_alone = !write_fixes(&plan.files, &trees);
        say_unsafe_left(plan.unsafe_left);
    }
    let mut outcome = run(&options);
    if let Err(message) =
        errlint::output::check_targets(&targets, outcome.read.iter().map(PathBuf::as_path))
    {
        return fail(&message);
    }
    if let Some(path) = &cli.write_baseline {
        match errlint::baseline::write(&outcome, path) {
            Ok(Written::Entries(n)) => {
                eprintln!("wrote {n} baseline entries to {}", path.display())
            }
            Ok(Written::KeptOld) => eprintln!(
                "{} was not written: some files could not be linted (run without --write-baseline to see why)",
                path.display()
            ),
            Err(message) => return fail(&message),
        }
        return ExitCode::from(outcome.exit_code_after_writing_baseline() as u8);
    }
    if let Some(path) = &cli.baseline {
        let before = outcome.findings.len();
        let stale = match errlint::baseline::apply(&mut outcome, path, &options.access()) {
            Ok(stale) => stale,
            Err(message) => return fail(&message),
        };
        outcome.baseline_hidden = before - outcome.findings.len();
        if stale > 0 {
            eprintln!(
                "{stale} baseline entries no longer match anything: run --write-baseline again to drop them"
            );
        }
    }
    let rules = RenderOptions::plain(Format::Pretty).rules;
    let concise_to_stdout = formats
        .iter()
        .any(|(format, target)| matches!(format, Format::Concise) && *target == Target::Stdout);
    let formats = if cli.statistics {
        // The table takes standard output; reports to files are still written.
        let mut table = report::statistics(&outcome);
        if !cli.quiet {
            table.push_str(&report::summary_line(&outcome));
            table.push('\n');
        }
        if let Err(e) = write_stdout(&table) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return fail(&format!("cannot write to standard output: {e}"));
            }
        }
        formats
            .into_iter()
            .filter(|(_, target)| *target != Target::Stdout)
            .collect()
    } else {
        formats
    };
    if let Err(code) = write_reports_quietly(&outcome, formats, &cli.color, &rules, cli.quiet) {
        return code;
    }
    let fail_level = match (cli.fail_level.as_deref(), cli.deny_warnings) {
        (Some("info"), _) => Severity::Info,
        (Some("warning"), _) | (None, true) => Severity::Warning,
        _ => Severity::Error,
    };
    let code = if fixes_left_alone {
        2
    } else {
        outcome.exit_code_at(fail_level)
    };
    if !cli.quiet && !cli.statistics && concise_to_stdout {
        // As ruff does: the count after one-line findings, on standard error so that the
        // report stays one finding a line.
        eprintln!("{}", report::summary_line(&outcome));
    }
    let summary = outcome.summary();
    if code == 1 && summary.errors == 0 && !cli.quiet {
        let level = if fail_level == Severity::Info {
            "info"
        } else {
            "warning"
        };
        eprintln!(
            "failed: there are no errors, but the fail level is {level} (--fail-level / --deny-warnings)"
        );
    }
    // The process ends here: freeing every file's text and tape one by one would only cost
    // time (3% of a folder's run).
    std::mem::forget(outcome);
    ExitCode::from(code as u8)
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

/// Renders the outcome in each format, to its file (atomically) or to standard output.
fn write_reports(
    outcome: &errlint::Outcome,
    formats: Vec<(Format, Target)>,
    color_choice: &str,
    rules: &[report::RuleInfo],
) -> Result<(), ExitCode> {
    write_reports_quietly(outcome, formats, color_choice, rules, false)
}

/// [`write_reports`], with or without the summary line.
fn write_reports_quietly(
    outcome: &errlint::Outcome,
    formats: Vec<(Format, Target)>,
    color_choice: &str,
    rules: &[report::RuleInfo],
    quiet: bool,
) -> Result<(), ExitCode> {
    let stdout_is_terminal = std::io::stdout().is_terminal();
    for (format, target) in formats {
        let to_stdout = target == Target::Stdout;
        let color = to_stdout
            && match color_choice {
                "always" => true,
                "never" => false,
                _ => {
                    stdout_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
        let rendered = report::render_parts(
            outcome,
            &RenderOptions {
                color,
                width: pretty_width(to_stdout && stdout_is_terminal),
                rules: rules.to_vec(),
                quiet,
                ..RenderOptions::plain(format)
            },
        );
        match target.write_with(|out| rendered.write_to(out)) {
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

/// A `--profile` that names no profile, or a `--config` that names no file: usage errors,
/// said on standard error, not findings in a file called `--profile`.
fn command_line_config_error(cli: &Cli) -> Option<String> {
    if let Some(profile) = &cli.contract.profile {
        let is_path = [".yaml", ".yml", ".json"]
            .iter()
            .any(|e| profile.ends_with(e));
        if is_path && !std::path::Path::new(profile).is_file() {
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

fn parse_rule_setting(setting: &str) -> Result<(String, Option<Severity>), String> {
    let (id, level) = setting.split_once('=').ok_or_else(|| {
        format!("`--rule {setting}`: expected RULE=LEVEL, e.g. error-status-coverage=error")
    })?;
    let Some(rule) = errlint::rules::find(id) else {
        let hint = errlint::suggest::closest(id, errlint::rules::ALL.iter().map(|m| m.id))
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        return Err(format!(
            "unknown rule `{id}`: {hint}`errlint rules` lists them"
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
    Ok((rule.id.to_string(), level))
}
