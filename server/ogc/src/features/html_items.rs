//! HTML pages of features: a page of items and a single feature, each with a server-side SVG
//! map preview and a table of properties.

use std::fmt::Write;

use segit_query::{Collection, Feature, QueryStats, Value};

use crate::common::config::ServiceConfig;
use crate::common::links::{Link, segment};
use crate::features::html::{a, crumbs, escape, page};
use crate::features::svg::{MapItem, map_svg};

const MAP_WIDTH: f64 = 720.0;
const MAP_HEIGHT: f64 = 420.0;

/// A property value as table text.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Text(t) => escape(t),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::DateTime(d) => d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        other => escape(&other.to_string()),
    }
}

fn link_href<'a>(links: &'a [Link], rel: &str) -> Option<&'a str> {
    links.iter().find(|l| l.rel == rel).map(|l| l.href.as_str())
}

/// One page of features of `collection` (geometries in CRS84), with paging `links`.
pub fn items_page(
    config: &ServiceConfig,
    collection: &Collection,
    features: &[Feature],
    stats: &QueryStats,
    links: &[Link],
) -> String {
    let base = config.url(&format!("/collections/{}/items", segment(&collection.id)));
    let hrefs: Vec<String> = features
        .iter()
        .map(|f| format!("{base}/{}?f=html", segment(&f.id)))
        .collect();
    let items: Vec<MapItem<'_>> = features
        .iter()
        .zip(&hrefs)
        .filter_map(|(f, href)| {
            f.geometry.as_ref().map(|g| MapItem {
                title: &f.id,
                href: Some(href),
                geometry: g,
            })
        })
        .collect();
    let mut body = format!(
        "<p class=\"muted\">{} of {} matching features.</p>",
        stats.number_returned, stats.number_matched
    );
    body.push_str(&map_svg(&items, MAP_WIDTH, MAP_HEIGHT).unwrap_or_default());
    body.push_str(&pager(links));
    body.push_str("<table><tr><th>id</th>");
    for p in &collection.properties {
        let _ = write!(
            body,
            "<th title=\"{}\">{}</th>",
            escape(&p.title),
            escape(&p.name)
        );
    }
    body.push_str("</tr>");
    for (f, href) in features.iter().zip(&hrefs) {
        let _ = write!(body, "<tr><td>{}</td>", a(href, &f.id));
        for p in &collection.properties {
            let _ = write!(
                body,
                "<td>{}</td>",
                f.property(&p.name).map(cell).unwrap_or_default()
            );
        }
        body.push_str("</tr>");
    }
    body.push_str("</table>");
    body.push_str(&pager(links));
    let json = link_href(links, "alternate").unwrap_or_default().to_owned();
    let crumbs = crumbs(config, Some(collection), Some(("Items", String::new())));
    page(
        config,
        &format!("{} – features", collection.title),
        &crumbs,
        &json,
        &body,
    )
}

/// Previous/next links of a page of items.
fn pager(links: &[Link]) -> String {
    let mut out = String::from("<p class=\"pager\">");
    if let Some(prev) = link_href(links, "prev") {
        out.push_str(&a(prev, "‹ previous"));
    }
    if let Some(next) = link_href(links, "next") {
        out.push_str(&a(next, "next ›"));
    }
    out.push_str("</p>");
    out
}

/// One feature of `collection` (geometry in CRS84).
pub fn feature_page(
    config: &ServiceConfig,
    collection: &Collection,
    feature: &Feature,
    links: &[Link],
) -> String {
    let mut body = String::new();
    if let Some(g) = &feature.geometry {
        let item = MapItem {
            title: &feature.id,
            href: None,
            geometry: g,
        };
        body.push_str(&map_svg(&[item], MAP_WIDTH, MAP_HEIGHT).unwrap_or_default());
    }
    let _ = write!(
        body,
        "<table><tr><th>id</th><td>{}</td></tr>",
        escape(&feature.id)
    );
    for (name, value) in &feature.properties {
        let title = collection
            .property(name)
            .map_or(name.as_str(), |p| p.title.as_str());
        let _ = write!(
            body,
            "<tr><th title=\"{}\">{}</th><td>{}</td></tr>",
            escape(title),
            escape(name),
            cell(value)
        );
    }
    body.push_str("</table>");
    let items = config.url(&format!(
        "/collections/{}/items?f=html",
        segment(&collection.id)
    ));
    let crumbs = crumbs(config, Some(collection), Some(("Items", items)));
    let mut crumbs = crumbs;
    crumbs.push((feature.id.clone(), String::new()));
    let json = link_href(links, "alternate").unwrap_or_default().to_owned();
    page(
        config,
        &format!("{} {}", collection.title, feature.id),
        &crumbs,
        &json,
        &body,
    )
}
