//! A fast path for the YAML that OpenAPI documents are written in: block mappings and
//! sequences, plain and quoted single-line scalars, literal and folded block scalars, and flow
//! collections on one line. It produces the same events, with the same spans, as
//! `saphyr-parser` and feeds them to the same tape builder, so the tree is the one the full
//! parser would build. Anything else (anchors and aliases, tags, multi-line plain or quoted
//! scalars, complex keys, empty values, directives, tabs, CR line ends, escapes) makes it
//! decline, and the caller parses the whole file with saphyr. `tests` and the fuzz target
//! `yaml_fast` check the two paths against each other.

mod block;
mod block_scalar;
mod bytes;
mod characters;
mod flow;
mod halves;
mod quoted;

pub(crate) use halves::{feed_in_halves, split_line};

use super::tree::Span;
use super::yaml::{Builder, Fragment};
use characters::first_unhandled_character;
use halves::SPLIT_FROM_BYTES;
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
}
