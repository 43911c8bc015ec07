//! Configuration: error-contract profiles (data, in `rules/profiles/`), config files, layering
//! and per-path overrides. Precedence, lowest first: built-in default, profile, config file,
//! path overrides, `x-errlint-ignore` in the document, command line.

mod contract;
mod load;
mod policy;
mod raw;

pub use contract::{
    Catalog, CodeType, Contract, DefaultCovers, OperationSettings, Override, Requirement,
    Requirements,
};
pub use load::{
    CONFIG_NAMES, ConfigChoice, ConfigErrors, PROFILES, builtin_profile, contract,
    contract_from_text, discover, schema, unmatched_overrides,
};
pub use policy::{CommandLine, IGNORE_EXTENSION, IgnoreList, Policy};

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
