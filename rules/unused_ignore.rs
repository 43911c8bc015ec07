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

/// Every `x-errlint-ignore` in the document's files: `(owner mapping, its entries)`.
pub fn ignore_lists(api: &Api<'_>) -> Vec<(NodeRef, Vec<NodeRef>)> {
    let mut out = Vec::new();
    for (index, file) in api.docs.files.iter().enumerate() {
        let Some(tree) = file.tree.as_ref() else {
            continue;
        };
        let file = crate::document::FileId(index as u32);
        for i in 0..tree.len() as u32 {
            let key = NodeId(i);
            if !tree.is_key(key) || !tree.scalar_is(key, EXTENSION) {
                continue;
            }
            let value = NodeId(i + 1);
            let entries: Vec<NodeId> = if tree.kind(value) == Kind::Sequence {
                tree.items(value).collect()
            } else {
                vec![value]
            };
            let Some(owner) = tree.parent(key) else {
                continue;
            };
            out.push((
                NodeRef { file, node: owner },
                entries
                    .into_iter()
                    .map(|node| NodeRef { file, node })
                    .collect(),
            ));
        }
    }
    out
}

/// Every entry of `lists` that suppressed nothing (and names a rule that ran), or names no rule.
pub fn findings(
    api: &Api<'_>,
    lists: &[(NodeRef, Vec<NodeRef>)],
    used: &HashSet<NodeRef>,
    enabled: impl Fn(&str) -> bool,
    level: Severity,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for at in lists
        .iter()
        .flat_map(|(_, entries)| entries.iter().copied())
    {
        let name = api.str(at).unwrap_or_default();
        let message = if crate::rules::find(name).is_none() {
            format!("`{name}` in `{EXTENSION}` is not a rule")
        } else if !enabled(name) || used.contains(&at) {
            continue;
        } else {
            format!("`{name}` in `{EXTENSION}` suppresses nothing here")
        };
        out.push(Finding {
            help: Some("remove the entry".into()),
            location: Some(crate::engine::location(api.docs, at)),
            ..Finding::new(
                META_ID,
                level,
                crate::engine::file_name(api.docs, at.file),
                message,
            )
        });
    }
    out
}
