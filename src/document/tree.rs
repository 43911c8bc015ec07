//! The span tape: one flat array of nodes in document order, shared by the JSON and YAML
//! front-ends. Every key and value keeps its byte span; nothing here knows about OpenAPI.

use rustc_hash::FxHashMap as HashMap;

/// A byte range `start..end` in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The index of a node in its file's tape. The root is always `NodeId(0)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

impl NodeId {
    pub const ROOT: NodeId = NodeId(0);

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a node holds. Numbers and booleans keep their source text; interpreting them is the
/// reader's business.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Mapping,
    Sequence,
}

pub(crate) const FLAG_KEY: u8 = 1;
pub(crate) const FLAG_TEXT_IN_ARENA: u8 = 2;
/// A mapping with a `$ref` key whose value is a string: a Reference Object candidate.
pub(crate) const FLAG_HAS_REF: u8 = 4;

/// The most nodes one file may have: a parent index takes 26 bits of a node.
pub const MAX_NODES: usize = 1 << PARENT_BITS;
const PARENT_BITS: u32 = 26;
const PARENT_MASK: u32 = (1 << PARENT_BITS) - 1;

/// One node of the tape, 24 bytes. Scalars use `a..a+b` as their text (in the source, or in
/// the arena when decoding changed it); containers keep their child count in `a`. The parent
/// index, the kind and the flags share one word, which keeps the tape near the file's size.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub start: u32,
    pub end: u32,
    /// Parent index (26 bits), kind (3 bits), flags (3 bits).
    meta: u32,
    /// Index one past this node's subtree: the next sibling, or the parent's end.
    pub next: u32,
    pub a: u32,
    pub b: u32,
}

impl Node {
    #[allow(clippy::too_many_arguments)]
    fn new(
        start: u32,
        end: u32,
        parent: u32,
        next: u32,
        a: u32,
        b: u32,
        kind: Kind,
        flags: u8,
    ) -> Self {
        let meta = (parent & PARENT_MASK)
            | ((kind as u32) << PARENT_BITS)
            | (u32::from(flags) << (PARENT_BITS + 3));
        Node {
            start,
            end,
            meta,
            next,
            a,
            b,
        }
    }

    pub fn parent(&self) -> u32 {
        self.meta & PARENT_MASK
    }

    pub fn set_parent(&mut self, parent: u32) {
        self.meta = (self.meta & !PARENT_MASK) | (parent & PARENT_MASK);
    }

    pub fn kind(&self) -> Kind {
        match (self.meta >> PARENT_BITS) & 7 {
            0 => Kind::Null,
            1 => Kind::Bool,
            2 => Kind::Number,
            3 => Kind::String,
            4 => Kind::Mapping,
            _ => Kind::Sequence,
        }
    }

    pub fn flags(&self) -> u8 {
        (self.meta >> (PARENT_BITS + 3)) as u8
    }

    pub fn set_flags(&mut self, flags: u8) {
        self.meta =
            (self.meta & !(7 << (PARENT_BITS + 3))) | (u32::from(flags & 7) << (PARENT_BITS + 3));
    }
}

/// A parsed file: its text and its tape. Mapping entries are stored as a key node (a string
/// with `FLAG_KEY`) directly followed by its value's subtree.
#[derive(Debug)]
pub struct Tree {
    text: super::Text,
    pub(crate) nodes: Vec<Node>,
    pub(crate) arena: String,
    /// Problems the front-end worked around (a key that is a mapping); reported at load.
    pub(crate) notes: Vec<super::LoadError>,
    /// Key lookup for large mappings, built on first use: `components/schemas` with thousands
    /// of entries must not be scanned once per `$ref`.
    /// Per large mapping: its keys' hashes and key nodes, sorted by hash. Built the first
    /// time that mapping is searched, without copying any key.
    large_maps: std::sync::Mutex<HashMap<u32, KeyIndex>>,
}

/// A large mapping's `(key hash, key node)` pairs, sorted.
type KeyIndex = std::sync::Arc<[(u64, u32)]>;

fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// Mappings with more entries than this are looked up through a hash index.
const INDEXED_MAP_SIZE: u32 = 32;

impl Tree {
    pub(crate) fn new(text: super::Text, nodes: Vec<Node>, arena: String) -> Self {
        Tree {
            text,
            nodes,
            arena,
            notes: Vec::new(),
            large_maps: Default::default(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The first difference between two trees of the same text (kind, span, parent, key flag,
    /// child count or scalar value of some node), for the YAML fast path's differential tests.
    pub(crate) fn first_difference(&self, other: &Tree) -> Option<String> {
        if self.nodes.len() != other.nodes.len() {
            return Some(format!(
                "{} nodes against {}",
                self.nodes.len(),
                other.nodes.len()
            ));
        }
        (0..self.nodes.len() as u32).map(NodeId).find_map(|id| {
            let (a, b) = (self.node(id), other.node(id));
            let container = matches!(a.kind(), Kind::Mapping | Kind::Sequence);
            let same = a.kind() == b.kind()
                && a.start == b.start
                && a.end == b.end
                && a.parent() == b.parent()
                && a.flags() & FLAG_KEY == b.flags() & FLAG_KEY
                && a.next == b.next
                && (!container || a.a == b.a)
                && (container || self.scalar(id) == other.scalar(id));
            (!same).then(|| {
                format!(
                    "node {} at {}..{}: {:?} {:?} against {:?} {:?} at {}..{}",
                    id.0,
                    a.start,
                    a.end,
                    a.kind(),
                    self.scalar(id),
                    b.kind(),
                    other.scalar(id),
                    b.start,
                    b.end
                )
            })
        })
    }

    /// The innermost node whose span holds byte `offset` (an editor's cursor): nodes come in
    /// document order, parents before children, so it is the last one that holds it.
    pub fn node_at(&self, offset: usize) -> Option<NodeId> {
        let offset = offset as u32;
        (0..self.nodes.len() as u32).rev().map(NodeId).find(|&id| {
            let span = self.span(id);
            span.start <= offset && offset <= span.end
        })
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    pub fn kind(&self, id: NodeId) -> Kind {
        self.node(id).kind()
    }

    pub fn span(&self, id: NodeId) -> Span {
        let n = self.node(id);
        Span {
            start: n.start,
            end: n.end,
        }
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        (id.0 != 0).then(|| NodeId(self.node(id).parent()))
    }

    /// The index just past `id`'s subtree.
    pub fn subtree_end(&self, id: NodeId) -> NodeId {
        NodeId(self.node(id).next)
    }

    pub fn is_key(&self, id: NodeId) -> bool {
        self.node(id).flags() & FLAG_KEY != 0
    }

    /// True for a mapping that has a `$ref` key with a string value.
    pub fn has_ref(&self, id: NodeId) -> bool {
        self.node(id).flags() & FLAG_HAS_REF != 0
    }

    /// The text of a scalar (decoded string, or the source text of a number or boolean).
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        let n = self.node(id);
        match n.kind() {
            Kind::Mapping | Kind::Sequence => None,
            _ => {
                let range = n.a as usize..(n.a + n.b) as usize;
                Some(if n.flags() & FLAG_TEXT_IN_ARENA != 0 {
                    &self.arena[range]
                } else {
                    &self.text[range]
                })
            }
        }
    }

    /// Whether a scalar's text is `value`. Lengths are compared first, from the node alone:
    /// most keys of a mapping differ in length from the one looked for, and their text (in a
    /// 13 MB file, rarely in cache) is then never read.
    pub fn scalar_is(&self, id: NodeId, value: &str) -> bool {
        let n = self.node(id);
        if matches!(n.kind(), Kind::Mapping | Kind::Sequence) || n.b as usize != value.len() {
            return false;
        }
        let range = n.a as usize..(n.a + n.b) as usize;
        let source = if n.flags() & FLAG_TEXT_IN_ARENA != 0 {
            self.arena.as_bytes()
        } else {
            self.text.as_bytes()
        };
        source.get(range) == Some(value.as_bytes())
    }

    /// The text of a string node; `None` for every other kind.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        match self.kind(id) {
            Kind::String => self.scalar(id),
            _ => None,
        }
    }

    pub fn as_bool(&self, id: NodeId) -> Option<bool> {
        match (self.kind(id), self.scalar(id)) {
            (Kind::Bool, Some(t)) => Some(matches!(t, "true" | "True" | "TRUE")),
            _ => None,
        }
    }

    pub fn is_mapping(&self, id: NodeId) -> bool {
        self.kind(id) == Kind::Mapping
    }

    pub fn is_sequence(&self, id: NodeId) -> bool {
        self.kind(id) == Kind::Sequence
    }

    /// Number of entries of a mapping or items of a sequence.
    pub fn child_count(&self, id: NodeId) -> usize {
        match self.kind(id) {
            Kind::Mapping | Kind::Sequence => self.node(id).a as usize,
            _ => 0,
        }
    }

    /// The `(key, value)` pairs of a mapping, in source order; empty for anything else.
    pub fn entries(&self, id: NodeId) -> Entries<'_> {
        let is_map = self.is_mapping(id);
        Entries {
            tree: self,
            at: id.0 + 1,
            end: if is_map { self.node(id).next } else { id.0 + 1 },
        }
    }

    /// The items of a sequence, in source order; empty for anything else.
    pub fn items(&self, id: NodeId) -> Items<'_> {
        let is_seq = self.is_sequence(id);
        Items {
            tree: self,
            at: id.0 + 1,
            end: if is_seq { self.node(id).next } else { id.0 + 1 },
        }
    }

    /// The value at `key` in a mapping.
    pub fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.get_entry(map, key).map(|(_, v)| v)
    }

    /// The `(key, value)` entry for `key` in a mapping.
    pub fn get_entry(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        let node = self.node(map);
        if node.kind() == Kind::Mapping && node.a > INDEXED_MAP_SIZE {
            let index = self.index_of(map);
            let hash = key_hash(key);
            let first = index.partition_point(|&(h, _)| h < hash);
            return index[first..]
                .iter()
                .take_while(|&&(h, _)| h == hash)
                .map(|&(_, k)| NodeId(k))
                .find(|&k| self.scalar_is(k, key))
                .map(|k| (k, NodeId(k.0 + 1)));
        }
        self.entries(map).find(|&(k, _)| self.scalar_is(k, key))
    }

    fn index_of(&self, map: NodeId) -> KeyIndex {
        let mut maps = self.large_maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.entry(map.0)
            .or_insert_with(|| {
                let mut keys: Vec<(u64, u32)> = self
                    .entries(map)
                    .map(|(k, _)| (key_hash(self.scalar(k).unwrap_or_default()), k.0))
                    .collect();
                keys.sort_unstable();
                keys.into()
            })
            .clone()
    }

    /// The key node that owns a mapping value, if `id` is one.
    pub fn key_of(&self, id: NodeId) -> Option<NodeId> {
        (id.0 > 0 && self.is_key(NodeId(id.0 - 1))).then(|| NodeId(id.0 - 1))
    }

    /// The most specific node to underline for `id`: its key when it is a mapping value.
    pub fn report_node(&self, id: NodeId) -> NodeId {
        self.key_of(id).unwrap_or(id)
    }

    /// The RFC 6901 pointer of a node, built by walking up its parents.
    pub fn pointer(&self, id: NodeId) -> String {
        /// A reference token: a key's text, or an item's index.
        enum Token<'a> {
            Key(&'a str),
            Index(usize),
        }
        let mut tokens: Vec<Token<'_>> = Vec::new();
        let mut at = id;
        // A key's pointer is the pointer of its value.
        if self.is_key(at) {
            at = NodeId(at.0 + 1);
        }
        while let Some(parent) = self.parent(at) {
            if self.is_mapping(parent) {
                tokens.push(Token::Key(
                    self.key_of(at).and_then(|k| self.scalar(k)).unwrap_or(""),
                ));
            } else {
                tokens.push(Token::Index(self.item_index(parent, at)));
            }
            at = parent;
        }
        let mut out = String::new();
        for token in tokens.iter().rev() {
            out.push('/');
            match token {
                Token::Key(key) if key.contains(['~', '/']) => {
                    out.push_str(&super::pointer::escape(key))
                }
                Token::Key(key) => out.push_str(key),
                Token::Index(index) => out.push_str(&index.to_string()),
            }
        }
        out
    }

    /// The position of `item` in the sequence `list`. A list of scalars (every item one node)
    /// answers at once; others count the items before it.
    fn item_index(&self, list: NodeId, item: NodeId) -> usize {
        let nodes = (self.subtree_end(list).0 - list.0 - 1) as usize;
        if nodes == self.child_count(list) {
            return (item.0 - list.0 - 1) as usize;
        }
        self.items(list).take_while(|&i| i != item).count()
    }

    /// Follows RFC 6901 reference tokens (already unescaped) from the root.
    pub fn lookup<'s>(
        &self,
        tokens: impl IntoIterator<Item = &'s str>,
    ) -> Result<NodeId, LookupError> {
        self.lookup_from(NodeId::ROOT, tokens)
    }

    /// Follows reference tokens from `start` (a value inside the file, such as an example).
    pub fn lookup_from<'s>(
        &self,
        start: NodeId,
        tokens: impl IntoIterator<Item = &'s str>,
    ) -> Result<NodeId, LookupError> {
        let mut at = start;
        for (depth, token) in tokens.into_iter().enumerate() {
            at = match self.kind(at) {
                Kind::Mapping => self.get(at, token),
                Kind::Sequence => token
                    .parse::<usize>()
                    .ok()
                    .filter(|_| token == "0" || !token.starts_with('0'))
                    .and_then(|i| self.items(at).nth(i)),
                _ => {
                    return Err(LookupError::NotAContainer { depth, node: at });
                }
            }
            .ok_or(LookupError::Missing { depth, node: at })?;
        }
        Ok(at)
    }
}

impl Tree {
    /// The value of a subtree as JSON data (for a JSON Schema validator). A number that JSON
    /// cannot hold exactly (YAML's `0x1F`, `.inf`) is read as a float, else kept as text.
    pub fn to_json(&self, id: NodeId) -> serde_json::Value {
        use serde_json::Value;
        match self.kind(id) {
            Kind::Null => Value::Null,
            Kind::Bool => Value::Bool(self.as_bool(id).unwrap_or(false)),
            Kind::Number => {
                let text = self.scalar(id).unwrap_or("0");
                text.parse::<serde_json::Number>()
                    .map(Value::Number)
                    .or_else(|_| text.parse::<f64>().map(Value::from))
                    .unwrap_or_else(|_| Value::String(text.to_string()))
            }
            Kind::String => Value::String(self.scalar(id).unwrap_or_default().to_string()),
            Kind::Sequence => Value::Array(self.items(id).map(|i| self.to_json(i)).collect()),
            Kind::Mapping => Value::Object(
                self.entries(id)
                    .map(|(k, v)| {
                        (
                            self.scalar(k).unwrap_or_default().to_string(),
                            self.to_json(v),
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// The value of the entry whose key is `key`: on the tape a key is directly followed by
    /// its value's subtree.
    pub fn value_of_key(&self, key: NodeId) -> NodeId {
        NodeId(key.0 + 1)
    }
}

/// Why a pointer lookup stopped: at `depth` (0-based token index), below `node`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupError {
    Missing { depth: usize, node: NodeId },
    NotAContainer { depth: usize, node: NodeId },
}

pub struct Entries<'t> {
    tree: &'t Tree,
    at: u32,
    end: u32,
}

impl Iterator for Entries<'_> {
    type Item = (NodeId, NodeId);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.end {
            return None;
        }
        let key = NodeId(self.at);
        let value = NodeId(self.at + 1);
        self.at = self.tree.nodes[value.index()].next;
        Some((key, value))
    }
}

pub struct Items<'t> {
    tree: &'t Tree,
    at: u32,
    end: u32,
}

impl Iterator for Items<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.end {
            return None;
        }
        let item = NodeId(self.at);
        self.at = self.tree.nodes[item.index()].next;
        Some(item)
    }
}

/// Shared by both front-ends: appends nodes, closes containers, and checks duplicate keys.
pub(crate) struct TapeBuilder {
    pub nodes: Vec<Node>,
    pub arena: String,
    /// Open containers, innermost last.
    pub open: Vec<u32>,
    /// The keys of the mapping being checked; kept between mappings to save an allocation
    /// per mapping.
    keys: Vec<usize>,
}

/// A key that appears twice in one mapping: the second occurrence and the first.
pub(crate) struct DuplicateKey {
    pub first: Span,
    pub second: Span,
    pub key: String,
}

impl TapeBuilder {
    pub fn with_capacity(nodes: usize) -> Self {
        TapeBuilder {
            nodes: Vec::with_capacity(nodes),
            arena: String::new(),
            open: Vec::new(),
            keys: Vec::new(),
        }
    }

    pub fn parent(&self) -> u32 {
        self.open.last().copied().unwrap_or(0)
    }

    /// Appends a scalar whose text is `text_start..text_end` of the source.
    pub fn push_scalar(
        &mut self,
        kind: Kind,
        span: Span,
        text_start: usize,
        text_len: usize,
        key: bool,
    ) {
        let index = self.nodes.len() as u32;
        let flags = if key { FLAG_KEY } else { 0 };
        let parent = self.parent();
        self.nodes.push(Node::new(
            span.start,
            span.end,
            parent,
            index + 1,
            text_start as u32,
            text_len as u32,
            kind,
            flags,
        ));
        self.bump_parent();
    }

    /// Appends a scalar whose decoded text differs from the source.
    pub fn push_owned_scalar(&mut self, kind: Kind, span: Span, text: &str, key: bool) {
        let start = self.arena.len();
        self.arena.push_str(text);
        self.push_scalar(kind, span, start, text.len(), key);
        if let Some(last) = self.nodes.last_mut() {
            last.set_flags(last.flags() | FLAG_TEXT_IN_ARENA);
        }
    }

    pub fn open_container(&mut self, kind: Kind, start: usize) {
        let index = self.nodes.len() as u32;
        let parent = self.parent();
        self.nodes.push(Node::new(
            start as u32,
            start as u32,
            parent,
            index + 1,
            0,
            0,
            kind,
            0,
        ));
        self.bump_parent();
        self.open.push(index);
    }

    /// Counts a new child of the innermost open container (keys are not counted).
    fn bump_parent(&mut self) {
        if let Some(&p) = self.open.last() {
            let index = self.nodes.len() - 1;
            if self.nodes[index].flags() & FLAG_KEY == 0 {
                self.nodes[p as usize].a += 1;
            }
        }
    }

    /// Closes the innermost container at `end` and checks its keys for duplicates.
    pub fn close_container(&mut self, end: usize, text: &str) -> Option<DuplicateKey> {
        let index = self.open.pop()? as usize;
        let next = self.nodes.len() as u32;
        let node = &mut self.nodes[index];
        node.end = end as u32;
        node.next = next;
        if node.kind() == Kind::Mapping {
            self.check_mapping(index, text)
        } else {
            None
        }
    }

    fn key_text<'a>(&'a self, key: usize, text: &'a str) -> &'a str {
        let n = &self.nodes[key];
        let range = n.a as usize..(n.a + n.b) as usize;
        if n.flags() & FLAG_TEXT_IN_ARENA != 0 {
            &self.arena[range]
        } else {
            &text[range]
        }
    }

    /// Whether two keys have the same text; their lengths, on the nodes, are compared first.
    fn same_key(&self, a: usize, b: usize, text: &str) -> bool {
        self.nodes[a].b == self.nodes[b].b && self.key_text(a, text) == self.key_text(b, text)
    }

    fn check_mapping(&mut self, index: usize, text: &str) -> Option<DuplicateKey> {
        let end = self.nodes[index].next as usize;
        let mut keys = std::mem::take(&mut self.keys);
        keys.clear();
        let mut at = index + 1;
        while at < end {
            keys.push(at);
            at = self.nodes[at + 1].next as usize;
        }
        let is_ref = |k: usize| {
            self.nodes[k].b == 4
                && self.nodes[k + 1].kind() == Kind::String
                && self.key_text(k, text) == "$ref"
        };
        let has_ref = keys.iter().any(|&k| is_ref(k));
        let duplicate = if keys.len() <= 16 {
            keys.iter().enumerate().find_map(|(i, &k)| {
                keys[..i]
                    .iter()
                    .find(|&&earlier| self.same_key(earlier, k, text))
                    .map(|&earlier| (earlier, k))
            })
        } else {
            let mut seen =
                rustc_hash::FxHashMap::with_capacity_and_hasher(keys.len(), Default::default());
            keys.iter().find_map(|&k| {
                let name = self.key_text(k, text);
                seen.insert(name, k).map(|earlier| (earlier, k))
            })
        };
        self.keys = keys;
        if has_ref {
            let flags = self.nodes[index].flags() | FLAG_HAS_REF;
            self.nodes[index].set_flags(flags);
        }
        duplicate.map(|(first, second)| DuplicateKey {
            first: Span::new(
                self.nodes[first].start as usize,
                self.nodes[first].end as usize,
            ),
            second: Span::new(
                self.nodes[second].start as usize,
                self.nodes[second].end as usize,
            ),
            key: self.key_text(second, text).to_string(),
        })
    }

    /// Applies YAML merge keys to the innermost open mapping, whose entries are the last
    /// nodes of the tape: each entry whose key node is in `merge_keys` is replaced, in place,
    /// by the entries of the mapping (or list of mappings) it holds that the mapping does not
    /// set itself, earlier sources first. Merged nodes keep the spans of their definition.
    /// Returns the first merge value that is not a mapping or a list of mappings.
    pub fn merge_keys(&mut self, merge_keys: &[u32], text: &str) -> Result<(), Span> {
        let Some(&mapping) = self.open.last() else {
            return Ok(());
        };
        let mapping = mapping as usize;
        let entries = |nodes: &[Node], map: usize, end: usize| {
            let mut out = Vec::new();
            let mut at = map + 1;
            while at < end {
                let next = nodes[at + 1].next as usize;
                out.push((at, next));
                at = next;
            }
            out
        };
        let own = entries(&self.nodes, mapping, self.nodes.len());
        let is_merge = |key: usize| merge_keys.contains(&(key as u32));
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for &(key, end) in &own {
            if !is_merge(key) {
                kept.push((key, end));
                continue;
            }
            let value = key + 1;
            let sources: Vec<usize> = match self.nodes[value].kind() {
                Kind::Mapping => vec![value],
                Kind::Sequence => {
                    let mut items = Vec::new();
                    let mut at = value + 1;
                    while at < end {
                        if self.nodes[at].kind() != Kind::Mapping {
                            let n = &self.nodes[at];
                            return Err(Span::new(n.start as usize, n.end as usize));
                        }
                        items.push(at);
                        at = self.nodes[at].next as usize;
                    }
                    items
                }
                _ => {
                    let n = &self.nodes[value];
                    return Err(Span::new(n.start as usize, n.end as usize));
                }
            };
            for source in sources {
                let source_end = self.nodes[source].next as usize;
                for (merged, merged_end) in entries(&self.nodes, source, source_end) {
                    let set_already = own
                        .iter()
                        .filter(|(k, _)| !is_merge(*k))
                        .chain(kept.iter())
                        .any(|&(k, _)| self.same_key(k, merged, text));
                    if !set_already {
                        kept.push((merged, merged_end));
                    }
                }
            }
        }
        let mut rebuilt: Vec<Node> = Vec::new();
        for &(start, end) in &kept {
            let base = mapping + 1 + rebuilt.len();
            let shift = |i: u32| (i as usize - start + base) as u32;
            for index in start..end {
                let mut node = self.nodes[index];
                node.next = shift(node.next);
                let parent = node.parent() as usize;
                node.set_parent(if index <= start + 1 || parent < start {
                    mapping as u32
                } else {
                    shift(parent as u32)
                });
                rebuilt.push(node);
            }
        }
        self.nodes.truncate(mapping + 1);
        self.nodes.extend(rebuilt);
        self.nodes[mapping].a = kept.len() as u32;
        Ok(())
    }

    pub fn last_end(&self) -> Option<u32> {
        self.nodes.last().map(|n| n.end)
    }
}
