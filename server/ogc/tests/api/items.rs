//! Items and single features: paging, bbox, CRS, datetime, property filters, HTML.

use serde_json::Value;

use crate::support::{app, config, get, store};

fn ids(doc: &Value) -> Vec<String> {
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

fn link_href(doc: &Value, rel: &str) -> Option<String> {
    doc["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel)
        .map(|l| l["href"].as_str().unwrap().to_owned())
}

fn path_of(href: &str) -> &str {
    href.strip_prefix("http://example.test:8080")
        .expect("absolute link from public_url")
}

#[actix_web::test]
async fn first_page_has_counts_and_a_next_link() {
    let app = app(store(), config()).await;
    let a = get(&app, "/collections/parcels/items").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), "application/geo+json");
    assert_eq!(
        a.header("content-crs"),
        "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    );
    let doc = a.json();
    assert_eq!(doc["type"], "FeatureCollection");
    assert_eq!(doc["numberMatched"], 25);
    assert_eq!(doc["numberReturned"], 10);
    assert!(doc["timeStamp"].as_str().unwrap().ends_with('Z'));
    let f = &doc["features"][0];
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["id"], "p01");
    assert_eq!(f["geometry"]["type"], "Polygon");
    assert_eq!(
        f["geometry"]["coordinates"][0][0],
        serde_json::json!([7.0, 45.0])
    );
    assert_eq!(f["properties"]["foglio"], 1);
    assert_eq!(f["properties"]["valid_from"], "2010-01-01");
    assert_eq!(f["properties"]["valid_to"], Value::Null);
    assert_eq!(
        link_href(&doc, "self").unwrap(),
        "http://example.test:8080/collections/parcels/items?limit=10&f=json"
    );
    assert_eq!(
        link_href(&doc, "next").unwrap(),
        "http://example.test:8080/collections/parcels/items?limit=10&offset=10&f=json"
    );
    assert!(link_href(&doc, "alternate").unwrap().ends_with("f=html"));
    assert!(link_href(&doc, "prev").is_none());
    for l in doc["links"].as_array().unwrap() {
        let expected = if l["rel"] == "alternate" {
            "text/html"
        } else {
            "application/geo+json"
        };
        assert_eq!(l["type"], expected, "{l}");
    }
}

#[actix_web::test]
async fn following_next_links_visits_every_feature_once() {
    let app = app(store(), config()).await;
    let mut uri = "/collections/parcels/items?foglio=2&limit=4".to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let doc = get(&app, &uri).await.json();
        pages += 1;
        seen.extend(ids(&doc));
        if pages > 1 {
            assert!(link_href(&doc, "prev").is_some());
        }
        let Some(next) = link_href(&doc, "next") else {
            assert_eq!(doc["numberReturned"], 3, "last page");
            break;
        };
        assert!(next.contains("foglio=2"), "filters survive paging: {next}");
        uri = path_of(&next).to_owned();
    }
    assert_eq!(pages, 4);
    let expected: Vec<String> = (11..=25).map(|i| format!("p{i:02}")).collect();
    assert_eq!(seen, expected);
}

#[actix_web::test]
async fn limit_above_the_maximum_is_clamped() {
    let app = app(store_with(150), config()).await;
    let doc = get(&app, "/collections/addresses/items?limit=100000")
        .await
        .json();
    assert_eq!(doc["numberReturned"], 100);
    assert_eq!(doc["numberMatched"], 150);
    assert!(link_href(&doc, "self").unwrap().contains("limit=100&"));
    let doc = get(&app, "/collections/addresses/items?limit=100&offset=100")
        .await
        .json();
    assert_eq!(doc["numberReturned"], 50);
    assert!(link_href(&doc, "next").is_none());
    assert!(
        link_href(&doc, "prev")
            .unwrap()
            .contains("limit=100&f=json")
    );
}

use crate::support::store_with;

#[actix_web::test]
async fn bbox_selects_in_crs84_and_in_latitude_first_epsg_4326() {
    let app = app(store(), config()).await;
    let doc = get(
        &app,
        "/collections/parcels/items?bbox=7.0001,45.001,7.0025,45.002",
    )
    .await
    .json();
    assert_eq!(ids(&doc), ["p01", "p02", "p03"]);
    let uri = "/collections/parcels/items?bbox=45.001,7.0001,45.002,7.0025&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326";
    let doc = get(&app, uri).await.json();
    assert_eq!(ids(&doc), ["p01", "p02", "p03"]);
}

#[actix_web::test]
async fn crs_epsg_4326_swaps_axes_and_announces_the_crs() {
    let app = app(store(), config()).await;
    let a = get(&app, "/collections/parcels/items?crs=EPSG:4326&limit=1").await;
    assert_eq!(
        a.header("content-crs"),
        "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    );
    let doc = a.json();
    assert_eq!(
        doc["features"][0]["geometry"]["coordinates"][0][0],
        serde_json::json!([45.0, 7.0])
    );
    assert!(link_href(&doc, "next").unwrap().contains("crs=EPSG:4326"));

    let a = get(
        &app,
        "/collections/parcels/items/p01?crs=http://www.opengis.net/def/crs/EPSG/0/4326",
    )
    .await;
    assert_eq!(
        a.json()["geometry"]["coordinates"][0][0],
        serde_json::json!([45.0, 7.0])
    );

    // a projected CRS keeps east/north order, in metres
    let a = get(&app, "/collections/parcels/items?crs=EPSG:32632&limit=1").await;
    assert_eq!(
        a.header("content-crs"),
        "<http://www.opengis.net/def/crs/EPSG/0/32632>"
    );
    let c = &a.json()["features"][0]["geometry"]["coordinates"][0][0];
    let (e, n) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    assert!(
        (300_000.0..500_000.0).contains(&e) && (4_900_000.0..5_100_000.0).contains(&n),
        "{e},{n}"
    );
}

#[actix_web::test]
async fn datetime_selects_by_validity() {
    let app = app(store(), config()).await;
    let doc = get(
        &app,
        "/collections/parcels/items?datetime=2021-06-01T00:00:00Z&limit=100",
    )
    .await
    .json();
    assert_eq!(doc["numberMatched"], 20);
    let doc = get(
        &app,
        "/collections/parcels/items?datetime=../2015-01-01&limit=100",
    )
    .await
    .json();
    assert_eq!(doc["numberMatched"], 25);
    let doc = get(
        &app,
        "/collections/parcels/items?datetime=2005-01-01T00:00:00Z/2009-12-31T00:00:00Z",
    )
    .await
    .json();
    assert_eq!(doc["numberMatched"], 0);
    assert!(link_href(&doc, "next").is_none());
}

#[actix_web::test]
async fn property_filters_coerce_values_to_the_property_type() {
    let app = app(store(), config()).await;
    let doc = get(&app, "/collections/parcels/items?foglio=1&limit=100")
        .await
        .json();
    assert_eq!(doc["numberMatched"], 10);
    let doc = get(&app, "/collections/parcels/items?particella=105")
        .await
        .json();
    assert_eq!(ids(&doc), ["p05"]);
    let doc = get(&app, "/collections/parcels/items?foglio=2&particella=105")
        .await
        .json();
    assert_eq!(doc["numberMatched"], 0);
    let doc = get(
        &app,
        "/collections/parcels/items?owner=Rossi%20%3C3%3E%20%26%20figli",
    )
    .await
    .json();
    assert_eq!(ids(&doc), ["p03"]);
}

#[actix_web::test]
async fn one_feature_has_self_and_collection_links() {
    let app = app(store(), config()).await;
    let a = get(&app, "/collections/parcels/items/p03").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), "application/geo+json");
    let f = a.json();
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["id"], "p03");
    assert_eq!(f["properties"]["particella"], "103");
    assert_eq!(
        link_href(&f, "self").unwrap(),
        "http://example.test:8080/collections/parcels/items/p03?f=json"
    );
    assert_eq!(
        link_href(&f, "collection").unwrap(),
        "http://example.test:8080/collections/parcels?f=json"
    );
}

#[actix_web::test]
async fn html_pages_show_an_svg_map_a_table_and_paging() {
    let app = app(store(), config()).await;
    let a = get(&app, "/collections/parcels/items?f=html&limit=5&offset=5").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), "text/html; charset=utf-8");
    let page = &a.body;
    assert!(
        page.contains("<svg") && page.contains("<path d=\"M"),
        "map with polygons"
    );
    assert_eq!(page.matches("fill-rule=\"evenodd\"").count(), 5);
    assert!(
        page.contains("Rossi &lt;6&gt; &amp; figli"),
        "escaped values"
    );
    assert!(
        page.contains("limit=5&amp;offset=10&amp;f=html"),
        "next link"
    );
    assert!(
        page.contains("limit=5&amp;f=html"),
        "prev link to the first page"
    );
    assert!(page.contains("5 of 25 matching features"));

    let page = get(&app, "/collections/addresses/items?f=html").await.body;
    assert_eq!(page.matches("<circle").count(), 10, "points as circles");

    let page = get(&app, "/collections/parcels/items/p03?f=html")
        .await
        .body;
    assert!(page.contains("<svg") && page.contains("evenodd"));
    assert!(page.contains("Rossi &lt;3&gt; &amp; figli"));
    assert!(page.contains("Parcel number"));
}
