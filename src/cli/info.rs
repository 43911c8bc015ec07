//! The commands that describe errlint itself: `rules`, `explain`, `profiles`, `schema`,
//! `completions` and `man`. They read nothing and print to standard output.

use super::args::Cli;
use super::{fail, print};
use errlint::config::PROFILES;
use std::process::ExitCode;

/// `errlint rules`: every rule, then the change ids of `errlint diff` and the checks of
/// `errlint check-traffic`, with level and summary.
pub fn rules() -> ExitCode {
    let width = errlint::catalog::configurable_ids()
        .map(str::len)
        .max()
        .unwrap_or(0);
    let row =
        |id: &str, level: &str, summary: &str| format!("{id:<width$}  {level:<7}  {summary}\n");
    let mut table: String = errlint::rules::ALL
        .iter()
        .map(|r| row(r.id, r.default_severity.as_str(), r.summary))
        .collect();
    // The change ids of `errlint diff` take levels in `rules:` too.
    table.push_str("\nerrlint diff:\n");
    for change in errlint::catalog::change_infos() {
        table.push_str(&row(change.id, change.level.as_str(), change.summary));
    }
    table.push_str("\nerrlint check-traffic:\n");
    for check in errlint::catalog::traffic_infos() {
        table.push_str(&row(check.id, check.level.as_str(), check.summary));
    }
    print(&table)
}

/// `errlint explain ID`: a rule's documentation, or what a problem or a change id means.
pub fn explain(id: &str) -> ExitCode {
    use errlint::catalog::Entry;
    match errlint::catalog::find(id) {
        Some(Entry::Rule(meta)) => print(&format!(
            "# {}\n\nDefault level: {}.\n\n{}\n",
            meta.id,
            meta.default_severity,
            errlint::rules::explain(meta).trim_end()
        )),
        Some(Entry::Problem(id, text)) => print(&format!(
            "# {id}\n\nA problem with the document, the config or the run, not a rule.\n\n{text}\n"
        )),
        Some(Entry::Change(meta)) => print(&format!(
            "# {}\n\nA change that `errlint diff` reports (see {}).\n\n{}.\n",
            meta.id,
            errlint::catalog::docs_url(errlint::catalog::changes::DOCS_PAGE),
            meta.summary
        )),
        Some(Entry::TrafficCheck(check)) => print(&format!(
            "# {}\n\nDefault level: {}.\n\nA check of `errlint check-traffic`: {}.\n\nWhat to do: {}.\n\nThe checks, the traffic they read and how requests are matched: {}\n",
            check.id,
            check.level,
            check.summary,
            check.help,
            errlint::catalog::docs_url(errlint::catalog::traffic::DOCS_PAGE),
        )),
        None => fail(&format!("unknown rule `{id}`: `errlint rules` lists them")),
    }
}

/// `errlint profiles`: each built-in profile with its description.
pub fn profiles() -> ExitCode {
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

/// `errlint profiles show NAME`: a profile's YAML.
pub fn show_profile(name: &str) -> ExitCode {
    match errlint::config::builtin_profile(name) {
        Some(text) => print(text),
        None => fail(&format!(
            "unknown profile `{name}`: `errlint profiles` lists them"
        )),
    }
}

/// `errlint schema [WHAT]`: the JSON Schema of errlint.yaml, for editors, or of one line of an
/// NDJSON traffic log.
pub fn schema(what: super::args::SchemaOf) -> ExitCode {
    match what {
        super::args::SchemaOf::Config => print(&format!("{:#}\n", errlint::config::schema())),
        super::args::SchemaOf::Traffic => print(errlint::traffic::NDJSON_SCHEMA),
    }
}

/// `errlint completions SHELL`: a completion script.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "errlint", &mut script);
    print(&String::from_utf8_lossy(&script))
}

/// `errlint man`: the man page, in roff.
pub fn man() -> ExitCode {
    use clap::CommandFactory;
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => print(&String::from_utf8_lossy(&page)),
        Err(e) => fail(&format!("cannot render the man page: {e}")),
    }
}
