//! The HTML representation: a small page layout (inline CSS, no scripts, no external
//! resources) and the pages of the landing page, conformance, collections and the API.
//! Everything that comes from data or configuration is escaped.

use std::fmt::Write;

use segit_query::Collection;

use crate::common::config::ServiceConfig;
use crate::common::links::{Link, segment};
use crate::features::collections::crs_list;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#fafbfc}\
header{background:#1d3557;color:#fff;padding:.7em 1.5em}header a{color:#fff;text-decoration:none}\
nav.crumbs{font-size:.9em;padding:.5em 1.5em;background:#e9eef3}main{padding:1em 1.5em;max-width:72em}\
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}th,td{border:1px solid #cfd8e0;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#eef2f6}a{color:#1864ab}.muted{color:#5c6b7a;font-size:.9em}svg.map{border:1px solid #cfd8e0;max-width:100%;height:auto}\
.pager a{margin-right:1em}code{background:#eef2f6;padding:0 .2em}";

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link element.
pub fn a(href: &str, text: &str) -> String {
    format!(r#"<a href="{}">{}</a>"#, escape(href), escape(text))
}

/// A whole page: `crumbs` are (label, URL) pairs from the landing page down, the last one
/// being this page; `json_href` is the JSON alternate; `body` is already-escaped HTML.
pub fn page(
    config: &ServiceConfig,
    title: &str,
    crumbs: &[(String, String)],
    json_href: &str,
    body: &str,
) -> String {
    let mut nav = String::new();
    for (i, (label, href)) in crumbs.iter().enumerate() {
        if i > 0 {
            nav.push_str(" › ");
        }
        if i + 1 == crumbs.len() {
            nav.push_str(&escape(label));
        } else {
            nav.push_str(&a(href, label));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} – {service}</title><link rel=\"alternate\" type=\"application/json\" href=\"{json}\">\
<style>{STYLE}</style></head><body><header><a href=\"{home}\">{service}</a></header>\
<nav class=\"crumbs\">{nav} <span class=\"muted\">(<a href=\"{json}\">JSON</a>)</span></nav>\
<main><h1>{title}</h1>{body}</main></body></html>\n",
        title = escape(title),
        service = escape(&config.title),
        json = escape(json_href),
        home = escape(&config.url("/?f=html")),
    )
}

/// Breadcrumbs from the landing page down to `collection` (and optionally one more level).
pub fn crumbs(
    config: &ServiceConfig,
    collection: Option<&Collection>,
    last: Option<(&str, String)>,
) -> Vec<(String, String)> {
    let mut out = vec![
        ("Home".to_owned(), config.url("/?f=html")),
        ("Collections".to_owned(), config.url("/collections?f=html")),
    ];
    if let Some(c) = collection {
        out.push((
            c.title.clone(),
            config.url(&format!("/collections/{}?f=html", segment(&c.id))),
        ));
    }
    if let Some((label, href)) = last {
        out.push((label.to_owned(), href));
    }
    out
}

/// The landing page.
pub fn landing_page(config: &ServiceConfig, links: &[Link]) -> String {
    let mut body = format!("<p>{}</p><ul>", escape(&config.description));
    for l in links.iter().filter(|l| l.rel != "self") {
        let _ = write!(
            body,
            "<li>{} <span class=\"muted\">({}, {})</span></li>",
            a(&html_href(&l.href, l), &l.title),
            escape(&l.rel),
            escape(&l.media_type)
        );
    }
    body.push_str("</ul>");
    page(
        config,
        &config.title,
        &[("Home".into(), config.url("/?f=html"))],
        &config.url("/?f=json"),
        &body,
    )
}

/// Browsers following a JSON resource link on an HTML page get its HTML form.
fn html_href(href: &str, l: &Link) -> String {
    if matches!(l.rel.as_str(), "conformance" | "data") && !href.contains('?') {
        format!("{href}?f=html")
    } else {
        href.to_owned()
    }
}

/// The conformance declaration.
pub fn conformance_page(config: &ServiceConfig, classes: &[&str]) -> String {
    let mut body =
        String::from("<p>This server implements the following conformance classes:</p><ul>");
    for c in classes {
        let _ = write!(body, "<li><code>{}</code></li>", escape(c));
    }
    body.push_str("</ul>");
    let crumbs = [
        ("Home".to_owned(), config.url("/?f=html")),
        ("Conformance".to_owned(), String::new()),
    ];
    page(
        config,
        "Conformance",
        &crumbs,
        &config.url("/conformance?f=json"),
        &body,
    )
}

/// The list of collections.
pub fn collections_page(config: &ServiceConfig, collections: &[Collection]) -> String {
    let mut body = String::from(
        "<table><tr><th>Collection</th><th>Description</th><th>Geometry</th><th>Features</th></tr>",
    );
    for c in collections {
        let url = config.url(&format!("/collections/{}", segment(&c.id)));
        let _ = write!(
            body,
            "<tr><td>{}<br><span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            a(&format!("{url}?f=html"), &c.title),
            escape(&c.id),
            escape(&c.description),
            escape(c.geometry_type.ogc_name()),
            a(&format!("{url}/items?f=html"), "browse"),
        );
    }
    body.push_str("</table>");
    let mut crumbs = crumbs(config, None, None);
    crumbs.truncate(2);
    page(
        config,
        "Collections",
        &crumbs,
        &config.url("/collections?f=json"),
        &body,
    )
}

/// One collection: metadata, properties, extent and supported CRSs.
pub fn collection_page(config: &ServiceConfig, c: &Collection) -> String {
    let url = config.url(&format!("/collections/{}", segment(&c.id)));
    let mut body = format!(
        "<p>{}</p><p>{} · {}</p><table><tr><th>Identifier</th><td><code>{}</code></td></tr>\
<tr><th>Geometry</th><td>{}</td></tr><tr><th>Storage CRS</th><td><code>{}</code></td></tr>",
        escape(&c.description),
        a(&format!("{url}/items?f=html"), "Browse the features"),
        a(&format!("{url}/items?f=json"), "GeoJSON"),
        escape(&c.id),
        escape(c.geometry_type.ogc_name()),
        escape(&c.storage_crs.uri()),
    );
    if !c.keywords.is_empty() {
        let _ = write!(
            body,
            "<tr><th>Keywords</th><td>{}</td></tr>",
            escape(&c.keywords.join(", "))
        );
    }
    if let Some(bbox) = c.extent.and_then(|e| e.bbox_crs84) {
        let _ = write!(
            body,
            "<tr><th>Extent (CRS84)</th><td>{:.5}, {:.5} – {:.5}, {:.5}</td></tr>",
            bbox[0], bbox[1], bbox[2], bbox[3]
        );
    }
    if let (Some(t), Some([start, end])) = (&c.temporal, c.extent.and_then(|e| e.temporal)) {
        let show = |d: Option<chrono::DateTime<chrono::Utc>>| {
            d.map_or_else(|| "..".to_owned(), |d| d.format("%Y-%m-%d").to_string())
        };
        let _ = write!(
            body,
            "<tr><th>Time ({})</th><td>{} / {}</td></tr>",
            escape(&t.start),
            show(start),
            show(end)
        );
    }
    let crs: Vec<String> = crs_list()
        .into_iter()
        .map(segit_query::Crs::short_name)
        .collect();
    let _ = write!(
        body,
        "<tr><th>CRS</th><td>{}</td></tr></table>",
        escape(&crs.join(", "))
    );
    body.push_str(
        "<h2>Properties</h2><table><tr><th>Name</th><th>Title</th><th>Type</th><th>Notes</th></tr>",
    );
    for p in &c.properties {
        let (ty, format) = p.ty.json_schema();
        let notes = [(p.personal, "personal data"), (!p.nullable, "required")]
            .iter()
            .filter_map(|(on, s)| on.then_some(*s))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(
            body,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
            escape(&p.name),
            escape(&p.title),
            ty,
            format.map(|f| format!(" ({f})")).unwrap_or_default(),
            notes
        );
    }
    body.push_str("</table>");
    let mut crumbs = crumbs(config, Some(c), None);
    if let Some(last) = crumbs.last_mut() {
        last.1.clear();
    }
    page(config, &c.title, &crumbs, &format!("{url}?f=json"), &body)
}
