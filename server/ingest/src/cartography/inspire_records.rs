//! The records of the INSPIRE Cadastral Parcels GML reader (inspire-gml.md §2–§3), for both the
//! Agenzia's MapServer-flavoured GML (`CP:NATIONALCADASTRALREFERENCE`…) and the official
//! encoding (`cp:nationalCadastralReference`…).

use chrono::NaiveDateTime;
use geo_types::MultiPolygon;
use segit_model::{ParcelKey, SheetKey};
use segit_query::Crs;

/// What a CadastralParcel feature stands for (roads and waters are published as parcels with
/// labels `STRADAnnn` / `ACQUAnnn`, to be kept out of parcel statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParcelClass {
    /// an ordinary parcel
    Parcel,
    /// a road area (`STRADA…`)
    Road,
    /// a water area (`ACQUA…`)
    Water,
}

/// The feature type and its identifiers.
#[derive(Debug, Clone, PartialEq)]
pub enum InspireKind {
    /// `CadastralParcel`
    Parcel {
        /// the national cadastral reference, parsed
        key: ParcelKey,
        /// parcel, road or water
        class: ParcelClass,
    },
    /// `CadastralZoning` (a map sheet)
    Zoning {
        /// the national cadastral zoning reference (= CXF map name), parsed
        sheet: SheetKey,
        /// `LEVEL` / `level` (e.g. `3rdOrder`; the last path segment of a code-list link)
        level: Option<String>,
        /// `LEVELNAME` / `levelName` (e.g. `Mappa Catastale`)
        level_name: Option<String>,
        /// `originalMapScaleDenominator`
        scale: Option<f64>,
    },
}

/// One feature read from the GML.
#[derive(Debug, Clone, PartialEq)]
pub struct InspireFeature {
    /// line of the feature's start tag
    pub line: u64,
    /// type and parsed identifiers
    pub kind: InspireKind,
    /// `@gml:id` as written
    pub gml_id: Option<String>,
    /// INSPIRE local id as written (`IT.AGE.PLA.A176_003100.329` or the bare reference)
    pub local_id: Option<String>,
    /// INSPIRE namespace as written (`IT.AGE.PLA.` / `IT.AGE.PLA`)
    pub namespace: Option<String>,
    /// the reference as written (national cadastral (zoning) reference, else the local id,
    /// else the gml:id)
    pub reference: String,
    /// `LABEL` / `label`
    pub label: Option<String>,
    /// `ADMINISTRATIVEUNIT` text or `administrativeUnit` link target (`#F205` → `F205`)
    pub administrative_unit: Option<String>,
    /// `areaValue` in m², when given
    pub area_value: Option<f64>,
    /// `beginLifespanVersion`, when given (a date alone reads as midnight)
    pub begin_lifespan: Option<NaiveDateTime>,
    /// CRS of `geometry` (from `srsName`, EPSG 6706 when absent)
    pub crs: Crs,
    /// the geometry, east/north (longitude/latitude for geographic CRSs), rings closed and
    /// oriented (exterior counter-clockwise)
    pub geometry: MultiPolygon<f64>,
}
