//! The contract suite's own data: collections in EPSG:7791 (RDN2008 / UTM 32N, around Milano)
//! with every property type, nulls, unicode text, ids whose byte order is tricky, polygons with
//! a hole, and a temporal attribute collection. Everything is generated deterministically, so
//! the suite knows the exact features it wrote.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use geo_types::{Geometry, LineString, Point, Polygon, coord};
use segit_query::{
    Collection, Crs, Feature, GeometryType, Property, PropertyType, TemporalProperties, Value,
};

use crate::{FeatureStore, StoreError};

/// Id of the point collection.
pub const POINTS: &str = "contract_points";
/// Id of the polygon collection.
pub const PARCELS: &str = "contract_parcels";
/// Id of the temporal attribute collection (no geometry).
pub const VALIDITY: &str = "contract_validity";
/// Id of the collection of instants (temporal start only, date-times).
pub const EVENTS: &str = "contract_events";

/// Easting of the fixtures' grid origin (EPSG:7791).
pub const ORIGIN_X: f64 = 514_000.0;
/// Northing of the fixtures' grid origin (EPSG:7791).
pub const ORIGIN_Y: f64 = 5_034_000.0;

/// Feature ids of [`POINTS`]: byte order differs from numeric and case-folded order.
pub const POINT_IDS: [&str; 30] = [
    "a1", "a10", "a9", "a2", "A1", "B", "b", "a-1", "a_1", "Z9", "z", "é", "北京", "🏠1", "p00",
    "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08", "p09", "p10", "p11", "p12", "p13",
    "p14", "p15",
];

/// Names cycled through [`POINTS`] (each appears twice, `None` is null).
const NAMES: [Option<&str>; 15] = [
    Some("Società Cooperativa Àlfa"),
    Some("società cooperativa àlfa"),
    Some("SOCIETÀ COOPERATIVA ÀLFA"),
    Some("北京"),
    Some("emoji 🏠 casa"),
    Some("Alfa"),
    Some("alfa"),
    Some("a%b"),
    Some("a_b"),
    Some("axb"),
    Some(""),
    None,
    Some("Zeta"),
    Some("zeta"),
    Some("Ωmega"),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn instant(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The point collection's definition.
pub fn points_collection() -> Collection {
    Collection {
        id: POINTS.into(),
        title: "Contract points".into(),
        description: "Points with every property type".into(),
        keywords: vec!["contract".into()],
        geometry_type: GeometryType::Point,
        storage_crs: Crs::Epsg(7791),
        properties: vec![
            Property::new("flag", PropertyType::Boolean, "Flag"),
            Property::new("count", PropertyType::Integer, "Count"),
            Property::new("ratio", PropertyType::Number, "Ratio"),
            Property::new("name", PropertyType::Text, "Name"),
            Property::new("day", PropertyType::Date, "Day"),
            Property::new("stamp", PropertyType::DateTime, "Stamp"),
            Property::new("note", PropertyType::Text, "Note").personal(),
        ],
        temporal: None,
        extent: None,
    }
}

/// The point features, geometries in EPSG:7791 on a 6 × 5 grid with 100 m spacing.
pub fn points() -> Vec<Feature> {
    POINT_IDS
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let n = i as i64;
            let x = ORIGIN_X + (i % 6) as f64 * 100.0;
            let y = ORIGIN_Y + (i / 6) as f64 * 100.0;
            let count = match i {
                0 => Value::Int(9_007_199_254_740_993),
                1 => Value::Int(-9_007_199_254_740_993),
                _ if i % 7 == 6 => Value::Null,
                _ => Value::Int((n * 37) % 11 - 3),
            };
            let stamp = if i % 5 == 2 {
                Value::Null
            } else {
                Value::DateTime(instant("2021-03-01T00:00:00Z") + Duration::seconds(n * 86_399 - 7))
            };
            Feature {
                id: (*id).to_owned(),
                geometry: Some(Geometry::Point(Point::new(x, y))),
                properties: vec![
                    (
                        "flag".into(),
                        if i % 5 == 4 {
                            Value::Null
                        } else {
                            Value::Bool(i % 2 == 0)
                        },
                    ),
                    ("count".into(), count),
                    (
                        "ratio".into(),
                        if i % 6 == 5 {
                            Value::Null
                        } else {
                            Value::Float(n as f64 * 0.25 - 2.0)
                        },
                    ),
                    (
                        "name".into(),
                        NAMES[i % NAMES.len()].map_or(Value::Null, Value::from),
                    ),
                    (
                        "day".into(),
                        if i % 4 == 3 {
                            Value::Null
                        } else {
                            Value::Date(date(2020, 1, 1) + Duration::days(n * 37))
                        },
                    ),
                    ("stamp".into(), stamp),
                    (
                        "note".into(),
                        if i % 3 == 0 {
                            Value::Text(format!("nota {i}"))
                        } else {
                            Value::Null
                        },
                    ),
                ],
            }
        })
        .collect()
}

/// The polygon collection's definition.
pub fn parcels_collection() -> Collection {
    Collection {
        id: PARCELS.into(),
        title: "Contract parcels".into(),
        description: "80 m squares, one with a hole".into(),
        keywords: Vec::new(),
        geometry_type: GeometryType::Polygon,
        storage_crs: Crs::Epsg(7791),
        properties: vec![
            Property::new("code", PropertyType::Text, "Code").required(),
            Property::new("area", PropertyType::Number, "Area"),
            Property::new("floors", PropertyType::Integer, "Floors"),
            Property::new("active", PropertyType::Boolean, "Active"),
            Property::new("survey", PropertyType::Date, "Survey"),
        ],
        temporal: None,
        extent: None,
    }
}

/// An axis-aligned square ring.
fn ring(x0: f64, y0: f64, size: f64) -> LineString<f64> {
    LineString::new(vec![
        coord! { x: x0, y: y0 },
        coord! { x: x0 + size, y: y0 },
        coord! { x: x0 + size, y: y0 + size },
        coord! { x: x0, y: y0 + size },
        coord! { x: x0, y: y0 },
    ])
}

/// The parcel with index 7 has a hole [20, 60] m inside its square.
pub const PARCEL_WITH_HOLE: usize = 7;

/// The parcels: 20 squares of 80 m on a 5 × 4 grid with 100 m spacing (EPSG:7791).
pub fn parcels() -> Vec<Feature> {
    (0..20usize)
        .map(|i| {
            let n = i as i64;
            let x = ORIGIN_X + (i % 5) as f64 * 100.0;
            let y = ORIGIN_Y + (i / 5) as f64 * 100.0;
            let holes = if i == PARCEL_WITH_HOLE {
                vec![ring(x + 20.0, y + 20.0, 40.0)]
            } else {
                Vec::new()
            };
            let area = if i == PARCEL_WITH_HOLE {
                6400.0 - 1600.0
            } else {
                6400.0
            };
            Feature {
                id: format!("P{i:02}"),
                geometry: Some(Geometry::Polygon(Polygon::new(ring(x, y, 80.0), holes))),
                properties: vec![
                    ("code".into(), Value::Text(format!("F{}-P{i}", i / 5 + 1))),
                    ("area".into(), Value::Float(area)),
                    (
                        "floors".into(),
                        if i % 3 == 0 {
                            Value::Null
                        } else {
                            Value::Int(n % 4)
                        },
                    ),
                    (
                        "active".into(),
                        if i % 5 == 0 {
                            Value::Null
                        } else {
                            Value::Bool(i % 2 == 0)
                        },
                    ),
                    (
                        "survey".into(),
                        if i % 6 == 0 {
                            Value::Null
                        } else {
                            Value::Date(date(2019, 1, 1) + Duration::days(n * 20))
                        },
                    ),
                ],
            }
        })
        .collect()
}

/// The temporal collection's definition (attributes only, validity `valid_from`..`valid_to`).
pub fn validity_collection() -> Collection {
    Collection {
        id: VALIDITY.into(),
        title: "Contract validity".into(),
        description: "Records valid from a date until another date or still valid".into(),
        keywords: Vec::new(),
        geometry_type: GeometryType::None,
        storage_crs: Crs::Epsg(7791),
        properties: vec![
            Property::new("label", PropertyType::Text, "Label"),
            Property::new("valid_from", PropertyType::Date, "Valid from"),
            Property::new("valid_to", PropertyType::Date, "Valid to"),
        ],
        temporal: Some(TemporalProperties {
            start: "valid_from".into(),
            end: Some("valid_to".into()),
        }),
        extent: None,
    }
}

/// The temporal records: (id, valid_from, valid_to) with open ends and a null start.
pub fn validity() -> Vec<Feature> {
    let rows: [(&str, Option<NaiveDate>, Option<NaiveDate>); 9] = [
        ("v1", Some(date(2010, 1, 1)), Some(date(2014, 12, 31))),
        ("v2", Some(date(2015, 1, 1)), Some(date(2019, 5, 4))),
        ("v3", Some(date(2019, 5, 5)), Some(date(2019, 5, 5))),
        ("v4", Some(date(2019, 5, 6)), None),
        ("v5", Some(date(2020, 6, 1)), Some(date(2021, 6, 1))),
        ("v6", Some(date(2023, 1, 1)), None),
        ("v7", None, Some(date(2020, 1, 1))),
        ("v8", Some(date(2000, 2, 29)), Some(date(2000, 3, 1))),
        ("Vä", Some(date(2024, 2, 29)), Some(date(2024, 12, 31))),
    ];
    rows.iter()
        .map(|(id, from, to)| Feature {
            id: (*id).to_owned(),
            geometry: None,
            properties: vec![
                ("label".into(), Value::Text(format!("record {id}"))),
                ("valid_from".into(), (*from).into()),
                ("valid_to".into(), (*to).into()),
            ],
        })
        .collect()
}

/// The collection of instants: points in EPSG:3003 (Gauss-Boaga) with a date-time `at`.
pub fn events_collection() -> Collection {
    Collection {
        id: EVENTS.into(),
        title: "Contract events".into(),
        description: "Instants, stored in Monte Mario / Italy zone 1".into(),
        keywords: vec!["eventi".into(), "città".into()],
        geometry_type: GeometryType::MultiPoint,
        storage_crs: Crs::Epsg(3003),
        properties: vec![
            Property::new("kind", PropertyType::Text, "Kind"),
            Property::new("at", PropertyType::DateTime, "At"),
        ],
        temporal: Some(TemporalProperties {
            start: "at".into(),
            end: None,
        }),
        extent: None,
    }
}

/// The instants: `at` steps by 29 h 59 min 59 s from 2024-02-27T22:00:00Z, one is null.
pub fn events() -> Vec<Feature> {
    (0..10i64)
        .map(|i| {
            let x = 1_514_980.0 + i as f64 * 37.5;
            let y = 5_034_560.0 - i as f64 * 12.25;
            let at = if i == 4 {
                Value::Null
            } else {
                Value::DateTime(instant("2024-02-27T22:00:00Z") + Duration::seconds(i * 107_999))
            };
            Feature {
                id: format!("e{i}"),
                geometry: Some(Geometry::MultiPoint(geo_types::MultiPoint(vec![
                    Point::new(x, y),
                    Point::new(x + 5.0, y + 5.0),
                ]))),
                properties: vec![
                    (
                        "kind".into(),
                        Value::Text(
                            if i % 2 == 0 {
                                "sopralluogo"
                            } else {
                                "verifica"
                            }
                            .into(),
                        ),
                    ),
                    ("at".into(), at),
                ],
            }
        })
        .collect()
}

/// Every fixture collection with its features, in publication order.
pub fn all() -> Vec<(Collection, Vec<Feature>)> {
    vec![
        (points_collection(), points()),
        (parcels_collection(), parcels()),
        (validity_collection(), validity()),
        (events_collection(), events()),
    ]
}

/// The fixture collection with id `id` and its features.
pub fn fixture(id: &str) -> (Collection, Vec<Feature>) {
    all()
        .into_iter()
        .find(|(c, _)| c.id == id)
        .expect("the contract suite names a fixture it does not have")
}

/// Writes the fixtures through `begin_ingest` (in batches of 7, to cross batch boundaries) and
/// commits, replacing earlier copies.
pub async fn load(store: &dyn FeatureStore) -> Result<(), StoreError> {
    let mut ingest = store.begin_ingest().await?;
    for (collection, features) in all() {
        ingest.create_collection(&collection).await?;
        for chunk in features.chunks(7) {
            ingest.write(&collection.id, chunk.to_vec()).await?;
        }
    }
    ingest.commit().await
}

/// Loads the fixtures unless the store already holds exactly them (so checks can run alone or
/// one after another on the same store).
pub async fn ensure(store: &dyn FeatureStore) {
    let catalog = store
        .catalog()
        .await
        .expect("catalog() failed before loading the fixtures");
    let mut present = true;
    for (collection, features) in all() {
        let same = catalog.get(&collection.id).is_some_and(|c| {
            let mut c = c.clone();
            c.extent = None;
            c == collection
        });
        if !same {
            present = false;
            break;
        }
        let q =
            segit_query::FeatureQuery::new(collection.id.clone(), segit_query::Identity::System);
        if store.count(&q).await.ok() != Some(features.len() as u64) {
            present = false;
            break;
        }
    }
    if !present {
        load(store)
            .await
            .expect("ingesting the contract fixtures failed");
    }
}
