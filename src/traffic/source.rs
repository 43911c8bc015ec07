//! A window over any reader that knows the exact position (byte offset, line, column) of every
//! byte it passes, and skips or captures one JSON value at a time, so a traffic file of any size
//! is read with memory that does not grow with it.
//!
//! Hand-written rather than a streaming JSON parser: serde_json's `StreamDeserializer` reads a
//! sequence of top-level values, not the elements of an array nested in an object, and gives no
//! positions; struson and the like would build each entry's values token by token where
//! serde_json parses a captured element into typed structs in one call. What is written here
//! only finds where a value ends (strings and escapes, nesting); serde_json judges the value.

use std::io::Read;

/// Where a byte lies in a traffic file. Lines and columns start at 1; a column counts
/// characters, as the lint's reports do; `\r\n`, `\n` and a lone `\r` each end a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    pub offset: u64,
    pub line: u64,
    pub column: u64,
}

/// Counts lines and characters over the bytes given to it, in order: the position of the
/// next byte.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tracker {
    offset: u64,
    /// 0-based.
    line: u64,
    /// Characters since the line's start.
    column: u64,
    after_cr: bool,
}

impl Tracker {
    fn start() -> Self {
        Tracker {
            offset: 0,
            line: 0,
            column: 0,
            after_cr: false,
        }
    }

    pub(super) fn position(&self) -> Position {
        Position {
            offset: self.offset,
            line: self.line + 1,
            column: self.column + 1,
        }
    }

    pub(super) fn advance(&mut self, bytes: &[u8]) {
        let Some(&last) = bytes.last() else {
            return;
        };
        self.offset += bytes.len() as u64;
        let mut last_break = None;
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let after_cr = if at == 0 {
                self.after_cr
            } else {
                bytes[at - 1] == b'\r'
            };
            // The `\n` of a `\r\n` ends the line the `\r` already ended.
            if !(bytes[at] == b'\n' && after_cr) {
                self.line += 1;
            }
            last_break = Some(at);
        }
        match last_break {
            Some(at) => self.column = chars_in(&bytes[at + 1..]),
            None => self.column += chars_in(bytes),
        }
        self.after_cr = last == b'\r';
    }
}

/// Characters in UTF-8 bytes: every byte that does not continue a character. Invalid bytes
/// count one each, which is as good a column as any for them.
fn chars_in(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

/// What went wrong while reading, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScanError {
    pub at: Position,
    pub message: String,
}

/// What a NUL byte ends the reading with. No JSON text holds one (in a string it must be
/// escaped), and a file of them is what a sparse or preallocated file reads as: stopping at the
/// first keeps such a file, gigabytes of nothing, from being scanned to its end.
const NUL: &str = "the file holds a NUL byte, which no JSON text does: it is binary or damaged";

/// How much is read from the reader at a time.
const CHUNK: usize = 64 * 1024;

/// A key longer than this is no key the reader looks for; it is skipped, not kept.
const MAX_KEY: usize = 256;

pub(super) struct Source<R> {
    reader: R,
    buf: Vec<u8>,
    /// How much to read at a time: less than [`CHUNK`] for a captured entry read again, which
    /// would otherwise clear 64 KiB to read one.
    chunk: usize,
    /// The next byte, an index into `buf`.
    pos: usize,
    /// The position of `buf[tracked]`; `tracked <= pos`.
    tracker: Tracker,
    tracked: usize,
    eof: bool,
    /// The value being captured: its bytes before `buf[capture_from]`, and whether it grew
    /// past `capture_cap` (then it is skipped to its end and dropped).
    capture: Option<Vec<u8>>,
    capture_from: usize,
    capture_cap: usize,
    capture_over: bool,
}

impl<R: Read> Source<R> {
    pub(super) fn new(reader: R) -> Self {
        Source::starting_at(reader, Tracker::start(), CHUNK)
    }

    /// A source whose first byte lies at `tracker` in some larger file (a captured entry),
    /// read `chunk` bytes at a time.
    pub(super) fn starting_at(reader: R, tracker: Tracker, chunk: usize) -> Self {
        Source {
            reader,
            buf: Vec::with_capacity(chunk),
            chunk: chunk.max(1),
            pos: 0,
            tracker,
            tracked: 0,
            eof: false,
            capture: None,
            capture_from: 0,
            capture_cap: usize::MAX,
            capture_over: false,
        }
    }

    /// Reads more into the window, dropping what was passed (after counting it and keeping
    /// what a capture needs). False at the end of the input.
    fn refill(&mut self) -> Result<bool, ScanError> {
        if self.eof {
            return Ok(false);
        }
        self.track();
        if let Some(capture) = &mut self.capture {
            let taken = &self.buf[self.capture_from..self.pos];
            if capture.len() + taken.len() > self.capture_cap {
                self.capture_over = true;
                *capture = Vec::new();
            } else if !self.capture_over {
                capture.extend_from_slice(taken);
            }
            self.capture_from = 0;
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        self.tracked = 0;
        let start = self.buf.len();
        self.buf.resize(start + self.chunk, 0);
        let read = loop {
            match self.reader.read(&mut self.buf[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(start);
                    return Err(self.error(format!("the file could not be read: {e}")));
                }
            }
        };
        self.buf.truncate(start + read);
        self.eof = read == 0;
        Ok(read > 0)
    }

    /// Counts the bytes passed since the last count.
    fn track(&mut self) {
        self.tracker.advance(&self.buf[self.tracked..self.pos]);
        self.tracked = self.pos;
    }

    /// The position of the next byte.
    pub(super) fn position(&mut self) -> Position {
        self.track();
        self.tracker.position()
    }

    /// The tracker at the next byte, to work out positions inside a value captured from here.
    pub(super) fn tracker(&mut self) -> Tracker {
        self.track();
        self.tracker
    }

    pub(super) fn error(&mut self, message: impl Into<String>) -> ScanError {
        ScanError {
            at: self.position(),
            message: message.into(),
        }
    }

    pub(super) fn peek(&mut self) -> Result<Option<u8>, ScanError> {
        if self.pos == self.buf.len() && !self.refill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// The bytes in the window from the next one on, reading until there are at least `n` or
    /// the input ends: enough to tell a format by.
    pub(super) fn lookahead(&mut self, n: usize) -> Result<&[u8], ScanError> {
        while self.buf.len() - self.pos < n && !self.eof {
            self.refill()?;
        }
        Ok(&self.buf[self.pos..])
    }

    pub(super) fn bump(&mut self) {
        self.pos += 1;
    }

    /// Passes a UTF-8 byte-order mark, which is no column.
    pub(super) fn skip_bom(&mut self) -> Result<(), ScanError> {
        if self.lookahead(3)?.starts_with(b"\xEF\xBB\xBF") {
            self.pos += 3;
            self.track();
            self.tracker.column = 0;
        }
        Ok(())
    }

    /// The next byte that is not JSON whitespace, not passed.
    pub(super) fn skip_ws(&mut self) -> Result<Option<u8>, ScanError> {
        loop {
            match self.buf[self.pos..]
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            {
                Some(i) => {
                    self.pos += i;
                    return Ok(Some(self.buf[self.pos]));
                }
                None => {
                    self.pos = self.buf.len();
                    if !self.refill()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Passes `byte` after any whitespace, or says what was found instead.
    pub(super) fn expect(&mut self, byte: u8, what: &str) -> Result<(), ScanError> {
        match self.skip_ws()? {
            Some(b) if b == byte => {
                self.bump();
                Ok(())
            }
            Some(_) => Err(self.error(format!("expected {what}"))),
            None => Err(self.error(format!("the file ends where {what} was expected"))),
        }
    }

    /// Passes a string whose opening quote is the next byte.
    fn skip_string(&mut self) -> Result<(), ScanError> {
        self.bump();
        loop {
            match memchr::memchr3(b'"', b'\\', 0, &self.buf[self.pos..]) {
                Some(i) if self.buf[self.pos + i] == b'"' => {
                    self.pos += i + 1;
                    return Ok(());
                }
                Some(i) if self.buf[self.pos + i] == 0 => {
                    self.pos += i;
                    return Err(self.error(NUL));
                }
                Some(i) => {
                    // An escape: the byte after the backslash is never the string's end.
                    self.pos += i + 1;
                    if self.peek()?.is_none() {
                        return Err(self.error("the file ends inside a string"));
                    }
                    self.bump();
                }
                None => {
                    self.pos = self.buf.len();
                    if !self.refill()? {
                        return Err(self.error("the file ends inside a string"));
                    }
                }
            }
        }
    }

    /// Reads a key (a string whose opening quote is the next byte); `None` for one too long or
    /// invalid to be any key looked for, which is passed all the same. A key that straddles a
    /// refill is read whole: read a byte at a time, every key does (the fuzzer found `entries`
    /// missed so).
    pub(super) fn key(&mut self) -> Result<Option<String>, ScanError> {
        if self.skip_ws()? != Some(b'"') {
            return Err(self.error("expected a key (a string)"));
        }
        Ok(match self.capture_value(MAX_KEY)? {
            Captured::Whole(raw, _) => serde_json::from_slice(&raw).ok(),
            Captured::TooLong(_) => None,
        })
    }

    /// Passes one value of any kind after any whitespace. Its well-formedness is not checked:
    /// only where it ends.
    pub(super) fn skip_value(&mut self) -> Result<(), ScanError> {
        match self.skip_ws()? {
            None => Err(self.error("the file ends where a value was expected")),
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => self.skip_nested(),
            Some(b'}' | b']' | b',' | b':') => Err(self.error("expected a value")),
            Some(_) => self.skip_scalar(),
        }
    }

    fn skip_scalar(&mut self) -> Result<(), ScanError> {
        loop {
            let rest = &self.buf[self.pos..];
            match rest.iter().position(|b| {
                matches!(
                    b,
                    b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b':' | 0
                )
            }) {
                Some(i) => {
                    self.pos += i;
                    if self.buf[self.pos] == 0 {
                        return Err(self.error(NUL));
                    }
                    return Ok(());
                }
                None => {
                    self.pos = self.buf.len();
                    if !self.refill()? {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Passes an object or array whose opening bracket is the next byte.
    fn skip_nested(&mut self) -> Result<(), ScanError> {
        let mut depth: u64 = 0;
        loop {
            let mut i = self.pos;
            while i < self.buf.len() {
                match self.buf[i] {
                    b'"' => break,
                    0 => {
                        self.pos = i;
                        return Err(self.error(NUL));
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            self.pos = i + 1;
                            return Ok(());
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            self.pos = i;
            if i < self.buf.len() {
                self.skip_string()?;
            } else if !self.refill()? {
                return Err(self.error("the file ends inside an object or array"));
            }
        }
    }

    /// Captures the next value (after whitespace) whole, up to `cap` bytes: its bytes and the
    /// tracker at its first byte, or `Err(Ok(..))`, the tracker, when it was longer (it is
    /// passed all the same).
    pub(super) fn capture_value(&mut self, cap: usize) -> Result<Captured, ScanError> {
        self.skip_ws()?;
        let start = self.tracker();
        self.capture = Some(Vec::new());
        self.capture_from = self.pos;
        self.capture_cap = cap;
        self.capture_over = false;
        let skipped = self.skip_value();
        let mut bytes = self.capture.take().unwrap_or_default();
        skipped?;
        let taken = &self.buf[self.capture_from..self.pos];
        if self.capture_over || bytes.len() + taken.len() > cap {
            return Ok(Captured::TooLong(start));
        }
        bytes.extend_from_slice(taken);
        Ok(Captured::Whole(bytes, start))
    }

    /// Captures the next line without its line break, up to `cap` bytes: `None` at the end
    /// of the input.
    pub(super) fn capture_line(&mut self, cap: usize) -> Result<Option<Captured>, ScanError> {
        if self.peek()?.is_none() {
            return Ok(None);
        }
        let start = self.tracker();
        self.capture = Some(Vec::new());
        self.capture_from = self.pos;
        self.capture_cap = cap;
        self.capture_over = false;
        let found = loop {
            match memchr::memchr2(b'\n', 0, &self.buf[self.pos..]) {
                Some(i) if self.buf[self.pos + i] == 0 => {
                    self.pos += i;
                    self.capture = None;
                    return Err(self.error(NUL));
                }
                Some(i) => {
                    self.pos += i;
                    break true;
                }
                None => {
                    self.pos = self.buf.len();
                    match self.refill() {
                        Ok(true) => {}
                        Ok(false) => break false,
                        Err(e) => {
                            self.capture = None;
                            return Err(e);
                        }
                    }
                }
            }
        };
        let mut bytes = self.capture.take().unwrap_or_default();
        let taken = &self.buf[self.capture_from..self.pos];
        let over = self.capture_over || bytes.len() + taken.len() > cap;
        if !over {
            bytes.extend_from_slice(taken);
        }
        if found {
            self.bump();
        }
        if over {
            return Ok(Some(Captured::TooLong(start)));
        }
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        Ok(Some(Captured::Whole(bytes, start)))
    }
}

/// A value or line taken out of the input, with the tracker at its first byte.
pub(super) enum Captured {
    Whole(Vec<u8>, Tracker),
    TooLong(Tracker),
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::traffic::tests::Trickle;

    fn naive(text: &[u8], offset: usize) -> (u64, u64) {
        let before = String::from_utf8_lossy(&text[..offset]).replace("\r\n", "\n");
        let before = before.replace('\r', "\n");
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
        (line, column)
    }

    #[test]
    fn positions_count_characters_and_every_kind_of_line_break() {
        let text = "a\r\nbé\rc\n\nxyz€q".as_bytes();
        for split in 0..=text.len() {
            let mut tracker = Tracker::start();
            tracker.advance(&text[..split]);
            let p = tracker.position();
            assert_eq!((p.line, p.column), naive(text, split), "at {split}");
            // The same, counted in two pieces cut anywhere.
            for cut in 0..=split {
                let mut t = Tracker::start();
                t.advance(&text[..cut]);
                t.advance(&text[cut..split]);
                assert_eq!(t.position(), p, "at {split}, cut at {cut}");
            }
        }
    }

    #[test]
    fn a_value_is_captured_whole_across_refills_with_its_position() {
        let text = b"  \n {\"a\": \"}\\\"]\", \"b\": [1, {\"c\": null}]} , 7";
        let mut source = Source::new(Trickle(text));
        let Captured::Whole(bytes, start) = source.capture_value(1000).unwrap() else {
            panic!("not captured");
        };
        assert_eq!(bytes, &text[4..40]);
        assert_eq!(
            start.position(),
            Position {
                offset: 4,
                line: 2,
                column: 2
            }
        );
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["a"], "}\"]");
        assert_eq!(source.skip_ws().unwrap(), Some(b','));
    }

    #[test]
    fn a_value_over_the_cap_is_passed_and_dropped() {
        let text = b"[\"0123456789\", 1] 2";
        let mut source = Source::new(Trickle(text));
        assert!(matches!(source.capture_value(10), Ok(Captured::TooLong(_))));
        source.skip_ws().unwrap();
        assert_eq!(source.position().offset, 18);
    }

    #[test]
    fn the_end_inside_a_value_is_an_error_where_it_ends() {
        for (text, message) in [
            (&b"{\"a\": \"abc"[..], "the file ends inside a string"),
            (b"{\"a\": [1, 2", "the file ends inside an object or array"),
            (b"{\"a\": \"\\", "the file ends inside a string"),
        ] {
            let error = Source::new(Trickle(text)).skip_value().unwrap_err();
            assert_eq!(error.message, message);
            assert_eq!(error.at.offset, text.len() as u64);
        }
    }

    #[test]
    fn keys_are_decoded_and_long_ones_are_passed() {
        let long = format!("\"{}\": 1", "k".repeat(MAX_KEY + 10));
        let mut source = Source::new(Trickle(long.as_bytes()));
        assert_eq!(source.key().unwrap(), None);
        source.expect(b':', "a colon").unwrap();
        let mut source = Source::new(&b"\"en\\u0074ries\""[..]);
        assert_eq!(source.key().unwrap().as_deref(), Some("entries"));
    }

    #[test]
    fn lines_are_captured_without_their_breaks() {
        let mut source = Source::new(Trickle(b"one\r\ntwo\nthree"));
        let mut lines = Vec::new();
        while let Some(Captured::Whole(bytes, start)) = source.capture_line(100).unwrap() {
            lines.push((String::from_utf8(bytes).unwrap(), start.position().line));
        }
        assert_eq!(
            lines,
            [("one".into(), 1), ("two".into(), 2), ("three".into(), 3)]
        );
    }
}
