//! The PostGIS store against a real database: migrations, connection errors, ingest visibility,
//! reading, and filter results checked against the reference evaluation of `segit_query::eval`.

mod common;

use chrono::{TimeZone, Utc};
use common::fixture::{TEXTS, buildings, features, square};
use common::{TestSchema, fresh_name, pg_url};
use geo_types::{Geometry, point};
use segit_query::eval::{datetime_matches, evaluate, prepare};
use segit_query::sink::VecSink;
use segit_query::{
    BBox, CmpOp, Crs, DatetimeInterval, Feature, FeatureQuery, Filter, Identity, SortKey,
    SpatialOp, Value,
};
use segit_store::{FeatureStore, StoreError};
use segit_store_postgis::{MIGRATIONS, PostgisStore, migrate};

async fn loaded(n: usize) -> (TestSchema, Vec<Feature>) {
    let t = TestSchema::new().await;
    let fs = features(n);
    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest
        .create_collection(&buildings())
        .await
        .expect("create");
    ingest.write("edifici", fs.clone()).await.expect("write");
    ingest.commit().await.expect("commit");
    (t, fs)
}

async fn run(store: &PostgisStore, q: &FeatureQuery) -> VecSink {
    let mut sink = VecSink::default();
    store.query(q, &mut sink).await.expect("query");
    sink
}

fn ids(fs: &[Feature]) -> Vec<String> {
    fs.iter().map(|f| f.id.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_apply_once() {
    let name = fresh_name();
    let url = pg_url();
    let first = migrate(&url, &name)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", common::PG_HINT));
    let names: Vec<String> = MIGRATIONS.iter().map(|m| m.name.to_owned()).collect();
    assert_eq!(first, names);
    assert_eq!(
        migrate(&url, &name).await.expect("again"),
        Vec::<String>::new()
    );
    let store = PostgisStore::connect(&url, &name).await.expect("connects");
    assert!(
        store
            .catalog()
            .await
            .expect("catalog")
            .collections
            .is_empty()
    );
    drop(store);
    // clean up through the test-schema guard
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    client
        .batch_execute(&format!(
            "DROP SCHEMA {} CASCADE",
            segit_store_postgis::quote_ident(&name)
        ))
        .await
        .expect("drop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unmigrated_schemas_and_dead_servers_are_explained() {
    let err = PostgisStore::connect(&pg_url(), "segit_t_never_created")
        .await
        .expect_err("no schema");
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("segit migrate")),
        "{err}"
    );
    let err = PostgisStore::connect("postgres://u:hunter2@127.0.0.1:1/x", "s")
        .await
        .expect_err("nothing listens on port 1");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Unavailable(_)), "{msg}");
    assert!(msg.contains("127.0.0.1:1"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingests_are_invisible_until_commit() {
    let t = TestSchema::new().await;
    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest
        .create_collection(&buildings())
        .await
        .expect("create");
    ingest.write("edifici", features(10)).await.expect("write");
    assert!(
        t.store
            .catalog()
            .await
            .expect("catalog")
            .collections
            .is_empty()
    );
    ingest.rollback().await.expect("rollback");
    assert!(
        t.store
            .catalog()
            .await
            .expect("catalog")
            .collections
            .is_empty()
    );

    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest
        .create_collection(&buildings())
        .await
        .expect("create");
    ingest.write("edifici", features(10)).await.expect("write");
    drop(ingest);
    assert!(
        t.store
            .catalog()
            .await
            .expect("catalog")
            .collections
            .is_empty()
    );

    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest
        .create_collection(&buildings())
        .await
        .expect("create");
    ingest.write("edifici", features(10)).await.expect("write");
    ingest.commit().await.expect("commit");
    let catalog = t.store.catalog().await.expect("catalog");
    assert_eq!(catalog.collections.len(), 1);
    let extent = catalog.collections[0]
        .extent
        .expect("extent stored on commit");
    assert_eq!(
        Some(extent),
        t.store.extent("edifici").await.expect("extent")
    );
    // the spatial index, built at commit, is on the published table
    let (client, conn) = tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    let indexes: Vec<String> = client
        .query(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'edifici'",
            &[&t.name],
        )
        .await
        .expect("indexes")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        indexes.iter().any(|d| d.contains("USING gist (geom)")),
        "{indexes:?}"
    );

    // a second ingest appends; a reader keeps seeing the committed state meanwhile
    let mut ingest = t.store.begin_ingest().await.expect("begin");
    let mut more = features(12);
    more.drain(..10);
    ingest.write("edifici", more).await.expect("append");
    let q = FeatureQuery::new("edifici", Identity::System);
    assert_eq!(t.store.count(&q).await.expect("count"), 10);
    ingest.commit().await.expect("commit");
    assert_eq!(t.store.count(&q).await.expect("count"), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_a_collection_does_not_block_readers() {
    let (t, _) = loaded(30).await;
    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest
        .create_collection(&buildings())
        .await
        .expect("recreate");
    ingest.write("edifici", features(5)).await.expect("write");
    let q = FeatureQuery::new("edifici", Identity::System);
    let wait = std::time::Duration::from_secs(10);
    let n = tokio::time::timeout(wait, t.store.count(&q))
        .await
        .expect("a count during the ingest is not blocked")
        .expect("count");
    assert_eq!(n, 30);
    let mut sink = VecSink::default();
    tokio::time::timeout(wait, t.store.query(&q, &mut sink))
        .await
        .expect("a query during the ingest is not blocked")
        .expect("query");
    assert_eq!(sink.features.len(), 30);
    ingest.commit().await.expect("commit");
    assert_eq!(t.store.count(&q).await.expect("count"), 5);
    let extent = t.store.extent("edifici").await.expect("extent");
    let catalog = t.store.catalog().await.expect("catalog");
    assert_eq!(catalog.collections.len(), 1);
    assert_eq!(catalog.collections[0].extent, extent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_errors_are_typed() {
    let t = TestSchema::new().await;
    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest
        .create_collection(&buildings())
        .await
        .expect("create");
    let mut dup = features(3);
    dup.push(dup[0].clone());
    let err = ingest
        .write("edifici", dup)
        .await
        .expect_err("duplicate id");
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    ingest.rollback().await.ok();

    let mut ingest = t.store.begin_ingest().await.expect("begin");
    let err = ingest
        .write("nope", features(1))
        .await
        .expect_err("unknown collection");
    assert!(matches!(err, StoreError::Query(_)), "{err}");
    ingest
        .rollback()
        .await
        .expect("rollback after a failed write");

    // an ingest dropped after a failure releases its locks: the schema can be replaced
    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest
        .create_collection(&buildings())
        .await
        .expect("create");
    let err = ingest
        .write("nope", features(1))
        .await
        .expect_err("unknown collection");
    assert!(matches!(err, StoreError::Query(_)), "{err}");
    drop(ingest);
    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest
        .create_collection(&buildings())
        .await
        .expect("create after a dropped ingest");
    ingest.commit().await.expect("commit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_sort_page_and_transform() {
    let (t, fs) = loaded(120).await;
    let store = &t.store;
    let mut q = FeatureQuery::new("edifici", Identity::System);
    q.output_crs = Crs::Epsg(7791);
    let all = run(store, &q).await;
    assert_eq!(ids(&all.features), ids(&fs));
    assert_eq!(all.features, fs, "stored features come back unchanged");
    assert_eq!(all.stats.expect("stats").number_matched, 120);

    // CRS84 output matches the Rust transformation of the stored geometry
    let got = store
        .get("edifici", "e0007", Crs::Crs84, &Identity::System)
        .await
        .expect("get")
        .expect("exists");
    let mut expected = fs[7].geometry.clone().expect("geometry");
    segit_query::crs::Transformer::new(Crs::Epsg(7791), Crs::Crs84)
        .expect("transformer")
        .transform_geometry(&mut expected)
        .expect("transforms");
    assert_eq!(got.geometry, Some(expected));
    assert!(
        store
            .get("edifici", "zzz", Crs::Crs84, &Identity::System)
            .await
            .expect("get")
            .is_none()
    );

    // sorting: text by code point, nulls last ascending, then id; pages neither skip nor repeat
    q.sort = vec![
        SortKey {
            property: "nome".into(),
            ascending: true,
        },
        SortKey {
            property: "area".into(),
            ascending: false,
        },
    ];
    let sorted = run(store, &q).await.features;
    let mut expected = fs.clone();
    expected.sort_by(|a, b| {
        let key = |f: &Feature, p: &str| f.property(p).cloned().unwrap_or(Value::Null);
        let nome = match (key(a, "nome"), key(b, "nome")) {
            (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
            (Value::Null, _) => std::cmp::Ordering::Greater,
            (_, Value::Null) => std::cmp::Ordering::Less,
            (x, y) => x.compare(&y).expect("same kind"),
        };
        let area = match (key(a, "area"), key(b, "area")) {
            (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
            (Value::Null, _) => std::cmp::Ordering::Less,
            (_, Value::Null) => std::cmp::Ordering::Greater,
            (x, y) => y.compare(&x).expect("same kind"),
        };
        nome.then(area).then(a.id.cmp(&b.id))
    });
    assert_eq!(ids(&sorted), ids(&expected));
    let mut paged = Vec::new();
    for page in 0..5 {
        q.offset = page * 25;
        q.limit = Some(25);
        let p = run(store, &q).await;
        assert_eq!(p.stats.expect("stats").number_matched, 120);
        paged.extend(p.features);
    }
    assert_eq!(ids(&paged), ids(&expected));

    // properties and geometry can be left out
    q.offset = 0;
    q.limit = Some(2);
    q.properties = Some(vec!["piani".into(), "nome".into()]);
    q.with_geometry = false;
    let slim = run(store, &q).await.features;
    assert!(slim.iter().all(|f| f.geometry.is_none()));
    let names: Vec<&str> = slim[0].properties.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["nome", "piani"]);
}

fn reference_filters() -> Vec<Filter> {
    let cmp = |p: &str, op, v: Value| Filter::Compare {
        property: p.into(),
        op,
        value: v,
    };
    let like = |p: &str, pat: &str, ci| Filter::Like {
        property: p.into(),
        pattern: pat.into(),
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
        out.push(cmp("area", op, Value::Float(300.75)));
        out.push(cmp("nome", op, Value::from("Zeta")));
        out.push(cmp("abitato", op, Value::Bool(true)));
        out.push(cmp(
            "dal",
            op,
            Value::Date(chrono::NaiveDate::from_ymd_opt(2012, 5, 1).expect("date")),
        ));
        out.push(cmp(
            "al",
            op,
            Value::DateTime(
                Utc.with_ymd_and_hms(2015, 3, 1, 0, 0, 0)
                    .single()
                    .expect("instant"),
            ),
        ));
    }
    for t in TEXTS {
        out.push(cmp("nome", CmpOp::Eq, Value::from(t)));
    }
    for (pat, ci) in [
        ("via%", false),
        ("via%", true),
        ("%ROMA%", true),
        ("%\\%", false),
        ("a\\_b", false),
        ("a_b", false),
        ("%\\\\%", false),
        ("back\\", false),
        ("_eta", false),
        ("ZETA", true),
        ("οδος", true),
        ("%σ", true),
        ("i̇stanbul", true),
        ("%casa", false),
        ("%", false),
        ("", false),
    ] {
        out.push(like("nome", pat, ci));
        out.push(Filter::Not(Box::new(like("nome", pat, ci))));
    }
    out.push(Filter::In {
        property: "piani".into(),
        values: vec![Value::Int(0), Value::Int(3), Value::Null],
    });
    out.push(Filter::Not(Box::new(Filter::In {
        property: "piani".into(),
        values: vec![Value::Int(0), Value::Int(3)],
    })));
    out.push(Filter::Not(Box::new(Filter::In {
        property: "piani".into(),
        values: vec![],
    })));
    out.push(Filter::Between {
        property: "area".into(),
        low: Value::Float(-100.5),
        high: Value::Float(500.0),
    });
    out.push(Filter::Not(Box::new(Filter::Between {
        property: "piani".into(),
        low: Value::Int(1),
        high: Value::Null,
    })));
    out.push(Filter::IsNull("nome".into()));
    out.push(Filter::Not(Box::new(Filter::IsNull("al".into()))));
    // Kleene logic with nulls on both sides
    out.push(Filter::Not(Box::new(Filter::Or(vec![
        cmp("piani", CmpOp::Gt, Value::Int(2)),
        cmp("abitato", CmpOp::Eq, Value::Bool(true)),
    ]))));
    out.push(Filter::And(vec![
        Filter::Not(Box::new(cmp("area", CmpOp::Lt, Value::Float(0.0)))),
        Filter::Or(vec![
            Filter::IsNull("dal".into()),
            cmp("nome", CmpOp::Ge, Value::from("a")),
        ]),
    ]));
    out.push(Filter::And(vec![]));
    out.push(Filter::Or(vec![]));
    // spatial, literals in other CRSs
    let area = square(510_300.0, 5_030_300.0, 400.0);
    for op in [
        SpatialOp::Intersects,
        SpatialOp::Within,
        SpatialOp::Contains,
        SpatialOp::Disjoint,
    ] {
        out.push(Filter::Spatial {
            op,
            geometry: area.clone(),
            crs: Crs::Epsg(7791),
        });
    }
    // a GEOMETRYCOLLECTION literal applied to many rows (PostGIS's prepared-geometry cache
    // answers these wrongly; the store must not rely on it)
    let collection = Geometry::GeometryCollection(geo_types::GeometryCollection(vec![
        square(510_300.0, 5_030_300.0, 400.0),
        Geometry::Point(point!(x: 510_005.0, y: 5_030_005.0)),
    ]));
    for op in [
        SpatialOp::Intersects,
        SpatialOp::Within,
        SpatialOp::Contains,
        SpatialOp::Disjoint,
    ] {
        out.push(Filter::Spatial {
            op,
            geometry: collection.clone(),
            crs: Crs::Epsg(7791),
        });
    }
    out.push(Filter::Spatial {
        op: SpatialOp::Contains,
        geometry: Geometry::Point(point!(x: 510_005.0, y: 5_030_005.0)),
        crs: Crs::Epsg(7791),
    });
    out.push(Filter::Spatial {
        op: SpatialOp::Intersects,
        geometry: Geometry::Point(point!(x: 9.14, y: 45.42)),
        crs: Crs::Crs84,
    });
    out.push(Filter::BBox(
        BBox::new(9.13, 45.41, 9.15, 45.43, Crs::Crs84).expect("bbox"),
    ));
    out.push(Filter::BBox(
        BBox::new(
            1_010_000.0,
            5_030_000.0,
            1_012_000.0,
            5_031_000.0,
            Crs::Epsg(3003),
        )
        .expect("bbox"),
    ));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_select_what_the_reference_evaluation_selects() {
    let (t, fs) = loaded(160).await;
    let storage = buildings().storage_crs;
    let mut checked = 0;
    for filter in reference_filters() {
        let prepared = prepare(filter.clone(), storage).expect("prepares");
        let expected: Vec<String> = fs
            .iter()
            .filter(|f| evaluate(&prepared, f) == Some(true))
            .map(|f| f.id.clone())
            .collect();
        let mut q = FeatureQuery::new("edifici", Identity::System);
        q.filter = Some(filter.clone());
        q.with_geometry = false;
        let got = run(&t.store, &q).await;
        assert_eq!(ids(&got.features), expected, "filter {filter:?}");
        assert_eq!(
            t.store.count(&q).await.expect("count"),
            expected.len() as u64
        );
        checked += usize::from(!expected.is_empty() && expected.len() < fs.len());
    }
    assert!(
        checked > 40,
        "most filters should select a proper subset ({checked})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn datetime_selects_what_the_reference_evaluation_selects() {
    let (t, fs) = loaded(100).await;
    let temporal = buildings().temporal.expect("temporal");
    let at = |y, m, d| {
        Some(
            Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
                .single()
                .expect("instant"),
        )
    };
    for interval in [
        DatetimeInterval {
            start: at(2010, 1, 1),
            end: at(2012, 1, 1),
        },
        DatetimeInterval {
            start: None,
            end: at(2005, 6, 1),
        },
        DatetimeInterval {
            start: at(2020, 1, 1),
            end: None,
        },
        DatetimeInterval {
            start: at(2003, 4, 4),
            end: at(2003, 4, 4),
        },
        DatetimeInterval {
            start: None,
            end: None,
        },
    ] {
        let expected: Vec<String> = fs
            .iter()
            .filter(|f| datetime_matches(&interval, &temporal, f))
            .map(|f| f.id.clone())
            .collect();
        let mut q = FeatureQuery::new("edifici", Identity::System);
        q.datetime = Some(interval);
        let got = run(&t.store, &q).await;
        assert_eq!(ids(&got.features), expected, "interval {interval:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_that_stops_stops_the_query_and_frees_the_connection() {
    struct Stop(usize);
    #[async_trait::async_trait]
    impl segit_query::FeatureSink for Stop {
        async fn begin(
            &mut self,
            _: &segit_query::Collection,
        ) -> Result<(), segit_query::SinkError> {
            Ok(())
        }
        async fn feature(&mut self, _: Feature) -> Result<(), segit_query::SinkError> {
            self.0 += 1;
            if self.0 == 5 {
                Err(segit_query::SinkError::Closed)
            } else {
                Ok(())
            }
        }
        async fn end(&mut self, _: segit_query::QueryStats) -> Result<(), segit_query::SinkError> {
            Ok(())
        }
    }
    let (t, _) = loaded(50).await;
    let q = FeatureQuery::new("edifici", Identity::System);
    for _ in 0..20 {
        let mut sink = Stop(0);
        let err = t.store.query(&q, &mut sink).await.expect_err("sink stops");
        assert!(matches!(err, StoreError::Sink(_)));
        assert_eq!(sink.0, 5);
    }
    // the pool still serves (20 stopped reads did not leak 16 connections)
    assert_eq!(t.store.count(&q).await.expect("count"), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_collections_are_query_errors() {
    let t = TestSchema::new().await;
    let q = FeatureQuery::new("nope", Identity::System);
    let err = t
        .store
        .query(&q, &mut VecSink::default())
        .await
        .expect_err("unknown");
    assert!(matches!(
        err,
        StoreError::Query(segit_query::QueryError::UnknownCollection(_))
    ));
    assert!(t.store.extent("nope").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_answers_are_decoded_in_batches_in_order_and_paged_exactly() {
    // more rows than one decoding batch (1024), and pages ending on and across its boundary
    let (t, fs) = loaded(2_500).await;
    let mut q = FeatureQuery::new("edifici", Identity::System);
    let all = run(&t.store, &q).await;
    assert_eq!(ids(&all.features), ids(&fs));
    let properties = |f: &[Feature]| f.iter().map(|f| f.properties.clone()).collect::<Vec<_>>();
    assert_eq!(properties(&all.features), properties(&fs));
    assert_eq!(all.stats.expect("stats").number_matched, 2_500);
    for (offset, limit) in [
        (0, 1_024),
        (0, 1_025),
        (100, 1_500),
        (2_000, 1_024),
        (1_024, 1),
    ] {
        q.offset = offset;
        q.limit = Some(limit);
        let page = run(&t.store, &q).await;
        let expected = &fs[offset as usize..(offset + limit).min(2_500) as usize];
        assert_eq!(
            ids(&page.features),
            ids(expected),
            "offset {offset} limit {limit}"
        );
        let stats = page.stats.expect("stats");
        assert_eq!(stats.number_matched, 2_500, "offset {offset} limit {limit}");
        assert_eq!(stats.number_returned, expected.len() as u64);
    }
}
