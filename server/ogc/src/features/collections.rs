//! The collections resource (`/collections`) and one collection (`/collections/{id}`).

use actix_web::{HttpRequest, HttpResponse, web};
use segit_query::{Collection, Crs};
use serde_json::{Value as Json, json};

use crate::common::config::{AppState, ServiceConfig};
use crate::common::error::ApiError;
use crate::common::links::{GEOJSON, HTML, JSON, Link, segment};
use crate::common::negotiate::Format;
use crate::features::{format_only, html, html_response, json_response, self_links};

/// Every CRS a collection can be answered in: CRS84 first, then the supported EPSG codes.
pub fn crs_list() -> Vec<Crs> {
    std::iter::once(Crs::Crs84)
        .chain(Crs::SUPPORTED_EPSG.iter().map(|&c| Crs::Epsg(c)))
        .collect()
}

/// URL of a collection.
pub fn collection_url(config: &ServiceConfig, id: &str) -> String {
    config.url(&format!("/collections/{}", segment(id)))
}

/// The JSON description of `c`; `format` decides which link is `self`.
pub fn collection_document(config: &ServiceConfig, c: &Collection, format: Format) -> Json {
    let url = collection_url(config, &c.id);
    let mut links = self_links(&url, format, JSON, &format!("collection '{}'", c.id));
    links.extend([
        Link::new(
            format!("{url}/items?f=json"),
            "items",
            GEOJSON,
            format!("features of '{}' as GeoJSON", c.title),
        ),
        Link::new(
            format!("{url}/items?f=html"),
            "items",
            HTML,
            format!("features of '{}' as HTML", c.title),
        ),
    ]);
    let mut doc = json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "keywords": c.keywords,
        "links": links,
        "itemType": "feature",
        "crs": crs_list().into_iter().map(Crs::uri).collect::<Vec<_>>(),
        "storageCrs": c.storage_crs.uri(),
    });
    if let Some(extent) = extent_document(c) {
        doc["extent"] = extent;
    }
    doc
}

/// The `extent` member of a collection, when the store has computed one.
fn extent_document(c: &Collection) -> Option<Json> {
    let extent = c.extent.as_ref()?;
    let mut doc = serde_json::Map::new();
    if let Some(bbox) = extent.bbox_crs84 {
        doc.insert(
            "spatial".into(),
            json!({ "bbox": [bbox], "crs": Crs::Crs84.uri() }),
        );
    }
    if let (Some([start, end]), Some(_)) = (extent.temporal, &c.temporal) {
        let iso = |d: Option<chrono::DateTime<chrono::Utc>>| {
            d.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        };
        doc.insert(
            "temporal".into(),
            json!({
                "interval": [[iso(start), iso(end)]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            }),
        );
    }
    (!doc.is_empty()).then_some(Json::Object(doc))
}

/// `GET /collections`
pub async fn collections(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let format = format_only(&req)?;
    let catalog = state.store.catalog().await?;
    let config = &state.config;
    Ok(match format {
        Format::Json => {
            let doc = json!({
                "links": self_links(&config.url("/collections"), format, JSON, "the collections"),
                "collections": catalog
                    .collections
                    .iter()
                    .map(|c| collection_document(config, c, format))
                    .collect::<Vec<_>>(),
            });
            json_response(&doc, JSON)
        }
        Format::Html => html_response(html::collections_page(config, &catalog.collections)),
    })
}

/// `GET /collections/{collection_id}`
pub async fn collection(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let format = format_only(&req)?;
    let catalog = state.store.catalog().await?;
    let c = find(&catalog, &path)?;
    Ok(match format {
        Format::Json => json_response(&collection_document(&state.config, c, format), JSON),
        Format::Html => html_response(html::collection_page(&state.config, c)),
    })
}

/// The collection `id` of `catalog`, or 404.
pub fn find<'a>(catalog: &'a segit_query::Catalog, id: &str) -> Result<&'a Collection, ApiError> {
    catalog
        .get(id)
        .ok_or_else(|| segit_query::QueryError::UnknownCollection(id.to_owned()).into())
}
