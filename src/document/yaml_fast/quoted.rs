//! Quoted scalars: where the closing quote is, the lines between folded as YAML folds them,
//! and the escapes decoded.

use super::bytes::{count_spaces, is_blank};
use super::{Declined, Step};
use std::borrow::Cow;

/// A quoted scalar from `at`, which may continue on lines further in than `owner`: its value
/// (lines folded as YAML folds them, escapes decoded) and the offset after its closing quote.
pub(super) fn quoted_across_lines(
    text: &str,
    at: usize,
    owner: usize,
) -> Step<(Cow<'_, str>, usize)> {
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
pub(super) fn quoted(text: &str, at: usize, end: usize) -> Step<(Cow<'_, str>, usize)> {
    let (value, close) = quoted_across_lines(text, at, usize::MAX)?;
    if close > end {
        return Err(Declined);
    }
    Ok((value, close))
}
