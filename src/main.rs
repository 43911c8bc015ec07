//! The `errlint` command: parses the arguments and hands each command to its file in `cli/`.

mod cli;

use clap::Parser;
use cli::args::{Cli, Command, ProfilesAction};
use errlint::Options;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(command) => run_command(command),
        None => cli::lint::lint(&cli),
    }
}

fn run_command(command: &Command) -> ExitCode {
    match command {
        Command::Rules => cli::info::rules(),
        Command::Explain { rule } => cli::info::explain(rule),
        Command::Profiles { action: None } => cli::info::profiles(),
        Command::Profiles {
            action: Some(ProfilesAction::Show { name }),
        } => cli::info::show_profile(name),
        Command::Schema => cli::info::schema(),
        Command::Completions { shell } => cli::info::completions(*shell),
        Command::Man => cli::info::man(),
        Command::Check { args } => cli::lint::check(args),
        Command::Diff(args) => cli::diff::diff(args),
        Command::CheckTraffic(args) => cli::traffic::check_traffic(args),
        Command::Contract { document, format } => cli::page::contract(document, *format),
        Command::Docs {
            document,
            format,
            output,
            contract,
        } => cli::page::docs(document, *format, output.as_deref(), &contract.options()),
        Command::Init {
            profile,
            force,
            from,
        } => cli::init::init(profile, from.as_deref(), *force),
        Command::Lsp { contract } => {
            let options = Options {
                config: contract.choice(),
                ..Options::default()
            };
            match errlint::lsp::run_stdio(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => cli::fail(&format!("the language server stopped: {e}")),
            }
        }
    }
}
