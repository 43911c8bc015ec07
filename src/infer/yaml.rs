//! YAML written from a document's names and codes: every string reads back as itself, and a
//! comment stays on its line whatever it quotes (a `\r` or U+2028 in a field name would end it,
//! and what follows would become configuration).

use crate::report::{is_hidden, unambiguous};

/// A YAML scalar: plain when it is safe, else double-quoted.
pub fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'))
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        );
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// A double-quoted YAML scalar. Besides JSON's escapes, the characters YAML does not allow raw
/// (DEL, C1 controls, U+FFFE) and those some readers break lines at (U+0085, U+2028, U+2029)
/// are escaped, as are the bidirectional controls an editor would reorder the line by.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hidden(c) && u32::from(c) > 0xFFFF => {
                out.push_str(&format!("\\U{:08x}", u32::from(c)));
            }
            c if is_hidden(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A flow list of quoted strings: `["error.code", "errors[].code"]`.
pub fn list(items: impl IntoIterator<Item = String>) -> String {
    let quoted: Vec<String> = items.into_iter().map(|i| quoted(&i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A comment line at `indent`: what it quotes from the document shows its line breaks and
/// invisible characters as escapes, so that the comment ends where the line does.
pub fn comment(indent: &str, text: &str) -> String {
    format!("{indent}# {}", unambiguous(text))
}

#[cfg(test)]
mod tests {
    use super::{comment, list, quoted, scalar};

    #[test]
    fn scalars_are_plain_only_when_they_read_back_as_strings() {
        assert_eq!(scalar("message"), "message");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("0x1F"), "\"0x1F\"");
        assert_eq!(scalar("a: b # c"), "\"a: b # c\"");
    }

    #[test]
    fn quoting_escapes_every_line_break_and_invisible_character() {
        assert_eq!(
            quoted("q\"\\\r\n\t\u{1}\u{7f}\u{85}\u{2028}\u{2029}\u{202e}\u{fffe}"),
            "\"q\\\"\\\\\\r\\n\\t\\u0001\\u007f\\u0085\\u2028\\u2029\\u202e\\ufffe\""
        );
        assert_eq!(list(["a\rb".to_string()]), "[\"a\\rb\"]");
    }

    #[test]
    fn a_comment_stays_on_its_line() {
        assert_eq!(
            comment("  ", "x\rrules: {}\u{2028}y"),
            "  # x\\rrules: {}\\u{2028}y"
        );
    }
}
