//! What every id errlint reports shares, below everything that reads one: the levels, and the
//! ids' history — renamed rule ids and the ids they became (ruff's `rule_redirects.rs`,
//! clippy's renamed lints), so that configs, `--rule`, `x-errlint-ignore` and baselines
//! written with an old id keep working. Renaming a rule adds a line here and never removes
//! one.

/// How much a finding matters: the level an id reports at, and the one a run fails at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `(old id, current id)`.
pub const REDIRECTS: &[(&str, &str)] = &[];

/// The current id of `id`: itself, unless it was renamed.
pub fn canonical_id(id: &str) -> &str {
    canonical_id_in(REDIRECTS, id)
}

fn canonical_id_in<'a>(redirects: &[(&'static str, &'static str)], id: &'a str) -> &'a str {
    redirects
        .iter()
        .find(|(old, _)| *old == id)
        .map_or(id, |(_, new)| new)
}

#[cfg(test)]
mod tests {
    use super::{REDIRECTS, canonical_id_in};

    #[test]
    fn an_old_id_leads_to_the_new_one_and_others_stay() {
        let renamed = [("error-code-missing", "error-code-present")];
        assert_eq!(
            canonical_id_in(&renamed, "error-code-missing"),
            "error-code-present"
        );
        assert_eq!(
            canonical_id_in(&renamed, "error-status-known"),
            "error-status-known"
        );
    }

    #[test]
    fn every_redirect_leads_to_a_rule_and_no_old_id_is_a_rule() {
        for (old, new) in REDIRECTS {
            assert!(crate::rules::find(new).is_some(), "{old} → {new}");
            assert!(
                !crate::rules::ALL.iter().any(|m| m.id == *old),
                "{old} is both renamed and a rule"
            );
        }
    }
}
