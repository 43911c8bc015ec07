//! Document text made inert on the reference page. Whatever a description, code, field name or
//! path holds, it reads as the text it is in CommonMark, GFM tables, MDX and Python-Markdown:
//! no HTML, no MDX expression, no link or emphasis, no cell or line it did not come with.

use crate::report::{is_hidden, unambiguous};

/// Text in a heading, a list item or a table cell. `&`, `<`, `>`, `~` and `$` become
/// character references (Python-Markdown, MkDocs' reader, takes no backslash before them); the
/// rest of what opens inline syntax gets a backslash: code, emphasis, links, MDX's `{…}`, a
/// heading's closing `#`. Line breaks and other invisible characters show as escapes. A `|` is
/// left to [`Table::row`], the only place it means something.
pub fn text(text: &str) -> String {
    let shown = unambiguous(text);
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Python-Markdown takes no backslash before these: strikethrough, and math where
            // a site renders it.
            '~' => out.push_str("&#126;"),
            '$' => out.push_str("&#36;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A code span: fenced by more backticks than the longest run inside, padded with a space
/// when the content would otherwise touch the fence or lose a space of its own. HTML and
/// `{…}` are inert in a code span; line breaks and invisible characters show as escapes.
pub fn code(text: &str) -> String {
    let shown = unambiguous(text);
    if shown.is_empty() {
        return "` `".into(); // two backticks alone would be text, not an empty span
    }
    let fence = "`".repeat(longest_run(&shown, '`') + 1);
    let pad = shown.starts_with('`')
        || shown.ends_with('`')
        || (shown.starts_with(' ') && shown.ends_with(' ') && !shown.trim().is_empty());
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// A fenced code block of JSON: invisible characters inside strings become JSON escapes
/// (`\u2028`), and the fence is longer than any run of backticks inside.
pub fn json_block(value: &serde_json::Value) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut shown = String::with_capacity(pretty.len());
    for c in pretty.chars() {
        // Outside strings, pretty JSON holds only spaces and newlines of its own.
        if is_hidden(c) && c != '\n' {
            shown.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            shown.push(c);
        }
    }
    let fence = "`".repeat(longest_run(&shown, '`').max(2) + 1);
    format!("{fence}json\n{shown}\n{fence}")
}

fn longest_run(text: &str, of: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == of { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// A GFM table of `N` columns: every row has exactly `N` cells, whatever they hold.
pub struct Table<const N: usize> {
    header: [&'static str; N],
}

impl<const N: usize> Table<N> {
    pub fn new(header: [&'static str; N]) -> Self {
        Table { header }
    }

    /// The header row and the delimiter row.
    pub fn head(&self) -> String {
        format!("{}\n{}", self.row(self.header), "|---".repeat(N) + "|")
    }

    /// One row of inline Markdown cells (from [`text`], [`code`] and plain words). A `|` in a
    /// cell is escaped, which GFM honours inside code spans too: it never starts a cell.
    pub fn row<S: AsRef<str>>(&self, cells: [S; N]) -> String {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| c.as_ref().replace('|', "\\|"))
            .collect();
        format!("| {} |", cells.join(" | "))
    }
}

#[cfg(test)]
mod tests {
    use super::{Table, code, json_block, text};

    #[test]
    fn text_holds_no_html_expression_or_inline_syntax() {
        assert_eq!(
            text("<script>{x} & *y* [z](j:a) `c` \\ # ~~s~~ $m$"),
            "&lt;script&gt;\\{x\\} &amp; \\*y\\* \\[z\\](j:a) \\`c\\` \\\\ \\# &#126;&#126;s&#126;&#126; &#36;m&#36;"
        );
        assert_eq!(text("a\rb\u{2028}c"), "a\\\\rb\\\\u\\{2028\\}c");
    }

    #[test]
    fn a_code_span_outlasts_the_backticks_inside() {
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a`b``c"), "```a`b``c```");
        assert_eq!(code("`edge`"), "`` `edge` ``");
        assert_eq!(code(" both "), "`  both  `");
        assert_eq!(code(""), "` `");
        assert_eq!(code("a\rb"), "`a\\rb`");
    }

    #[test]
    fn a_pipe_never_adds_a_cell() {
        let table = Table::new(["a", "b"]);
        assert_eq!(table.head(), "| a | b |\n|---|---|");
        assert_eq!(
            table.row([code("x|y"), text("\\|")]),
            "| `x\\|y` | \\\\\\| |"
        );
    }

    #[test]
    fn a_json_block_outlasts_backticks_and_shows_separators() {
        let block = json_block(&serde_json::json!({"m": "````\u{2028}"}));
        assert_eq!(block, "`````json\n{\n  \"m\": \"````\\u2028\"\n}\n`````");
    }
}
