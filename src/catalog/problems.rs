//! The ids errlint reports that are not rules: problems with the document, the config or the
//! run itself. A new one is one entry here (and the code that reports it).

pub const PROBLEMS: &[(&str, &str)] = &[
    (
        "invalid-syntax",
        "The file is not valid YAML or JSON. The finding points at the first place the parser could not read; nothing in the file is linted (exit code 2).",
    ),
    (
        "invalid-encoding",
        "The file is not UTF-8 text (UTF-16 and UTF-32 are named as such). Save it as UTF-8 (exit code 2).",
    ),
    (
        "duplicate-key",
        "A mapping has the same key twice. YAML and JSON parsers disagree on which one wins, so errlint reads neither and shows both places (exit code 2).",
    ),
    (
        "unreadable-file",
        "A file could not be read: it does not exist, is not a regular file, is outside the linted tree, or is over the size limit (`--max-file-size`). A message never quotes a file that was refused (exit code 2).",
    ),
    (
        "not-openapi",
        "The root has no `openapi` or `swagger` field, so the file is no OpenAPI document (exit code 2).",
    ),
    (
        "unsupported-version",
        "The `openapi`/`swagger` field names a version errlint does not read: it reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 (exit code 2).",
    ),
    (
        "unresolved-ref",
        "A `$ref` leads nowhere: the file or the JSON pointer inside it does not exist, or the file lies outside the linted tree (`--allow-external-refs DIR` lets it be read). What sits behind it is not judged (exit code 2).",
    ),
    (
        "ref-cycle",
        "`$ref`s that lead to each other without end. Reported once, at the first reference of the cycle (exit code 2).",
    ),
    (
        "remote-ref",
        "A `$ref` to an `http(s):` address. errlint never fetches anything at run time, so what it points at is not checked; a warning, not a failure.",
    ),
    (
        "invalid-structure",
        "A node of the wrong kind where OpenAPI expects a mapping or a list (`paths` as a list, a response that is a string, a `$ref` that leads to a scalar). The part below it is not linted.",
    ),
    (
        "invalid-config",
        "errlint.yaml, a profile it extends, or a command-line setting is not valid: an unknown key, rule or profile, a wrong type, a bad pattern or glob. Reported at its line in the config file (exit code 2).",
    ),
    (
        "unused-override",
        "An `overrides` entry whose globs match no operation of any linted document: a typo or a path written the old way would otherwise silently do nothing.",
    ),
    (
        "not-compared",
        "`errlint diff --base REV` could not read a document as it was at REV: it lies inside a git submodule there, whose files are another repository's. The document is skipped with this warning rather than passed in silence; compare it from inside the submodule.",
    ),
    (
        "unused-fragment",
        "A file named on the command line that is a piece of an OpenAPI document (a YAML or JSON mapping) which no document in its tree uses through `$ref`.",
    ),
    (
        "invalid-traffic",
        "A traffic file given to `errlint check-traffic` cannot be read on: it is neither a HAR (a JSON object whose first key is `log`) nor NDJSON, or it is truncated or broken at the place shown. The exchanges before that place were checked; nothing after it was (exit code 2).",
    ),
    (
        "unreadable-exchange",
        "One exchange of a traffic file could not be read: an NDJSON line or a HAR entry that is not what the format says, one over the size limit, or a body that could not be decoded (bad base64, a Playwright `_file` attachment that is missing or lies outside the HAR's folder). It is left out, the rest of the file is checked, and the finding says where it is.",
    ),
];
