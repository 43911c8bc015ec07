//! One recorded request and its response, as both formats give it, and what they share in
//! building one: URLs without their query, bodies decoded to text, media types.

use super::Position;
use base64::Engine;

/// One recorded request and response.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// Upper case (`GET`).
    pub method: String,
    /// The request URL without its query string or fragment, which may hold credentials and
    /// take no part in matching: `https://api.example.com/items/7` or, in a log that
    /// recorded only paths, `/items/7`.
    pub url: String,
    /// `0` where a HAR recorded no response (a request the browser blocked or aborted).
    pub status: u16,
    pub response_headers: Vec<Header>,
    pub request_headers: Vec<Header>,
    pub body: Body,
    /// The response's media type as recorded (HAR `content.mimeType`, else its
    /// `Content-Type` header), parameters included.
    pub media_type: Option<String>,
    /// Where the response lies: the `{` of a HAR entry's `response` object, the start of an
    /// NDJSON line.
    pub at: Position,
}

impl Exchange {
    /// The first response header of that name, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The host of the request URL, with its port (`api.example.com:8443`); `None` when the
    /// log recorded a path alone.
    pub fn host(&self) -> Option<&str> {
        let after_scheme = &self.url[self.url.find("://")? + 3..];
        let authority = after_scheme.split('/').next().unwrap_or(after_scheme);
        Some(
            authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host),
        )
    }

    /// The path of the request URL (`/items/7`), whether the URL is absolute or not.
    pub fn path(&self) -> &str {
        let after_scheme = match self.url.find("://") {
            Some(i) => &self.url[i + 3..],
            None => return &self.url,
        };
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A response body as recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body was recorded.
    Absent,
    Text(String),
    /// An NDJSON line gave the body as a JSON value rather than as text.
    Json(serde_json::Value),
    /// The body's bytes are not UTF-8: how many there are.
    NotUtf8 {
        bytes: usize,
    },
    /// The body could not be read (bad base64, an attachment refused or missing): why.
    Unreadable(String),
}

impl Body {
    /// Text as it came, decoded from base64 when `encoding` says so.
    pub(super) fn decode(text: String, encoding: Option<&str>) -> Body {
        match encoding {
            None | Some("") => Body::Text(text),
            Some(e) if e.eq_ignore_ascii_case("base64") => {
                // Producers wrap long base64 at 76 columns now and then.
                let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
                match base64::engine::general_purpose::STANDARD.decode(&compact) {
                    Ok(bytes) => Body::from_bytes(bytes),
                    Err(e) => Body::Unreadable(format!("its base64 text is invalid: {e}")),
                }
            }
            Some(other) => Body::Unreadable(format!("its encoding `{other}` is not base64")),
        }
    }

    pub(super) fn from_bytes(bytes: Vec<u8>) -> Body {
        match String::from_utf8(bytes) {
            Ok(text) => Body::Text(text),
            Err(e) => Body::NotUtf8 {
                bytes: e.into_bytes().len(),
            },
        }
    }
}

/// The URL without its query string and fragment.
pub(super) fn without_query(mut url: String) -> String {
    if let Some(i) = url.find(['?', '#']) {
        url.truncate(i);
    }
    url
}

/// A method as HTTP writes it; a HAR or log in lower case means the same.
pub(super) fn method(method: String) -> String {
    method.to_ascii_uppercase()
}

/// A recorded status: a number from 100 to 599, or 0 (no response). What is taken is what
/// `errlint schema traffic` says: a whole number (`404.0` too, as JSON Schema's `integer`), or
/// its decimal text exactly (`"429"`, not `" 429"` or `"0429"`).
pub(super) fn status(value: &serde_json::Value) -> Result<u16, String> {
    let code = match value {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && (0.0..=599.0).contains(f))
                .map(|f| f as u64)
        }),
        // Some loggers write the status as text.
        serde_json::Value::String(s) => s.parse::<u64>().ok().filter(|c| c.to_string() == *s),
        _ => None,
    };
    match code {
        Some(c @ (0 | 100..=599)) => Ok(c as u16),
        _ => Err(format!("its status {value} is not an HTTP status code")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_bodies_are_decoded_and_bad_ones_said_so() {
        assert_eq!(
            Body::decode("eyJjb2Rl\nIjogMX0=".into(), Some("base64")),
            Body::Text("{\"code\": 1}".into())
        );
        assert_eq!(
            Body::decode("/w==".into(), Some("base64")),
            Body::NotUtf8 { bytes: 1 }
        );
        assert!(matches!(
            Body::decode("*".into(), Some("base64")),
            Body::Unreadable(m) if m.starts_with("its base64 text is invalid")
        ));
        assert!(matches!(
            Body::decode("x".into(), Some("gzip")),
            Body::Unreadable(m) if m.contains("`gzip`")
        ));
    }

    #[test]
    fn queries_and_fragments_are_dropped() {
        assert_eq!(
            without_query("https://a.example/x/1?token=s3cret#top".into()),
            "https://a.example/x/1"
        );
        assert_eq!(without_query("/x#f?y".into()), "/x");
    }

    #[test]
    fn statuses_are_numbers_in_range() {
        assert_eq!(status(&serde_json::json!(404)), Ok(404));
        assert_eq!(status(&serde_json::json!("429")), Ok(429));
        assert_eq!(status(&serde_json::json!(404.0)), Ok(404));
        assert!(status(&serde_json::json!(" 429")).is_err());
        assert!(status(&serde_json::json!("+429")).is_err());
        assert!(status(&serde_json::json!("0429")).is_err());
        assert_eq!(status(&serde_json::json!(0)), Ok(0));
        assert!(status(&serde_json::json!(600)).is_err());
        assert!(status(&serde_json::json!(-1)).is_err());
        assert!(status(&serde_json::json!(4.5)).is_err());
    }
}
