//! The OpenAPI 3.0 document, generated from the catalog and the configuration: one path per
//! collection, its items (with `limit` default and maximum from the configuration, `bbox`,
//! `bbox-crs`, `crs`, `datetime` for temporal collections, `offset`, property filters) and its
//! features. Parameters are written inline so that clients need not resolve references.

use std::fmt::Write;

use actix_web::{HttpRequest, HttpResponse, web};
use segit_query::{Catalog, Collection, Crs};
use serde_json::{Map, Value as Json, json};

use crate::common::config::{AppState, ServiceConfig};
use crate::common::error::ApiError;
use crate::common::links::{GEOJSON, HTML, JSON, OPENAPI_JSON, PROBLEM_JSON};
use crate::common::negotiate::Format;
use crate::features::collections::crs_list;
use crate::features::{format_only, html, html_response, json_response};

/// `GET /api` (`f=html` gives the documentation page).
pub async fn api(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let format = format_only(&req)?;
    let catalog = state.store.catalog().await?;
    let doc = document(&state.config, &catalog);
    Ok(match format {
        Format::Json => json_response(&doc, OPENAPI_JSON),
        Format::Html => html_response(api_page(&state.config, &doc)),
    })
}

/// `GET /api.html`
pub async fn api_html(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    format_only(&req)?;
    let catalog = state.store.catalog().await?;
    Ok(html_response(api_page(
        &state.config,
        &document(&state.config, &catalog),
    )))
}

/// The OpenAPI 3.0 document.
pub fn document(config: &ServiceConfig, catalog: &Catalog) -> Json {
    let mut paths = Map::new();
    paths.insert(
        "/".into(),
        get(
            "getLandingPage",
            "Landing page",
            vec![f_param()],
            ok(JSON, "landing page"),
        ),
    );
    paths.insert(
        "/conformance".into(),
        get(
            "getConformanceDeclaration",
            "Conformance classes",
            vec![f_param()],
            ok(JSON, "conformance declaration"),
        ),
    );
    paths.insert(
        "/api".into(),
        get(
            "getApiDefinition",
            "This API definition",
            vec![f_param()],
            ok(OPENAPI_JSON, "the OpenAPI document"),
        ),
    );
    paths.insert(
        "/collections".into(),
        get(
            "getCollections",
            "Feature collections",
            vec![f_param()],
            ok(JSON, "the collections"),
        ),
    );
    for c in &catalog.collections {
        let base = format!("/collections/{}", c.id);
        paths.insert(
            base.clone(),
            get(
                &format!("describeCollection_{}", c.id),
                &format!("Collection '{}'", c.title),
                vec![f_param()],
                ok(JSON, "collection metadata"),
            ),
        );
        paths.insert(
            format!("{base}/items"),
            get(
                &format!("getFeatures_{}", c.id),
                &format!("Features of '{}'", c.title),
                items_params(config, c),
                ok(GEOJSON, "a page of features"),
            ),
        );
        let feature_params = vec![
            feature_id_param(),
            crs_param("crs", "CRS of the returned coordinates"),
            f_param(),
        ];
        paths.insert(
            format!("{base}/items/{{featureId}}"),
            get(
                &format!("getFeature_{}", c.id),
                &format!("One feature of '{}'", c.title),
                feature_params,
                ok(GEOJSON, "the feature"),
            ),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": config.title,
            "description": config.description,
            "version": env!("CARGO_PKG_VERSION"),
        },
        "servers": [{ "url": config.public_url }],
        "paths": paths,
        "components": {
            "schemas": {
                "exception": {
                    "type": "object",
                    "required": ["type", "title", "status"],
                    "properties": {
                        "type": {"type": "string"}, "title": {"type": "string"},
                        "status": {"type": "integer"}, "detail": {"type": "string"},
                        "code": {"type": "string"}
                    }
                }
            }
        }
    })
}

#[allow(clippy::needless_pass_by_value)] // built inline by every caller
fn get(operation_id: &str, summary: &str, parameters: Vec<Json>, success: Json) -> Json {
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": { PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/exception" } } }
        })
    };
    json!({ "get": {
        "operationId": operation_id,
        "summary": summary,
        "parameters": parameters,
        "responses": {
            "200": success,
            "400": problem("invalid request parameter"),
            "404": problem("no such resource"),
            "500": problem("server error"),
            "503": problem("data store temporarily unavailable; see Retry-After"),
        }
    }})
}

fn ok(media_type: &str, description: &str) -> Json {
    json!({
        "description": description,
        "content": { media_type: { "schema": { "type": "object" } }, HTML: { "schema": { "type": "string" } } }
    })
}

#[allow(clippy::needless_pass_by_value)] // built inline by every caller
fn param(name: &str, location: &str, description: &str, schema: Json) -> Json {
    json!({
        "name": name, "in": location, "description": description,
        "required": location == "path", "style": "form", "explode": false, "schema": schema,
    })
}

fn f_param() -> Json {
    param(
        "f",
        "query",
        "representation: json or html (else the Accept header decides)",
        json!({"type": "string", "enum": ["json", "html"]}),
    )
}

fn crs_param(name: &str, description: &str) -> Json {
    let uris: Vec<String> = crs_list().into_iter().map(Crs::uri).collect();
    param(
        name,
        "query",
        description,
        json!({"type": "string", "format": "uri", "enum": uris, "default": Crs::Crs84.uri()}),
    )
}

fn feature_id_param() -> Json {
    let mut p = param(
        "featureId",
        "path",
        "identifier of the feature",
        json!({"type": "string"}),
    );
    p["style"] = json!("simple");
    p
}

fn items_params(config: &ServiceConfig, c: &Collection) -> Vec<Json> {
    let mut params = vec![
        param(
            "limit",
            "query",
            "maximum number of features in the page; larger values are reduced to the maximum",
            json!({"type": "integer", "minimum": 1, "maximum": config.max_limit, "default": config.default_limit.min(config.max_limit)}),
        ),
        param(
            "offset",
            "query",
            "number of features to skip",
            json!({"type": "integer", "minimum": 0, "default": 0}),
        ),
        param(
            "bbox",
            "query",
            "only features intersecting the box minx,miny,maxx,maxy (axis order of bbox-crs)",
            json!({"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}),
        ),
        crs_param("bbox-crs", "CRS of bbox"),
        crs_param(
            "crs",
            "CRS of the returned coordinates (Content-Crs tells which)",
        ),
        f_param(),
    ];
    if c.temporal.is_some() {
        params.push(param(
            "datetime",
            "query",
            "RFC 3339 instant or interval start/end, open ends as ..",
            json!({"type": "string"}),
        ));
    }
    for p in &c.properties {
        let (ty, format) = p.ty.json_schema();
        let mut schema = json!({"type": ty});
        if let Some(f) = format {
            schema["format"] = json!(f);
        }
        let mut q = param(
            &p.name,
            "query",
            &format!("only features whose {} equals this value", p.title),
            schema,
        );
        q["style"] = json!("form");
        q["explode"] = json!(false);
        params.push(q);
    }
    params
}

/// A readable page of the OpenAPI document: each path with its parameters.
pub fn api_page(config: &ServiceConfig, doc: &Json) -> String {
    let mut body = format!(
        "<p>{} <a href=\"{}\">OpenAPI 3.0 document (JSON)</a>.</p>",
        html::escape(&config.description),
        html::escape(&config.url("/api?f=json"))
    );
    let empty = Map::new();
    for (path, item) in doc["paths"].as_object().unwrap_or(&empty) {
        let op = &item["get"];
        let _ = write!(
            body,
            "<h2><code>GET {}</code></h2><p>{}</p>",
            html::escape(path),
            html::escape(op["summary"].as_str().unwrap_or_default())
        );
        body.push_str(
            "<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>",
        );
        for p in op["parameters"].as_array().into_iter().flatten() {
            let _ = write!(
                body,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                html::escape(p["name"].as_str().unwrap_or_default()),
                html::escape(p["in"].as_str().unwrap_or_default()),
                html::escape(&p["schema"]["type"].to_string()),
                html::escape(p["description"].as_str().unwrap_or_default())
            );
        }
        body.push_str("</table>");
    }
    let crumbs = [
        ("Home".to_owned(), config.url("/?f=html")),
        ("API".to_owned(), String::new()),
    ];
    html::page(
        config,
        "API definition",
        &crumbs,
        &config.url("/api?f=json"),
        &body,
    )
}
