//! RFC 6901 JSON pointers: escaping for output, and parsing the fragment of a `$ref`
//! (RFC 3986 percent-encoding first, then `~1` → `/` and `~0` → `~`).

/// Escapes one reference token: `~` → `~0`, `/` → `~1`.
pub fn escape(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_string();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// Why a fragment is not a usable JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointerError {
    /// A non-empty fragment that does not start with `/` (a named anchor such as `#foo`).
    NotAPointer,
    /// `~` followed by anything but `0` or `1`.
    BadEscape(String),
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8 once decoded.
    BadPercentEncoding,
}

impl std::fmt::Display for PointerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PointerError::NotAPointer => f.write_str(
                "the fragment is not a JSON pointer (it must be empty or start with `/`)",
            ),
            PointerError::BadEscape(token) => {
                write!(f, "`{token}` has a `~` that is not `~0` or `~1` (RFC 6901)")
            }
            PointerError::BadPercentEncoding => {
                f.write_str("the fragment has invalid percent-encoding")
            }
        }
    }
}

/// Splits a `$ref` fragment (the part after `#`, a URI fragment) into unescaped reference
/// tokens: percent-decoding first, then RFC 6901.
pub fn parse_fragment(fragment: &str) -> Result<Vec<String>, PointerError> {
    parse_pointer(&percent_decode(fragment)?)
}

/// Splits a plain JSON pointer (as errlint reports them: no percent-encoding) into tokens.
pub fn parse_pointer(pointer: &str) -> Result<Vec<String>, PointerError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(PointerError::NotAPointer);
    };
    rest.split('/').map(unescape).collect()
}

fn unescape(token: &str) -> Result<String, PointerError> {
    if !token.contains('~') {
        return Ok(token.to_string());
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return Err(PointerError::BadEscape(token.to_string())),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn percent_decode(s: &str) -> Result<String, PointerError> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .ok_or(PointerError::BadPercentEncoding)?;
            let hex = std::str::from_utf8(hex).map_err(|_| PointerError::BadPercentEncoding)?;
            let byte = u8::from_str_radix(hex, 16).map_err(|_| PointerError::BadPercentEncoding)?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PointerError::BadPercentEncoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_in_rfc_order() {
        // `~01` must become `~1`, not `/`: `~1` is replaced after percent-decoding, `~0` last.
        assert_eq!(parse_fragment("/a~01b").unwrap(), vec!["a~1b"]);
        assert_eq!(
            parse_fragment("/paths/~1users~1{id}").unwrap(),
            vec!["paths", "/users/{id}"]
        );
        assert_eq!(
            parse_fragment("/a%20b/%7Bid%7D").unwrap(),
            vec!["a b", "{id}"]
        );
    }

    #[test]
    fn empty_fragment_is_the_root() {
        assert!(parse_fragment("").unwrap().is_empty());
    }

    #[test]
    fn rejects_anchors_and_bad_escapes() {
        assert_eq!(parse_fragment("foo"), Err(PointerError::NotAPointer));
        assert!(matches!(
            parse_fragment("/a~2b"),
            Err(PointerError::BadEscape(_))
        ));
        assert_eq!(
            parse_fragment("/a%zz"),
            Err(PointerError::BadPercentEncoding)
        );
    }

    #[test]
    fn reported_pointers_are_not_percent_encoded() {
        // Found by fuzzing: a key with `%` must round-trip through the plain pointer.
        assert_eq!(
            parse_pointer("/paths/~1p%ap").unwrap(),
            vec!["paths", "/p%ap"]
        );
        assert_eq!(
            parse_fragment("/paths/~1p%25ap").unwrap(),
            vec!["paths", "/p%ap"]
        );
    }

    #[test]
    fn escape_round_trips() {
        assert_eq!(escape("/users/{id}"), "~1users~1{id}");
        assert_eq!(escape("a~b"), "a~0b");
        let token = "~/x~1";
        assert_eq!(
            parse_fragment(&format!("/{}", escape(token))).unwrap(),
            vec![token]
        );
    }
}
