//! A run written to the store in one [`segit_store::IngestSink`] transaction: the anomaly
//! collections (all + one per family), the aggregates per microzone and per census section,
//! the c. 335 indicator layer — each replacing the previous run's — and one feature appended
//! to `correlation_runs` (run id, as-of, start and end, fingerprints, rule versions and
//! per-rule status and timings, counts total / new / resolved).
//!
//! What the write takes from the snapshot (the geometries the run's anomalies refer to, the
//! microzones, the c. 335 indicator) is made beforehand ([`WriteInputs`]), so the snapshot can
//! be dropped before the previous run is read and the new one written.
//!
//! The previous run is read back from the store ([`previous_anomalies`]): of the anomalies of
//! the rules this run evaluated only the stable key and the review status (a projection without
//! geometry): the diff (new / resolved) is computed against the keys and the statuses carried
//! over. A run restricted to some rules (`--rule`) replaces only those rules' anomalies; the
//! others' are read in full with their published geometry and kept as they were. Anomaly
//! features carry no timestamp: the same inputs give byte-identical anomaly collections.
//!
//! Census-section polygons are not among the published inputs: the per-section aggregate is
//! created with its schema and stays empty until a source provides them.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use geo::InteriorPoint;
use geo_types::Geometry;
use segit_model::{
    AddressKey, Anomaly, AnomalyObject, AnomalyStatus, Confidence, GeometryRef, ParcelKey, RuleId,
    SuggestedAction, UnitKey,
};
use segit_query::{
    Catalog, Collection, Crs, Feature, FeatureQuery, FeatureSink, Filter, GeometryType, Identity,
    Property, PropertyType, QueryStats, SinkError, Value,
};
use segit_store::{FeatureStore, IngestSink, StoreError};
use thiserror::Error;

use crate::engine::Family;
use crate::inputs::Inputs;
use crate::params::Params;
use crate::publish::{
    self, ALL_ID, AreaTally, AreaUnit, GeometryView, anomaly_layer, family_of, indicator_features,
    to_ingest_feature, view_geometry,
};
use crate::registry::Registry;
use crate::run::{
    RuleStatus, Run, anomaly_key, carry_over_by_key, diff_counts, permute, sorted_order_by_key,
};

/// Anomaly features made and written at a time.
const WRITE_BATCH: usize = 10_000;

/// Id of the run history collection.
pub const RUNS_ID: &str = "correlation_runs";
/// Id of the per-microzone aggregate.
pub const BY_MICROZONE_ID: &str = "anomalies_by_microzone";
/// Id of the per-census-section aggregate.
pub const BY_CENSUS_SECTION_ID: &str = "anomalies_by_census_section";

/// Writing a run failed; nothing was written.
#[derive(Debug, Error)]
pub enum PersistError {
    /// The store failed.
    #[error("{action}: {source}")]
    Store {
        /// what was being done
        action: String,
        /// the store's error
        #[source]
        source: StoreError,
    },
    /// A stored collection cannot be read with the expected query.
    #[error("reading {collection}: {reason}")]
    Query {
        /// collection
        collection: String,
        /// why
        reason: String,
    },
}

fn store_err(action: impl Into<String>) -> impl FnOnce(StoreError) -> PersistError {
    let action = action.into();
    move |source| PersistError::Store { action, source }
}

/// What the previous run left in the store, as a run needs it ([`previous_anomalies`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Previous {
    /// Its anomalies of the rules the run evaluated, in the stored order: stable key and review
    /// status (the diff and the statuses carried over need no more).
    pub statuses: Vec<PreviousStatus>,
    /// Its anomalies of the rules the run did not evaluate, in full with their published
    /// geometry: written again as they were.
    pub kept: Vec<KeptAnomaly>,
    /// Stored anomaly features that could not be read back (`<id>: <reason>`).
    pub unreadable: Vec<String>,
}

/// An anomaly of the previous run as far as the diff needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousStatus {
    /// Its stable key ([`anomaly_key`]).
    pub key: String,
    /// Its review status.
    pub status: AnomalyStatus,
}

/// An anomaly of the previous run kept as it was (its rule not evaluated by this run).
#[derive(Debug, Clone, PartialEq)]
pub struct KeptAnomaly {
    /// The anomaly.
    pub anomaly: Anomaly,
    /// The geometry it was published with.
    pub geometry: Option<Geometry<f64>>,
}

/// What a persisted run changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Persisted {
    /// Anomalies now published (including those of rules not selected in this run).
    pub total: usize,
    /// Anomalies of this run absent from the previous one.
    pub new: usize,
    /// Anomalies of the previous run (of the rules run) absent from this one.
    pub resolved: usize,
    /// Features written per collection.
    pub written: BTreeMap<String, usize>,
}

/// The rules whose anomalies `run` speaks for: those it evaluated (status ok). The previous
/// anomalies of the others are kept.
pub fn evaluated_rules(run: &Run) -> BTreeSet<&str> {
    run.rules
        .iter()
        .filter(|r| matches!(r.status, RuleStatus::Ok(_)))
        .map(|r| r.rule_id.as_str())
        .collect()
}

/// The properties read of the previous anomalies of the rules evaluated.
const PROJECTION: [&str; 3] = ["anomaly_key", "rule_id", "status"];

/// Reads the projection [`PROJECTION`]: keys and statuses of the rules evaluated; the rules of
/// the other features are noted, to read them in full after.
struct Statuses<'a> {
    evaluated: &'a BTreeSet<&'a str>,
    previous: &'a mut Previous,
    other_rules: &'a mut BTreeSet<String>,
}

/// The rule of a stored anomaly feature, as written, and parsed.
fn rule_of(f: &Feature) -> Result<(&str, RuleId), String> {
    match f.property("rule_id") {
        Some(Value::Text(t)) => Ok((t.as_str(), parse("rule_id", RuleId::parse(t))?)),
        _ => Err("rule_id missing".to_owned()),
    }
}

/// The review status of a stored anomaly feature.
fn status_of(f: &Feature) -> Result<AnomalyStatus, String> {
    let Some(Value::Text(t)) = f.property("status") else {
        return Err("status missing".to_owned());
    };
    serde_json::from_value(serde_json::Value::String(t.clone())).map_err(|e| format!("status: {e}"))
}

impl Statuses<'_> {
    fn read(&mut self, f: &Feature) -> Result<(), String> {
        let (written, rule) = rule_of(f)?;
        if !self.evaluated.contains(rule.as_str()) {
            // read in full (and checked) with the kept anomalies
            self.other_rules.insert(written.to_owned());
            return Ok(());
        }
        let Some(Value::Text(key)) = f.property("anomaly_key") else {
            return Err("anomaly_key missing".to_owned());
        };
        let status = status_of(f)?;
        self.previous.statuses.push(PreviousStatus {
            key: key.clone(),
            status,
        });
        Ok(())
    }
}

#[async_trait]
impl FeatureSink for Statuses<'_> {
    async fn begin(&mut self, _collection: &Collection) -> Result<(), SinkError> {
        Ok(())
    }
    async fn feature(&mut self, feature: Feature) -> Result<(), SinkError> {
        if let Err(reason) = self.read(&feature) {
            self.previous
                .unreadable
                .push(format!("{}: {reason}", feature.id));
        }
        Ok(())
    }
    async fn end(&mut self, _stats: QueryStats) -> Result<(), SinkError> {
        Ok(())
    }
}

/// Reads the anomalies of the rules not evaluated in full, with their geometry.
struct Kept<'a> {
    evaluated: &'a BTreeSet<&'a str>,
    previous: &'a mut Previous,
}

#[async_trait]
impl FeatureSink for Kept<'_> {
    async fn begin(&mut self, _collection: &Collection) -> Result<(), SinkError> {
        Ok(())
    }
    async fn feature(&mut self, mut feature: Feature) -> Result<(), SinkError> {
        match anomaly_from_feature(&feature) {
            // (the filter selects these rules only)
            Ok(a) if self.evaluated.contains(a.rule_id.as_str()) => {}
            Ok(anomaly) => self.previous.kept.push(KeptAnomaly {
                anomaly,
                geometry: feature.geometry.take(),
            }),
            Err(reason) => self
                .previous
                .unreadable
                .push(format!("{}: {reason}", feature.id)),
        }
        Ok(())
    }
    async fn end(&mut self, _stats: QueryStats) -> Result<(), SinkError> {
        Ok(())
    }
}

/// Reads back what `run` needs of the anomalies the previous run published (nothing when the
/// store has no `anomalies` collection): the stable keys and statuses of the rules `run`
/// evaluated ([`evaluated_rules`]), without geometry; the anomalies of the other rules in full
/// with their geometry.
///
/// # Errors
/// [`PersistError`] when the store fails.
pub async fn previous_anomalies(
    store: &dyn FeatureStore,
    run: &Run,
) -> Result<Previous, PersistError> {
    let catalog = store
        .catalog()
        .await
        .map_err(store_err("reading the catalog"))?;
    let Some(collection) = catalog.get(ALL_ID) else {
        return Ok(Previous::default());
    };
    // a query of the layer with every anomaly, in its storage CRS
    let all = || {
        let mut query = FeatureQuery::new(ALL_ID, Identity::System);
        query.output_crs = collection.storage_crs;
        query
    };
    let validate = |query: FeatureQuery| {
        query.validate(collection).map_err(|e| PersistError::Query {
            collection: ALL_ID.to_owned(),
            reason: e.to_string(),
        })
    };
    let evaluated = evaluated_rules(run);
    let mut previous = Previous::default();
    let mut other_rules = BTreeSet::new();
    let mut query = all();
    query.with_geometry = false;
    query.properties = Some(PROJECTION.iter().map(|p| (*p).to_owned()).collect());
    let query = validate(query)?;
    store
        .query(
            &query,
            &mut Statuses {
                evaluated: &evaluated,
                previous: &mut previous,
                other_rules: &mut other_rules,
            },
        )
        .await
        .map_err(store_err("reading the previous anomalies"))?;
    if other_rules.is_empty() {
        return Ok(previous);
    }
    let mut query = all();
    query.filter = Some(Filter::In {
        property: "rule_id".to_owned(),
        values: other_rules.into_iter().map(Value::Text).collect(),
    });
    let query = validate(query)?;
    store
        .query(
            &query,
            &mut Kept {
                evaluated: &evaluated,
                previous: &mut previous,
            },
        )
        .await
        .map_err(store_err("reading the previous anomalies kept"))?;
    Ok(previous)
}

fn parse<T>(name: &str, r: Result<T, segit_model::ModelError>) -> Result<T, String> {
    r.map_err(|e| format!("{name}: {e}"))
}

/// An anomaly back from its published feature ([`publish::to_feature`]).
///
/// # Errors
/// The reason when a property is missing or malformed.
pub fn anomaly_from_feature(f: &Feature) -> Result<Anomaly, String> {
    let text = |name: &str| match f.property(name) {
        Some(Value::Text(t)) => Some(t.as_str()),
        _ => None,
    };
    let req = |name: &str| text(name).ok_or_else(|| format!("{name} missing"));
    let int = |name: &str| match f.property(name) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    };
    let num = |name: &str| match f.property(name) {
        Some(Value::Float(x)) => Some(*x),
        #[allow(clippy::cast_precision_loss)]
        Some(Value::Int(i)) => Some(*i as f64),
        _ => None,
    };
    let date = |name: &str| match f.property(name) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    let microzone = int("microzone")
        .map(|z| u32::try_from(z).map_err(|_| format!("microzone out of range: {z}")))
        .transpose()?;
    let geometry_ref = match (text("geometry_kind"), f.property("geometry_ref")) {
        (Some("parcel"), Some(Value::Text(k))) => Some(GeometryRef::Parcel(parse(
            "geometry_ref",
            ParcelKey::parse(k),
        )?)),
        (Some("building_footprint"), Some(Value::Text(k))) => {
            Some(GeometryRef::BuildingFootprint(k.clone()))
        }
        (Some("house_number"), Some(Value::Text(k))) => Some(GeometryRef::HouseNumber(parse(
            "geometry_ref",
            AddressKey::parse(k),
        )?)),
        (Some("microzone"), Some(Value::Int(z))) => Some(GeometryRef::Microzone(
            u32::try_from(*z).map_err(|_| format!("geometry_ref out of range: {z}"))?,
        )),
        (Some("microzone"), Some(Value::Text(z))) => Some(GeometryRef::Microzone(
            z.parse()
                .map_err(|_| format!("geometry_ref: malformed {z:?}"))?,
        )),
        (None, _) => None,
        (Some(k), _) => return Err(format!("geometry_kind: unknown {k:?}")),
    };
    let status = serde_json::from_value(serde_json::Value::String(req("status")?.to_owned()))
        .map_err(|e| format!("status: {e}"))?;
    Ok(Anomaly {
        rule_id: parse("rule_id", RuleId::parse(req("rule_id")?))?,
        rule_version: int("rule_version")
            .and_then(|v| u32::try_from(v).ok())
            .ok_or("rule_version missing")?,
        as_of_date: date("as_of_date").ok_or("as_of_date missing")?,
        object: AnomalyObject {
            parcel_key: text("parcel_key")
                .map(|k| parse("parcel_key", ParcelKey::parse(k)))
                .transpose()?,
            unit_key: text("unit_key")
                .map(|k| parse("unit_key", UnitKey::parse(k)))
                .transpose()?,
            address_key: text("address_key")
                .map(|k| parse("address_key", AddressKey::parse(k)))
                .transpose()?,
            microzone,
        },
        geometry_ref,
        subjects: text("subjects")
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| format!("subjects: {e}"))?
            .unwrap_or_default(),
        evidence: text("evidence")
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| format!("evidence: {e}"))?
            .unwrap_or_default(),
        evidence_date: date("evidence_date"),
        match_confidence: parse(
            "match_confidence",
            Confidence::new(num("match_confidence").ok_or("match_confidence missing")?),
        )?,
        score: num("score").ok_or("score missing")?,
        estimated_gap: num("estimated_gap"),
        legal_basis: req("legal_basis")?.to_owned().into(),
        action: parse("action", req("action")?.parse::<SuggestedAction>())?,
        status,
    })
}

/// Schema of the run history.
pub fn runs_collection(crs: Crs) -> Collection {
    use PropertyType::{Date, DateTime, Integer, Text};
    let p = Property::new;
    Collection {
        id: RUNS_ID.to_owned(),
        title: "Correlation runs".to_owned(),
        description: "One feature per run of the correlation engine: as-of date, start and \
                      end, input and parameter fingerprints, rule versions, per-rule status \
                      and timings, anomalies total / new / resolved."
            .to_owned(),
        keywords: vec!["segit".into(), "anomalies".into(), "runs".into()],
        geometry_type: GeometryType::None,
        storage_crs: crs,
        properties: vec![
            p("run_id", Text, "Run id").required(),
            p("as_of_date", Date, "As-of date").required(),
            p("tax_year", Integer, "Tax year").required(),
            p("started_at", DateTime, "Start").required(),
            p("finished_at", DateTime, "End").required(),
            p("input_fingerprint", Text, "SHA-256 of the inputs").required(),
            p("params_fingerprint", Text, "SHA-256 of the parameters").required(),
            p("rules_run", Text, "Rules run with their versions (R01=1,…)").required(),
            p(
                "rule_status",
                Text,
                "Per-rule status and timing, one per line (R01 v1 ok (3 anomalies) 12 ms)",
            )
            .required(),
            p("anomalies_total", Integer, "Anomalies published").required(),
            p(
                "anomalies_new",
                Integer,
                "Anomalies new since the previous run",
            )
            .required(),
            p(
                "anomalies_resolved",
                Integer,
                "Anomalies of the previous run no longer found",
            )
            .required(),
            p(
                "duration_ms",
                Integer,
                "Wall time of the rules in milliseconds",
            )
            .required(),
        ],
        temporal: None,
        extent: None,
    }
}

fn runs_feature(run: &Run, finished_at: DateTime<Utc>, counts: &Persisted) -> Feature {
    let rules_run: Vec<String> = run
        .rules
        .iter()
        .map(|r| format!("{}={}", r.rule_id, r.version))
        .collect();
    let status: Vec<String> = run
        .rules
        .iter()
        .map(|r| format!("{} v{} {} {} ms", r.rule_id, r.version, r.status, r.millis))
        .collect();
    let int = |n: usize| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let props = vec![
        ("run_id", Value::Text(run.run_id.clone())),
        ("as_of_date", Value::Date(run.as_of)),
        ("tax_year", Value::Int(i64::from(run.tax_year))),
        ("started_at", Value::DateTime(run.started_at)),
        ("finished_at", Value::DateTime(finished_at)),
        (
            "input_fingerprint",
            Value::Text(run.input_fingerprint.clone()),
        ),
        (
            "params_fingerprint",
            Value::Text(run.params_fingerprint.clone()),
        ),
        ("rules_run", Value::Text(rules_run.join(","))),
        ("rule_status", Value::Text(status.join("\n"))),
        ("anomalies_total", int(counts.total)),
        ("anomalies_new", int(counts.new)),
        ("anomalies_resolved", int(counts.resolved)),
        (
            "duration_ms",
            Value::Int(i64::try_from(run.millis).unwrap_or(i64::MAX)),
        ),
    ];
    Feature {
        id: run.run_id.clone(),
        geometry: None,
        properties: props.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    }
}

/// The storage CRS of the ingested data: that of `parcels`, else of the first collection.
pub fn storage_crs(catalog: &Catalog) -> Option<Crs> {
    catalog
        .get(crate::load::names::PARCELS)
        .or_else(|| catalog.collections.first())
        .map(|c| c.storage_crs)
}

/// What writing a run takes from the snapshot, made before so that the snapshot can be
/// dropped: the geometries the run's anomalies refer to (each once), the microzones the
/// per-microzone counts are made over, and the c. 335 indicator layer. It owns its data.
#[derive(Debug, Clone, Default)]
pub struct WriteInputs {
    geometries: BTreeMap<GeometryKey, Geometry<f64>>,
    microzones: Vec<AreaUnit>,
    indicator: Vec<Feature>,
}

/// A [`GeometryRef`], ordered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum GeometryKey {
    Parcel(ParcelKey),
    BuildingFootprint(String),
    HouseNumber(AddressKey),
    Microzone(u32),
}

impl From<&GeometryRef> for GeometryKey {
    fn from(g: &GeometryRef) -> Self {
        match g {
            GeometryRef::Parcel(k) => Self::Parcel(k.clone()),
            GeometryRef::BuildingFootprint(id) => Self::BuildingFootprint(id.clone()),
            GeometryRef::HouseNumber(k) => Self::HouseNumber(k.clone()),
            GeometryRef::Microzone(z) => Self::Microzone(*z),
        }
    }
}

impl WriteInputs {
    /// What writing `run` takes from `inputs` (the snapshot it ran on) and `params`.
    pub fn new(inputs: &Inputs, params: &Params, run: &Run) -> Self {
        Self::of(inputs, params, run.as_of, &run.anomalies)
    }

    /// What the write of anomalies found at `as_of` takes from the snapshot (see
    /// [`WriteInputs::new`]); the anomalies in any order.
    pub fn of<'a>(
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
        anomalies: impl IntoIterator<Item = &'a Anomaly>,
    ) -> Self {
        let mut geometries = BTreeMap::new();
        for g in anomalies
            .into_iter()
            .filter_map(|a| a.geometry_ref.as_ref())
        {
            let key = GeometryKey::from(g);
            if geometries.contains_key(&key) {
                continue;
            }
            if let Some(view) = view_geometry(inputs, g) {
                geometries.insert(key, GeometryView::to_geometry(view));
            }
        }
        Self {
            geometries,
            microzones: microzone_areas(inputs),
            indicator: indicator_features(inputs, params, as_of),
        }
    }

    /// The geometry `g` refers to, as the snapshot had it (`None` when it had none or `g` is
    /// not among the run's).
    fn geometry(&self, g: &GeometryRef) -> Option<&Geometry<f64>> {
        self.geometries.get(&GeometryKey::from(g))
    }
}

/// Merges `run` with the previous anomalies (read for it by [`previous_anomalies`]) and
/// writes everything in one transaction, the geometries and the layers made of the snapshot
/// taken from `from_inputs` (made for `run`). `run.anomalies` get the previous statuses; the
/// result counts total, new and resolved.
///
/// # Errors
/// [`PersistError`] when the store fails; nothing is written then.
pub async fn persist_run(
    store: &dyn FeatureStore,
    registry: &Registry,
    from_inputs: &WriteInputs,
    run: &mut Run,
    previous: &Previous,
    crs: Crs,
    finished_at: DateTime<Utc>,
) -> Result<Persisted, PersistError> {
    // each stable key made once: for the status carried over, the diff, the order and the
    // features
    let before_keys: Vec<&str> = previous.statuses.iter().map(|p| p.key.as_str()).collect();
    let now_keys: Vec<String> = run.anomalies.iter().map(anomaly_key).collect();
    carry_over_by_key(
        previous.statuses.iter().map(|p| (p.key.as_str(), p.status)),
        &mut run.anomalies,
        &now_keys,
    );
    let (new, resolved) = diff_counts(&before_keys, &now_keys);
    drop(before_keys);
    let mut keys = now_keys;
    keys.extend(previous.kept.iter().map(|k| anomaly_key(&k.anomaly)));
    let mut all: Vec<&Anomaly> = run
        .anomalies
        .iter()
        .chain(previous.kept.iter().map(|k| &k.anomaly))
        .collect();
    let mut geometries: Vec<Option<&Geometry<f64>>> = run
        .anomalies
        .iter()
        .map(|a| {
            a.geometry_ref
                .as_ref()
                .and_then(|g| from_inputs.geometry(g))
        })
        .chain(previous.kept.iter().map(|k| k.geometry.as_ref()))
        .collect();
    let order = sorted_order_by_key(&all, &keys);
    permute(&mut all, &order);
    permute(&mut keys, &order);
    permute(&mut geometries, &order);
    drop(order);

    let mut counts = Persisted {
        total: all.len(),
        new,
        resolved,
        written: BTreeMap::new(),
    };
    let microzones = &from_inputs.microzones;
    let catalog = store
        .catalog()
        .await
        .map_err(store_err("reading the catalog"))?;
    let mut sink = store
        .begin_ingest()
        .await
        .map_err(store_err("starting the write"))?;
    // One layer at a time; the anomaly layers in batches. Each batch is handed to the store
    // deferred: the next one is made while it is written.
    let families: Vec<Family> = all.iter().map(|a| family_of(registry, a)).collect();
    // the per-microzone counts, made while the `anomalies` layer is written (the store is
    // then the slower side)
    let mut tally = Some(AreaTally::new(microzones));
    let mut tallied = false;
    // the layer of the last deferred write: its failure is reported by the next call
    let mut deferred: Option<String> = None;
    for c in publish::collections(crs) {
        let id = c.id.clone();
        let written = async {
            sink.create_collection(&c).await?;
            if let Some(layer) = anomaly_layer(&id) {
                let members = all
                    .iter()
                    .zip(&families)
                    .zip(&keys)
                    .zip(&geometries)
                    .filter(|(((_, f), _), _)| layer.is_none_or(|l| l == **f))
                    .map(|(((a, f), k), g)| Member {
                        anomaly: a,
                        family: *f,
                        key: k.as_str(),
                        geometry: *g,
                    });
                let counting = if layer.is_none() && !tallied {
                    tallied = true;
                    tally.as_mut()
                } else {
                    None
                };
                write_anomalies(sink.as_mut(), &id, members, WRITE_BATCH, counting).await
            } else {
                let features = match id.as_str() {
                    BY_MICROZONE_ID => match tally.take() {
                        Some(t) if tallied => t.features(),
                        _ => {
                            let mut t = AreaTally::new(microzones);
                            for ((a, f), g) in all.iter().zip(&families).zip(&geometries) {
                                t.add_with(a, *f, || anchor(*g));
                            }
                            t.features()
                        }
                    },
                    BY_CENSUS_SECTION_ID => Vec::new(),
                    _ => from_inputs.indicator.clone(),
                };
                let n = features.len();
                sink.write_deferred(&id, features).await?;
                Ok::<usize, StoreError>(n)
            }
        }
        .await;
        match written {
            Ok(n) => {
                counts.written.insert(id.clone(), n);
                deferred = Some(id);
            }
            Err(e) => {
                let _ = sink.rollback().await;
                return Err(store_err(writing(deferred.as_deref(), &id))(e));
            }
        }
    }
    let feature = runs_feature(run, finished_at, &counts);
    let runs = async {
        if catalog.get(RUNS_ID).is_none() {
            sink.create_collection(&runs_collection(crs)).await?;
        }
        sink.write(RUNS_ID, vec![feature]).await
    }
    .await;
    if let Err(e) = runs {
        let _ = sink.rollback().await;
        return Err(store_err(writing(deferred.as_deref(), RUNS_ID))(e));
    }
    sink.commit()
        .await
        .map_err(store_err("committing the run"))?;
    counts.written.insert(RUNS_ID.to_owned(), 1);
    Ok(counts)
}

/// An anomaly to write: with its family, stable key and geometry.
#[derive(Debug, Clone, Copy)]
struct Member<'a> {
    anomaly: &'a Anomaly,
    family: Family,
    key: &'a str,
    geometry: Option<&'a Geometry<f64>>,
}

/// The point an anomaly of `geometry` is counted at in its area (as
/// [`publish::aggregate`] finds it in the snapshot).
fn anchor(geometry: Option<&Geometry<f64>>) -> Option<geo_types::Point<f64>> {
    geometry.and_then(InteriorPoint::interior_point)
}

/// Writes the features of the anomaly layer `id`, made from `members` `batch` at a time, each
/// batch deferred; returns how many. An empty layer gets one empty write. The members are also
/// counted in `tally`, if given.
async fn write_anomalies<'a>(
    sink: &mut dyn IngestSink,
    id: &str,
    mut members: impl Iterator<Item = Member<'a>> + Send,
    batch: usize,
    mut tally: Option<&mut AreaTally<'_>>,
) -> Result<usize, StoreError> {
    let mut n = 0;
    loop {
        let features: Vec<Feature> = members
            .by_ref()
            .take(batch)
            .map(|m| {
                if let Some(t) = tally.as_deref_mut() {
                    t.add_with(m.anomaly, m.family, || anchor(m.geometry));
                }
                to_ingest_feature(m.anomaly, m.family, m.key, m.geometry.cloned())
            })
            .collect();
        if features.is_empty() && n > 0 {
            break;
        }
        let last = features.len() < batch;
        n += features.len();
        sink.write_deferred(id, features).await?;
        if last {
            break;
        }
    }
    Ok(n)
}

/// What was being written when a call failed: `id`, or the layer written before it, whose
/// deferred write reports its failure on the next call.
fn writing(deferred: Option<&str>, id: &str) -> String {
    match deferred {
        Some(before) if before != id => format!("writing {before} or {id}"),
        _ => format!("writing {id}"),
    }
}

/// Rules selected by ids (case-insensitive), to check `--rule` values.
pub fn unknown_rules<'a>(registry: &Registry, ids: &'a [String]) -> Vec<&'a str> {
    let known: BTreeSet<String> = registry
        .ids()
        .iter()
        .map(|s| s.to_ascii_uppercase())
        .collect();
    ids.iter()
        .map(String::as_str)
        .filter(|id| !known.contains(&id.trim().to_ascii_uppercase()))
        .collect()
}

/// The microzones of `inputs` as the areas the per-microzone counts are made over.
pub(crate) fn microzone_areas(inputs: &Inputs) -> Vec<AreaUnit> {
    inputs
        .data
        .microzones
        .iter()
        .flatten()
        .map(|m| AreaUnit {
            id: m.number.to_string(),
            geometry: m.geometry.clone(),
        })
        .collect()
}

#[cfg(test)]
mod read_tests;
#[cfg(test)]
mod write_tests;

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use segit_model::{AnomalyStatus, AnomalySubject, Evidence, EvidenceValue, SubjectRole};

    use super::*;

    fn anomaly(geometry_ref: Option<GeometryRef>) -> Anomaly {
        let mut evidence = Evidence::new();
        evidence.insert("declared_m2".into(), EvidenceValue::Integer(60));
        evidence.insert("ratio".into(), EvidenceValue::Number(0.55));
        evidence.insert("record_key".into(), EvidenceValue::Text("A1/1".into()));
        evidence.insert(
            "units".into(),
            EvidenceValue::List(vec![EvidenceValue::Text("F205//12/34/1".into())]),
        );
        Anomaly {
            rule_id: RuleId::parse("R14").unwrap(),
            rule_version: 2,
            as_of_date: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            object: AnomalyObject {
                parcel_key: Some(ParcelKey::parse("F205_001200.102").unwrap()),
                unit_key: Some(UnitKey::parse("F205//12/34/1").unwrap()),
                address_key: Some(AddressKey::parse("F205/1/12/").unwrap()),
                microzone: Some(2),
            },
            geometry_ref,
            subjects: vec![AnomalySubject {
                person_key: "p-0123456789abcdef".into(),
                role: SubjectRole::Occupier,
            }],
            evidence,
            evidence_date: NaiveDate::from_ymd_opt(2024, 3, 1),
            match_confidence: Confidence::new(0.7).unwrap(),
            score: 12.5,
            estimated_gap: Some(30.25),
            legal_basis: "L. 147/2013 c. 646".into(),
            action: SuggestedAction::TariAssessment,
            status: AnomalyStatus::UnderReview,
        }
    }

    #[test]
    fn an_anomaly_survives_its_published_feature() {
        for g in [
            None,
            Some(GeometryRef::Parcel(
                ParcelKey::parse("F205_001200.102").unwrap(),
            )),
            Some(GeometryRef::BuildingFootprint("b-17".into())),
            Some(GeometryRef::HouseNumber(
                AddressKey::parse("F205/1/12/").unwrap(),
            )),
            Some(GeometryRef::Microzone(2)),
        ] {
            let a = anomaly(g);
            let f = publish::to_feature(&a, Family::Tari);
            assert_eq!(anomaly_from_feature(&f).unwrap(), a);
        }
    }

    #[test]
    fn a_malformed_feature_says_why() {
        let mut f = publish::to_feature(&anomaly(None), Family::Tari);
        for (name, value) in &mut f.properties {
            if name == "status" {
                *value = Value::Text("lost".into());
            }
        }
        let err = anomaly_from_feature(&f).unwrap_err();
        assert!(err.starts_with("status"), "{err}");
        let mut f = publish::to_feature(&anomaly(None), Family::Tari);
        f.properties.retain(|(n, _)| n != "rule_id");
        assert_eq!(anomaly_from_feature(&f).unwrap_err(), "rule_id missing");
    }

    #[test]
    fn the_run_record_lists_rules_and_counts() {
        let mut run = write_tests::run_of(Vec::new());
        run.rules = vec![crate::RuleReport {
            rule_id: "R24".into(),
            version: 1,
            status: RuleStatus::NotEvaluated(vec![crate::Source::Deaths]),
            millis: 3,
        }];
        run.millis = 9;
        let counts = Persisted {
            total: 5,
            new: 2,
            resolved: 1,
            written: BTreeMap::new(),
        };
        let f = runs_feature(&run, run.started_at, &counts);
        let schema = runs_collection(Crs::Crs84);
        assert_eq!(f.properties.len(), schema.properties.len());
        for ((name, _), p) in f.properties.iter().zip(&schema.properties) {
            assert_eq!(name, &p.name);
        }
        assert_eq!(f.property("rules_run"), Some(&Value::Text("R24=1".into())));
        assert_eq!(
            f.property("rule_status"),
            Some(&Value::Text(
                "R24 v1 not evaluated: missing deaths 3 ms".into()
            ))
        );
        assert_eq!(f.property("anomalies_new"), Some(&Value::Int(2)));
        assert_eq!(f.property("anomalies_resolved"), Some(&Value::Int(1)));
    }
}
