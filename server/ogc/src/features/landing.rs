//! The landing page (`/`) and the conformance declaration (`/conformance`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::common::config::{AppState, ServiceConfig};
use crate::common::error::ApiError;
use crate::common::links::{HTML, JSON, Link, OPENAPI_JSON};
use crate::common::negotiate::Format;
use crate::features::{CONFORMANCE, format_only, html, html_response, json_response, self_links};

/// The landing page document.
#[derive(Debug, Serialize)]
pub struct Landing {
    /// service title
    pub title: String,
    /// service description
    pub description: String,
    /// links to the API definition, conformance and data
    pub links: Vec<Link>,
}

/// The landing page of `config` answered as `format`.
pub fn landing_document(config: &ServiceConfig, format: Format) -> Landing {
    let mut links = self_links(&config.url("/"), format, JSON, "this document");
    links.extend([
        Link::new(
            config.url("/api"),
            "service-desc",
            OPENAPI_JSON,
            "the API definition (OpenAPI 3.0)",
        ),
        Link::new(
            config.url("/api.html"),
            "service-doc",
            HTML,
            "the API documentation",
        ),
        Link::new(
            config.url("/conformance"),
            "conformance",
            JSON,
            "OGC API conformance classes implemented by this server",
        ),
        Link::new(
            config.url("/collections"),
            "data",
            JSON,
            "information about the feature collections",
        ),
    ]);
    Landing {
        title: config.title.clone(),
        description: config.description.clone(),
        links,
    }
}

/// `GET /`
pub async fn landing(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let format = format_only(&req)?;
    let doc = landing_document(&state.config, format);
    Ok(match format {
        Format::Json => json_response(&doc, JSON),
        Format::Html => html_response(html::landing_page(&state.config, &doc.links)),
    })
}

/// The conformance declaration.
#[derive(Debug, Serialize)]
pub struct Conformance {
    /// conformance class URIs
    #[serde(rename = "conformsTo")]
    pub conforms_to: Vec<&'static str>,
}

/// `GET /conformance`
pub async fn conformance(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let format = format_only(&req)?;
    Ok(match format {
        Format::Json => json_response(
            &Conformance {
                conforms_to: CONFORMANCE.to_vec(),
            },
            JSON,
        ),
        Format::Html => html_response(html::conformance_page(&state.config, &CONFORMANCE)),
    })
}
