//! The YAML front-end: pulls events from `saphyr-parser` (which never expands aliases) and writes
//! the same span tape as the JSON front-end. Aliases are copied under a node budget.

use super::tree::{FLAG_KEY, FLAG_TEXT_IN_ARENA, Kind, MAX_NODES, Node, Span, TapeBuilder, Tree};
use super::{Limits, LoadError, Text};
use rustc_hash::FxHashMap as HashMap;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

pub(crate) fn parse(text: Text, start: usize, limits: &Limits) -> Result<Tree, LoadError> {
    // The YAML OpenAPI documents are written in takes the fast path; anything it declines is
    // parsed again, from the start, by saphyr.
    let mut builder = Builder::new(&text, start, limits);
    if super::yaml_fast::feed(&mut builder, &text, start).is_ok() {
        return builder.finish(&text, start);
    }
    parse_with_saphyr(&text, start, limits)
}

/// Whether the fast path reads `text` as saphyr does: `Ok(true)` when it took the text and
/// built the same tree, `Ok(false)` when it declined, `Err` with the first difference.
pub fn fast_path_agrees(text: &str) -> Result<bool, String> {
    let (text, start) = super::decode(text.as_bytes().to_vec());
    let Ok(start) = start else {
        return Ok(false);
    };
    let limits = Limits::default();
    let mut builder = Builder::new(&text, start, &limits);
    if super::yaml_fast::feed(&mut builder, &text, start).is_err() {
        return Ok(false);
    }
    let fast = builder.finish(&text, start);
    let full = parse_with_saphyr(&text, start, &limits);
    match (fast, full) {
        (Ok(fast), Ok(full)) => match fast.first_difference(&full) {
            None if fast.notes.is_empty() && full.notes.is_empty() => Ok(true),
            None => Err("notes differ".into()),
            Some(difference) => Err(difference),
        },
        (Ok(_), Err(error)) => Err(format!("saphyr refuses the text: {}", error.message)),
        (Err(error), _) => Err(format!("the fast path refuses the text: {}", error.message)),
    }
}

/// Whether reading `text` in two halves, the second from the first candidate line at or after
/// byte `from`, builds what one pass of the fast path builds (or declines where it declines):
/// `Ok(joined)` (whether the halves were read apart and joined), or `Err` with the first
/// difference.
pub fn halves_agree(text: &str, from: usize) -> Result<bool, String> {
    let (text, start) = super::decode(text.as_bytes().to_vec());
    let Ok(start) = start else {
        return Ok(false);
    };
    let Some(split) = super::yaml_fast::split_line(&text, from.max(start)) else {
        return Ok(false);
    };
    let limits = Limits::default();
    let mut whole = Builder::new(&text, start, &limits);
    let one_pass = super::yaml_fast::feed_or_say_where(&mut whole, &text, start).is_ok();
    let mut halves = Builder::new(&text, start, &limits);
    let joined = super::yaml_fast::feed_in_halves(&mut halves, &text, start, split);
    let two_halves = joined.is_ok();
    let joined = joined.unwrap_or(false);
    match (one_pass, two_halves) {
        (false, false) => Ok(false),
        (true, true) => {
            let (whole, halves) = (whole.finish(&text, start), halves.finish(&text, start));
            match (whole, halves) {
                (Ok(whole), Ok(halves)) => whole.first_difference(&halves).map_or(Ok(joined), Err),
                (Err(_), Err(_)) => Ok(joined),
                _ => Err("one of the two refuses the text".into()),
            }
        }
        (one, two) => Err(format!("one pass takes the text: {one}, two halves: {two}")),
    }
}

/// Where the fast path declines `text` (the start of the line it stopped at), if it does.
pub fn fast_path_declines_at(text: &str) -> Option<usize> {
    let (text, start) = super::decode(text.as_bytes().to_vec());
    let start = start.ok()?;
    let limits = Limits::default();
    let mut builder = Builder::new(&text, start, &limits);
    super::yaml_fast::feed_or_say_where(&mut builder, &text, start).err()
}

/// The full YAML parser, for everything the fast path declines.
pub(crate) fn parse_with_saphyr(
    text: &Text,
    start: usize,
    limits: &Limits,
) -> Result<Tree, LoadError> {
    let body = &text[start..];
    let offsets = CharOffsets::new(body, start);
    let mut builder = Builder::new(text, start, limits);
    let mut parser = Parser::new_from_str(body);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| scan_error(&e, &offsets, text))?;
        let span = Span::new(
            offsets.byte(span.start.index()),
            offsets.byte(span.end.index()),
        );
        if builder.event(event, span)? {
            break;
        }
    }
    builder.finish(text, start)
}

/// Writes the tape from parser events; shared by saphyr and the fast path.
pub(crate) struct Builder<'a> {
    text: &'a str,
    tape: TapeBuilder,
    /// One flag per open container: for mappings, whether the next scalar is a key.
    expecting_key: Vec<bool>,
    anchors: HashMap<usize, u32>,
    alias_budget: usize,
    limits: &'a Limits,
    documents: usize,
    /// Inside a key that is a mapping or a list: where it starts, and how deep we are in it.
    complex_key: Option<(usize, usize)>,
    /// Problems that do not stop the parse.
    notes: Vec<LoadError>,
    /// The nodes of plain `<<` keys in mappings still open (YAML 1.1 merge keys).
    merge_keys: Vec<u32>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, start: usize, limits: &'a Limits) -> Self {
        Builder {
            text,
            tape: TapeBuilder::with_capacity((text.len() - start) / 32),
            expecting_key: Vec::new(),
            anchors: HashMap::default(),
            alias_budget: limits.max_alias_nodes,
            limits,
            documents: 0,
            complex_key: None,
            notes: Vec::new(),
            merge_keys: Vec::new(),
        }
    }

    pub(crate) fn has_nodes(&self) -> bool {
        !self.tape.nodes.is_empty()
    }

    /// A builder for the text from `from` on, read on another thread, which starts inside
    /// `outer` mappings this builder will have open when it gets there: the root, and perhaps
    /// one entry of it. See [`Builder::join`].
    pub(crate) fn fragment(&self, from: usize, outer: usize) -> Fragment<'a> {
        let mut builder = Builder::new(self.text, from, self.limits);
        builder.documents = 1;
        for level in 0..outer {
            builder.tape.open_container(Kind::Mapping, from);
            // Each outer mapping but the innermost is waiting for its value, the next one.
            builder.expecting_key.push(level + 1 == outer);
        }
        for stand_in in &mut builder.tape.nodes {
            stand_in.a = 0; // the first half counted the inner ones as children already
        }
        Fragment {
            builder,
            outer,
            closes: Vec::new(),
            tail: Vec::new(),
        }
    }

    /// Appends the fragment read from where this builder stopped, as if its events had come
    /// here: its nodes, renumbered, then the outer mappings closed through [`Builder::event`]
    /// (their duplicate keys and merge keys span both halves), then the document's end. The
    /// tree is the one a single pass builds. `Err` when it cannot be joined here (the caller
    /// declines, as a single pass would have).
    pub(crate) fn join(&mut self, fragment: Fragment<'a>) -> Result<(), ()> {
        use rayon::prelude::*;
        let Fragment {
            builder: part,
            outer,
            closes,
            tail,
        } = fragment;
        let open = self.tape.open.clone();
        let added = part.tape.nodes.len() - outer;
        if open.len() != outer
            || closes.len() != outer
            || self.tape.nodes.len() + added >= MAX_NODES
        {
            return Err(());
        }
        let arena_base = self.tape.arena.len() as u32;
        for (stand_in, &mapping) in part.tape.nodes.iter().zip(&open) {
            self.tape.nodes[mapping as usize].a += stand_in.a;
        }
        self.tape.arena.push_str(&part.tape.arena);
        self.notes.extend(part.notes);
        self.tape.nodes.reserve(added);
        let mut from = outer;
        for close in closes {
            // Each stretch of nodes between two closes goes at the tape's end: a merge key
            // applied at a close moves what follows. Its nodes refer only to each other and
            // to the outer mappings.
            let at = self.tape.nodes.len();
            let segment = from;
            let place = |i: u32| match open.get(i as usize) {
                Some(&outer_mapping) => outer_mapping,
                None => (at + i as usize - segment) as u32,
            };
            // Written on all threads: most of the join's time is the first touch of the
            // tape's new pages, which a second thread shares.
            let nodes = part.tape.nodes[from..close.at]
                .par_iter()
                .with_min_len(1 << 14)
                .map(|node| {
                    let mut node = *node;
                    node.next = place(node.next);
                    node.set_parent(place(node.parent()));
                    if node.flags() & FLAG_TEXT_IN_ARENA != 0 {
                        node.a += arena_base;
                    }
                    node
                });
            self.tape.nodes.par_extend(nodes);
            from = close.at;
            self.merge_keys
                .extend(close.merge_keys.iter().map(|&key| place(key)));
            self.event(Event::MappingEnd, close.span).map_err(drop)?;
        }
        for (event, span) in tail {
            self.event(event, span).map_err(drop)?;
        }
        // The fragment's tape is as large as the first half's; unmapping it waits for no one.
        let spent = (part.tape.nodes, part.tape.arena);
        rayon::spawn(move || drop(spent));
        Ok(())
    }

    fn finish(self, text: &Text, start: usize) -> Result<Tree, LoadError> {
        if self.tape.nodes.is_empty() {
            return Err(LoadError::syntax(
                "the file is empty: no YAML document".into(),
                Span::new(start, start),
            ));
        }
        let TapeBuilder { nodes, arena, .. } = self.tape;
        let mut tree = Tree::new(text.clone(), nodes, arena);
        tree.notes = self.notes;
        Ok(tree)
    }

    /// Handles one event; returns true at the end of the stream.
    pub(crate) fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, LoadError> {
        if self.tape.nodes.len() >= super::tree::MAX_NODES {
            return Err(LoadError::syntax(super::json::too_many_nodes(), span));
        }
        if self.complex_key.is_some() {
            self.inside_complex_key(&event, span);
            return Ok(false);
        }
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(LoadError::syntax(
                        "a second YAML document in the same file: errlint reads one document per file".into(),
                        span,
                    ));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let is_key = self.at_key();
                let kind = if is_key || style != ScalarStyle::Plain || tag.is_some() {
                    Kind::String
                } else {
                    plain_scalar_kind(&value)
                };
                if is_key && style == ScalarStyle::Plain && value == "<<" {
                    self.merge_keys.push(self.tape.nodes.len() as u32);
                }
                self.push_scalar(kind, span, &value, style, is_key);
                self.remember_anchor(anchor);
                self.after_node();
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                let is_mapping = matches!(event, Event::MappingStart(..));
                if self.at_key() {
                    self.complex_key = Some((span.start as usize, 1));
                    return Ok(false);
                }
                if self.tape.open.len() >= self.limits.max_depth {
                    return Err(LoadError::syntax(
                        format!("nesting is deeper than {} levels", self.limits.max_depth),
                        span,
                    ));
                }
                let kind = if is_mapping {
                    Kind::Mapping
                } else {
                    Kind::Sequence
                };
                self.tape.open_container(kind, span.start as usize);
                self.expecting_key.push(is_mapping);
                self.remember_anchor(anchor);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let index = self.tape.open.last().copied().unwrap_or(0) as usize;
                let start = self.tape.nodes[index].start as usize;
                let flow = matches!(self.text.as_bytes().get(start), Some(b'{' | b'['));
                // A block collection ends with its last child; its end event sits on the next
                // token, possibly lines later.
                let end = if flow {
                    span.end as usize
                } else {
                    let last = self.tape.nodes.len() - 1;
                    if last == index {
                        start
                    } else {
                        self.tape.last_end().unwrap_or(0) as usize
                    }
                };
                self.expecting_key.pop();
                self.merge(index)?;
                if let Some(dup) = self.tape.close_container(end.max(start), self.text) {
                    return Err(LoadError::duplicate_key(dup));
                }
                self.after_node();
            }
            Event::Alias(anchor) => self.alias(anchor, span)?,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
        Ok(false)
    }

    /// Skips the events of a key that is a mapping or a list; at its end, stands its source
    /// text in as a string key, so the rest of the document is still read.
    fn inside_complex_key(&mut self, event: &Event<'_>, span: Span) {
        let Some((start, depth)) = self.complex_key else {
            return;
        };
        let depth = match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => depth + 1,
            Event::MappingEnd | Event::SequenceEnd => depth - 1,
            _ => depth,
        };
        if depth > 0 {
            self.complex_key = Some((start, depth));
            return;
        }
        self.complex_key = None;
        let key_span = Span::new(start, (span.end as usize).max(start));
        self.notes.push(LoadError::syntax(
            "a key that is a mapping or a list: OpenAPI keys are strings (read here as its source text)".into(),
            key_span,
        ));
        let text = self.text[key_span.range()].to_string();
        self.tape
            .push_owned_scalar(Kind::String, key_span, &text, true);
        self.after_node();
    }

    /// Applies the merge keys of the mapping at `index`, which is about to close.
    fn merge(&mut self, index: usize) -> Result<(), LoadError> {
        let first = self.merge_keys.partition_point(|&k| (k as usize) < index);
        if first == self.merge_keys.len() || self.tape.nodes[index].kind() != Kind::Mapping {
            return Ok(());
        }
        let keys = self.merge_keys.split_off(first);
        self.tape.merge_keys(&keys, self.text).map_err(|at| {
            LoadError::syntax(
                "a merge key `<<` takes a mapping or a list of mappings".into(),
                at,
            )
        })
    }

    fn at_key(&self) -> bool {
        self.expecting_key.last().copied().unwrap_or(false)
    }

    /// After a complete value or key, a mapping alternates between expecting keys and values.
    fn after_node(&mut self) {
        if let Some(flag) = self.expecting_key.last_mut() {
            let is_mapping = self
                .tape
                .open
                .last()
                .is_some_and(|&i| self.tape.nodes[i as usize].kind() == Kind::Mapping);
            if is_mapping {
                *flag = !*flag;
            }
        }
    }

    fn remember_anchor(&mut self, anchor: usize) {
        if anchor != 0 {
            let index = match self.tape.open.last() {
                // A container's anchor belongs to the container just opened.
                Some(&open) if self.tape.nodes.len() as u32 - 1 == open => open,
                _ => self.tape.nodes.len() as u32 - 1,
            };
            self.anchors.insert(anchor, index);
        }
    }

    fn push_scalar(&mut self, kind: Kind, span: Span, value: &str, style: ScalarStyle, key: bool) {
        let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
        match source_offset(self.text, value)
            .or_else(|| quoted.then(|| quoted_interior(self.text, span, value))?)
        {
            Some(at) => self.tape.push_scalar(kind, span, at, value.len(), key),
            None => self.tape.push_owned_scalar(kind, span, value, key),
        }
    }

    /// Copies the anchored subtree in place of the alias, within the node budget.
    fn alias(&mut self, anchor: usize, span: Span) -> Result<(), LoadError> {
        let unknown = || LoadError::syntax("alias to an unknown anchor".into(), span);
        let source = *self.anchors.get(&anchor).ok_or_else(unknown)? as usize;
        if self.tape.open.iter().any(|&i| i as usize == source) {
            return Err(LoadError::syntax(
                "an alias inside the node it refers to (recursive alias)".into(),
                span,
            ));
        }
        let end = self.tape.nodes[source].next as usize;
        let count = end - source;
        if count > self.alias_budget {
            return Err(LoadError::syntax(
                format!(
                    "aliases expand to more than {} nodes: refusing to expand further (is this an alias bomb?)",
                    self.limits.max_alias_nodes
                ),
                span,
            ));
        }
        self.alias_budget -= count;
        let is_key = self.at_key();
        if is_key && self.tape.nodes[source].kind() != Kind::String {
            return Err(LoadError::syntax(
                "an alias used as a key must refer to a string".into(),
                span,
            ));
        }
        let base = self.tape.nodes.len() as u32;
        let parent = self.tape.parent();
        let shift = |i: u32| i - source as u32 + base;
        for offset in 0..count {
            let mut node: Node = self.tape.nodes[source + offset];
            node.next = shift(node.next);
            if offset == 0 {
                node.set_parent(parent);
                node.set_flags((node.flags() & !FLAG_KEY) | if is_key { FLAG_KEY } else { 0 });
            } else {
                node.set_parent(shift(node.parent()));
            }
            self.tape.nodes.push(node);
        }
        if !is_key {
            if let Some(&p) = self.tape.open.last() {
                self.tape.nodes[p as usize].a += 1;
            }
        }
        self.after_node();
        Ok(())
    }
}

/// The byte offset of `slice` inside `text` when the parser borrowed it from the source
/// (an owned, decoded value lives elsewhere in memory).
fn source_offset(text: &str, slice: &str) -> Option<usize> {
    let base = text.as_ptr() as usize;
    let at = (slice.as_ptr() as usize).checked_sub(base)?;
    (at + slice.len() <= text.len()).then_some(at)
}

/// The offset of a quoted scalar's value in the source when it is written there as is, between
/// its quotes: the parser hands every quoted scalar over as a new string, but most have no
/// escapes or line folds, and need no copy of their own.
fn quoted_interior(text: &str, span: Span, value: &str) -> Option<usize> {
    let inner = (span.start as usize + 1)..(span.end as usize).checked_sub(1)?;
    (text.get(inner.clone())? == value).then_some(inner.start)
}

/// The second half of a large file, built into a tape of its own (see [`Builder::fragment`]).
/// Its first `outer` nodes stand in for the mappings the first half holds open; the events
/// that close them, and any after, are kept for [`Builder::join`].
pub(crate) struct Fragment<'a> {
    builder: Builder<'a>,
    outer: usize,
    /// Where each outer mapping closed, innermost first.
    closes: Vec<OuterClose>,
    /// The events after the last outer mapping closed: the document's and the stream's end.
    tail: Vec<(Event<'a>, Span)>,
}

struct OuterClose {
    /// The fragment's node count when the mapping closed.
    at: usize,
    span: Span,
    /// The merge keys (`<<`) among the mapping's keys in the fragment.
    merge_keys: Vec<u32>,
}

impl<'a> Fragment<'a> {
    /// Handles one event of the second half: `Err` when the builder refuses it.
    pub(crate) fn event(&mut self, event: Event<'a>, span: Span) -> Result<(), ()> {
        let builder = &mut self.builder;
        if self.closes.len() == self.outer {
            self.tail.push((event, span));
            return Ok(());
        }
        let closes_outer = matches!(event, Event::MappingEnd)
            && builder
                .tape
                .open
                .last()
                .is_some_and(|&index| (index as usize) < self.outer);
        if !closes_outer {
            return builder.event(event, span).map(drop).map_err(drop);
        }
        let index = builder.tape.open.pop().unwrap_or(0);
        builder.expecting_key.pop();
        let first = builder.merge_keys.partition_point(|&key| key < index);
        self.closes.push(OuterClose {
            at: builder.tape.nodes.len(),
            span,
            merge_keys: builder.merge_keys.split_off(first),
        });
        builder.after_node();
        Ok(())
    }
}

/// YAML 1.2 core schema resolution of an untagged plain scalar.
fn plain_scalar_kind(value: &str) -> Kind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => Kind::Bool,
        _ if is_core_number(value) => Kind::Number,
        _ => Kind::String,
    }
}

fn is_core_number(value: &str) -> bool {
    // Every number starts with a digit, a sign or a point, and most plain scalars are words,
    // so the first byte rules most of them out (looking further costs 6% of reading Stripe's
    // YAML).
    if !value
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'))
    {
        return false;
    }
    let v = value.strip_prefix(['-', '+']).unwrap_or(value);
    if matches!(v, ".inf" | ".Inf" | ".INF") || matches!(value, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if let Some(hex) = value.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = value.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    let (mantissa, exponent) = match v.find(['e', 'E']) {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int)
        && frac.is_none_or(digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

fn scan_error(e: &ScanError, offsets: &CharOffsets<'_>, text: &str) -> LoadError {
    let at = offsets.byte(e.marker().index()).min(text.len());
    let end = super::json::floor_char_boundary(text, (at + 1).min(text.len()));
    LoadError::syntax(
        format!("invalid YAML: {}", e.info()),
        Span::new(at, end.max(at)),
    )
}

/// Converts the parser's character indices to byte offsets in the whole file.
struct CharOffsets<'a> {
    base: usize,
    /// Byte offset (relative to `base`) of every 64th character; empty for ASCII text.
    checkpoints: Vec<u32>,
    bytes: &'a [u8],
}

const STRIDE: usize = 64;

impl<'a> CharOffsets<'a> {
    fn new(body: &'a str, base: usize) -> Self {
        let bytes = body.as_bytes();
        if body.is_ascii() {
            return CharOffsets {
                base,
                checkpoints: Vec::new(),
                bytes,
            };
        }
        // Real documents are ASCII but for a few names and examples: a run of STRIDE ASCII
        // bytes is STRIDE characters, so most checkpoints are found without decoding.
        let mut checkpoints = Vec::with_capacity(bytes.len() / STRIDE + 1);
        let mut at = 0;
        while at < bytes.len() {
            checkpoints.push(at as u32);
            match bytes.get(at..at + STRIDE) {
                Some(block) if block.is_ascii() => at += STRIDE,
                _ => {
                    for _ in 0..STRIDE {
                        if at >= bytes.len() {
                            break;
                        }
                        at += utf8_width(bytes[at]);
                    }
                }
            }
        }
        CharOffsets {
            base,
            checkpoints,
            bytes,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.checkpoints.is_empty() {
            return self.base + char_index.min(self.bytes.len());
        }
        let block = char_index / STRIDE;
        let Some(&checkpoint) = self.checkpoints.get(block) else {
            return self.base + self.bytes.len();
        };
        // A block of 64 characters in 64 bytes is ASCII: no walking needed.
        if self.checkpoints.get(block + 1) == Some(&(checkpoint + STRIDE as u32)) {
            return self.base + checkpoint as usize + char_index % STRIDE;
        }
        let mut at = checkpoint as usize;
        for _ in 0..char_index % STRIDE {
            if at >= self.bytes.len() {
                break;
            }
            at += utf8_width(self.bytes[at]);
        }
        self.base + at.min(self.bytes.len())
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::tree::NodeId;

    fn tree(src: &str) -> Tree {
        parse(std::sync::Arc::new(src.to_string()), 0, &Limits::default()).expect("valid YAML")
    }

    fn error(src: &str) -> LoadError {
        parse(std::sync::Arc::new(src.to_string()), 0, &Limits::default())
            .expect_err("invalid YAML")
    }

    proptest::proptest! {
        /// Character indices map to the byte offsets `char_indices` gives, past runs of
        /// ASCII and of wide characters alike.
        #[test]
        fn char_offsets_match_char_indices(
            pieces in proptest::collection::vec(
                proptest::prop_oneof!["[a-z ]{0,80}", "[é€😀]{0,70}"], 0..8),
            base in 0usize..3,
        ) {
            let body: String = pieces.concat();
            let offsets = CharOffsets::new(&body, base);
            for (index, (byte, _)) in body.char_indices().enumerate() {
                proptest::prop_assert_eq!(offsets.byte(index), base + byte);
            }
            let chars = body.chars().count();
            proptest::prop_assert_eq!(offsets.byte(chars), base + body.len());
        }
    }

    #[test]
    fn merge_keys_merge_mappings_as_yaml_1_1_tools_do() {
        let src = "base: &base\n  required: [code]\n  type: object\nother: &other {type: string, title: t}\nE:\n  <<: [*base, *other]\n  type: array\n  '<<': literal\nF: {<<: *base}\n";
        let t = tree(src);
        crate::document::check::assert_tree_is_sound(&t);
        let e = t.lookup(["E"]).unwrap();
        let keys: Vec<&str> = t.entries(e).filter_map(|(k, _)| t.scalar(k)).collect();
        // Explicit keys win; earlier sources win over later ones; a quoted `<<` is a key.
        assert_eq!(keys, ["required", "title", "type", "<<"]);
        assert_eq!(t.scalar(t.lookup(["E", "type"]).unwrap()), Some("array"));
        assert_eq!(t.child_count(e), 4);
        // A merged key points at its definition.
        let (required, _) = t.get_entry(e, "required").unwrap();
        assert_eq!(
            t.span(required),
            t.span(
                t.get_entry(t.lookup(["base"]).unwrap(), "required")
                    .unwrap()
                    .0
            )
        );
        assert_eq!(
            t.pointer(t.lookup(["E", "required", "0"]).unwrap()),
            "/E/required/0"
        );
        let f = t.lookup(["F"]).unwrap();
        assert_eq!(t.child_count(f), 2);
        assert_eq!(t.parent(t.lookup(["F", "required"]).unwrap()), Some(f));
    }

    #[test]
    fn a_merge_key_needs_mappings() {
        let e = error("a: &a 1\nb:\n  <<: *a\n");
        assert!(e.message.contains("merge key"), "{}", e.message);
    }

    #[test]
    fn quoted_scalars_read_as_their_decoded_values() {
        let src =
            "a: \"plain\"\nb: 'it''s'\nc: \"tab\\there\"\nd: \"folded\n  line\"\ne: ''\nf: \"\"\n";
        let t = tree(src);
        let value = |key: &str| t.scalar(t.lookup([key]).unwrap()).map(str::to_string);
        assert_eq!(value("a").as_deref(), Some("plain"));
        assert_eq!(value("b").as_deref(), Some("it's"));
        assert_eq!(value("c").as_deref(), Some("tab\there"));
        assert_eq!(value("d").as_deref(), Some("folded line"));
        assert_eq!(value("e").as_deref(), Some(""));
        assert_eq!(value("f").as_deref(), Some(""));
    }

    #[test]
    fn spans_of_plain_quoted_and_unquoted_numeric_keys() {
        let src = "paths:\n  /a:\n    get:\n      responses:\n        404:\n          description: x\n        '500': {description: \"y\"}\n";
        let t = tree(src);
        let responses = t.lookup(["paths", "/a", "get", "responses"]).unwrap();
        let keys: Vec<_> = t.entries(responses).map(|(k, _)| k).collect();
        assert_eq!(t.scalar(keys[0]), Some("404"));
        assert_eq!(&src[t.span(keys[0]).range()], "404");
        assert_eq!(t.scalar(keys[1]), Some("500"));
        assert_eq!(&src[t.span(keys[1]).range()], "'500'");
        let flow = t.get(responses, "500").unwrap();
        assert_eq!(&src[t.span(flow).range()], "{description: \"y\"}");
        assert_eq!(t.pointer(flow), "/paths/~1a/get/responses/500");
    }

    #[test]
    fn block_mapping_ends_at_its_last_value() {
        let src = "a:\n  b: 1\n  c: two\n\n# trailing\nd: 3\n";
        let t = tree(src);
        let a = t.get(NodeId::ROOT, "a").unwrap();
        assert_eq!(&src[t.span(a).range()], "b: 1\n  c: two");
    }

    #[test]
    fn core_schema_types_plain_scalars_only() {
        let t = tree("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5e3\nf: 0x1F\ng: 1.2.3\n");
        let kind = |k| t.kind(t.get(NodeId::ROOT, k).unwrap());
        assert_eq!(kind("a"), Kind::Number);
        assert_eq!(kind("b"), Kind::String);
        assert_eq!(kind("c"), Kind::Bool);
        assert_eq!(kind("d"), Kind::Null);
        assert_eq!(kind("e"), Kind::Number);
        assert_eq!(kind("f"), Kind::Number);
        assert_eq!(kind("g"), Kind::String);
        // Numbers start with a digit, a sign or a point; words that merely contain them do not.
        let numbers = [
            "0", "-1", "+2", "1.", ".5", "-.5", "1e3", "0o17", ".inf", "-.Inf", ".NaN",
        ];
        for number in numbers {
            assert_eq!(super::plain_scalar_kind(number), Kind::Number, "{number}");
        }
        for word in ["e5", "x1", "inf", "nan", "v1.0", "-", "+", ".", "-e1"] {
            assert_eq!(super::plain_scalar_kind(word), Kind::String, "{word}");
        }
    }

    #[test]
    fn non_ascii_text_keeps_byte_spans() {
        let src = "é: 'ü'\nkey: value\n";
        let t = tree(src);
        let (k, _) = t.entries(NodeId::ROOT).nth(1).unwrap();
        assert_eq!(&src[t.span(k).range()], "key");
    }

    #[test]
    fn spans_stay_exact_across_ascii_and_non_ascii_blocks() {
        let mut src = String::new();
        for i in 0..60 {
            let filler = if i % 3 == 0 {
                "ü😀é".repeat(i % 7)
            } else {
                "a".repeat(70 + i)
            };
            src.push_str(&format!("k{i}: '{filler}'\n"));
        }
        let t = tree(&src);
        for (i, (k, v)) in t.entries(NodeId::ROOT).enumerate() {
            assert_eq!(&src[t.span(k).range()], format!("k{i}"));
            assert_eq!(&src[t.span(v).range()], format!("'{}'", t.str(v).unwrap()));
        }
    }

    #[test]
    fn aliases_are_copied() {
        let t = tree("a: &x {code: {type: string}}\nb: *x\n");
        let b = t.get(NodeId::ROOT, "b").unwrap();
        let code = t.get(b, "code").unwrap();
        assert_eq!(t.str(t.get(code, "type").unwrap()), Some("string"));
        assert_eq!(t.parent(code), Some(b));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            src.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let e = error(&src);
        assert!(e.message.contains("alias bomb"), "{}", e.message);
    }

    #[test]
    fn duplicate_keys_and_syntax_errors() {
        assert!(error("a: 1\na: 2\n").message.contains("duplicate key `a`"));
        assert!(error("a: [1, 2\n").message.contains("invalid YAML"));
        assert!(error("").message.contains("empty"));
        assert!(
            error("a: 1\n---\nb: 2\n")
                .message
                .contains("second YAML document")
        );
    }
}
