//! A large file read in two halves on two threads: where the second half may start, the
//! mappings it is read inside, and the check that the first half ends there before joining.

use super::bytes::{count_back_spaces, count_spaces};
use super::characters::first_unhandled_character;
use super::{Collection, Declined, Fast, Open, Sink, Step};
use crate::document::yaml::{Builder, Fragment};

/// Files at least this large are read in two halves on two threads.
pub(super) const SPLIT_FROM_BYTES: usize = 1 << 20;

/// Where the second half may start: the first line at or after `from` that begins a key at one
/// of the file's three outermost levels: a top-level entry, an entry of `paths` or
/// `components`, or an entry of a path item or of `components/schemas`. Whether the first half
/// really ends there, inside mappings only, is checked when it gets there.
pub(crate) fn split_line(text: &str, from: usize) -> Option<Split> {
    let bytes = text.as_bytes();
    // Three levels, not two: with two, GitHub's description (whose second half is one long
    // `components/schemas`) splits at 88% instead of near 50%.
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

impl<'t, S: Sink<'t>> Fast<'t, '_, S> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
