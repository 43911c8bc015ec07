//! The JSON front-end: an iterative RFC 8259 parser that writes the span tape directly.
//! Hand-written because no maintained crate gives byte spans for every node at the speed the
//! performance budget needs (see docs/design.md).

use super::tree::{Kind, MAX_NODES, Span, TapeBuilder, Tree};
use super::{Limits, LoadError, Text};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value, or `]` right after `[`.
    ValueOrEnd,
    Value,
    /// A key, or `}` right after `{`.
    KeyOrEnd,
    Key,
    Colon,
    CommaOrEnd,
    /// The top-level value is complete: only white space may follow.
    Nothing,
}

pub(crate) fn parse(text: Text, start: usize, limits: &Limits) -> Result<Tree, LoadError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text: &text,
        pos: start,
        tape: TapeBuilder::with_capacity(text.len() / 24),
        limits,
    };
    parser.run()?;
    let TapeBuilder { nodes, arena, .. } = parser.tape;
    Ok(Tree::new(text, nodes, arena))
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    tape: TapeBuilder,
    limits: &'a Limits,
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), LoadError> {
        let mut expect = Expect::Value;
        loop {
            if self.tape.nodes.len() >= MAX_NODES {
                return Err(self.error_at(self.pos, 1, &too_many_nodes()));
            }
            self.skip_whitespace();
            let Some(&byte) = self.bytes.get(self.pos) else {
                return match expect {
                    Expect::Nothing => Ok(()),
                    _ if self.tape.nodes.is_empty() => {
                        Err(self.error_at(self.pos, 0, "the file is empty"))
                    }
                    _ => Err(self.error_at(
                        self.pos,
                        0,
                        "unexpected end of file: the JSON is incomplete",
                    )),
                };
            };
            expect = match expect {
                Expect::Nothing => {
                    return Err(self.error_at(
                        self.pos,
                        1,
                        "unexpected text after the end of the JSON document",
                    ));
                }
                Expect::ValueOrEnd if byte == b']' => self.close(byte)?,
                Expect::Value | Expect::ValueOrEnd => self.value(byte)?,
                Expect::KeyOrEnd if byte == b'}' => self.close(byte)?,
                Expect::Key | Expect::KeyOrEnd => {
                    if byte != b'"' {
                        return Err(self.error_at(self.pos, 1, "expected a string key"));
                    }
                    self.string(true)?;
                    Expect::Colon
                }
                Expect::Colon => {
                    if byte != b':' {
                        return Err(self.error_at(self.pos, 1, "expected `:` after the key"));
                    }
                    self.pos += 1;
                    Expect::Value
                }
                Expect::CommaOrEnd => match byte {
                    b',' => {
                        self.pos += 1;
                        if self.in_mapping() {
                            Expect::Key
                        } else {
                            Expect::Value
                        }
                    }
                    b'}' | b']' => self.close(byte)?,
                    _ => {
                        let wanted = if self.in_mapping() {
                            "`,` or `}`"
                        } else {
                            "`,` or `]`"
                        };
                        return Err(self.error_at(self.pos, 1, &format!("expected {wanted}")));
                    }
                },
            };
        }
    }

    fn in_mapping(&self) -> bool {
        self.tape
            .open
            .last()
            .is_some_and(|&i| self.tape.nodes[i as usize].kind() == Kind::Mapping)
    }

    fn after_value(&self) -> Expect {
        if self.tape.open.is_empty() {
            Expect::Nothing
        } else {
            Expect::CommaOrEnd
        }
    }

    fn value(&mut self, byte: u8) -> Result<Expect, LoadError> {
        match byte {
            b'{' | b'[' => {
                if self.tape.open.len() >= self.limits.max_depth {
                    return Err(self.error_at(
                        self.pos,
                        1,
                        &format!("nesting is deeper than {} levels", self.limits.max_depth),
                    ));
                }
                let (kind, next) = if byte == b'{' {
                    (Kind::Mapping, Expect::KeyOrEnd)
                } else {
                    (Kind::Sequence, Expect::ValueOrEnd)
                };
                self.tape.open_container(kind, self.pos);
                self.pos += 1;
                return Ok(next);
            }
            b'"' => self.string(false)?,
            b't' => self.literal("true", Kind::Bool)?,
            b'f' => self.literal("false", Kind::Bool)?,
            b'n' => self.literal("null", Kind::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(self.error_at(self.pos, 1, "expected a JSON value")),
        }
        Ok(self.after_value())
    }

    fn close(&mut self, byte: u8) -> Result<Expect, LoadError> {
        let is_mapping = self.in_mapping();
        if (byte == b'}') != is_mapping {
            let wanted = if is_mapping { "`}`" } else { "`]`" };
            return Err(self.error_at(self.pos, 1, &format!("expected {wanted}")));
        }
        self.pos += 1;
        if let Some(dup) = self.tape.close_container(self.pos, self.text) {
            return Err(LoadError::duplicate_key(dup));
        }
        Ok(self.after_value())
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<(), LoadError> {
        let start = self.pos;
        if !self.bytes[start..].starts_with(word.as_bytes()) {
            return Err(self.error_at(start, 1, "expected a JSON value"));
        }
        self.pos += word.len();
        self.tape
            .push_scalar(kind, Span::new(start, self.pos), start, word.len(), false);
        Ok(())
    }

    fn number(&mut self) -> Result<(), LoadError> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(self.error_at(start, i + 1 - start, "invalid number")),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let digits = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return Err(self.error_at(
                    start,
                    i - start,
                    "invalid number: digits must follow `.`",
                ));
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            let digits = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return Err(self.error_at(
                    start,
                    i - start,
                    "invalid number: the exponent has no digits",
                ));
            }
        }
        self.pos = i;
        self.tape
            .push_scalar(Kind::Number, Span::new(start, i), start, i - start, false);
        Ok(())
    }

    fn string(&mut self, key: bool) -> Result<(), LoadError> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = skip_plain_string_bytes(b, start + 1);
        loop {
            match b.get(i) {
                None => return Err(self.error_at(start, i - start, "unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => return self.escaped_string(start, key),
                Some(&c) if c < 0x20 => {
                    return Err(self.error_at(i, 1, "control character in a string (escape it)"));
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        self.tape.push_scalar(
            Kind::String,
            Span::new(start, i + 1),
            start + 1,
            i - start - 1,
            key,
        );
        Ok(())
    }

    fn escaped_string(&mut self, start: usize, key: bool) -> Result<(), LoadError> {
        let b = self.bytes;
        let mut out = String::new();
        let mut i = start + 1;
        let mut run = i;
        loop {
            match b.get(i) {
                None => return Err(self.error_at(start, i - start, "unterminated string")),
                Some(b'"') => break,
                Some(&c) if c < 0x20 => {
                    return Err(self.error_at(i, 1, "control character in a string (escape it)"));
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..i]);
                    let escape = b.get(i + 1).copied();
                    let decoded = match escape {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let (c, used) = self.unicode_escape(i)?;
                            out.push(c);
                            i += used;
                            run = i;
                            continue;
                        }
                        _ => return Err(self.error_at(i, 2, "invalid escape sequence")),
                    };
                    out.push(decoded);
                    i += 2;
                    run = i;
                }
                Some(_) => i += 1,
            }
        }
        out.push_str(&self.text[run..i]);
        self.pos = i + 1;
        self.tape
            .push_owned_scalar(Kind::String, Span::new(start, i + 1), &out, key);
        Ok(())
    }

    /// Decodes `\uXXXX` (and a following low surrogate) at `at`; returns the char and bytes used.
    fn unicode_escape(&self, at: usize) -> Result<(char, usize), LoadError> {
        let hex = |from: usize| -> Option<u32> {
            let digits = self.text.get(from..from + 4)?;
            u32::from_str_radix(digits, 16).ok()
        };
        let bad = || self.error_at(at, 6.min(self.bytes.len() - at), "invalid \\u escape");
        let high = hex(at + 2).ok_or_else(bad)?;
        if (0xD800..0xDC00).contains(&high) {
            if self.bytes.get(at + 6..at + 8) == Some(b"\\u") {
                if let Some(low) = hex(at + 8).filter(|l| (0xDC00..0xE000).contains(l)) {
                    let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    return char::from_u32(c).map(|c| (c, 12)).ok_or_else(bad);
                }
            }
            return Err(self.error_at(at, 6, "unpaired surrogate in \\u escape"));
        }
        char::from_u32(high).map(|c| (c, 6)).ok_or_else(bad)
    }

    fn error_at(&self, start: usize, len: usize, message: &str) -> LoadError {
        let start = start.min(self.bytes.len());
        let end = floor_char_boundary(self.text, (start + len).min(self.bytes.len()));
        LoadError::syntax(format!("invalid JSON: {message}"), Span::new(start, end))
    }
}

/// Skips, eight bytes at a time, the bytes that need no attention inside a string: anything
/// but `"`, `\\` and control characters. Returns where the byte-by-byte scan must resume.
fn skip_plain_string_bytes(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` is zero when (x - 1) borrows into a high bit that x did not have.
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let quote = has_zero(word ^ (ONES * u64::from(b'"')));
        let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
        // Bytes below 0x20 (control characters): subtracting 0x20 borrows into the high bit.
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        if quote | backslash | control != 0 {
            break;
        }
        at += 8;
    }
    at
}

pub(crate) fn too_many_nodes() -> String {
    format!("the document has more than {MAX_NODES} nodes, the most errlint reads in one file")
}

pub(crate) fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::tree::NodeId;

    fn tree(src: &str) -> Tree {
        parse(std::sync::Arc::new(src.to_string()), 0, &Limits::default()).expect("valid JSON")
    }

    fn error(src: &str) -> LoadError {
        parse(std::sync::Arc::new(src.to_string()), 0, &Limits::default())
            .expect_err("invalid JSON")
    }

    #[test]
    fn spans_cover_keys_and_values() {
        let src = r#"{"a": [1, "x\ny", true], "b": {}}"#;
        let t = tree(src);
        let (k, v) = t.entries(NodeId::ROOT).next().unwrap();
        assert_eq!(&src[t.span(k).range()], r#""a""#);
        assert_eq!(&src[t.span(v).range()], r#"[1, "x\ny", true]"#);
        let items: Vec<_> = t.items(v).collect();
        assert_eq!(t.scalar(items[0]), Some("1"));
        assert_eq!(t.str(items[1]), Some("x\ny"));
        assert_eq!(t.as_bool(items[2]), Some(true));
        assert_eq!(t.child_count(NodeId::ROOT), 2);
        assert_eq!(t.pointer(items[1]), "/a/1");
    }

    #[test]
    fn decodes_unicode_escapes() {
        let t = tree(r#"["\u00e9\ud83d\ude00"]"#);
        let item = t.items(NodeId::ROOT).next().unwrap();
        assert_eq!(t.str(item), Some("é😀"));
    }

    #[test]
    fn reports_duplicate_keys_with_both_spans() {
        let src = r#"{"a": 1, "a": 2}"#;
        let e = error(src);
        assert!(e.message.contains("duplicate key `a`"), "{}", e.message);
        assert_eq!(e.span.map(|s| s.start), Some(9));
    }

    #[test]
    fn reports_syntax_errors_at_the_offending_byte() {
        assert_eq!(error(r#"{"a" 1}"#).span.map(|s| s.start), Some(5));
        assert_eq!(error("[1,]").span.map(|s| s.start), Some(3));
        assert_eq!(error("[01]").span.map(|s| s.start), Some(2));
        assert!(error("").message.contains("empty"));
        assert!(error("{} x").message.contains("after the end"));
        assert!(error("[1").message.contains("end of file"));
    }

    #[test]
    fn the_eight_byte_scan_stops_at_every_special_byte() {
        for at in 0..20 {
            let body = "é".repeat(3) + &"a".repeat(at);
            let ok = format!("[\"{body}\\n{body}\", \"{body}\"]");
            let t = tree(&ok);
            let items: Vec<_> = t.items(NodeId::ROOT).collect();
            assert_eq!(t.str(items[0]), Some(format!("{body}\n{body}").as_str()));
            assert_eq!(t.str(items[1]), Some(body.as_str()));
            let control = format!("[\"{body}\u{1}x\"]");
            let e = error(&control);
            assert_eq!(
                e.span.map(|s| s.start as usize),
                Some(2 + body.len()),
                "at {at}"
            );
        }
    }

    #[test]
    fn depth_is_limited_without_recursion() {
        let deep = "[".repeat(100_000);
        assert!(error(&deep).message.contains("nesting"));
    }
}
