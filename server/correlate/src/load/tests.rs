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

use super::{Progress, load_inputs, load_inputs_with_report, load_with, names};
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

/// A future pending once (waking its task at once): where a store would wait for rows.
struct Yield(bool);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[derive(Default)]
struct Mem {
    collections: BTreeMap<String, (Collection, Vec<Feature>)>,
    /// how many times a query of a collection waits before each feature (never when `None`)
    waits: Option<Waits>,
}

/// How many times a query of a collection waits before each feature.
type Waits = fn(&str) -> usize;

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
        let waits = self.waits.map_or(0, |w| w(&query.collection));
        sink.begin(c).await?;
        // as a store answers: the selected properties in schema order, named if asked
        for f in features {
            for _ in 0..waits {
                Yield(false).await;
            }
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
    // values no rule reads are left empty though the store has them
    assert!(current.floors().is_empty() && current.class().is_none());
    assert_eq!((&current.generating_deed, &current.details), (&None, &None));
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
            ("streets".to_owned(), Progress::Started),
            ("streets".to_owned(), Progress::Read(1)),
            ("units".to_owned(), Progress::Started),
            ("units".to_owned(), Progress::Read(3))
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
fn subjects_residents_and_tari_carry_no_boxed_details() {
    let subject = |id: i64, kind: &str, cf: &str| {
        feature(
            &format!("F205/{id}/{kind}"),
            &[
                ("subject_ref", t(&format!("F205/{id}/{kind}"))),
                ("subject_id", Value::Int(id)),
                ("subject_type", t(kind)),
                ("codice_fiscale", t(cf)),
                ("surname", t("ROSSI")),
                ("denomination", t("IMMOBILIARE SRL")),
            ],
        )
    };
    let resident = feature(
        "r1",
        &[
            ("person_cf", t("RSSMRA80A01F205X")),
            ("household_id", t("H1")),
            ("relationship", t("head")),
            ("address_key", t("F205/1/12/")),
            ("staircase", t("B")),
            ("internal", t("4")),
            ("valid_from", Value::Date(d(2019, 3, 1))),
        ],
    );
    let tari = feature(
        "A1",
        &[
            ("account_id", t("A1")),
            ("premises_seq", Value::Int(1)),
            ("payer_cf", t("RSSMRA80A01F205X")),
            ("user_type", t("domestic")),
            ("floor", t("3")),
            ("declared_m2", Value::Int(60)),
            ("start_date", Value::Date(d(2019, 3, 1))),
        ],
    );
    let store = Mem::default()
        .with(
            names::SUBJECTS,
            vec![
                subject(1, "P", "RSSMRA80A01F205X"),
                subject(2, "G", "01234567897"),
            ],
        )
        .with(names::RESIDENTS, vec![resident])
        .with(names::TARI, vec![tari]);
    let data = block_on(load_inputs(&store, &mut |_, _| {})).unwrap();
    // the personal data, relationship, staircase and floor are not read: no details boxed
    let subjects = data.subjects.unwrap();
    assert_eq!(subjects.len(), 2);
    assert!(subjects.iter().all(|s| s.details.is_none()));
    assert_eq!(subjects[1].kind(), segit_model::SubjectKind::LegalEntity);
    assert_eq!(
        subjects[1].tax_code().map(segit_model::TaxId::as_written),
        Some("01234567897")
    );
    let residents = data.residents.unwrap();
    assert_eq!(residents[0].details, None);
    assert_eq!(
        residents[0].relationship(),
        segit_model::Relationship::Other
    );
    assert_eq!(residents[0].address.internal(), Some("4"));
    let tari = data.tari.unwrap();
    assert_eq!((&tari[0].details, tari[0].floor()), (&None, None));
}

/// Position `n` of declaration `ordinal` of one declarant (2024 for 2023, unit F205//12/34/1).
fn imu_position(id: &str, n: i64, ordinal: i64) -> Feature {
    feature(
        id,
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
            ("valid_from", Value::Date(d(2023, 1, 1))),
        ],
    )
}

#[test]
fn imu_positions_are_grouped_by_declaration() {
    let position = |n: i64, ordinal: i64| {
        let mut f = imu_position(&format!("p{n}"), n, ordinal);
        f.properties.push(("unit_key_link".into(), t("unit_key")));
        f
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

/// The 10 m square at the origin.
fn square() -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![
        (x: 0.0, y: 0.0),
        (x: 10.0, y: 0.0),
        (x: 10.0, y: 10.0),
        (x: 0.0, y: 10.0),
    ]])
}

#[test]
fn deaths_and_buildable_zones_are_read_when_published() {
    let square = square();
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
    let square = square();
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

/// Features that no conversion accepts: skipped, their ids kept in the report's problems.
fn junk(prefix: &str, n: usize) -> Vec<Feature> {
    (0..n)
        .map(|i| feature(&format!("{prefix}{i}"), &[("note", t("?"))]))
        .collect()
}

/// A store with every collection: records where the order and the dependencies show (streets
/// and units, the IMU declarations needing the municipality, OMI zones needing microzones),
/// unconvertible features elsewhere (their reasons show the order and, for F24, whether the
/// municipality was known).
fn every_collection() -> Mem {
    let street = |code: &str, name: &str, toponimo: i64| {
        feature(
            code,
            &[
                ("street_code", t(code)),
                ("dug", t("VIA")),
                ("duf", t(name)),
                ("cadastral_toponimo", Value::Int(toponimo)),
                ("cadastral_street_code", t(&format!("0{code}"))),
            ],
        )
    };
    let mut units = Vec::new();
    for (i, sheet) in ["12", "13", "14"].iter().enumerate() {
        let key = format!("F205//{sheet}/34/1");
        let mut first = unit_state(&key, 1, d(2010, 1, 1), Some(d(2018, 5, 1)));
        let mut second = unit_state(&key, 2, d(2018, 5, 1), None);
        for state in [&mut first, &mut second] {
            state.properties.retain(|(n, _)| n != "property_ref");
            state
                .properties
                .push(("property_ref".into(), t(&format!("F205//{}/F", 70 + i))));
        }
        units.push(first);
        units.push(second);
    }
    let position = |n: i64, ordinal: i64| imu_position(&format!("p{n}/{ordinal}"), n, ordinal);
    let tari = |id: &str| {
        feature(
            id,
            &[
                ("account_id", t(id)),
                ("premises_seq", Value::Int(1)),
                ("payer_cf", t("RSSMRA80A01F205X")),
                ("user_type", t("domestic")),
                ("address_text", t("VIA ROMA 12")),
                ("start_date", Value::Date(d(2019, 3, 1))),
            ],
        )
    };
    let quotation = |code: i64| {
        feature(
            &format!("q{code}"),
            &[
                ("link_zone", t("MI00000290")),
                ("typology_code", Value::Int(code)),
                ("purchase_min", Value::Float(1000.0)),
                ("purchase_max", Value::Float(2000.0)),
            ],
        )
    };
    let death = |cf: &str| {
        feature(
            cf,
            &[
                ("person_cf", t(cf)),
                ("death_date", Value::Date(d(2023, 3, 4))),
            ],
        )
    };
    let square = square();
    let mut microzone = feature(
        "F205/2",
        &[("microzone", Value::Int(2)), ("omi_zone", t("B1"))],
    );
    microzone.geometry = Some(Geometry::MultiPolygon(square.clone()));
    let mut zone = feature("TR1", &[("zone_id", t("TR1"))]);
    zone.geometry = Some(Geometry::MultiPolygon(square));
    Mem::default()
        .with(
            names::STREETS,
            vec![
                street("1", "ROMA", 236),
                street("2", "DANTE", 237),
                street("3", "VERDI", 238),
            ],
        )
        .with(names::PARCEL_STATES, junk("ps", 7))
        .with(names::UNITS, units)
        .with(names::SUBJECTS, junk("s", 7))
        .with(names::HOLDINGS, junk("h", 9))
        .with(names::PARCELS, junk("mp", 3))
        .with(names::TOPO_BUILDINGS, junk("tb", 3))
        .with(names::BUILDINGS, junk("b", 3))
        .with(names::SURFACES, junk("cs", 6))
        .with(names::RESIDENTS, junk("r", 8))
        .with(names::TARI, vec![tari("A1"), tari("A2"), tari("A3")])
        .with(names::UTILITIES, junk("u", 9))
        .with(names::LEASES, junk("l", 4))
        .with(
            names::IMU,
            vec![
                position(1, 1),
                position(2, 1),
                position(1, 2),
                position(1, 3),
            ],
        )
        .with(names::F24, junk("f", 6))
        .with(names::DEEDS, junk("d", 5))
        .with(names::HOUSE_NUMBERS, junk("hn", 2))
        .with(names::MICROZONES, vec![microzone])
        .with(
            names::OMI_ZONES,
            vec![feature(
                "B1",
                &[("zone", t("B1")), ("link_zone", t("MI00000290"))],
            )],
        )
        .with(names::OMI_VALUES, (1..=6).map(quotation).collect())
        .with(
            names::DEATHS,
            vec![death("RSSMRA40A01F205X"), death("VRDLGU50B02F205Y")],
        )
        .with(names::BUILDABLE_ZONES, vec![zone])
}

/// The collections the loader reads, in loading order.
const LOADING_ORDER: [&str; 22] = [
    names::STREETS,
    names::PARCEL_STATES,
    names::UNITS,
    names::SUBJECTS,
    names::HOLDINGS,
    names::PARCELS,
    names::TOPO_BUILDINGS,
    names::BUILDINGS,
    names::SURFACES,
    names::RESIDENTS,
    names::TARI,
    names::UTILITIES,
    names::LEASES,
    names::IMU,
    names::F24,
    names::DEEDS,
    names::HOUSE_NUMBERS,
    names::MICROZONES,
    names::OMI_ZONES,
    names::OMI_VALUES,
    names::DEATHS,
    names::BUILDABLE_ZONES,
];

#[test]
fn concurrent_reads_load_what_reads_one_by_one_load() {
    let position = |c: &str| LOADING_ORDER.iter().position(|n| *n == c).unwrap();
    // one collection after the other, each answered at once: the loading of old
    let mut calls = Vec::new();
    let (one_by_one, one_by_one_report) = block_on(load_with(
        &every_collection(),
        &mut |c, p| calls.push((c.to_owned(), p)),
        1,
    ))
    .unwrap();
    let expected_calls: Vec<(String, Progress)> = one_by_one_report
        .collections
        .iter()
        .flat_map(|c| {
            [
                (c.collection.clone(), Progress::Started),
                (c.collection.clone(), Progress::Read(c.read)),
            ]
        })
        .collect();
    assert_eq!(calls, expected_calls);
    // what the tests above expect, on every collection at once
    let order: Vec<&str> = one_by_one_report
        .collections
        .iter()
        .map(|c| c.collection.as_str())
        .collect();
    assert_eq!(order, LOADING_ORDER);
    assert!(one_by_one_report.missing.is_empty());
    let units = one_by_one.units.as_ref().unwrap();
    assert_eq!(
        units.iter().map(|u| u.property.id).collect::<Vec<_>>(),
        [70, 71, 72]
    );
    let address = units[0].states[1].current_address().unwrap();
    assert_eq!(address.toponimo, Some(236), "aligned on the streets");
    let imu = one_by_one.imu_declarations.as_ref().unwrap();
    assert_eq!(imu.len(), 3);
    assert_eq!(imu[0].belfiore.to_string(), "F205");
    let f24 = &one_by_one_report.collections[position(names::F24)];
    assert_eq!((f24.read, f24.skipped), (6, 6));
    assert!(
        !f24.problems[0].contains("municipality unknown"),
        "{:?}",
        f24.problems
    );
    let holdings = &one_by_one_report.collections[position(names::HOLDINGS)];
    assert_eq!(holdings.problems.len(), 5);
    assert!(holdings.problems[4].starts_with("h4: "));
    assert_eq!(one_by_one.omi_zones.as_ref().unwrap()[0].microzone, 2);
    assert_eq!(
        one_by_one
            .omi_values
            .as_ref()
            .unwrap()
            .iter()
            .map(|q| q.cod_tip)
            .collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    let one_by_one = format!("{one_by_one:?}");

    // two at a time, the store answering each collection at its own pace: whichever read ends
    // first, the same snapshot and the same report
    let orderings: [(&str, Waits); 7] = [
        ("at once", |_| 0),
        ("odd names slow", |c| if c.len() % 2 == 1 { 3 } else { 0 }),
        ("even names slow", |c| if c.len() % 2 == 0 { 3 } else { 0 }),
        ("later collections slow", |c| {
            LOADING_ORDER.iter().position(|n| *n == c).unwrap_or(0)
        }),
        (
            "streets slow",
            |c| if c == names::STREETS { 100 } else { 0 },
        ),
        ("units slow", |c| if c == names::UNITS { 100 } else { 0 }),
        ("streets and the cadastre slow", |c| {
            if [
                names::STREETS,
                names::UNITS,
                names::PARCEL_STATES,
                names::SUBJECTS,
            ]
            .contains(&c)
            {
                40
            } else {
                0
            }
        }),
    ];
    let mut interleaved = 0;
    for (ordering, waits) in orderings {
        let mut store = every_collection();
        store.waits = Some(waits);
        let mut calls: Vec<(String, Progress)> = Vec::new();
        let (data, report) = block_on(load_with(
            &store,
            &mut |c, p| calls.push((c.to_owned(), p)),
            2,
        ))
        .unwrap();
        assert_eq!(report, one_by_one_report, "{ordering}");
        assert_eq!(format!("{data:?}"), one_by_one, "{ordering}");
        // per collection: its start, then its end; two at most under way, never two of the
        // biggest, none before the collections it needs
        let mut under_way: Vec<&str> = Vec::new();
        let mut read: Vec<&str> = Vec::new();
        for (c, p) in &calls {
            match p {
                Progress::Started => {
                    under_way.push(c);
                    assert!(under_way.len() <= 2, "{ordering}: {under_way:?}");
                    if under_way.len() == 2 {
                        interleaved += 1;
                    }
                    let big = [names::UNITS, names::HOLDINGS, names::UTILITIES];
                    assert!(
                        under_way.iter().filter(|u| big.contains(u)).count() <= 1,
                        "{ordering}: {under_way:?}"
                    );
                    let needs: &[&str] = match c.as_str() {
                        names::UNITS => &[names::STREETS],
                        names::IMU | names::F24 => {
                            &[names::UNITS, names::PARCEL_STATES, names::SUBJECTS]
                        }
                        _ => &[],
                    };
                    assert!(
                        needs.iter().all(|n| read.contains(n)),
                        "{ordering}: {c} before {needs:?}"
                    );
                }
                Progress::Reading(_) => assert!(under_way.contains(&c.as_str())),
                Progress::Read(n) => {
                    let at = under_way.iter().position(|u| *u == c).unwrap();
                    under_way.remove(at);
                    read.push(c);
                    assert_eq!(*n, report.collections[position(c)].read);
                }
            }
        }
        assert!(under_way.is_empty());
        assert_eq!(read.len(), LOADING_ORDER.len(), "{ordering}");
    }
    assert!(interleaved > 0, "some reads ran together");
}
