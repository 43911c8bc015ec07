//! The block structure, line by line: the mappings and sequences that indentation opens and
//! closes, their keys, and the values written on a key's or a dash's line.

use super::bytes::{
    comment_start, contains_comment, count_spaces, find_colon, is_blank, is_dash, next_line,
    plain_line, rest_is_comment, token_end,
};
use super::quoted::{quoted, quoted_across_lines};
use super::{Collection, Declined, Fast, MAX_KEY, Open, Pending, Sink, Step};
use saphyr_parser::{Event, ScalarStyle};
use std::borrow::Cow;

struct Key<'t> {
    value: Cow<'t, str>,
    style: ScalarStyle,
    start: usize,
    end: usize,
    colon: usize,
}

impl<'t, S: Sink<'t>> Fast<'t, '_, S> {
    pub(super) fn line_end(&self, from: usize) -> usize {
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
    pub(super) fn lines(&mut self, at: usize) -> Step<()> {
        self.lines_until(at, None).map(|_| ())
    }

    /// [`Fast::lines`], stopping when the line at `stop` is next: `true` if it stopped there,
    /// `false` if it read to the end (the line at `stop` was part of something longer).
    pub(super) fn lines_until(&mut self, mut at: usize, stop: Option<usize>) -> Step<bool> {
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
    pub(super) fn place(
        &mut self,
        indent: usize,
        dash: bool,
        content: usize,
        end: usize,
    ) -> Step<()> {
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
}
