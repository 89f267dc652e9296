//! Loading the engine's snapshot ([`InputData`]) from the collections the ingest published.
//!
//! Every ingested collection maps to the model entities of one [`Source`] (all versions with
//! their validity, so rules can align in time); geometries come in the storage CRS. A
//! collection the catalog lacks leaves its source `None` (rules needing it report "not
//! evaluated: missing <source>"). Features stream through a [`FeatureSink`] that converts each
//! one as it arrives; a feature that cannot be converted is skipped and counted in the
//! [`LoadReport`], never a panic. The collection and property names are in [`names`].
//!
//! Deaths and buildable zones come from the collections of the project conventions
//! `anagrafe/deaths.csv` and `pgt/buildable_zones.geojson` (`None` when absent). Values the
//! published schema does not carry are left empty: deed parties (their roles are not
//! published), landlords' shares (equal shares), room polygons of cadastral surfaces, the
//! IMU declarations' reductions and deductions.

mod convert;
pub mod names;
mod row;

use std::collections::{BTreeMap, HashMap};
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use segit_model::{Belfiore, ImuDeclaration, Parcel, PropertyId, Unit};
use segit_query::{
    Catalog, Collection, Feature, FeatureQuery, FeatureSink, Identity, QueryStats, SinkError,
};
use segit_store::{FeatureStore, StoreError};
use thiserror::Error;

use crate::inputs::{InputData, OmiZone, Source};
use convert::StreetAlignment;
use row::{Bad, Row};

/// Features between two progress reports of a collection being read.
const PROGRESS_STEP: u64 = 10_000;

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

/// Loads the snapshot from `store`; `progress(collection, features)` is called when a
/// collection starts (0), while it is read (features so far, whenever the store yields) and
/// when it is read (its total, possibly repeating the last count). Skipped features are counted and dropped; see
/// [`load_inputs_with_report`] for the counts.
///
/// # Errors
/// [`LoadError`] when the store fails or rejects a read.
pub async fn load_inputs(
    store: &dyn FeatureStore,
    progress: &mut dyn FnMut(&str, u64),
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

/// The loader's state: the catalog, the report, the progress callback.
struct Loader<'a> {
    store: &'a dyn FeatureStore,
    catalog: Catalog,
    report: LoadReport,
    progress: &'a mut dyn FnMut(&str, u64),
}

impl Loader<'_> {
    /// Reads every feature of `name` through `each`; `false` when the catalog lacks it.
    async fn read<F>(&mut self, name: &str, each: F) -> Result<bool, LoadError>
    where
        F: FnMut(&Row<'_>) -> Result<(), Bad> + Send,
    {
        let Some(collection) = self.catalog.get(name) else {
            return Ok(false);
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
        (self.progress)(name, 0);
        let mut load = CollectionLoad {
            collection: name.to_owned(),
            ..CollectionLoad::default()
        };
        let seen = AtomicU64::new(0);
        {
            let mut sink = Each {
                convert: each,
                names: &names,
                load: &mut load,
                seen: &seen,
            };
            // the store's answer, reporting the features read whenever it yields
            let mut answer = pin!(self.store.query(&query, &mut sink));
            let progress = &mut *self.progress;
            let mut reported = 0;
            std::future::poll_fn(|cx| {
                let poll = answer.as_mut().poll(cx);
                let n = seen.load(Ordering::Relaxed);
                if n >= reported + PROGRESS_STEP {
                    progress(name, n);
                    reported = n;
                }
                poll
            })
            .await
            .map_err(|source| LoadError::Store {
                collection: name.to_owned(),
                source,
            })?;
        }
        (self.progress)(name, load.read);
        self.report.collections.push(load);
        Ok(true)
    }

    /// Reads `name` into a vector of what `convert` makes of each feature (`None` when the
    /// catalog lacks the collection).
    async fn vec<T: Send>(
        &mut self,
        name: &str,
        convert: impl Fn(&Row<'_>) -> Result<T, Bad> + Send + Sync,
    ) -> Result<Option<Vec<T>>, LoadError> {
        let mut out = Chunked::default();
        let found = self
            .read(name, |r| {
                out.push(convert(r)?);
                Ok(())
            })
            .await?;
        Ok(found.then(|| out.into_vec()))
    }
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
}

/// Like [`load_inputs`], with what was read and skipped per collection.
///
/// # Errors
/// [`LoadError`] when the store fails or rejects a read.
#[allow(clippy::too_many_lines)]
pub async fn load_inputs_with_report(
    store: &dyn FeatureStore,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<(InputData, LoadReport), LoadError> {
    let catalog = store.catalog().await.map_err(|source| LoadError::Store {
        collection: "catalog".to_owned(),
        source,
    })?;
    let mut l = Loader {
        store,
        catalog,
        report: LoadReport::default(),
        progress,
    };
    let mut data = InputData {
        streets: l.vec(names::STREETS, convert::street).await?,
        ..InputData::default()
    };
    let alignment: HashMap<u32, StreetAlignment> = data
        .streets
        .iter()
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
        .collect();

    let mut parcels = Grouped::new();
    let found = l
        .read(names::PARCEL_STATES, |r| {
            let (p, s) = convert::parcel_state(r)?;
            parcels.push(p, s);
            Ok(())
        })
        .await?;
    // the index by property is dropped before the records are assembled
    let Grouped { index, groups } = parcels;
    drop(index);
    data.land_parcels = found.then(|| {
        let mut parcels: Vec<Parcel> = groups
            .into_iter()
            .map(|(property, states)| Parcel { property, states })
            .collect();
        parcels.shrink_to_fit();
        parcels
    });

    let mut units = Grouped::new();
    let found = l
        .read(names::UNITS, |r| {
            let (p, s) = convert::unit_state(r, &alignment)?;
            units.push(p, s);
            Ok(())
        })
        .await?;
    // the index by property is dropped before the records are assembled
    let Grouped { index, groups } = units;
    drop(index);
    data.units = found.then(|| {
        let mut units: Vec<Unit> = groups
            .into_iter()
            .map(|(property, states)| Unit { property, states })
            .collect();
        units.shrink_to_fit();
        units
    });

    data.subjects = l.vec(names::SUBJECTS, convert::subject).await?;
    data.holdings = l.vec(names::HOLDINGS, convert::holding).await?;
    let comune: Option<Belfiore> = data
        .units
        .iter()
        .flatten()
        .map(|u| u.property.belfiore)
        .chain(
            data.land_parcels
                .iter()
                .flatten()
                .map(|p| p.property.belfiore),
        )
        .chain(data.subjects.iter().flatten().map(|s| s.belfiore))
        .next();
    data.map_parcels = l.vec(names::PARCELS, convert::map_parcel).await?;
    data.footprints = l.vec(names::TOPO_BUILDINGS, convert::footprint).await?;
    data.building_outlines = l.vec(names::BUILDINGS, convert::building_outline).await?;
    data.surfaces = l.vec(names::SURFACES, convert::surface).await?;
    data.residents = l.vec(names::RESIDENTS, convert::resident).await?;
    data.tari = l.vec(names::TARI, convert::tari).await?;
    data.utilities = l.vec(names::UTILITIES, convert::utility).await?;
    data.leases = l.vec(names::LEASES, convert::lease).await?;

    let mut declarations: BTreeMap<convert::ImuKey, ImuDeclaration> = BTreeMap::new();
    let found = l
        .read(names::IMU, |r| {
            let (key, declarant, tax_period, name, position) = convert::imu_position(r)?;
            let belfiore = comune.ok_or("municipality unknown (no cadastre loaded)")?;
            declarations
                .entry(key)
                .or_insert_with_key(|(_, year, ordinal)| ImuDeclaration {
                    declarant,
                    ordinal: *ordinal,
                    declaration_year: *year,
                    tax_period,
                    belfiore,
                    surname_or_name: name,
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
    data.imu_declarations = found.then(|| declarations.into_values().collect());

    data.f24 = l
        .vec(names::F24, move |r| {
            convert::f24(
                r,
                comune.ok_or("municipality unknown (no cadastre loaded)")?,
            )
        })
        .await?;
    data.deeds = l.vec(names::DEEDS, convert::deed).await?;
    data.house_numbers = l.vec(names::HOUSE_NUMBERS, convert::house_number).await?;

    let zoned = l.vec(names::MICROZONES, convert::microzone).await?;
    let zones = l.vec(names::OMI_ZONES, convert::omi_zone).await?;
    data.omi_zones = zones.map(|zones| {
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
    data.microzones = zoned.map(|z| z.into_iter().map(|(m, _)| m).collect());
    data.omi_values = l.vec(names::OMI_VALUES, convert::omi_value).await?;
    data.deaths = l.vec(names::DEATHS, convert::death).await?;
    data.buildable_zones = l
        .vec(names::BUILDABLE_ZONES, convert::buildable_zone)
        .await?;
    data.comune = comune;

    let mut report = l.report;
    report.missing = Source::ALL.into_iter().filter(|s| !data.has(*s)).collect();
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
