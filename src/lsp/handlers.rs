//! What the server answers: hover on a rule id, and code actions (a finding's fixes, and
//! "ignore here", which adds the rule to the nearest `x-errlint-ignore`).

use super::convert::{offset_of, range_of};
use super::session::{Linted, Server, is_config, path_of_name, real};
use crate::document::edit::{self, Edit};
use crate::document::{LineIndex, NodeId, Tree};
use lsp_server::{Request, RequestId, Response};
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, TextEdit, Url, WorkspaceEdit,
};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

impl Server {
    pub(super) fn answer(&self, request: Request) -> Response {
        use lsp_types::request::{CodeActionRequest, HoverRequest};
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => serde_json::from_value::<HoverParams>(request.params)
                .map(|p| serde_json::to_value(self.hover(&p)).unwrap_or_default()),
            CodeActionRequest::METHOD => serde_json::from_value::<CodeActionParams>(request.params)
                .map(|p| serde_json::to_value(self.code_actions(&p)).unwrap_or_default()),
            _ => return method_not_found(id, &request.method),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(e) => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            ),
        }
    }

    /// A rule id under the cursor, in an `x-errlint-ignore` or anywhere in an errlint.yaml.
    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let path = real(&at.text_document.uri.to_file_path().ok()?);
        let text = self.text_of(&path)?;
        let (start, end) = id_around(&text, offset_of(&text, at.position));
        let word = &text[start..end];
        let meta = crate::rules::find(word)?;
        if !is_config(&path) && !in_ignore_list(&text, start) {
            return None;
        }
        let lines = LineIndex::new(&text);
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: format!("# {}\n\n{}", meta.id, crate::rules::explain(meta)),
            }),
            range: Some(range_of(&text, &lines, start, end)),
        })
    }

    /// The fixes of the findings in the range, and "ignore here" for each of their rules.
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Ok(path) = params.text_document.uri.to_file_path() else {
            return Vec::new();
        };
        let path = real(&path);
        let Some(text) = self.text_of(&path) else {
            return Vec::new();
        };
        let lines = LineIndex::new(&text);
        let range = (
            offset_of(&text, params.range.start),
            offset_of(&text, params.range.end),
        );
        let mut actions = Vec::new();
        let mut ignores = BTreeSet::new();
        for (root, linted) in &self.linted {
            for finding in &linted.outcome.findings {
                let Some(location) = &finding.location else {
                    continue;
                };
                // Offsets are the linted text's: a finding whose file has changed since (and
                // could not be linted again) offers nothing rather than edit the wrong place.
                if path_of_name(root, &finding.file) != path
                    || linted.outcome.sources.text(&finding.file) != Some(&*text)
                {
                    continue;
                }
                let span = location.span;
                if (span.end as usize) < range.0 || (span.start as usize) > range.1 {
                    continue;
                }
                if let Some(fix) = &finding.fix {
                    let Some(changes) = self.fix_changes(root, linted, fix) else {
                        continue;
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        // Only a fix that keeps the contract is applied without a second look.
                        is_preferred: Some(
                            fix.applicability == crate::finding::Applicability::Safe,
                        ),
                        edit: Some(WorkspaceEdit {
                            changes: Some(changes),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }));
                }
                if crate::rules::find(finding.rule).is_none()
                    || !ignores.insert((finding.rule, location.pointer.clone()))
                {
                    continue;
                }
                if let Some(e) = ignore_here(&text, &location.pointer, finding.rule) {
                    let edit = TextEdit {
                        range: range_of(&text, &lines, e.span.start as usize, e.span.end as usize),
                        new_text: e.text,
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("ignore `{}` here (x-errlint-ignore)", finding.rule),
                        kind: Some(CodeActionKind::QUICKFIX),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(
                                params.text_document.uri.clone(),
                                vec![edit],
                            )])),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }));
                }
            }
        }
        actions
    }

    /// A fix's edits as LSP changes, each file's computed on the text that was linted, or
    /// `None` when a file it edits is no longer that text.
    fn fix_changes(
        &self,
        root: &Path,
        linted: &Linted,
        fix: &crate::finding::Fix,
    ) -> Option<HashMap<Url, Vec<TextEdit>>> {
        let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
        for e in &fix.edits {
            let file = path_of_name(root, &e.file);
            let linted_text = linted.outcome.sources.text(&e.file)?;
            if self.text_of(&file).as_deref() != Some(linted_text) {
                return None;
            }
            let lines = LineIndex::new(linted_text);
            let uri = Url::from_file_path(&file).ok()?;
            changes.entry(uri).or_default().push(TextEdit {
                range: range_of(
                    linted_text,
                    &lines,
                    e.span.start as usize,
                    e.span.end as usize,
                ),
                new_text: e.text.clone(),
            });
        }
        Some(changes)
    }
}

fn method_not_found(id: RequestId, method: &str) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::MethodNotFound as i32,
        format!("errlint does not handle {method}"),
    )
}

/// The span of the rule id (letters, digits, `-`) around `offset`, a character boundary.
fn id_around(text: &str, offset: usize) -> (usize, usize) {
    let is_id = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let start = text[..offset]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_id(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[offset..]
        .find(|c: char| !is_id(c))
        .map_or(text.len(), |i| offset + i);
    (start, end)
}

/// Whether the scalar at `offset` is an entry of an `x-errlint-ignore`.
fn in_ignore_list(text: &str, offset: usize) -> bool {
    let Some(tree) = crate::document::parse_text(text) else {
        return false;
    };
    let mut at = tree.node_at(offset);
    while let Some(node) = at {
        if tree
            .key_of(node)
            .is_some_and(|k| tree.scalar_is(k, crate::config::IGNORE_EXTENSION))
        {
            return true;
        }
        at = tree.parent(node);
    }
    false
}

/// The edit that adds `rule` to the nearest `x-errlint-ignore` above the finding at `pointer`,
/// or gives the nearest operation, path item, response or schema one.
fn ignore_here(text: &str, pointer: &str, rule: &str) -> Option<Edit> {
    let tree = crate::document::parse_text(text)?;
    let tokens = crate::document::pointer::parse_pointer(pointer).ok()?;
    let found = tree.lookup(tokens.iter().map(String::as_str)).ok()?;
    let mut ancestors = Vec::new();
    let mut at = Some(found);
    while let Some(node) = at {
        if tree.is_mapping(node) {
            ancestors.push(node);
        }
        at = tree.parent(node);
    }
    let ignore = crate::config::IGNORE_EXTENSION;
    let target = ancestors
        .iter()
        .copied()
        .find(|&map| tree.get(map, ignore).is_some())
        .or_else(|| {
            ancestors
                .iter()
                .copied()
                .find(|&map| can_hold_an_ignore(&tree, map))
        })?;
    edit::add_to_list(&tree, target, ignore, rule, None, true)
}

/// Operations, path items, responses and schemas take an `x-errlint-ignore`.
fn can_hold_an_ignore(tree: &Tree, map: NodeId) -> bool {
    let key = |node: NodeId| tree.key_of(node).and_then(|k| tree.scalar(k));
    let parent_key = |node: NodeId| tree.parent(node).and_then(key);
    let grandparent_key =
        |node: NodeId| tree.parent(node).and_then(|p| tree.parent(p)).and_then(key);
    matches!(key(map), Some("schema" | "items" | "additionalProperties"))
        || matches!(
            parent_key(map),
            Some(
                "responses"
                    | "paths"
                    | "schemas"
                    | "definitions"
                    | "properties"
                    | "allOf"
                    | "oneOf"
                    | "anyOf"
            )
        )
        || grandparent_key(map) == Some("paths")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_here_joins_the_nearest_list_or_starts_one() {
        let doc = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404':\n          description: x\n";
        let edit =
            ignore_here(doc, "/paths/~1a/get/responses/404", "error-response-schema").unwrap();
        let (fixed, _) = edit::apply(doc, &[edit]);
        assert_eq!(
            fixed,
            "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404':\n          x-errlint-ignore: [error-response-schema]\n          description: x\n"
        );
        let listed = "openapi: 3.0.3\npaths:\n  /a:\n    x-errlint-ignore: error-status-coverage\n    get:\n      responses: {'404': {description: x}}\n";
        let edit = ignore_here(
            listed,
            "/paths/~1a/get/responses/404",
            "error-response-schema",
        )
        .unwrap();
        let (fixed, _) = edit::apply(listed, &[edit]);
        assert!(fixed.contains("x-errlint-ignore: [error-status-coverage, error-response-schema]"));
    }

    #[test]
    fn the_id_around_a_position_ends_at_characters_of_any_width() {
        // Found by the fuzz target: a multi-byte character before the id.
        let text = "x: é retry-after-scope😀";
        let inside = text.find("after").unwrap();
        let (start, end) = id_around(text, inside);
        assert_eq!(&text[start..end], "retry-after-scope");
        assert_eq!(id_around(text, text.find('é').unwrap()), (3, 3));
    }

    #[test]
    fn hover_knows_ignore_lists_only() {
        let doc = "paths:\n  /a:\n    x-errlint-ignore: [retry-after-scope]\n    description: retry-after-scope\n";
        let first = doc.find("retry-after-scope").unwrap();
        assert!(in_ignore_list(doc, first + 3));
        let second = doc.rfind("retry-after-scope").unwrap();
        assert!(!in_ignore_list(doc, second + 3));
    }
}
