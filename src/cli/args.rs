//! The command line: every argument, option and subcommand, as clap types.

use clap::{Parser, Subcommand, ValueEnum};
use errlint::Options;
use errlint::config::ConfigChoice;
use std::path::PathBuf;

/// Lint the error handling of OpenAPI documents.
#[derive(Parser, Debug)]
#[command(name = "errlint", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// OpenAPI documents (2.0, 3.0, 3.1, 3.2; YAML or JSON), directories to search for them
    /// (respecting .gitignore), glob patterns, or `-` for standard input.
    #[arg(required_unless_present = "show_config", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// Print the effective contract and rule levels for the document at PATH, and which
    /// config file and profiles produced them, lowest layer first.
    #[arg(long, value_name = "PATH")]
    pub show_config: Option<PathBuf>,

    /// The name reported for a document read from standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in FILE (then exit 0, unless something could not be linted).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Output format: pretty, concise, json, sarif, github, gitlab, junit. Repeatable, and
    /// `FORMAT=PATH` writes that format to a file: `--format pretty --format sarif=errlint.sarif`.
    #[arg(long, value_name = "FORMAT[=PATH]", default_value = "pretty")]
    pub format: Vec<String>,

    /// Write the report to FILE instead of standard output (the exit code is unchanged).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when there are warnings, too (the same as `--fail-level warning`).
    #[arg(long)]
    pub deny_warnings: bool,

    /// The lowest level that makes the run fail (exit 1): error, warning or info.
    #[arg(long, value_name = "LEVEL")]
    pub fail_level: Option<FailLevel>,

    /// Show only the errors: warnings and infos are counted in the summary, not shown. The
    /// exit code still judges every finding (`--fail-level warning` still fails on warnings).
    #[arg(long)]
    pub errors_only: bool,

    /// Findings only: no summary line.
    #[arg(short, long)]
    pub quiet: bool,

    /// Print how many findings each rule has, most first, instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Apply the safe fixes (edits that change how the document is written, not what it
    /// promises) to the documents and the files they `$ref`, say what changed, then lint
    /// again and report what is left.
    #[arg(long)]
    pub fix: bool,

    /// With `--fix`: also apply the unsafe fixes, which change the API's contract (a code
    /// made required, a documented header removed). `errlint explain RULE` says why each is.
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,

    /// With `--fix`: print the fixes as a unified diff instead of writing them (exit 1 when
    /// there is something to fix).
    #[arg(long, requires = "fix")]
    pub diff: bool,

    #[command(flatten)]
    pub contract: ContractArgs,

    /// Set a rule's level, above every config: `--rule error-status-coverage=error`. Repeatable.
    #[arg(long = "rule", value_name = "RULE=LEVEL")]
    pub rules: Vec<String>,

    /// Let `$ref`s read files in DIR, outside the linted tree (the current folder, or the
    /// document's folder when it lies outside the current one). Repeatable.
    #[arg(long = "allow-external-refs", value_name = "DIR")]
    pub allow_external_refs: Vec<PathBuf>,

    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = errlint::Limits::default().max_file_bytes)]
    pub max_file_size: u64,

    /// Lint files on this many threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// When to use colours in the pretty format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the rules, the change ids of `errlint diff` and the checks of `check-traffic`.
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
    ///
    /// `errlint schema traffic` prints that of one line of an NDJSON traffic log instead.
    Schema {
        /// config (errlint.yaml and profiles) or traffic (an NDJSON traffic line).
        #[arg(value_enum, default_value_t = SchemaOf::Config)]
        what: SchemaOf,
    },
    /// Compare the error contract of two versions of a document.
    ///
    /// BASE and NEW are each a path,
    /// or `REV:PATH` read from git (`errlint diff origin/main:api/openapi.yaml
    /// api/openapi.yaml`); with `--base REV`, every document named (files, folders, globs) is
    /// compared with itself at REV. Breaking changes are errors unless the major of
    /// `info.version` increased.
    Diff(DiffArgs),
    /// Check recorded traffic against the error contract: does the API send what it promises?
    ///
    /// TRAFFIC is HAR (browsers, Playwright, mitmproxy, Schemathesis) or NDJSON, one exchange
    /// a line (`errlint schema traffic`); `-` reads standard input. Each recorded error
    /// response is checked against the operation it answers; alike findings are counted as
    /// one.
    CheckTraffic(TrafficArgs),
    /// Print the error contract a document follows today, as a profile.
    ///
    /// Each fact comes with how much of the document supports it.
    Contract {
        /// An OpenAPI document.
        document: PathBuf,
        /// yaml (a profile, commented) or json (the same facts with their counts).
        #[arg(long, value_enum, default_value_t = ContractFormat::Yaml)]
        format: ContractFormat,
    },
    /// Generate the API's error reference page (Markdown) from a document.
    ///
    /// The page gives the envelope, statuses, codes, retry hints and rate limits, and one
    /// canonical example per status.
    Docs {
        /// An OpenAPI document.
        document: PathBuf,
        /// markdown (a page readable on GitHub) or json (the same facts).
        #[arg(long, value_enum, default_value_t = PageFormat::Markdown)]
        format: PageFormat,
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

/// `errlint diff`'s arguments: the two sides (or `--base` and the documents), and the
/// lint's report flags, which apply to change ids as to rules.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// BASE and NEW; or, with `--base`, the documents.
    #[arg(required = true, value_name = "BASE NEW | FILES")]
    pub documents: Vec<String>,
    /// Compare each document with itself at this git revision (a new document is skipped).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Report only changes that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Set a change's level, above every config: `--rule error-code-added=warning`.
    /// Repeatable.
    #[arg(long = "rule", value_name = "ID=LEVEL")]
    pub rules: Vec<String>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub contract: ContractArgs,
}

/// `errlint check-traffic`'s arguments: the description, the traffic, and the lint's report
/// flags, which apply to the checks as to rules.
#[derive(clap::Args, Debug)]
pub struct TrafficArgs {
    /// The OpenAPI document the traffic is checked against (split files included).
    #[arg(value_name = "DOC")]
    pub document: PathBuf,
    /// HAR or NDJSON files; `-` is standard input.
    #[arg(required = true, value_name = "TRAFFIC")]
    pub traffic: Vec<String>,
    /// Add, per operation, the documented error statuses and codes never observed and the
    /// observed ones never documented (to the pretty and JSON reports).
    #[arg(long)]
    pub coverage: bool,
    /// Print only that coverage view, no findings.
    #[arg(long, conflicts_with = "coverage")]
    pub coverage_only: bool,
    /// Set a check's level, above every config: `--rule traffic-operation-unknown=off`.
    /// Repeatable.
    #[arg(long = "rule", value_name = "ID=LEVEL")]
    pub rules: Vec<String>,
    /// The largest traffic entry (HAR entry or NDJSON line) read, in bytes; a larger one is
    /// reported and left out.
    #[arg(long, value_name = "BYTES", default_value_t = errlint::Limits::default().max_file_bytes)]
    pub max_entry_size: u64,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub contract: ContractArgs,
}

/// How `diff` and `check-traffic` report, as the lint does: formats and their files, what
/// fails the run, the summary line, colours.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Output format, as for linting: pretty, concise, json, sarif, github, gitlab, junit;
    /// `FORMAT=PATH` writes to a file. Repeatable.
    #[arg(long, value_name = "FORMAT[=PATH]", default_value = "pretty")]
    pub format: Vec<String>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when there are warnings, too (the same as `--fail-level warning`).
    #[arg(long)]
    pub deny_warnings: bool,
    /// The lowest level that makes the run fail (exit 1): error, warning or info.
    #[arg(long, value_name = "LEVEL")]
    pub fail_level: Option<FailLevel>,
    /// Findings only: no summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// When to use colours in the pretty format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Where a command finds the error contract (where codes live, rule and change levels).
#[derive(clap::Args, Debug)]
pub struct ContractArgs {
    /// The error contract: a built-in profile (`errlint profiles`); replaces the config's
    /// `extends`.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The config file; by default errlint.yaml or .errlint.yaml is searched for from each
    /// document's folder (for `diff`, NEW's) up to the repository root.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no config file.
    #[arg(long)]
    pub no_config: bool,
}

impl ContractArgs {
    pub fn choice(&self) -> ConfigChoice {
        ConfigChoice {
            file: self.config.clone(),
            no_discovery: self.no_config,
            profile: self.profile.clone(),
        }
    }

    pub fn options(&self) -> Options {
        Options {
            config: self.choice(),
            ..Options::default()
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum ProfilesAction {
    /// Print a profile's YAML.
    Show { name: String },
}

/// When the pretty format uses colours. (Its variants have no doc comments: clap would turn
/// them into a long help page.)
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    // When standard output is a terminal and `NO_COLOR` is unset.
    Auto,
    Always,
    Never,
}

/// What `errlint schema` describes.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaOf {
    Config,
    Traffic,
}

/// The lowest level that makes a run fail.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailLevel {
    Error,
    Warning,
    Info,
}

/// How `errlint contract` prints the contract.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractFormat {
    // A profile, commented.
    Yaml,
    // The same facts with their counts.
    Json,
}

/// How `errlint docs` prints the page.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageFormat {
    // A page readable on GitHub.
    Markdown,
    // The same facts.
    Json,
}
