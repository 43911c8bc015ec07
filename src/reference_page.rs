//! `errlint docs DOC`: the API's error reference page, generated from the document — the
//! envelope, a status table, a code table, retry hints and rate limits, and one canonical
//! example per status (the first of the document's own examples that validates). Markdown for
//! people, JSON for tools; the same input gives the same bytes.

mod envelope;
mod markdown;

use crate::document::{Kind, NodeRef};
use crate::openapi::json_schema::Validators;
use crate::openapi::schema::FieldPath;
use crate::openapi::{Api, Model, StatusKey};
use crate::promises::{ErrorPromises, RetryHint, StatusPromises};
pub use envelope::{CodeLocation, Envelope, FieldRow};
use markdown::{Table, code, json_block, text};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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
    /// Fields read as codes because they look like one, where no config says where the code
    /// is (as `errlint contract` recognises them).
    pub recognised_codes: Vec<String>,
    /// Every file the page was made from (the document and what its `$ref`s reached): a page
    /// is never written over one of them.
    #[serde(skip)]
    pub read: Vec<std::path::PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct StatusRow {
    /// `404`, `4XX`, `default`.
    pub status: String,
    /// What the document says the status means: the description every response with it
    /// gives (a shared response, or descriptions that agree); none when they differ.
    pub meaning: Option<String>,
    pub codes: Vec<String>,
    pub operations: Vec<String>,
    /// How many of those operations document a code with it.
    pub operations_with_codes: usize,
    /// The canonical example: the first of the document's own examples that validates.
    pub example: Option<serde_json::Value>,
    /// Every description the status's responses give, while the table is gathered.
    #[serde(skip)]
    descriptions: BTreeSet<String>,
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

/// One line of prose from a description: its first paragraph, on one line, with `…` when the
/// description goes on.
fn one_line(text: &str) -> String {
    let mut paragraphs = text.trim().split("\n\n");
    let first = paragraphs.next().unwrap_or("");
    let mut line = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if paragraphs.any(|p| !p.trim().is_empty()) {
        line.push_str(" …");
    }
    line
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
    facts: &ErrorPromises,
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
        envelope: envelope::envelope(api, facts),
        statuses,
        codes,
        retry_hints,
        never_rate_limited: never_rate_limited(api, model, contract),
        recognised_codes: Vec::new(),
    }
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
    fn across(api: &Api<'_>, facts: &ErrorPromises) -> Tables {
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
    fn add_status(&mut self, api: &Api<'_>, operation: &str, status: &StatusPromises) {
        let row = self
            .statuses
            .entry(status_order(&status.text))
            .or_insert_with(|| StatusRow {
                status: status.text.clone(),
                meaning: None,
                codes: Vec::new(),
                operations: Vec::new(),
                operations_with_codes: 0,
                example: None,
                descriptions: BTreeSet::new(),
            });
        let meaning = description(api, value_of(api, status.key));
        if !meaning.is_empty() {
            row.descriptions.insert(meaning);
        }
        row.operations.push(operation.to_string());
        if !status.codes.is_empty() {
            row.operations_with_codes += 1;
        }
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
        status: &StatusPromises,
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
    fn add_retry_hint(&mut self, hint: &RetryHint, status: &StatusPromises) {
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
        let mut statuses: Vec<StatusRow> = self.statuses.into_values().collect();
        for row in &mut statuses {
            // A response without a description contradicts none; two different ones leave
            // the status without a meaning the document gives.
            if row.descriptions.len() == 1 {
                row.meaning = row.descriptions.pop_first();
            }
        }
        (statuses, codes, retry_hints)
    }
}

/// How many operations a table cell lists before it sends the reader to the full list.
const OPERATIONS_IN_A_CELL: usize = 3;

/// A table cell of operations: all of them when they are few, else the first few, how many
/// there are, and that the full list follows the table.
fn operations_cell(operations: &[String]) -> String {
    if operations.len() <= OPERATIONS_IN_A_CELL {
        return some_of(operations, OPERATIONS_IN_A_CELL);
    }
    format!(
        "{} ({} in all, listed below)",
        some_of(operations, OPERATIONS_IN_A_CELL),
        operations.len()
    )
}

/// The full lists the cells of a table cut short, each under its row's name, in a block that
/// opens on a click. Its only HTML is errlint's own words; what the document wrote is
/// Markdown inside it, made inert like the rest of the page.
fn full_lists<'r>(
    out: &mut Vec<String>,
    by: &str,
    rows: impl Iterator<Item = (String, &'r [String])>,
) {
    let long: Vec<(String, &[String])> = rows
        .filter(|(_, operations)| operations.len() > OPERATIONS_IN_A_CELL)
        .collect();
    if long.is_empty() {
        return;
    }
    out.push(String::new());
    out.push(format!(
        "<details><summary>Every operation, by {by}</summary>"
    ));
    for (name, operations) in long {
        out.push(String::new());
        out.push(format!("{name} ({} operations):", operations.len()));
        out.push(String::new());
        out.extend(operations.iter().map(|o| format!("- {}", code(o))));
    }
    out.push(String::new());
    out.push("</details>".into());
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
            None => "This body has no machine-readable code".into(),
        };
        let others: Vec<String> = envelope
            .other_codes
            .iter()
            .map(|o| format!("{} (on {})", code(&o.path), statuses_text(&o.statuses)))
            .collect();
        let others = match (&envelope.code, others.is_empty()) {
            (_, true) => String::new(),
            (None, false) => format!("; other error bodies have one at {}.", others.join(", ")),
            (Some(_), false) => format!(
                " Other error bodies have their code at {}.",
                others.join(", ")
            ),
        };
        let end = if envelope.code.is_none() && others.is_empty() {
            "."
        } else {
            ""
        };
        out.push(format!(
            "{} of {} error responses with a JSON schema use this shape. {switch}{end}{others}",
            envelope.used_by, envelope.of
        ));
        if !self.recognised_codes.is_empty() {
            let fields: Vec<String> = self.recognised_codes.iter().map(|p| code(p)).collect();
            out.push(String::new());
            out.push(format!(
                "No config says where the code is; {} {} read as the code because {} like one (`errlint contract` says how sure).",
                fields.join(" and "),
                if fields.len() == 1 { "is" } else { "are" },
                if fields.len() == 1 { "it looks" } else { "they look" },
            ));
        }
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
        if envelope.fields.iter().any(|f| f.depth > 0) {
            out.push(String::new());
            out.push(
                "A nested field is required when its object is there: `required` is said by \
                 the object that holds it."
                    .into(),
            );
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
            let mut codes = codes.join(", ");
            if !row.codes.is_empty() && row.operations_with_codes < row.operations.len() {
                codes.push_str(&format!(
                    " (in {} of {} operations)",
                    row.operations_with_codes,
                    row.operations.len()
                ));
            }
            out.push(table.row([
                text(&row.status),
                text(row.meaning.as_deref().unwrap_or("")),
                codes,
                operations_cell(&row.operations),
            ]));
        }
        let by_status = self
            .statuses
            .iter()
            .map(|r| (text(&r.status), &r.operations[..]));
        full_lists(out, "status", by_status);
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
                operations_cell(&row.operations),
            ]));
        }
        let by_code = self
            .codes
            .iter()
            .map(|r| (code(&r.code), &r.operations[..]));
        full_lists(out, "code", by_code);
    }

    fn retry_section(&self, out: &mut Vec<String>) {
        out.push(String::new());
        out.push("## Retrying and rate limits".into());
        out.push(String::new());
        if self.retry_hints.is_empty() {
            out.push("No response declares a `Retry-After` header or a retry field.".into());
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
        // With no config or profile, the code may sit where the defaults do not look
        // (just-eat's `fault.errors[].errorCode`): the fields `errlint contract` recognises
        // are read as codes too, and the page says which.
        let only_defaults = contract.layers.len() == 1;
        let recognised = if only_defaults {
            crate::infer::recognise(api, facts)
        } else {
            Vec::new()
        };
        if recognised.is_empty() {
            return page(api, model, facts, contract);
        }
        let mut widened = contract.clone();
        let paths = recognised.iter().map(|r| FieldPath::parse(&r.path));
        widened.code_paths.extend(paths);
        let facts = ErrorPromises::of(api, model, &widened);
        let mut page = page(api, model, &facts, &widened);
        page.recognised_codes = recognised.into_iter().map(|r| r.path).collect();
        page
    })
}
