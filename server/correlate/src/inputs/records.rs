//! Input records the model crate does not define: geometries of the maps and the topographic
//! database, OMI zones and quotations, buildable zones and deaths.

use chrono::NaiveDate;
use geo_types::{MultiPolygon, Point};
use segit_model::{Building, HouseNumber, ParcelKey, TaxId};
use serde::{Deserialize, Serialize};

/// A parcel of the maps (CXF / INSPIRE GML).
#[derive(Debug, Clone, PartialEq)]
pub struct MapParcel {
    /// National cadastral reference.
    pub parcel_key: ParcelKey,
    /// Polygon(s), projected CRS in metres.
    pub geometry: MultiPolygon<f64>,
    /// Area written by the SUP companion file, m² (rule Q04).
    pub sup_area_m2: Option<f64>,
}

/// A topographic building footprint with its attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Footprint {
    /// Attributes (id, height, floors, use, survey date).
    pub building: Building,
    /// Footprint.
    pub geometry: MultiPolygon<f64>,
}

/// A building outline of the CXF maps (`nnn+`): its host parcel and polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildingOutline {
    /// Outline id (unique in the snapshot).
    pub id: String,
    /// Host parcel (`nnn`).
    pub parcel_key: ParcelKey,
    /// Outline.
    pub geometry: MultiPolygon<f64>,
}

/// A house-number point (entrance).
#[derive(Debug, Clone, PartialEq)]
pub struct HouseNumberPoint {
    /// Address key and served parcel.
    pub number: HouseNumber,
    /// Point.
    pub point: Point<f64>,
}

/// A cadastral microzone polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct Microzone {
    /// Microzone number.
    pub number: u32,
    /// Polygon(s).
    pub geometry: MultiPolygon<f64>,
}

/// An OMI zone of the ZONE file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OmiZone {
    /// Zone code (`B12`).
    pub zone: String,
    /// National key (`MI00000290`).
    pub link_zona: String,
    /// Band (`B`, `C`, `D`, `E`, `R`).
    pub band: String,
    /// Cadastral microzone number.
    pub microzone: u32,
}

/// One OMI quotation of the VALORI file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OmiQuotation {
    /// National zone key.
    pub link_zona: String,
    /// Typology code (`20` civil dwellings).
    pub cod_tip: u32,
    /// Conservation state (`NORMALE`).
    pub state: String,
    /// Purchase €/m² min.
    pub compr_min: f64,
    /// Purchase €/m² max.
    pub compr_max: f64,
    /// Rent €/m²/month min.
    pub loc_min: Option<f64>,
    /// Rent €/m²/month max.
    pub loc_max: Option<f64>,
}

/// A buildable zone of the municipal zoning plan (PGT) with its c. 777 reference value.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildableZone {
    /// Zone id of the plan.
    pub zone_id: String,
    /// Polygon(s).
    pub geometry: MultiPolygon<f64>,
    /// Reference value of building land, €/m² (c. 777), when deliberated.
    pub reference_value_eur_per_m2: Option<f64>,
}

/// A death recorded by the civil registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Death {
    /// Code as written.
    pub person: TaxId,
    /// Date of death.
    pub date: NaiveDate,
}
