//! One ingest, end to end: read the supply, link and publish, merge with the stored versions,
//! write everything through one `IngestSink` transaction.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use geo_types::{Geometry, MultiPolygon};
use segit_model::{ParcelKey, Street, Validity};
use segit_query::{
    Catalog, Collection, Feature, FeatureQuery, GeometryType, Identity, Value, sink::VecSink,
};
use segit_store::{FeatureStore, IngestSink, StoreError};
use thiserror::Error;

use super::IngestOptions;
use super::kind::SourceKind;
use super::read::{SupplyData, SupplyReader};
use super::report::{CollectionOutcome, IngestReport};
use super::stats::Progress;
use crate::history::{HistoryMode, VALID_FROM, VALID_TO, VALID_UNTIL, merge, set_property};
use crate::key_hash::{KeySet, key_hash};
use crate::link::LinkRates;
use crate::publish::{Flow, Layer, MapParcel, StoredContext, publish};

/// Features per `IngestSink::write_deferred` call: a chunk of the layers built chunk by chunk
/// is written while the next one is built.
const WRITE_BATCH: usize = crate::publish::CHUNK;

/// Why an ingest failed (nothing was committed).
#[derive(Debug, Error)]
pub enum IngestError {
    /// the supply cannot be listed
    #[error("cannot read the supply {path}: {source}")]
    Supply {
        /// the path
        path: PathBuf,
        /// the cause
        source: std::io::Error,
    },
    /// the store failed
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// a stored collection cannot be read back
    #[error("cannot read back collection {collection}: {reason}")]
    ReadBack {
        /// the collection
        collection: String,
        /// why
        reason: String,
    },
}

/// Ingests the supply at `root` into `store` in one transaction.
pub async fn ingest(
    store: &dyn FeatureStore,
    root: &Path,
    options: &IngestOptions,
    progress: &mut dyn Progress,
) -> Result<IngestReport, IngestError> {
    let mut reader = SupplyReader::open(root, options).map_err(|source| IngestError::Supply {
        path: root.to_path_buf(),
        source,
    })?;
    let read: BTreeSet<_> = reader.kinds().clone();
    progress.stage("reading the stored collections");
    let catalog = store.catalog().await?;
    let stored = stored_context(store, &catalog, options).await?;
    progress.stage("reading and linking");
    let mut links = LinkRates::default();
    let mut collections = Vec::new();
    let mut sink = store.begin_ingest().await?;
    // each group of sources is read just before its layers are built; each layer is merged
    // and written as soon as it is built, then dropped
    let result = {
        let mut flow = Pipeline {
            store,
            catalog: &catalog,
            sink: sink.as_mut(),
            reader: &mut reader,
            options,
            progress: &mut *progress,
            collections: &mut collections,
            open: None,
        };
        publish(
            SupplyData::default(),
            &read,
            stored,
            options.storage_crs,
            options.supply_date,
            &mut links,
            &mut flow,
        )
        .await
    };
    match result {
        Ok(()) => {
            progress.stage("committing");
            sink.commit().await?;
            let (diagnostics, kinds, skipped) = reader.finish();
            Ok(IngestReport {
                kinds,
                links,
                collections,
                skipped,
                diagnostics,
            })
        }
        Err(e) => {
            // the error is the one to report; a failing rollback changes nothing more
            let _ = sink.rollback().await;
            Err(e)
        }
    }
}

/// The pipeline as publishing sees it: the supply read on demand, layers merged and written
/// through the one ingest transaction.
struct Pipeline<'a, 'r> {
    store: &'a dyn FeatureStore,
    catalog: &'a Catalog,
    sink: &'a mut dyn IngestSink,
    reader: &'a mut SupplyReader<'r>,
    options: &'a IngestOptions,
    progress: &'a mut dyn Progress,
    collections: &'a mut Vec<CollectionOutcome>,
    /// the layer begun ([`Flow::begin`])
    open: Option<OpenLayer>,
}

/// A layer whose features come in chunks.
enum OpenLayer {
    /// a collection the store holds: the chunks are gathered and merged at the end
    Merge(Box<Layer>),
    /// a collection the store does not hold yet: each chunk is written as it comes
    Fresh(FreshLayer),
}

/// A new collection written chunk by chunk. Its features are what merging them with no
/// stored version gives ([`merge`]): for a dated collection the first feature of each id;
/// for a snapshot the first feature of each key, with the key as id, valid from the supply
/// date and open.
struct FreshLayer {
    id: String,
    mode: HistoryMode,
    /// the collection's property names, in schema order
    names: Vec<String>,
    /// ids (dated) or keys (snapshot) written, by [`key_hash`]
    seen: KeySet,
    supplied: u64,
    written: u64,
}

impl FreshLayer {
    /// The features of `chunk` to write.
    fn admit(&mut self, chunk: Vec<Feature>, supply_date: NaiveDate) -> Vec<Feature> {
        self.supplied += chunk.len() as u64;
        let mut out = Vec::with_capacity(chunk.len());
        for mut f in chunk {
            match self.mode {
                HistoryMode::Dated { .. } => {
                    if self.seen.insert(key_hash(&f.id)) {
                        out.push(f);
                    }
                }
                HistoryMode::Snapshot { key } => {
                    let k = match f.property(key) {
                        Some(Value::Text(t)) => t.clone(),
                        Some(Value::Int(i)) => i.to_string(),
                        _ => continue,
                    };
                    if !self.seen.insert(key_hash(&k)) {
                        continue;
                    }
                    set_property(&mut f, VALID_FROM, Value::Date(supply_date));
                    set_property(&mut f, VALID_TO, Value::Null);
                    set_property(&mut f, VALID_UNTIL, Value::Null);
                    f.id = k;
                    out.push(f);
                }
            }
        }
        // names in schema order are left out: the store takes each value at its position
        // (`IngestSink::write`), so the writer compares no names and frees none
        for f in &mut out {
            for ((name, _), schema) in f.properties.iter_mut().zip(&self.names) {
                if name == schema {
                    *name = String::new();
                }
            }
        }
        self.written += out.len() as u64;
        out
    }
}

impl Pipeline<'_, '_> {
    /// Writes features in batches of [`WRITE_BATCH`].
    async fn write_batches(&mut self, id: &str, features: Vec<Feature>) -> Result<(), IngestError> {
        let mut features = features.into_iter();
        loop {
            let batch: Vec<Feature> = features.by_ref().take(WRITE_BATCH).collect();
            if batch.is_empty() {
                return Ok(());
            }
            let n = batch.len() as u64;
            self.sink.write_deferred(id, batch).await?;
            self.progress.records(n);
        }
    }
}

impl Flow for Pipeline<'_, '_> {
    type Error = IngestError;

    fn read_through(&mut self, kind: SourceKind, data: &mut SupplyData) {
        if self.reader.has_files_through(kind) {
            self.progress
                .stage(&format!("reading the supply through {}", kind.name()));
        }
        self.reader.read_through(kind, data, &mut *self.progress);
    }

    fn read_chunk(&mut self, kind: SourceKind, data: &mut SupplyData, max: usize) -> bool {
        if self.reader.has_files_through(kind) && !self.reader.is_reading(kind) {
            self.progress
                .stage(&format!("reading the supply through {}", kind.name()));
        }
        self.reader.read_chunk(kind, data, max, &mut *self.progress)
    }

    async fn begin(&mut self, layer: Layer) -> Result<(), IngestError> {
        if let Some(open) = self.open.take() {
            self.open = Some(open);
            self.end().await?;
        }
        let id = layer.collection.id.clone();
        if self.catalog.get(&id).is_some() {
            self.open = Some(OpenLayer::Merge(Box::new(layer)));
            return Ok(());
        }
        self.progress.stage(&format!("writing {id}"));
        self.sink.create_collection(&layer.collection).await?;
        let mut fresh = FreshLayer {
            id: id.clone(),
            mode: layer.mode,
            names: layer
                .collection
                .properties
                .iter()
                .map(|p| p.name.clone())
                .collect(),
            seen: KeySet::default(),
            supplied: 0,
            written: 0,
        };
        let features = fresh.admit(layer.features, self.options.supply_date);
        self.open = Some(OpenLayer::Fresh(fresh));
        self.write_batches(&id, features).await
    }

    async fn chunk(&mut self, features: Vec<Feature>) -> Result<(), IngestError> {
        match self.open.as_mut() {
            Some(OpenLayer::Merge(layer)) => {
                layer.features.extend(features);
                Ok(())
            }
            Some(OpenLayer::Fresh(fresh)) => {
                let id = fresh.id.clone();
                let features = fresh.admit(features, self.options.supply_date);
                self.write_batches(&id, features).await
            }
            None => Ok(()),
        }
    }

    async fn end(&mut self) -> Result<(), IngestError> {
        match self.open.take() {
            Some(OpenLayer::Merge(layer)) => self.emit(*layer).await,
            Some(OpenLayer::Fresh(fresh)) => {
                self.collections.push(CollectionOutcome {
                    id: fresh.id,
                    stored: 0,
                    supplied: fresh.supplied,
                    merged: fresh.written,
                    written: true,
                });
                Ok(())
            }
            None => Ok(()),
        }
    }

    async fn emit(&mut self, layer: Layer) -> Result<(), IngestError> {
        let outcome = write_layer(
            self.store,
            self.catalog,
            &mut *self.sink,
            layer,
            self.options,
            &mut *self.progress,
        )
        .await?;
        self.collections.push(outcome);
        Ok(())
    }
}

/// Merges one layer with the stored versions of its collection and writes it when it changed.
async fn write_layer(
    store: &dyn FeatureStore,
    catalog: &Catalog,
    sink: &mut dyn IngestSink,
    layer: Layer,
    options: &IngestOptions,
    progress: &mut dyn Progress,
) -> Result<CollectionOutcome, IngestError> {
    let id = layer.collection.id.clone();
    progress.stage(&format!("merging {id}"));
    let stored_collection = catalog.get(&id);
    let mut collection = layer.collection;
    let stored = match stored_collection {
        Some(c) if same_schema(c, &collection) => read_all(store, c, &collection).await?,
        Some(c) => conform(read_all(store, c, &collection).await?, &collection),
        None => Vec::new(),
    };
    relax(&mut collection, &stored);
    let unchanged_schema = stored_collection.is_some_and(|c| same_schema(c, &collection));
    let stored_count = stored.len() as u64;
    let supplied = layer.features.len() as u64;
    let merged = merge(
        &layer.mode,
        &layer.scope,
        stored,
        layer.features,
        options.supply_date,
    );
    let count = merged.features.len() as u64;
    let written = merged.changed || !unchanged_schema;
    if written {
        progress.stage(&format!("writing {id}"));
        sink.create_collection(&collection).await?;
        let mut features = merged.features.into_iter();
        loop {
            let batch: Vec<Feature> = features.by_ref().take(WRITE_BATCH).collect();
            if batch.is_empty() {
                break;
            }
            let n = batch.len() as u64;
            sink.write_deferred(&id, batch).await?;
            progress.records(n);
        }
    }
    Ok(CollectionOutcome {
        id,
        stored: stored_count,
        supplied,
        merged: count,
        written,
    })
}

/// Stored features of an earlier schema (an older version of the collection, or another
/// writer's) moved onto the new one, so that history is kept: properties the new schema lacks
/// are dropped, new ones are null, values are converted to the new types (left empty when
/// they do not convert), a missing start of validity is the original survey
/// (`0001-01-01`), geometries are fitted to the new geometry type ([`fit_geometry`]).
fn conform(features: Vec<Feature>, schema: &Collection) -> Vec<Feature> {
    features
        .into_iter()
        .map(|mut f| {
            let mut properties = Vec::with_capacity(schema.properties.len());
            for p in &schema.properties {
                let value = f
                    .properties
                    .iter()
                    .position(|(n, _)| *n == p.name)
                    .map_or(Value::Null, |i| {
                        std::mem::replace(&mut f.properties[i].1, Value::Null)
                    });
                // a value of another type is kept when it converts, else left empty
                let value = match value.coerce(p.ty) {
                    Ok(Value::Null) | Err(_) if p.name == VALID_FROM => {
                        Value::Date(Validity::original_survey())
                    }
                    Ok(v) => v,
                    Err(_) => Value::Null,
                };
                properties.push((p.name.clone(), value));
            }
            f.properties = properties;
            f.geometry = f
                .geometry
                .take()
                .and_then(|g| fit_geometry(g, schema.geometry_type));
            f
        })
        .collect()
}

/// A stored geometry in the new schema's geometry type: a polygon becomes a one-part
/// multipolygon (and a point a one-point multipoint), a geometry of another type is dropped.
fn fit_geometry(g: Geometry<f64>, ty: GeometryType) -> Option<Geometry<f64>> {
    let g = match (ty, g) {
        (GeometryType::MultiPolygon, Geometry::Polygon(p)) => {
            Geometry::MultiPolygon(MultiPolygon(vec![p]))
        }
        (GeometryType::MultiPoint, Geometry::Point(p)) => {
            Geometry::MultiPoint(geo_types::MultiPoint(vec![p]))
        }
        (_, g) => g,
    };
    let fits = match ty {
        GeometryType::None => false,
        GeometryType::Geometry => true,
        GeometryType::Point => matches!(g, Geometry::Point(_)),
        GeometryType::LineString => matches!(g, Geometry::LineString(_)),
        GeometryType::Polygon => matches!(g, Geometry::Polygon(_)),
        GeometryType::MultiPoint => matches!(g, Geometry::MultiPoint(_)),
        GeometryType::MultiLineString => matches!(g, Geometry::MultiLineString(_)),
        GeometryType::MultiPolygon => matches!(g, Geometry::MultiPolygon(_)),
    };
    fits.then_some(g)
}

/// Required properties that stored versions of an earlier schema leave empty become nullable:
/// the history is kept, and the schema says honestly what the data holds.
fn relax(collection: &mut Collection, stored: &[Feature]) {
    for (i, p) in collection.properties.iter_mut().enumerate() {
        if !p.nullable
            && p.name != VALID_FROM
            && stored
                .iter()
                .any(|f| f.properties.get(i).is_none_or(|(_, v)| v.is_null()))
        {
            p.nullable = true;
        }
    }
}

/// Whether two schemas publish the same thing (extents aside).
fn same_schema(a: &Collection, b: &Collection) -> bool {
    let mut a = a.clone();
    a.extent = None;
    let mut b = b.clone();
    b.extent = None;
    a == b
}

/// Every stored feature of `stored`, geometries in the storage CRS of `new`, sorted by id.
async fn read_all(
    store: &dyn FeatureStore,
    stored: &Collection,
    new: &Collection,
) -> Result<Vec<Feature>, IngestError> {
    let mut query = FeatureQuery::new(stored.id.clone(), Identity::System);
    query.output_crs = new.storage_crs;
    let query = query.validate(stored).map_err(|e| IngestError::ReadBack {
        collection: stored.id.clone(),
        reason: e.to_string(),
    })?;
    let mut sink = VecSink::default();
    store.query(&query, &mut sink).await?;
    let mut features = sink.features;
    features.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(features)
}

/// The features of `collection` with only the properties `names` it has (and its geometry
/// when `geometry`), in `crs`.
async fn read_some(
    store: &dyn FeatureStore,
    collection: &Collection,
    crs: segit_query::Crs,
    names: &[&str],
    geometry: bool,
) -> Result<Vec<Feature>, IngestError> {
    let mut query = FeatureQuery::new(collection.id.clone(), Identity::System);
    query.output_crs = crs;
    query.with_geometry = geometry;
    query.properties = Some(
        names
            .iter()
            .filter(|n| collection.property(n).is_some())
            .map(|n| (*n).to_owned())
            .collect(),
    );
    let query = query
        .validate(collection)
        .map_err(|e| IngestError::ReadBack {
            collection: collection.id.clone(),
            reason: e.to_string(),
        })?;
    let mut sink = VecSink::default();
    store.query(&query, &mut sink).await?;
    Ok(sink.features)
}

/// Properties of the stored collections that the link indexes use.
const UNITS: &[&str] = &[
    "unit_key",
    "aliases",
    "property_ref",
    "progressive",
    "address_key",
    "internal",
    VALID_TO,
];
const PARCEL_STATES: &[&str] = &["property_ref", "parcel_key", "progressive"];
const BUILDINGS: &[&str] = &["building_key", "parcel_key", "parcel_key_link", VALID_TO];
const SUBJECTS: &[&str] = &[
    "subject_ref",
    "codice_fiscale",
    "surname",
    "given_name",
    "birth_date",
    VALID_TO,
];
const PARCELS: &[&str] = &["parcel_key", VALID_TO];
const STREETS: &[&str] = &[
    "street_code",
    "dug",
    "duf",
    "full_name",
    "cadastral_toponimo",
    "cadastral_street_code",
    VALID_TO,
];

/// What the store holds that this supply links against.
async fn stored_context(
    store: &dyn FeatureStore,
    catalog: &Catalog,
    options: &IngestOptions,
) -> Result<StoredContext, IngestError> {
    // only the properties the indexes use, without geometry (parcels and streets aside)
    let read = |id: &'static str, names: &'static [&'static str], geometry: bool| {
        let c = catalog.get(id).cloned();
        async move {
            match c {
                Some(c) => read_some(store, &c, options.storage_crs, names, geometry).await,
                None => Ok(Vec::new()),
            }
        }
    };
    let current = |features: Vec<Feature>| -> Vec<Feature> {
        features
            .into_iter()
            .filter(|f| f.property(VALID_TO).is_none_or(Value::is_null))
            .collect()
    };
    let mut context = StoredContext {
        units: read("units", UNITS, false).await?,
        parcel_states: read("parcel_states", PARCEL_STATES, false).await?,
        buildings: current(read("buildings", BUILDINGS, false).await?),
        subjects: current(read("subjects", SUBJECTS, false).await?),
        ..StoredContext::default()
    };
    for f in current(read("parcels", PARCELS, true).await?) {
        let (Some(Value::Text(key)), Some(Geometry::MultiPolygon(g))) =
            (f.property("parcel_key"), f.geometry.as_ref())
        else {
            continue;
        };
        let Ok(key) = ParcelKey::parse(key) else {
            continue;
        };
        context.parcels.insert(
            key,
            MapParcel {
                geometry: MultiPolygon::clone(g),
                source: "store",
                area: None,
                declared: None,
                from_supply: false,
            },
        );
    }
    for f in current(read("streets", STREETS, false).await?) {
        if let Some(street) = street_of(&f) {
            context.streets.push(street);
        }
    }
    Ok(context)
}

/// A street of the stored register.
fn street_of(f: &Feature) -> Option<Street> {
    let text = |name: &str| match f.property(name) {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    Some(Street {
        street_code: text("street_code")?.parse().ok()?,
        dug: text("dug")?,
        duf: text("duf")?,
        full_name: text("full_name")?,
        cadastral_toponimo: match f.property("cadastral_toponimo") {
            Some(Value::Int(i)) => u16::try_from(*i).ok(),
            _ => None,
        },
        cadastral_street_code: text("cadastral_street_code"),
    })
}
