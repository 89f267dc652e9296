//! Content negotiation: the `f` query parameter first, then the `Accept` header.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::common::error::ApiError;

/// The representations every OGC API resource has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON (GeoJSON for features)
    Json,
    /// HTML page
    Html,
}

impl Format {
    /// The value of `f` that asks for this format.
    pub fn param(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
        }
    }

    /// Chooses the format from `f` (when given) or else from the `Accept` header.
    /// JSON wins unless HTML is asked for explicitly and at least as strongly as JSON.
    pub fn negotiate(f: Option<&str>, req: &HttpRequest) -> Result<Self, ApiError> {
        if let Some(f) = f {
            return match f.to_ascii_lowercase().as_str() {
                "json" | "geojson" | "application/json" | "application/geo+json" => {
                    Ok(Format::Json)
                }
                "html" | "text/html" => Ok(Format::Html),
                _ => Err(ApiError::bad_request(format!(
                    "unsupported format f={f}; allowed: json, html"
                ))),
            };
        }
        let accept = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Ok(from_accept(accept))
    }
}

/// The format an `Accept` header prefers.
fn from_accept(accept: &str) -> Format {
    let mut html_q: f32 = 0.0;
    let mut json_q: f32 = 0.0;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "text/html" | "application/xhtml+xml" => html_q = html_q.max(q),
            m if m.ends_with("json") => json_q = json_q.max(q),
            _ => {}
        }
    }
    if html_q > 0.0 && html_q >= json_q {
        Format::Html
    } else {
        Format::Json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_get_html_and_tools_get_json() {
        assert_eq!(
            from_accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            Format::Html
        );
        assert_eq!(from_accept("*/*"), Format::Json);
        assert_eq!(from_accept(""), Format::Json);
        assert_eq!(
            from_accept("application/geo+json, text/html;q=0.5"),
            Format::Json
        );
        assert_eq!(from_accept("text/html;q=0"), Format::Json);
    }
}
