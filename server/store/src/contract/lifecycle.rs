//! Checks of the catalog, single-feature reads and the ingest life cycle: commit, rollback,
//! dropped writers, replacing a collection, write errors and unknown collections.

use geo_types::{Geometry, Point};
use segit_query::{
    Collection, Crs, Feature, FeatureQuery, GeometryType, Identity, Property, PropertyType,
    QueryError, Value,
};

use super::fixtures::{self, EVENTS, PARCELS, POINTS, VALIDITY};
use super::{must_run, run};
use crate::{FeatureStore, StoreError};

/// Id of the scratch collection the life-cycle checks create and replace.
pub const SCRATCH: &str = "contract_scratch";

fn scratch(properties: Vec<Property>) -> Collection {
    Collection {
        id: SCRATCH.into(),
        title: "Scratch".into(),
        description: String::new(),
        keywords: Vec::new(),
        geometry_type: GeometryType::Point,
        storage_crs: Crs::Epsg(6706),
        properties,
        temporal: None,
        extent: None,
    }
}

fn point(id: &str, x: f64, y: f64, properties: Vec<(String, Value)>) -> Feature {
    Feature {
        id: id.into(),
        geometry: Some(Geometry::Point(Point::new(x, y))),
        properties,
    }
}

fn is_unknown(r: &Result<impl std::fmt::Debug, StoreError>, id: &str) -> bool {
    matches!(r, Err(StoreError::Query(QueryError::UnknownCollection(c))) if c == id)
}

/// The catalog lists the fixture collections in creation order, as written, with extents.
pub async fn check_catalog(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let catalog = store.catalog().await.expect("catalog");
    let ids: Vec<&str> = catalog
        .collections
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| [POINTS, PARCELS, VALIDITY, EVENTS].contains(id))
        .collect();
    assert_eq!(
        ids,
        [POINTS, PARCELS, VALIDITY, EVENTS],
        "catalog order must be creation order"
    );
    for (collection, _) in fixtures::all() {
        let mut stored = catalog
            .get(&collection.id)
            .expect("collection in catalog")
            .clone();
        assert!(
            stored.extent.is_some(),
            "{}: the catalog must carry an extent after commit",
            collection.id
        );
        stored.extent = None;
        assert_eq!(
            stored, collection,
            "{}: the catalog must return the definition as written",
            collection.id
        );
    }
}

/// `get` by id: hits (also unicode ids) return the feature exactly as written, misses return
/// `None`, an unknown collection is an error.
pub async fn check_get(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    for (collection, features) in fixtures::all() {
        for f in &features {
            let got = store
                .get(
                    &collection.id,
                    &f.id,
                    collection.storage_crs,
                    &Identity::System,
                )
                .await
                .unwrap_or_else(|e| panic!("get '{}' in {} failed: {e}", f.id, collection.id));
            assert_eq!(got.as_ref(), Some(f), "get '{}' in {}", f.id, collection.id);
        }
    }
    for missing in ["", "A10", "a 1", "北", "🏠", "p1", "'; DROP TABLE x; --"] {
        let got = store
            .get(POINTS, missing, Crs::Crs84, &Identity::Anonymous)
            .await;
        assert!(
            matches!(got, Ok(None)),
            "get of missing id '{missing}' must be Ok(None), got {got:?}"
        );
    }
    let hit = store
        .get(POINTS, "北京", Crs::Crs84, &Identity::Anonymous)
        .await
        .expect("get");
    assert_eq!(hit.map(|f| f.id), Some("北京".to_owned()), "unicode id");
    let unknown = store
        .get("contract_nothing", "a1", Crs::Crs84, &Identity::System)
        .await;
    assert!(
        is_unknown(&unknown, "contract_nothing"),
        "get on an unknown collection must be UnknownCollection, got {unknown:?}"
    );
}

/// `query`, `count` and `extent` on an unknown collection fail with `UnknownCollection`.
pub async fn check_unknown_collection(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let query = FeatureQuery::new("contract_nothing", Identity::System);
    let got = run(store, &query).await;
    assert!(
        is_unknown(&got, "contract_nothing"),
        "query on an unknown collection: {got:?}"
    );
    let counted = store.count(&query).await;
    assert!(
        is_unknown(&counted, "contract_nothing"),
        "count on an unknown collection: {counted:?}"
    );
    let extent = store.extent("contract_nothing").await;
    assert!(
        is_unknown(&extent, "contract_nothing"),
        "extent of an unknown collection: {extent:?}"
    );
}

/// Writing a duplicate id fails with `Conflict`, a property the collection lacks or a value of
/// the wrong type fails with a query error; writing to an unknown collection fails; nothing of
/// the failed ingest is visible afterwards.
pub async fn check_write_errors(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let props = vec![Property::new("n", PropertyType::Integer, "N")];
    let cases: Vec<(&str, Vec<Feature>)> = vec![
        (
            "duplicate id",
            vec![point("d", 9.0, 45.0, vec![]), point("d", 9.1, 45.1, vec![])],
        ),
        (
            "unknown property",
            vec![point("u", 9.0, 45.0, vec![("zzz".into(), Value::Int(1))])],
        ),
        (
            "value of the wrong type",
            vec![point(
                "w",
                9.0,
                45.0,
                vec![("n".into(), Value::from("not a number"))],
            )],
        ),
    ];
    for (what, features) in cases {
        let mut ingest = store.begin_ingest().await.expect("begin_ingest");
        ingest
            .create_collection(&scratch(props.clone()))
            .await
            .expect("create scratch");
        let result = ingest.write(SCRATCH, features).await;
        match what {
            "duplicate id" => assert!(
                matches!(result, Err(StoreError::Conflict(_))),
                "{what}: expected Conflict, got {result:?}"
            ),
            _ => assert!(
                matches!(result, Err(StoreError::Query(_))),
                "{what}: expected a query error, got {result:?}"
            ),
        }
        ingest
            .rollback()
            .await
            .expect("rollback after a failed write");
        let catalog = store.catalog().await.expect("catalog");
        assert!(
            catalog.get(SCRATCH).is_none(),
            "{what}: a rolled back collection is in the catalog"
        );
    }
    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    let result = ingest
        .write("contract_nothing", vec![point("x", 9.0, 45.0, vec![])])
        .await;
    assert!(
        is_unknown(&result, "contract_nothing"),
        "write to an unknown collection: {result:?}"
    );
    ingest.rollback().await.expect("rollback");
}

/// Collection the deferred-write check commits (kept, like the fixtures).
pub const DEFERRED: &str = "contract_deferred";

/// Deferred writes: features written with `write_deferred` are all there after commit; a
/// failing deferred write (a duplicate id) makes a later call fail, and the failed ingest
/// leaves nothing behind.
pub async fn check_deferred_writes(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let collection = Collection {
        id: DEFERRED.into(),
        ..scratch(vec![])
    };
    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    ingest
        .create_collection(&collection)
        .await
        .expect("create the collection");
    for batch in 0..3 {
        let features = (0..4)
            .map(|i| {
                point(
                    &format!("b{batch}-{i}"),
                    9.0 + f64::from(i) / 10.0,
                    45.0,
                    vec![],
                )
            })
            .collect();
        ingest
            .write_deferred(DEFERRED, features)
            .await
            .expect("deferred write");
    }
    ingest.commit().await.expect("commit after deferred writes");
    let stored = || async {
        must_run(store, &FeatureQuery::new(DEFERRED, Identity::System))
            .await
            .features
            .len()
    };
    assert_eq!(stored().await, 12, "every deferred write is committed");

    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    let first = ingest
        .write_deferred(
            DEFERRED,
            vec![point("d", 9.0, 45.0, vec![]), point("d", 9.1, 45.1, vec![])],
        )
        .await;
    // the duplicate id fails now or at the next call
    let next = match first {
        Err(e) => Err(e),
        Ok(()) => {
            ingest
                .write(DEFERRED, vec![point("e", 9.2, 45.2, vec![])])
                .await
        }
    };
    assert!(
        matches!(next, Err(StoreError::Conflict(_))),
        "a failing deferred write must fail a later call: {next:?}"
    );
    ingest
        .rollback()
        .await
        .expect("rollback after a failed deferred write");
    assert_eq!(
        stored().await,
        12,
        "nothing of a rolled back ingest with a failed deferred write is kept"
    );
}

/// Collection the positional-write check commits (kept, like the fixtures).
pub const POSITIONAL: &str = "contract_positional";

/// Positional writes: a property with an empty name is the schema's property at its position,
/// alone or among named ones; a positional property past the schema's end is unknown.
pub async fn check_positional_writes(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let collection = Collection {
        id: POSITIONAL.into(),
        ..scratch(vec![
            Property::new("a", PropertyType::Integer, "A"),
            Property::new("b", PropertyType::Text, "B"),
            Property::new("c", PropertyType::Number, "C"),
        ])
    };
    let unnamed = |v: Value| (String::new(), v);
    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    ingest
        .create_collection(&collection)
        .await
        .expect("create the collection");
    ingest
        .write(
            POSITIONAL,
            vec![
                point(
                    "named",
                    9.0,
                    45.0,
                    vec![
                        ("a".into(), Value::Int(1)),
                        ("b".into(), Value::Text("x".into())),
                        ("c".into(), Value::Float(2.5)),
                    ],
                ),
                point(
                    "positional",
                    9.1,
                    45.0,
                    vec![
                        unnamed(Value::Int(2)),
                        unnamed(Value::Text("y".into())),
                        unnamed(Value::Float(0.5)),
                    ],
                ),
                point(
                    "mixed",
                    9.2,
                    45.0,
                    vec![unnamed(Value::Int(3)), ("c".into(), Value::Float(1.5))],
                ),
            ],
        )
        .await
        .expect("positional writes");
    ingest.commit().await.expect("commit positional writes");
    let mut stored = must_run(store, &FeatureQuery::new(POSITIONAL, Identity::System))
        .await
        .features;
    stored.sort_by(|x, y| x.id.cmp(&y.id));
    let values = |f: &Feature| {
        ["a", "b", "c"]
            .map(|n| f.property(n).cloned().unwrap_or(Value::Null))
            .to_vec()
    };
    let got: Vec<(String, Vec<Value>)> = stored.iter().map(|f| (f.id.clone(), values(f))).collect();
    assert_eq!(
        got,
        vec![
            (
                "mixed".to_owned(),
                vec![Value::Int(3), Value::Null, Value::Float(1.5)]
            ),
            (
                "named".to_owned(),
                vec![Value::Int(1), Value::Text("x".into()), Value::Float(2.5)]
            ),
            (
                "positional".to_owned(),
                vec![Value::Int(2), Value::Text("y".into()), Value::Float(0.5)]
            ),
        ],
        "an unnamed property is the schema's property at its position"
    );

    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    let past_the_end = ingest
        .write(
            POSITIONAL,
            vec![point(
                "too-many",
                9.3,
                45.0,
                vec![
                    unnamed(Value::Int(4)),
                    unnamed(Value::Text("w".into())),
                    unnamed(Value::Float(0.1)),
                    unnamed(Value::Int(5)),
                ],
            )],
        )
        .await;
    assert!(
        matches!(
            past_the_end,
            Err(StoreError::Query(QueryError::UnknownProperty { .. }))
        ),
        "an unnamed property past the schema's end is unknown: {past_the_end:?}"
    );
    ingest.rollback().await.expect("rollback");
}

/// While an ingest is open, readers see the previous state: no new collection, no new rows.
pub async fn check_uncommitted_is_invisible(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    ingest
        .create_collection(&scratch(vec![]))
        .await
        .expect("create scratch");
    ingest
        .write(SCRATCH, vec![point("s1", 9.19, 45.46, vec![])])
        .await
        .expect("write");
    let catalog = store.catalog().await.expect("catalog during an ingest");
    assert!(
        catalog.get(SCRATCH).is_none(),
        "an uncommitted collection is visible in the catalog"
    );
    let got = run(store, &FeatureQuery::new(SCRATCH, Identity::System)).await;
    assert!(
        is_unknown(&got, SCRATCH),
        "an uncommitted collection answers queries: {got:?}"
    );
    let points = must_run(store, &FeatureQuery::new(POINTS, Identity::System)).await;
    assert_eq!(
        points.features.len(),
        fixtures::points().len(),
        "readers must not be blocked by an ingest"
    );
    drop(ingest);
    let catalog = store
        .catalog()
        .await
        .expect("catalog after dropping the ingest");
    assert!(
        catalog.get(SCRATCH).is_none(),
        "a dropped ingest left its collection behind"
    );
}

/// Rollback discards everything written, also a replacement of an existing collection.
pub async fn check_rollback_leaves_nothing(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    ingest
        .create_collection(&scratch(vec![]))
        .await
        .expect("create scratch");
    ingest
        .write(SCRATCH, vec![point("s1", 9.19, 45.46, vec![])])
        .await
        .expect("write");
    let (points, features) = fixtures::fixture(POINTS);
    ingest
        .create_collection(&points)
        .await
        .expect("re-create points");
    ingest
        .write(POINTS, features[..2].to_vec())
        .await
        .expect("write points");
    ingest.rollback().await.expect("rollback");
    let catalog = store.catalog().await.expect("catalog");
    assert!(
        catalog.get(SCRATCH).is_none(),
        "a rolled back collection is in the catalog"
    );
    let q = FeatureQuery::new(SCRATCH, Identity::System);
    assert!(
        is_unknown(&run(store, &q).await, SCRATCH),
        "a rolled back collection answers queries"
    );
    let all = must_run(store, &FeatureQuery::new(POINTS, Identity::System)).await;
    assert_eq!(
        all.features.len(),
        features.len(),
        "a rolled back replacement changed the points"
    );
}

/// Creating a collection again replaces its schema and features, keeping its catalog place.
pub async fn check_recreate_replaces(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let first = scratch(vec![Property::new("n", PropertyType::Integer, "N")]);
    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    ingest.create_collection(&first).await.expect("create");
    let rows = (0..3)
        .map(|i| {
            point(
                &format!("f{i}"),
                9.0 + f64::from(i) * 0.01,
                45.0,
                vec![("n".into(), Value::Int(i64::from(i)))],
            )
        })
        .collect();
    ingest.write(SCRATCH, rows).await.expect("write");
    ingest.commit().await.expect("commit");
    let before: Vec<String> = store
        .catalog()
        .await
        .expect("catalog")
        .collections
        .into_iter()
        .map(|c| c.id)
        .collect();

    let mut second = scratch(vec![
        Property::new("label", PropertyType::Text, "Label"),
        Property::new("when", PropertyType::DateTime, "When"),
    ]);
    second.title = "Scratch again".into();
    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    ingest.create_collection(&second).await.expect("re-create");
    ingest
        .write(
            SCRATCH,
            vec![
                point("g1", 9.5, 45.5, vec![("label".into(), "nuovo".into())]),
                point("g0", 9.6, 45.6, vec![]),
            ],
        )
        .await
        .expect("write");
    ingest.commit().await.expect("commit");

    let catalog = store.catalog().await.expect("catalog");
    let after: Vec<String> = catalog.collections.iter().map(|c| c.id.clone()).collect();
    assert_eq!(
        after, before,
        "re-creating a collection must keep its place in the catalog"
    );
    let mut stored = catalog.get(SCRATCH).expect("scratch").clone();
    stored.extent = None;
    assert_eq!(stored, second, "the catalog must hold the new definition");
    let got = must_run(store, &FeatureQuery::new(SCRATCH, Identity::System)).await;
    assert_eq!(got.ids(), ["g0", "g1"], "only the new features remain");
    assert_eq!(
        got.features[1].properties,
        vec![
            ("label".to_owned(), Value::from("nuovo")),
            ("when".to_owned(), Value::Null)
        ],
        "new schema, missing properties are null"
    );
    let extent = store
        .extent(SCRATCH)
        .await
        .expect("extent")
        .and_then(|e| e.bbox_crs84)
        .expect("spatial extent");
    // covers the new features only (the old ones reached 9.02°E, 45.0°N); a backend may round
    // its envelope outwards slightly
    let want = [9.5, 45.5, 9.6, 45.6];
    let covers = extent[0] <= want[0]
        && extent[1] <= want[1]
        && extent[2] >= want[2]
        && extent[3] >= want[3];
    let tight = extent.iter().zip(want).all(|(e, w)| (e - w).abs() < 1e-5);
    assert!(
        covers && tight,
        "extent of the replaced collection: {extent:?}, expected {want:?}"
    );
}

/// A collection created without features: in the catalog without extent, `extent` is
/// `None`, queries answer `begin` + `end` with nothing, `count` is 0, `get` finds nothing.
pub async fn check_empty_collection(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let mut empty = scratch(vec![Property::new("n", PropertyType::Integer, "N")]);
    empty.id = "contract_empty".into();
    let mut ingest = store.begin_ingest().await.expect("begin_ingest");
    ingest.create_collection(&empty).await.expect("create");
    ingest.commit().await.expect("commit");
    let catalog = store.catalog().await.expect("catalog");
    let stored = catalog
        .get("contract_empty")
        .expect("the empty collection is in the catalog");
    assert_eq!(
        stored.extent.and_then(|e| e.bbox_crs84),
        None,
        "an empty collection has no spatial extent"
    );
    let extent = store.extent("contract_empty").await.expect("extent");
    assert_eq!(extent, None, "extent of an empty collection");
    let query = FeatureQuery::new("contract_empty", Identity::System);
    let got = must_run(store, &query).await;
    assert_eq!(
        (got.features.len(), got.stats.number_matched),
        (0, 0),
        "query on an empty collection"
    );
    assert_eq!(
        store.count(&query).await.expect("count"),
        0,
        "count of an empty collection"
    );
    let mut boxed = query.clone();
    boxed.bbox = Some(segit_query::BBox::new(9.0, 45.0, 10.0, 46.0, Crs::Crs84).expect("box"));
    boxed.filter = Some(segit_query::Filter::Not(Box::new(
        segit_query::Filter::IsNull("n".into()),
    )));
    let got = must_run(store, &boxed).await;
    assert_eq!(
        got.stats.number_matched, 0,
        "filtered query on an empty collection"
    );
    let none = store
        .get("contract_empty", "x", Crs::Crs84, &Identity::System)
        .await
        .expect("get");
    assert_eq!(none, None, "get in an empty collection");
}

/// A sink that fails at `begin` or after `ok` features.
struct FailingSink {
    fail_at_begin: bool,
    ok: usize,
    received: usize,
    ended: bool,
}

#[async_trait::async_trait]
impl segit_query::FeatureSink for FailingSink {
    async fn begin(&mut self, _c: &Collection) -> Result<(), segit_query::SinkError> {
        if self.fail_at_begin {
            Err(segit_query::SinkError::Closed)
        } else {
            Ok(())
        }
    }
    async fn feature(&mut self, _f: Feature) -> Result<(), segit_query::SinkError> {
        assert!(!self.fail_at_begin, "feature sent after begin failed");
        assert!(
            self.received < self.ok,
            "feature sent after the sink failed"
        );
        self.received += 1;
        if self.received == self.ok {
            return Err(segit_query::SinkError::Encode("test failure".into()));
        }
        Ok(())
    }
    async fn end(&mut self, _s: segit_query::QueryStats) -> Result<(), segit_query::SinkError> {
        self.ended = true;
        Ok(())
    }
}

/// A failing sink ends the query with `StoreError::Sink`, no call follows the failure, and the
/// store keeps answering (repeated more times than a backend is likely to pool connections).
pub async fn check_sink_failure(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    for round in 0..12 {
        let query = FeatureQuery::new(POINTS, Identity::System);
        let mut sink = FailingSink {
            fail_at_begin: round % 3 == 0,
            ok: 3 + round,
            received: 0,
            ended: false,
        };
        let result = store.query(&query, &mut sink).await;
        assert!(
            matches!(result, Err(StoreError::Sink(_))),
            "round {round}: a failing sink must end the query with StoreError::Sink, got {result:?}"
        );
        assert!(
            !sink.ended,
            "round {round}: end called after the sink failed"
        );
        let mut filtered = query.clone();
        filtered.filter = Some(segit_query::Filter::Not(Box::new(
            segit_query::Filter::IsNull("name".into()),
        )));
        let mut sink = FailingSink {
            fail_at_begin: false,
            ok: 2,
            received: 0,
            ended: false,
        };
        let result = store.query(&filtered, &mut sink).await;
        assert!(
            matches!(result, Err(StoreError::Sink(_))),
            "round {round}: filtered query with a failing sink: {result:?}"
        );
    }
    let all = must_run(store, &FeatureQuery::new(POINTS, Identity::System)).await;
    assert_eq!(
        all.features.len(),
        fixtures::points().len(),
        "the store must keep answering after failed sinks"
    );
}
