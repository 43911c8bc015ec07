//! `errlint docs DOC`: the API's error reference page, generated from the document — the
//! envelope, a status table, a code table, retry hints and rate limits, and one canonical
//! example per status (the first of the document's own examples that validates). Markdown for
//! people, JSON for tools; the same input gives the same bytes.

mod markdown;

use crate::document::{Kind, NodeRef};
use crate::facts::{BodyShape, ErrorFacts, RetryHint, StatusFacts};
use crate::openapi::json_schema::Validators;
use crate::openapi::{Api, Model, StatusKey};
use markdown::{Table, code, json_block, text};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Serialize)]
pub struct Page {
    pub title: String,
    pub version: String,
    /// The most used error body: where its code is, and its fields.
    pub envelope: Option<Envelope>,
    pub statuses: Vec<StatusRow>,
    pub codes: Vec<CodeRow>,
    /// `Retry-After` headers and retry fields, by where they appear.
    pub retry_hints: Vec<RetryRow>,
    /// Operations declared never rate-limited.
    pub never_rate_limited: Vec<String>,
    /// Every file the page was made from (the document and what its `$ref`s reached): a page
    /// is never written over one of them.
    #[serde(skip)]
    pub read: Vec<std::path::PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct Envelope {
    pub code: Option<(String, String)>,
    pub fields: Vec<FieldRow>,
    /// How many error responses use this body, of how many with a JSON body.
    pub used_by: usize,
    pub of: usize,
}

#[derive(Debug, Serialize)]
pub struct FieldRow {
    pub name: String,
    pub r#type: String,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct StatusRow {
    /// `404`, `4XX`, `default`.
    pub status: String,
    pub meaning: String,
    pub codes: Vec<String>,
    pub operations: Vec<String>,
    /// The canonical example: the first of the document's own examples that validates.
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct CodeRow {
    pub code: String,
    pub statuses: Vec<String>,
    pub meaning: String,
    pub operations: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RetryRow {
    /// `Retry-After` (a header) or a field's path.
    pub hint: String,
    pub header: bool,
    /// A header, or a field every such body requires.
    pub required: bool,
    pub statuses: Vec<String>,
    pub operations: usize,
}

/// One line of prose from a description: its first paragraph, on one line.
fn one_line(text: &str) -> String {
    let first = text.split("\n\n").next().unwrap_or("");
    first.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of a property or response written under `key`.
fn value_of(api: &Api<'_>, key: NodeRef) -> NodeRef {
    NodeRef {
        file: key.file,
        node: api.tree(key).value_of_key(key.node),
    }
}

fn description(api: &Api<'_>, node: NodeRef) -> String {
    api.deref(node)
        .filter(|n| api.is_mapping(*n))
        .and_then(|n| api.get(n, "description"))
        .and_then(|d| api.str(d))
        .map(one_line)
        .unwrap_or_default()
}

/// What the document says a code means: `x-enum-descriptions` beside its `enum` (a mapping
/// by value, or a list in the enum's order), or the `description` of a `const` branch.
fn code_meaning(api: &Api<'_>, value: NodeRef) -> String {
    let tree = api.tree(value);
    let Some(parent) = tree.parent(value.node) else {
        return String::new();
    };
    let at = |node| NodeRef {
        file: value.file,
        node,
    };
    let parent_key = tree.key_of(parent).and_then(|k| tree.scalar(k));
    if tree.kind(parent) == Kind::Sequence && parent_key == Some("enum") {
        let Some(schema) = tree.parent(parent) else {
            return String::new();
        };
        let index = tree.items(parent).position(|i| i == value.node);
        for name in ["x-enum-descriptions", "x-enumDescriptions"] {
            let Some(meanings) = api.get(at(schema), name) else {
                continue;
            };
            let found = match api.kind(meanings) {
                Kind::Mapping => api.get(meanings, api.scalar(value).unwrap_or("")),
                Kind::Sequence => index.and_then(|i| api.items(meanings).nth(i)),
                _ => None,
            };
            if let Some(text) = found.and_then(|f| api.str(f)) {
                return one_line(text);
            }
        }
        return String::new();
    }
    if tree.key_of(value.node).and_then(|k| tree.scalar(k)) == Some("const") {
        return description(api, at(parent));
    }
    String::new()
}

fn status_order(status: &str) -> (u8, String) {
    match StatusKey::parse(status) {
        StatusKey::Code(c) => (0, format!("{c:03}")),
        StatusKey::Range(r) => (0, format!("{r}XX")),
        StatusKey::Default => (1, String::new()),
        StatusKey::Invalid => (2, status.to_string()),
    }
}

/// Gathers the page's facts.
pub fn page(
    api: &Api<'_>,
    model: &Model<'_>,
    facts: &ErrorFacts,
    contract: &crate::config::Contract,
) -> Page {
    let info = api.get(api.root, "info");
    let info_field = |name| {
        info.and_then(|i| api.get(i, name))
            .and_then(|v| api.scalar(v))
            .unwrap_or("")
            .to_string()
    };
    let mut tables = Tables::across(api, facts);
    tables.add_examples(api, model);
    tables.add_catalog_codes(contract);
    let (statuses, codes, retry_hints) = tables.sorted();
    Page {
        read: api
            .docs
            .files
            .iter()
            .filter_map(|f| f.path.clone())
            .collect(),
        title: info_field("title"),
        version: info_field("version"),
        envelope: envelope(api, facts),
        statuses,
        codes,
        retry_hints,
        never_rate_limited: never_rate_limited(api, model, contract),
    }
}

/// The envelope: the body most error responses use.
fn envelope(api: &Api<'_>, facts: &ErrorFacts) -> Option<Envelope> {
    let mut uses: BTreeMap<NodeRef, (usize, Arc<BodyShape>)> = BTreeMap::new();
    let mut with_body = 0;
    for op in facts.operations.values() {
        for status in &op.statuses {
            if let Some(shape) = status.bodies.first() {
                with_body += 1;
                uses.entry(shape.schema).or_insert((0, shape.clone())).0 += 1;
            }
        }
    }
    uses.values()
        .max_by_key(|(count, shape)| (*count, std::cmp::Reverse(shape.schema)))
        .map(|(count, shape)| Envelope {
            code: shape
                .code
                .as_ref()
                .map(|(path, types, _)| (path.clone(), types.clone())),
            fields: shape
                .code
                .iter()
                .map(|(path, types, key)| FieldRow {
                    name: path.clone(),
                    r#type: types.clone(),
                    required: shape.code_required,
                    description: description(api, value_of(api, *key)),
                })
                .chain(shape.fields.iter().map(|f| FieldRow {
                    name: f.name.clone(),
                    r#type: f.types.clone(),
                    required: f.required,
                    description: description(api, value_of(api, f.key)),
                }))
                .collect(),
            used_by: *count,
            of: with_body,
        })
}

/// The operations declared never rate-limited.
fn never_rate_limited(
    api: &Api<'_>,
    model: &Model<'_>,
    contract: &crate::config::Contract,
) -> Vec<String> {
    model
        .operations
        .iter()
        .filter(|op| {
            api.inherited_flag(op, &contract.rate_limit_extension)
                .is_some_and(|(limited, _)| !limited)
        })
        .map(|op| op.name().to_string())
        .collect()
}

/// The status, code and retry-hint tables while they are gathered, each keyed in the order
/// the page lists it.
#[derive(Default)]
struct Tables {
    statuses: BTreeMap<(u8, String), StatusRow>,
    codes: BTreeMap<String, CodeRow>,
    hints: BTreeMap<(String, bool), RetryRow>,
}

impl Tables {
    /// Statuses, codes and retry hints, across operations.
    fn across(api: &Api<'_>, facts: &ErrorFacts) -> Tables {
        let mut tables = Tables::default();
        for op in facts.operations.values() {
            let name = op.name.to_string();
            for status in &op.statuses {
                tables.add_status(api, &name, status);
                for (code, at) in &status.codes {
                    tables.add_code(api, &name, status, code, *at);
                }
                if let Some(hint) = &status.retry {
                    tables.add_retry_hint(hint, status);
                }
            }
        }
        tables
    }

    /// One operation's use of a status: its row, with the codes it shows.
    fn add_status(&mut self, api: &Api<'_>, operation: &str, status: &StatusFacts) {
        let row = self
            .statuses
            .entry(status_order(&status.text))
            .or_insert_with(|| StatusRow {
                status: status.text.clone(),
                meaning: description(api, value_of(api, status.key)),
                codes: Vec::new(),
                operations: Vec::new(),
                example: None,
            });
        if row.meaning.is_empty() {
            row.meaning = description(api, value_of(api, status.key));
        }
        row.operations.push(operation.to_string());
        for (code, _) in &status.codes {
            if !row.codes.contains(code) {
                row.codes.push(code.clone());
            }
        }
    }

    /// A code an operation shows with a status, written at `at`.
    fn add_code(
        &mut self,
        api: &Api<'_>,
        operation: &str,
        status: &StatusFacts,
        code: &str,
        at: NodeRef,
    ) {
        let code_row = self
            .codes
            .entry(code.to_string())
            .or_insert_with(|| CodeRow {
                code: code.to_string(),
                statuses: Vec::new(),
                meaning: String::new(),
                operations: Vec::new(),
            });
        if !code_row.statuses.contains(&status.text) {
            code_row.statuses.push(status.text.clone());
        }
        if code_row.meaning.is_empty() {
            code_row.meaning = code_meaning(api, at);
        }
        if !code_row.operations.iter().any(|o| o == operation) {
            code_row.operations.push(operation.to_string());
        }
    }

    /// A retry hint that a status of one operation gives.
    fn add_retry_hint(&mut self, hint: &RetryHint, status: &StatusFacts) {
        let row = self
            .hints
            .entry((hint.name.clone(), hint.header))
            .or_insert_with(|| RetryRow {
                hint: hint.name.clone(),
                header: hint.header,
                required: true,
                statuses: Vec::new(),
                operations: 0,
            });
        row.required &= hint.required;
        if !row.statuses.contains(&status.text) {
            row.statuses.push(status.text.clone());
        }
        row.operations += 1;
    }

    /// One canonical example per status: the first in the document that validates.
    fn add_examples(&mut self, api: &Api<'_>, model: &Model<'_>) {
        let validators = Validators::default();
        for op in &model.operations {
            for response in op.responses.iter().filter(|r| r.status.is_error()) {
                let Some(row) = self.statuses.get_mut(&status_order(response.status_text)) else {
                    continue;
                };
                if row.example.is_some() {
                    continue;
                }
                for media in &response.media {
                    let Some(body) = media.body else { continue };
                    let schema = model.bodies[body.0 as usize].schema;
                    let valid = media
                        .examples
                        .iter()
                        .copied()
                        .chain(api.own_examples(schema))
                        .find(|e| validators.accepts(api, schema, *e));
                    if let Some(example) = valid {
                        row.example = Some(api.json_value(example));
                        break;
                    }
                }
            }
        }
    }

    /// The contract's catalog names codes the document may not document anywhere.
    fn add_catalog_codes(&mut self, contract: &crate::config::Contract) {
        if let crate::config::Catalog::Codes(catalog) = &contract.catalog {
            for (code, statuses) in catalog {
                self.codes.entry(code.clone()).or_insert_with(|| CodeRow {
                    code: code.clone(),
                    statuses: statuses.iter().map(u16::to_string).collect(),
                    meaning: "in the contract's catalog; the document does not show it".into(),
                    operations: Vec::new(),
                });
            }
        }
    }

    /// The tables as the page lists them, each row's statuses in status order.
    fn sorted(self) -> (Vec<StatusRow>, Vec<CodeRow>, Vec<RetryRow>) {
        let mut codes: Vec<CodeRow> = self.codes.into_values().collect();
        for row in &mut codes {
            row.statuses.sort_by_key(|s| status_order(s));
        }
        let mut retry_hints: Vec<RetryRow> = self.hints.into_values().collect();
        for row in &mut retry_hints {
            row.statuses.sort_by_key(|s| status_order(s));
        }
        (self.statuses.into_values().collect(), codes, retry_hints)
    }
}

/// `GET /a`, `POST /b` and 3 more.
fn some_of(items: &[String], shown: usize) -> String {
    let listed: Vec<String> = items.iter().take(shown).map(|i| code(i)).collect();
    let more = items.len().saturating_sub(shown);
    if more > 0 {
        format!("{} and {more} more", listed.join(", "))
    } else {
        listed.join(", ")
    }
}

/// Statuses as text, `401, 4XX`.
fn statuses_text(statuses: &[String]) -> String {
    statuses
        .iter()
        .map(|s| text(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every piece of document text reaches the page through [`markdown`]'s helpers, so that the
/// page is inert whatever the document holds: it may be published by MkDocs, Docusaurus (MDX
/// evaluates `{…}`) or a portal that renders HTML.
impl Page {
    pub fn to_markdown(&self) -> String {
        let mut out = Vec::new();
        let title = if self.title.is_empty() {
            "the API".to_string()
        } else {
            text(&self.title)
        };
        let version = if self.version.is_empty() {
            String::new()
        } else {
            format!(" {}", text(&self.version))
        };
        out.push(format!("# Errors of {title}{version}"));
        out.push(String::new());
        out.push("Generated from the OpenAPI document by `errlint docs`.".into());
        out.push(String::new());
        self.envelope_section(&mut out);
        self.status_and_code_sections(&mut out);
        self.retry_section(&mut out);
        self.examples_section(&mut out);
        let mut page = out.join("\n");
        page.push('\n');
        page
    }

    fn envelope_section(&self, out: &mut Vec<String>) {
        out.push("## The error envelope".into());
        out.push(String::new());
        let Some(envelope) = &self.envelope else {
            out.push("No error response has a JSON body.".into());
            return;
        };
        let switch = match &envelope.code {
            Some((path, types)) => format!("Clients switch on {} ({}).", code(path), text(types)),
            None => "This body has no machine-readable code.".into(),
        };
        out.push(format!(
            "{} of {} error responses with a JSON body use this shape. {switch}",
            envelope.used_by, envelope.of
        ));
        out.push(String::new());
        let table = Table::new(["field", "type", "required", "description"]);
        out.push(table.head());
        for f in &envelope.fields {
            out.push(table.row([
                code(&f.name),
                text(&f.r#type),
                (if f.required { "yes" } else { "no" }).into(),
                text(&f.description),
            ]));
        }
    }

    fn status_and_code_sections(&self, out: &mut Vec<String>) {
        out.push(String::new());
        out.push("## Statuses".into());
        out.push(String::new());
        let table = Table::new(["status", "meaning", "codes", "operations"]);
        out.push(table.head());
        for row in &self.statuses {
            let codes: Vec<String> = row.codes.iter().map(|c| code(c)).collect();
            out.push(table.row([
                text(&row.status),
                text(&row.meaning),
                codes.join(", "),
                some_of(&row.operations, 3),
            ]));
        }
        if self.codes.is_empty() {
            return;
        }
        out.push(String::new());
        out.push("## Codes".into());
        out.push(String::new());
        let table = Table::new(["code", "status", "meaning", "operations"]);
        out.push(table.head());
        for row in &self.codes {
            out.push(table.row([
                code(&row.code),
                statuses_text(&row.statuses),
                text(&row.meaning),
                some_of(&row.operations, 3),
            ]));
        }
    }

    fn retry_section(&self, out: &mut Vec<String>) {
        out.push(String::new());
        out.push("## Retrying and rate limits".into());
        out.push(String::new());
        if self.retry_hints.is_empty() {
            out.push("No response says when to retry.".into());
        }
        for hint in &self.retry_hints {
            out.push(format!(
                "- {} {} on {} ({} response{})",
                match (hint.header, hint.required) {
                    (true, _) => "The header",
                    (false, true) => "The body field",
                    (false, false) => "The optional body field",
                },
                code(&hint.hint),
                statuses_text(&hint.statuses),
                hint.operations,
                if hint.operations == 1 { "" } else { "s" }
            ));
        }
        if !self.never_rate_limited.is_empty() {
            out.push(format!(
                "- Never rate-limited (no 429): {}",
                some_of(&self.never_rate_limited, 10)
            ));
        }
    }

    fn examples_section(&self, out: &mut Vec<String>) {
        let examples: Vec<(&String, &serde_json::Value)> = self
            .statuses
            .iter()
            .filter_map(|r| Some((&r.status, r.example.as_ref()?)))
            .collect();
        if examples.is_empty() {
            return;
        }
        out.push(String::new());
        out.push("## Examples".into());
        for (status, example) in examples {
            out.push(String::new());
            out.push(format!("### {}", text(status)));
            out.push(String::new());
            out.push(json_block(example));
        }
    }
}

/// Reads the document at `path` and gathers its error page; a document that cannot be read
/// gives its problems instead (exit code 2).
pub fn page_of(
    path: &std::path::Path,
    options: &crate::Options,
) -> Result<Page, Box<crate::Outcome>> {
    crate::infer::with_document(path, options, |api, model, facts, contract| {
        page(api, model, facts, contract)
    })
}
