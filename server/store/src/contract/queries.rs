//! Checks of attribute queries: paging, counting, every filter operator, LIKE, sorting,
//! projection, empty answers and datetime intervals.

use chrono::{DateTime, NaiveDate, Utc};
use segit_query::{CmpOp, DatetimeInterval, FeatureQuery, Filter, Identity, SortKey, Value};

use super::fixtures::{self, EVENTS, PARCELS, POINTS, VALIDITY};
use super::{assert_matches_oracle, must_run, oracle, validated};
use crate::FeatureStore;

fn q(collection: &str) -> FeatureQuery {
    FeatureQuery::new(collection, Identity::System)
}

fn cmp(property: &str, op: CmpOp, value: impl Into<Value>) -> Filter {
    Filter::Compare {
        property: property.into(),
        op,
        value: value.into(),
    }
}

fn day(y: i32, m: u32, d: u32) -> Value {
    Value::Date(NaiveDate::from_ymd_opt(y, m, d).expect("valid date"))
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("valid instant")
        .with_timezone(&Utc)
}

fn key(property: &str, ascending: bool) -> SortKey {
    SortKey {
        property: property.into(),
        ascending,
    }
}

/// Every page size from 1 to 7 walks the whole collection (default order and sorted by a
/// property with ties and nulls): no duplicates, no gaps, the same order as one big page, and
/// `number_matched` is the total on every page.
pub async fn check_paging(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let orders = [
        vec![],
        vec![key("name", true)],
        vec![key("count", false), key("flag", true)],
    ];
    for sort in orders {
        for collection in [POINTS, PARCELS, VALIDITY, EVENTS] {
            if sort.iter().any(|k| {
                fixtures::fixture(collection)
                    .0
                    .property(&k.property)
                    .is_none()
            }) {
                continue;
            }
            let mut all = q(collection);
            all.sort.clone_from(&sort);
            let whole = assert_matches_oracle(store, all.clone(), "one big page").await;
            let total = whole.stats.number_matched;
            for size in 1..=7u64 {
                let mut ids = Vec::new();
                let mut offset = 0;
                loop {
                    let mut page = all.clone();
                    page.offset = offset;
                    page.limit = Some(size);
                    let got = must_run(store, &validated(page)).await;
                    assert_eq!(
                        got.stats.number_matched, total,
                        "{collection}: number_matched on the page at offset {offset} (size {size}, sort {sort:?})"
                    );
                    assert!(
                        got.features.len() as u64 <= size,
                        "{collection}: a page of size {size} returned {}",
                        got.features.len()
                    );
                    let n = got.features.len() as u64;
                    ids.extend(got.ids());
                    offset += size;
                    if n < size {
                        break;
                    }
                }
                assert_eq!(
                    ids,
                    whole.ids(),
                    "{collection}: pages of size {size} (sort {sort:?}) differ from one big page"
                );
            }
        }
    }
}

/// `count` equals the `number_matched` of the same query, whatever its offset and limit.
pub async fn check_count(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let mut queries = vec![q(POINTS), q(PARCELS), q(VALIDITY), q(EVENTS)];
    let mut filtered = q(POINTS);
    filtered.filter = Some(cmp("count", CmpOp::Ge, 0i64));
    filtered.offset = 3;
    filtered.limit = Some(2);
    queries.push(filtered);
    let mut none = q(PARCELS);
    none.filter = Some(cmp("code", CmpOp::Eq, "nothing"));
    queries.push(none);
    for query in queries {
        let query = validated(query);
        let expected = oracle::answer(&query).matched;
        let counted = store
            .count(&query)
            .await
            .unwrap_or_else(|e| panic!("count failed: {e} ({query:?})"));
        assert_eq!(counted, expected, "count for {query:?}");
        let got = must_run(store, &query).await;
        assert_eq!(
            got.stats.number_matched, counted,
            "count differs from number_matched for {query:?}"
        );
    }
}

/// Every comparison operator on every property type (nulls are unknown, so excluded by both a
/// comparison and its negation), `IN`, `BETWEEN`, `IS NULL`, and NOT / OR / AND combinations,
/// compared with the reference evaluation.
pub async fn check_filters(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let ops = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];
    let literals: Vec<(&str, Value)> = vec![
        ("flag", Value::Bool(true)),
        ("count", Value::Int(2)),
        ("ratio", Value::Float(1.25)),
        ("ratio", Value::Int(0)),
        ("name", Value::from("Società Cooperativa Àlfa")),
        ("name", Value::from("a9")),
        ("name", Value::from("北京")),
        ("name", Value::from("")),
        ("day", day(2021, 1, 1)),
        ("stamp", Value::DateTime(at("2021-04-15T12:00:00Z"))),
        ("stamp", Value::from("2021-03-05T23:59:53Z")),
    ];
    let mut filters: Vec<Filter> = Vec::new();
    for (p, v) in &literals {
        for op in ops {
            let f = cmp(p, op, v.clone());
            filters.push(Filter::Not(Box::new(f.clone())));
            filters.push(f);
        }
    }
    let a = cmp("count", CmpOp::Gt, 0i64);
    let b = Filter::IsNull("note".into());
    let c = cmp("flag", CmpOp::Eq, false);
    filters.extend([
        Filter::IsNull("name".into()),
        Filter::Not(Box::new(Filter::IsNull("name".into()))),
        Filter::In {
            property: "count".into(),
            values: vec![
                Value::Int(1),
                Value::Int(3),
                Value::Int(-3),
                Value::Int(9_007_199_254_740_993),
            ],
        },
        Filter::In {
            property: "name".into(),
            values: vec!["北京".into(), "Alfa".into(), "zeta".into()],
        },
        Filter::Not(Box::new(Filter::In {
            property: "name".into(),
            values: vec!["Alfa".into()],
        })),
        Filter::In {
            property: "day".into(),
            values: vec![day(2020, 1, 1), day(2020, 2, 7)],
        },
        Filter::Between {
            property: "ratio".into(),
            low: Value::Float(-1.0),
            high: Value::Float(2.0),
        },
        Filter::Between {
            property: "count".into(),
            low: Value::Int(-1),
            high: Value::Int(3),
        },
        Filter::Between {
            property: "day".into(),
            low: day(2020, 3, 1),
            high: day(2021, 6, 30),
        },
        Filter::Between {
            property: "name".into(),
            low: "B".into(),
            high: "b".into(),
        },
        Filter::Not(Box::new(Filter::Between {
            property: "ratio".into(),
            low: Value::Float(0.0),
            high: Value::Float(3.0),
        })),
        Filter::Or(vec![a.clone(), b.clone()]),
        Filter::Not(Box::new(Filter::Or(vec![a.clone(), b.clone()]))),
        Filter::And(vec![a.clone(), Filter::Not(Box::new(c.clone()))]),
        Filter::Not(Box::new(Filter::And(vec![a.clone(), c.clone()]))),
        Filter::Or(vec![
            Filter::And(vec![a.clone(), c.clone()]),
            Filter::IsNull("flag".into()),
        ]),
        Filter::Not(Box::new(Filter::Not(Box::new(c.clone())))),
        Filter::And(vec![]),
        Filter::Or(vec![]),
        Filter::Not(Box::new(Filter::Or(vec![]))),
    ]);
    let total = fixtures::points().len();
    let mut discriminating = 0;
    let count = filters.len();
    for f in filters {
        let mut query = q(POINTS);
        query.filter = Some(f);
        let got = assert_matches_oracle(store, query, "filter").await;
        if (1..total).contains(&got.features.len()) {
            discriminating += 1;
        }
    }
    // guards the fixtures: most filters must select some but not all features
    assert!(
        discriminating * 10 >= count * 8,
        "only {discriminating} of {count} filters select a proper subset of the points"
    );
    let parcel_filters = [
        cmp("floors", CmpOp::Ne, 1i64),
        Filter::Or(vec![
            cmp("active", CmpOp::Eq, true),
            Filter::IsNull("survey".into()),
        ]),
        cmp("survey", CmpOp::Lt, day(2019, 6, 1)),
    ];
    for f in parcel_filters {
        let mut query = q(PARCELS);
        query.filter = Some(f);
        assert_matches_oracle(store, query, "parcel filter").await;
    }
}

/// `LIKE` with `%`, `_`, escapes, unicode, case-sensitive and case-insensitive.
pub async fn check_like(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let patterns = [
        ("Società%", false),
        ("Società%", true),
        ("società cooperativa àlfa", true),
        ("SOCIETÀ%ÀLFA", false),
        ("%àlfa", true),
        ("_lfa", false),
        ("_lfa", true),
        ("%🏠%", false),
        ("北_", false),
        ("a\\%b", false),
        ("a\\_b", false),
        ("a_b", false),
        ("%", false),
        ("", false),
        ("ωMEGA", true),
    ];
    for (pattern, case_insensitive) in patterns {
        let mut query = q(POINTS);
        query.filter = Some(Filter::Like {
            property: "name".into(),
            pattern: pattern.into(),
            case_insensitive,
        });
        let got = assert_matches_oracle(store, query.clone(), "LIKE").await;
        query.filter = query.filter.map(|f| Filter::Not(Box::new(f)));
        let negated = assert_matches_oracle(store, query, "NOT LIKE").await;
        assert!(
            got.features.len() + negated.features.len() < fixtures::points().len(),
            "LIKE '{pattern}' and its negation together must exclude the null names"
        );
    }
}

/// Sorting ascending (nulls last) and descending (nulls first) on every property type, with
/// several keys and the id (byte order) as the final tie-breaker.
pub async fn check_sort(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let sorts = [
        vec![key("name", true)],
        vec![key("name", false)],
        vec![key("count", true)],
        vec![key("count", false)],
        vec![key("ratio", false), key("name", true)],
        vec![key("flag", true), key("count", false)],
        vec![key("day", false)],
        vec![key("stamp", true)],
        vec![key("note", false), key("day", true)],
    ];
    for sort in sorts {
        let mut query = q(POINTS);
        query.sort = sort;
        assert_matches_oracle(store, query.clone(), "sort").await;
        query.filter = Some(cmp("ratio", CmpOp::Gt, -1.0));
        query.offset = 2;
        query.limit = Some(9);
        assert_matches_oracle(store, query, "filtered sorted page").await;
    }
    let mut ids = q(POINTS);
    ids.limit = Some(5);
    let got = must_run(store, &validated(ids)).await;
    assert_eq!(
        got.ids(),
        ["A1", "B", "Z9", "a-1", "a1"],
        "default order must be id by byte order"
    );
}

/// `properties` selects which properties are returned (schema order), `with_geometry: false`
/// drops geometries, `property_names: false` returns the same values with empty names (also
/// when a filter reads properties that are not returned); values are returned exactly as
/// written.
pub async fn check_projection(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let cases: [&[&str]; 3] = [
        &["name", "ratio"],
        &[],
        &["stamp", "flag", "day", "count", "note", "ratio", "name"],
    ];
    let variants = [
        (true, true, false),
        (false, true, false),
        (true, false, false),
    ]
    .into_iter()
    .chain([(true, false, true), (false, false, true)]);
    for names in cases {
        for (with_geometry, property_names, filtered) in variants.clone() {
            let mut query = q(POINTS);
            query.properties = Some(names.iter().map(|s| (*s).to_owned()).collect());
            query.with_geometry = with_geometry;
            query.property_names = property_names;
            if filtered {
                query.filter = Some(cmp("note", CmpOp::Ne, "no such note"));
            }
            query.output_crs = segit_query::Crs::Epsg(7791);
            let query = validated(query);
            let expected = oracle::answer(&query);
            let got = must_run(store, &query).await;
            assert_eq!(
                got.ids(),
                expected.ids,
                "projection {names:?} (names {property_names}, filtered {filtered}): features"
            );
            for (g, e) in got.features.iter().zip(&expected.features) {
                let want: Vec<(String, Value)> = e
                    .properties
                    .iter()
                    .filter(|(n, _)| names.contains(&n.as_str()))
                    .map(|(n, v)| {
                        let n = if property_names {
                            n.clone()
                        } else {
                            String::new()
                        };
                        (n, v.clone())
                    })
                    .collect();
                assert_eq!(
                    g.properties, want,
                    "projection {names:?} of feature '{}' (schema order, exact values)",
                    g.id
                );
                let geometry = if with_geometry {
                    e.geometry.clone()
                } else {
                    None
                };
                assert_eq!(
                    g.geometry, geometry,
                    "geometry of '{}' with with_geometry = {with_geometry}",
                    g.id
                );
            }
        }
    }
    for collection in [PARCELS, VALIDITY, EVENTS] {
        let mut query = q(collection);
        query.output_crs = fixtures::fixture(collection).0.storage_crs;
        let query = validated(query);
        let expected = oracle::answer(&query);
        let got = must_run(store, &query).await;
        assert_eq!(
            got.features, expected.features,
            "{collection}: features must come back exactly as written"
        );
    }
}

/// Queries that select nothing still call `begin` and `end`, with zero features; an offset
/// past the end or a zero limit return no features but the full `number_matched`.
pub async fn check_empty_results(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let mut none = q(POINTS);
    none.filter = Some(cmp("name", CmpOp::Eq, "no such name"));
    let got = assert_matches_oracle(store, none, "empty result").await;
    assert!(
        got.features.is_empty() && got.stats.number_matched == 0,
        "an empty result must have no features and number_matched 0"
    );
    let total = fixtures::points().len() as u64;
    let mut past = q(POINTS);
    past.offset = total + 5;
    let got = assert_matches_oracle(store, past, "offset past the end").await;
    assert_eq!(
        (got.features.len(), got.stats.number_matched),
        (0, total),
        "offset past the end"
    );
    let mut zero = q(POINTS);
    zero.limit = Some(0);
    zero.filter = Some(cmp("count", CmpOp::Ge, 0i64));
    let got = assert_matches_oracle(store, zero, "limit 0").await;
    assert!(got.features.is_empty(), "limit 0 must return no features");
    let mut tail = q(PARCELS);
    tail.offset = 18;
    tail.limit = Some(10);
    let got = assert_matches_oracle(store, tail, "last partial page").await;
    assert_eq!(
        got.features.len(),
        2,
        "the last page of 20 parcels from offset 18"
    );
}

/// Datetime intervals (closed, open at either end, instants) against validity periods with
/// open ends and a null start, also combined with a filter and sorting.
pub async fn check_datetime(store: &dyn FeatureStore) {
    fixtures::ensure(store).await;
    let intervals = [
        (Some("2020-01-01T00:00:00Z"), Some("2020-12-31T23:59:59Z")),
        (None, Some("2015-06-01T00:00:00Z")),
        (Some("2023-01-01T00:00:00Z"), None),
        (Some("2019-05-05T00:00:00Z"), Some("2019-05-05T00:00:00Z")),
        (Some("2019-05-05T12:00:00Z"), Some("2019-05-05T13:00:00Z")),
        (Some("2000-03-01T00:00:00Z"), Some("2000-03-01T00:00:00Z")),
        (None, None),
        (Some("1990-01-01T00:00:00Z"), Some("1999-12-31T00:00:00Z")),
    ];
    for (start, end) in intervals {
        let mut query = q(VALIDITY);
        query.datetime = Some(DatetimeInterval {
            start: start.map(at),
            end: end.map(at),
        });
        assert_matches_oracle(store, query.clone(), "datetime").await;
        query.sort = vec![key("valid_to", false)];
        query.filter = Some(Filter::Like {
            property: "label".into(),
            pattern: "record v%".into(),
            case_insensitive: false,
        });
        query.limit = Some(3);
        assert_matches_oracle(store, query, "datetime with filter and sort").await;
    }
    let instants = [
        (
            Some("2024-02-29T03:59:59Z"),
            Some("2024-02-29T03:59:59Z"),
            1,
        ),
        (
            Some("2024-02-29T04:00:00Z"),
            Some("2024-03-02T15:59:57Z"),
            2,
        ),
        (None, Some("2024-02-28T00:00:00Z"), 1),
        (Some("2024-03-05T00:00:00Z"), None, 5),
        (
            Some("2024-02-29T03:59:59.001Z"),
            Some("2024-03-01T09:59:57.999Z"),
            0,
        ),
    ];
    for (start, end, n) in instants {
        let mut query = q(EVENTS);
        query.datetime = Some(DatetimeInterval {
            start: start.map(at),
            end: end.map(at),
        });
        let got = assert_matches_oracle(store, query.clone(), "datetime on instants").await;
        assert_eq!(got.features.len(), n, "instants in {start:?}..{end:?}");
        query.sort = vec![key("at", false)];
        query.offset = 1;
        assert_matches_oracle(store, query, "datetime on instants, sorted").await;
    }
}
