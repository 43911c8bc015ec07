//! The characters the fast path leaves to saphyr, found before it reads a line: a file that
//! holds one is parsed by saphyr from the start.

/// Tabs and CRs (which the fast path does not lay out), characters some YAML readers take for
/// line breaks, and what YAML does not allow in a document at all: C0 and C1 controls, DEL,
/// U+FFFE and U+FFFF. saphyr reads those files, and says what is wrong.
pub(super) fn first_unhandled_character(body: &[u8]) -> Option<usize> {
    // Printable ASCII and line feeds are most of every document: 64 bytes at a time are
    // checked for being only that (a loop the compiler vectorises), and only a block that is
    // not is looked at byte by byte (byte by byte throughout, the check would be 15% of a
    // lint).
    const BLOCK: usize = 64;
    let mut from = 0;
    while from < body.len() {
        let end = (from + BLOCK).min(body.len());
        let plain = body[from..end].iter().fold(true, |plain, &b| {
            plain & ((0x20..0x7F).contains(&b) | (b == b'\n'))
        });
        if !plain {
            if let Some(at) = (from..end).find(|&at| unhandled_at(body, at)) {
                return Some(at);
            }
        }
        from = end;
    }
    None
}

/// Whether the character starting at byte `i` is one [`first_unhandled_character`] looks for.
fn unhandled_at(body: &[u8], i: usize) -> bool {
    match body[i] {
        b'\n' => false,
        0..0x20 | 0x7F => true,
        0xC2 => body.get(i + 1).is_some_and(|n| (0x80..0xA0).contains(n)),
        // U+2028 and U+2029 (line breaks to some YAML readers), a byte order mark inside.
        0xE2 => body.get(i + 1) == Some(&0x80) && matches!(body.get(i + 2), Some(0xA8 | 0xA9)),
        0xEF => matches!(
            (body.get(i + 1), body.get(i + 2)),
            (Some(0xBF), Some(0xBE | 0xBF)) | (Some(0xBB), Some(0xBF))
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Block by block finds what a byte-by-byte look finds, wherever the odd bytes are.
        #[test]
        fn unhandled_characters_are_found_as_byte_by_byte(
            plain in prop::collection::vec(prop::sample::select(b"ab: \n-#'\"".to_vec()), 0..300),
            odd in prop::collection::vec((0usize..300, prop::sample::select(vec![
                "\t", "\r", "\u{7f}", "\u{85}", "\u{2028}", "\u{2029}", "\u{feff}", "\u{fffe}",
                "\u{ffff}", "é", "\u{a0}", "\u{2004}",
            ])), 0..3),
        ) {
            let mut text = String::from_utf8(plain).unwrap();
            for (at, what) in odd {
                let mut at = at.min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, what);
            }
            let bytes = text.as_bytes();
            let naive = (0..bytes.len()).find(|&at| unhandled_at(bytes, at));
            prop_assert_eq!(first_unhandled_character(bytes), naive);
        }
    }
}
