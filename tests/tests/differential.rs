//! Differential test of the two storage backends: the same generated data (a few hundred
//! polygons and points in EPSG:7791, every property type, nulls, unicode text) is loaded into a
//! temporary GeoPackage and a fresh PostGIS schema, a battery of queries runs on both, and the
//! answers are compared feature by feature: ids and properties exactly, coordinates within 1e-9.
//!
//! Needs PostgreSQL with PostGIS (`scripts/pg-setup`); the database is `SEGIT_TEST_PG_URL`,
//! default `postgres://postgres@127.0.0.1:5432/segit_test`. Fails, never skips, without it.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use geo::CoordsIter;
use geo_types::{Geometry, LineString, Point, Polygon, point};
use segit_query::sink::VecSink;
use segit_query::{
    BBox, CmpOp, Collection, Crs, DatetimeInterval, Feature, FeatureQuery, Filter, GeometryType,
    Identity, Property, PropertyType, QueryStats, SortKey, SpatialOp, TemporalProperties, Value,
};
use segit_store::FeatureStore;
use segit_store_gpkg::GpkgStore;
use segit_store_postgis::{PostgisStore, migrate, quote_ident};

const POLYGONS: &str = "diff_polygons";
const POINTS: &str = "diff_points";
const STORAGE: Crs = Crs::Epsg(7791);
const ORIGIN: (f64, f64) = (514_000.0, 5_034_000.0);

const NAMES: [&str; 14] = [
    "via Roma",
    "Via Roma",
    "VIA ROMA 12",
    "àrea verde",
    "Zeta",
    "zeta",
    "ΟΔΟΣ ΑΘΗΝΑΣ",
    "100% pagato",
    "a_b",
    "back\\slash",
    "İzmir",
    "🏠 casa",
    "Ärger",
    "",
];

fn pg_url() -> String {
    std::env::var("SEGIT_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/segit_test".to_owned())
}

/// A fresh PostGIS schema, dropped (with its tables) when this value is dropped.
struct Schema {
    name: String,
}

impl Drop for Schema {
    fn drop(&mut self) {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", quote_ident(&self.name));
        let url = pg_url();
        let done = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
                tokio::spawn(conn);
                client.batch_execute(&sql).await
            })
        })
        .join();
        if !matches!(done, Ok(Ok(()))) {
            eprintln!("could not drop test schema {}", self.name);
        }
    }
}

fn properties() -> Vec<Property> {
    vec![
        Property::new("nome", PropertyType::Text, "Nome"),
        Property::new("piani", PropertyType::Integer, "Piani"),
        Property::new("rendita", PropertyType::Number, "Rendita"),
        Property::new("abitato", PropertyType::Boolean, "Abitato"),
        Property::new("dal", PropertyType::Date, "Dal"),
        Property::new("al", PropertyType::DateTime, "Al"),
        Property::new("codice", PropertyType::Text, "Codice").required(),
    ]
}

fn collection(id: &str, geometry_type: GeometryType) -> Collection {
    Collection {
        id: id.into(),
        title: id.into(),
        description: "differential test data".into(),
        keywords: vec![],
        geometry_type,
        storage_crs: STORAGE,
        properties: properties(),
        temporal: Some(TemporalProperties {
            start: "dal".into(),
            end: Some("al".into()),
        }),
        extent: None,
    }
}

fn maybe(i: usize, every: usize, v: Value) -> Value {
    if i % every == 2 { Value::Null } else { v }
}

fn props(i: usize) -> Vec<(String, Value)> {
    let n = i as i64;
    let day = NaiveDate::from_ymd_opt(2001, 1, 1).expect("date") + Duration::days(n * 53);
    let stamp = Utc
        .with_ymd_and_hms(2015, 6, 1, 12, 0, 0)
        .single()
        .expect("instant")
        + Duration::seconds(n * 86_399 * 5 - 7);
    vec![
        (
            "nome".into(),
            maybe(i, 9, Value::from(NAMES[i % NAMES.len()])),
        ),
        ("piani".into(), maybe(i, 7, Value::Int((n * 37) % 11 - 3))),
        (
            "rendita".into(),
            maybe(i, 8, Value::Float(n as f64 * 12.375 - 700.125)),
        ),
        (
            "abitato".into(),
            maybe(i, 5, Value::Bool(!i.is_multiple_of(3))),
        ),
        ("dal".into(), maybe(i, 11, Value::Date(day))),
        ("al".into(), maybe(i, 4, Value::DateTime(stamp))),
        (
            "codice".into(),
            Value::Text(format!("F{:03}", (i * 61) % 257)),
        ),
    ]
}

/// 240 polygons (squares of varying size, one in seven with a hole, some without geometry).
fn polygons() -> Vec<Feature> {
    (0..240)
        .map(|i| {
            let x = ORIGIN.0 + (i % 16) as f64 * 120.0 + 0.123_456_789 * (i % 5) as f64;
            let y = ORIGIN.1 + (i / 16) as f64 * 120.0 + 0.987_654_321 * (i % 3) as f64;
            let s = 20.0 + (i % 9) as f64 * 9.5;
            let ring = |x0: f64, y0: f64, d: f64| {
                LineString::from(vec![
                    (x0, y0),
                    (x0 + d, y0),
                    (x0 + d, y0 + d),
                    (x0, y0 + d),
                    (x0, y0),
                ])
            };
            let holes = if i % 7 == 0 {
                vec![ring(x + s / 4.0, y + s / 4.0, s / 2.0)]
            } else {
                vec![]
            };
            Feature {
                id: format!("p{i:03}"),
                geometry: (i % 23 != 4)
                    .then(|| Geometry::Polygon(Polygon::new(ring(x, y, s), holes))),
                properties: props(i),
            }
        })
        .collect()
}

/// 160 points on a jittered grid.
fn points() -> Vec<Feature> {
    (0..160)
        .map(|i| {
            let x = ORIGIN.0 + (i % 20) as f64 * 97.3 + 11.0;
            let y = ORIGIN.1 + (i / 20) as f64 * 101.7 + 7.0;
            Feature {
                id: format!("q{:03}", 159 - i),
                geometry: Some(Geometry::Point(Point::new(x, y))),
                properties: props(i + 3),
            }
        })
        .collect()
}

async fn load(store: &dyn FeatureStore) {
    let mut ingest = store.begin_ingest().await.expect("begin ingest");
    for (c, fs) in [
        (collection(POLYGONS, GeometryType::Polygon), polygons()),
        (collection(POINTS, GeometryType::Point), points()),
    ] {
        ingest
            .create_collection(&c)
            .await
            .expect("create collection");
        // two writes per collection, as a loader writing in batches does
        let mut fs = fs;
        let rest = fs.split_off(fs.len() / 3);
        ingest.write(&c.id, fs).await.expect("write");
        ingest.write(&c.id, rest).await.expect("write");
    }
    ingest.commit().await.expect("commit");
}

async fn answer(store: &dyn FeatureStore, q: &FeatureQuery) -> (Vec<Feature>, QueryStats) {
    let mut sink = VecSink::default();
    let stats = store.query(q, &mut sink).await.expect("query");
    assert_eq!(sink.stats, Some(stats));
    (sink.features, stats)
}

fn same_geometry(a: Option<&Geometry<f64>>, b: Option<&Geometry<f64>>) -> Result<(), String> {
    match (a, b) {
        (None, None) => Ok(()),
        (Some(a), Some(b)) => {
            if std::mem::discriminant(a) != std::mem::discriminant(b) {
                return Err(format!("geometry kinds differ: {a:?} / {b:?}"));
            }
            let ca: Vec<_> = a.coords_iter().collect();
            let cb: Vec<_> = b.coords_iter().collect();
            if ca.len() != cb.len() {
                return Err(format!("{} vs {} coordinates", ca.len(), cb.len()));
            }
            for (p, q) in ca.iter().zip(&cb) {
                if (p.x - q.x).abs() > 1e-9 || (p.y - q.y).abs() > 1e-9 {
                    return Err(format!("coordinates differ: {p:?} / {q:?}"));
                }
            }
            Ok(())
        }
        _ => Err(format!("one geometry is missing: {a:?} / {b:?}")),
    }
}

fn compare(what: &str, gpkg: &[Feature], pg: &[Feature]) {
    let ids = |fs: &[Feature]| fs.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(gpkg), ids(pg), "{what}: ids differ");
    for (a, b) in gpkg.iter().zip(pg) {
        assert_eq!(
            a.properties, b.properties,
            "{what}: properties of {} differ",
            a.id
        );
        if let Err(e) = same_geometry(a.geometry.as_ref(), b.geometry.as_ref()) {
            panic!("{what}: feature {}: {e}", a.id);
        }
    }
}

fn instant(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

fn filters() -> Vec<Filter> {
    let cmp = |p: &str, op, value: Value| Filter::Compare {
        property: p.into(),
        op,
        value,
    };
    let like = |pattern: &str, ci| Filter::Like {
        property: "nome".into(),
        pattern: pattern.into(),
        case_insensitive: ci,
    };
    let mut out = Vec::new();
    for op in [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ] {
        out.push(cmp("piani", op, Value::Int(2)));
        out.push(cmp("rendita", op, Value::Float(12.375 * 40.0 - 700.125)));
        out.push(cmp("nome", op, Value::from("Zeta")));
        out.push(cmp("abitato", op, Value::Bool(false)));
        out.push(cmp(
            "dal",
            op,
            Value::Date(NaiveDate::from_ymd_opt(2010, 3, 1).expect("date")),
        ));
        out.push(cmp(
            "al",
            op,
            Value::DateTime(instant("2017-01-01T00:00:00Z")),
        ));
    }
    for (p, ci) in [
        ("via%", false),
        ("VIA%", true),
        ("%roma%", true),
        ("%\\%%", false),
        ("a\\_b", false),
        ("a_b", false),
        ("%\\\\%", false),
        ("_eta", false),
        ("οδος%", true),
        ("i̇zmir", true),
        ("ä%", true),
        ("🏠%", false),
        ("", false),
    ] {
        out.push(like(p, ci));
        out.push(Filter::Not(Box::new(like(p, ci))));
    }
    out.push(Filter::In {
        property: "piani".into(),
        values: vec![Value::Int(-3), Value::Int(4), Value::Null],
    });
    out.push(Filter::Not(Box::new(Filter::In {
        property: "nome".into(),
        values: vec![Value::from("zeta"), Value::from("")],
    })));
    out.push(Filter::Between {
        property: "rendita".into(),
        low: Value::Float(-100.0),
        high: Value::Float(1000.0),
    });
    out.push(Filter::Not(Box::new(Filter::Between {
        property: "dal".into(),
        low: Value::Date(NaiveDate::from_ymd_opt(2005, 1, 1).expect("date")),
        high: Value::Date(NaiveDate::from_ymd_opt(2020, 1, 1).expect("date")),
    })));
    out.push(Filter::IsNull("al".into()));
    out.push(Filter::Not(Box::new(Filter::Or(vec![
        cmp("piani", CmpOp::Gt, Value::Int(2)),
        cmp("abitato", CmpOp::Eq, Value::Bool(true)),
    ]))));
    let area = Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (ORIGIN.0 + 300.0, ORIGIN.1 + 200.0),
            (ORIGIN.0 + 1100.0, ORIGIN.1 + 250.0),
            (ORIGIN.0 + 900.0, ORIGIN.1 + 1300.0),
            (ORIGIN.0 + 300.0, ORIGIN.1 + 200.0),
        ]),
        vec![],
    ));
    for op in [
        SpatialOp::Intersects,
        SpatialOp::Within,
        SpatialOp::Contains,
        SpatialOp::Disjoint,
    ] {
        out.push(Filter::Spatial {
            op,
            geometry: area.clone(),
            crs: STORAGE,
        });
    }
    out.push(Filter::Spatial {
        op: SpatialOp::Intersects,
        geometry: Geometry::Point(point!(x: 9.1890, y: 45.4560)),
        crs: Crs::Crs84,
    });
    out
}

fn bboxes() -> Vec<BBox> {
    vec![
        BBox::new(
            ORIGIN.0 + 250.0,
            ORIGIN.1 + 250.0,
            ORIGIN.0 + 900.0,
            ORIGIN.1 + 700.0,
            STORAGE,
        )
        .expect("bbox"),
        BBox::new(9.180, 45.450, 9.195, 45.462, Crs::Crs84).expect("bbox"),
        BBox::new(9.180, 45.450, 9.195, 45.462, Crs::Epsg(4326)).expect("bbox"),
        BBox::new(
            1_514_300.0,
            5_034_400.0,
            1_515_000.0,
            5_035_200.0,
            Crs::Epsg(3003),
        )
        .expect("bbox"),
        BBox::new(
            1_022_000.0,
            5_693_500.0,
            1_023_500.0,
            5_694_900.0,
            Crs::Epsg(3857),
        )
        .expect("bbox"),
        BBox::new(0.0, 0.0, 1.0, 1.0, Crs::Crs84).expect("bbox"),
    ]
}

fn queries(collection: &str) -> Vec<(String, FeatureQuery)> {
    let base = || FeatureQuery::new(collection, Identity::System);
    let mut out = vec![("everything".to_owned(), base())];
    for (i, f) in filters().into_iter().enumerate() {
        let mut q = base();
        q.filter = Some(f);
        out.push((format!("filter #{i}"), q));
    }
    for (i, b) in bboxes().into_iter().enumerate() {
        let mut q = base();
        q.bbox = Some(b);
        out.push((format!("bbox #{i} in {}", b.crs), q));
    }
    for (i, (start, end)) in [
        (Some("2012-01-01T00:00:00Z"), Some("2014-01-01T00:00:00Z")),
        (None, Some("2005-06-01T00:00:00Z")),
        (Some("2019-01-01T00:00:00Z"), None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut q = base();
        q.datetime = Some(DatetimeInterval {
            start: start.map(instant),
            end: end.map(instant),
        });
        out.push((format!("datetime #{i}"), q));
    }
    for keys in [
        vec![("nome", true)],
        vec![("nome", false), ("rendita", true)],
        vec![("abitato", true), ("dal", false), ("al", true)],
        vec![("piani", false)],
    ] {
        for (offset, limit) in [(0, None), (0, Some(25)), (40, Some(30)), (395, Some(10))] {
            let mut q = base();
            q.sort = keys
                .iter()
                .map(|(p, asc)| SortKey {
                    property: (*p).into(),
                    ascending: *asc,
                })
                .collect();
            q.offset = offset;
            q.limit = limit;
            out.push((format!("sort {keys:?} offset {offset} limit {limit:?}"), q));
        }
    }
    for crs in [
        Crs::Crs84,
        Crs::Epsg(4326),
        Crs::Epsg(3003),
        Crs::Epsg(3857),
        Crs::Epsg(6707),
        Crs::Epsg(32632),
    ] {
        let mut q = base();
        q.output_crs = crs;
        q.bbox = Some(bboxes()[0]);
        out.push((format!("output in {crs}"), q));
    }
    let mut q = base();
    q.properties = Some(vec!["codice".into(), "nome".into()]);
    q.with_geometry = false;
    q.filter = Some(Filter::Like {
        property: "nome".into(),
        pattern: "%a%".into(),
        case_insensitive: true,
    });
    out.push(("projection".to_owned(), q));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn geopackage_and_postgis_answer_alike() {
    let dir = tempfile::tempdir().expect("temp dir");
    let gpkg = GpkgStore::create(dir.path().join("diff.gpkg")).expect("create GeoPackage");
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = Schema {
        name: format!("segit_t_diff_{}_{nanos}", std::process::id()),
    };
    let url = pg_url();
    if let Err(e) = migrate(&url, &schema.name).await {
        panic!(
            "PostgreSQL with PostGIS is needed at {url}: {e}\nrun `scripts/pg-setup` (as root) \
             or set SEGIT_TEST_PG_URL"
        );
    }
    let pg = PostgisStore::connect(&url, &schema.name)
        .await
        .expect("connect");
    load(&gpkg).await;
    load(&pg).await;

    let (cg, cp) = (
        gpkg.catalog().await.expect("catalog"),
        pg.catalog().await.expect("catalog"),
    );
    assert_eq!(cg.collections.len(), cp.collections.len());
    let mut compared = 0;
    let mut nonempty = 0;
    for collection in [POLYGONS, POINTS] {
        let a = cg.get(collection).expect("gpkg collection");
        let b = cp.get(collection).expect("postgis collection");
        let (ea, eb) = (
            a.extent.expect("gpkg extent"),
            b.extent.expect("postgis extent"),
        );
        assert_eq!(
            ea.temporal, eb.temporal,
            "{collection}: temporal extents differ"
        );
        let (ba, bb) = (ea.bbox_crs84.expect("bbox"), eb.bbox_crs84.expect("bbox"));
        for (x, y) in ba.iter().zip(bb) {
            assert!(
                (x - y).abs() < 1e-9,
                "{collection}: extents differ: {ba:?} / {bb:?}"
            );
        }
        for (what, q) in queries(collection) {
            let what = format!("{collection}: {what}");
            let (fa, sa) = answer(&gpkg, &q).await;
            let (fb, sb) = answer(&pg, &q).await;
            compare(&what, &fa, &fb);
            assert_eq!(sa, sb, "{what}: stats differ");
            assert_eq!(
                gpkg.count(&q).await.expect("count"),
                pg.count(&q).await.expect("count"),
                "{what}: counts differ"
            );
            if (what.contains(": bbox #") && !what.contains("bbox #5"))
                || what.contains("output in")
            {
                assert!(!fa.is_empty(), "{what}: the box should select features");
            }
            compared += 1;
            nonempty += usize::from(!fa.is_empty());
        }
        for id in ["p000", "p004", "p111", "q042", "nope"] {
            for crs in [Crs::Crs84, STORAGE, Crs::Epsg(3003)] {
                let a = gpkg
                    .get(collection, id, crs, &Identity::System)
                    .await
                    .expect("get");
                let b = pg
                    .get(collection, id, crs, &Identity::System)
                    .await
                    .expect("get");
                compare(
                    &format!("{collection}: get {id} in {crs}"),
                    a.as_slice(),
                    b.as_slice(),
                );
            }
        }
    }
    assert!(compared > 150, "only {compared} queries compared");
    assert!(
        nonempty * 10 > compared * 7,
        "too many empty answers ({nonempty}/{compared})"
    );
}
