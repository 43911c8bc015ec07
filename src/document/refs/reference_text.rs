//! What a `$ref`'s text says on its own: the file it names after its file's base URI, the
//! tokens of its fragment, and the node those tokens reach in a tree.

use super::set::{FileId, NodeRef, ProblemKind};
use crate::document::pointer::{self, PointerError};
use crate::document::tree::{Kind, LookupError, Tree};

/// Why a reference text does not resolve; reported at every place that writes it.
#[derive(Debug, Clone)]
pub(super) struct RefFailure {
    pub(super) kind: ProblemKind,
    pub(super) message: String,
    pub(super) help: Option<String>,
}

impl RefFailure {
    pub(super) fn new(kind: ProblemKind, message: String, help: Option<&str>) -> Self {
        RefFailure {
            kind,
            message,
            help: help.map(str::to_string),
        }
    }
}

/// The file a reference names, as a path relative to its file (or absolute), after the
/// file's base URI (`base`) if it has one; `None` for a fragment alone. Remote and other
/// schemes are failures: nothing is fetched.
pub(super) fn file_part(base: Option<&str>, reference: &str) -> Result<Option<String>, RefFailure> {
    let location = reference.split('#').next().unwrap_or("");
    if location.is_empty() {
        return Ok(None);
    }
    let location = match base.map(|base| rebase(base, location)) {
        Some(Rebased::Local(relative)) => relative,
        Some(Rebased::Remote(uri, base)) => {
            return Err(RefFailure::new(
                ProblemKind::RemoteRef,
                format!(
                    "`{reference}` resolves against the base URI `{base}` to `{uri}`, which is not fetched: errlint never uses the network"
                ),
                Some(
                    "references under the base URI's folder are read from the document's folder; bundle other files into the repository",
                ),
            ));
        }
        Some(Rebased::Unchanged) | None => location.to_string(),
    };
    let Some(scheme) = url_scheme(&location) else {
        return Ok(Some(location));
    };
    if scheme == "file" {
        // `file:///abs/path`: an absolute path, subject to the same tree check.
        let path = location[5..].trim_start_matches("//");
        return Ok(Some(if path.starts_with('/') {
            path.to_string()
        } else {
            "/".to_string()
        }));
    }
    Err(if matches!(scheme.as_str(), "http" | "https") {
        RefFailure::new(
            ProblemKind::RemoteRef,
            format!(
                "remote reference `{reference}` is not fetched: errlint never uses the network"
            ),
            Some("bundle the remote file into the repository and reference it by a relative path"),
        )
    } else {
        RefFailure::new(
            ProblemKind::UnresolvedRef,
            format!("`{scheme}:` references are not followed"),
            Some("use a relative path to a file inside the linted tree"),
        )
    })
}

/// A reference's fragment as JSON pointer tokens.
pub(super) fn fragment_tokens(reference: &str) -> Result<Vec<String>, RefFailure> {
    let fragment = reference
        .split_once('#')
        .map_or("", |(_, fragment)| fragment);
    pointer::parse_fragment(fragment).map_err(|error| {
        let help = matches!(error, PointerError::NotAPointer)
            .then_some("write the fragment as a JSON pointer, e.g. `#/components/schemas/Error`");
        RefFailure::new(
            ProblemKind::UnresolvedRef,
            format!("bad reference `{reference}`: {error}"),
            help,
        )
    })
}

/// Follows a reference's parsed fragment inside `tree`, the tree of `file`; the reference's
/// text is asked for only to say why it does not resolve.
pub(super) fn lookup<'a>(
    tree: &Tree,
    file: FileId,
    reference: impl FnOnce() -> &'a str,
    tokens: &[String],
) -> Result<NodeRef, RefFailure> {
    match tree.lookup(tokens.iter().map(String::as_str)) {
        Ok(node) => Ok(NodeRef { file, node }),
        Err(error) => Err(RefFailure::new(
            ProblemKind::UnresolvedRef,
            describe_lookup_error(tree, tokens, error, reference()),
            None,
        )),
    }
}

fn describe_lookup_error(
    tree: &Tree,
    tokens: &[String],
    error: LookupError,
    reference: &str,
) -> String {
    let (depth, node, what) = match error {
        LookupError::Missing { depth, node } => (depth, node, "has no"),
        LookupError::NotAContainer { depth, node } => (depth, node, "is a scalar, so it has no"),
    };
    let parent = if depth == 0 {
        "the document root".to_string()
    } else {
        format!("`#{}`", tree.pointer(node))
    };
    let kind = match tree.kind(node) {
        Kind::Sequence => "item",
        _ => "key",
    };
    format!(
        "`{reference}` does not resolve: {parent} {what} {kind} `{}`",
        tokens[depth]
    )
}

/// Where a reference leads once a base URI (`$self`) applies.
#[derive(Debug, PartialEq, Eq)]
enum Rebased {
    /// A path relative to the document's folder: the document on disk stands for its base
    /// URI, so what lies in the base's folder lies in the document's.
    Local(String),
    /// A URI outside the base's folder (another host, or above it), and the base: never
    /// fetched.
    Remote(String, String),
    /// The reference does not depend on the base (an absolute URI elsewhere).
    Unchanged,
}

/// Resolves a reference's location against a base URI, RFC 3986 style. A relative base
/// (`../shared/openapi.yaml`) is itself relative to the document's folder.
fn rebase(base: &str, location: &str) -> Rebased {
    let folder_of = |uri: &str| uri[..uri.rfind('/').map_or(0, |i| i + 1)].to_string();
    if url_scheme(base).is_none() {
        return match url_scheme(location) {
            Some(_) => Rebased::Unchanged,
            None if location.starts_with('/') => Rebased::Unchanged,
            None => Rebased::Local(format!("{}{location}", folder_of(base))),
        };
    }
    let Ok(base_url) = url::Url::parse(base) else {
        return Rebased::Unchanged;
    };
    let Ok(resolved) = base_url.join(location) else {
        return Rebased::Unchanged;
    };
    let folder = folder_of(base_url.as_str());
    let resolved = resolved.as_str();
    match resolved.strip_prefix(&folder) {
        Some(inside) => Rebased::Local(inside.to_string()),
        None if url_scheme(location).is_some() => Rebased::Unchanged,
        None => Rebased::Remote(resolved.to_string(), base.to_string()),
    }
}

fn url_scheme(location: &str) -> Option<String> {
    let (scheme, _) = location.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // A single letter is a Windows drive (`C:`), not a scheme.
    (valid && scheme.len() > 1).then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::super::ProblemKind;
    use super::super::test_support::load;
    use super::{Rebased, rebase};

    #[test]
    fn bad_pointers_are_problems_at_the_ref() {
        let text = "a: {$ref: '#/components/schemas/Missing'}\nb: {$ref: '#foo'}\nc: {$ref: '#/a~2b'}\nd: {$ref: 'https://example.com/x.yaml'}\ncomponents: {schemas: {}}\n";
        let set = load(text);
        let kinds: Vec<_> = set.problems.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ProblemKind::UnresolvedRef,
                ProblemKind::UnresolvedRef,
                ProblemKind::UnresolvedRef,
                ProblemKind::RemoteRef
            ]
        );
        let first = &set.problems[0];
        assert_eq!(
            &text[first.span.unwrap().range()],
            "'#/components/schemas/Missing'"
        );
        assert!(
            first
                .message
                .contains("`#/components/schemas` has no key `Missing`"),
            "{}",
            first.message
        );
    }

    #[test]
    fn a_base_uri_rebases_relative_references() {
        use Rebased::*;
        let base = "https://api.example.com/v2/openapi.yaml";
        assert_eq!(
            rebase(base, "schemas/e.yaml"),
            Local("schemas/e.yaml".into())
        );
        assert_eq!(rebase(base, "./e.yaml"), Local("e.yaml".into()));
        assert_eq!(
            rebase(base, "https://api.example.com/v2/s/e.yaml"),
            Local("s/e.yaml".into())
        );
        assert_eq!(
            rebase(base, "../v1/e.yaml"),
            Remote("https://api.example.com/v1/e.yaml".into(), base.into())
        );
        assert_eq!(rebase(base, "https://other.example/e.yaml"), Unchanged);
        assert_eq!(
            rebase("shared/openapi.yaml", "e.yaml"),
            Local("shared/e.yaml".into())
        );
        assert_eq!(rebase("openapi.yaml", "e.yaml"), Local("e.yaml".into()));
    }
}
