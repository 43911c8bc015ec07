//! Configuration: error-contract profiles (data, in `assets/profiles/`), config files, layering
//! and per-path overrides. Precedence, lowest first: built-in default, profile, config file,
//! path overrides, `x-errlint-ignore` in the document, command line.

mod load;

pub use crate::contract::{
    Catalog, CodeType, Contract, DefaultCovers, OperationSettings, Override, Requirement,
    Requirements, VersionScheme,
};
pub use crate::contract::{CommandLine, IGNORE_EXTENSION, IgnoreList, Policy};
pub use load::{
    CONFIG_NAMES, ConfigChoice, ConfigErrors, PROFILES, builtin_profile, contract,
    contract_from_text, discover, schema, unmatched_overrides,
};

/// The text `errlint init` writes: a commented config that extends `profile`.
pub fn init_text(profile: &str) -> String {
    format!(
        r#"# errlint configuration. Editors complete and check it with errlint's JSON Schema:
# save it with `errlint schema > errlint.schema.json`, then start this file with the line
#   # yaml-language-server: $schema=./errlint.schema.json
# (it is not written here, as the schema file may not exist).
#
# The error contract starts from a built-in profile (`errlint profiles` lists them) or a
# relative path to a profile file. Any profile field can be overridden below.
extends: {profile}

# Rule levels: off, info, warning, error (`errlint rules` lists the rules).
rules: {{}}
#   error-status-coverage: error

# Settings for some operations: globs over path templates, optionally after a method.
overrides: []
#   - paths: ['POST /v1/ingest/**', 'GET /v1/verdicts/*']
#     rate_limited: false        # the data plane is never rate-limited: no 429 there
#     forbid_statuses: [404]     # the verdict read fails open
#     rules: {{error-status-coverage: warning}}
"#
    )
}

/// The text `errlint init --from DOC` writes: the contract DOC follows (`contract`, profile
/// YAML with its support in comments), then the usual rules and overrides sections.
pub fn init_text_from(contract: &str) -> String {
    format!(
        r#"# errlint configuration, written by `errlint init --from`. Editors complete and check it
# with errlint's JSON Schema: save it with `errlint schema > errlint.schema.json`, then start
# this file with the line
#   # yaml-language-server: $schema=./errlint.schema.json
# (it is not written here, as the schema file may not exist).
#
{contract}
# Rule levels: off, info, warning, error (`errlint rules` lists the rules).
rules: {{}}

# Settings for some operations: globs over path templates, optionally after a method.
overrides: []
#   - paths: ['POST /v1/ingest/**', 'GET /v1/verdicts/*']
#     rate_limited: false        # the data plane is never rate-limited: no 429 there
"#
    )
}

/// What `--show-config PATH` prints: the layers, lowest first, then the effective contract and
/// the level of every rule and change id (the command line's `--rule` last).
pub fn show(
    contract: &Contract,
    config_file: Option<&std::path::Path>,
    command_line: &std::collections::HashMap<String, Option<crate::finding::Severity>>,
) -> String {
    let mut lines = layer_lines(contract, config_file, command_line);
    lines.extend(contract_lines(contract));
    lines.extend(level_lines(contract, command_line));
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// The config file and the layers, lowest first.
fn layer_lines(
    contract: &Contract,
    config_file: Option<&std::path::Path>,
    command_line: &std::collections::HashMap<String, Option<crate::finding::Severity>>,
) -> Vec<String> {
    let mut lines = Vec::new();
    lines.push(format!(
        "config file: {}",
        config_file.map_or("none".to_string(), |p| p.display().to_string())
    ));
    lines.push("layers, lowest first:".into());
    for (i, layer) in contract.layers.iter().enumerate() {
        lines.push(format!("  {}. {layer}", i + 1));
    }
    if !command_line.is_empty() {
        lines.push(format!(
            "  {}. --rule on the command line",
            contract.layers.len() + 1
        ));
    }
    lines
}

/// The effective contract.
fn contract_lines(contract: &Contract) -> Vec<String> {
    let mut lines = Vec::new();
    lines.push("contract:".into());
    lines.push(format!("  description: {}", contract.description));
    lines.push(format!(
        "  code: {} ({}){}{}",
        paths(&contract.code_paths),
        contract.code_type.name(),
        contract
            .code_pattern
            .as_ref()
            .map_or(String::new(), |p| format!(", pattern `{}`", p.as_str())),
        if contract.code_closed { ", closed" } else { "" }
    ));
    let fields: Vec<String> = contract
        .fields
        .iter()
        .map(|(p, t)| format!("`{}` {t}", p.text))
        .collect();
    lines.push(format!(
        "  required fields: {}",
        if fields.is_empty() {
            "none".into()
        } else {
            fields.join(", ")
        }
    ));
    lines.push(format!(
        "  other fields: {}",
        if contract.forbid_additional {
            "forbidden"
        } else {
            "allowed"
        }
    ));
    if let Some(documented) = &contract.documented {
        let statuses: Vec<String> = documented.iter().map(u16::to_string).collect();
        lines.push(format!("  documented statuses: {}", statuses.join(", ")));
    }
    let r = &contract.require;
    for (name, list) in [
        ("authenticated", &r.authenticated),
        ("path_parameter", &r.path_parameter),
        ("input", &r.input),
        ("every_operation", &r.every_operation),
        ("rate_limited", &r.rate_limited),
    ] {
        let texts: Vec<&str> = list.iter().map(|q| q.text.as_str()).collect();
        let texts = if texts.is_empty() {
            "nothing".to_string()
        } else {
            texts.join(", ")
        };
        lines.push(format!("  requires for {name}: {texts}"));
    }
    lines.extend(hint_and_catalog_lines(contract));
    lines
}

/// `` `code`, `error.code` ``.
fn paths(list: &[crate::openapi::schema::FieldPath]) -> String {
    list.iter()
        .map(|p| format!("`{}`", p.text))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The retry hints, the rate limit, the codes and what `errlint diff` reads of the contract.
fn hint_and_catalog_lines(contract: &Contract) -> Vec<String> {
    let mut lines = Vec::new();
    let statuses: Vec<String> = contract
        .retry_statuses
        .iter()
        .map(|s| s.to_string())
        .collect();
    lines.push(format!(
        "  retry hints: headers {}, fields {}, on {}",
        contract.retry_headers.join(", "),
        paths(&contract.retry_fields),
        statuses.join(", ")
    ));
    lines.push(format!(
        "  rate limit: {} by default (extension `{}`)",
        if contract.limited_by_default {
            "limited"
        } else {
            "unlimited"
        },
        contract.rate_limit_extension
    ));
    lines.push(match &contract.catalog {
        Catalog::None => "  code catalog: none".into(),
        Catalog::EchoStatus => "  code catalog: the code echoes the HTTP status".into(),
        Catalog::Codes(codes) => format!("  code catalog: {} codes", codes.len()),
    });
    if !contract.code_extensions.is_empty() {
        lines.push(format!(
            "  codes also listed in: `{}`",
            contract.code_extensions.join("`, `")
        ));
    }
    lines.push(format!(
        "  versions (errlint diff): {}",
        match contract.versions {
            VersionScheme::Semver => "semver",
            VersionScheme::Date => "date",
            VersionScheme::Off => "off",
        }
    ));
    lines.push(format!("  overrides: {}", contract.overrides.len()));
    lines
}

/// The level of every rule, change and traffic check, the command line's `--rule` last.
fn level_lines(
    contract: &Contract,
    command_line: &std::collections::HashMap<String, Option<crate::finding::Severity>>,
) -> Vec<String> {
    let mut lines = Vec::new();
    lines.push("levels:".into());
    for (id, default) in crate::catalog::levelled_ids() {
        let level = command_line
            .get(id)
            .or_else(|| contract.severities.get(id))
            .copied()
            .unwrap_or(Some(default));
        lines.push(format!(
            "  {id:<26} {}",
            level.map_or("off", crate::finding::Severity::as_str)
        ));
    }
    lines
}
