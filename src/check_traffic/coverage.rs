//! `--coverage`: per operation, the error statuses and codes the description documents that
//! the traffic never showed, and those the traffic showed that it does not document. What a
//! team reads before it tightens its contract.

use crate::contract::Catalog;
use crate::openapi::{Model, StatusKey};
use crate::promises::OperationPromises;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The most distinct codes remembered per operation and status: a code that carries a
/// request id would otherwise grow with the traffic.
const CODES_KEPT: usize = 64;

/// What was observed, by operation index, next to what is documented.
pub struct Coverage {
    operations: Vec<Observed>,
}

struct Observed {
    name: Arc<str>,
    /// Documented error statuses, as written (`404`, `4XX`, `default`), with their codes.
    documented: Vec<(StatusKey, String, BTreeSet<String>)>,
    exchanges: u64,
    /// Observed error statuses, with the codes observed on each.
    statuses: BTreeMap<u16, BTreeSet<String>>,
}

/// One operation's row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    pub operation: Arc<str>,
    /// Exchanges that answered it.
    pub exchanges: u64,
    /// Documented error statuses no exchange answered with.
    pub statuses_not_observed: Vec<String>,
    /// Error statuses observed that no exact or range response documents.
    pub statuses_not_documented: Vec<u16>,
    /// `404 not_found`: documented codes no exchange carried on that status.
    pub codes_not_observed: Vec<String>,
    /// Codes observed on a status whose response lists codes, but not that one.
    pub codes_not_documented: Vec<String>,
}

/// The whole view: a row per operation the traffic reached, and the operations it never did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Report {
    pub operations: Vec<Row>,
    pub not_observed: Vec<Arc<str>>,
}

impl Coverage {
    /// `catalog`: the contract's codes, whose statuses document them for every operation
    /// that documents the status.
    pub fn new(
        model: &Model<'_>,
        promises: &[Option<OperationPromises>],
        catalog: &Catalog,
    ) -> Self {
        let catalogued = |status: StatusKey| -> Vec<String> {
            match (catalog, status) {
                (Catalog::Codes(codes), StatusKey::Code(status)) => codes
                    .iter()
                    .filter(|(_, statuses)| statuses.contains(&status))
                    .map(|(code, _)| code.clone())
                    .collect(),
                _ => Vec::new(),
            }
        };
        let operations = model
            .operations
            .iter()
            .zip(promises)
            .map(|(op, promises)| Observed {
                name: op.name(),
                documented: promises
                    .iter()
                    .flat_map(|p| &p.statuses)
                    .map(|s| {
                        let mut codes: BTreeSet<String> =
                            s.codes.iter().map(|(c, _)| c.clone()).collect();
                        codes.extend(catalogued(s.status));
                        (s.status, s.text.clone(), codes)
                    })
                    .collect(),
                exchanges: 0,
                statuses: BTreeMap::new(),
            })
            .collect();
        Coverage { operations }
    }

    /// Counts an exchange that answered operation `op`, with the code its error body
    /// carried, when the checks read one.
    pub fn observe(&mut self, op: usize, status: u16, code: Option<&str>) {
        let Some(observed) = self.operations.get_mut(op) else {
            return;
        };
        observed.exchanges += 1;
        if !(400..600).contains(&status) {
            return;
        }
        let codes = observed.statuses.entry(status).or_default();
        if let Some(code) = code {
            if codes.len() < CODES_KEPT && !codes.contains(code) {
                codes.insert(code.to_string());
            }
        }
    }

    pub fn report(&self) -> Report {
        let mut operations = Vec::new();
        let mut not_observed = Vec::new();
        for observed in &self.operations {
            if observed.exchanges == 0 {
                not_observed.push(observed.name.clone());
                continue;
            }
            operations.push(observed.row());
        }
        Report {
            operations,
            not_observed,
        }
    }
}

impl Observed {
    /// The documented status a recorded one is answered by: exact, else its range, else
    /// `default` (as matching finds responses).
    fn documented_for(&self, status: u16) -> Option<usize> {
        let keys = self.documented.iter().map(|(key, _, _)| *key);
        crate::traffic::matching::status_key_for(keys, status).map(|(i, _)| i)
    }

    fn row(&self) -> Row {
        let mut seen = vec![false; self.documented.len()];
        let mut statuses_not_documented = Vec::new();
        let mut codes_not_documented = Vec::new();
        let mut codes_seen: BTreeSet<(usize, &str)> = BTreeSet::new();
        for (&status, codes) in &self.statuses {
            let answered = self.documented_for(status);
            match answered {
                Some(i) => seen[i] = true,
                None => statuses_not_documented.push(status),
            }
            if let Some(i) = answered.filter(|&i| {
                matches!(
                    self.documented[i].0,
                    StatusKey::Code(_) | StatusKey::Range(_)
                )
            }) {
                let listed = &self.documented[i].2;
                for code in codes {
                    codes_seen.insert((i, code));
                    if !listed.is_empty() && !listed.contains(code) {
                        codes_not_documented.push(format!("{status} {code}"));
                    }
                }
            }
            if matches!(
                answered.map(|i| self.documented[i].0),
                Some(StatusKey::Default)
            ) {
                statuses_not_documented.push(status);
            }
        }
        let mut statuses_not_observed = Vec::new();
        let mut codes_not_observed = Vec::new();
        for (i, (_, text, codes)) in self.documented.iter().enumerate() {
            if !seen[i] {
                statuses_not_observed.push(text.clone());
            }
            for code in codes {
                if !codes_seen.contains(&(i, code.as_str())) {
                    codes_not_observed.push(format!("{text} {code}"));
                }
            }
        }
        Row {
            operation: self.name.clone(),
            exchanges: self.exchanges,
            statuses_not_observed,
            statuses_not_documented,
            codes_not_observed,
            codes_not_documented,
        }
    }
}

impl Report {
    /// The pretty table: one block per operation the traffic reached that differs from its
    /// description, then how many operations it never reached.
    pub fn to_text(&self) -> String {
        let mut out =
            String::from("coverage: errors observed in the traffic against those documented\n");
        let width = self
            .operations
            .iter()
            .map(|r| r.operation.chars().count())
            .max()
            .unwrap_or(0);
        let mut same = 0;
        for row in &self.operations {
            let lines: Vec<(&str, String)> = [
                (
                    "documented, not observed",
                    row.statuses_not_observed.join(", "),
                ),
                (
                    "observed, not documented",
                    join(&row.statuses_not_documented),
                ),
                (
                    "codes documented, not observed",
                    row.codes_not_observed.join(", "),
                ),
                (
                    "codes observed, not documented",
                    row.codes_not_documented.join(", "),
                ),
            ]
            .into_iter()
            .filter(|(_, text)| !text.is_empty())
            .collect();
            if lines.is_empty() {
                same += 1;
                continue;
            }
            let operation = crate::report::visible(&row.operation);
            out.push_str(&format!(
                "  {operation:<width$}  {} exchanges\n",
                row.exchanges
            ));
            for (what, text) in lines {
                out.push_str(&format!("    {what}: {}\n", crate::report::visible(&text)));
            }
        }
        out.push_str(&format!(
            "  {} operations observed ({same} as documented), {} never observed\n",
            self.operations.len(),
            self.not_observed.len()
        ));
        out
    }
}

fn join(statuses: &[u16]) -> String {
    statuses
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
