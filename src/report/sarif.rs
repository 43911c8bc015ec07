//! SARIF 2.1.0 through `serde-sarif`'s types: one run, every rule in `tool.driver.rules`,
//! results with physical and related locations and line-independent fingerprints.

use super::{RuleInfo, fingerprint};
use crate::Outcome;
use crate::finding::{Finding, Location, Severity, Sources};
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
        .artifact_location(artifact(&location.file))
        .region(region)
        .build()
}

/// The base that relative artifact URIs start from: the folder errlint ran in.
const SRCROOT: &str = "%SRCROOT%";

/// An artifact location for a report name: a relative URI against `%SRCROOT%` for names
/// relative to the working directory, a `file:` URI for absolute ones. Every character a URI
/// cannot carry as is (`#`, `%`, `?`, spaces, non-ASCII) is percent-encoded.
fn artifact(name: &str) -> sarif::ArtifactLocation {
    let mut name = name;
    while let Some(rest) = name.strip_prefix("./") {
        name = rest;
    }
    if name.starts_with('/') {
        return sarif::ArtifactLocation::builder()
            .uri(format!("file://{}", encode(name)))
            .build();
    }
    sarif::ArtifactLocation::builder()
        .uri(encode(name))
        .uri_base_id(SRCROOT)
        .build()
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The SARIF log of an outcome, with every rule errlint has described in the driver.
pub fn render(outcome: &Outcome, rules: &[RuleInfo]) -> String {
    let descriptors: Vec<sarif::ReportingDescriptor> = rules.iter().map(descriptor).collect();
    let results: Vec<sarif::Result> = outcome
        .findings
        .iter()
        .map(|f| result(outcome, f))
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("errlint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(crate::REPOSITORY_URL)
        .rules(descriptors)
        .build();
    // Columns count Unicode code points, as errlint's line:column do everywhere.
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .original_uri_base_ids(
            [(
                SRCROOT.to_string(),
                sarif::ArtifactLocation::builder()
                    .description(message("the folder errlint ran in"))
                    .build(),
            )]
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>(),
        )
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

/// A rule as SARIF describes it: its summary, its documentation and its default level.
fn descriptor(r: &RuleInfo) -> sarif::ReportingDescriptor {
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
        .help_uri(r.url.clone())
        .build()
}

/// A finding as a SARIF result: its message with the help, where it is, its related places
/// and the fingerprint that follows it across edits.
fn result(outcome: &Outcome, f: &Finding) -> sarif::Result {
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
                        .artifact_location(artifact(&f.file))
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
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn uris_encode_what_a_uri_cannot_carry() {
        assert_eq!(encode("api/open api#1%.yaml"), "api/open%20api%231%25.yaml");
        assert_eq!(encode("é.yaml"), "%C3%A9.yaml");
    }
}
