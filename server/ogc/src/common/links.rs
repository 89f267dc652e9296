//! Links (`href`, `rel`, `type`, `title`) and the URL building they need.

use serde::Serialize;

/// Media type of JSON documents.
pub const JSON: &str = "application/json";
/// Media type of GeoJSON documents.
pub const GEOJSON: &str = "application/geo+json";
/// Media type of HTML pages.
pub const HTML: &str = "text/html";
/// Media type of the OpenAPI 3.0 document.
pub const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";
/// Media type of error answers.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A web link as OGC API documents carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// absolute URL
    pub href: String,
    /// relation (`self`, `alternate`, `next`, ...)
    pub rel: String,
    /// media type of the target
    #[serde(rename = "type")]
    pub media_type: String,
    /// human title
    pub title: String,
}

impl Link {
    /// A link with every member set.
    pub fn new(
        href: impl Into<String>,
        rel: &str,
        media_type: &str,
        title: impl Into<String>,
    ) -> Self {
        Self {
            href: href.into(),
            rel: rel.to_owned(),
            media_type: media_type.to_owned(),
            title: title.into(),
        }
    }
}

/// `base` with `params` appended as a query string (values percent-encoded).
pub fn with_query(base: &str, params: &[(String, String)]) -> String {
    if params.is_empty() {
        return base.to_owned();
    }
    let mut out = String::with_capacity(base.len() + 16 * params.len());
    out.push_str(base);
    for (i, (k, v)) in params.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        encode_component(k, &mut out);
        out.push('=');
        encode_component(v, &mut out);
    }
    out
}

/// Percent-encodes a path segment or query component (RFC 3986 unreserved characters stay).
pub fn encode_component(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b',') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
}

/// A path segment, percent-encoded.
pub fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_component(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        let url = with_query(
            "http://h/items",
            &[
                ("bbox".into(), "1,2,3,4".into()),
                ("name".into(), "a b&c/é".into()),
            ],
        );
        assert_eq!(url, "http://h/items?bbox=1,2,3,4&name=a%20b%26c%2F%C3%A9");
        assert_eq!(with_query("http://h/x", &[]), "http://h/x");
    }
}
