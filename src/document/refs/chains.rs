//! Chains of references followed to their ends, so a lookup takes one step; each cycle among
//! them is reported once.

use super::set::{DocumentSet, NodeRef, ProblemKind};

#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    Node(NodeRef),
    /// Missing, remote, or part of a cycle: already reported.
    Unknown,
}

/// Reference Objects and their targets, sorted by node. Lookups come in document order,
/// so a binary search over one array stays in cache where a hash table of 200,000 entries
/// would miss on nearly every lookup.
#[derive(Debug, Default)]
pub(super) struct RefTable {
    pub(super) entries: Vec<(NodeRef, Target)>,
}

impl RefTable {
    pub(super) fn position(&self, at: NodeRef) -> Option<usize> {
        self.entries
            .binary_search_by_key(&at, |(node, _)| *node)
            .ok()
    }

    pub(super) fn get(&self, at: NodeRef) -> Option<Target> {
        self.position(at).map(|i| self.entries[i].1)
    }
}

impl DocumentSet {
    /// Replaces each raw target by the end of its chain of references; reports each cycle
    /// once, at its first reference in document order.
    pub(super) fn follow_chains(&mut self, mut table: RefTable) -> RefTable {
        let raw = &table.entries;
        let mut ends: Vec<Option<Target>> = vec![None; raw.len()];
        let mut chain: Vec<usize> = Vec::new();
        // Where each reference stands in the chain being followed, and which chain that is
        // (`start + 1`): a cycle is found in constant time, so a chain of 400,000 links is
        // followed in linear time.
        let mut place: Vec<(usize, usize)> = vec![(0, 0); raw.len()];
        for start in 0..raw.len() {
            if ends[start].is_some() {
                continue;
            }
            let walk = start + 1;
            chain.clear();
            chain.push(start);
            place[start] = (walk, 0);
            let mut at = start;
            let end = loop {
                match raw[at].1 {
                    Target::Node(next) => match table.position(next) {
                        Some(link) => {
                            if let Some(known) = ends[link] {
                                break known;
                            }
                            if place[link].0 == walk {
                                let cycle: Vec<NodeRef> =
                                    chain[place[link].1..].iter().map(|&c| raw[c].0).collect();
                                self.report_cycle(&cycle);
                                break Target::Unknown;
                            }
                            place[link] = (walk, chain.len());
                            chain.push(link);
                            at = link;
                        }
                        None => break Target::Node(next),
                    },
                    Target::Unknown => break Target::Unknown,
                }
            };
            for &link in &chain {
                ends[link] = Some(end);
            }
        }
        for (entry, end) in table.entries.iter_mut().zip(ends) {
            entry.1 = end.expect("every chain ends");
        }
        table
    }

    fn report_cycle(&mut self, cycle: &[NodeRef]) {
        let Some(first_at) = cycle
            .iter()
            .enumerate()
            .min_by_key(|(_, r)| **r)
            .map(|(i, _)| i)
        else {
            return;
        };
        let first = cycle[first_at];
        // Name the Reference Objects in chain order, starting and ending at the first one.
        let mut names: Vec<String> = cycle[first_at..]
            .iter()
            .chain(&cycle[..first_at])
            .chain(std::iter::once(&first))
            .map(|r| {
                let file = self.file(r.file);
                let tree = file.tree.as_ref().expect("refs live in parsed files");
                let pointer = format!("#{}", tree.pointer(r.node));
                if r.file == first.file {
                    pointer
                } else {
                    format!("{}{pointer}", file.name)
                }
            })
            .collect();
        names.dedup();
        let tree = self.tree(first.file).expect("refs live in parsed files");
        let value = tree.get(first.node, "$ref").unwrap_or(first.node);
        let message = if cycle.len() == 1 {
            format!("`{}` refers to itself and never reaches a value", names[0])
        } else {
            format!(
                "reference cycle never reaches a value: {}",
                names.join(" → ")
            )
        };
        self.problem(
            ProblemKind::RefCycle,
            first.file,
            value,
            message,
            Some("point one of these references at a real definition".into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::ProblemKind;
    use super::super::test_support::{load, target_of};

    #[test]
    fn follows_escaped_pointers_and_chains() {
        let set = load(
            "a: {$ref: '#/b'}\nb: {$ref: '#/c~1d'}\nc/d: {x: 1}\ne: {$ref: '#/f%20g'}\nf g: 2\n",
        );
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert_eq!(target_of(&set, "/a").as_deref(), Some("/c~1d"));
        assert_eq!(target_of(&set, "/e").as_deref(), Some("/f g"));
    }

    #[test]
    fn reports_each_cycle_once_and_leaves_recursion_alone() {
        let set = load(
            "a: {$ref: '#/b'}\nb: {$ref: '#/a'}\nc: {$ref: '#/a'}\nnode: {properties: {children: {items: {$ref: '#/node'}}}}\n",
        );
        let cycles: Vec<_> = set
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::RefCycle)
            .collect();
        assert_eq!(cycles.len(), 1, "{:?}", set.problems);
        assert_eq!(cycles[0].span.map(|s| s.start), Some(10));
        assert_eq!(target_of(&set, "/c"), None);
        assert_eq!(
            target_of(&set, "/node/properties/children/items").as_deref(),
            Some("/node")
        );
    }
}
