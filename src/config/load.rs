//! Reading configuration: built-in profiles, `errlint.yaml` discovery, validation against the
//! JSON Schema in `assets/errlint.schema.json` with every error at its span, and layering.

use crate::contract::raw::RawConfig;
use crate::contract::{Contract, parse_path_pattern};
use crate::document::source::{Access, Refusal};
use crate::document::{self, Kind, Limits, NodeId, Span, Tree, pointer};
use crate::finding::{Finding, Location, Severity, Sources};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

/// The built-in profiles, embedded: `(name, YAML)`.
pub const PROFILES: &[(&str, &str)] = &[
    (
        "default",
        include_str!("../../assets/profiles/default.yaml"),
    ),
    (
        "rfc9457",
        include_str!("../../assets/profiles/rfc9457.yaml"),
    ),
    (
        "google-aip193",
        include_str!("../../assets/profiles/google-aip193.yaml"),
    ),
    ("azure", include_str!("../../assets/profiles/azure.yaml")),
    (
        "jsonapi",
        include_str!("../../assets/profiles/jsonapi.yaml"),
    ),
    ("botsi", include_str!("../../assets/profiles/botsi.yaml")),
    ("botect", include_str!("../../assets/profiles/botect.yaml")),
    (
        "status-object",
        include_str!("../../assets/profiles/status-object.yaml"),
    ),
    (
        "typed-error",
        include_str!("../../assets/profiles/typed-error.yaml"),
    ),
    (
        "chatness",
        include_str!("../../assets/profiles/chatness.yaml"),
    ),
];

/// The JSON Schema of configuration files and profiles, but for the rule ids, which come
/// from the rule list (see [`schema`]).
const SCHEMA_TEMPLATE: &str = include_str!("../../assets/errlint.schema.json");

/// The JSON Schema of configuration files and profiles: the template with `$defs.ruleId`
/// listing every rule id, the old ids of renamed rules, which still work, the change ids
/// of `errlint diff` and the checks of `errlint check-traffic`.
pub fn schema() -> serde_json::Value {
    let mut schema: serde_json::Value =
        serde_json::from_str(SCHEMA_TEMPLATE).expect("the embedded schema is JSON");
    let renamed = crate::ids::REDIRECTS.iter().map(|(old, _)| *old);
    let ids: Vec<serde_json::Value> = crate::catalog::configurable_ids()
        .chain(renamed)
        .map(Into::into)
        .collect();
    schema["$defs"]["ruleId"] = serde_json::json!({
        "description": "A rule id (`errlint rules` lists them), a change id of `errlint diff` or a check of `errlint check-traffic`.",
        "enum": ids,
    });
    schema
}

/// Names of config files looked for, in order, in each folder.
pub const CONFIG_NAMES: &[&str] = &["errlint.yaml", ".errlint.yaml"];

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::validator_for(&schema()).expect("the embedded schema is a valid JSON Schema")
});

/// The YAML text of a built-in profile.
pub fn builtin_profile(name: &str) -> Option<&'static str> {
    PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// Configuration that could not be used: findings at their spans, with the texts they quote.
#[derive(Debug, Clone, Default)]
pub struct ConfigErrors {
    pub findings: Vec<Finding>,
    pub sources: Sources,
}

/// What to configure from.
#[derive(Debug, Clone, Default)]
pub struct ConfigChoice {
    /// `--config PATH`; otherwise `errlint.yaml`/`.errlint.yaml` is searched for.
    pub file: Option<PathBuf>,
    /// Do not search for a config file.
    pub no_discovery: bool,
    /// `--profile NAME`: replaces the config file's `extends`.
    pub profile: Option<String>,
}

/// Finds the config file for a document: from its folder upward, never above the document's
/// tree (the repository root; outside a repository, the current folder or the document's own).
pub fn discover(document: &Path) -> Option<PathBuf> {
    let tree = document::source::tree_of(document)?;
    let folder = match document.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let folder = std::fs::canonicalize(folder).ok()?;
    for d in folder.ancestors() {
        for name in CONFIG_NAMES {
            let candidate = d.join(name);
            // A link is a candidate too: reading it decides whether it stays in the tree.
            if candidate.symlink_metadata().is_ok() {
                return Some(candidate);
            }
        }
        if d == tree {
            break;
        }
    }
    None
}

/// Builds the contract from a config's text alone, as if it were `name` in the current folder,
/// with no file access beyond that: what the fuzzer and editors use. `extends` may name a
/// built-in profile; a relative one is read as usual, inside the tree.
pub fn contract_from_text(name: &str, text: &str) -> Result<Contract, ConfigErrors> {
    let path = Path::new(name);
    let mut errors = ConfigErrors::default();
    let raw = parse_source(name, text, &mut errors, Origin::Written);
    build_contract(
        raw.map(|raw| (raw, path.to_path_buf(), name.to_string(), text.to_string())),
        None,
        &Access::default(),
        errors,
    )
}

/// Builds the contract: built-in default, then the profile, then the config file's fields.
/// Config and profile files are read through `access`: inside the tree, regular, capped.
pub fn contract(
    config_file: Option<&Path>,
    cli_profile: Option<&str>,
    access: &Access,
) -> Result<Contract, ConfigErrors> {
    let mut errors = ConfigErrors::default();
    let config = match config_file {
        Some(path) => {
            let name = display(path);
            match access.read(path).and_then(into_text) {
                Ok(text) => parse_source(&name, &text, &mut errors, Origin::Written)
                    .map(|raw| (raw, path.to_path_buf(), name, text)),
                Err(refusal) => {
                    errors.findings.push(config_error(
                        &name,
                        None,
                        format!("cannot read the config file: {refusal}"),
                    ));
                    None
                }
            }
        }
        None => None,
    };
    build_contract(config, cli_profile, access, errors)
}

/// Lays the built-in default, the profile the config (or `--profile`) extends, and the
/// config's own fields.
fn build_contract(
    config: Option<(RawConfig, PathBuf, String, String)>,
    cli_profile: Option<&str>,
    access: &Access,
    mut errors: ConfigErrors,
) -> Result<Contract, ConfigErrors> {
    if !errors.findings.is_empty() {
        return Err(errors);
    }
    let mut contract = Contract::blank();
    let default = parse_source(
        "default",
        builtin_profile("default").unwrap_or_default(),
        &mut errors,
        Origin::Embedded,
    )
    .expect("the default profile is valid");
    contract.apply(&default);
    contract.layers.push("the built-in default contract".into());
    let extends: Option<(Vec<String>, _)> = cli_profile
        .map(|p| (vec![p.to_string()], None))
        .or_else(|| {
            config.as_ref().and_then(|(raw, path, name, text)| {
                raw.extends.as_ref().map(|e| {
                    (
                        e.iter().cloned().collect(),
                        Some((path.clone(), name.clone(), text.clone())),
                    )
                })
            })
        });
    if let Some((profiles, from)) = extends {
        for profile in &profiles {
            apply_profile(
                &mut contract,
                profile,
                from.as_ref(),
                access,
                &mut errors,
                0,
            );
        }
        if cli_profile.is_some() {
            contract.layers.push(
                "(that profile came from --profile, in place of the config's extends)".into(),
            );
        }
        contract.profile = profiles.join(" + ");
    }
    if let Some((raw, _, name, text)) = &config {
        let own = RawConfig {
            extends: None,
            ..raw.clone()
        };
        contract.apply_from(&own, name, text);
        contract.layers.push(format!("the config file {name}"));
    }
    if errors.findings.is_empty() {
        Ok(contract)
    } else {
        Err(errors)
    }
}

/// Applies a profile by name (built-in) or relative path (to the file that names it),
/// following its own `extends` first.
fn apply_profile(
    contract: &mut Contract,
    profile: &str,
    from: Option<&(PathBuf, String, String)>,
    access: &Access,
    errors: &mut ConfigErrors,
    depth: usize,
) {
    let (name, text, origin) = if let Some(text) = builtin_profile(profile) {
        (
            format!("profile {profile}"),
            text.to_string(),
            Origin::Embedded,
        )
    } else if profile.ends_with(".yaml") || profile.ends_with(".yml") || profile.ends_with(".json")
    {
        let named_by = from.map_or(Path::new("."), |(p, ..)| p.as_path());
        let base = named_by.parent().unwrap_or(Path::new("."));
        let path = base.join(profile);
        match access.read_named_by(&path, named_by).and_then(into_text) {
            Ok(text) => (display(&path), text, Origin::Written),
            Err(refusal) => {
                errors.findings.push(extends_error(
                    from,
                    format!("cannot read profile `{profile}`: {refusal}"),
                ));
                return;
            }
        }
    } else {
        let names: Vec<&str> = PROFILES.iter().map(|(n, _)| *n).collect();
        let guess = crate::suggest::closest(profile, names.iter().copied())
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        errors.findings.push(extends_error(
            from,
            format!(
                "unknown profile `{profile}`: {guess}the built-in profiles are {}",
                names.join(", ")
            ),
        ));
        return;
    };
    if depth > 8 {
        errors.findings.push(extends_error(
            from,
            "profiles extend each other more than 8 deep (a cycle?)".into(),
        ));
        return;
    }
    let Some(raw) = parse_source(&name, &text, errors, origin) else {
        return;
    };
    if let Some(parents) = &raw.extends {
        let here = (PathBuf::from(&name), name.clone(), text.clone());
        for parent in parents.iter() {
            apply_profile(contract, parent, Some(&here), access, errors, depth + 1);
        }
    }
    contract.apply_from(&raw, &name, &text);
    contract.layers.push(match origin {
        Origin::Embedded => format!("the built-in profile {profile}"),
        Origin::Written => format!("the profile file {name}"),
    });
}

fn extends_error(from: Option<&(PathBuf, String, String)>, message: String) -> Finding {
    match from {
        Some((_, name, text)) => {
            let tree = document::parse(Arc::new(text.clone()), 0, &Limits::default())
                .ok()
                .map(|(t, _)| t);
            let span = tree.as_ref().and_then(|t| {
                let value = t.get(NodeId::ROOT, "extends")?;
                Some((t.span(value), "/extends".to_string()))
            });
            config_error(name, span, message)
        }
        None => config_error("--profile", None, message),
    }
}

/// Where a config text comes from, which decides whether it is checked against the schema.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A file or text the user gave: checked against the schema.
    Written,
    /// A built-in profile, part of the binary: a test checks each against the schema, and
    /// not compiling the schema's validator (with the meta-schema that checks it) saves 9M
    /// instructions, 15% of a lint of Box's description, on every run without a config file.
    Embedded,
}

/// Parses and validates one config or profile text; errors go to `errors` with spans.
fn parse_source(
    name: &str,
    text: &str,
    errors: &mut ConfigErrors,
    origin: Origin,
) -> Option<RawConfig> {
    errors
        .sources
        .insert(Arc::from(name), Arc::new(text.to_string()));
    let tree = match document::parse(
        Arc::new(text.to_string()),
        bom_length(text),
        &Limits::default(),
    ) {
        Ok((tree, _)) => tree,
        Err(e) => {
            errors.findings.push(config_error(
                name,
                e.span.map(|s| (s, String::new())),
                e.message,
            ));
            return None;
        }
    };
    let value = tree.to_json(NodeId::ROOT);
    let before = errors.findings.len();
    let schema_errors = match origin {
        Origin::Written => VALIDATOR.iter_errors(&value).collect(),
        Origin::Embedded => Vec::new(),
    };
    for error in schema_errors {
        if matches!(
            error.kind(),
            jsonschema::error::ValidationErrorKind::PropertyNames { .. }
        ) {
            continue; // reported more precisely, per key, below
        }
        let (node, message) = schema_error_at(&tree, &error);
        // A wrong scalar (`warn` for a level) is underlined itself; a mapping or a list is
        // shown at its key, which says what it is for.
        let container = matches!(tree.kind(node), Kind::Mapping | Kind::Sequence);
        let shown = if container {
            tree.report_node(node)
        } else {
            node
        };
        let span = tree.span(shown);
        errors.findings.push(config_error(
            name,
            Some((span, tree.pointer(node))),
            message,
        ));
    }
    check_semantics(name, &tree, errors);
    if errors.findings.len() > before {
        return None;
    }
    match serde_json::from_value::<RawConfig>(value) {
        Ok(raw) => Some(raw),
        Err(e) => {
            errors.findings.push(config_error(
                name,
                None,
                format!("invalid configuration: {e}"),
            ));
            None
        }
    }
}

/// The node a schema error is about (a key, or the value at fault) and what to say of it.
fn schema_error_at(tree: &Tree, error: &jsonschema::ValidationError<'_>) -> (NodeId, String) {
    let at = node_at(tree, error.instance_path().as_str());
    match error.kind() {
        jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
            unknown_keys(tree, at, unexpected, error.schema_path().as_str())
        }
        jsonschema::error::ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            (
                at,
                format!("{} is not one of: {}", error.instance(), allowed.join(", ")),
            )
        }
        // The value itself is never quoted: it may be anything the file holds.
        jsonschema::error::ValidationErrorKind::Type { kind } => {
            let expected: Vec<&str> = match kind {
                jsonschema::error::TypeKind::Single(t) => vec![t.as_str()],
                jsonschema::error::TypeKind::Multiple(set) => {
                    set.iter().map(|t| t.as_str()).collect()
                }
            };
            (
                at,
                format!(
                    "expected {}, found {}",
                    expected.join(" or "),
                    json_type_name(error.instance())
                ),
            )
        }
        _ => (
            at,
            format!(
                "this {} does not fit the config schema: {}",
                json_type_name(error.instance()),
                error.kind().keyword()
            ),
        ),
    }
}

/// Keys the object at `at` does not take (`schema_path` is the failing keyword's place in the
/// schema): the first key, and the key meant or the keys the object takes.
fn unknown_keys(
    tree: &Tree,
    at: NodeId,
    unexpected: &[String],
    schema_path: &str,
) -> (NodeId, String) {
    let key = unexpected
        .first()
        .and_then(|k| tree.get_entry(at, k))
        .map(|(k, _)| k);
    // The keys this object takes: the `properties` beside the failing keyword.
    let object = schema_path
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent);
    let full = schema();
    let allowed: Vec<&str> = full
        .pointer(object)
        .and_then(|o| o.get("properties"))
        .and_then(|p| p.as_object())
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let first = unexpected.first().map_or("", String::as_str);
    let known = match crate::suggest::closest(first, allowed.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if !allowed.is_empty() => {
            format!("this object takes `{}`", allowed.join("`, `"))
        }
        None => "`errlint schema` prints the keys each object takes".to_string(),
    };
    (
        key.unwrap_or(at),
        format!("unknown key `{}`: {known}", unexpected.join("`, `")),
    )
}

/// What the schema cannot say: rule ids exist, patterns compile as regular expressions, globs
/// compile.
fn check_semantics(name: &str, tree: &Tree, errors: &mut ConfigErrors) {
    let root = NodeId::ROOT;
    let mut rule_maps: Vec<NodeId> = tree.get(root, "rules").into_iter().collect();
    if let Some(overrides) = tree.get(root, "overrides") {
        for item in tree.items(overrides) {
            rule_maps.extend(tree.get(item, "rules"));
            if let Some(paths) = tree.get(item, "paths") {
                for path in tree.items(paths) {
                    if let Some(Err(e)) = tree.str(path).map(parse_path_pattern) {
                        let message = format!("invalid glob: {e}");
                        errors.findings.push(config_error(
                            name,
                            Some((tree.span(path), tree.pointer(path))),
                            message,
                        ));
                    }
                }
            }
        }
    }
    for map in rule_maps {
        for (key, _) in tree.entries(map) {
            let id = tree.scalar(key).unwrap_or_default();
            use crate::catalog::Entry;
            let configurable = matches!(
                crate::catalog::find(id),
                Some(Entry::Rule(_) | Entry::Change(_) | Entry::TrafficCheck(_))
            );
            if !configurable {
                let known = crate::catalog::configurable_ids();
                let message = match crate::suggest::closest(id, known) {
                    Some(near) => format!("unknown rule `{id}`: did you mean `{near}`?"),
                    None => format!("unknown rule `{id}`: `errlint rules` lists them"),
                };
                errors.findings.push(config_error(
                    name,
                    Some((tree.span(key), tree.pointer(key))),
                    message,
                ));
            }
        }
    }
    let pattern = tree
        .get(root, "envelope")
        .and_then(|e| tree.get(e, "code"))
        .and_then(|c| tree.get(c, "pattern"));
    if let Some(pattern) = pattern {
        if let Some(Err(e)) = tree.str(pattern).map(regex::Regex::new) {
            let first_line = e
                .to_string()
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .to_string();
            let message = format!("invalid regular expression: {first_line}");
            errors.findings.push(config_error(
                name,
                Some((tree.span(pattern), tree.pointer(pattern))),
                message,
            ));
        }
    }
}

fn node_at(tree: &Tree, pointer_text: &str) -> NodeId {
    pointer::parse_pointer(pointer_text)
        .ok()
        .and_then(|tokens| tree.lookup(tokens.iter().map(String::as_str)).ok())
        .unwrap_or(NodeId::ROOT)
}

fn bom_length(text: &str) -> usize {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

fn config_error(name: &str, at: Option<(Span, String)>, message: String) -> Finding {
    let file: Arc<str> = Arc::from(name);
    Finding {
        help: Some(
            "`errlint schema` prints the config format; `errlint init` writes a commented example"
                .into(),
        ),
        location: at.map(|(span, pointer)| Location {
            file: file.clone(),
            span,
            pointer,
        }),
        fatal: true,
        ..Finding::new("invalid-config", Severity::Error, file, message)
    }
}

/// `a string`, `an object`…: what a value is, never what it says.
fn json_type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "list",
        serde_json::Value::Object(_) => "mapping",
    }
}

/// A warning for each override of `contract` that no operation of any linted document matched
/// (`matched` holds the indices that did): written as an OpenAPI path with `{id}`, or with a
/// typo, it would otherwise silently do nothing.
pub fn unmatched_overrides(contract: &Contract, matched: &[usize]) -> Vec<Finding> {
    let mut was_matched = vec![false; contract.overrides.len()];
    for &index in matched {
        if let Some(flag) = was_matched.get_mut(index) {
            *flag = true;
        }
    }
    // Each config file is parsed once for all its overrides: once per override made the
    // warnings quadratic in the number of overrides.
    let mut places_by_file: std::collections::HashMap<&str, Vec<OverridePlace>> =
        Default::default();
    let mut findings = Vec::new();
    for (index, o) in contract.overrides.iter().enumerate() {
        let Some((name, text, position)) = &o.origin else {
            continue;
        };
        if was_matched[index] {
            continue;
        }
        let places = places_by_file
            .entry(name)
            .or_insert_with(|| override_places(text));
        let at = places.get(*position).cloned();
        let file: Arc<str> = name.clone();
        findings.push(Finding {
            help: Some("check the globs against the document's path templates; `{id}` stands for any parameter name".into()),
            location: at.map(|(span, pointer)| Location { file: file.clone(), span, pointer }),
            ..Finding::new(
                "unused-override",
                Severity::Warning,
                file,
                "this override matches no operation of the linted documents".to_string(),
            )
        });
    }
    findings
}

/// Where an override's `paths` (or the override itself) is written: its span and pointer.
type OverridePlace = (Span, String);

#[cfg(test)]
thread_local! {
    /// How many times [`override_places`] parsed a config text, for the test that it is once
    /// per file.
    static CONFIG_PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The place of each item of a config text's `overrides` list, in order.
fn override_places(text: &Arc<String>) -> Vec<OverridePlace> {
    #[cfg(test)]
    CONFIG_PARSES.with(|count| count.set(count.get() + 1));
    let Ok((tree, _)) = document::parse(text.clone(), bom_length(text), &Limits::default()) else {
        return Vec::new();
    };
    let Some(list) = tree.get(NodeId::ROOT, "overrides") else {
        return Vec::new();
    };
    tree.items(list)
        .map(|item| {
            let paths = tree.get(item, "paths").unwrap_or(item);
            (tree.span(tree.report_node(paths)), tree.pointer(paths))
        })
        .collect()
}

/// A config's bytes as text; a file that is not UTF-8 is refused without being quoted.
fn into_text(bytes: Vec<u8>) -> Result<String, Refusal> {
    String::from_utf8(bytes).map_err(|_| Refusal::Io("it is not UTF-8 text".into()))
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_profile_is_valid() {
        for (name, _) in PROFILES {
            let result = contract(None, Some(name), &Access::default());
            assert!(
                result.is_ok(),
                "profile {name}: {:?}",
                result.err().map(|e| e.findings)
            );
        }
    }

    /// Built-in profiles are not checked against the schema at run time (see [`Origin`]):
    /// here each is, as if a user had written it.
    #[test]
    fn every_built_in_profile_fits_the_schema() {
        for (name, text) in PROFILES {
            let mut errors = ConfigErrors::default();
            let raw = parse_source(name, text, &mut errors, Origin::Written);
            assert!(
                raw.is_some() && errors.findings.is_empty(),
                "profile {name}: {:?}",
                errors.findings
            );
        }
        // The check is a real one: a key the schema does not know is refused.
        let mut errors = ConfigErrors::default();
        let text = format!("{}\nnot_a_key: 1\n", PROFILES[0].1);
        assert!(parse_source("x", &text, &mut errors, Origin::Written).is_none());
    }

    /// Many overrides that match nothing cost one parse of their file, not one each (that was
    /// quadratic), and each warning still points at its own override's `paths`.
    #[test]
    fn unmatched_overrides_parse_their_file_once() {
        let mut text = String::from("overrides:\n");
        for i in 0..300 {
            text.push_str(&format!("  - paths: ['/v{i}/**/items']\n"));
        }
        let contract = contract_from_text("errlint.yaml", &text).unwrap();
        let parses = || CONFIG_PARSES.with(std::cell::Cell::get);
        let before = parses();
        let findings = unmatched_overrides(&contract, &[1, 7]);
        assert_eq!(parses() - before, 1);
        assert_eq!(findings.len(), 298);
        let pointers: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.location.as_ref())
            .map(|l| l.pointer.as_str())
            .take(3)
            .collect();
        assert_eq!(
            pointers,
            [
                "/overrides/0/paths",
                "/overrides/2/paths",
                "/overrides/3/paths"
            ]
        );
    }

    #[test]
    fn the_default_profile_is_the_core_policy() {
        let c = contract(None, None, &Access::default()).unwrap();
        let paths: Vec<&str> = c.code_paths.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(paths, ["code", "error.code", "error_code", "errors[].code"]);
        assert_eq!(c.require.every_operation[0].text, "5XX");
        assert!(c.limited_by_default);
    }
}
