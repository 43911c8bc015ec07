//! Small scans over a line's bytes that the readers share: spaces, dashes, colons, comments
//! and where a token's span ends.

use super::{Declined, Step};

/// Where saphyr ends the span of a token that closes at `close` (a quote, a bracket): past the
/// spaces after it, and past a comment that ends the line.
pub(super) fn token_end(bytes: &[u8], close: usize, line_end: usize) -> usize {
    let after = close + count_spaces(&bytes[close..line_end]);
    if after > close && after < line_end && bytes[after] == b'#' {
        line_end
    } else {
        after
    }
}

pub(super) fn count_spaces(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| b == b' ').count()
}

pub(super) fn count_back_spaces(bytes: &[u8], at: usize) -> usize {
    bytes[..at].iter().rev().take_while(|&&b| b == b' ').count()
}

pub(super) fn next_line(bytes: &[u8], end: usize) -> usize {
    if end < bytes.len() { end + 1 } else { end }
}

/// `-` followed by a space or the line's end.
pub(super) fn is_dash(content: &[u8]) -> bool {
    content.first() == Some(&b'-') && content.get(1).is_none_or(|&b| b == b' ')
}

/// The first `:` followed by a space or the end, outside quotes (a plain key cannot hold
/// quotes that matter, so they are not looked at).
pub(super) fn find_colon(line: &[u8]) -> Option<usize> {
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
pub(super) fn comment_start(line: &[u8]) -> Option<usize> {
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

pub(super) fn contains_comment(key: &[u8]) -> bool {
    comment_start(key).is_some() || key.first() == Some(&b'#')
}

/// After a value: spaces, then nothing or a comment.
pub(super) fn rest_is_comment(rest: &[u8]) -> Step<()> {
    let spaces = count_spaces(rest);
    if spaces == rest.len() || (spaces > 0 && rest[spaces] == b'#') {
        Ok(())
    } else {
        Err(Declined)
    }
}

/// The text of a plain scalar on one line (cut at a comment, trailing spaces off); declined
/// when the line holds a mapping (`a: b`) instead.
pub(super) fn plain_line(line: &[u8]) -> Step<&[u8]> {
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

pub(super) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| b == b' ')
}
