//! The items resource (streamed GeoJSON or an HTML page) and single features.
//!
//! GeoJSON answers stream: the store runs in a spawned task feeding a [`GeoJsonSink`] whose
//! chunks travel through a bounded channel to the response body. The handler waits for the
//! store's `begin` before answering, so errors found before the first feature (unknown
//! collection, invalid query, store down) still become proper problem+json answers; a failure
//! after that aborts the body.

use std::sync::Arc;

use actix_web::http::header::HeaderValue;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use segit_query::sink::VecSink;
use segit_query::{Collection, Crs, FeatureQuery, Identity, QueryStats};
use segit_store::{FeatureStore, StoreError};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;

use crate::common::config::AppState;
use crate::common::error::ApiError;
use crate::common::links::{GEOJSON, HTML, Link, segment};
use crate::common::negotiate::Format;
use crate::common::params::{QueryParams, parse_crs};
use crate::encode::json::write_feature;
use crate::encode::{GeoJsonSink, TrailerLinks};
use crate::features::collections::{collection_url, find};
use crate::features::request::ItemsRequest;
use crate::features::{html_items, html_response};

/// Chunks buffered between the store task and the client (each about 32 KiB).
const CHANNEL_CHUNKS: usize = 4;

/// `GET /collections/{collection_id}/items`
pub async fn items(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let catalog = state.store.catalog().await?;
    let collection = find(&catalog, &path)?;
    let request = ItemsRequest::parse(&req, collection, &state.config)?;
    let items_url = format!("{}/items", collection_url(&state.config, &collection.id));
    match request.format {
        Format::Json => stream_geojson(state.store.clone(), request, items_url).await,
        Format::Html => {
            let mut query = request.query.clone();
            query.output_crs = Crs::Crs84;
            let mut sink = VecSink::default();
            let stats = state.store.query(&query, &mut sink).await?;
            let links = request.page_links(&items_url, &stats, Format::Html);
            let page =
                html_items::items_page(&state.config, collection, &sink.features, &stats, &links);
            Ok(html_response(page))
        }
    }
}

/// Runs the query in a task and answers with the streamed FeatureCollection.
async fn stream_geojson(
    store: Arc<dyn FeatureStore>,
    request: ItemsRequest,
    items_url: String,
) -> Result<HttpResponse, ApiError> {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    let (begin_tx, begin_rx) = oneshot::channel();
    let crs = request.crs;
    let query: FeatureQuery = request.query.clone();
    let links: TrailerLinks =
        Box::new(move |stats: &QueryStats| request.page_links(&items_url, stats, Format::Json));
    let task = tokio::spawn(async move {
        let mut sink = GeoJsonSink::new(tx.clone(), crs.north_east(), links).notify_begin(begin_tx);
        match store.query(&query, &mut sink).await {
            Ok(_) if sink.begun() => Ok(()),
            Ok(_) => Err(StoreError::Backend(
                "the store ended without calling begin".into(),
            )),
            Err(e) if sink.begun() => {
                log_late_failure(&e);
                let _ = tx
                    .send(Err(std::io::Error::other("feature stream aborted")))
                    .await;
                Ok(())
            }
            Err(e) => Err(e),
        }
    });
    if begin_rx.await.is_err() {
        // the task ended before `begin`: it failed, report why
        return Err(match task.await {
            Ok(Err(e)) => e.into(),
            Ok(Ok(())) => ApiError::internal(&"the feature stream ended before it began"),
            Err(join) => ApiError::internal(&join),
        });
    }
    Ok(HttpResponse::Ok()
        .content_type(GEOJSON)
        .insert_header(content_crs(crs))
        .streaming(ReceiverStream::new(rx)))
}

fn log_late_failure(e: &StoreError) {
    match e {
        StoreError::Sink(segit_query::SinkError::Closed) => {
            tracing::debug!("client went away during a feature stream");
        }
        other => {
            let id = crate::common::error::request_id();
            tracing::error!(request_id = %id, error = %other, "feature stream aborted");
        }
    }
}

/// The `Content-Crs` header announcing the CRS of coordinates.
fn content_crs(crs: Crs) -> (&'static str, HeaderValue) {
    let value = HeaderValue::from_str(&format!("<{}>", crs.uri()))
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    ("Content-Crs", value)
}

/// `GET /collections/{collection_id}/items/{feature_id}`
pub async fn feature(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (collection_id, feature_id) = path.into_inner();
    let params = QueryParams::parse(req.query_string())?;
    params.reject_unknown(&["f", "crs"])?;
    let format = Format::negotiate(params.get("f"), &req)?;
    let asked = params
        .get("crs")
        .map(|raw| parse_crs("crs", raw))
        .transpose()?;
    // the HTML page draws its map from CRS84 whatever was asked
    let crs = match format {
        Format::Json => asked.unwrap_or(Crs::Crs84),
        Format::Html => Crs::Crs84,
    };
    let catalog = state.store.catalog().await?;
    let collection = find(&catalog, &collection_id)?;
    let found = state
        .store
        .get(&collection.id, &feature_id, crs, &Identity::Anonymous)
        .await?;
    let Some(f) = found else {
        return Err(ApiError::not_found(format!(
            "collection '{}' has no feature '{feature_id}'",
            collection.id
        )));
    };
    let links = feature_links(&state.config, collection, &f.id, format);
    Ok(match format {
        Format::Json => {
            let mut body = Vec::with_capacity(1024);
            write_feature(&mut body, &f, crs.north_east(), Some(&links));
            HttpResponse::Ok()
                .content_type(GEOJSON)
                .insert_header(content_crs(crs))
                .body(body)
        }
        Format::Html => html_response(html_items::feature_page(
            &state.config,
            collection,
            &f,
            &links,
        )),
    })
}

/// `self`, `alternate` and `collection` links of one feature.
fn feature_links(
    config: &crate::ServiceConfig,
    collection: &Collection,
    id: &str,
    format: Format,
) -> Vec<Link> {
    let coll = collection_url(config, &collection.id);
    let url = format!("{coll}/items/{}", segment(id));
    let json = Link::new(
        format!("{url}?f=json"),
        "self",
        GEOJSON,
        "this feature as GeoJSON",
    );
    let html = Link::new(
        format!("{url}?f=html"),
        "alternate",
        HTML,
        "this feature as HTML",
    );
    let mut links = match format {
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
    };
    links.push(Link::new(
        format!("{coll}?f=json"),
        "collection",
        crate::common::links::JSON,
        format!("the collection '{}'", collection.title),
    ));
    links
}
