//! Literal (`|`) and folded (`>`) block scalars: the header's chomping indicator, the lines
//! below it, and their text as YAML folds and chomps it.

use super::bytes::{count_back_spaces, count_spaces, is_blank, next_line, rest_is_comment};
use super::{Declined, Fast, Sink, Step};
use saphyr_parser::ScalarStyle;
use std::borrow::Cow;

#[derive(Clone, Copy)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

impl<'t, S: Sink<'t>> Fast<'t, '_, S> {
    /// `|` or `>` with an optional chomping indicator, and the lines below it.
    pub(super) fn block_scalar(&mut self, owner: usize, at: usize, end: usize) -> Step<usize> {
        let bytes = self.text.as_bytes();
        let literal = bytes[at] == b'|';
        let chomp = header_chomp(bytes, at, end)?;
        let (lines, stop) = self.block_lines(owner, end)?;
        let Some(&(first_start, _)) = lines.first() else {
            return Err(Declined);
        };
        if stop == bytes.len() && !self.text.ends_with('\n') {
            return Err(Declined);
        }
        let value = self.block_value(&lines, literal, chomp);
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

    /// The content lines below the header on the line ending at `end`: from the first one, at
    /// its indentation, through the last line at least that far in; blank lines among them
    /// count (as empty `(start, start)`). Returns them, each without its indentation, and
    /// where the next node starts (the text's end when the scalar runs to it).
    fn block_lines(&self, owner: usize, end: usize) -> Step<(Vec<(usize, usize)>, usize)> {
        let bytes = self.text.as_bytes();
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
        Ok((lines, stop))
    }

    /// The scalar's value: its content lines folded (or kept, when `literal`), then its
    /// trailing line breaks as `chomp` says.
    fn block_value(&self, lines: &[(usize, usize)], literal: bool, chomp: Chomp) -> String {
        let bytes = self.text.as_bytes();
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
        value
    }
}

/// The chomping indicator of a block scalar's header (`|-`, `>+`, `|`) at `at`; declined for
/// an indentation indicator or anything but a comment after it.
fn header_chomp(bytes: &[u8], at: usize, end: usize) -> Step<Chomp> {
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
    Ok(chomp)
}
