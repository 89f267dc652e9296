//! Decoding result rows into [`Feature`]s.
//!
//! Rows have the layout of [`crate::select::columns_sql`]: id, geometry as WKB (when selected),
//! then the properties. Geometries are decoded with `segit_query::wkb::from_wkb` and transformed
//! to the output CRS in Rust, so every backend returns identical coordinates.

use chrono::{DateTime, NaiveDate, Utc};
use segit_query::crs::Transformer;
use segit_query::wkb::from_wkb;
use segit_query::{Crs, Feature, Property, PropertyType, Value};
use segit_store::StoreError;
use tokio_postgres::Row;

/// How to turn rows of one statement into features (owning what it needs, so that rows can
/// be decoded on another thread).
#[derive(Debug, Clone)]
pub struct RowDecoder {
    /// collection id, for messages
    collection: String,
    /// properties in column order
    properties: Vec<Property>,
    /// whether column 1 is the geometry
    geometry: bool,
    /// properties are returned with their names (else with empty names)
    names: bool,
    /// storage → output CRS, `None` when the numbers stay as stored
    transform: Option<Transformer>,
}

impl RowDecoder {
    /// A decoder for rows with `properties`, with a geometry column when `geometry`, in
    /// `storage` CRS to be returned in `output`.
    pub fn new(
        collection: &str,
        properties: Vec<&Property>,
        geometry: bool,
        storage: Crs,
        output: Crs,
    ) -> Result<Self, StoreError> {
        let transform = if geometry {
            let t = Transformer::new(storage, output)?;
            (!t.is_identity()).then_some(t)
        } else {
            None
        };
        Ok(Self {
            collection: collection.to_owned(),
            properties: properties.into_iter().cloned().collect(),
            geometry,
            names: true,
            transform,
        })
    }

    /// The same decoder, returning property names only when `names`
    /// ([`segit_query::FeatureQuery::property_names`]).
    #[must_use]
    pub fn with_names(mut self, names: bool) -> Self {
        self.names = names;
        self
    }

    /// The feature of one row.
    pub fn decode(&self, row: &Row) -> Result<Feature, StoreError> {
        let id: String = row.try_get(0).map_err(|e| self.corrupt("id", &e))?;
        let mut col = 1;
        let geometry = if self.geometry {
            col += 1;
            let wkb: Option<&[u8]> = row.try_get(1).map_err(|e| self.corrupt("geometry", &e))?;
            match wkb {
                None => None,
                Some(bytes) => {
                    let mut g = from_wkb(bytes).map_err(|e| {
                        StoreError::Corrupt(format!(
                            "collection '{}', feature '{id}': stored geometry unreadable: {e}",
                            self.collection
                        ))
                    })?;
                    if let Some(t) = &self.transform {
                        t.transform_geometry(&mut g)?;
                    }
                    Some(g)
                }
            }
        } else {
            None
        };
        let mut properties = Vec::with_capacity(self.properties.len());
        for p in &self.properties {
            let v = read_value(row, col, p.ty).map_err(|e| self.corrupt(&p.name, &e))?;
            let name = if self.names {
                p.name.clone()
            } else {
                String::new()
            };
            properties.push((name, v));
            col += 1;
        }
        Ok(Feature {
            id,
            geometry,
            properties,
        })
    }

    fn corrupt(&self, column: &str, e: &tokio_postgres::Error) -> StoreError {
        StoreError::Corrupt(format!(
            "collection '{}': column '{column}' has an unexpected type: {e}",
            self.collection
        ))
    }
}

/// The value of column `idx` read as property type `ty`.
fn read_value(row: &Row, idx: usize, ty: PropertyType) -> Result<Value, tokio_postgres::Error> {
    Ok(match ty {
        PropertyType::Boolean => row.try_get::<_, Option<bool>>(idx)?.map(Value::Bool),
        PropertyType::Integer => row.try_get::<_, Option<i64>>(idx)?.map(Value::Int),
        PropertyType::Number => row.try_get::<_, Option<f64>>(idx)?.map(Value::Float),
        PropertyType::Text => row.try_get::<_, Option<String>>(idx)?.map(Value::Text),
        PropertyType::Date => row.try_get::<_, Option<NaiveDate>>(idx)?.map(Value::Date),
        PropertyType::DateTime => row
            .try_get::<_, Option<DateTime<Utc>>>(idx)?
            .map(Value::DateTime),
    }
    .unwrap_or(Value::Null))
}
