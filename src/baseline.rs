//! Baselines, for adopting errlint on an API with many existing findings: record today's
//! findings, then report only new ones. Entries match by rule, file, pointer and a normalized
//! message — never by line — so moving code does not bring old findings back.

use crate::finding::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub file: String,
    pub pointer: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// Digits become `#`, so counts in messages ("3 of 6 error responses") do not break a match.
fn normalize(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_number = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

fn entry(finding: &Finding) -> Entry {
    Entry {
        rule: finding.rule.to_string(),
        file: finding.file.to_string(),
        pointer: finding
            .location
            .as_ref()
            .map(|l| l.pointer.clone())
            .unwrap_or_default(),
        message: normalize(&finding.message),
    }
}

impl Baseline {
    /// Every finding that a baseline can hold (document problems are never baselined).
    pub fn record(findings: &[Finding]) -> Self {
        Baseline {
            version: 1,
            entries: findings.iter().filter(|f| !f.fatal).map(entry).collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        let baseline: Baseline =
            serde_json::from_str(text).map_err(|e| format!("not an errlint baseline: {e}"))?;
        if baseline.version != 1 {
            return Err(format!(
                "baseline version {} is not supported (expected 1)",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Removes the findings the baseline holds (each entry matches one finding) and returns how
    /// many entries matched nothing: those can be dropped from the file.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let mut remaining: HashMap<&Entry, usize> = HashMap::new();
        for e in &self.entries {
            *remaining.entry(e).or_default() += 1;
        }
        findings.retain(|f| {
            if f.fatal {
                return true;
            }
            match remaining.get_mut(&entry(f)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        remaining.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, lint_text};

    const DOC: &str = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404': {description: x}\n";

    #[test]
    fn matches_across_moved_lines_and_counts_stale_entries() {
        let before = lint_text("openapi.yaml", DOC, &Options::default());
        let baseline = Baseline::from_json(&Baseline::record(&before.findings).to_json()).unwrap();
        let moved = format!("# moved down\n\n{DOC}");
        let mut after = lint_text("openapi.yaml", &moved, &Options::default()).findings;
        assert_eq!(baseline.filter(&mut after), 0);
        assert!(after.is_empty(), "{after:?}");
        // A new finding is reported; a fixed one leaves a stale entry.
        let changed = DOC.replace("'404': {description: x}", "'4xx': {description: x}");
        let mut findings = lint_text("openapi.yaml", &changed, &Options::default()).findings;
        let stale = baseline.filter(&mut findings);
        assert_eq!(stale, 1);
        assert!(findings.iter().any(|f| f.rule == "error-status-known"));
    }
}
