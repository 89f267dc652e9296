//! The feature record exchanged between stores, the query core and encoders.

use geo_types::Geometry;

use crate::value::Value;

/// One feature: its identifier, its geometry (in the CRS the query asked for, always in
/// east/north — longitude/latitude — order internally; encoders apply the CRS's axis order) and
/// its properties in the collection's schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// feature identifier, unique within its collection
    pub id: String,
    /// geometry, if the feature has one
    pub geometry: Option<Geometry<f64>>,
    /// (property name, value) pairs in the collection's schema order
    pub properties: Vec<(String, Value)>,
}

impl Feature {
    /// The value of property `name`, or `None` when the feature has no such property.
    pub fn property(&self, name: &str) -> Option<&Value> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}
