//! A deterministic collection of polygons with every property type, nulls and unicode text.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use geo_types::{Geometry, LineString, Polygon};
use segit_query::{
    Collection, Crs, Feature, GeometryType, Property, PropertyType, TemporalProperties, Value,
};

/// Texts exercising byte order, case, LIKE metacharacters and non-ASCII letters.
pub const TEXTS: [&str; 12] = [
    "via Roma",
    "Via Roma",
    "VIA ROMA 1",
    "àrea",
    "Zeta",
    "zeta",
    "ΟΔΟΣ",
    "100%",
    "a_b",
    "back\\slash",
    "İstanbul",
    "🏠 casa",
];

/// The collection of the fixture.
pub fn buildings() -> Collection {
    Collection {
        id: "edifici".into(),
        title: "Edifici".into(),
        description: "test buildings".into(),
        keywords: vec!["test".into()],
        geometry_type: GeometryType::Polygon,
        storage_crs: Crs::Epsg(7791),
        properties: vec![
            Property::new("nome", PropertyType::Text, "Nome"),
            Property::new("piani", PropertyType::Integer, "Piani"),
            Property::new("area", PropertyType::Number, "Area"),
            Property::new("abitato", PropertyType::Boolean, "Abitato"),
            Property::new("dal", PropertyType::Date, "Dal"),
            Property::new("al", PropertyType::DateTime, "Al"),
            Property::new("codice", PropertyType::Text, "Codice").required(),
        ],
        temporal: Some(TemporalProperties {
            start: "dal".into(),
            end: Some("al".into()),
        }),
        extent: None,
    }
}

/// A square of side `size` metres with its lower-left corner at (`x`, `y`).
pub fn square(x: f64, y: f64, size: f64) -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (x, y),
            (x + size, y),
            (x + size, y + size),
            (x, y + size),
            (x, y),
        ]),
        vec![],
    ))
}

fn date(i: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(
        2000 + (i % 25) as i32,
        1 + (i % 12) as u32,
        1 + (i % 28) as u32,
    )
    .expect("valid date")
}

fn instant(i: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(
        2010 + (i % 15) as i32,
        1 + (i % 12) as u32,
        1,
        (i % 24) as u32,
        30,
        0,
    )
    .single()
    .expect("valid instant")
}

/// `n` features on a grid near Milan (EPSG:7791), every property null now and then.
pub fn features(n: usize) -> Vec<Feature> {
    (0..n)
        .map(|i| {
            let x = 510_000.0 + (i % 20) as f64 * 150.0 + 0.123_456_789;
            let y = 5_030_000.0 + (i / 20) as f64 * 150.0 + 0.987_654_321;
            let nullable = |every: usize, v: Value| if i % every == 3 { Value::Null } else { v };
            Feature {
                id: format!("e{i:04}"),
                geometry: if i % 17 == 5 {
                    None
                } else {
                    Some(square(x, y, 10.0 + (i % 7) as f64 * 3.5))
                },
                properties: vec![
                    (
                        "nome".into(),
                        nullable(9, Value::from(TEXTS[i % TEXTS.len()])),
                    ),
                    ("piani".into(), nullable(7, Value::Int((i % 6) as i64 - 1))),
                    (
                        "area".into(),
                        nullable(8, Value::Float((i as f64) * 12.25 - 100.5)),
                    ),
                    ("abitato".into(), nullable(5, Value::Bool(i % 2 == 0))),
                    ("dal".into(), nullable(11, Value::Date(date(i)))),
                    ("al".into(), nullable(4, Value::DateTime(instant(i)))),
                    (
                        "codice".into(),
                        Value::Text(format!("C{:03}", (i * 37) % 101)),
                    ),
                ],
            }
        })
        .collect()
}
