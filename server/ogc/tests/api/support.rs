//! Test support: an in-memory [`FeatureStore`] built on the query core's reference evaluation,
//! fixtures, and helpers to call the app.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, test};
use async_trait::async_trait;
use chrono::{NaiveDate, TimeZone, Utc};
use geo_types::{Geometry, point, polygon};
use segit_ogc::{AppState, ServiceConfig};
use segit_query::eval::{datetime_matches, evaluate, prepare};
use segit_query::{
    Catalog, Collection, Crs, Extent, Feature, FeatureQuery, FeatureSink, Filter, GeometryType,
    Identity, Property, PropertyType, QueryStats, TemporalProperties, Value,
};
use segit_store::{FeatureStore, IngestSink, StoreError};

/// How a [`MemoryStore`] misbehaves, to exercise error paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// answers normally
    None,
    /// every call fails with `Unavailable`
    Unavailable,
    /// `query` fails with a backend error before `begin`
    BackendBeforeBegin,
    /// `query` fails with a backend error after `begin` and a few features
    BackendAfterBegin,
}

/// Features kept in memory in each collection's storage CRS, sorted by id.
pub struct MemoryStore {
    catalog: Catalog,
    features: HashMap<String, Vec<Feature>>,
    failure: Failure,
}

impl MemoryStore {
    pub fn new(catalog: Catalog, features: HashMap<String, Vec<Feature>>) -> Self {
        let mut features = features;
        for list in features.values_mut() {
            list.sort_by(|a, b| a.id.cmp(&b.id));
        }
        Self {
            catalog,
            features,
            failure: Failure::None,
        }
    }

    pub fn failing(mut self, failure: Failure) -> Self {
        self.failure = failure;
        self
    }

    fn collection(&self, id: &str) -> Result<&Collection, StoreError> {
        self.catalog
            .get(id)
            .ok_or_else(|| segit_query::QueryError::UnknownCollection(id.into()).into())
    }

    /// Matching features (before paging) in storage CRS.
    fn select(&self, q: &FeatureQuery) -> Result<Vec<&Feature>, StoreError> {
        let c = self.collection(&q.collection)?;
        let mut filter = q.filter.clone();
        if let Some(b) = q.bbox {
            filter = Some(match filter {
                Some(f) => f.and(Filter::BBox(b)),
                None => Filter::BBox(b),
            });
        }
        let filter = filter.map(|f| prepare(f, c.storage_crs)).transpose()?;
        let all = self
            .features
            .get(&c.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        Ok(all
            .iter()
            .filter(|f| {
                filter
                    .as_ref()
                    .is_none_or(|flt| evaluate(flt, f) == Some(true))
            })
            .filter(|f| match (&q.datetime, &c.temporal) {
                (Some(i), Some(t)) => datetime_matches(i, t, f),
                _ => true,
            })
            .collect())
    }

    fn fail(&self) -> Result<(), StoreError> {
        match self.failure {
            Failure::Unavailable => Err(StoreError::Unavailable(
                "connection refused (db:5432)".into(),
            )),
            Failure::None | Failure::BackendBeforeBegin | Failure::BackendAfterBegin => Ok(()),
        }
    }
}

fn in_crs(mut f: Feature, from: Crs, to: Crs) -> Result<Feature, StoreError> {
    if let Some(g) = f.geometry.as_mut() {
        segit_query::crs::Transformer::new(from, to)?.transform_geometry(g)?;
    }
    Ok(f)
}

#[async_trait]
impl FeatureStore for MemoryStore {
    async fn catalog(&self) -> Result<Catalog, StoreError> {
        self.fail()?;
        Ok(self.catalog.clone())
    }

    async fn query(
        &self,
        q: &FeatureQuery,
        sink: &mut dyn FeatureSink,
    ) -> Result<QueryStats, StoreError> {
        self.fail()?;
        if self.failure == Failure::BackendBeforeBegin {
            return Err(StoreError::Backend(
                "relation \"secret_table\" does not exist".into(),
            ));
        }
        let c = self.collection(&q.collection)?.clone();
        let selected = self.select(q)?;
        sink.begin(&c).await?;
        let limit = q.limit.map_or(usize::MAX, |l| l as usize);
        let mut returned = 0;
        for f in selected.iter().skip(q.offset as usize).take(limit) {
            if self.failure == Failure::BackendAfterBegin && returned == 3 {
                return Err(StoreError::Backend("connection reset".into()));
            }
            sink.feature(in_crs((*f).clone(), c.storage_crs, q.output_crs)?)
                .await?;
            returned += 1;
        }
        let stats = QueryStats {
            number_matched: selected.len() as u64,
            number_returned: returned,
        };
        sink.end(stats).await?;
        Ok(stats)
    }

    async fn count(&self, q: &FeatureQuery) -> Result<u64, StoreError> {
        self.fail()?;
        Ok(self.select(q)?.len() as u64)
    }

    async fn get(
        &self,
        collection: &str,
        id: &str,
        crs: Crs,
        _identity: &Identity,
    ) -> Result<Option<Feature>, StoreError> {
        self.fail()?;
        let c = self.collection(collection)?;
        let found = self
            .features
            .get(collection)
            .and_then(|l| l.iter().find(|f| f.id == id))
            .cloned();
        found.map(|f| in_crs(f, c.storage_crs, crs)).transpose()
    }

    async fn extent(&self, collection: &str) -> Result<Option<Extent>, StoreError> {
        self.fail()?;
        Ok(self.collection(collection)?.extent)
    }

    async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError> {
        Err(StoreError::Backend(
            "the in-memory test store is read-only".into(),
        ))
    }
}

pub fn parcels_collection() -> Collection {
    Collection {
        id: "parcels".into(),
        title: "Cadastral parcels".into(),
        description: "Parcels of the test municipality <demo>".into(),
        keywords: vec!["cadastre".into(), "parcel".into()],
        geometry_type: GeometryType::Polygon,
        storage_crs: Crs::Crs84,
        properties: vec![
            Property::new("foglio", PropertyType::Integer, "Sheet").required(),
            Property::new("particella", PropertyType::Text, "Parcel number").required(),
            Property::new("area", PropertyType::Number, "Area (m²)"),
            Property::new("valid_from", PropertyType::Date, "Valid from"),
            Property::new("valid_to", PropertyType::Date, "Valid to"),
            Property::new("owner", PropertyType::Text, "Owner").personal(),
        ],
        temporal: Some(TemporalProperties {
            start: "valid_from".into(),
            end: Some("valid_to".into()),
        }),
        extent: Some(Extent {
            bbox_crs84: Some([7.0, 45.0, 7.025, 45.005]),
            temporal: Some([
                Some(Utc.with_ymd_and_hms(2010, 1, 1, 0, 0, 0).unwrap()),
                None,
            ]),
        }),
    }
}

pub fn addresses_collection() -> Collection {
    Collection {
        id: "addresses".into(),
        title: "Addresses".into(),
        description: "Street numbers".into(),
        keywords: vec![],
        geometry_type: GeometryType::Point,
        storage_crs: Crs::Crs84,
        properties: vec![
            Property::new("street", PropertyType::Text, "Street"),
            Property::new("number", PropertyType::Integer, "Number"),
        ],
        temporal: None,
        extent: Some(Extent {
            bbox_crs84: Some([7.0, 45.0, 7.1, 45.1]),
            temporal: None,
        }),
    }
}

fn date(y: i32, m: u32, d: u32) -> Value {
    Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

/// 25 parcels in a row (ids `p01`..`p25`), sheet 1 for the first 10, 2 for the others; parcels
/// 21..25 were closed at the end of 2019.
pub fn parcels() -> Vec<Feature> {
    (1..=25)
        .map(|i| {
            let x0 = 7.0 + f64::from(i - 1) * 0.001;
            let g = polygon![
                (x: x0, y: 45.0), (x: x0 + 0.0008, y: 45.0), (x: x0 + 0.0008, y: 45.005),
                (x: x0, y: 45.005), (x: x0, y: 45.0)
            ];
            Feature {
                id: format!("p{i:02}"),
                geometry: Some(Geometry::Polygon(g)),
                properties: vec![
                    ("foglio".into(), Value::Int(if i <= 10 { 1 } else { 2 })),
                    ("particella".into(), Value::Text(format!("{}", 100 + i))),
                    ("area".into(), Value::Float(250.5 + f64::from(i))),
                    ("valid_from".into(), date(2010, 1, 1)),
                    (
                        "valid_to".into(),
                        if i > 20 {
                            date(2019, 12, 31)
                        } else {
                            Value::Null
                        },
                    ),
                    ("owner".into(), Value::Text(format!("Rossi <{i}> & figli"))),
                ],
            }
        })
        .collect()
}

/// `n` address points on a grid (ids `a000001`...).
pub fn addresses(n: u32) -> Vec<Feature> {
    (0..n)
        .map(|i| Feature {
            id: format!("a{i:06}"),
            geometry: Some(Geometry::Point(point! {
                x: 7.0 + f64::from(i % 1000) * 0.0001,
                y: 45.0 + f64::from(i / 1000) * 0.0001,
            })),
            properties: vec![
                ("street".into(), Value::Text("Via Roma".into())),
                ("number".into(), Value::Int(i64::from(i) + 1)),
            ],
        })
        .collect()
}

pub fn config() -> ServiceConfig {
    ServiceConfig {
        public_url: "http://example.test:8080".into(),
        title: "segit test".into(),
        description: "Test municipality".into(),
        default_limit: 10,
        max_limit: 100,
    }
}

pub fn store() -> MemoryStore {
    store_with(20)
}

pub fn store_with(addresses_count: u32) -> MemoryStore {
    let catalog = Catalog {
        collections: vec![parcels_collection(), addresses_collection()],
    };
    let features = HashMap::from([
        ("parcels".to_owned(), parcels()),
        ("addresses".to_owned(), addresses(addresses_count)),
    ]);
    MemoryStore::new(catalog, features)
}

/// A test service over `store` and `config`.
pub async fn app(
    store: MemoryStore,
    config: ServiceConfig,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let state = AppState {
        store: Arc::new(store),
        config,
    };
    test::init_service(App::new().configure(segit_ogc::configure(state))).await
}

/// A response as status, headers and body text.
pub struct Answer {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }

    /// Asserts a problem+json answer with `status` whose detail contains `detail`.
    pub fn assert_problem(&self, status: u16, detail: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.header("content-type"), "application/problem+json");
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(p["title"].is_string() && p["type"].is_string());
        let d = p["detail"].as_str().unwrap();
        assert!(d.contains(detail), "detail {d:?} lacks {detail:?}");
    }
}

pub async fn call<S>(app: &S, uri: &str, accept: Option<&str>) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(a) = accept {
        req = req.insert_header(("Accept", a));
    }
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = test::read_body(resp).await;
    Answer {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

pub async fn get<S>(app: &S, uri: &str) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    call(app, uri, None).await
}

/// The body of `resp` chunk by chunk.
pub async fn chunks(resp: ServiceResponse) -> Vec<Result<bytes::Bytes, String>> {
    let mut body = resp.into_body();
    let mut out = Vec::new();
    loop {
        let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_next(cx)).await;
        match next {
            None => break,
            Some(Ok(b)) => out.push(Ok(b)),
            Some(Err(e)) => {
                out.push(Err(e.to_string()));
                break;
            }
        }
    }
    out
}
