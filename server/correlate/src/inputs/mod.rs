//! The engine's input snapshot ([`InputData`]): every source as a vector of model entities
//! (the utility rows in a compact form, [`Utilities`]), and [`Inputs`], the same data with the
//! indexes the rules join on, built once (unit keys with the aliases of stapled units, parcels,
//! codici fiscali as written, address key + internal, an R-tree of map parcels).
//!
//! A source is either supplied (possibly empty) or missing (`None`); rules that need a missing
//! source are reported "not evaluated: missing <source>". Geometries are in one projected
//! CRS in metres (areas in m²), the storage CRS of the municipality.

mod access;
mod compact;
mod index;
mod records;
mod spatial;
mod utilities;

pub use index::{Inputs, UnitAddress, UnitLink, parcel_ref};
pub use records::{
    BuildableZone, BuildingOutline, Death, Footprint, HouseNumberPoint, MapParcel, Microzone,
    OmiQuotation, OmiZone,
};
pub use spatial::{ParcelIndex, intersection_area};
pub use utilities::{Utilities, Utility, UtilityPoint, UtilityRow};

use std::fmt;

use segit_model::{
    Belfiore, CadastralSurface, F24Payment, Holding, ImuDeclaration, Lease, Parcel, Resident,
    Street, Subject, TariPosition, TransferDeed, Unit,
};

/// A data source of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// TER: land-cadastre parcels.
    LandParcels,
    /// FAB: buildings-cadastre units.
    Units,
    /// SOG: subjects.
    Subjects,
    /// TIT: holdings.
    Holdings,
    /// Map parcels (CXF / INSPIRE GML) with geometry.
    MapParcels,
    /// Topographic building footprints.
    Footprints,
    /// CXF building outlines.
    BuildingOutlines,
    /// Cadastral surfaces for TARI.
    Surfaces,
    /// Civil registry.
    Residents,
    /// TARI premises.
    Tari,
    /// Utility contracts.
    Utilities,
    /// Registered leases.
    Leases,
    /// IMU declarations.
    ImuDeclarations,
    /// F24 IMU payments.
    F24,
    /// Street register.
    Streets,
    /// House-number points.
    HouseNumbers,
    /// Cadastral microzones.
    Microzones,
    /// OMI zones.
    OmiZones,
    /// OMI quotations.
    OmiValues,
    /// Buildable zones of the zoning plan with reference values.
    BuildableZones,
    /// Deaths of the civil registry.
    Deaths,
    /// Transfer deeds (sales, donations…).
    Deeds,
}

impl Source {
    /// Every source, in a fixed order.
    pub const ALL: [Self; 22] = [
        Self::LandParcels,
        Self::Units,
        Self::Subjects,
        Self::Holdings,
        Self::MapParcels,
        Self::Footprints,
        Self::BuildingOutlines,
        Self::Surfaces,
        Self::Residents,
        Self::Tari,
        Self::Utilities,
        Self::Leases,
        Self::ImuDeclarations,
        Self::F24,
        Self::Streets,
        Self::HouseNumbers,
        Self::Microzones,
        Self::OmiZones,
        Self::OmiValues,
        Self::BuildableZones,
        Self::Deaths,
        Self::Deeds,
    ];

    /// Name used in run reports (`ter`, `tari`…).
    pub fn name(self) -> &'static str {
        match self {
            Self::LandParcels => "ter",
            Self::Units => "fab",
            Self::Subjects => "sog",
            Self::Holdings => "tit",
            Self::MapParcels => "map_parcels",
            Self::Footprints => "footprints",
            Self::BuildingOutlines => "building_outlines",
            Self::Surfaces => "surfaces",
            Self::Residents => "residents",
            Self::Tari => "tari",
            Self::Utilities => "utilities",
            Self::Leases => "leases",
            Self::ImuDeclarations => "imu_declarations",
            Self::F24 => "f24",
            Self::Streets => "streets",
            Self::HouseNumbers => "house_numbers",
            Self::Microzones => "microzones",
            Self::OmiZones => "omi_zones",
            Self::OmiValues => "omi_values",
            Self::BuildableZones => "buildable_zones",
            Self::Deaths => "deaths",
            Self::Deeds => "deeds",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The raw snapshot: one vector per source, `None` when the source was not supplied.
#[derive(Debug, Clone, Default)]
pub struct InputData {
    /// Municipality of the snapshot (to resolve text addresses); taken from the cadastre
    /// when `None`.
    pub comune: Option<Belfiore>,
    /// TER.
    pub land_parcels: Option<Vec<Parcel>>,
    /// FAB.
    pub units: Option<Vec<Unit>>,
    /// SOG.
    pub subjects: Option<Vec<Subject>>,
    /// TIT.
    pub holdings: Option<Vec<Holding>>,
    /// Map parcels.
    pub map_parcels: Option<Vec<MapParcel>>,
    /// Topographic footprints.
    pub footprints: Option<Vec<Footprint>>,
    /// CXF building outlines.
    pub building_outlines: Option<Vec<BuildingOutline>>,
    /// Cadastral surfaces.
    pub surfaces: Option<Vec<CadastralSurface>>,
    /// Residents.
    pub residents: Option<Vec<Resident>>,
    /// TARI premises.
    pub tari: Option<Vec<TariPosition>>,
    /// Utility rows (point data shared by runs of consecutive rows).
    pub utilities: Option<Utilities>,
    /// Leases.
    pub leases: Option<Vec<Lease>>,
    /// IMU declarations.
    pub imu_declarations: Option<Vec<ImuDeclaration>>,
    /// F24 lines.
    pub f24: Option<Vec<F24Payment>>,
    /// Street register.
    pub streets: Option<Vec<Street>>,
    /// House-number points.
    pub house_numbers: Option<Vec<HouseNumberPoint>>,
    /// Microzones.
    pub microzones: Option<Vec<Microzone>>,
    /// OMI zones.
    pub omi_zones: Option<Vec<OmiZone>>,
    /// OMI quotations.
    pub omi_values: Option<Vec<OmiQuotation>>,
    /// Buildable zones.
    pub buildable_zones: Option<Vec<BuildableZone>>,
    /// Deaths.
    pub deaths: Option<Vec<Death>>,
    /// Transfer deeds.
    pub deeds: Option<Vec<TransferDeed>>,
}

impl InputData {
    /// True when `source` was supplied.
    pub fn has(&self, source: Source) -> bool {
        match source {
            Source::LandParcels => self.land_parcels.is_some(),
            Source::Units => self.units.is_some(),
            Source::Subjects => self.subjects.is_some(),
            Source::Holdings => self.holdings.is_some(),
            Source::MapParcels => self.map_parcels.is_some(),
            Source::Footprints => self.footprints.is_some(),
            Source::BuildingOutlines => self.building_outlines.is_some(),
            Source::Surfaces => self.surfaces.is_some(),
            Source::Residents => self.residents.is_some(),
            Source::Tari => self.tari.is_some(),
            Source::Utilities => self.utilities.is_some(),
            Source::Leases => self.leases.is_some(),
            Source::ImuDeclarations => self.imu_declarations.is_some(),
            Source::F24 => self.f24.is_some(),
            Source::Streets => self.streets.is_some(),
            Source::HouseNumbers => self.house_numbers.is_some(),
            Source::Microzones => self.microzones.is_some(),
            Source::OmiZones => self.omi_zones.is_some(),
            Source::OmiValues => self.omi_values.is_some(),
            Source::BuildableZones => self.buildable_zones.is_some(),
            Source::Deaths => self.deaths.is_some(),
            Source::Deeds => self.deeds.is_some(),
        }
    }
}
