//! The `errlint` command: parses arguments, calls the library, prints, and maps the outcome to
//! an exit code.

use clap::Parser;
use errlint::report::{self, Format, RenderOptions};
use errlint::{Options, Severity};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Lint the error handling of OpenAPI documents.
#[derive(Parser, Debug)]
#[command(name = "errlint", version, about, long_about = None)]
struct Cli {
    /// OpenAPI documents (2.0, 3.0, 3.1; YAML or JSON).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, default_value = "pretty", value_parser = Format::NAMES.to_vec())]
    format: String,

    /// Exit with 1 when there are warnings, too.
    #[arg(long)]
    deny_warnings: bool,

    /// Set a rule's severity, or turn it off: `--rule error-status-coverage=error`.
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut options = Options::default();
    for setting in &cli.rules {
        match parse_rule_setting(setting) {
            Ok((id, level)) => {
                options.severities.insert(id, level);
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    options.external_roots = cli.allow_external_refs.clone();
    options.limits.max_file_bytes = cli.max_file_size;
    let lint = || errlint::lint_paths(&cli.files, &options);
    let outcome = match cli.threads {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(lint),
            Err(e) => {
                eprintln!("error: cannot start {n} threads: {e}");
                return ExitCode::from(2);
            }
        },
        None => lint(),
    };
    let format = Format::parse(&cli.format).unwrap_or(Format::Pretty);
    let color = match cli.color.as_str() {
        "always" => true,
        "never" => false,
        _ => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let rendered = report::render(
        &outcome,
        &RenderOptions {
            color,
            ..RenderOptions::plain(format)
        },
    );
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(rendered.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    ExitCode::from(outcome.exit_code(cli.deny_warnings) as u8)
}

fn parse_rule_setting(setting: &str) -> Result<(String, Option<Severity>), String> {
    let (id, level) = setting.split_once('=').ok_or_else(|| {
        format!("`--rule {setting}`: expected RULE=LEVEL, e.g. error-status-coverage=error")
    })?;
    if errlint::rules::find(id).is_none() {
        return Err(format!(
            "unknown rule `{id}` (see the README's rules table)"
        ));
    }
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
