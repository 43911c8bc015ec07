//! Byte offsets to 1-based line and column, computed only for what is reported. Columns count
//! characters; bundled documents are one 13 MB line, so counting is made O(1) per query.

/// Bytes per block of the character-count prefix table.
const BLOCK: usize = 1024;

/// A column this far (in bytes) from its line's start is counted directly; further, through
/// the block table.
const SHORT_LINE: usize = 4 * BLOCK;

/// Start offsets of every line of a text, and what it takes to count characters fast.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Whether the text is ASCII, where a column is a byte difference.
    ascii: bool,
    /// How many characters start before each `BLOCK`-byte boundary: built the first time a
    /// column lies far into a long line (bundled JSON), never for ordinary files.
    char_starts: std::sync::OnceLock<Vec<u32>>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        // A line ends at LF, CRLF, or a CR alone (old Mac files put everything on line 1
        // otherwise); the CR of a CRLF is not a line of its own.
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i as u32 + 1),
        );
        LineIndex {
            starts,
            ascii: text.is_ascii(),
            char_starts: std::sync::OnceLock::new(),
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
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.starts[line] as usize;
        let mut column = if self.ascii {
            offset - start
        } else if offset - start <= SHORT_LINE {
            chars_in(&text.as_bytes()[start..offset])
        } else {
            self.chars_before(text, offset) - self.chars_before(text, start)
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
        let start = self.starts[line - 1] as usize;
        let mut end = self
            .starts
            .get(line)
            .map_or(text.len(), |&s| s as usize - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }
}

/// Characters that start in `bytes` (UTF-8: every byte that is not a continuation byte).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
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
