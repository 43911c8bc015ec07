//! Configuration as written: every field optional, so that layers only set what they name.
//! Deserialized only after the JSON Schema has accepted the document.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// For editors (`$schema: ./assets/errlint.schema.json`); errlint itself ignores it.
    #[serde(rename = "$schema")]
    #[allow(dead_code)]
    pub schema: Option<String>,
    /// One profile, or several laid in order (later ones over earlier ones).
    pub extends: Option<OneOrMany>,
    pub description: Option<String>,
    pub media_types: Option<Vec<String>>,
    pub envelope: Option<RawEnvelope>,
    pub statuses: Option<RawStatuses>,
    pub retry: Option<RawRetry>,
    pub rate_limit: Option<RawRateLimit>,
    pub codes: Option<RawCodes>,
    /// How `errlint diff` compares `info.version`: semver, date or off.
    pub versions: Option<String>,
    pub rules: Option<BTreeMap<String, String>>,
    pub overrides: Option<Vec<RawOverride>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnvelope {
    pub code: Option<RawCode>,
    pub fields: Option<BTreeMap<String, String>>,
    pub optional: Option<Vec<String>>,
    pub additional: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCode {
    pub path: Option<OneOrMany>,
    pub problem_path: Option<String>,
    pub r#type: Option<String>,
    pub pattern: Option<String>,
    pub closed: Option<bool>,
    pub extensions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s).iter(),
            OneOrMany::Many(v) => v.iter(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatuses {
    pub documented: Option<Vec<u16>>,
    pub require: Option<RawRequire>,
    pub ranges_satisfy: Option<bool>,
    pub default_satisfies: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequire {
    pub authenticated: Option<Vec<String>>,
    pub path_parameter: Option<Vec<String>>,
    pub input: Option<Vec<String>>,
    pub every_operation: Option<Vec<String>>,
    pub rate_limited: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    pub fields: Option<Vec<String>>,
    pub headers: Option<Vec<String>>,
    pub statuses: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRateLimit {
    pub default: Option<String>,
    pub extension: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawCodes {
    /// `codes: status`: the code equals the HTTP status (the schema allows no other string).
    Echo(#[allow(dead_code)] String),
    Map(BTreeMap<String, OneOrManyStatuses>),
}

/// A code's statuses: one, or a list (empty: the code is known, on any status).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrManyStatuses {
    One(u16),
    Many(Vec<u16>),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    pub paths: Vec<String>,
    pub rules: Option<BTreeMap<String, String>>,
    pub rate_limited: Option<bool>,
    pub forbid_statuses: Option<Vec<u16>>,
}
