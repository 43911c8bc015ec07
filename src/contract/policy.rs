//! The policy: every layer that decides whether a rule reports at a place, and at what level.
//! Lowest first: built-in default → profile → config file → path overrides → inline
//! `x-errlint-ignore` → command line (`--rule`), with `only` (tests of one rule) above all.

use super::{Contract, OperationSettings};
use crate::document::{DocumentSet, FileId, Hop, Kind, NodeId, NodeRef, Tree};
use crate::ids::Severity;
use crate::openapi::{Api, Method, Operation, Route};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// The extension that suppresses findings inline.
pub const IGNORE_EXTENSION: &str = "x-errlint-ignore";

/// Rule levels from the command line, above every other layer; `None` turns a rule off.
pub type CommandLine = std::collections::HashMap<String, Option<Severity>>;

/// One `x-errlint-ignore` list: the mapping it sits on and its entries.
#[derive(Debug, Clone)]
pub struct IgnoreList {
    pub owner: NodeRef,
    pub entries: Vec<NodeRef>,
}

/// Answers "what level has rule R for this operation" and "does the document ignore R on the
/// way a use reaches this node", and remembers which ignore entries were used.
pub struct Policy {
    /// The contract's levels (built-in default, profile, config file).
    contract_levels: HashMap<String, Option<Severity>>,
    /// Rules that some path override turns on.
    on_in_overrides: HashSet<String>,
    command_line: CommandLine,
    only: Option<Vec<String>>,
    /// Settings of the operations that some override touches, by operation index.
    settings: HashMap<u32, OperationSettings>,
    default_settings: OperationSettings,
    /// The overrides some operation matched, by index.
    pub matched_overrides: std::collections::BTreeSet<usize>,
    /// The contract's rate-limit extension (`x-rate-limited`) and what holds without one.
    rate_limit_extension: String,
    limited_by_default: bool,
    ignores: Ignores,
    definitions: Definitions,
}

/// The document's ignore lists, and which entries suppressed something.
struct Ignores {
    lists: Vec<IgnoreList>,
    /// Owner mapping → index in `lists`.
    by_owner: HashMap<NodeRef, usize>,
    /// For each list, its first entry for each rule id (a list of 200,000 entries was scanned
    /// once per finding).
    by_rule: Vec<HashMap<String, NodeRef>>,
    /// Behind a lock: operations are walked on all threads.
    used: std::sync::Mutex<HashSet<NodeRef>>,
}

/// Per file, one bit per node: the node is the target of a `$ref` (a shared definition).
struct Definitions(Vec<Vec<u64>>);

impl Definitions {
    fn contains(&self, at: NodeRef) -> bool {
        let index = at.node.index();
        self.0
            .get(at.file.0 as usize)
            .and_then(|bits| bits.get(index / 64))
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }
}

impl Policy {
    /// `operations` lists every operation's method and path template, by index.
    pub fn new<'o>(
        contract: &Contract,
        command_line: &CommandLine,
        only: Option<&[String]>,
        docs: &DocumentSet,
        operations: impl Iterator<Item = (Method, &'o str)>,
    ) -> Self {
        let mut matched_overrides = std::collections::BTreeSet::new();
        let settings = if contract.overrides.is_empty() {
            HashMap::default()
        } else {
            operations
                .enumerate()
                .map(|(i, (method, path))| {
                    // Matched once: a glob set's answer costs time in its number of globs.
                    let matching = contract.matching_overrides(method, path);
                    let settings = contract.settings_of(&matching);
                    matched_overrides.extend(matching);
                    (i as u32, settings)
                })
                .filter(|(_, s)| !s.is_default())
                .collect()
        };
        let lists = ignore_lists(docs);
        let by_owner = lists
            .iter()
            .enumerate()
            .map(|(i, list)| (list.owner, i))
            .collect();
        Policy {
            contract_levels: contract
                .severities
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            on_in_overrides: contract
                .overrides
                .iter()
                .flat_map(|o| o.severities.iter())
                .filter(|(_, level)| level.is_some())
                .map(|(rule, _)| rule.clone())
                .collect(),
            command_line: command_line.clone(),
            only: only.map(<[String]>::to_vec),
            settings,
            default_settings: OperationSettings::default(),
            matched_overrides,
            rate_limit_extension: contract.rate_limit_extension.clone(),
            limited_by_default: contract.limited_by_default,
            ignores: Ignores {
                by_rule: lists.iter().map(|list| rule_index(docs, list)).collect(),
                lists,
                by_owner,
                used: Default::default(),
            },
            definitions: definition_bits(docs),
        }
    }

    /// What the config's path overrides say about an operation.
    pub fn settings(&self, operation: u32) -> &OperationSettings {
        self.settings
            .get(&operation)
            .unwrap_or(&self.default_settings)
    }

    /// Whether an operation is rate-limited: the config's overrides first, then the nearest
    /// `x-rate-limited` (or the contract's extension) on the operation, its path item or the
    /// root, then the contract's default. Returns the extension's value node when the document
    /// decided.
    pub fn rate_limited(&self, api: &Api<'_>, op: &Operation<'_>) -> (bool, Option<NodeRef>) {
        if let Some(limited) = self.settings(op.index).rate_limited {
            return (limited, None);
        }
        match api.inherited_flag(op, &self.rate_limit_extension) {
            Some((limited, at)) => (limited, Some(at)),
            None => (self.limited_by_default, None),
        }
    }

    fn excluded(&self, rule: &str) -> bool {
        self.only
            .as_ref()
            .is_some_and(|only| !only.iter().any(|r| r == rule))
    }

    /// The level of `rule` for an operation (or for the document, with `None`); `None` is off.
    pub fn level(&self, rule: &str, default: Severity, operation: Option<u32>) -> Option<Severity> {
        if self.excluded(rule) {
            return None;
        }
        if let Some(level) = self.command_line.get(rule) {
            return *level;
        }
        let overridden = operation
            .and_then(|op| self.settings.get(&op))
            .and_then(|s| s.severities.get(rule));
        if let Some(level) = overridden {
            return *level;
        }
        match self.contract_levels.get(rule) {
            Some(level) => *level,
            None => Some(default),
        }
    }

    /// Whether a rule can report anywhere: on for the document, or on through some override.
    pub fn may_run(&self, rule: &str, default: Severity) -> bool {
        if self.excluded(rule) {
            return false;
        }
        if let Some(level) = self.command_line.get(rule) {
            return level.is_some();
        }
        self.level(rule, default, None).is_some() || self.on_in_overrides.contains(rule)
    }

    /// Whether the command line sets this rule, which makes the document's ignores moot.
    pub fn set_on_command_line(&self, rule: &str) -> bool {
        self.command_line.contains_key(rule)
    }

    /// True when `at` lies inside a shared definition: the target of some `$ref`, or below one.
    pub fn in_definition(&self, docs: &DocumentSet, at: NodeRef) -> bool {
        let Some(tree) = docs.tree(at.file) else {
            return false;
        };
        let mut node = Some(value_of(tree, at.node));
        while let Some(n) = node {
            if self.definitions.contains(NodeRef {
                file: at.file,
                node: n,
            }) {
                return true;
            }
            node = tree.parent(n);
        }
        false
    }

    /// Whether the document ignores `rule` for a finding at `at`, on the way one use reaches
    /// it: from `at` up to the definition it sits in, then from the use's anchor outwards,
    /// stepping from each `$ref`'s target back to the `$ref` that led there. An ignore above a
    /// definition in the file that holds it (a response written under `/a` and `$ref`'d by
    /// `/b`) applies to the uses that pass there, not to every use. Without a route, the
    /// ancestors of `at` decide. The entry that suppresses is remembered as used. The route is
    /// asked for only when the document has ignores.
    pub fn suppressed(
        &self,
        docs: &DocumentSet,
        rule: &str,
        at: NodeRef,
        route: impl FnOnce() -> Option<Route>,
    ) -> bool {
        if self.ignores.lists.is_empty() || self.set_on_command_line(rule) {
            return false;
        }
        let Some(Route { anchor, hops }) = route() else {
            return self.ignores.climb(docs, rule, at, |_| false, &[]);
        };
        let definitions = &self.definitions;
        let stop = |n: NodeRef| n == anchor || definitions.contains(n);
        self.ignores.climb(docs, rule, at, stop, &[])
            || self.ignores.climb(docs, rule, anchor, |_| false, &hops)
    }

    /// Every `x-errlint-ignore` list of the document's files.
    pub fn ignore_lists(&self) -> &[IgnoreList] {
        &self.ignores.lists
    }

    /// Whether an ignore entry suppressed something so far.
    pub fn was_used(&self, entry: NodeRef) -> bool {
        self.ignores.used().contains(&entry)
    }
}

impl Ignores {
    /// Looks for an ignore of `rule` on `start` (its value, for a key) and its ancestors,
    /// ending after a node where `stop` holds; at the target of the next hop, continues from
    /// that hop's site.
    fn climb(
        &self,
        docs: &DocumentSet,
        rule: &str,
        start: NodeRef,
        stop: impl Fn(NodeRef) -> bool,
        hops: &[Hop],
    ) -> bool {
        let mut hops = hops.iter().peekable();
        let mut file = start.file;
        let Some(mut tree) = docs.tree(file) else {
            return false;
        };
        let mut node = Some(value_of(tree, start.node));
        while let Some(n) = node {
            let here = NodeRef { file, node: n };
            if self.ignores_here(here, rule) {
                return true;
            }
            if stop(here) {
                return false;
            }
            if let Some(hop) = hops.next_if(|h| h.target == here) {
                file = hop.site.file;
                let Some(next) = docs.tree(file) else {
                    return false;
                };
                tree = next;
                node = Some(hop.site.node);
                continue;
            }
            node = tree.parent(n);
        }
        false
    }

    /// The entries that suppressed something so far; one thread at a time.
    fn used(&self) -> std::sync::MutexGuard<'_, HashSet<NodeRef>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn ignores_here(&self, at: NodeRef, rule: &str) -> bool {
        let Some(&index) = self.by_owner.get(&at) else {
            return false;
        };
        match self.by_rule[index].get(rule) {
            Some(entry) => {
                self.used().insert(*entry);
                true
            }
            None => false,
        }
    }
}

/// A key's value, or the node itself: what a finding on a key is about.
fn value_of(tree: &Tree, node: NodeId) -> NodeId {
    if tree.is_key(node) {
        NodeId(node.0 + 1)
    } else {
        node
    }
}

/// Every `x-errlint-ignore` in the document's files: a scan of each file's tape, so that lists
/// on schemas and inside `$ref`'d files are found as well as those on operations.
fn ignore_lists(docs: &DocumentSet) -> Vec<IgnoreList> {
    let mut out = Vec::new();
    for (index, file) in docs.files.iter().enumerate() {
        let Some(tree) = file.tree.as_ref() else {
            continue;
        };
        let file = FileId(index as u32);
        for i in 0..tree.len() as u32 {
            let key = NodeId(i);
            if !tree.is_key(key) || !tree.scalar_is(key, IGNORE_EXTENSION) {
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
            out.push(IgnoreList {
                owner: NodeRef { file, node: owner },
                entries: entries
                    .into_iter()
                    .map(|node| NodeRef { file, node })
                    .collect(),
            });
        }
    }
    out
}

/// A list's first entry for each rule id it names (renamed ids under their current id).
fn rule_index(docs: &DocumentSet, list: &IgnoreList) -> HashMap<String, NodeRef> {
    let mut index = HashMap::default();
    let Some(tree) = docs.tree(list.owner.file) else {
        return index;
    };
    for entry in &list.entries {
        if let Some(name) = tree.str(entry.node) {
            index
                .entry(crate::ids::canonical_id(name).to_string())
                .or_insert(*entry);
        }
    }
    index
}

/// One bit per node of each file, set on the targets of `$ref`s.
fn definition_bits(docs: &DocumentSet) -> Definitions {
    let mut bits: Vec<Vec<u64>> = docs
        .files
        .iter()
        .map(|f| vec![0; f.tree.as_ref().map_or(0, |t| t.len().div_ceil(64))])
        .collect();
    for target in docs.ref_targets() {
        let index = target.node.index();
        if let Some(word) = bits
            .get_mut(target.file.0 as usize)
            .and_then(|b| b.get_mut(index / 64))
        {
            *word |= 1 << (index % 64);
        }
    }
    Definitions(bits)
}
