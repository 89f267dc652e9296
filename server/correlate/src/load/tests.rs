//! The loader over an in-memory store: grouping of states by property, versions with their
//! validity, links the source gave vs links resolved by the ingest, skipped malformed
//! features, missing collections.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use async_trait::async_trait;
use chrono::NaiveDate;
use geo_types::{Geometry, MultiPolygon, Point, polygon};
use segit_query::{
    Catalog, Collection, Crs, Extent, Feature, FeatureQuery, FeatureSink, GeometryType, Identity,
    Property, PropertyType, QueryStats, Value,
};
use segit_store::{FeatureStore, IngestSink, StoreError};

use super::{load_inputs, load_inputs_with_report, names};
use crate::inputs::Source;

/// Polls a future that never waits (the in-memory store answers at once).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[derive(Default)]
struct Mem {
    collections: BTreeMap<String, (Collection, Vec<Feature>)>,
}

impl Mem {
    fn with(mut self, id: &str, features: Vec<Feature>) -> Self {
        let mut names: Vec<String> = features
            .iter()
            .flat_map(|f| f.properties.iter().map(|(n, _)| n.clone()))
            .collect();
        names.sort();
        names.dedup();
        let c = Collection {
            id: id.to_owned(),
            title: id.to_owned(),
            description: String::new(),
            keywords: Vec::new(),
            geometry_type: GeometryType::Geometry,
            storage_crs: Crs::Crs84,
            properties: names
                .iter()
                .map(|n| Property::new(n, PropertyType::Text, n))
                .collect(),
            temporal: None,
            extent: None,
        };
        self.collections.insert(id.to_owned(), (c, features));
        self
    }
}

#[async_trait]
impl FeatureStore for Mem {
    async fn catalog(&self) -> Result<Catalog, StoreError> {
        Ok(Catalog {
            collections: self.collections.values().map(|(c, _)| c.clone()).collect(),
        })
    }
    async fn query(
        &self,
        query: &FeatureQuery,
        sink: &mut dyn FeatureSink,
    ) -> Result<QueryStats, StoreError> {
        let (c, features) = self
            .collections
            .get(&query.collection)
            .ok_or_else(|| StoreError::Unavailable("no such collection".into()))?;
        sink.begin(c).await?;
        // as a store answers: the selected properties in schema order, named if asked
        for f in features {
            let properties = c
                .returned(query.properties.as_deref())
                .map(|p| {
                    let name = if query.property_names {
                        p.name.clone()
                    } else {
                        String::new()
                    };
                    (name, f.property(&p.name).cloned().unwrap_or(Value::Null))
                })
                .collect();
            sink.feature(Feature {
                id: f.id.clone(),
                geometry: f.geometry.clone().filter(|_| query.with_geometry),
                properties,
            })
            .await?;
        }
        let n = features.len() as u64;
        let stats = QueryStats {
            number_matched: n,
            number_returned: n,
        };
        sink.end(stats).await?;
        Ok(stats)
    }
    async fn count(&self, _query: &FeatureQuery) -> Result<u64, StoreError> {
        Err(StoreError::Unavailable("not used".into()))
    }
    async fn get(
        &self,
        _collection: &str,
        _id: &str,
        _crs: Crs,
        _identity: &Identity,
    ) -> Result<Option<Feature>, StoreError> {
        Err(StoreError::Unavailable("not used".into()))
    }
    async fn extent(&self, _collection: &str) -> Result<Option<Extent>, StoreError> {
        Err(StoreError::Unavailable("not used".into()))
    }
    async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError> {
        Err(StoreError::Unavailable("not used".into()))
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn feature(id: &str, props: &[(&str, Value)]) -> Feature {
    Feature {
        id: id.to_owned(),
        geometry: None,
        properties: props
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect(),
    }
}

fn unit_state(key: &str, progressive: i64, from: NaiveDate, to: Option<NaiveDate>) -> Feature {
    feature(
        &format!("{key}@{progressive}"),
        &[
            ("unit_key", t(key)),
            ("property_ref", t("F205//77/F")),
            ("progressive", Value::Int(progressive)),
            ("category", t("A/2")),
            ("surface_m2", Value::Int(95)),
            ("rent_eur", Value::Float(612.5)),
            ("internal", t("4")),
            ("floor", t("2,3")),
            ("aliases", t("F205//12/35/2")),
            ("address_key", t("F205/1/12/")),
            ("valid_from", Value::Date(from)),
            ("valid_to", to.map_or(Value::Null, Value::Date)),
        ],
    )
}

#[test]
fn unit_states_are_grouped_by_property_with_their_validity() {
    let street = feature(
        "1",
        &[
            ("street_code", t("1")),
            ("dug", t("VIA")),
            ("duf", t("ROMA")),
            ("full_name", t("VIA ROMA")),
            ("cadastral_toponimo", Value::Int(236)),
            ("cadastral_street_code", t("05432")),
            ("valid_from", Value::Date(d(2024, 1, 1))),
        ],
    );
    let mut bad = unit_state("F205//12/34/1", 3, d(2020, 1, 1), None);
    bad.properties.retain(|(n, _)| n != "property_ref");
    let store = Mem::default().with("streets", vec![street]).with(
        "units",
        vec![
            unit_state("F205//12/34/1", 1, d(2010, 1, 1), Some(d(2018, 5, 1))),
            unit_state("F205//12/34/1", 2, d(2018, 5, 1), None),
            bad,
        ],
    );
    let mut calls = Vec::new();
    let (data, report) = block_on(load_inputs_with_report(&store, &mut |c, n| {
        calls.push((c.to_owned(), n));
    }))
    .unwrap();
    let units = data.units.unwrap();
    assert_eq!(units.len(), 1);
    let u = &units[0];
    assert_eq!(u.property.id, 77);
    assert_eq!(u.states.len(), 2);
    let current = &u.states[1];
    assert_eq!(current.validity.from(), d(2018, 5, 1));
    assert_eq!(current.validity.to(), None);
    assert_eq!(u.states[0].validity.to(), Some(d(2018, 5, 1)));
    assert_eq!(current.identifiers.canonical().to_string(), "F205//12/34/1");
    assert_eq!(current.identifiers.aliases().len(), 1);
    assert_eq!(current.floors, vec!["2".to_owned(), "3".to_owned()]);
    assert_eq!(
        current.category.map(|c| c.to_string()).as_deref(),
        Some("A/2")
    );
    // the cadastral address is rebuilt through the street register's alignment
    let a = current.current_address().unwrap();
    assert_eq!(a.street_code.as_deref(), Some("05432"));
    assert_eq!(a.toponimo, Some(236));
    assert_eq!(a.civico1.as_deref(), Some("12"));
    assert_eq!(data.comune.map(|b| b.to_string()).as_deref(), Some("F205"));
    // the malformed state is skipped and counted
    let units_load = report
        .collections
        .iter()
        .find(|c| c.collection == "units")
        .unwrap();
    assert_eq!((units_load.read, units_load.skipped), (3, 1));
    assert!(units_load.problems[0].contains("property_ref missing"));
    assert_eq!(report.skipped(), 1);
    assert_eq!(report.warnings().len(), 1);
    // missing collections leave their sources None
    assert!(data.map_parcels.is_none() && data.tari.is_none());
    assert!(report.missing.contains(&Source::MapParcels));
    assert!(!report.missing.contains(&Source::Units));
    assert_eq!(
        calls,
        vec![
            ("streets".to_owned(), 0),
            ("streets".to_owned(), 1),
            ("units".to_owned(), 0),
            ("units".to_owned(), 3)
        ]
    );
}

#[test]
fn source_keys_are_kept_and_resolved_links_are_left_to_the_engine() {
    let tari = |id: &str, link: &str| {
        feature(
            id,
            &[
                ("account_id", t(id)),
                ("premises_seq", Value::Int(1)),
                ("payer_cf", t("RSSMRA80A01F205X")),
                ("user_type", t("domestic")),
                ("occupants", Value::Int(3)),
                ("address_text", t("VIA ROMA 12 INT 4")),
                ("unit_keys", t("F205//12/34/1,F205//12/34/2")),
                ("declared_m2", Value::Int(60)),
                ("start_date", Value::Date(d(2019, 3, 1))),
                ("end_date", Value::Date(d(2023, 12, 31))),
                ("address_key", t("F205/1/12/")),
                ("address_key_link", t(link)),
            ],
        )
    };
    let store = Mem::default().with(
        "tari_positions",
        vec![tari("A1", "source_key"), tari("A2", "street_name")],
    );
    let data = block_on(load_inputs(&store, &mut |_, _| {})).unwrap();
    let tari = data.tari.unwrap();
    assert_eq!(tari.len(), 2);
    assert_eq!(
        tari[0]
            .address_key
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("F205/1/12/")
    );
    assert_eq!(
        tari[1].address_key, None,
        "resolved from the text: not the source's"
    );
    assert_eq!(tari[0].unit_keys.len(), 2);
    assert_eq!(tari[0].period.first(), d(2019, 3, 1));
    assert_eq!(tari[0].period.last(), Some(d(2023, 12, 31)));
    assert_eq!(tari[0].occupants, Some(3));
}

#[test]
fn imu_positions_are_grouped_by_declaration() {
    let position = |n: i64, ordinal: i64| {
        feature(
            &format!("p{n}"),
            &[
                ("declarant_cf", t("RSSMRA80A01F205X")),
                ("declarant_name", t("ROSSI")),
                ("declaration_year", Value::Int(2024)),
                ("tax_period", Value::Int(2023)),
                ("ordinal", Value::Int(ordinal)),
                ("position", Value::Int(n)),
                ("characteristic", t("building_by_rent")),
                ("category", t("A/2")),
                ("taxable_base_eur", Value::Int(100_000)),
                ("possession_percent", Value::Float(50.0)),
                ("unit_key", t("F205//12/34/1")),
                ("unit_key_link", t("unit_key")),
                ("valid_from", Value::Date(d(2023, 1, 1))),
            ],
        )
    };
    let units = vec![unit_state("F205//12/34/1", 1, d(2010, 1, 1), None)];
    let store = Mem::default().with("units", units).with(
        "imu_declarations",
        vec![position(1, 1), position(2, 1), position(1, 2)],
    );
    let data = block_on(load_inputs(&store, &mut |_, _| {})).unwrap();
    let decls = data.imu_declarations.unwrap();
    assert_eq!(decls.len(), 2);
    assert_eq!(decls[0].positions.len(), 2);
    assert_eq!(decls[0].tax_period, 2023);
    assert_eq!(decls[0].belfiore.to_string(), "F205");
    assert_eq!(
        decls[0].positions[0]
            .property
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("F205//12/34/1")
    );
    assert!((decls[0].positions[0].possession_percent - 50.0).abs() < 1e-9);
}

#[test]
fn deaths_and_buildable_zones_are_read_when_published() {
    let square = MultiPolygon(vec![polygon![
        (x: 0.0, y: 0.0),
        (x: 10.0, y: 0.0),
        (x: 10.0, y: 10.0),
        (x: 0.0, y: 10.0),
    ]]);
    let mut zone = feature(
        "TR1",
        &[
            ("zone_id", t("TR1")),
            ("reference_value_eur_per_m2", Value::Float(95.5)),
        ],
    );
    zone.geometry = Some(Geometry::MultiPolygon(square));
    let death = feature(
        "RSSMRA40A01F205X",
        &[
            ("person_cf", t("RSSMRA40A01F205X")),
            ("death_date", Value::Date(d(2023, 3, 4))),
            ("valid_from", Value::Date(d(2023, 3, 4))),
        ],
    );
    let undated = feature("X", &[("person_cf", t("VRDLGU50B02F205Y"))]);
    let store = Mem::default()
        .with(names::BUILDABLE_ZONES, vec![zone])
        .with(names::DEATHS, vec![death, undated]);
    let (data, report) = block_on(load_inputs_with_report(&store, &mut |_, _| {})).unwrap();
    let zones = data.buildable_zones.unwrap();
    assert_eq!(zones.len(), 1);
    assert_eq!(zones[0].zone_id, "TR1");
    assert_eq!(zones[0].reference_value_eur_per_m2, Some(95.5));
    let deaths = data.deaths.unwrap();
    assert_eq!(deaths.len(), 1);
    assert_eq!(deaths[0].person.as_written(), "RSSMRA40A01F205X");
    assert_eq!(deaths[0].date, d(2023, 3, 4));
    assert_eq!(report.skipped(), 1, "a death without its date is skipped");
    let empty = block_on(load_inputs_with_report(&Mem::default(), &mut |_, _| {}))
        .unwrap()
        .0;
    assert!(empty.deaths.is_none() && empty.buildable_zones.is_none());
}

#[test]
fn omi_zones_take_their_microzone_from_the_microzones() {
    let square = MultiPolygon(vec![polygon![
        (x: 0.0, y: 0.0),
        (x: 10.0, y: 0.0),
        (x: 10.0, y: 10.0),
        (x: 0.0, y: 10.0),
    ]]);
    let mut mz = feature(
        "F205/2",
        &[
            ("microzone", Value::Int(2)),
            ("omi_zone", t("B1")),
            ("valid_from", Value::Date(d(2024, 1, 1))),
        ],
    );
    mz.geometry = Some(Geometry::MultiPolygon(square));
    let mut not_polygon = mz.clone();
    not_polygon.id = "F205/3".into();
    not_polygon.geometry = Some(Geometry::Point(Point::new(1.0, 1.0)));
    let zone = feature(
        "F205/B1",
        &[
            ("zone", t("B1")),
            ("link_zone", t("MI00000290")),
            ("band", t("B")),
        ],
    );
    let store = Mem::default()
        .with(names::MICROZONES, vec![mz, not_polygon])
        .with(names::OMI_ZONES, vec![zone]);
    let (data, report) = block_on(load_inputs_with_report(&store, &mut |_, _| {})).unwrap();
    let zones = data.omi_zones.unwrap();
    assert_eq!(zones.len(), 1);
    assert_eq!(zones[0].microzone, 2);
    assert_eq!(zones[0].link_zona, "MI00000290");
    assert_eq!(zones[0].band, "B");
    assert_eq!(data.microzones.unwrap().len(), 1);
    assert_eq!(
        report.skipped(),
        1,
        "a microzone that is not a polygon is skipped"
    );
}

#[test]
fn a_failing_store_is_an_error() {
    struct Down;
    #[async_trait]
    impl FeatureStore for Down {
        async fn catalog(&self) -> Result<Catalog, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn query(
            &self,
            _q: &FeatureQuery,
            _s: &mut dyn FeatureSink,
        ) -> Result<QueryStats, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn count(&self, _q: &FeatureQuery) -> Result<u64, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn get(
            &self,
            _c: &str,
            _i: &str,
            _crs: Crs,
            _id: &Identity,
        ) -> Result<Option<Feature>, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn extent(&self, _c: &str) -> Result<Option<Extent>, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn begin_ingest(&self) -> Result<Box<dyn IngestSink>, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
    }
    let err = block_on(load_inputs(&Down, &mut |_, _| {})).unwrap_err();
    assert!(err.to_string().contains("connection refused"), "{err}");
}
