//! `errlint check-traffic`: recorded traffic against the error contract.

use super::args::TrafficArgs;
use super::{Reports, fail, fail_level, parse_formats, parse_level_setting, write_to};
use errlint::check_traffic::{Checked, TrafficOptions, TrafficSource};
use errlint::output::Target;
use errlint::report::Format;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn check_traffic(args: &TrafficArgs) -> ExitCode {
    run(args).unwrap_or_else(|code| code)
}

fn run(args: &TrafficArgs) -> Result<ExitCode, ExitCode> {
    let formats =
        parse_formats(&args.report.format, args.report.output.as_ref()).map_err(|m| fail(&m))?;
    let options = options_of(args).map_err(|m| fail(&m))?;
    let traffic: Vec<TrafficSource> = args
        .traffic
        .iter()
        .map(|t| TrafficSource::parse(t))
        .collect();
    if traffic
        .iter()
        .filter(|t| matches!(t, TrafficSource::Stdin))
        .count()
        > 1
    {
        return Err(fail("standard input (`-`) can be read once"));
    }
    let reading = TrafficOptions {
        max_entry_bytes: args.max_entry_size,
    };
    let Checked { outcome, coverage } =
        errlint::check_traffic::check(&args.document, &traffic, &options, &reading);
    let targets: Vec<&Target> = formats.iter().map(|(_, t)| t).collect();
    let inputs = outcome.read.iter().map(PathBuf::as_path);
    errlint::output::check_targets(&targets, inputs).map_err(|m| fail(&m))?;
    let coverage = coverage.map(|c| c.report());
    let fatal = outcome.findings.iter().any(|f| f.fatal);
    let rules = errlint::catalog::traffic_infos();
    let reports = Reports {
        color: args.report.color,
        rules: &rules,
        quiet: args.report.quiet,
    };
    let wants_coverage = args.coverage || args.coverage_only;
    let mut plain = Vec::new();
    for (format, target) in formats {
        let view = coverage.as_ref().filter(|_| wants_coverage);
        match (format, view) {
            (Format::Json, Some(view)) => {
                let mut report = match args.coverage_only && !fatal {
                    true => serde_json::json!({"version": 1}),
                    false => serde_json::from_str(&errlint::report::render(
                        &outcome,
                        &errlint::report::RenderOptions::plain(Format::Json),
                    ))
                    .map_err(|e| fail(&format!("the JSON report did not read back: {e}")))?,
                };
                report["coverage"] = serde_json::to_value(view).unwrap_or_default();
                let text = serde_json::to_string_pretty(&report).unwrap_or_default() + "\n";
                finish(write_to(&target, text.as_bytes()))?;
            }
            (Format::Pretty, Some(view)) if args.coverage_only && !fatal => {
                finish(write_to(&target, view.to_text().as_bytes()))?;
            }
            (Format::Pretty, Some(view)) => {
                let trailer = format!("\n{}", view.to_text());
                reports.write_with_trailer(&outcome, vec![(format, target)], &trailer)?;
            }
            _ if args.coverage_only && !fatal => {}
            _ => plain.push((format, target)),
        }
    }
    reports.write(&outcome, plain)?;
    let code = match (args.coverage_only, fatal) {
        (_, true) => 2,
        (true, false) => 0,
        (false, false) => outcome.exit_code_at(fail_level(
            args.report.fail_level,
            args.report.deny_warnings,
        )),
    };
    Ok(ExitCode::from(code as u8))
}

/// An exit code that is a failure becomes an `Err`, to end the run on.
fn finish(code: ExitCode) -> Result<(), ExitCode> {
    match code == ExitCode::SUCCESS {
        true => Ok(()),
        false => Err(code),
    }
}

/// The library's options: where the contract comes from, and the levels of `--rule`.
fn options_of(args: &TrafficArgs) -> Result<errlint::Options, String> {
    let mut options = args.contract.options();
    for setting in &args.rules {
        let known = |id: &str| errlint::check_traffic::find(id).map(|check| check.id);
        let ids = errlint::check_traffic::TRAFFIC_CHECKS.iter().map(|c| c.id);
        let (id, level) = parse_level_setting(setting, ("check", "errlint rules"), known, ids)?;
        options.severities.insert(id, level);
    }
    Ok(options)
}
