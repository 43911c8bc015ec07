//! Response keys: a status code, a range such as `4XX`, or `default`.

/// A key of a Responses Object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKey {
    /// Three digits, registered or not: `404`, `499`, `600`.
    Code(u16),
    /// `1XX` to `5XX`, upper case as the specification writes them.
    Range(u8),
    Default,
    /// Anything else (`4xx`, `40`, `ok`); see `error-status-known`.
    Invalid,
}

impl StatusKey {
    pub fn parse(key: &str) -> Self {
        let bytes = key.as_bytes();
        match bytes {
            b"default" => StatusKey::Default,
            [d @ b'1'..=b'5', b'X', b'X'] => StatusKey::Range(d - b'0'),
            [a, b, c]
                if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() && *a != b'0' =>
            {
                StatusKey::Code(key.parse().unwrap_or(0))
            }
            _ => StatusKey::Invalid,
        }
    }

    /// A 4xx or 5xx code, a `4XX`/`5XX` range, or `default`.
    pub fn is_error(self) -> bool {
        match self {
            StatusKey::Code(c) => (400..600).contains(&c),
            StatusKey::Range(r) => r == 4 || r == 5,
            StatusKey::Default => true,
            StatusKey::Invalid => false,
        }
    }

    /// True when this key can stand for `code`: the code itself, its range, or `default`.
    pub fn covers(self, code: u16) -> bool {
        match self {
            StatusKey::Code(c) => c == code,
            StatusKey::Range(r) => u16::from(r) == code / 100,
            StatusKey::Default => true,
            StatusKey::Invalid => false,
        }
    }

    pub fn is_server_error(self) -> bool {
        matches!(self, StatusKey::Code(500..=599) | StatusKey::Range(5))
    }

    /// True for codes in the IANA HTTP Status Code Registry (RFC 9110 and its updates).
    pub fn is_registered(code: u16) -> bool {
        matches!(
            code,
            100..=103
                | 200..=208
                | 226
                | 300..=305
                | 307
                | 308
                | 400..=417
                | 421..=426
                | 428
                | 429
                | 431
                | 451
                | 500..=508
                | 510
                | 511
        )
    }
}

impl std::fmt::Display for StatusKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusKey::Code(c) => write!(f, "{c}"),
            StatusKey::Range(r) => write!(f, "{r}XX"),
            StatusKey::Default => f.write_str("default"),
            StatusKey::Invalid => f.write_str("invalid"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_ranges_and_default() {
        assert_eq!(StatusKey::parse("404"), StatusKey::Code(404));
        assert_eq!(StatusKey::parse("4XX"), StatusKey::Range(4));
        assert_eq!(StatusKey::parse("default"), StatusKey::Default);
        assert_eq!(StatusKey::parse("4xx"), StatusKey::Invalid);
        assert_eq!(StatusKey::parse("6XX"), StatusKey::Invalid);
        assert_eq!(StatusKey::parse("40"), StatusKey::Invalid);
        assert_eq!(StatusKey::parse("600"), StatusKey::Code(600));
    }

    #[test]
    fn ranges_cover_their_codes() {
        assert!(StatusKey::Range(4).covers(404));
        assert!(!StatusKey::Range(4).covers(500));
        assert!(StatusKey::Default.covers(429));
        assert!(StatusKey::is_registered(429));
        assert!(!StatusKey::is_registered(499));
        assert!(!StatusKey::is_registered(418));
    }
}
