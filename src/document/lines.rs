//! Byte offsets to 1-based line and column, computed only for what is reported. Columns count
//! characters; bundled documents are one 13 MB line, so counting is made O(1) per query.

/// Bytes per block of the character-count prefix table.
const BLOCK: usize = 1024;

/// A column this far (in bytes) from its line's start is counted directly; further, through
/// the block table.
const SHORT_LINE: usize = 4 * BLOCK;

/// Where the lines of a text start, and what it takes to count characters fast.
#[derive(Debug, Clone)]
pub struct LineIndex {
    lines: Lines,
    /// How many characters start before each `BLOCK`-byte boundary: built the first time a
    /// column lies far into a long line (bundled JSON), never for ordinary files.
    char_starts: std::sync::OnceLock<Vec<u32>>,
    /// Whether the whole text is ASCII, where a column is a byte difference: asked the first
    /// time a column lies far into a long line, so that an ASCII bundle needs no table.
    ascii: std::sync::OnceLock<bool>,
}

/// Line starts are found through a table of blocks: a report asks for a few thousand
/// positions in a file of hundreds of thousands of lines, so listing every line start (and
/// first checking the whole text for ASCII) cost more than the rest of the report.
#[derive(Debug, Clone)]
enum Lines {
    /// Per `BLOCK` bytes: the line breaks before it and the start of the line that holds its
    /// first byte. Texts without a CR, where a line break is one `\n`.
    Blocks(Vec<Block>),
    /// Every line start: texts with a CR, which may end a line alone.
    Starts(Vec<u32>),
}

#[derive(Debug, Clone, Copy)]
struct Block {
    breaks_before: u32,
    line_start: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        if memchr::memchr(b'\r', bytes).is_some() {
            return LineIndex::with_every_start(bytes);
        }
        let mut blocks = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let (mut breaks, mut line_start) = (0u32, 0u32);
        for (n, block) in bytes.chunks(BLOCK).enumerate() {
            blocks.push(Block {
                breaks_before: breaks,
                line_start,
            });
            // A bundle's one long line has no break in any block: one search each.
            let here = memchr::memchr_iter(b'\n', block).count() as u32;
            if here > 0 {
                breaks += here;
                let last = memchr::memrchr(b'\n', block).unwrap_or(0);
                line_start = (n * BLOCK + last + 1) as u32;
            }
        }
        LineIndex {
            lines: Lines::Blocks(blocks),
            char_starts: std::sync::OnceLock::new(),
            ascii: std::sync::OnceLock::new(),
        }
    }

    fn with_every_start(bytes: &[u8]) -> Self {
        let mut starts = vec![0];
        // A line ends at LF, CRLF, or a CR alone (old Mac files put everything on line 1
        // otherwise); the CR of a CRLF is not a line of its own.
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i as u32 + 1),
        );
        LineIndex {
            lines: Lines::Starts(starts),
            char_starts: std::sync::OnceLock::new(),
            ascii: std::sync::OnceLock::new(),
        }
    }

    /// The 0-based line of a byte offset and the offset its line starts at.
    fn line_of(&self, text: &str, offset: usize) -> (usize, usize) {
        match &self.lines {
            Lines::Starts(starts) => {
                let line = starts.partition_point(|&s| s as usize <= offset) - 1;
                (line, starts[line] as usize)
            }
            Lines::Blocks(blocks) => {
                let Some(last) = blocks.len().checked_sub(1) else {
                    return (0, 0); // the empty text
                };
                // The end of a text whose length is a multiple of `BLOCK` is in the last block.
                let index = (offset / BLOCK).min(last);
                let (block, from) = (blocks[index], index * BLOCK);
                let before = &text.as_bytes()[from..offset];
                let line =
                    block.breaks_before as usize + memchr::memchr_iter(b'\n', before).count();
                let start = memchr::memrchr(b'\n', before)
                    .map_or(block.line_start as usize, |last| from + last + 1);
                (line, start)
            }
        }
    }

    /// The byte offset where a 0-based line starts (the text's length past the last line).
    fn line_start(&self, text: &str, line: usize) -> usize {
        match &self.lines {
            Lines::Starts(starts) => starts.get(line).map_or(text.len(), |&s| s as usize),
            Lines::Blocks(blocks) => {
                if line == 0 {
                    return 0;
                }
                if blocks.is_empty() {
                    return text.len(); // the empty text has one line
                }
                // The last block that starts at or before the line's break.
                let block = blocks
                    .partition_point(|b| (b.breaks_before as usize) < line)
                    .saturating_sub(1);
                let from = block * BLOCK;
                let wanted = line - blocks[block].breaks_before as usize;
                memchr::memchr_iter(b'\n', &text.as_bytes()[from..])
                    .nth(wanted - 1)
                    .map_or(text.len(), |i| from + i + 1)
            }
        }
    }

    fn char_table(&self, text: &str) -> &[u32] {
        self.char_starts.get_or_init(|| {
            let mut table = Vec::with_capacity(text.len() / BLOCK + 1);
            let mut count = 0u32;
            for block in text.as_bytes().chunks(BLOCK) {
                table.push(count);
                count += chars_in(block) as u32;
            }
            table.push(count);
            table
        })
    }

    /// The 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let (line, start) = self.line_of(text, offset);
        let mut column = if offset - start <= SHORT_LINE {
            chars_in(&text.as_bytes()[start..offset])
        } else if *self.ascii.get_or_init(|| text.is_ascii()) {
            offset - start
        } else {
            let before_line = if start == 0 {
                0 // a bundle's one line
            } else {
                self.chars_before(text, start)
            };
            self.chars_before(text, offset) - before_line
        };
        // A byte-order mark is not a column: editors start line 1 after it.
        if line == 0 && offset >= 3 && text.starts_with('\u{feff}') {
            column -= 1;
        }
        (line + 1, column + 1)
    }

    /// Characters that start before byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        let from = block * BLOCK;
        self.char_table(text)[block] as usize + chars_in(&text.as_bytes()[from..offset])
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(text, line - 1);
        let next = self.line_start(text, line);
        let mut end = if next == text.len() && !text.ends_with('\n') && !text.ends_with('\r') {
            text.len()
        } else {
            next - 1
        };
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// The 0-based line and UTF-16 column of a byte offset: a position as the Language Server
    /// Protocol counts it.
    pub fn utf16_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let (line, _) = self.line_col(text, offset);
        let start = self.line_range(text, line).start.min(offset);
        let column: usize = text[start..offset].chars().map(char::len_utf16).sum();
        ((line - 1) as u32, column as u32)
    }
}

/// The byte offset of a 0-based line and UTF-16 column, the Language Server Protocol's
/// position: a line past the end is the text's end, a column past its line is the line's end.
/// It scans from the text's start, so it needs no index.
pub fn utf16_offset(text: &str, line: u32, character: u32) -> usize {
    let mut start = 0usize;
    for _ in 0..line {
        match memchr::memchr(b'\n', &text.as_bytes()[start..]) {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0u32;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// Characters that start in `bytes` (UTF-8: every byte that is not a continuation byte).
fn chars_in(bytes: &[u8]) -> usize {
    // Counted in byte-sized sums of at most 255, which the compiler turns into vector
    // compares: a column deep in a long non-ASCII line counts up to two blocks.
    bytes
        .chunks(255)
        .map(|chunk| {
            let starts = chunk
                .iter()
                .fold(0u8, |n, &b| n + u8::from((b as i8) >= -64));
            usize::from(starts)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_lines_ignore_crlf() {
        let text = "ab\r\né: x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 4), (2, 1));
        assert_eq!(index.line_col(text, 8), (2, 4));
        assert_eq!(&text[index.line_range(text, 1)], "ab");
        assert_eq!(&text[index.line_range(text, 2)], "é: x");
    }

    #[test]
    fn a_lone_cr_ends_a_line_and_a_bom_is_not_a_column() {
        let text = "a: 1\rb: 2\r\nc: 3";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 5), (2, 1));
        assert_eq!(index.line_col(text, 11), (3, 1));
        assert_eq!(&text[index.line_range(text, 1)], "a: 1");
        assert_eq!(&text[index.line_range(text, 2)], "b: 2");
        let bom = "\u{feff}openapi: 3.0.3";
        let index = LineIndex::new(bom);
        assert_eq!(index.line_col(bom, 3), (1, 1));
        assert_eq!(index.line_col(bom, 12), (1, 10));
    }

    /// Lines and columns, and line ranges, as a naive count gives them, across block
    /// boundaries, at a text's end, with and without a final line break, with and without CR.
    #[test]
    fn every_offset_agrees_with_a_naive_count() {
        let line = |n: usize| format!("{}é{}", "x".repeat(n % 5000), "y".repeat(n % 3));
        for (lines, ending) in [
            (0, "\n"),
            (1, "\n"),
            (7, "\n"),
            (300, "\n"),
            (300, "\r\n"),
            (40, "\r"),
        ] {
            for last_break in [false, true] {
                let mut text: String = (0..lines).map(|n| line(n * 997) + ending).collect();
                if !last_break {
                    text.push_str("tail");
                }
                let index = LineIndex::new(&text);
                let breaks: Vec<usize> = text.match_indices(ending).map(|(i, _)| i).collect();
                let offsets = text.char_indices().map(|(i, _)| i).chain([text.len()]);
                for offset in offsets.step_by(61).chain([text.len()]) {
                    let line = breaks
                        .iter()
                        .filter(|&&b| b + ending.len() <= offset)
                        .count();
                    let start = if line == 0 {
                        0
                    } else {
                        breaks[line - 1] + ending.len()
                    };
                    let column = text[start..offset].chars().count() + 1;
                    assert_eq!(
                        index.line_col(&text, offset),
                        (line + 1, column),
                        "{lines} {ending:?} at {offset}"
                    );
                }
                for n in 0..breaks.len() {
                    let start = if n == 0 {
                        0
                    } else {
                        breaks[n - 1] + ending.len()
                    };
                    assert_eq!(
                        index.line_range(&text, n + 1),
                        start..breaks[n],
                        "line {}",
                        n + 1
                    );
                }
                let last_start = breaks.last().map_or(0, |b| b + ending.len());
                assert_eq!(
                    index.line_range(&text, breaks.len() + 1),
                    last_start..text.len()
                );
            }
        }
    }

    /// A character outside the Basic Multilingual Plane is two UTF-16 units; the way back from
    /// a position lands on the same byte.
    #[test]
    fn utf16_positions_and_offsets_agree() {
        let text = "a: 😀é\r\nb: x";
        let index = LineIndex::new(text);
        for (offset, position) in [(0, (0, 0)), (7, (0, 5)), (9, (0, 6)), (14, (1, 3))] {
            assert_eq!(index.utf16_position(text, offset), position);
            assert_eq!(utf16_offset(text, position.0, position.1), offset);
        }
    }

    #[test]
    fn a_long_ascii_line_counts_bytes() {
        let text = format!("{}\n{}", "a".repeat(10_000), "b".repeat(9_000));
        let index = LineIndex::new(&text);
        assert_eq!(index.line_col(&text, 9_999), (1, 10_000));
        assert_eq!(index.line_col(&text, 10_001 + 8_000), (2, 8_001));
        assert!(index.char_starts.get().is_none(), "no table for ASCII");
    }

    #[test]
    fn long_non_ascii_lines_count_the_same_as_a_naive_count() {
        let text: String = (0..5000)
            .map(|i| {
                if i % 7 == 0 {
                    'é'
                } else if i % 11 == 0 {
                    '😀'
                } else {
                    'a'
                }
            })
            .collect();
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(97) {
            let naive = text[..offset].chars().count() + 1;
            assert_eq!(index.line_col(&text, offset), (1, naive));
        }
    }
}
