//! Landing page, conformance, collections, OpenAPI, HTML pages.

use serde_json::Value;

use crate::support::{app, call, config, get, store};

fn link<'a>(doc: &'a Value, rel: &str, media_type: &str) -> &'a Value {
    doc["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel && l["type"] == media_type)
        .unwrap_or_else(|| panic!("no {rel} link of type {media_type} in {doc}"))
}

#[actix_web::test]
async fn landing_page_links_everything_with_types_and_titles() {
    let app = app(store(), config()).await;
    let a = get(&app, "/").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), "application/json");
    let doc = a.json();
    assert_eq!(doc["title"], "segit test");
    assert_eq!(doc["description"], "Test municipality");
    let base = "http://example.test:8080";
    assert_eq!(
        link(&doc, "self", "application/json")["href"],
        format!("{base}/?f=json")
    );
    assert_eq!(
        link(&doc, "alternate", "text/html")["href"],
        format!("{base}/?f=html")
    );
    assert_eq!(
        link(
            &doc,
            "service-desc",
            "application/vnd.oai.openapi+json;version=3.0"
        )["href"],
        format!("{base}/api")
    );
    assert_eq!(
        link(&doc, "service-doc", "text/html")["href"],
        format!("{base}/api.html")
    );
    assert_eq!(
        link(&doc, "conformance", "application/json")["href"],
        format!("{base}/conformance")
    );
    assert_eq!(
        link(&doc, "data", "application/json")["href"],
        format!("{base}/collections")
    );
    for l in doc["links"].as_array().unwrap() {
        assert!(!l["title"].as_str().unwrap().is_empty(), "{l}");
    }
    insta::assert_json_snapshot!("landing", doc);
}

#[actix_web::test]
async fn conformance_declares_core_geojson_html_oas30_and_crs() {
    let app = app(store(), config()).await;
    let doc = get(&app, "/conformance").await.json();
    insta::assert_json_snapshot!("conformance", doc);
    let classes: Vec<&str> = doc["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for c in ["core", "geojson", "html", "oas30"] {
        assert!(classes.contains(
            &format!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{c}").as_str()
        ));
    }
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"));
}

#[actix_web::test]
async fn collections_describe_extent_crs_and_links() {
    let app = app(store(), config()).await;
    let doc = get(&app, "/collections").await.json();
    let list = doc["collections"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let parcels = &list[0];
    assert_eq!(parcels["id"], "parcels");
    assert_eq!(parcels["itemType"], "feature");
    assert_eq!(
        parcels["keywords"],
        serde_json::json!(["cadastre", "parcel"])
    );
    let crs = parcels["crs"].as_array().unwrap();
    assert_eq!(crs[0], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    assert!(crs.contains(&Value::from("http://www.opengis.net/def/crs/EPSG/0/6707")));
    assert_eq!(crs.len(), 1 + segit_query::Crs::SUPPORTED_EPSG.len());
    assert_eq!(
        parcels["storageCrs"],
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    );
    assert_eq!(
        parcels["extent"]["spatial"]["bbox"],
        serde_json::json!([[7.0, 45.0, 7.025, 45.005]])
    );
    assert_eq!(
        parcels["extent"]["temporal"]["interval"],
        serde_json::json!([["2010-01-01T00:00:00Z", null]])
    );
    let items = link(parcels, "items", "application/geo+json");
    assert_eq!(
        items["href"],
        "http://example.test:8080/collections/parcels/items?f=json"
    );
    link(parcels, "items", "text/html");
    // addresses have no time: no temporal extent
    assert!(list[1]["extent"].get("temporal").is_none());

    let one = get(&app, "/collections/addresses").await.json();
    assert_eq!(one["id"], "addresses");
    assert_eq!(
        link(&one, "self", "application/json")["href"],
        "http://example.test:8080/collections/addresses?f=json"
    );
}

#[actix_web::test]
async fn openapi_declares_paths_and_limit_bounds() {
    let app = app(store(), config()).await;
    let a = get(&app, "/api").await;
    assert_eq!(
        a.header("content-type"),
        "application/vnd.oai.openapi+json;version=3.0"
    );
    let doc = a.json();
    assert_eq!(doc["openapi"], "3.0.3");
    for path in [
        "/",
        "/conformance",
        "/collections",
        "/collections/parcels",
        "/collections/parcels/items",
        "/collections/parcels/items/{featureId}",
        "/collections/addresses/items",
    ] {
        assert!(doc["paths"].get(path).is_some(), "missing path {path}");
    }
    let params = doc["paths"]["/collections/parcels/items"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let named = |n: &str| {
        params
            .iter()
            .find(|p| p["name"] == n)
            .unwrap_or_else(|| panic!("no parameter {n}"))
    };
    assert_eq!(named("limit")["schema"]["default"], 10);
    assert_eq!(named("limit")["schema"]["maximum"], 100);
    for n in ["bbox", "bbox-crs", "crs", "datetime", "offset", "foglio"] {
        named(n);
    }
    // no datetime for a collection without time
    let addr = doc["paths"]["/collections/addresses/items"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(!addr.iter().any(|p| p["name"] == "datetime"));
    let feature = &doc["paths"]["/collections/parcels/items/{featureId}"]["get"];
    assert!(
        feature["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "featureId" && p["in"] == "path")
    );
    assert!(
        feature["responses"]["404"]["content"]
            .get("application/problem+json")
            .is_some()
    );
}

#[actix_web::test]
async fn every_resource_has_an_escaped_html_page() {
    let app = app(store(), config()).await;
    for uri in [
        "/?f=html",
        "/conformance?f=html",
        "/collections?f=html",
        "/collections/parcels?f=html",
        "/api.html",
        "/api?f=html",
    ] {
        let a = get(&app, uri).await;
        assert_eq!(a.status, 200, "{uri}");
        assert_eq!(
            a.header("content-type"),
            "text/html; charset=utf-8",
            "{uri}"
        );
        assert!(a.body.starts_with("<!DOCTYPE html>"), "{uri}");
        assert!(!a.body.contains("<script"), "{uri}");
        assert!(
            !a.body.contains(" src=") && !a.body.contains("stylesheet"),
            "{uri}: external resource"
        );
    }
    let page = get(&app, "/collections/parcels?f=html").await.body;
    assert!(page.contains("Parcels of the test municipality &lt;demo&gt;"));
    assert!(page.contains("personal data"));
    // browsers get HTML without asking for it explicitly
    let a = call(
        &app,
        "/collections",
        Some("text/html,application/xhtml+xml,*/*;q=0.8"),
    )
    .await;
    assert!(a.header("content-type").starts_with("text/html"));
    let a = call(&app, "/collections", Some("application/json")).await;
    assert_eq!(a.header("content-type"), "application/json");
}
