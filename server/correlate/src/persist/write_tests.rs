//! Tests of how a run is written: the calls made on the store, the batches and the features of
//! every anomaly layer.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use segit_model::{
    AddressKey, Anomaly, AnomalyObject, AnomalyStatus, Confidence, Evidence, EvidenceValue,
    GeometryRef, ParcelKey, RuleId, SuggestedAction, UnitKey,
};
use segit_query::{Catalog, Crs, Extent, Feature, FeatureQuery, FeatureSink, Identity, QueryStats};
use segit_store::{FeatureStore, IngestSink, StoreError};

use super::{
    BY_MICROZONE_ID, KeptAnomaly, Member, Previous, PreviousStatus, RUNS_ID, WRITE_BATCH,
    WriteInputs, persist_run, write_anomalies, writing,
};
use crate::engine::Family;
use crate::inputs::{Inputs, Microzone};
use crate::params::Params;
use crate::publish::{self, ALL_ID, aggregate, anomaly_layer, family_id, family_of, features_for};
use crate::registry::Registry;
use crate::run::{
    RuleReport, RuleStatus, Run, carry_over_status, diff, sort_anomalies, sort_anomaly_refs,
};
use crate::testkit::{all_sources, d, map_parcel, square};

/// A call made on the sink.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    Create(String),
    Write {
        id: String,
        deferred: bool,
        features: Vec<Feature>,
    },
    Commit,
    Rollback,
}

type Log = Arc<Mutex<Vec<Call>>>;

/// A store that records what is written to it; its catalog is empty.
#[derive(Default)]
struct Recorder {
    log: Log,
}

struct Sink {
    log: Log,
}

impl Sink {
    fn push(&self, call: Call) {
        self.log.lock().expect("log").push(call);
    }
}

#[async_trait]
impl IngestSink for Sink {
    async fn create_collection(
        &mut self,
        collection: &segit_query::Collection,
    ) -> Result<(), StoreError> {
        self.push(Call::Create(collection.id.clone()));
        Ok(())
    }
    async fn write(&mut self, id: &str, features: Vec<Feature>) -> Result<(), StoreError> {
        self.push(Call::Write {
            id: id.to_owned(),
            deferred: false,
            features,
        });
        Ok(())
    }
    async fn write_deferred(&mut self, id: &str, features: Vec<Feature>) -> Result<(), StoreError> {
        self.push(Call::Write {
            id: id.to_owned(),
            deferred: true,
            features,
        });
        Ok(())
    }
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.push(Call::Commit);
        Ok(())
    }
    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.push(Call::Rollback);
        Ok(())
    }
}

#[async_trait]
impl FeatureStore for Recorder {
    async fn catalog(&self) -> Result<Catalog, StoreError> {
        Ok(Catalog {
            collections: Vec::new(),
        })
    }
    async fn query(
        &self,
        _query: &FeatureQuery,
        _sink: &mut dyn FeatureSink,
    ) -> Result<QueryStats, StoreError> {
        Err(StoreError::Unavailable("not used".into()))
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
        Ok(Box::new(Sink {
            log: Arc::clone(&self.log),
        }))
    }
}

pub(super) fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Rules of every family (the expectations ask the registry which).
const RULES: [&str; 5] = ["Q01", "R02", "R14", "R18", "R26"];

/// Anomaly `i`: a rule of [`RULES`], a unit of its own, a geometry found in the snapshot of
/// [`inputs`] (a microzone, a parcel), one that is not, or none.
pub(super) fn anomaly(i: usize) -> Anomaly {
    let geometry_ref = match i % 4 {
        0 => Some(GeometryRef::Microzone(u32::try_from(i % 3).unwrap_or(0))),
        1 => Some(GeometryRef::Parcel(
            ParcelKey::parse("F205_001200.101").unwrap(),
        )),
        2 => Some(GeometryRef::HouseNumber(
            AddressKey::parse("F205/1/12/").unwrap(),
        )),
        _ => None,
    };
    let mut evidence = Evidence::new();
    evidence.insert("declared_m2".into(), EvidenceValue::Integer(i as i64));
    Anomaly {
        rule_id: RuleId::parse(RULES[i % RULES.len()]).unwrap(),
        rule_version: 1,
        as_of_date: d(2025, 12, 31),
        object: AnomalyObject {
            parcel_key: None,
            unit_key: Some(UnitKey::parse(&format!("F205//12/34/{}", i + 1)).unwrap()),
            address_key: None,
            microzone: Some(u32::try_from(i % 3).unwrap_or(0)),
        },
        geometry_ref,
        subjects: Vec::new(),
        evidence,
        evidence_date: None,
        match_confidence: Confidence::new(0.5).unwrap(),
        score: i as f64,
        estimated_gap: i.is_multiple_of(2).then_some(i as f64 * 1.5),
        legal_basis: "L. 147/2013".into(),
        action: SuggestedAction::TariAssessment,
        status: AnomalyStatus::New,
    }
}

pub(super) fn inputs() -> Inputs {
    let mut data = all_sources();
    data.map_parcels = Some(vec![map_parcel("F205_001200.101", square(0.0, 0.0, 10.0))]);
    data.microzones = Some(vec![
        Microzone {
            number: 1,
            geometry: square(0.0, 0.0, 50.0),
        },
        Microzone {
            number: 2,
            geometry: square(50.0, 0.0, 100.0),
        },
    ]);
    Inputs::new(data)
}

/// A run of the registry's rules (each ok) with `anomalies`, at fixed times and fingerprints.
pub(super) fn run_of(anomalies: Vec<Anomaly>) -> Run {
    Run {
        run_id: "run-x".into(),
        started_at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap(),
        as_of: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        tax_year: 2025,
        input_fingerprint: "abc".into(),
        params_fingerprint: "def".into(),
        rules: RULES
            .iter()
            .map(|r| RuleReport {
                rule_id: (*r).into(),
                version: 1,
                status: RuleStatus::Ok(1),
                millis: 1,
            })
            .collect(),
        anomalies,
        millis: 1,
    }
}

/// The geometry `a` refers to, resolved in `inputs`.
pub(super) fn geometry(inputs: &Inputs, a: &Anomaly) -> Option<geo_types::Geometry<f64>> {
    a.geometry_ref
        .as_ref()
        .and_then(|g| publish::resolve_geometry(inputs, g))
}

/// What [`super::previous_anomalies`] reads for `run` of a store holding `before`, written
/// with their geometries resolved in `inputs`.
pub(super) fn previous_of(before: &[Anomaly], run: &Run, inputs: &Inputs) -> Previous {
    let evaluated = super::evaluated_rules(run);
    let mut previous = Previous::default();
    for a in before {
        if evaluated.contains(a.rule_id.as_str()) {
            previous.statuses.push(PreviousStatus {
                key: crate::run::anomaly_key(a),
                status: a.status,
            });
        } else {
            previous.kept.push(KeptAnomaly {
                anomaly: a.clone(),
                geometry: geometry(inputs, a),
            });
        }
    }
    previous
}

/// `features` with their properties' names left out, as the anomaly layers are written (the
/// properties in schema order).
fn nameless(mut features: Vec<Feature>) -> Vec<Feature> {
    let names: Vec<String> = publish::anomaly_properties()
        .into_iter()
        .map(|p| p.name)
        .collect();
    for f in &mut features {
        let written: Vec<&str> = f.properties.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(written, names, "{}: not in schema order", f.id);
        for (name, _) in &mut f.properties {
            name.clear();
        }
    }
    features
}

/// The features written to `id`, in order, and the sizes of its writes.
fn written(log: &[Call], id: &str) -> (Vec<Feature>, Vec<usize>) {
    let mut features = Vec::new();
    let mut sizes = Vec::new();
    for call in log {
        if let Call::Write {
            id: to,
            features: f,
            ..
        } = call
            && to == id
        {
            sizes.push(f.len());
            features.extend(f.iter().cloned());
        }
    }
    (features, sizes)
}

#[test]
fn a_layer_is_written_in_deferred_batches_of_the_features_it_holds() {
    let inputs = inputs();
    let registry = Registry::standard();
    let anomalies: Vec<Anomaly> = (0..23).map(anomaly).collect();
    let keys: Vec<String> = anomalies.iter().map(crate::run::anomaly_key).collect();
    let geometries: Vec<_> = anomalies.iter().map(|a| geometry(&inputs, a)).collect();
    for (layer, batch, sizes) in [
        (None, 5, vec![5, 5, 5, 5, 3]),
        (None, 23, vec![23]),
        (None, 1000, vec![23]),
        (Some(Family::DataQuality), 5, vec![5]),
        (Some(Family::DataQuality), 2, vec![2, 2, 1]),
        (Some(Family::Tari), 1, vec![1; 5]),
    ] {
        let log = Log::default();
        let mut sink = Sink {
            log: Arc::clone(&log),
        };
        let members = anomalies
            .iter()
            .zip(&keys)
            .zip(&geometries)
            .map(|((a, k), g)| Member {
                anomaly: a,
                family: family_of(&registry, a),
                key: k.as_str(),
                geometry: g.as_ref(),
            })
            .filter(|m| layer.is_none_or(|l| l == m.family));
        let id = layer.map_or_else(|| ALL_ID.to_owned(), family_id);
        let n = block_on(write_anomalies(&mut sink, &id, members, batch, None)).unwrap();
        let log = log.lock().unwrap();
        assert!(
            log.iter()
                .all(|c| matches!(c, Call::Write { deferred: true, .. })),
            "{log:?}"
        );
        let (features, got) = written(&log, &id);
        assert_eq!(got, sizes, "{id} in batches of {batch}");
        assert_eq!(n, features.len());
        assert_eq!(
            features,
            nameless(features_for(&id, &anomalies, &registry, &inputs))
        );
    }
}

#[test]
fn an_empty_layer_gets_one_empty_write() {
    let log = Log::default();
    let mut sink = Sink {
        log: Arc::clone(&log),
    };
    let n = block_on(write_anomalies(
        &mut sink,
        ALL_ID,
        std::iter::empty(),
        WRITE_BATCH,
        None,
    ))
    .unwrap();
    assert_eq!(n, 0);
    assert_eq!(
        *log.lock().unwrap(),
        [Call::Write {
            id: ALL_ID.into(),
            deferred: true,
            features: Vec::new()
        }]
    );
}

#[test]
fn every_layer_holds_the_features_of_its_anomalies_in_run_order() {
    let inputs = inputs();
    let registry = Registry::standard();
    let mut anomalies: Vec<Anomaly> = (0..40).map(anomaly).collect();
    let store = Recorder::default();
    let mut run = run_of(anomalies.clone());
    let finished_at = run.started_at;
    let from_inputs = WriteInputs::new(&inputs, &Params::default(), &run);
    drop(inputs);
    let persisted = block_on(persist_run(
        &store,
        &registry,
        &from_inputs,
        &mut run,
        &Previous::default(),
        Crs::Epsg(7791),
        finished_at,
    ))
    .unwrap();
    sort_anomalies(&mut anomalies);
    let log = store.log.lock().unwrap();
    let created: Vec<&str> = log
        .iter()
        .filter_map(|c| match c {
            Call::Create(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut expected: Vec<String> = publish::collections(Crs::Epsg(7791))
        .into_iter()
        .map(|c| c.id)
        .collect();
    expected.push(RUNS_ID.into());
    assert_eq!(created, expected);
    assert_eq!(log.last(), Some(&Call::Commit));
    let mut families = 0;
    for id in &expected {
        let (features, _) = written(&log, id);
        assert_eq!(persisted.written.get(id), Some(&features.len()), "{id}");
        if anomaly_layer(id).is_some() {
            let want = nameless(features_for(id, &anomalies, &registry, &self::inputs()));
            assert_eq!(features, want, "{id}");
            families += usize::from(id != ALL_ID && !want.is_empty());
        }
    }
    assert_eq!(families, Family::ALL.len(), "every family has anomalies");
    assert_eq!(persisted.written[ALL_ID], 40);
    assert_eq!(persisted.written[BY_MICROZONE_ID], 2);
}

#[test]
fn a_rerun_carries_statuses_over_counts_the_diff_and_keeps_the_rules_not_run() {
    let inputs = inputs();
    let registry = Registry::standard();
    // the previous run: anomalies 0..30, every third under review, and two of R05, a rule
    // this run does not evaluate
    let mut before: Vec<Anomaly> = (0..30).map(anomaly).collect();
    for a in before.iter_mut().step_by(3) {
        a.status = AnomalyStatus::UnderReview;
    }
    for (i, status) in [(100, AnomalyStatus::New), (101, AnomalyStatus::Notified)] {
        let mut a = anomaly(i);
        a.rule_id = RuleId::parse("R05").unwrap();
        a.status = status;
        before.push(a);
    }
    // this run: anomalies 10..40, one of them twice with different values (same key)
    let mut current: Vec<Anomaly> = (10..40).map(anomaly).collect();
    let mut twin = anomaly(12);
    twin.score = -1.0;
    current.insert(0, twin);
    let store = Recorder::default();
    let mut run = run_of(current.clone());
    // as the store gives it back: the R05 anomalies with the geometry they were written with
    let previous = previous_of(&before, &run, &inputs);
    assert_eq!(previous.kept.len(), 2);
    let finished_at = run.started_at;
    let from_inputs = WriteInputs::new(&inputs, &Params::default(), &run);
    let persisted = block_on(persist_run(
        &store,
        &registry,
        &from_inputs,
        &mut run,
        &previous,
        Crs::Epsg(7791),
        finished_at,
    ))
    .unwrap();
    // what the run's public functions give
    let (ran, kept): (Vec<&Anomaly>, Vec<&Anomaly>) =
        before.iter().partition(|a| a.rule_id.as_str() != "R05");
    carry_over_status(&ran, &mut current);
    assert_eq!(run.anomalies, current);
    assert!(
        current
            .iter()
            .any(|a| a.status == AnomalyStatus::UnderReview)
    );
    let d = diff(&ran, &current);
    assert_eq!((d.new.len(), d.resolved.len()), (10, 10));
    assert_eq!(
        (persisted.total, persisted.new, persisted.resolved),
        (33, d.new.len(), d.resolved.len())
    );
    let mut all: Vec<&Anomaly> = current.iter().chain(kept).collect();
    sort_anomaly_refs(&mut all);
    let log = store.log.lock().unwrap();
    for c in publish::collections(Crs::Epsg(7791)) {
        if anomaly_layer(&c.id).is_some() {
            let (features, _) = written(&log, &c.id);
            assert_eq!(
                features,
                nameless(features_for(&c.id, &all, &registry, &inputs)),
                "{}",
                c.id
            );
        }
    }
    // the per-microzone counts, made while the anomalies were written, are those of the run
    let areas = super::microzone_areas(&inputs);
    let (by_microzone, _) = written(&log, BY_MICROZONE_ID);
    assert_eq!(by_microzone, aggregate(&all, &registry, &inputs, &areas));
    assert!(
        by_microzone
            .iter()
            .any(|f| f.property("anomalies") != Some(&segit_query::Value::Int(0)))
    );
}

#[test]
fn a_failure_names_the_layers_it_may_come_from() {
    assert_eq!(writing(None, ALL_ID), "writing anomalies");
    assert_eq!(writing(Some(ALL_ID), ALL_ID), "writing anomalies");
    assert_eq!(
        writing(Some(ALL_ID), "anomalies_tari"),
        "writing anomalies or anomalies_tari"
    );
}
