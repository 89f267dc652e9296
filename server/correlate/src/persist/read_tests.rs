//! Tests of how the previous run is read back from a store (a GeoPackage): the projection of
//! the rules run gives the same new / resolved / status outcome as the anomalies read in full,
//! the anomalies of the other rules are read in full with their geometry, and the features that
//! cannot be read are reported.

use std::path::{Path, PathBuf};

use segit_model::{Anomaly, AnomalyStatus, RuleId};
use segit_query::sink::VecSink;
use segit_query::{Crs, Feature, FeatureQuery, Identity, Value};
use segit_store::FeatureStore;
use segit_store_gpkg::GpkgStore;

use super::write_tests::{anomaly, geometry, inputs, run_of};
use super::{
    KeptAnomaly, Persisted, Previous, PreviousStatus, WriteInputs, anomaly_from_feature,
    evaluated_rules, persist_run, previous_anomalies,
};
use crate::engine::Family;
use crate::params::Params;
use crate::publish::{self, ALL_ID};
use crate::registry::Registry;
use crate::run::{Run, anomaly_key, carry_over_status, diff};

const CRS: Crs = Crs::Epsg(7791);

fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// A GeoPackage of its own in the temporary directory, removed when dropped.
struct TempGpkg(PathBuf);

impl TempGpkg {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "segit-correlate-read-{}-{name}.gpkg",
            std::process::id()
        ));
        remove(&path);
        Self(path)
    }
}

fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

impl Drop for TempGpkg {
    fn drop(&mut self) {
        remove(&self.0);
    }
}

/// Every feature of the `anomalies` collection, every property, with geometry.
fn stored(store: &GpkgStore) -> Vec<Feature> {
    let catalog = block_on(store.catalog()).unwrap();
    let collection = catalog.get(ALL_ID).unwrap();
    let mut query = FeatureQuery::new(ALL_ID, Identity::System);
    query.output_crs = collection.storage_crs;
    let query = query.validate(collection).unwrap();
    let mut sink = VecSink::default();
    block_on(store.query(&query, &mut sink)).unwrap();
    sink.features
}

/// Writes `run` after `previous` (read for it), with the geometries of [`inputs`], as the run
/// `id`.
fn persist(store: &GpkgStore, id: &str, run: &mut Run, previous: &Previous) -> Persisted {
    id.clone_into(&mut run.run_id);
    let from_inputs = WriteInputs::new(&inputs(), &Params::default(), run);
    let finished_at = run.started_at;
    block_on(persist_run(
        store,
        &Registry::standard(),
        &from_inputs,
        run,
        previous,
        CRS,
        finished_at,
    ))
    .unwrap()
}

#[test]
fn the_projection_gives_the_outcome_of_the_anomalies_read_in_full() {
    let file = TempGpkg::new("projection");
    let store = GpkgStore::create(&file.0).unwrap();
    let inputs = inputs();
    // the previous run: anomalies 0..30 and two of R05 (a rule the next run does not
    // evaluate), some of whose statuses an operator changed
    let mut first: Vec<Anomaly> = (0..30).map(anomaly).collect();
    for (i, a) in first.iter_mut().enumerate() {
        a.status = match i % 5 {
            0 => AnomalyStatus::UnderReview,
            1 => AnomalyStatus::Notified,
            _ => AnomalyStatus::New,
        };
    }
    for (i, status) in [(100, AnomalyStatus::New), (101, AnomalyStatus::Notified)] {
        let mut a = anomaly(i);
        a.rule_id = RuleId::parse("R05").unwrap();
        a.status = status;
        first.push(a);
    }
    let mut run = run_of(first.clone());
    let written = persist(&store, "run-1", &mut run, &Previous::default());
    assert_eq!(written.total, 32);
    assert_eq!(
        run.anomalies, first,
        "no previous run: the statuses stay as given"
    );

    // this run: anomalies 10..40 (10..30 found again, some with changed values)
    let mut current: Vec<Anomaly> = (10..40).map(anomaly).collect();
    for a in current.iter_mut().step_by(4) {
        a.score += 100.0;
        a.estimated_gap = Some(7.5);
    }
    let mut run = run_of(current.clone());

    // what reading every anomaly in full gave
    let evaluated = evaluated_rules(&run);
    let full: Vec<(Anomaly, Option<geo_types::Geometry<f64>>)> = stored(&store)
        .into_iter()
        .map(|f| (anomaly_from_feature(&f).unwrap(), f.geometry))
        .collect();
    let (ran, other): (Vec<_>, Vec<_>) = full
        .into_iter()
        .partition(|(a, _)| evaluated.contains(a.rule_id.as_str()));
    let ran: Vec<Anomaly> = ran.into_iter().map(|(a, _)| a).collect();
    let mut want = current.clone();
    carry_over_status(&ran, &mut want);
    let d = diff(&ran, &current);
    assert_eq!((d.new.len(), d.resolved.len()), (10, 10));
    assert!(want.iter().any(|a| a.status == AnomalyStatus::UnderReview));
    assert!(want.iter().any(|a| a.status == AnomalyStatus::Notified));

    // what the projection reads
    let previous = block_on(previous_anomalies(&store, &run)).unwrap();
    assert!(previous.unreadable.is_empty(), "{:?}", previous.unreadable);
    let statuses: Vec<PreviousStatus> = ran
        .iter()
        .map(|a| PreviousStatus {
            key: anomaly_key(a),
            status: a.status,
        })
        .collect();
    assert_eq!(previous.statuses, statuses);
    let kept: Vec<KeptAnomaly> = other
        .into_iter()
        .map(|(anomaly, geometry)| KeptAnomaly { anomaly, geometry })
        .collect();
    assert_eq!(previous.kept, kept);
    assert_eq!(previous.kept.len(), 2);
    for k in &previous.kept {
        assert_eq!(
            k.geometry,
            geometry(&inputs, &k.anomaly),
            "published geometry"
        );
    }

    let persisted = persist(&store, "run-2", &mut run, &previous);
    assert_eq!(run.anomalies, want, "statuses carried over");
    assert_eq!(
        (persisted.total, persisted.new, persisted.resolved),
        (32, d.new.len(), d.resolved.len())
    );
    // the store holds this run's anomalies and the kept ones, with their statuses and the
    // geometries they refer to
    let now = stored(&store);
    let mut got: Vec<(Anomaly, Option<geo_types::Geometry<f64>>)> = now
        .iter()
        .map(|f| (anomaly_from_feature(f).unwrap(), f.geometry.clone()))
        .collect();
    got.sort_by_key(|(a, _)| anomaly_key(a));
    let mut all: Vec<(Anomaly, Option<geo_types::Geometry<f64>>)> = want
        .iter()
        .chain(kept.iter().map(|k| &k.anomaly))
        .map(|a| (a.clone(), geometry(&inputs, a)))
        .collect();
    all.sort_by_key(|(a, _)| anomaly_key(a));
    assert_eq!(got, all);

    // the same run again: nothing new, nothing resolved, the statuses kept
    let mut again = run_of(current);
    let previous = block_on(previous_anomalies(&store, &again)).unwrap();
    let persisted = persist(&store, "run-3", &mut again, &previous);
    assert_eq!((persisted.new, persisted.resolved), (0, 0));
    assert_eq!(again.anomalies, want);
    assert_eq!(stored(&store), now);
}

#[test]
fn what_cannot_be_read_is_reported_and_treated_as_absent() {
    let file = TempGpkg::new("unreadable");
    let store = GpkgStore::create(&file.0).unwrap();
    let set = |f: &mut Feature, name: &str, value: Value| {
        for (n, v) in &mut f.properties {
            if n == name {
                *v = value.clone();
            }
        }
    };
    let good = anomaly(1);
    let mut features = vec![publish::to_feature(&good, Family::Tari)];
    // a rule the run evaluates: a status no one knows; a rule no one knows
    let mut f = publish::to_feature(&anomaly(2), Family::Tari);
    set(&mut f, "status", Value::Text("lost".into()));
    features.push(f);
    let mut f = publish::to_feature(&anomaly(3), Family::Tari);
    set(&mut f, "rule_id", Value::Text("not a rule".into()));
    features.push(f);
    // a rule it does not evaluate, read in full: malformed evidence
    let mut other = anomaly(4);
    other.rule_id = RuleId::parse("R05").unwrap();
    let mut f = publish::to_feature(&other, Family::Tari);
    set(&mut f, "evidence", Value::Text("{".into()));
    let broken = f.id.clone();
    features.push(f);
    let mut kept = anomaly(5);
    kept.rule_id = RuleId::parse("R05").unwrap();
    features.push(publish::to_feature(&kept, Family::Tari));
    let ids: Vec<String> = features.iter().map(|f| f.id.clone()).collect();
    block_on(async {
        let mut sink = store.begin_ingest().await?;
        sink.create_collection(&publish::all_collection(CRS))
            .await?;
        sink.write(ALL_ID, features).await?;
        sink.commit().await
    })
    .unwrap();

    let run = run_of(Vec::new());
    let previous = block_on(previous_anomalies(&store, &run)).unwrap();
    assert_eq!(
        previous.statuses,
        [PreviousStatus {
            key: anomaly_key(&good),
            status: good.status,
        }]
    );
    assert_eq!(previous.kept.len(), 1);
    assert_eq!(previous.kept[0].anomaly, kept);
    let mut unreadable = previous.unreadable.clone();
    unreadable.sort();
    let mut want = vec![
        format!("{}: rule_id: ", ids[2]),
        format!("{}: status: unknown variant `lost`", ids[1]),
        format!("{broken}: evidence"),
    ];
    want.sort();
    assert_eq!(unreadable.len(), 3, "{unreadable:?}");
    for (got, want) in unreadable.iter().zip(&want) {
        assert!(got.starts_with(want.as_str()), "{got} / {want}");
    }
}
