//! `FeatureQuery`: the one question every protocol asks a store.

use chrono::{DateTime, Utc};

use crate::catalog::Collection;
use crate::crs::Crs;
use crate::error::QueryError;
use crate::filter::Filter;
use crate::identity::Identity;

/// An axis-aligned box in `crs`, always as (min east/lon, min north/lat, max east/lon,
/// max north/lat) whatever the CRS's axis order; protocol parsers swap axes on the way in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    /// minimum easting / longitude
    pub min_x: f64,
    /// minimum northing / latitude
    pub min_y: f64,
    /// maximum easting / longitude
    pub max_x: f64,
    /// maximum northing / latitude
    pub max_y: f64,
    /// CRS of the coordinates
    pub crs: Crs,
}

impl BBox {
    /// A box, checked: finite numbers, min ≤ max on each axis.
    pub fn new(min_x: f64, min_y: f64, max_x: f64, max_y: f64, crs: Crs) -> Result<Self, String> {
        if ![min_x, min_y, max_x, max_y].iter().all(|v| v.is_finite()) {
            return Err("bbox coordinates must be finite numbers".into());
        }
        if min_x > max_x || min_y > max_y {
            return Err(format!(
                "bbox minimum must not exceed maximum ({min_x},{min_y},{max_x},{max_y})"
            ));
        }
        Ok(Self {
            min_x,
            min_y,
            max_x,
            max_y,
            crs,
        })
    }

    /// The box as a polygon in its own CRS.
    pub fn to_polygon(&self) -> geo_types::Polygon<f64> {
        geo_types::Rect::new(
            geo_types::coord! { x: self.min_x, y: self.min_y },
            geo_types::coord! { x: self.max_x, y: self.max_y },
        )
        .to_polygon()
    }
}

/// A closed or half-open time interval; `None` ends are open (`..`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatetimeInterval {
    /// start, inclusive
    pub start: Option<DateTime<Utc>>,
    /// end, inclusive
    pub end: Option<DateTime<Utc>>,
}

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// property name
    pub property: String,
    /// ascending (nulls last) or descending (nulls first)
    pub ascending: bool,
}

/// A request for features of one collection.
///
/// Order of application: `bbox`, `datetime` and `filter` select features (all must hold);
/// `sort` orders them, then the feature id ascending breaks ties (so pages are stable); `offset`
/// skips, `limit` caps; `properties` chooses which properties are returned; geometries are
/// returned in `output_crs`. `identity` is the caller, for access policies.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureQuery {
    /// collection id
    pub collection: String,
    /// spatial selection
    pub bbox: Option<BBox>,
    /// temporal selection, against the collection's temporal properties
    pub datetime: Option<DatetimeInterval>,
    /// attribute and spatial selection
    pub filter: Option<Filter>,
    /// properties to return (`None`: all the caller may see)
    pub properties: Option<Vec<String>>,
    /// sort keys applied before the id tie-breaker
    pub sort: Vec<SortKey>,
    /// number of features to skip
    pub offset: u64,
    /// maximum number of features to return (`None`: no cap)
    pub limit: Option<u64>,
    /// CRS of returned geometries
    pub output_crs: Crs,
    /// return geometries (false: properties only)
    pub with_geometry: bool,
    /// return each property with its name (false: every name is empty; the values keep the
    /// collection's schema order, restricted to `properties`, for a consumer that reads them
    /// by position and need not receive a copy of every name with every feature)
    pub property_names: bool,
    /// who is asking
    pub identity: Identity,
}

impl FeatureQuery {
    /// A query for every feature of `collection`, in CRS84, for `identity`.
    pub fn new(collection: impl Into<String>, identity: Identity) -> Self {
        Self {
            collection: collection.into(),
            bbox: None,
            datetime: None,
            filter: None,
            properties: None,
            sort: Vec::new(),
            offset: 0,
            limit: None,
            output_crs: Crs::Crs84,
            with_geometry: true,
            property_names: true,
            identity,
        }
    }

    /// Checks the query against its collection and coerces filter literals to property types.
    ///
    /// Errors name the offending property or value precisely.
    pub fn validate(mut self, collection: &Collection) -> Result<Self, QueryError> {
        if collection.id != self.collection {
            return Err(QueryError::UnknownCollection(self.collection));
        }
        if let Some(props) = &self.properties {
            for p in props {
                collection
                    .property(p)
                    .ok_or_else(|| QueryError::UnknownProperty {
                        collection: collection.id.clone(),
                        property: p.clone(),
                    })?;
            }
        }
        for key in &self.sort {
            collection
                .property(&key.property)
                .ok_or_else(|| QueryError::UnknownProperty {
                    collection: collection.id.clone(),
                    property: key.property.clone(),
                })?;
        }
        if self.datetime.is_some() && collection.temporal.is_none() {
            return Err(QueryError::NotTemporal(collection.id.clone()));
        }
        if let Some(filter) = self.filter.take() {
            self.filter = Some(crate::eval::coerce_filter(filter, collection)?);
        }
        Ok(self)
    }
}
