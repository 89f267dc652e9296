//! OGC API – Features, Part 1 Core (with the GeoJSON, HTML and OpenAPI 3.0 classes) and the
//! `crs`/`bbox-crs` parameters of Part 2.
//!
//! - [`landing`]: `/`, `/conformance`.
//! - [`collections`]: `/collections`, `/collections/{id}`.
//! - [`items`]: `/collections/{id}/items` (streamed GeoJSON) and `.../items/{featureId}`.
//! - [`request`]: query parameters of the items resource → [`segit_query::FeatureQuery`].
//! - [`openapi`]: the OpenAPI 3.0 document generated from the catalog (`/api`, `/api.html`).
//! - [`html`], [`html_items`], [`svg`]: the HTML representation with server-side map previews.

pub mod collections;
pub mod html;
pub mod html_items;
pub mod items;
pub mod landing;
pub mod openapi;
pub mod request;
pub mod svg;

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Serialize;

use crate::common::config::AppState;
use crate::common::error::ApiError;
use crate::common::links::{HTML, Link};
use crate::common::negotiate::Format;
use crate::common::params::QueryParams;

/// Conformance classes this module implements, declared next to its routes.
pub const CONFORMANCE: [&str; 5] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
];

/// Mounts the OGC API Features routes with `state`; unknown paths answer 404 problem+json.
///
/// ```text
/// HttpServer::new(move || App::new().configure(segit_ogc::configure(state.clone())))
/// ```
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) + Clone {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::new(state))
            .service(resource("/", landing::landing))
            .service(resource("/conformance", landing::conformance))
            .service(resource("/api", openapi::api))
            .service(resource("/api.html", openapi::api_html))
            .service(resource("/collections", collections::collections))
            .service(resource(
                "/collections/{collection_id}",
                collections::collection,
            ))
            .service(resource("/collections/{collection_id}/items", items::items))
            .service(resource(
                "/collections/{collection_id}/items/{feature_id}",
                items::feature,
            ))
            .default_service(web::to(not_found));
    }
}

/// A GET-only resource; other methods answer 405 problem+json.
fn resource<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler))
        .default_service(web::to(method_not_allowed))
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::not_found(format!("no resource at {}", req.path())).error_response()
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    ApiError::method_not_allowed(format!(
        "{} is not allowed on {}; use GET",
        req.method(),
        req.path()
    ))
    .error_response()
}

/// The format of a request whose only parameter may be `f`.
pub(crate) fn format_only(req: &HttpRequest) -> Result<Format, ApiError> {
    let params = QueryParams::parse(req.query_string())?;
    params.reject_unknown(&["f"])?;
    Format::negotiate(params.get("f"), req)
}

/// `self` and `alternate` links of a resource at `url` (absolute, without query) answered as
/// `format`; `json_type` is the media type of its JSON representation.
pub(crate) fn self_links(url: &str, format: Format, json_type: &str, what: &str) -> Vec<Link> {
    let json = Link::new(
        format!("{url}?f=json"),
        "self",
        json_type,
        format!("{what} as JSON"),
    );
    let html = Link::new(
        format!("{url}?f=html"),
        "alternate",
        HTML,
        format!("{what} as HTML"),
    );
    match format {
        Format::Json => vec![json, html],
        Format::Html => vec![
            Link {
                rel: "self".into(),
                ..html
            },
            Link {
                rel: "alternate".into(),
                ..json
            },
        ],
    }
}

/// A JSON answer with `media_type`.
pub(crate) fn json_response(value: &impl Serialize, media_type: &str) -> HttpResponse {
    match serde_json::to_vec(value) {
        Ok(body) => HttpResponse::Ok().content_type(media_type).body(body),
        Err(e) => ApiError::internal(&e).error_response(),
    }
}

/// An HTML answer.
pub(crate) fn html_response(page: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page)
}
