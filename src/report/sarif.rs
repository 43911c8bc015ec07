//! SARIF 2.1.0 through `serde-sarif`'s types: one run, every rule in `tool.driver.rules`,
//! results with physical and related locations and line-independent fingerprints.

use super::{RuleInfo, fingerprint};
use crate::Outcome;
use crate::finding::{Location, Severity, Sources};
use serde_sarif::sarif;

fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info => sarif::ResultLevel::Note,
    }
}

fn message(text: &str) -> sarif::Message {
    sarif::Message::builder().text(text).build()
}

fn physical(sources: &Sources, location: &Location) -> sarif::PhysicalLocation {
    let (line, column) = sources.line_col(&location.file, location.span.start);
    let (end_line, end_column) = sources.line_col(&location.file, location.span.end);
    let region = sarif::Region::builder()
        .start_line(line as i64)
        .start_column(column as i64)
        .end_line(end_line as i64)
        .end_column(end_column as i64)
        .build();
    sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(uri(&location.file))
                .build(),
        )
        .region(region)
        .build()
}

/// A relative URI for a report name (which is relative to the working directory).
fn uri(name: &str) -> String {
    name.trim_start_matches("./").replace(' ', "%20")
}

pub fn render(outcome: &Outcome, rules: &[RuleInfo]) -> String {
    let descriptors: Vec<sarif::ReportingDescriptor> = rules
        .iter()
        .map(|r| {
            let configuration = sarif::ReportingConfiguration::builder()
                .level(serde_json::to_value(level(r.level)).unwrap_or_default())
                .build();
            sarif::ReportingDescriptor::builder()
                .id(r.id)
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(r.summary)
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(r.docs.clone())
                        .build(),
                )
                .help(
                    sarif::MultiformatMessageString::builder()
                        .text(r.docs.clone())
                        .markdown(r.docs.clone())
                        .build(),
                )
                .default_configuration(configuration)
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = outcome
        .findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str(&format!(" ({help})"));
            }
            let locations: Vec<sarif::Location> = match &f.location {
                Some(l) => vec![
                    sarif::Location::builder()
                        .physical_location(physical(&outcome.sources, l))
                        .build(),
                ],
                None => vec![
                    sarif::Location::builder()
                        .physical_location(
                            sarif::PhysicalLocation::builder()
                                .artifact_location(
                                    sarif::ArtifactLocation::builder().uri(uri(&f.file)).build(),
                                )
                                .build(),
                        )
                        .build(),
                ],
            };
            let related: Vec<sarif::Location> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    sarif::Location::builder()
                        .id(i as i64)
                        .physical_location(physical(&outcome.sources, &r.location))
                        .message(message(&r.message))
                        .build()
                })
                .collect();
            let fingerprints: std::collections::BTreeMap<String, String> =
                [("errlint/v1".to_string(), fingerprint(f))]
                    .into_iter()
                    .collect();
            let builder = sarif::Result::builder()
                .rule_id(f.rule)
                .level(level(f.severity))
                .message(message(&text))
                .locations(locations)
                .partial_fingerprints(fingerprints);
            if related.is_empty() {
                builder.build()
            } else {
                builder.related_locations(related).build()
            }
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("errlint")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://crates.io/crates/errlint")
        .rules(descriptors)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}
