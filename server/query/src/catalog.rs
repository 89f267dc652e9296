//! The catalog: which collections exist and what their features look like.
//!
//! A store keeps its catalog beside its data (written by ingest/demo); protocols read it to
//! answer capabilities, collection metadata, queryables and to validate queries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::crs::Crs;
use crate::value::PropertyType;

/// Geometry type of a collection (all features of a collection share it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GeometryType {
    /// point
    Point,
    /// line string
    LineString,
    /// polygon
    Polygon,
    /// multi point
    MultiPoint,
    /// multi line string
    MultiLineString,
    /// multi polygon
    MultiPolygon,
    /// any geometry type
    Geometry,
    /// no geometry (attribute table)
    None,
}

impl GeometryType {
    /// The name used by OGC (GeoPackage `geometry_type_name`, GML, OGC API `itemType` hints).
    pub fn ogc_name(self) -> &'static str {
        match self {
            Self::Point => "POINT",
            Self::LineString => "LINESTRING",
            Self::Polygon => "POLYGON",
            Self::MultiPoint => "MULTIPOINT",
            Self::MultiLineString => "MULTILINESTRING",
            Self::MultiPolygon => "MULTIPOLYGON",
            Self::Geometry => "GEOMETRY",
            Self::None => "NONE",
        }
    }
}

/// One property of a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// name (a valid SQL identifier: lower-case ASCII letters, digits, `_`)
    pub name: String,
    /// value type
    #[serde(rename = "type")]
    pub ty: PropertyType,
    /// human title
    pub title: String,
    /// personal data (GDPR): visible only to roles an access policy grants
    pub personal: bool,
    /// may be null
    pub nullable: bool,
}

impl Property {
    /// A public, nullable property.
    pub fn new(name: &str, ty: PropertyType, title: &str) -> Self {
        Self {
            name: name.into(),
            ty,
            title: title.into(),
            personal: false,
            nullable: true,
        }
    }

    /// Marks the property as personal data.
    #[must_use]
    pub fn personal(mut self) -> Self {
        self.personal = true;
        self
    }

    /// Marks the property as never null.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.nullable = false;
        self
    }
}

/// Which properties carry a feature's validity in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporalProperties {
    /// start of validity (date or date-time property)
    pub start: String,
    /// end of validity (null: still valid); `None` when features are instants
    pub end: Option<String>,
}

/// Spatial and temporal extent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Extent {
    /// [min lon, min lat, max lon, max lat] in CRS84
    pub bbox_crs84: Option<[f64; 4]>,
    /// [start, end], open ends as `None`
    pub temporal: Option<[Option<DateTime<Utc>>; 2]>,
}

/// A published collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    /// identifier (lower-case ASCII, digits, `_`), unique in the catalog
    pub id: String,
    /// human title
    pub title: String,
    /// description
    pub description: String,
    /// keywords
    #[serde(default)]
    pub keywords: Vec<String>,
    /// geometry type
    pub geometry_type: GeometryType,
    /// CRS the geometries are stored in
    pub storage_crs: Crs,
    /// properties in output order (the feature id and geometry are not listed)
    pub properties: Vec<Property>,
    /// temporal properties, when features have a validity in time
    pub temporal: Option<TemporalProperties>,
    /// extent, as last computed by the store
    pub extent: Option<Extent>,
}

impl Collection {
    /// The property named `name`.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// The properties a query selecting `selection` returns (`None`: all), in schema order:
    /// the order of a returned feature's values.
    pub fn returned<'c>(
        &'c self,
        selection: Option<&'c [String]>,
    ) -> impl Iterator<Item = &'c Property> + 'c {
        self.properties
            .iter()
            .filter(move |p| selection.is_none_or(|s| s.contains(&p.name)))
    }
}

/// All collections a store publishes, in a stable order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Catalog {
    /// collections in publication order
    pub collections: Vec<Collection>,
}

impl Catalog {
    /// The collection with id `id`.
    pub fn get(&self, id: &str) -> Option<&Collection> {
        self.collections.iter().find(|c| c.id == id)
    }
}
