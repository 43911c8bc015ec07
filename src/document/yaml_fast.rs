//! A fast path for the YAML that OpenAPI documents are written in: block mappings and
//! sequences, plain and quoted single-line scalars, literal and folded block scalars, and flow
//! collections on one line. It produces the same events, with the same spans, as
//! `saphyr-parser` and feeds them to the same tape builder, so the tree is the one the full
//! parser would build. Anything else (anchors and aliases, tags, multi-line plain or quoted
//! scalars, complex keys, empty values, directives, tabs, CR line ends, escapes) makes it
//! decline, and the caller parses the whole file with saphyr. `tests` and the fuzz target
//! `yaml_fast` check the two paths against each other.

use super::tree::Span;
use super::yaml::{Builder, Fragment};
use saphyr_parser::{Event, ScalarStyle};
use std::borrow::Cow;
use std::cell::Cell;

/// Why the fast path stopped: the caller parses with saphyr instead.
#[derive(Debug)]
pub(crate) struct Declined;

type Step<T> = Result<T, Declined>;

/// YAML limits an implicit key to 1024 characters; a longer one is left to saphyr to refuse.
const MAX_KEY: usize = 1024;

/// Flow collections nested deeper than this on one line are left to saphyr (OpenAPI documents
/// nest two or three).
const MAX_FLOW_DEPTH: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Collection {
    Mapping,
    Sequence,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Open {
    kind: Collection,
    /// The column of its keys or dashes.
    indent: usize,
    /// A sequence written at the same column as the key that holds it (`key:\n- item`).
    indentless: bool,
}

/// A key or dash whose value starts on a later line.
#[derive(Clone, Copy, Debug)]
struct Pending {
    indent: usize,
    after_key: bool,
}

/// Where the fast path's events go: the tape builder, or the fragment that the second half of
/// a large file is built into on another thread.
pub(crate) trait Sink<'t> {
    /// `Err` when the event is refused (the fast path then declines).
    fn event(&mut self, event: Event<'t>, span: Span) -> Result<(), ()>;
    /// Whether a root node has been started.
    fn has_root(&self) -> bool;
}

impl<'t> Sink<'t> for Builder<'t> {
    fn event(&mut self, event: Event<'t>, span: Span) -> Result<(), ()> {
        Builder::event(self, event, span)
            .map(|_| ())
            .map_err(|_| ())
    }

    fn has_root(&self) -> bool {
        self.has_nodes()
    }
}

impl<'t> Sink<'t> for Fragment<'t> {
    fn event(&mut self, event: Event<'t>, span: Span) -> Result<(), ()> {
        Fragment::event(self, event, span)
    }

    fn has_root(&self) -> bool {
        true // the first half holds it
    }
}

struct Fast<'t, 'b, S: Sink<'t>> {
    text: &'t str,
    builder: &'b mut S,
    stack: Vec<Open>,
    pending: Option<Pending>,
    /// The start of the line being read, to say where the fast path declined.
    line: usize,
    /// The column that owned the last value written inline: a later line further in would
    /// continue it (a multi-line scalar), which the fast path leaves to saphyr.
    last_value_owner: Option<usize>,
    /// The last [`Fast::line_end`] found, and where from: a scalar looks at the line after it
    /// to see whether it goes on there, and the line is then read again.
    last_line_end: Cell<(usize, usize)>,
}

/// Feeds the events of `text[start..]` to `builder`. `Err(Declined)` when the text leaves the
/// subset (or the builder refused an event): the builder is then spoiled and the caller starts
/// over with saphyr.
pub(crate) fn feed<'t>(builder: &mut Builder<'t>, text: &'t str, start: usize) -> Step<()> {
    let split = if text.len() - start >= SPLIT_FROM_BYTES && rayon::current_num_threads() > 1 {
        split_line(text, start + (text.len() - start) / 2)
    } else {
        None
    };
    match split {
        Some(split) => feed_in_halves(builder, text, start, split).map(|_| ()),
        None => feed_or_say_where(builder, text, start).map_err(|_| Declined),
    }
}

/// Files at least this large are read in two halves on two threads.
const SPLIT_FROM_BYTES: usize = 1 << 20;

/// Where the second half may start: the first line at or after `from` that begins a key at one
/// of the file's three outermost levels: a top-level entry, an entry of `paths` or
/// `components`, or an entry of a path item or of `components/schemas`. Whether the first half
/// really ends there, inside mappings only, is checked when it gets there.
pub(crate) fn split_line(text: &str, from: usize) -> Option<Split> {
    let bytes = text.as_bytes();
    // Two levels only were once allowed, and GitHub's description (whose second half is one
    // long `components/schemas`) was split at 88% instead of 50%.
    let step = indent_step(bytes);
    let mut at = from + memchr::memchr(b'\n', bytes.get(from..)?)? + 1;
    while at < bytes.len() {
        let indent = count_spaces(&bytes[at..]);
        let first = bytes.get(at + indent).copied();
        let key_like = matches!(
            first,
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'/' | b'_' | b'\'' | b'"')
        );
        let level = match step {
            Some(step) if indent % step == 0 && indent / step <= 2 => true,
            _ => indent == 0,
        };
        if key_like && level && (indent == 0 || under_a_key_alone(bytes, at, indent)) {
            return Some(Split {
                at,
                indent,
                step: step.unwrap_or(1),
            });
        }
        at += memchr::memchr(b'\n', &bytes[at..])? + 1;
    }
    None
}

/// Whether the nearest line above `at` that is less indented than `indent` is a key alone on its
/// line, whose value (a mapping) the line at `at` is in: not a sequence's item, nor a block or
/// multi-line scalar. Only the 64 lines above are looked at; a parent further up (a long
/// schema's sibling) is taken on trust, which the join then checks.
fn under_a_key_alone(bytes: &[u8], at: usize, indent: usize) -> bool {
    let mut end = at.saturating_sub(1);
    for _ in 0..64 {
        if end == 0 {
            return false;
        }
        let start = memchr::memrchr(b'\n', &bytes[..end]).map_or(0, |i| i + 1);
        match significant(&bytes[start..end]) {
            Some((line_indent, content)) if line_indent < indent => return key_alone(content),
            _ => end = start.saturating_sub(1),
        }
    }
    true
}

/// A line's indentation and its content without trailing spaces; `None` for a blank line or a
/// comment.
fn significant(line: &[u8]) -> Option<(usize, &[u8])> {
    let indent = count_spaces(line);
    let content = &line[indent..];
    let content = &content[..content.len() - count_back_spaces(content, content.len())];
    (!content.is_empty() && content[0] != b'#').then_some((indent, content))
}

/// A key alone on its line (`paths:`), its value a collection on the lines below; not a
/// sequence's item.
fn key_alone(content: &[u8]) -> bool {
    content[0] != b'-' && content.ends_with(b":")
}

/// How far in one level of the file is: the indentation of the first line under a top-level
/// key alone on its line (among the file's first thousand lines). A block scalar's text or a
/// scalar's next line may be further in than a level.
fn indent_step(bytes: &[u8]) -> Option<usize> {
    let mut under_a_key = false;
    for (indent, content) in bytes
        .split(|&b| b == b'\n')
        .take(1000)
        .filter_map(significant)
    {
        if indent > 0 && under_a_key {
            return Some(indent);
        }
        under_a_key = indent == 0 && key_alone(content);
    }
    None
}

/// A line where the second half starts, and its indentation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Split {
    at: usize,
    indent: usize,
    /// How far in each level is.
    step: usize,
}

impl Split {
    /// The mappings the second half is read inside: one at each level through the split's.
    fn seed(self) -> Vec<Open> {
        (0..=self.indent)
            .step_by(self.step)
            .map(|indent| Open {
                kind: Collection::Mapping,
                indent,
                indentless: false,
            })
            .collect()
    }
}

/// Reads `text[start..split.at]` into the builder on this thread while another builds the rest
/// into a fragment, as if the line at `split` continued a mapping at its indentation, inside a
/// mapping at each level above it. When the first half reaches that line in exactly that
/// state, the fragment is joined to the builder: the tree is the one a single pass builds (see
/// [`Builder::join`]). Otherwise the first half simply reads on to the end. `Ok(true)` when
/// the two halves were joined.
pub(crate) fn feed_in_halves<'t>(
    builder: &mut Builder<'t>,
    text: &'t str,
    start: usize,
    split: Split,
) -> Step<bool> {
    let bytes = text.as_bytes();
    let seed = split.seed();
    let mut fragment = builder.fragment(split.at, seed.len());
    // The first half says whether it was joined; the second is `Err` for a character the
    // fast path leaves to saphyr (which declines the whole text, however the first half
    // ends), and `Ok(Err)` when it declined as read from `seed` (which matters only if joined).
    let (first, second) = rayon::join(
        || -> Step<bool> {
            if first_unhandled_character(&bytes[start..split.at]).is_some() {
                return Err(Declined);
            }
            let mut fast = Fast::new(text, builder, start);
            fast.begin(start)?;
            if fast.lines_until(start, Some(split.at))? {
                if fast.continues_as(&seed, split)? {
                    return Ok(true);
                }
                fast.lines(split.at)?;
            }
            fast.finish()?;
            Ok(false)
        },
        || -> Step<Step<Fragment<'t>>> {
            if first_unhandled_character(&bytes[split.at..]).is_some() {
                return Err(Declined);
            }
            let mut fast = Fast::new(text, &mut fragment, split.at);
            fast.stack = seed.clone();
            let read = fast.lines(split.at).and_then(|()| fast.finish());
            Ok(read.map(|()| fragment))
        },
    );
    let (joined, second) = (first?, second?);
    if joined {
        builder.join(second?).map_err(|()| Declined)?;
    }
    Ok(joined)
}

/// [`feed`], saying at which line's start the fast path declined (for tuning it).
pub(crate) fn feed_or_say_where<'t>(
    builder: &mut Builder<'t>,
    text: &'t str,
    start: usize,
) -> Result<(), usize> {
    let body = &text.as_bytes()[start..];
    if let Some(at) = first_unhandled_character(body) {
        return Err(start + at);
    }
    let mut fast = Fast::new(text, builder, start);
    fast.run(start).map_err(|Declined| fast.line)
}

impl<'t, 'b, S: Sink<'t>> Fast<'t, 'b, S> {
    fn new(text: &'t str, builder: &'b mut S, start: usize) -> Self {
        Fast {
            text,
            builder,
            stack: Vec::new(),
            pending: None,
            line: start,
            last_value_owner: None,
            last_line_end: Cell::new((usize::MAX, 0)),
        }
    }

    fn run(&mut self, start: usize) -> Step<()> {
        self.begin(start)?;
        self.lines(start)?;
        self.finish()
    }

    /// Starts the stream and its one document.
    fn begin(&mut self, start: usize) -> Step<()> {
        self.emit(Event::StreamStart, start, start)?;
        self.emit(Event::DocumentStart(false), start, start)
    }

    /// Closes what is open at the text's end and ends the document.
    fn finish(&mut self) -> Step<()> {
        if self.stack.is_empty() || self.pending.is_some() {
            return Err(Declined);
        }
        let end = self.text.len();
        while let Some(open) = self.stack.pop() {
            self.close(open, end)?;
        }
        self.emit(Event::DocumentEnd, end, end)?;
        self.emit(Event::StreamEnd, end, end)?;
        Ok(())
    }

    /// Whether the line at `split`, read next, continues the collections `seed` and nothing
    /// else. The collections it closes (or the mapping it opens, as a key's first entry) are
    /// closed (or opened) here, as reading it does; reading it again changes nothing more.
    fn continues_as(&mut self, seed: &[Open], split: Split) -> Step<bool> {
        let indent = split.indent;
        if self.last_value_owner.is_some_and(|owner| indent > owner) {
            return Ok(false);
        }
        self.last_value_owner = None;
        let content = split.at + indent;
        self.place(indent, false, content, self.line_end(content))?;
        Ok(self.stack == seed)
    }
}

/// Tabs and CRs (which the fast path does not lay out), characters some YAML readers take for
/// line breaks, and what YAML does not allow in a document at all: C0 and C1 controls, DEL,
/// U+FFFE and U+FFFF. saphyr reads those files, and says what is wrong.
fn first_unhandled_character(body: &[u8]) -> Option<usize> {
    // Printable ASCII and line feeds are most of every document: 64 bytes at a time are
    // checked for being only that (a loop the compiler vectorises), and only a block that is
    // not is looked at byte by byte. Byte by byte throughout, this was 15% of a lint.
    const BLOCK: usize = 64;
    let mut from = 0;
    while from < body.len() {
        let end = (from + BLOCK).min(body.len());
        let plain = body[from..end].iter().fold(true, |plain, &b| {
            plain & ((0x20..0x7F).contains(&b) | (b == b'\n'))
        });
        if !plain {
            if let Some(at) = (from..end).find(|&at| unhandled_at(body, at)) {
                return Some(at);
            }
        }
        from = end;
    }
    None
}

/// Whether the character starting at byte `i` is one [`first_unhandled_character`] looks for.
fn unhandled_at(body: &[u8], i: usize) -> bool {
    match body[i] {
        b'\n' => false,
        0..0x20 | 0x7F => true,
        0xC2 => body.get(i + 1).is_some_and(|n| (0x80..0xA0).contains(n)),
        // U+2028 and U+2029 (line breaks to some YAML readers), a byte order mark inside.
        0xE2 => body.get(i + 1) == Some(&0x80) && matches!(body.get(i + 2), Some(0xA8 | 0xA9)),
        0xEF => matches!(
            (body.get(i + 1), body.get(i + 2)),
            (Some(0xBF), Some(0xBE | 0xBF)) | (Some(0xBB), Some(0xBF))
        ),
        _ => false,
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| b == b' ')
}

impl<'t, S: Sink<'t>> Fast<'t, '_, S> {
    fn emit(&mut self, event: Event<'t>, start: usize, end: usize) -> Step<()> {
        self.builder
            .event(event, Span::new(start, end))
            .map_err(|()| Declined)
    }

    fn scalar(
        &mut self,
        value: Cow<'t, str>,
        style: ScalarStyle,
        start: usize,
        end: usize,
    ) -> Step<()> {
        self.emit(Event::Scalar(value, style, 0, None), start, end)
    }

    fn close(&mut self, open: Open, at: usize) -> Step<()> {
        let event = match open.kind {
            Collection::Mapping => Event::MappingEnd,
            Collection::Sequence => Event::SequenceEnd,
        };
        self.emit(event, at, at)
    }

    fn line_end(&self, from: usize) -> usize {
        let (last_from, last_end) = self.last_line_end.get();
        if last_from == from {
            return last_end;
        }
        let end = memchr::memchr(b'\n', &self.text.as_bytes()[from..])
            .map_or(self.text.len(), |i| from + i);
        self.last_line_end.set((from, end));
        end
    }

    /// Walks the lines from `at`, one block entry (or block scalar) at a time.
    fn lines(&mut self, at: usize) -> Step<()> {
        self.lines_until(at, None).map(|_| ())
    }

    /// [`Fast::lines`], stopping when the line at `stop` is next: `true` if it stopped there,
    /// `false` if it read to the end (the line at `stop` was part of something longer).
    fn lines_until(&mut self, mut at: usize, stop: Option<usize>) -> Step<bool> {
        let bytes = self.text.as_bytes();
        let mut first = true;
        while at < bytes.len() {
            if stop == Some(at) {
                return Ok(true);
            }
            let end = self.line_end(at);
            self.line = at;
            let line = &bytes[at..end];
            let next = (end + 1).min(bytes.len().max(end));
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            let content = at + indent;
            if indent == line.len() || bytes[content] == b'#' {
                at = next;
                continue;
            }
            if first {
                first = false;
                if &line[indent..] == b"---" {
                    at = next;
                    continue;
                }
            }
            if line[indent..].starts_with(b"---")
                || line[indent..].starts_with(b"...")
                || bytes[content] == b'%'
            {
                return Err(Declined);
            }
            if self.last_value_owner.is_some_and(|owner| indent > owner) {
                return Err(Declined);
            }
            self.last_value_owner = None;
            let dash = is_dash(&line[indent..]);
            self.place(indent, dash, content, end)?;
            at = if dash {
                self.item(indent, content, end)?
            } else {
                self.entry(indent, content, end)?
            };
        }
        Ok(false)
    }

    /// Opens or closes block collections so that a line at `indent` continues the right one.
    fn place(&mut self, indent: usize, dash: bool, content: usize, end: usize) -> Step<()> {
        if let Some(pending) = self.pending.take() {
            let kind = if dash {
                Collection::Sequence
            } else {
                Collection::Mapping
            };
            let indentless = dash && pending.after_key && indent == pending.indent;
            if indent <= pending.indent && !indentless {
                return Err(Declined); // an empty value
            }
            let start = if indentless {
                // saphyr starts an indentless sequence at its first item's content.
                let after = content + 1 + count_spaces(&self.text.as_bytes()[content + 1..end]);
                if after >= end || self.text.as_bytes()[after] == b'#' {
                    return Err(Declined);
                }
                after
            } else {
                content
            };
            return self.open(kind, indent, indentless, start);
        }
        while let Some(&top) = self.stack.last() {
            let ends_here =
                top.indent > indent || (top.indentless && top.indent == indent && !dash);
            if !ends_here {
                break;
            }
            self.stack.pop();
            self.close(top, content)?;
        }
        match self.stack.last() {
            None => {
                // The root collection.
                let kind = if dash {
                    Collection::Sequence
                } else {
                    Collection::Mapping
                };
                self.open(kind, indent, false, content)
            }
            Some(top) if top.indent == indent && (top.kind == Collection::Sequence) == dash => {
                Ok(())
            }
            Some(_) => Err(Declined),
        }
    }

    fn open(
        &mut self,
        kind: Collection,
        indent: usize,
        indentless: bool,
        start: usize,
    ) -> Step<()> {
        if self.stack.is_empty() && (indent != 0 || self.builder_has_root()) {
            return Err(Declined);
        }
        let event = match kind {
            Collection::Mapping => Event::MappingStart(0, None),
            Collection::Sequence => Event::SequenceStart(0, None),
        };
        self.emit(event, start, start)?;
        self.stack.push(Open {
            kind,
            indent,
            indentless,
        });
        Ok(())
    }

    fn builder_has_root(&self) -> bool {
        self.builder.has_root()
    }

    /// `- value`, `- key: value` (a mapping in the item), or `-` with the value below.
    fn item(&mut self, indent: usize, content: usize, end: usize) -> Step<usize> {
        let bytes = self.text.as_bytes();
        let after = content + 1 + count_spaces(&bytes[content + 1..end]);
        if after >= end || bytes[after] == b'#' {
            self.pending = Some(Pending {
                indent,
                after_key: false,
            });
            return Ok(next_line(bytes, end));
        }
        if is_dash(&bytes[after..end]) {
            // `- - a`: a sequence in the item, starting at its dash.
            let column = after - (content - indent);
            self.open(Collection::Sequence, column, false, after)?;
            return self.item(column, after, end);
        }
        if let Some(key) = self.key_at(after, end)? {
            self.open(
                Collection::Mapping,
                after - (content - indent),
                false,
                after,
            )?;
            return self.entry_with(after - (content - indent), key, end);
        }
        self.value(indent, after, end)
    }

    /// `key: value`, or `key:` with the value below.
    fn entry(&mut self, indent: usize, content: usize, end: usize) -> Step<usize> {
        let key = self.key_at(content, end)?.ok_or(Declined)?;
        self.entry_with(indent, key, end)
    }

    fn entry_with(&mut self, indent: usize, key: Key<'t>, end: usize) -> Step<usize> {
        let bytes = self.text.as_bytes();
        if key.colon - key.start > MAX_KEY {
            return Err(Declined);
        }
        self.scalar(key.value, key.style, key.start, key.end)?;
        let after = key.colon + 1 + count_spaces(&bytes[key.colon + 1..end]);
        if after >= end || bytes[after] == b'#' {
            self.pending = Some(Pending {
                indent,
                after_key: true,
            });
            return Ok(next_line(bytes, end));
        }
        self.value(indent, after, end)
    }

    /// A key at `at`: plain or quoted, then `:` and a space or the line's end. `None` when the
    /// line holds no key there (a scalar item).
    fn key_at(&self, at: usize, end: usize) -> Step<Option<Key<'t>>> {
        let bytes = self.text.as_bytes();
        match bytes[at] {
            b'\'' | b'"' => {
                let (value, close) = quoted(self.text, at, end)?;
                let colon = close;
                if colon < end
                    && bytes[colon] == b':'
                    && (colon + 1 == end || bytes[colon + 1] == b' ')
                {
                    let style = if bytes[at] == b'"' {
                        ScalarStyle::DoubleQuoted
                    } else {
                        ScalarStyle::SingleQuoted
                    };
                    return Ok(Some(Key {
                        value,
                        style,
                        start: at,
                        end: close,
                        colon,
                    }));
                }
                Ok(None)
            }
            b'{' | b'[' | b'?' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b','
            | b']' | b'}' | b'#' => {
                // Flow, complex keys, anchors, aliases, tags, block scalars: values or declined.
                Ok(None)
            }
            _ => {
                let line = &bytes[at..end];
                let Some(colon) = find_colon(line) else {
                    return Ok(None);
                };
                let key = &line[..colon];
                if key.is_empty()
                    || key.ends_with(b" ")
                    || contains_comment(key)
                    || key.starts_with(b"- ")
                {
                    return Err(Declined);
                }
                if matches!(key[0], b':' | b'-' | b'?') && key.get(1).is_none_or(|&b| b == b' ') {
                    return Err(Declined);
                }
                let start = at;
                let value = &self.text[start..start + colon];
                Ok(Some(Key {
                    value: Cow::Borrowed(value),
                    style: ScalarStyle::Plain,
                    start,
                    end: start + colon,
                    colon: start + colon,
                }))
            }
        }
    }

    /// A value that starts at `at` on its key's (or dash's) line; returns where the next line
    /// to read starts (after a block scalar, further down).
    fn value(&mut self, owner: usize, at: usize, end: usize) -> Step<usize> {
        let bytes = self.text.as_bytes();
        let mut end = end;
        match bytes[at] {
            b'\'' | b'"' => {
                let (value, close) = quoted_across_lines(self.text, at, owner)?;
                end = self.line_end(close);
                rest_is_comment(&bytes[close..end])?;
                let style = if bytes[at] == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                let span_end = token_end(bytes, close, end);
                self.scalar(value, style, at, span_end)?;
            }
            b'{' | b'[' => {
                let close = self.flow(at, end, 1)?;
                rest_is_comment(&bytes[close..end])?;
            }
            b'|' | b'>' => return self.block_scalar(owner, at, end),
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' => {
                return Err(Declined);
            }
            b'-' | b'?' | b':' if bytes.get(at + 1).is_none_or(|&b| b == b' ' || b == b'\n') => {
                return Err(Declined);
            }
            _ => {
                let (value, value_end, last_line_end) = self.plain_across_lines(owner, at, end)?;
                end = last_line_end;
                self.scalar(value, ScalarStyle::Plain, at, value_end)?;
            }
        }
        self.last_value_owner = Some(owner);
        Ok(next_line(bytes, end))
    }

    /// A plain scalar from `at`, with the lines that continue it (further in than `owner`):
    /// its value (lines folded), where its text ends, and the end of its last line.
    fn plain_across_lines(
        &self,
        owner: usize,
        at: usize,
        end: usize,
    ) -> Step<(Cow<'t, str>, usize, usize)> {
        let bytes = self.text.as_bytes();
        let first = plain_line(&bytes[at..end])?;
        let mut value_end = at + first.len();
        let mut last_line_end = end;
        if first.len() < end - at && comment_start(&bytes[at..end]).is_some() {
            // A comment ends the scalar on its first line.
            return Ok((Cow::Borrowed(&self.text[at..value_end]), value_end, end));
        }
        let mut owned: Option<String> = None;
        let mut blank_lines = 0;
        let mut line_start = next_line(bytes, end);
        while line_start < bytes.len() {
            let line_end = self.line_end(line_start);
            let line = &bytes[line_start..line_end];
            if is_blank(line) {
                blank_lines += 1;
                line_start = next_line(bytes, line_end);
                continue;
            }
            let indent = count_spaces(line);
            if indent <= owner {
                break;
            }
            let content = &line[indent..];
            if content[0] == b'#' || comment_start(content).is_some() {
                return Err(Declined);
            }
            let text = plain_line(content)?;
            let value = owned.get_or_insert_with(|| self.text[at..value_end].to_string());
            if blank_lines == 0 {
                value.push(' ');
            } else {
                value.extend(std::iter::repeat_n('\n', blank_lines));
            }
            let from = line_start + indent;
            value.push_str(&self.text[from..from + text.len()]);
            value_end = from + text.len();
            last_line_end = line_end;
            blank_lines = 0;
            line_start = next_line(bytes, line_end);
        }
        let value = match owned {
            Some(value) => Cow::Owned(value),
            None => Cow::Borrowed(&self.text[at..value_end]),
        };
        Ok((value, value_end, last_line_end))
    }

    /// A flow collection that opens at `at` and closes on the same line, `depth` collections
    /// deep; returns the offset after its closing bracket.
    fn flow(&mut self, at: usize, end: usize, depth: usize) -> Step<usize> {
        // Nested collections are read by recursion: deeper ones are left to saphyr, which
        // keeps its own count, so that no line can exhaust a thread's stack.
        if depth > MAX_FLOW_DEPTH {
            return Err(Declined);
        }
        let bytes = self.text.as_bytes();
        let mapping = bytes[at] == b'{';
        let (open, close_byte) = if mapping {
            (Event::MappingStart(0, None), b'}')
        } else {
            (Event::SequenceStart(0, None), b']')
        };
        self.emit(open, at, at + 1)?;
        let mut i = at + 1;
        let mut first = true;
        loop {
            i += count_spaces(&bytes[i..end]);
            if i >= end {
                return Err(Declined);
            }
            if bytes[i] == close_byte {
                if !first && bytes[i - 1] == b',' {
                    return Err(Declined);
                }
                let event = if mapping {
                    Event::MappingEnd
                } else {
                    Event::SequenceEnd
                };
                self.emit(event, i, token_end(bytes, i + 1, end))?;
                return Ok(i + 1);
            }
            if !first {
                if bytes[i] != b',' {
                    return Err(Declined);
                }
                i += 1;
                i += count_spaces(&bytes[i..end]);
                if i >= end || bytes[i] == close_byte || bytes[i] == b',' {
                    return Err(Declined); // a trailing or doubled comma
                }
            }
            first = false;
            let key_start = i;
            i = self.flow_node(i, end, mapping, depth)?;
            if mapping && i - key_start > MAX_KEY {
                return Err(Declined);
            }
            if mapping {
                if i >= end || bytes[i] != b':' {
                    return Err(Declined);
                }
                i += 1;
                if i >= end || bytes[i] != b' ' {
                    return Err(Declined);
                }
                i += count_spaces(&bytes[i..end]);
                if i >= end || matches!(bytes[i], b',' | b'}') {
                    return Err(Declined); // an empty value
                }
                i = self.flow_node(i, end, false, depth)?;
            } else {
                let after = i + count_spaces(&bytes[i..end]);
                if after < end && bytes[after] == b':' {
                    return Err(Declined); // a single-pair mapping in a sequence
                }
            }
        }
    }

    /// One scalar or nested collection inside a flow collection `depth` deep; returns the
    /// offset after it (before any spaces). `key`: a plain scalar ends at `:` followed by a
    /// space.
    fn flow_node(&mut self, at: usize, end: usize, key: bool, depth: usize) -> Step<usize> {
        let bytes = self.text.as_bytes();
        match bytes[at] {
            b'{' | b'[' if !key => self.flow(at, end, depth + 1),
            b'\'' | b'"' => {
                let (value, close) = quoted(self.text, at, end)?;
                let style = if bytes[at] == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                let spaces = count_spaces(&bytes[close..end]);
                self.scalar(value, style, at, close + spaces)?;
                Ok(close + spaces)
            }
            b'{' | b'[' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b'|' | b'>' | b'#' | b','
            | b']' | b'}' | b'?' => Err(Declined),
            b'-' | b':'
                if bytes
                    .get(at + 1)
                    .is_none_or(|&b| matches!(b, b' ' | b',' | b']' | b'}')) =>
            {
                Err(Declined)
            }
            _ => {
                let mut i = at;
                while i < end {
                    match bytes[i] {
                        b',' | b'[' | b']' | b'{' | b'}' => break,
                        b':' if bytes
                            .get(i + 1)
                            .is_none_or(|&b| matches!(b, b' ' | b',' | b']' | b'}')) =>
                        {
                            break;
                        }
                        b'#' if bytes[i - 1] == b' ' => return Err(Declined),
                        // saphyr refuses `[b -]`: a `-` after a space, before an indicator.
                        b'-' if bytes[i - 1] == b' '
                            && matches!(
                                bytes.get(i + 1),
                                Some(b',' | b'[' | b']' | b'{' | b'}')
                            ) =>
                        {
                            return Err(Declined);
                        }
                        _ => i += 1,
                    }
                }
                if i < end && matches!(bytes[i], b'[' | b'{') {
                    return Err(Declined);
                }
                let trimmed = at
                    + bytes[at..i]
                        .iter()
                        .rposition(|&b| b != b' ')
                        .map_or(0, |n| n + 1);
                self.scalar(
                    Cow::Borrowed(&self.text[at..trimmed]),
                    ScalarStyle::Plain,
                    at,
                    trimmed,
                )?;
                Ok(trimmed)
            }
        }
    }

    /// `|` or `>` with an optional chomping indicator, and the lines below it.
    fn block_scalar(&mut self, owner: usize, at: usize, end: usize) -> Step<usize> {
        let bytes = self.text.as_bytes();
        let literal = bytes[at] == b'|';
        let mut i = at + 1;
        let chomp = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                Chomp::Strip
            }
            Some(b'+') => {
                i += 1;
                Chomp::Keep
            }
            _ => Chomp::Clip,
        };
        if i < end && bytes[i] != b' ' {
            return Err(Declined); // an indentation indicator, or junk
        }
        rest_is_comment(&bytes[i..end])?;
        // The content lines: from the first one, at its indentation, through the last line
        // at least that far in; blank lines among them count.
        let mut line_start = next_line(bytes, end);
        let mut block_indent = None;
        let mut lines: Vec<(usize, usize)> = Vec::new();
        let mut stop = bytes.len();
        while line_start < bytes.len() {
            let line_end = self.line_end(line_start);
            let line = &bytes[line_start..line_end];
            if is_blank(line) {
                match block_indent {
                    None => return Err(Declined), // leading blank lines
                    Some(n) if line.len() > n => return Err(Declined),
                    Some(_) => lines.push((line_start, line_start)),
                }
                line_start = next_line(bytes, line_end);
                continue;
            }
            let indent = count_spaces(line);
            let wanted = *block_indent.get_or_insert(indent);
            if indent < wanted {
                if indent > owner {
                    return Err(Declined);
                }
                stop = line_start + indent;
                break;
            }
            if indent <= owner {
                return Err(Declined); // an empty block scalar
            }
            lines.push((line_start + wanted, line_end));
            line_start = next_line(bytes, line_end);
        }
        let Some(&(first_start, _)) = lines.first() else {
            return Err(Declined);
        };
        if stop == bytes.len() && !self.text.ends_with('\n') {
            return Err(Declined);
        }
        // Trailing blank lines belong to the chomping, not the content.
        let content_lines = lines.iter().rposition(|&(s, e)| e > s).map_or(0, |i| i + 1);
        let trailing = lines.len() - content_lines;
        let mut value = String::new();
        let mut blank_run = 0;
        let mut previous_more_indented = false;
        for (n, &(s, e)) in lines[..content_lines].iter().enumerate() {
            if e == s {
                blank_run += 1;
                continue;
            }
            let more_indented = bytes[s] == b' ';
            if n > 0 {
                // Folding joins two plain lines with a space, or with one line break per
                // blank line between them; breaks next to more-indented lines are kept.
                let folds = !literal && !more_indented && !previous_more_indented;
                if folds && blank_run == 0 {
                    value.push(' ');
                } else {
                    let breaks = if folds { blank_run } else { blank_run + 1 };
                    value.extend(std::iter::repeat_n('\n', breaks));
                }
            }
            value.push_str(&self.text[s..e]);
            blank_run = 0;
            previous_more_indented = more_indented;
        }
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => value.push('\n'),
            Chomp::Keep => {
                value.push('\n');
                value.extend(std::iter::repeat_n('\n', trailing));
            }
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.scalar(Cow::Owned(value), style, first_start, stop)?;
        Ok(if stop == bytes.len() {
            stop
        } else {
            stop - count_back_spaces(bytes, stop)
        })
    }
}

#[derive(Clone, Copy)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

struct Key<'t> {
    value: Cow<'t, str>,
    style: ScalarStyle,
    start: usize,
    end: usize,
    colon: usize,
}

/// Where saphyr ends the span of a token that closes at `close` (a quote, a bracket): past the
/// spaces after it, and past a comment that ends the line.
fn token_end(bytes: &[u8], close: usize, line_end: usize) -> usize {
    let after = close + count_spaces(&bytes[close..line_end]);
    if after > close && after < line_end && bytes[after] == b'#' {
        line_end
    } else {
        after
    }
}

fn count_spaces(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| b == b' ').count()
}

fn count_back_spaces(bytes: &[u8], at: usize) -> usize {
    bytes[..at].iter().rev().take_while(|&&b| b == b' ').count()
}

fn next_line(bytes: &[u8], end: usize) -> usize {
    if end < bytes.len() { end + 1 } else { end }
}

/// `-` followed by a space or the line's end.
fn is_dash(content: &[u8]) -> bool {
    content.first() == Some(&b'-') && content.get(1).is_none_or(|&b| b == b' ')
}

/// The first `:` followed by a space or the end, outside quotes (a plain key cannot hold
/// quotes that matter, so they are not looked at).
fn find_colon(line: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b':', &line[from..]) {
        let at = from + i;
        if at + 1 == line.len() || line[at + 1] == b' ' {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Where a ` #` comment starts in a plain value.
fn comment_start(line: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'#', &line[from..]) {
        let at = from + i;
        if at > 0 && line[at - 1] == b' ' {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn contains_comment(key: &[u8]) -> bool {
    comment_start(key).is_some() || key.first() == Some(&b'#')
}

/// After a value: spaces, then nothing or a comment.
fn rest_is_comment(rest: &[u8]) -> Step<()> {
    let spaces = count_spaces(rest);
    if spaces == rest.len() || (spaces > 0 && rest[spaces] == b'#') {
        Ok(())
    } else {
        Err(Declined)
    }
}

/// The text of a plain scalar on one line (cut at a comment, trailing spaces off); declined
/// when the line holds a mapping (`a: b`) instead.
fn plain_line(line: &[u8]) -> Step<&[u8]> {
    let cut = comment_start(line).unwrap_or(line.len());
    let trimmed = line[..cut]
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(0, |i| i + 1);
    let text = &line[..trimmed];
    if text.is_empty() || find_colon(text).is_some() {
        return Err(Declined);
    }
    Ok(text)
}

/// A quoted scalar from `at`, which may continue on lines further in than `owner`: its value
/// (lines folded as YAML folds them, escapes decoded) and the offset after its closing quote.
fn quoted_across_lines(text: &str, at: usize, owner: usize) -> Step<(Cow<'_, str>, usize)> {
    let bytes = text.as_bytes();
    let quote = bytes[at];
    let mut i = at + 1;
    let close = loop {
        // An escape or a doubled quote at the very end leaves `i` past the text.
        let rest = bytes.get(i..).ok_or(Declined)?;
        let found = if quote == b'"' {
            memchr::memchr2(b'"', b'\\', rest).ok_or(Declined)? + i
        } else {
            memchr::memchr(b'\'', rest).ok_or(Declined)? + i
        };
        match bytes[found] {
            b'\\' => i = found + 2,
            b'\'' if bytes.get(found + 1) == Some(&b'\'') => i = found + 2,
            _ => break found,
        }
    };
    let raw = &text[at + 1..close];
    if !raw.contains('\n') {
        return Ok((unescape(raw, quote)?, close + 1));
    }
    // Folding: each line's surrounding spaces go; a break between two lines is a space, or
    // one break per empty line between them.
    let mut value = String::new();
    let mut empty_run = 0;
    let lines: Vec<&str> = raw.split('\n').collect();
    for (n, line) in lines.iter().enumerate() {
        // Continuation lines, and the line of the closing quote, must be further in than the
        // key or dash; only blank lines between may be anything. Blank means spaces: a line
        // of U+2004 is text at column 0 (the fuzzer's sixth find).
        let last = n == lines.len() - 1;
        if n > 0 && (last || !is_blank(line.as_bytes())) && count_spaces(line.as_bytes()) <= owner {
            return Err(Declined);
        }
        if line.ends_with('\\') || line.ends_with("\\ ") {
            return Err(Declined); // an escaped line break or space
        }
        let part = match n {
            0 => line.trim_end_matches(' '),
            _ if n == lines.len() - 1 => line.trim_start_matches(' '),
            _ => line.trim_matches(' '),
        };
        // An empty first or last line is text too: `'\n  x'` is " x", `'x\n  '` is "x ".
        if part.is_empty() && n != 0 && n != lines.len() - 1 {
            empty_run += 1;
            continue;
        }
        if n > 0 {
            if empty_run == 0 {
                value.push(' ');
            } else {
                value.extend(std::iter::repeat_n('\n', empty_run));
            }
        }
        value.push_str(&unescape(part, quote)?);
        empty_run = 0;
    }
    Ok((Cow::Owned(value), close + 1))
}

/// A quoted scalar's text without its escapes: `''` in single quotes; in double quotes the
/// escapes of YAML 1.2 (those of JSON and a few more). Anything else is declined.
fn unescape(raw: &str, quote: u8) -> Step<Cow<'_, str>> {
    if quote == b'\'' {
        return Ok(if raw.contains("''") {
            Cow::Owned(raw.replace("''", "'"))
        } else {
            Cow::Borrowed(raw)
        });
    }
    if !raw.contains('\\') {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| -> Step<char> {
            let digits: String = chars.by_ref().take(n).collect();
            // `from_str_radix` would also take a sign (`\u+e40`); YAML takes digits only.
            if digits.len() != n || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Declined);
            }
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or(Declined)
        };
        let decoded = match chars.next().ok_or(Declined)? {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            _ => return Err(Declined),
        };
        out.push(decoded);
    }
    Ok(Cow::Owned(out))
}

/// A quoted scalar that closes on its line (keys, flow collections): its value and the
/// offset after the closing quote.
fn quoted(text: &str, at: usize, end: usize) -> Step<(Cow<'_, str>, usize)> {
    let (value, close) = quoted_across_lines(text, at, usize::MAX)?;
    if close > end {
        return Err(Declined);
    }
    Ok((value, close))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Inside `components/schemas`, the second half starts at a schema, three levels in, in
    /// mappings at the file's own step (two columns or four), and the halves are joined.
    #[test]
    fn the_second_half_may_start_three_levels_in() {
        for step in [2, 4] {
            let pad = |level: usize| " ".repeat(level * step);
            let text = format!(
                "openapi: 3.0.0\ncomponents:\n{1}schemas:\n{2}A:\n{3}type: object\n{2}B:\n{3}type: string\n{0}x: 1\n",
                pad(0),
                pad(1),
                pad(2),
                pad(3)
            );
            let from = text.find("A:").unwrap();
            let split = split_line(&text, from).unwrap();
            assert_eq!(&text[split.at..][..2 * step + 2], format!("{}B:", pad(2)));
            let levels: Vec<usize> = split.seed().iter().map(|open| open.indent).collect();
            assert_eq!(levels, [0, step, 2 * step]);
            assert_eq!(crate::document::yaml::halves_agree(&text, from), Ok(true));
        }
    }

    /// A level is as far in as the first line under a top-level key alone, not as the text of
    /// a block scalar before it.
    #[test]
    fn a_level_is_the_step_under_a_key() {
        let step = |text: &str| indent_step(text.as_bytes());
        assert_eq!(step("a: 1\nb:\n  c: 2\n"), Some(2));
        assert_eq!(
            step("# x\ndescription: |\n      text\ninfo:\n    title: t\n"),
            Some(4)
        );
        assert_eq!(step("a: b\n  c\nd:\n  - e\n"), Some(2));
        assert_eq!(step("a: 1\nb: 2\n"), None);
    }

    /// A line inside a sequence's item or a block scalar is not where a second half starts,
    /// since the first half never reaches it in mappings only: the next line that is, is.
    #[test]
    fn the_second_half_starts_in_mappings_only() {
        let item = "openapi: 3.0.0\ntags:\n  - name: a\n    description: b\ninfo:\n  title: t\n";
        let block =
            "openapi: 3.0.0\ninfo:\n  description: |\n    Some text\n    and more\n  title: t\n";
        for (text, from, starts) in [(item, "name", "info:"), (block, "|", "  title:")] {
            let from = text.find(from).unwrap();
            let split = split_line(text, from).unwrap();
            assert!(text[split.at..].starts_with(starts), "{text}");
            assert_eq!(crate::document::yaml::halves_agree(text, from), Ok(true));
        }
    }

    proptest! {
        /// Block by block finds what a byte-by-byte look finds, wherever the odd bytes are.
        #[test]
        fn unhandled_characters_are_found_as_byte_by_byte(
            plain in prop::collection::vec(prop::sample::select(b"ab: \n-#'\"".to_vec()), 0..300),
            odd in prop::collection::vec((0usize..300, prop::sample::select(vec![
                "\t", "\r", "\u{7f}", "\u{85}", "\u{2028}", "\u{2029}", "\u{feff}", "\u{fffe}",
                "\u{ffff}", "é", "\u{a0}", "\u{2004}",
            ])), 0..3),
        ) {
            let mut text = String::from_utf8(plain).unwrap();
            for (at, what) in odd {
                let mut at = at.min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, what);
            }
            let bytes = text.as_bytes();
            let naive = (0..bytes.len()).find(|&at| unhandled_at(bytes, at));
            prop_assert_eq!(first_unhandled_character(bytes), naive);
        }
    }
}
