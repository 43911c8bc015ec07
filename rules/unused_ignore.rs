//! `unused-ignore`: an `x-errlint-ignore` entry that suppresses nothing.

use super::{Rule, RuleMeta, declare_rule};
use crate::document::{Kind, NodeId, NodeRef};
use crate::finding::{Finding, Severity};
use crate::openapi::Api;
use rustc_hash::FxHashSet as HashSet;

/// The extension that suppresses findings inline.
pub const EXTENSION: &str = "x-errlint-ignore";
pub const META_ID: &str = "unused-ignore";

declare_rule! {
    /// ## What it checks
    /// `x-errlint-ignore: [RULE, …]` on an operation, a path item, a response or a schema
    /// suppresses those rules' findings there and below (and, for a shared definition, for the
    /// uses under it). An entry that suppressed nothing in this run is reported, so that
    /// suppressions do not outlive the problems they hid. An entry naming an unknown rule is
    /// reported too. Entries for rules that are turned off are left alone.
    ///
    /// ## Why
    /// A stale suppression hides the next real finding at the same place.
    ///
    /// ## Bad
    /// ```yaml
    /// get:
    ///   x-errlint-ignore: [error-status-coverage]   # the operation documents everything now
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// get:
    ///   x-errlint-ignore: [error-status-coverage]   # still needed: no 404 by design
    ///   responses: {'200': {description: ok}}
    /// ```
    pub struct UnusedIgnore;
    id: "unused-ignore",
    severity: Warning,
    summary: "`x-errlint-ignore` entries that suppress nothing",
}

impl Rule for UnusedIgnore {
    fn meta(&self) -> &'static RuleMeta {
        &UnusedIgnore::META
    }
    // The engine applies suppressions while it merges findings; it calls `findings` below.
}

/// Every `x-errlint-ignore` entry in the document's files that is not in `used`.
pub fn findings(
    api: &Api<'_>,
    used: &HashSet<NodeRef>,
    enabled: impl Fn(&str) -> bool,
    level: Severity,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, file) in api.docs.files.iter().enumerate() {
        let Some(tree) = file.tree.as_ref() else {
            continue;
        };
        let file_id = crate::document::FileId(index as u32);
        for i in 0..tree.len() {
            let key = NodeId(i as u32);
            if !tree.is_key(key) || tree.scalar(key) != Some(EXTENSION) {
                continue;
            }
            let value = NodeId(key.0 + 1);
            let entries: Vec<NodeId> = if tree.kind(value) == Kind::Sequence {
                tree.items(value).collect()
            } else {
                vec![value]
            };
            for entry in entries {
                let at = NodeRef {
                    file: file_id,
                    node: entry,
                };
                let name = tree.str(entry).unwrap_or_default();
                let message = if crate::rules::find(name).is_none() {
                    format!("`{name}` in `{EXTENSION}` is not a rule")
                } else if !enabled(name) || used.contains(&at) {
                    continue;
                } else {
                    format!("`{name}` in `{EXTENSION}` suppresses nothing here")
                };
                out.push(Finding {
                    rule: META_ID,
                    severity: level,
                    message,
                    help: Some("remove the entry".into()),
                    location: Some(crate::engine::location(api.docs, at)),
                    label: None,
                    note: None,
                    operation: None,
                    related: Vec::new(),
                    related_omitted: 0,
                    fatal: false,
                    file: crate::engine::file_name(api.docs, at.file),
                });
            }
        }
    }
    out
}
