//! Flow collections (`{a: 1}`, `[a, b]`) that open and close on one line.

use super::bytes::{count_spaces, token_end};
use super::quoted::quoted;
use super::{Declined, Fast, MAX_FLOW_DEPTH, MAX_KEY, Sink, Step};
use saphyr_parser::{Event, ScalarStyle};
use std::borrow::Cow;

impl<'t, S: Sink<'t>> Fast<'t, '_, S> {
    /// A flow collection that opens at `at` and closes on the same line, `depth` collections
    /// deep; returns the offset after its closing bracket.
    pub(super) fn flow(&mut self, at: usize, end: usize, depth: usize) -> Step<usize> {
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
}
