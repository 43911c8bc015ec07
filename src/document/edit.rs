//! Byte-exact edits of YAML and JSON sources that keep everything they do not touch: comments,
//! quoting, indentation, and flow or block style. Each function returns the one replacement
//! that makes the change, or `None` when the change cannot be made with certainty (a shape it
//! does not know, a key that does not start its line); the caller then offers no fix.

use super::tree::{Kind, NodeId, Span, Tree};

/// Replace `span` of a file's text by `text`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// How a text ends its lines, so that inserted lines end the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    Lf,
    CrLf,
}

impl LineEnd {
    /// CRLF when the text's first line ends so (as editors decide a file's style).
    pub fn of(text: &str) -> LineEnd {
        match text.find('\n') {
            Some(at) if text[..at].ends_with('\r') => LineEnd::CrLf,
            _ => LineEnd::Lf,
        }
    }

    /// `text` with each of its line ends written this way.
    pub fn apply(self, text: &str) -> String {
        match self {
            LineEnd::Lf => text.to_string(),
            LineEnd::CrLf => text.replace("\r\n", "\n").replace('\n', "\r\n"),
        }
    }
}

impl Edit {
    fn insert(at: usize, text: String) -> Self {
        Edit {
            span: Span::new(at, at),
            text,
        }
    }
}

/// Applies edits to a text: sorted by position, an edit that overlaps or touches an earlier
/// one is left out (it is returned, for a later round). Identical edits count once.
pub fn apply(text: &str, edits: &[Edit]) -> (String, Vec<Edit>) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end, &e.text));
    sorted.dedup();
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    let mut last_end: Option<usize> = None;
    let mut left = Vec::new();
    for edit in sorted {
        let range = edit.span.range();
        // Edits that touch (two insertions at one place: two `required:` keys) wait too.
        let overlaps = last_end.is_some_and(|end| range.start <= end);
        let fits = range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end);
        if overlaps || !fits {
            left.push(edit.clone());
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&edit.text);
        at = range.end;
        last_end = Some(range.end);
    }
    out.push_str(&text[at..]);
    (out, left)
}

/// Whether a container is written in flow style (`{…}`, `[…]`, and all of JSON).
fn is_flow(tree: &Tree, container: NodeId) -> bool {
    let start = tree.span(container).start as usize;
    matches!(tree.text().as_bytes().get(start), Some(b'{' | b'['))
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the line holding `at` ends: before its `\n`, or before the `\r\n` of a CRLF line, so
/// that text inserted there goes before the whole line break.
fn line_end(text: &str, at: usize) -> usize {
    match text[at..].find('\n') {
        Some(i) if text[..at + i].ends_with('\r') && i > 0 => at + i - 1,
        Some(i) => at + i,
        None => text.len(),
    }
}

/// Just past the line break at `at` (`\n` or `\r\n`), or `at` at the end of the text.
fn past_line_break(text: &str, at: usize) -> usize {
    if text[at..].starts_with("\r\n") {
        at + 2
    } else if text[at..].starts_with('\n') {
        at + 1
    } else {
        at
    }
}

/// The white space before `at` on its line, if only white space is there.
fn indentation_before(text: &str, at: usize) -> Option<&str> {
    let before = &text[line_start(text, at)..at];
    before
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(before)
}

/// Whether the file is JSON: its text starts (after white space) with `{` or `[` and every
/// key of the root is double-quoted. A YAML file in flow style is edited as flow YAML, which
/// takes the same punctuation, so only the quoting of new strings depends on this.
fn is_json(tree: &Tree) -> bool {
    let text = tree.text().trim_start_matches('\u{feff}').trim_start();
    text.starts_with('{')
        && tree.entries(NodeId::ROOT).all(|(key, _)| {
            tree.text().as_bytes().get(tree.span(key).start as usize) == Some(&b'"')
        })
}

/// A string as a new scalar of this file: JSON-quoted in JSON, plain in YAML when plain is
/// unambiguous, otherwise single-quoted.
pub fn scalar_text(tree: &Tree, value: &str) -> String {
    if is_json(tree) {
        return serde_json::Value::String(value.to_string()).to_string();
    }
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }
}

/// Adds `name` to the `required` list of the object schema `schema`, or gives it a
/// `required: [name]` before its `properties` key. `None` when `name` is already listed or the
/// schema's shape is not one this knows.
pub fn add_to_required(tree: &Tree, schema: NodeId, name: &str) -> Option<Edit> {
    let (properties, _) = tree.get_entry(schema, "properties")?;
    add_to_list(tree, schema, "required", name, Some(properties), false)
}

/// Adds `item` to the list under `key` in the mapping `map`, in the list's style. A missing
/// key is written as `key: [item]` before the key `before` (or the mapping's first key); a
/// single scalar becomes a flow list of two when `promote_scalar` allows it. `None` when the
/// item is listed already or the shape is not one this knows.
pub fn add_to_list(
    tree: &Tree,
    map: NodeId,
    key: &str,
    item: &str,
    before: Option<NodeId>,
    promote_scalar: bool,
) -> Option<Edit> {
    if !tree.is_mapping(map) {
        return None;
    }
    let text = tree.text();
    let written = scalar_text(tree, item);
    if let Some(list) = tree.get(map, key) {
        if tree.is_sequence(list) {
            if tree.items(list).any(|i| tree.str(i) == Some(item)) {
                return None;
            }
            return append_item(tree, list, &written);
        }
        let single = tree.str(list)?;
        if !promote_scalar || single == item {
            return None;
        }
        let span = tree.span(list);
        return Some(Edit {
            span,
            text: format!("[{}, {written}]", &text[span.range()]),
        });
    }
    let before = before.or_else(|| tree.entries(map).next().map(|(k, _)| k))?;
    let entry = format!("{}: [{written}]", scalar_text(tree, key));
    insert_entry_before(tree, map, before, &entry)
}

/// Appends an item (already written as a scalar of the file) to a sequence, in its style.
fn append_item(tree: &Tree, list: NodeId, written: &str) -> Option<Edit> {
    let text = tree.text();
    let items: Vec<NodeId> = tree.items(list).collect();
    if is_flow(tree, list) {
        return Some(match items.last() {
            // A list written one item a line (as JSON is) stays so.
            Some(&last) => {
                let last_start = tree.span(last).start as usize;
                let separator = match indentation_before(text, last_start) {
                    Some(indent) => format!(",\n{indent}"),
                    None => ", ".to_string(),
                };
                Edit::insert(
                    tree.span(last).end as usize,
                    format!("{separator}{written}"),
                )
            }
            None => Edit::insert(tree.span(list).start as usize + 1, written.to_string()),
        });
    }
    // A block sequence: a new `- item` line after the last one, with its indentation (a
    // comment at the end of the last line stays there).
    let last = *items.last()?;
    let last_start = tree.span(last).start as usize;
    let dash = text[..last_start].rfind('-')?;
    let indent = indentation_before(text, dash)?;
    let end = line_end(text, tree.span(last).end as usize);
    Some(Edit::insert(end, format!("\n{indent}- {written}")))
}

/// Inserts a whole entry (`key: value`, already written) before the key `before` of `map`:
/// on a line of its own in block style, and in flow style when the key starts its line;
/// otherwise followed by `, `.
fn insert_entry_before(tree: &Tree, map: NodeId, before: NodeId, entry: &str) -> Option<Edit> {
    let text = tree.text();
    let at = tree.span(before).start as usize;
    let within = tree.span(map);
    if !(within.start as usize <= at && at < within.end as usize) {
        return None; // a key merged in from elsewhere
    }
    if is_flow(tree, map) {
        return Some(match indentation_before(text, at) {
            Some(indent) => Edit::insert(at, format!("{entry},\n{indent}")),
            None => Edit::insert(at, format!("{entry}, ")),
        });
    }
    let indent = indentation_before(text, at)?;
    Some(Edit::insert(at, format!("{entry}\n{indent}")))
}

/// Replaces the text of a scalar key or value, inside its quotes if it has them.
pub fn replace_scalar(tree: &Tree, scalar: NodeId, new: &str) -> Option<Edit> {
    if matches!(tree.kind(scalar), Kind::Mapping | Kind::Sequence) {
        return None;
    }
    let span = tree.span(scalar);
    let written = &tree.text()[span.range()];
    let quoted = written.len() >= 2
        && (written.starts_with('\'') && written.ends_with('\'')
            || written.starts_with('"') && written.ends_with('"'));
    let span = if quoted {
        Span::new(span.start as usize + 1, span.end as usize - 1)
    } else {
        span
    };
    Some(Edit {
        span,
        text: new.to_string(),
    })
}

/// Puts quotes around a plain scalar, in the quote character its siblings use (`'` when none
/// is quoted).
pub fn quote_scalar(tree: &Tree, scalar: NodeId) -> Option<Edit> {
    let span = tree.span(scalar);
    let text = tree.text();
    let written = &text[span.range()];
    if written.starts_with(['\'', '"']) || written.contains(['\'', '"', '\\']) {
        return None;
    }
    let quote = tree
        .parent(scalar)
        .and_then(|map| {
            tree.entries(map)
                .filter_map(|(k, _)| text.as_bytes().get(tree.span(k).start as usize).copied())
                .find(|b| *b == b'"' || *b == b'\'')
        })
        .map_or('\'', char::from);
    Some(Edit {
        span,
        text: format!("{quote}{written}{quote}"),
    })
}

/// Removes the entry of `key` from the mapping `map`, with the separator or line it leaves
/// behind. The last entry of a mapping is removed with the mapping's own entry in its parent,
/// so that no empty `headers:` remains; at the root, the mapping is emptied instead.
pub fn remove_entry(tree: &Tree, map: NodeId, key: NodeId) -> Option<Edit> {
    let text = tree.text();
    let entries: Vec<(NodeId, NodeId)> = tree.entries(map).collect();
    let index = entries.iter().position(|(k, _)| *k == key)?;
    if entries.len() == 1 {
        let parent = tree.parent(map)?;
        let parent_key = tree.key_of(map)?;
        if tree.is_mapping(parent) && tree.child_count(parent) > 1 {
            return remove_entry(tree, parent, parent_key);
        }
        let span = tree.span(map);
        return Some(Edit {
            span,
            text: "{}".into(),
        });
    }
    let key_start = tree.span(key).start as usize;
    let value_end = tree.span(entries[index].1).end as usize;
    if is_flow(tree, map) {
        let span = if let Some((next, _)) = entries.get(index + 1) {
            Span::new(key_start, tree.span(*next).start as usize)
        } else {
            let previous_end = tree.span(entries[index - 1].1).end as usize;
            Span::new(previous_end, value_end)
        };
        return Some(Edit {
            span,
            text: String::new(),
        });
    }
    // Block style: the key must begin its line; its lines go, through the end of the value's
    // last line.
    indentation_before(text, key_start)?;
    let from = line_start(text, key_start);
    let to = past_line_break(text, line_end(text, value_end));
    Some(Edit {
        span: Span::new(from, to),
        text: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Limits, decode, parse};

    fn tree(text: &str) -> Tree {
        let (text, start) = decode(text.as_bytes().to_vec());
        parse(text, start.unwrap(), &Limits::default()).unwrap().0
    }

    fn edited(text: &str, edit: impl Fn(&Tree) -> Option<Edit>) -> Option<String> {
        let t = tree(text);
        let e = edit(&t)?;
        let (out, left) = apply(text, &[e]);
        assert!(left.is_empty());
        // Whatever the edit, the result parses.
        tree(&out);
        Some(out)
    }

    fn schema(t: &Tree) -> NodeId {
        t.lookup(["s"]).unwrap()
    }

    #[test]
    fn required_grows_in_the_style_it_has() {
        let block = "s:\n  type: object\n  required:\n    - message  # kept\n  properties:\n    code: {type: string}\n";
        assert_eq!(
            edited(block, |t| add_to_required(t, schema(t), "code")).unwrap(),
            "s:\n  type: object\n  required:\n    - message  # kept\n    - code\n  properties:\n    code: {type: string}\n"
        );
        let flow = "s: {type: object, required: [message], properties: {code: {type: string}}}\n";
        assert_eq!(
            edited(flow, |t| add_to_required(t, schema(t), "code")).unwrap(),
            "s: {type: object, required: [message, code], properties: {code: {type: string}}}\n"
        );
        let empty = "s: {required: [], properties: {code: {type: string}}}\n";
        assert_eq!(
            edited(empty, |t| add_to_required(t, schema(t), "code")).unwrap(),
            "s: {required: [code], properties: {code: {type: string}}}\n"
        );
        let json = "{\n  \"s\": {\n    \"required\": [\"message\"],\n    \"properties\": {\"code\": {}}\n  }\n}\n";
        assert_eq!(
            edited(json, |t| add_to_required(t, schema(t), "code")).unwrap(),
            "{\n  \"s\": {\n    \"required\": [\"message\", \"code\"],\n    \"properties\": {\"code\": {}}\n  }\n}\n"
        );
    }

    #[test]
    fn a_list_written_one_item_a_line_stays_so() {
        let json = "{\"s\": {\"type\": \"object\", \"required\": [\n    \"message\",\n    \"documentation_url\"\n  ],\n  \"properties\": {}}}";
        let fixed = edited(json, |t| add_to_required(t, schema(t), "errors")).unwrap();
        assert_eq!(
            fixed,
            "{\"s\": {\"type\": \"object\", \"required\": [\n    \"message\",\n    \"documentation_url\",\n    \"errors\"\n  ],\n  \"properties\": {}}}"
        );
    }

    #[test]
    fn required_is_created_before_properties() {
        let block = "s:\n  type: object\n  # the fields\n  properties:\n    code: {type: string}\n";
        assert_eq!(
            edited(block, |t| add_to_required(t, schema(t), "code")).unwrap(),
            "s:\n  type: object\n  # the fields\n  required: [code]\n  properties:\n    code: {type: string}\n"
        );
        let json = "{\n  \"s\": {\n    \"type\": \"object\",\n    \"properties\": {\"code\": {}}\n  }\n}\n";
        assert_eq!(
            edited(json, |t| add_to_required(t, schema(t), "code")).unwrap(),
            "{\n  \"s\": {\n    \"type\": \"object\",\n    \"required\": [\"code\"],\n    \"properties\": {\"code\": {}}\n  }\n}\n"
        );
        let inline = "s: {type: object, properties: {code: {}}}\n";
        assert_eq!(
            edited(inline, |t| add_to_required(t, schema(t), "code")).unwrap(),
            "s: {type: object, required: [code], properties: {code: {}}}\n"
        );
    }

    #[test]
    fn required_is_left_alone_when_listed_or_odd() {
        let listed = "s: {required: [code], properties: {code: {}}}\n";
        assert_eq!(
            edited(listed, |t| add_to_required(t, schema(t), "code")),
            None
        );
        let odd = "s: {required: code, properties: {code: {}}}\n";
        assert_eq!(edited(odd, |t| add_to_required(t, schema(t), "code")), None);
        let quoted = "s: {properties: {'on': {}}}\n";
        assert_eq!(
            edited(quoted, |t| add_to_required(t, schema(t), "on")).unwrap(),
            "s: {required: ['on'], properties: {'on': {}}}\n"
        );
    }

    #[test]
    fn scalars_are_replaced_inside_their_quotes_and_quoted_like_their_siblings() {
        let text = "r:\n  4xx: {}\n  '5xx': {}\n";
        let key = |t: &Tree, i: usize| t.entries(t.lookup(["r"]).unwrap()).nth(i).unwrap().0;
        assert_eq!(
            edited(text, |t| replace_scalar(t, key(t, 1), "5XX")).unwrap(),
            "r:\n  4xx: {}\n  '5XX': {}\n"
        );
        assert_eq!(
            edited(text, |t| quote_scalar(t, key(t, 0))).unwrap(),
            "r:\n  '4xx': {}\n  '5xx': {}\n"
        );
        let double = "r: {404: {}, \"500\": {}}\n";
        assert_eq!(
            edited(double, |t| quote_scalar(t, key(t, 0))).unwrap(),
            "r: {\"404\": {}, \"500\": {}}\n"
        );
    }

    #[test]
    fn entries_are_removed_with_their_lines_or_separators() {
        let header = |t: &Tree, name: &str| {
            let map = t.lookup(["r", "headers"]).unwrap();
            (map, t.get_entry(map, name).unwrap().0)
        };
        let block = "r:\n  description: x\n  headers:\n    X-Id: {schema: {}}\n    # why\n    Retry-After:\n      schema: {type: integer}\n    X-Other: {}\n";
        assert_eq!(
            edited(block, |t| {
                let (map, key) = header(t, "Retry-After");
                remove_entry(t, map, key)
            })
            .unwrap(),
            "r:\n  description: x\n  headers:\n    X-Id: {schema: {}}\n    # why\n    X-Other: {}\n"
        );
        let only = "r:\n  description: x\n  headers:\n    Retry-After:\n      schema: {type: integer}\n  content: {}\n";
        assert_eq!(
            edited(only, |t| {
                let (map, key) = header(t, "Retry-After");
                remove_entry(t, map, key)
            })
            .unwrap(),
            "r:\n  description: x\n  content: {}\n"
        );
        let flow_last = "r: {description: x, headers: {X-Id: {}, Retry-After: {schema: {}}}}\n";
        assert_eq!(
            edited(flow_last, |t| {
                let (map, key) = header(t, "Retry-After");
                remove_entry(t, map, key)
            })
            .unwrap(),
            "r: {description: x, headers: {X-Id: {}}}\n"
        );
        let json = "{\"r\": {\"headers\": {\n  \"Retry-After\": {\"schema\": {}},\n  \"X-Id\": {}\n}, \"description\": \"x\"}}";
        assert_eq!(
            edited(json, |t| {
                let (map, key) = header(t, "Retry-After");
                remove_entry(t, map, key)
            })
            .unwrap(),
            "{\"r\": {\"headers\": {\n  \"X-Id\": {}\n}, \"description\": \"x\"}}"
        );
    }

    #[test]
    fn overlapping_edits_wait_for_the_next_round() {
        let edits = [
            Edit {
                span: Span::new(0, 3),
                text: "x".into(),
            },
            Edit {
                span: Span::new(2, 4),
                text: "y".into(),
            },
            Edit {
                span: Span::new(0, 3),
                text: "x".into(),
            },
        ];
        let (out, left) = apply("abcdef", &edits);
        assert_eq!(out, "xdef");
        assert_eq!(left, vec![edits[1].clone()]);
    }
}
