//! The published collections of the integrated database: their schemas (personal fields
//! marked), their features built from a supply with the links found, and how each keeps its
//! history.
//!
//! - [`schema`]: collections of the cadastre and the maps; the register layers define their
//!   schemas beside their features (`registers`, `territory`).
//! - [`publish`]: a supply → one [`Layer`] per collection its sources feed.

mod cadastre;
mod fiscal;
mod maps;
mod registers;
pub mod schema;
mod territory;
mod values;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use segit_model::{Belfiore, ParcelKey, Street, UnitKey};
use segit_query::{Collection, Crs, Feature, GeometryType};

pub use cadastre::MapParcel;
use cadastre::UniqueIds;

use crate::cartography::InspireKind;
use crate::history::{HistoryMode, Scope, SeriesRule};
use crate::link::{
    BuildingIndex, LinkRates, Linker, PersonIndex, PersonIndexBuilder, StreetRegister, UnitIndex,
    UnitIndexBuilder,
};
use crate::pipeline::{SourceKind, SupplyData};

/// One collection to write: its schema, how it keeps history, which stored versions the supply
/// speaks for, and the supply's features.
#[derive(Debug, Clone)]
pub struct Layer {
    /// the collection
    pub collection: Collection,
    /// history of its features
    pub mode: HistoryMode,
    /// stored versions the supply speaks for (snapshots)
    pub scope: Scope,
    /// features of the supply
    pub features: Vec<Feature>,
}

/// What the store already holds that a supply links against: current map parcels, unit
/// states, buildings, subjects and the street register (read back by the pipeline).
#[derive(Debug, Default)]
pub struct StoredContext {
    /// current map parcels
    pub parcels: BTreeMap<ParcelKey, MapParcel>,
    /// every unit state
    pub units: Vec<Feature>,
    /// every land-cadastre parcel state
    pub parcel_states: Vec<Feature>,
    /// current buildings
    pub buildings: Vec<Feature>,
    /// current subjects
    pub subjects: Vec<Feature>,
    /// the street register
    pub streets: Vec<Street>,
}

/// The municipality of the supply: from the census, else the maps, else the registers, else
/// the units already stored.
pub fn municipality(data: &SupplyData, stored: &StoredContext) -> Option<Belfiore> {
    data.units
        .iter()
        .map(|u| u.unit.property.belfiore)
        .chain(data.parcels.iter().map(|p| p.parcel.property.belfiore))
        .chain(data.sheets.iter().map(|s| s.header.sheet.belfiore()))
        .chain(data.registers.municipality())
        .chain(
            stored
                .units
                .iter()
                .filter_map(|f| match f.property("unit_key") {
                    Some(segit_query::Value::Text(k)) => UnitKey::parse(k).ok(),
                    _ => None,
                })
                .map(|k| k.belfiore()),
        )
        .next()
}

/// The parcel key of the latest state of each land-cadastre property.
fn land_parcels<'a>(states: impl IntoIterator<Item = &'a Feature>) -> HashMap<String, String> {
    let mut latest: HashMap<String, (i64, String)> = HashMap::new();
    for f in states {
        let text = |name: &str| match f.property(name) {
            Some(segit_query::Value::Text(t)) => Some(t.clone()),
            _ => None,
        };
        let progressive = match f.property("progressive") {
            Some(segit_query::Value::Int(i)) => *i,
            _ => 0,
        };
        let (Some(property), Some(parcel)) = (text("property_ref"), text("parcel_key")) else {
            continue;
        };
        match latest.get(&property) {
            Some((p, _)) if *p >= progressive => {}
            _ => {
                latest.insert(property, (progressive, parcel));
            }
        }
    }
    latest.into_iter().map(|(k, (_, v))| (k, v)).collect()
}

/// This supply's features over the stored ones, by id.
fn overlay<'a>(stored: &'a [Feature], new: &'a [Feature]) -> Vec<&'a Feature> {
    let mut by_id: BTreeMap<&str, &Feature> = stored.iter().map(|f| (f.id.as_str(), f)).collect();
    for f in new {
        by_id.insert(f.id.as_str(), f);
    }
    by_id.into_values().collect()
}

/// Where publishing takes the supply's records from and hands over the layers it builds.
pub trait Flow {
    /// why handing a layer over failed
    type Error;
    /// Reads the files of the supply not read yet, up to those of `kind`, into `data`.
    fn read_through(&mut self, kind: SourceKind, data: &mut SupplyData);
    /// Reads at most `max` more records of the files of `kind` into `data` (earlier kinds
    /// whole first); false once every file of `kind` is read.
    fn read_chunk(&mut self, kind: SourceKind, data: &mut SupplyData, max: usize) -> bool;
    /// Takes one built layer.
    fn emit(&mut self, layer: Layer) -> impl Future<Output = Result<(), Self::Error>>;
    /// Starts a layer whose features come in chunks (`layer` holds the first chunk).
    fn begin(&mut self, layer: Layer) -> impl Future<Output = Result<(), Self::Error>>;
    /// More features of the layer begun.
    fn chunk(&mut self, features: Vec<Feature>) -> impl Future<Output = Result<(), Self::Error>>;
    /// The layer begun is complete.
    fn end(&mut self) -> impl Future<Output = Result<(), Self::Error>>;
}

/// Records read and published at a time by the layers built chunk by chunk.
pub(crate) const CHUNK: usize = 10_000;

/// Publishes one layer chunk by chunk: reads at most [`CHUNK`] more records of `kind` into
/// `data` (records already there are part of the first chunk), lets `build` turn the records
/// `data` holds into the layer's features (and take them out of `data`), and hands each chunk
/// to `flow`. A layer without records is still published (empty).
pub(crate) async fn chunked<F: Flow>(
    flow: &mut F,
    data: &mut SupplyData,
    kind: SourceKind,
    mut build: impl FnMut(&mut SupplyData) -> Layer,
) -> Result<(), F::Error> {
    let mut begun = false;
    while flow.read_chunk(kind, data, CHUNK) || !begun {
        let layer = build(data);
        if begun {
            flow.chunk(layer.features).await?;
        } else {
            flow.begin(layer).await?;
            begun = true;
        }
    }
    flow.end().await
}

/// Builds the layers fed by the sources `read` in this supply, linked against the supply and
/// what the store already holds, and hands each to `flow` as soon as it is built (and the
/// indexes later layers link against are taken from it), so that only one layer's features
/// are held at a time. The sources of each group of layers are read from `flow` just before
/// the group is built, and each source's records are dropped once the last layer they feed
/// is built. Stops at the first error of `flow`.
pub async fn publish<F: Flow>(
    mut data: SupplyData,
    read: &BTreeSet<SourceKind>,
    mut stored: StoredContext,
    storage_crs: Crs,
    supply_date: NaiveDate,
    rates: &mut LinkRates,
    flow: &mut F,
) -> Result<(), F::Error> {
    flow.read_through(SourceKind::HouseNumbers, &mut data);
    let streets: Vec<Street> = if read.contains(&SourceKind::Streets) {
        data.registers.streets().cloned().collect()
    } else {
        stored.streets.clone()
    };
    flow.read_through(SourceKind::InspireGml, &mut data);
    let from_maps = data.sheets.iter().map(|s| s.header.sheet.belfiore()).next();
    let mut map = std::mem::take(&mut stored.parcels);
    for (k, v) in maps::map_parcels(&data.sheets, &data.inspire) {
        map.insert(k, v);
    }
    // the street register gets the municipality once the census has been read (below); the
    // layers built before use no address
    let mut linker = Linker::new(None, &streets, map.keys());
    let sheets: HashSet<String> = data
        .sheets
        .iter()
        .map(|s| s.header.sheet.to_string())
        .chain(data.inspire.iter().map(|f| match &f.kind {
            InspireKind::Parcel { key, .. } => key.sheet().to_string(),
            InspireKind::Zoning { sheet, .. } => sheet.to_string(),
        }))
        .collect();
    let sheet_scope = Scope::Values {
        property: "sheet_key",
        values: sheets,
    };
    let crs = storage_crs;
    if read.contains(&SourceKind::Cxf) || read.contains(&SourceKind::InspireGml) {
        let c = schema::parcels(crs);
        let features = cadastre::parcels(&c, &map, supply_date);
        flow.emit(snapshot(c, "parcel_key", sheet_scope.clone(), features))
            .await?;
        let c = schema::map_layer(
            "map_sheets",
            "Map sheet boundaries",
            GeometryType::MultiPolygon,
            crs,
        );
        let features = maps::sheets(&c, &data.sheets, &data.inspire, supply_date);
        flow.emit(snapshot(c, "feature_key", sheet_scope.clone(), features))
            .await?;
    }
    if read.contains(&SourceKind::Cxf) {
        let c = schema::buildings(crs);
        let buildings = maps::buildings(&c, &data.sheets, &map, supply_date, rates);
        linker.buildings = BuildingIndex::from_features(overlay(&stored.buildings, &buildings));
        flow.emit(snapshot(c, "building_key", sheet_scope.clone(), buildings))
            .await?;
        for (id, title, ty) in [
            (
                "map_roads",
                "Map road areas (STRADA)",
                GeometryType::MultiPolygon,
            ),
            (
                "map_waters",
                "Map water areas (ACQUA)",
                GeometryType::MultiPolygon,
            ),
            ("map_texts", "Map texts (TESTO)", GeometryType::Point),
            ("map_symbols", "Map symbols (SIMBOLO)", GeometryType::Point),
            (
                "map_fiducials",
                "Map fiducial points (FIDUCIALE)",
                GeometryType::Point,
            ),
            ("map_lines", "Map lines (LINEA)", GeometryType::LineString),
        ] {
            let c = schema::map_layer(id, title, ty, crs);
            let features = maps::aux_layer(&c, id, &data.sheets, supply_date);
            flow.emit(snapshot(c, "feature_key", sheet_scope.clone(), features))
                .await?;
        }
    } else {
        linker.buildings = BuildingIndex::from_features(&stored.buildings);
    }
    // the maps feed no later layer
    data.sheets = Vec::new();
    data.inspire = Vec::new();
    // each index is built from the supply's features over the stored ones before the features
    // move into their layer
    flow.read_through(SourceKind::Ter, &mut data);
    let from_land = data
        .parcels
        .iter()
        .map(|p| p.parcel.property.belfiore)
        .next();
    if read.contains(&SourceKind::Ter) {
        let c = schema::parcel_states(crs);
        let parcel_states = cadastre::parcel_states(&c, &data.parcels, &linker, rates);
        linker.land = land_parcels(overlay(&stored.parcel_states, &parcel_states));
        data.parcels = Vec::new();
        flow.emit(dated(
            c,
            Some(("property_ref", "progressive")),
            parcel_states,
        ))
        .await?;
    } else {
        linker.land = land_parcels(&stored.parcel_states);
    }
    // the first chunk of units names the municipality
    flow.read_chunk(SourceKind::Fab, &mut data, CHUNK);
    let from_units = data.units.iter().map(|u| u.unit.property.belfiore).next();
    // the municipality: from the census, else the maps, else the registers (read now when
    // needed), else the units already stored
    let mut belfiore = from_units.or(from_land).or(from_maps);
    if belfiore.is_none() {
        flow.read_through(SourceKind::F24, &mut data);
        belfiore = municipality(&data, &stored);
    }
    linker.streets = StreetRegister::new(belfiore, &streets);
    // the large census layers are read, built and written chunk by chunk; the indexes later
    // layers link against keep only the keys of each feature
    if read.contains(&SourceKind::Fab) {
        let c = schema::units(crs);
        let mut state = cadastre::UnitsState::default();
        let mut index = UnitIndexBuilder::new(!stored.units.is_empty());
        chunked(flow, &mut data, SourceKind::Fab, |data| {
            let units = cadastre::units(&c, &data.units, &map, &linker, &mut state, rates);
            data.units.clear();
            index.add(&units);
            dated(c.clone(), Some(("property_ref", "progressive")), units)
        })
        .await?;
        linker.units = index.finish(&stored.units);
    } else {
        linker.units = UnitIndex::from_features(&stored.units);
    }
    stored.units = Vec::new();
    if read.contains(&SourceKind::Sog) {
        let c = schema::subjects(crs);
        let mut ids = UniqueIds::default();
        let mut index = PersonIndexBuilder::new(!stored.subjects.is_empty());
        chunked(flow, &mut data, SourceKind::Sog, |data| {
            let subjects = cadastre::subjects(&c, &data.subjects, supply_date, &mut ids);
            data.subjects.clear();
            index.add(&subjects);
            snapshot(c.clone(), "subject_ref", Scope::All, subjects)
        })
        .await?;
        linker.persons = index.finish(&stored.subjects);
    } else {
        linker.persons = PersonIndex::from_features(&stored.subjects);
    }
    stored.subjects = Vec::new();
    if read.contains(&SourceKind::Tit) {
        let c = schema::holdings(crs);
        let mut ids = UniqueIds::default();
        chunked(flow, &mut data, SourceKind::Tit, |data| {
            let features = cadastre::holdings(&c, &data.holdings, &linker, &mut ids, rates);
            data.holdings.clear();
            dated(c.clone(), Some(("holding_ref", "valid_from")), features)
        })
        .await?;
    }
    registers::layers(
        &mut data,
        read,
        &map,
        &linker,
        crs,
        supply_date,
        rates,
        flow,
    )
    .await
}

pub(crate) fn snapshot(
    collection: Collection,
    key: &'static str,
    scope: Scope,
    features: Vec<Feature>,
) -> Layer {
    Layer {
        collection,
        mode: HistoryMode::Snapshot { key },
        scope,
        features,
    }
}

pub(crate) fn dated(
    collection: Collection,
    series: Option<(&'static str, &'static str)>,
    features: Vec<Feature>,
) -> Layer {
    Layer {
        collection,
        mode: HistoryMode::Dated {
            series: series.map(|(series, order)| SeriesRule { series, order }),
        },
        scope: Scope::All,
        features,
    }
}
