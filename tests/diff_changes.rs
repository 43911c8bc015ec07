//! `errlint diff` on what each kind of change means: codes documented by examples, extensions
//! and `oneOf` branches; one change per cause; types that narrow; the version schemes. The
//! fixture folders and `REV:PATH` are tested in `diff.rs`, whose helpers these share.

use super::diff::{document_with_codes, options, pairs};
use errlint::diff::{Input, diff};
use std::path::Path;

/// The findings of each pair of the fixture folder `name`, by variant.
fn fixture_findings(name: &str) -> Vec<(&'static str, Vec<errlint::Finding>)> {
    let found = pairs(&Path::new("fixtures/diff").join(name));
    assert!(!found.is_empty(), "{name}: no pair of documents");
    found
        .into_iter()
        .map(|(variant, base, new)| {
            let outcome = diff(&Input::Path(base), &Input::Path(new), &options());
            (variant, outcome.findings)
        })
        .collect()
}

/// A code NEW's schema no longer declares but NEW's examples still send is still documented
/// (the README counts `enum`, `const` and examples): it is not removed.
#[test]
fn a_code_still_sent_by_an_example_is_not_removed() {
    for (variant, findings) in fixture_findings("code-documented-by-example") {
        assert!(
            !findings.iter().any(|f| f.rule == "error-code-removed"),
            "{variant}: {findings:#?}"
        );
    }
}

/// A document whose 404 documents `codes`, at `info.version` `version`.
fn versioned_document(version: &str, codes: &str) -> String {
    document_with_codes("A", codes).replace("version: 1.0.0", &format!("version: '{version}'"))
}

/// The findings of a diff between two texts, under the contract `config` (none when empty).
fn diff_texts(name: &str, (base, new): (&str, &str), config: &str) -> Vec<errlint::Finding> {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("base.yaml"), base).unwrap();
    std::fs::write(folder.join("new.yaml"), new).unwrap();
    let mut options = options();
    if !config.is_empty() {
        std::fs::write(folder.join("errlint.yaml"), config).unwrap();
        options.config.file = Some(folder.join("errlint.yaml"));
    }
    diff(
        &Input::Path(folder.join("base.yaml")),
        &Input::Path(folder.join("new.yaml")),
        &options,
    )
    .findings
}

/// `versions:` says how `info.version` is compared: `date` lets a breaking change through
/// only with a later date, `off` leaves the gate out, `semver` (the default) is as before.
#[test]
fn the_contract_says_how_versions_are_compared() {
    let gate = |name: &str, (was, now): (&str, &str), config: &str| {
        let base = versioned_document(was, "NOT_FOUND, GONE");
        let new = versioned_document(now, "NOT_FOUND");
        let findings = diff_texts(name, (&base, &new), config);
        let removed = findings
            .iter()
            .find(|f| f.rule == "error-code-removed")
            .map(|f| f.severity);
        let gates: Vec<String> = findings
            .iter()
            .filter(|f| f.rule.starts_with("version-"))
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        (removed, gates)
    };
    use errlint::Severity::{Error, Info};
    let date = "versions: date\n";
    let (removed, gates) = gate("versions-date-later", ("2023-08-16", "2023-10-16"), date);
    assert_eq!((removed, gates.len()), (Some(Info), 0), "{gates:?}");
    let (removed, gates) = gate("versions-date-same", ("2023-08-16", "2023-08-16"), date);
    assert_eq!(removed, Some(Error));
    assert!(
        gates.len() == 1 && gates[0].starts_with("version-not-bumped") && gates[0].contains("date"),
        "{gates:?}"
    );
    let (removed, gates) = gate("versions-date-bad", ("2023-08-16", "1.1.4"), date);
    assert_eq!(removed, Some(Error));
    assert!(
        gates[0].starts_with("version-gate-unavailable"),
        "{gates:?}"
    );
    // `off`: no gate, breaking changes are errors and nothing is said about the version.
    let (removed, gates) = gate("versions-off", ("1.1.4", "1.1.4"), "versions: off\n");
    assert_eq!((removed, gates.len()), (Some(Error), 0), "{gates:?}");
    let (removed, gates) = gate("versions-semver", ("1.1.4", "2.0.0"), "versions: semver\n");
    assert_eq!((removed, gates.len()), (Some(Info), 0), "{gates:?}");
    // Without the key, dates are not semver: the gate says it cannot apply.
    let (_, gates) = gate("versions-default", ("2023-08-16", "2023-10-16"), "");
    assert!(
        gates[0].starts_with("version-gate-unavailable"),
        "{gates:?}"
    );
}

/// A change in a schema several operations share names each of them: `operation` is filled,
/// and every operation is a related location in NEW.
#[test]
fn a_change_to_a_shared_schema_names_its_operations() {
    for (variant, findings) in fixture_findings("shared-schema-changed") {
        let changed = findings
            .iter()
            .find(|f| f.rule == "error-field-removed")
            .unwrap_or_else(|| panic!("{variant}: {findings:#?}"));
        assert_eq!(
            changed.operation.as_deref(),
            Some("DELETE /rooms/{id}"),
            "{variant}"
        );
        let operations: Vec<(&str, &str)> = changed
            .related
            .iter()
            .filter(|r| r.message.starts_with("in "))
            .map(|r| (r.message.as_str(), &*r.location.file))
            .collect();
        let new = format!("fixtures/diff/shared-schema-changed/new.{variant}");
        assert_eq!(
            operations,
            [
                ("in DELETE /rooms/{id}", new.as_str()),
                ("in GET /rooms", new.as_str())
            ],
            "{variant}"
        );
    }
}

/// Asserts that `findings` hold exactly the breaking changes `expected`, and gives them back.
fn breaking_changes_are(
    findings: Vec<errlint::Finding>,
    expected: &[&str],
) -> Vec<errlint::Finding> {
    assert_eq!(breaking_ids(&findings), expected, "{findings:#?}");
    findings
}

/// The version gate counts one breaking change.
fn assert_the_gate_counts_one(findings: &[errlint::Finding]) {
    let gate = findings.iter().find(|f| f.rule == "version-not-bumped");
    let message = gate.map_or("no gate", |f| f.message.as_str());
    assert!(message.starts_with("1 breaking change "), "{message}");
}

/// The breaking findings of a diff, by id, without the version gate's.
fn breaking_ids(findings: &[errlint::Finding]) -> Vec<&str> {
    findings
        .iter()
        .map(|f| f.rule)
        .filter(|id| {
            !id.starts_with("version-")
                && errlint::diff::find(id)
                    .is_some_and(|c| c.class == errlint::diff::Class::Breaking)
        })
        .collect()
}

/// One cause is one breaking change: a 404 that lost its body loses its code, its codes and
/// its required field with it, and the gate counts that once; a status gone with its codes
/// is one change too, and so is a code field gone with its codes.
#[test]
fn one_cause_counts_once_toward_the_gate() {
    for (variant, findings) in fixture_findings("error-body-removed") {
        assert_eq!(
            breaking_ids(&findings),
            ["error-body-removed"],
            "{variant}: {findings:#?}"
        );
        assert_the_gate_counts_one(&findings);
        let removed = &findings
            .iter()
            .find(|f| f.rule == "error-body-removed")
            .unwrap();
        for consequence in ["`code`", "`ROOM_NOT_FOUND`", "`ROOM_DELETED`", "`message`"] {
            assert!(removed.message.contains(consequence), "{}", removed.message);
        }
    }
    let base = document_with_codes("A", "NOT_FOUND, GONE");
    let without_404 = base
        .replacen("        '200': {description: ok}\n", "", 1)
        .replace("'404'", "'200'");
    let findings = breaking_changes_are(
        diff_texts("status-gone-with-codes", (&base, &without_404), ""),
        &["error-code-removed"],
    );
    assert!(
        !findings.iter().any(|f| f.rule == "error-status-removed"),
        "{findings:#?}"
    );
    let without_code = base.replace(
        "required: [code], properties: {code:",
        "properties: {other:",
    );
    breaking_changes_are(
        diff_texts("code-field-gone-with-codes", (&base, &without_code), ""),
        &["error-code-field-changed"],
    );
}

/// An error body with no required field is still a body clients parse: removing it is
/// breaking (GitHub 2.2.1 → 10, many 422s).
#[test]
fn an_error_body_without_required_fields_is_removed_too() {
    let base = document_with_codes("A", "NOT_FOUND")
        .replace("schema: {type: object, required: [code], properties: {code: {type: string, enum: [NOT_FOUND]}}}", "schema: {type: object, properties: {message: {type: string}}}");
    assert!(base.contains("message"));
    let new = base.replace(
        "\n          content:\n            application/json:\n              schema: {type: object, properties: {message: {type: string}}}",
        "",
    );
    assert!(!new.contains("message"));
    breaking_changes_are(
        diff_texts("optional-body-removed", (&base, &new), ""),
        &["error-body-removed"],
    );
}

/// A 404 whose body requires `code` (with `enum: [NOT_FOUND]`) and `message`, each with the
/// extra schema text given (`, nullable: true`).
fn nullable_document(code: &str, message: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: A, version: 1.0.0}}\npaths:\n  /items:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '404':\n          description: missing\n          content:\n            application/json:\n              schema:\n                type: object\n                required: [code, message]\n                properties:\n                  code: {{type: string, enum: [NOT_FOUND]{code}}}\n                  message: {{type: string{message}}}\n"
    )
}

/// 3.0's `nullable: true` added to a code with an `enum`, or to a required field, lets
/// clients receive null where they read a value: breaking, as 3.1's `[string, null]` is.
#[test]
fn nullable_added_to_a_code_or_required_field_is_breaking() {
    let base = nullable_document("", "");
    let code = nullable_document(", nullable: true", "");
    let findings = breaking_changes_are(
        diff_texts("nullable-code", (&base, &code), ""),
        &["error-code-field-changed"],
    );
    assert!(
        findings.iter().any(|f| f.message.contains("null")),
        "{findings:#?}"
    );
    let message = nullable_document("", ", nullable: true");
    let pair = (base.as_str(), message.as_str());
    breaking_changes_are(
        diff_texts("nullable-message", pair, ""),
        &["error-field-removed"],
    );
    assert_unchanged("nullable-both", &code);
}

/// A document compared with itself has no change.
fn assert_unchanged(name: &str, document: &str) {
    let findings = diff_texts(name, (document, document), "");
    assert!(findings.is_empty(), "{findings:#?}");
}

/// A 503 that sent `Retry-After` and now says when to retry only in an optional body field
/// lost its guaranteed hint.
#[test]
fn retry_after_removed_while_an_optional_field_remains_is_breaking() {
    let document = |header: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: A, version: 1.0.0}}\npaths:\n  /items:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '503':\n          description: unavailable\n{header}          content:\n            application/json:\n              schema: {{type: object, properties: {{retry_after: {{type: integer}}}}}}\n"
        )
    };
    let base = document("          headers:\n            Retry-After: {schema: {type: integer}}\n");
    let new = document("");
    let pair = (base.as_str(), new.as_str());
    let changes = diff_texts("retry-after-to-optional-field", pair, "");
    breaking_changes_are(changes, &["retry-hint-removed"]);
    assert_unchanged("retry-after-kept", &base);
}

/// A `oneOf` body: a code one branch still documents is not removed, though another branch
/// now leaves its code open; a field one branch no longer requires is "not required in every
/// branch", shown in that branch.
#[test]
fn one_of_bodies_are_compared_branch_by_branch() {
    for (variant, findings) in fixture_findings("oneof-branches") {
        let removed: Vec<&str> = findings
            .iter()
            .filter(|f| f.rule == "error-code-removed")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            removed,
            ["`unprocessable` is no longer documented for POST /blobs"],
            "{variant}"
        );
        let optional = findings
            .iter()
            .find(|f| f.rule == "error-field-removed")
            .unwrap_or_else(|| panic!("{variant}: {findings:#?}"));
        assert!(
            optional.message.contains("not every branch"),
            "{}",
            optional.message
        );
        // Shown at the branch that does not require it: BasicError's `required`, not
        // ValidationError's `message`.
        let location = optional.location.as_ref().unwrap();
        assert!(
            location
                .pointer
                .starts_with("/components/schemas/BasicError"),
            "{variant}: {}",
            location.pointer
        );
    }
    // A branch that no longer declares the field at all is the one shown.
    let folder = "fixtures/diff/oneof-branches";
    let base = std::fs::read_to_string(format!("{folder}/base.yaml")).unwrap();
    let new = std::fs::read_to_string(format!("{folder}/new.yaml")).unwrap();
    let (head, basic) = new.split_at(new.find("    BasicError:").unwrap());
    let new = format!(
        "{head}{}",
        basic.replacen("        message: {type: string}\n", "", 1)
    );
    let findings = diff_texts("oneof-branch-lacks-field", (&base, &new), "");
    let gone = findings
        .iter()
        .find(|f| f.rule == "error-field-removed")
        .unwrap();
    assert_eq!(
        gone.message,
        "`message` is no longer in every branch of the 422 body"
    );
    let branch = "/paths/~1blobs/post/responses/422/content/application~1json/schema/oneOf/1";
    assert_eq!(gone.location.as_ref().unwrap().pointer, branch);
    // So is a branch without the code.
    let (head, basic) = base.split_at(base.find("    BasicError:").unwrap());
    let new = format!(
        "{head}{}",
        basic
            .replacen("required: [code, message]", "required: [message]", 1)
            .replacen(
                "        code: {type: string, enum: [unprocessable]}\n",
                "",
                1
            )
    );
    let findings = diff_texts("oneof-branch-lacks-code", (&base, &new), "");
    let code = findings
        .iter()
        .find(|f| f.rule == "error-code-field-changed")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(
        code.message,
        "the code `code` is not in every branch of the 422 body; `unprocessable` is no longer documented"
    );
    assert_eq!(code.location.as_ref().unwrap().pointer, branch);
    assert_eq!(
        breaking_ids(&findings),
        ["error-code-field-changed"],
        "{findings:#?}"
    );
}

/// Code catalogs in Response Object extensions: eBay's `x-response-codes`, which the default
/// profile names, or one a contract names.
#[test]
fn codes_listed_in_a_vendor_extension_are_compared() {
    let document = |extension: &str, codes: &[&str]| {
        let listed: String = codes
            .iter()
            .map(|c| format!("              '{c}': {{category: REQUEST, domain: API_MARKETING}}\n"))
            .collect();
        format!(
            "openapi: 3.0.3\ninfo: {{title: A, version: 1.0.0}}\npaths:\n  /campaigns:\n    post:\n      responses:\n        '201': {{description: created}}\n        '400':\n          description: Bad Request\n          {extension}:\n            errors:\n{listed}"
        )
    };
    let removed = |findings: &[errlint::Finding]| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.rule == "error-code-removed")
            .map(|f| f.message.clone())
            .collect()
    };
    let base = document("x-response-codes", &["35020", "35023"]);
    let new = document("x-response-codes", &["35020"]);
    let findings = diff_texts("ebay-response-codes", (&base, &new), "");
    assert_eq!(
        removed(&findings),
        ["`35023` is no longer documented for POST /campaigns"]
    );
    let base = document("x-error-codes", &["35020", "35023"]);
    let new = document("x-error-codes", &["35020"]);
    let named = "envelope:\n  code:\n    extensions: [x-error-codes]\n";
    let findings = diff_texts("named-extension-codes", (&base, &new), named);
    assert_eq!(removed(&findings).len(), 1, "{findings:#?}");
    assert!(removed(&diff_texts("unnamed-extension-codes", (&base, &new), "")).is_empty());
}

/// A field whose type narrows (`number` → `integer`, `string or null` → `string`) still reads
/// as clients read it: no change. One that widens is one.
#[test]
fn a_narrowed_type_is_no_change_and_a_widened_one_is() {
    let document = |code: &str, status: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: A, version: 1.0.0}}\npaths:\n  /items:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '404':\n          description: missing\n          content:\n            application/json:\n              schema:\n                type: object\n                required: [code, status]\n                properties:\n                  code: {{type: {code}}}\n                  status: {{type: {status}}}\n"
        )
    };
    let wide = document("number", "number");
    let narrow = document("integer", "integer");
    let findings = diff_texts("narrowed-types", (&wide, &narrow), "");
    assert!(findings.is_empty(), "{findings:#?}");
    breaking_changes_are(
        diff_texts("widened-types", (&narrow, &wide), ""),
        &["error-code-field-changed", "error-field-removed"],
    );
}

/// One shared schema used on several statuses: a field it no longer has is one change, not
/// one per status, and the gate counts it once.
#[test]
fn a_shared_schema_change_on_several_statuses_is_one_change() {
    let document = |required: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: A, version: 1.0.0}}\npaths:\n  /items:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '400': {{description: bad, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Error'}}}}}}}}\n        '404': {{description: missing, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Error'}}}}}}}}\ncomponents:\n  schemas:\n    Error:\n      type: object\n      required: [{required}]\n      properties:\n        code: {{type: string}}\n        message: {{type: string}}\n"
        )
    };
    let findings = breaking_changes_are(
        diff_texts(
            "shared-on-statuses",
            (&document("code, message"), &document("code")),
            "",
        ),
        &["error-field-removed"],
    );
    assert_the_gate_counts_one(&findings);
    let changed = findings
        .iter()
        .find(|f| f.rule == "error-field-removed")
        .unwrap();
    assert!(
        changed.note.as_deref().is_some_and(|n| n.contains("404")),
        "{changed:#?}"
    );
}
