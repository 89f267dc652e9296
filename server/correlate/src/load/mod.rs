//! Loading the engine's snapshot ([`InputData`]) from the collections the ingest published.
//!
//! Every ingested collection maps to the model entities of one [`Source`] (all versions with
//! their validity, so rules can align in time); geometries come in the storage CRS. A
//! collection the catalog lacks leaves its source `None` (rules needing it report "not
//! evaluated: missing <source>"). Features stream through a [`FeatureSink`] that converts each
//! one as it arrives; a feature that cannot be converted is skipped and counted in the
//! [`LoadReport`], never a panic. The collection and property names are in [`names`].
//!
//! Two collections are read at once (`schedule`), each into its own vector in the store's
//! order: the units once the streets are read (their addresses are aligned on the street
//! register), the IMU declarations and F24 payments once the municipality is known (units,
//! land parcels, subjects), and never two of the biggest collections (units, holdings,
//! utilities) together. The snapshot and the report are those of a read one collection after
//! the other.
//!
//! Deaths and buildable zones come from the collections of the project conventions
//! `anagrafe/deaths.csv` and `pgt/buildable_zones.geojson` (`None` when absent). Values the
//! published schema does not carry are left empty: deed parties (their roles are not
//! published), landlords' shares (equal shares), room polygons of cadastral surfaces, the
//! IMU declarations' reductions and deductions.

mod convert;
pub mod names;
mod row;
mod schedule;

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use segit_model::{
    Belfiore, CadastralSurface, F24Payment, Holding, ImuDeclaration, Lease, Parcel, PropertyId,
    Resident, Street, Subject, TariPosition, TransferDeed, Unit,
};
use segit_query::{
    Catalog, Collection, Feature, FeatureQuery, FeatureSink, Identity, QueryStats, SinkError,
};
use segit_store::{FeatureStore, StoreError};
use thiserror::Error;

use crate::inputs::{
    BuildableZone, BuildingOutline, Death, Footprint, HouseNumberPoint, InputData, MapParcel,
    Microzone, OmiQuotation, OmiZone, Source, Utilities,
};
use convert::StreetAlignment;
use row::{Bad, Row};
use schedule::Job;

/// Problems kept per collection in the report.
const KEPT_PROBLEMS: usize = 5;

/// Loading failed as a whole (store unreachable, a query rejected).
#[derive(Debug, Error)]
pub enum LoadError {
    /// The store failed.
    #[error("reading {collection}: {source}")]
    Store {
        /// collection being read (`catalog` for the catalog)
        collection: String,
        /// the store's error
        #[source]
        source: StoreError,
    },
    /// The read query is not valid for the stored collection.
    #[error("reading {collection}: {reason}")]
    Query {
        /// collection
        collection: String,
        /// why
        reason: String,
    },
}

/// What was read from one collection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectionLoad {
    /// collection id
    pub collection: String,
    /// features read
    pub read: u64,
    /// features skipped because they could not be converted
    pub skipped: u64,
    /// the first few reasons (`<feature id>: <reason>`)
    pub problems: Vec<String>,
}

/// What the loader read, per collection, and which sources were missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// collections read, in loading order
    pub collections: Vec<CollectionLoad>,
    /// sources left `None` because their collection is not in the catalog
    pub missing: Vec<Source>,
}

impl LoadReport {
    /// Features skipped over every collection.
    pub fn skipped(&self) -> u64 {
        self.collections.iter().map(|c| c.skipped).sum()
    }

    /// One line per collection with skipped features.
    pub fn warnings(&self) -> Vec<String> {
        self.collections
            .iter()
            .filter(|c| c.skipped > 0)
            .map(|c| {
                format!(
                    "{}: {} of {} features skipped ({})",
                    c.collection,
                    c.skipped,
                    c.read,
                    c.problems.join("; ")
                )
            })
            .collect()
    }
}

/// How far the read of a collection is, as told to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// the read starts
    Started,
    /// features read so far (every few thousand features, whenever the store yields)
    Reading(u64),
    /// the collection is read: its features (the last call for it)
    Read(u64),
}

/// Collection reads under way at once: the store decodes the rows of one while the features
/// of the other are converted.
const IN_FLIGHT: usize = 2;

/// Loads the snapshot from `store`; `progress(collection, how far)` tells when a collection's
/// read starts, how many features it has read so far and when it is read. Up to two
/// collections are read at once, so the calls of two collections may interleave; each
/// collection's start comes before its counts and its end after them. Skipped features are
/// counted and dropped; see [`load_inputs_with_report`] for the counts.
///
/// # Errors
/// [`LoadError`] when the store fails or rejects a read.
pub async fn load_inputs(
    store: &dyn FeatureStore,
    progress: &mut dyn FnMut(&str, Progress),
) -> Result<InputData, LoadError> {
    load_inputs_with_report(store, progress)
        .await
        .map(|(data, _)| data)
}

/// Streams `collection` through `each`, recording reads and skips.
struct Each<'a, F> {
    convert: F,
    /// the properties read, in the order the store returns their values
    names: &'a [String],
    load: &'a mut CollectionLoad,
    /// features read so far, watched by the progress reporting
    seen: &'a AtomicU64,
}

#[async_trait]
impl<F: FnMut(&Row<'_>) -> Result<(), Bad> + Send> FeatureSink for Each<'_, F> {
    async fn begin(&mut self, _collection: &Collection) -> Result<(), SinkError> {
        Ok(())
    }

    async fn feature(&mut self, feature: Feature) -> Result<(), SinkError> {
        self.load.read += 1;
        self.seen.store(self.load.read, Ordering::Relaxed);
        if let Err(reason) = (self.convert)(&Row::new(&feature, self.names)) {
            self.load.skipped += 1;
            if self.load.problems.len() < KEPT_PROBLEMS {
                self.load.problems.push(format!("{}: {reason}", feature.id));
            }
        }
        Ok(())
    }

    async fn end(&mut self, _stats: QueryStats) -> Result<(), SinkError> {
        Ok(())
    }
}

/// What every read uses: the store and its catalog.
struct Loader<'a> {
    store: &'a dyn FeatureStore,
    catalog: Catalog,
}

impl Loader<'_> {
    /// Reads every feature of `name` through `each`, counting them in `seen`; `None` when
    /// the catalog lacks it.
    async fn read<F>(
        &self,
        name: &str,
        seen: &AtomicU64,
        each: F,
    ) -> Result<Option<CollectionLoad>, LoadError>
    where
        F: FnMut(&Row<'_>) -> Result<(), Bad> + Send,
    {
        let Some(collection) = self.catalog.get(name) else {
            return Ok(None);
        };
        let mut query = FeatureQuery::new(name, Identity::System);
        query.output_crs = collection.storage_crs;
        // only what the conversion reads: less to decode per feature
        query.with_geometry = names::WITH_GEOMETRY.contains(&name);
        query.properties = names::read_properties(name).map(|p| {
            p.into_iter()
                .filter(|n| collection.property(n).is_some())
                .map(str::to_owned)
                .collect()
        });
        // values by position: no copy of every property name with every feature
        query.property_names = false;
        let names: Vec<String> = collection
            .returned(query.properties.as_deref())
            .map(|p| p.name.clone())
            .collect();
        let query = query.validate(collection).map_err(|e| LoadError::Query {
            collection: name.to_owned(),
            reason: e.to_string(),
        })?;
        let mut load = CollectionLoad {
            collection: name.to_owned(),
            ..CollectionLoad::default()
        };
        let mut sink = Each {
            convert: each,
            names: &names,
            load: &mut load,
            seen,
        };
        self.store
            .query(&query, &mut sink)
            .await
            .map_err(|source| LoadError::Store {
                collection: name.to_owned(),
                source,
            })?;
        Ok(Some(load))
    }

    /// Reads `name` into `out`, a vector of what `convert` makes of each feature (`out` is
    /// left unset when the catalog lacks the collection).
    async fn vec<T: Send>(
        &self,
        name: &str,
        seen: &AtomicU64,
        out: &OnceCell<Vec<T>>,
        convert: impl Fn(&Row<'_>) -> Result<T, Bad> + Send + Sync,
    ) -> Result<Option<CollectionLoad>, LoadError> {
        let mut records = Chunked::default();
        let load = self
            .read(name, seen, |r| {
                records.push(convert(r)?);
                Ok(())
            })
            .await?;
        if load.is_some() {
            set(out, records.into_vec());
        }
        Ok(load)
    }

    /// Reads `name` into `out`, the records `make` assembles from the states `convert` makes of
    /// each feature, grouped by property in the order properties first appear (`out` is left
    /// unset when the catalog lacks the collection).
    async fn grouped<S: Send, R>(
        &self,
        name: &str,
        seen: &AtomicU64,
        out: &OnceCell<Vec<R>>,
        convert: impl Fn(&Row<'_>) -> Result<(PropertyId, S), Bad> + Send + Sync,
        make: impl Fn(PropertyId, Vec<S>) -> R,
    ) -> Result<Option<CollectionLoad>, LoadError> {
        let mut groups = Grouped::new();
        let load = self
            .read(name, seen, |r| {
                let (property, state) = convert(r)?;
                groups.push(property, state);
                Ok(())
            })
            .await?;
        if load.is_some() {
            set(out, groups.assemble(make));
        }
        Ok(load)
    }

    /// The job reading `name` into `out` through `convert`.
    fn vec_job<'a, T: Send + 'a>(
        &'a self,
        name: &'static str,
        out: &'a OnceCell<Vec<T>>,
        convert: impl Fn(&Row<'_>) -> Result<T, Bad> + Send + Sync + 'a,
    ) -> Job<'a> {
        Job::new(name, move |seen| {
            Box::pin(async move { self.vec(name, &seen, out, convert).await })
        })
    }

    /// The job reading the utility rows into `out`, each row pushed as it is converted (runs
    /// of rows with equal point data share it), the vectors shrunk at the end.
    fn utilities_job<'a>(&'a self, out: &'a OnceCell<Utilities>) -> Job<'a> {
        Job::new(names::UTILITIES, move |seen| {
            Box::pin(async move {
                let mut rows = Utilities::new();
                let load = self
                    .read(names::UTILITIES, &seen, |r| {
                        rows.push(convert::utility(r)?).map_err(|e| e.to_string())?;
                        Ok(())
                    })
                    .await?;
                if load.is_some() {
                    rows.shrink_to_fit();
                    set(out, rows);
                }
                Ok(load)
            })
        })
    }
}

/// Sets the output of a collection, read once.
fn set<T>(out: &OnceCell<T>, value: T) {
    let first = out.set(value).is_ok();
    debug_assert!(first, "a collection is read once");
}

/// Records per chunk of a [`Chunked`] vector.
const CHUNK: usize = 1 << 16;

/// A vector filled in chunks of [`CHUNK`] records, joined once at the end into a vector of
/// exactly its length: a big collection is never copied into a vector of twice its size
/// while both are held (what a growing vector does on its last doubling).
struct Chunked<T> {
    full: Vec<Vec<T>>,
    current: Vec<T>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self {
            full: Vec::new(),
            current: Vec::new(),
        }
    }
}

impl<T> Chunked<T> {
    fn push(&mut self, record: T) {
        if self.current.len() == CHUNK {
            let next = Vec::with_capacity(CHUNK);
            self.full.push(std::mem::replace(&mut self.current, next));
        }
        self.current.push(record);
    }

    /// The records in push order, each chunk freed once moved.
    fn into_vec(self) -> Vec<T> {
        if self.full.is_empty() {
            let mut v = self.current;
            v.shrink_to_fit();
            return v;
        }
        let len = self.full.len() * CHUNK + self.current.len();
        let mut out = Vec::with_capacity(len);
        for chunk in self.full {
            out.extend(chunk);
        }
        out.extend(self.current);
        out
    }
}

/// Groups states by property, in the order properties first appear. A group grows by exactly
/// one state at a time (a property has few states; a doubling vector would hold up to four
/// for two).
struct Grouped<S> {
    index: HashMap<PropertyId, usize>,
    groups: Vec<(PropertyId, Vec<S>)>,
}

impl<S> Grouped<S> {
    fn new() -> Self {
        Self {
            index: HashMap::new(),
            groups: Vec::new(),
        }
    }

    fn push(&mut self, property: PropertyId, state: S) {
        if let Some(&i) = self.index.get(&property) {
            let states = &mut self.groups[i].1;
            states.reserve_exact(1);
            states.push(state);
        } else {
            self.index.insert(property.clone(), self.groups.len());
            self.groups.push((property, vec![state]));
        }
    }

    /// The records made of each property's states, in the order properties first appeared;
    /// the index by property is dropped before they are made.
    fn assemble<R>(self, make: impl Fn(PropertyId, Vec<S>) -> R) -> Vec<R> {
        let Self { index, groups } = self;
        drop(index);
        let mut records: Vec<R> = groups
            .into_iter()
            .map(|(property, states)| make(property, states))
            .collect();
        records.shrink_to_fit();
        records
    }
}

/// Like [`load_inputs`], with what was read and skipped per collection.
///
/// # Errors
/// [`LoadError`] when the store fails or rejects a read.
pub async fn load_inputs_with_report(
    store: &dyn FeatureStore,
    progress: &mut dyn FnMut(&str, Progress),
) -> Result<(InputData, LoadReport), LoadError> {
    load_with(store, progress, IN_FLIGHT).await
}

/// The municipality of the snapshot: that of the first unit, else of the first land parcel,
/// else of the first subject.
fn comune(
    units: Option<&Vec<Unit>>,
    parcels: Option<&Vec<Parcel>>,
    subjects: Option<&Vec<Subject>>,
) -> Option<Belfiore> {
    units
        .into_iter()
        .flatten()
        .map(|u| u.property.belfiore)
        .chain(parcels.into_iter().flatten().map(|p| p.property.belfiore))
        .chain(subjects.into_iter().flatten().map(|s| s.belfiore))
        .next()
}

/// The street register's alignment of the cadastral addresses, by street code.
fn alignment(streets: Option<&Vec<Street>>) -> HashMap<u32, StreetAlignment> {
    streets
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s.street_code,
                StreetAlignment {
                    toponimo: s.cadastral_toponimo,
                    name: s.duf.trim().to_uppercase(),
                    cadastral_code: s.cadastral_street_code.clone(),
                },
            )
        })
        .collect()
}

/// An OMI zone as read: zone, link zone, band.
type OmiZoneRow = (String, Option<String>, Option<String>);

/// The output of every collection read, set when it is read (unset when the catalog lacks
/// the collection).
#[derive(Default)]
struct Outputs {
    streets: OnceCell<Vec<Street>>,
    land_parcels: OnceCell<Vec<Parcel>>,
    units: OnceCell<Vec<Unit>>,
    subjects: OnceCell<Vec<Subject>>,
    holdings: OnceCell<Vec<Holding>>,
    map_parcels: OnceCell<Vec<MapParcel>>,
    footprints: OnceCell<Vec<Footprint>>,
    building_outlines: OnceCell<Vec<BuildingOutline>>,
    surfaces: OnceCell<Vec<CadastralSurface>>,
    residents: OnceCell<Vec<Resident>>,
    tari: OnceCell<Vec<TariPosition>>,
    utilities: OnceCell<Utilities>,
    leases: OnceCell<Vec<Lease>>,
    imu_declarations: OnceCell<Vec<ImuDeclaration>>,
    f24: OnceCell<Vec<F24Payment>>,
    deeds: OnceCell<Vec<TransferDeed>>,
    house_numbers: OnceCell<Vec<HouseNumberPoint>>,
    /// with their OMI zone
    microzones: OnceCell<Vec<(Microzone, Option<convert::ZoneLink>)>>,
    /// zone, link zone, band
    omi_zones: OnceCell<Vec<OmiZoneRow>>,
    omi_values: OnceCell<Vec<OmiQuotation>>,
    deaths: OnceCell<Vec<Death>>,
    buildable_zones: OnceCell<Vec<BuildableZone>>,
}

/// The collections the municipality is taken from.
const COMUNE_FROM: &[&str] = &[names::UNITS, names::PARCEL_STATES, names::SUBJECTS];

/// Loads with at most `in_flight` collection reads at once (1: one after the other).
#[allow(clippy::too_many_lines)]
async fn load_with(
    store: &dyn FeatureStore,
    progress: &mut dyn FnMut(&str, Progress),
    in_flight: usize,
) -> Result<(InputData, LoadReport), LoadError> {
    let catalog = store.catalog().await.map_err(|source| LoadError::Store {
        collection: "catalog".to_owned(),
        source,
    })?;
    let l = Loader { store, catalog };
    let l = &l;
    let outputs = Outputs::default();
    let o = &outputs;
    // in loading order: the report lists the collections in this order
    let jobs = vec![
        l.vec_job(names::STREETS, &o.streets, convert::street),
        Job::new(names::PARCEL_STATES, move |seen| {
            Box::pin(async move {
                l.grouped(
                    names::PARCEL_STATES,
                    &seen,
                    &o.land_parcels,
                    convert::parcel_state,
                    |property, states| Parcel { property, states },
                )
                .await
            })
        }),
        Job::new(names::UNITS, move |seen| {
            let alignment = alignment(o.streets.get());
            Box::pin(async move {
                l.grouped(
                    names::UNITS,
                    &seen,
                    &o.units,
                    |r| convert::unit_state(r, &alignment),
                    |property, states| Unit { property, states },
                )
                .await
            })
        })
        .after(&[names::STREETS])
        .big(),
        l.vec_job(names::SUBJECTS, &o.subjects, convert::subject),
        l.vec_job(names::HOLDINGS, &o.holdings, convert::holding)
            .big(),
        l.vec_job(names::PARCELS, &o.map_parcels, convert::map_parcel),
        l.vec_job(names::TOPO_BUILDINGS, &o.footprints, convert::footprint),
        l.vec_job(
            names::BUILDINGS,
            &o.building_outlines,
            convert::building_outline,
        ),
        l.vec_job(names::SURFACES, &o.surfaces, convert::surface),
        l.vec_job(names::RESIDENTS, &o.residents, convert::resident),
        l.vec_job(names::TARI, &o.tari, convert::tari),
        l.utilities_job(&o.utilities).big(),
        l.vec_job(names::LEASES, &o.leases, convert::lease),
        Job::new(names::IMU, move |seen| {
            let comune = comune(o.units.get(), o.land_parcels.get(), o.subjects.get());
            Box::pin(async move {
                let mut declarations: BTreeMap<convert::ImuKey, ImuDeclaration> = BTreeMap::new();
                let load = l
                    .read(names::IMU, &seen, |r| {
                        let (key, declarant, tax_period, position) = convert::imu_position(r)?;
                        let belfiore = comune.ok_or("municipality unknown (no cadastre loaded)")?;
                        declarations
                            .entry(key)
                            .or_insert_with_key(|(_, year, ordinal)| ImuDeclaration {
                                declarant,
                                ordinal: *ordinal,
                                declaration_year: *year,
                                tax_period,
                                belfiore,
                                // the declarant's name is not read: no rule needs it
                                surname_or_name: String::new(),
                                given_name: None,
                                birth_date: None,
                                sex: None,
                                positions: Vec::new(),
                            })
                            .positions
                            .push(position);
                        Ok(())
                    })
                    .await?;
                if load.is_some() {
                    set(&o.imu_declarations, declarations.into_values().collect());
                }
                Ok(load)
            })
        })
        .after(COMUNE_FROM),
        Job::new(names::F24, move |seen| {
            let comune = comune(o.units.get(), o.land_parcels.get(), o.subjects.get());
            Box::pin(async move {
                l.vec(names::F24, &seen, &o.f24, move |r| {
                    convert::f24(
                        r,
                        comune.ok_or("municipality unknown (no cadastre loaded)")?,
                    )
                })
                .await
            })
        })
        .after(COMUNE_FROM),
        l.vec_job(names::DEEDS, &o.deeds, convert::deed),
        l.vec_job(
            names::HOUSE_NUMBERS,
            &o.house_numbers,
            convert::house_number,
        ),
        l.vec_job(names::MICROZONES, &o.microzones, convert::microzone),
        l.vec_job(names::OMI_ZONES, &o.omi_zones, convert::omi_zone),
        l.vec_job(names::OMI_VALUES, &o.omi_values, convert::omi_value),
        l.vec_job(names::DEATHS, &o.deaths, convert::death),
        l.vec_job(
            names::BUILDABLE_ZONES,
            &o.buildable_zones,
            convert::buildable_zone,
        ),
    ];
    let collections = schedule::run(jobs, &l.catalog, in_flight, progress).await?;
    let o = outputs;
    let zoned = o.microzones.into_inner();
    let omi_zones = o.omi_zones.into_inner().map(|zones| {
        let by_zone: HashMap<&str, (Option<&String>, Option<&String>)> = zones
            .iter()
            .map(|(z, link, band)| (z.as_str(), (link.as_ref(), band.as_ref())))
            .collect();
        zoned
            .iter()
            .flatten()
            .filter_map(|(m, zone)| {
                let (zone, link) = zone.as_ref()?;
                let (zlink, band) = by_zone.get(zone.as_str()).copied().unwrap_or_default();
                Some(OmiZone {
                    zone: zone.clone(),
                    link_zona: link.as_ref().or(zlink)?.clone(),
                    band: band.cloned().unwrap_or_default(),
                    microzone: m.number,
                })
            })
            .collect()
    });
    let units = o.units.into_inner();
    let land_parcels = o.land_parcels.into_inner();
    let subjects = o.subjects.into_inner();
    let data = InputData {
        comune: comune(units.as_ref(), land_parcels.as_ref(), subjects.as_ref()),
        land_parcels,
        units,
        subjects,
        holdings: o.holdings.into_inner(),
        map_parcels: o.map_parcels.into_inner(),
        footprints: o.footprints.into_inner(),
        building_outlines: o.building_outlines.into_inner(),
        surfaces: o.surfaces.into_inner(),
        residents: o.residents.into_inner(),
        tari: o.tari.into_inner(),
        utilities: o.utilities.into_inner(),
        leases: o.leases.into_inner(),
        imu_declarations: o.imu_declarations.into_inner(),
        f24: o.f24.into_inner(),
        streets: o.streets.into_inner(),
        house_numbers: o.house_numbers.into_inner(),
        microzones: zoned.map(|z| z.into_iter().map(|(m, _)| m).collect()),
        omi_zones,
        omi_values: o.omi_values.into_inner(),
        buildable_zones: o.buildable_zones.into_inner(),
        deaths: o.deaths.into_inner(),
        deeds: o.deeds.into_inner(),
    };
    let report = LoadReport {
        collections,
        missing: Source::ALL.into_iter().filter(|s| !data.has(*s)).collect(),
    };
    Ok((data, report))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod chunked_tests {
    use super::{CHUNK, Chunked};

    #[test]
    fn chunks_join_in_push_order_at_exact_length() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let mut c = Chunked::default();
            for i in 0..n {
                c.push(i);
            }
            let v = c.into_vec();
            assert_eq!(v.len(), n);
            assert_eq!(v.capacity(), n);
            assert!(v.iter().enumerate().all(|(i, &x)| i == x));
        }
    }

    #[test]
    fn groups_hold_their_states_in_order_at_exact_length() {
        use segit_model::{Belfiore, PropertyId, PropertyKind};
        let property = |id: u64| PropertyId {
            belfiore: Belfiore::parse("F205").unwrap(),
            section: None,
            id,
            kind: PropertyKind::Building,
        };
        let mut g = super::Grouped::new();
        for (id, state) in [(1, "a"), (2, "b"), (1, "c"), (1, "d"), (2, "e")] {
            g.push(property(id), state);
        }
        let groups: Vec<(u64, Vec<&str>, usize)> = g
            .groups
            .into_iter()
            .map(|(p, states)| (p.id, states.clone(), states.capacity()))
            .collect();
        assert_eq!(
            groups,
            [(1, vec!["a", "c", "d"], 3), (2, vec!["b", "e"], 2)]
        );
    }
}
