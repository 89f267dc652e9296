//! Rows for binary `COPY` into collection tables: values checked against the collection's schema
//! and geometries encoded as EWKB (WKB with the SRID, which PostGIS's binary input reads).

use std::error::Error;

use bytes::BytesMut;
use geo_types::Geometry;
use postgres_types::{IsNull, ToSql, Type, to_sql_checked};
use segit_query::wkb::to_wkb;
use segit_query::{Collection, Feature, GeometryType, QueryError, Value};
use segit_store::StoreError;

use crate::params::SqlParam;
use crate::sql::has_geometry;

/// One cell of a `COPY` row.
#[derive(Debug, Clone, PartialEq)]
pub enum CopyValue {
    /// SQL NULL (any column)
    Null,
    /// a property value or the id
    Param(SqlParam),
    /// a geometry as EWKB (geometry column only)
    Ewkb(Vec<u8>),
}

impl ToSql for CopyValue {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            CopyValue::Null => Ok(IsNull::Yes),
            CopyValue::Param(p) => p.to_sql_checked(ty, out),
            CopyValue::Ewkb(bytes) => {
                if ty.name() != "geometry" {
                    return Err(format!("a geometry cannot be written to a {ty} column").into());
                }
                out.extend_from_slice(bytes);
                Ok(IsNull::No)
            }
        }
    }

    fn accepts(_ty: &Type) -> bool {
        // each variant checks its column type in `to_sql`
        true
    }

    to_sql_checked!();
}

/// Encodes `g` as little-endian EWKB carrying `srid` in its outermost header.
pub fn ewkb(g: &Geometry<f64>, srid: u32) -> Vec<u8> {
    let mut wkb = Vec::new();
    to_wkb(g, &mut wkb);
    // to_wkb writes byte order (1 = little endian), a u32 type code, then the body
    let mut out = Vec::with_capacity(wkb.len() + 4);
    out.push(wkb[0]);
    let code = u32::from_le_bytes([wkb[1], wkb[2], wkb[3], wkb[4]]) | 0x2000_0000;
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&srid.to_le_bytes());
    out.extend_from_slice(&wkb[5..]);
    out
}

/// Whether a geometry may be stored in a collection of type `ty`.
fn geometry_fits(ty: GeometryType, g: &Geometry<f64>) -> bool {
    match ty {
        GeometryType::Geometry => true,
        GeometryType::None => false,
        GeometryType::Point => matches!(g, Geometry::Point(_)),
        GeometryType::LineString => matches!(g, Geometry::LineString(_) | Geometry::Line(_)),
        GeometryType::Polygon => {
            matches!(
                g,
                Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_)
            )
        }
        GeometryType::MultiPoint => matches!(g, Geometry::MultiPoint(_)),
        GeometryType::MultiLineString => matches!(g, Geometry::MultiLineString(_)),
        GeometryType::MultiPolygon => matches!(g, Geometry::MultiPolygon(_)),
    }
}

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

/// The cells of `feature` in the column order of [`crate::sql::copy_in`]: id, geometry (when
/// the collection has one), properties in schema order (missing ones null).
///
/// Fails on properties the collection does not have, values that do not fit their property's
/// type, missing required values, text containing NUL, and geometries of another type.
pub fn copy_row(collection: &Collection, feature: Feature) -> Result<Vec<CopyValue>, StoreError> {
    let Feature {
        id,
        geometry,
        properties,
    } = feature;
    if id.contains('\0') {
        return Err(StoreError::Query(QueryError::InvalidValue {
            property: "id".into(),
            reason: format!(
                "collection '{}': feature id '{}' contains NUL",
                collection.id,
                id.escape_default()
            ),
        }));
    }
    // each value in the slot of its property; properties usually come in schema order, so a
    // property's position is tried first (an empty name is the property at that position)
    let mut slots = vec![Value::Null; collection.properties.len()];
    for (k, (name, value)) in properties.into_iter().enumerate() {
        let at = collection
            .properties
            .get(k)
            .filter(|p| name.is_empty() || p.name == name)
            .map(|_| k)
            .or_else(|| {
                collection
                    .properties
                    .iter()
                    .position(|p| !name.is_empty() && p.name == name)
            });
        let Some(i) = at else {
            return Err(QueryError::UnknownProperty {
                collection: collection.id.clone(),
                property: if name.is_empty() {
                    format!("(unnamed, at position {})", k + 1)
                } else {
                    name
                },
            }
            .into());
        };
        slots[i] = value;
    }
    let mut row = Vec::with_capacity(collection.properties.len() + 2);
    if has_geometry(collection) {
        match geometry {
            None => row.push(CopyValue::Null),
            Some(g) => {
                if !geometry_fits(collection.geometry_type, &g) {
                    return Err(StoreError::Conflict(format!(
                        "collection '{}' stores {} geometries, feature '{id}' has a {}",
                        collection.id,
                        collection.geometry_type.ogc_name(),
                        geometry_name(&g)
                    )));
                }
                row.push(CopyValue::Ewkb(ewkb(&g, collection.storage_crs.srid())));
            }
        }
    } else if geometry.is_some() {
        return Err(StoreError::Conflict(format!(
            "collection '{}' has no geometry, feature '{id}' has one",
            collection.id
        )));
    }
    let mut cells = Vec::with_capacity(collection.properties.len());
    for (p, value) in collection.properties.iter().zip(slots) {
        let value = value.coerce(p.ty).map_err(|reason| {
            StoreError::Query(QueryError::InvalidValue {
                property: p.name.clone(),
                reason: format!("feature '{id}': {reason}"),
            })
        })?;
        if value.is_null() && !p.nullable {
            return Err(StoreError::Conflict(format!(
                "collection '{}', feature '{id}': property '{}' is required",
                collection.id, p.name
            )));
        }
        if matches!(&value, Value::Text(t) if t.contains('\0')) {
            return Err(StoreError::Query(QueryError::InvalidValue {
                property: p.name.clone(),
                reason: format!("feature '{id}': text contains NUL, which PostgreSQL cannot store"),
            }));
        }
        cells.push(SqlParam::from_value(&value).map_or(CopyValue::Null, CopyValue::Param));
    }
    let mut out = vec![CopyValue::Param(SqlParam::Text(id))];
    out.extend(row);
    out.extend(cells);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{point, polygon};
    use segit_query::{Crs, Property, PropertyType};

    fn coll() -> Collection {
        Collection {
            id: "c".into(),
            title: String::new(),
            description: String::new(),
            keywords: vec![],
            geometry_type: GeometryType::Point,
            storage_crs: Crs::Epsg(7791),
            properties: vec![
                Property::new("n", PropertyType::Number, "N"),
                Property::new("t", PropertyType::Text, "T").required(),
            ],
            temporal: None,
            extent: None,
        }
    }

    fn feature(props: Vec<(&str, Value)>) -> Feature {
        Feature {
            id: "f1".into(),
            geometry: Some(Geometry::Point(point!(x: 1.0, y: 2.0))),
            properties: props.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
        }
    }

    #[test]
    fn ewkb_carries_the_srid() {
        let g = Geometry::Point(point!(x: 1.0, y: 2.0));
        let e = ewkb(&g, 7791);
        assert_eq!(e.len(), 25);
        assert_eq!(e[0], 1);
        assert_eq!(u32::from_le_bytes([e[1], e[2], e[3], e[4]]), 0x2000_0001);
        assert_eq!(u32::from_le_bytes([e[5], e[6], e[7], e[8]]), 7791);
        let back = segit_query::wkb::from_wkb(&e).expect("reads EWKB");
        assert_eq!(back, g);
    }

    #[test]
    fn rows_follow_the_schema_and_coerce_values() {
        let row = copy_row(
            &coll(),
            feature(vec![("t", "x".into()), ("n", Value::Int(2))]),
        )
        .expect("valid");
        assert_eq!(row.len(), 4);
        assert_eq!(row[0], CopyValue::Param(SqlParam::Text("f1".into())));
        assert!(matches!(row[1], CopyValue::Ewkb(_)));
        assert_eq!(row[2], CopyValue::Param(SqlParam::Float(2.0)));
        assert_eq!(row[3], CopyValue::Param(SqlParam::Text("x".into())));
    }

    #[test]
    fn rows_in_schema_order_equal_rows_in_any_order() {
        let ordered = copy_row(
            &coll(),
            feature(vec![("n", Value::Int(2)), ("t", "x".into())]),
        )
        .expect("valid");
        let shuffled = copy_row(
            &coll(),
            feature(vec![("t", "x".into()), ("n", Value::Int(2))]),
        )
        .expect("valid");
        assert_eq!(ordered, shuffled);
        // in order, values are still checked
        assert!(
            copy_row(
                &coll(),
                feature(vec![("n", "abc".into()), ("t", "x".into())])
            )
            .is_err()
        );
        assert!(matches!(
            copy_row(&coll(), feature(vec![("n", Value::Int(1)), ("t", Value::Null)])),
            Err(StoreError::Conflict(m)) if m.contains("required")
        ));
    }

    #[test]
    fn rows_reject_what_cannot_be_stored() {
        assert!(matches!(
            copy_row(
                &coll(),
                feature(vec![("t", "x".into()), ("zz", Value::Int(1))])
            ),
            Err(StoreError::Query(QueryError::UnknownProperty { .. }))
        ));
        assert!(matches!(
            copy_row(&coll(), feature(vec![])),
            Err(StoreError::Conflict(m)) if m.contains("required")
        ));
        assert!(copy_row(&coll(), feature(vec![("t", "a\0b".into())])).is_err());
        assert!(
            copy_row(
                &coll(),
                feature(vec![("t", "x".into()), ("n", "abc".into())])
            )
            .is_err()
        );
        let mut wrong = feature(vec![("t", "x".into())]);
        wrong.geometry = Some(Geometry::Polygon(polygon![
            (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)
        ]));
        assert!(matches!(
            copy_row(&coll(), wrong),
            Err(StoreError::Conflict(_))
        ));
    }

    #[test]
    fn geometry_cells_only_go_to_geometry_columns() {
        let mut out = BytesMut::new();
        let cell = CopyValue::Ewkb(vec![1, 2]);
        assert!(cell.to_sql_checked(&Type::TEXT, &mut out).is_err());
        assert!(matches!(
            CopyValue::Null.to_sql_checked(&Type::INT8, &mut out),
            Ok(IsNull::Yes)
        ));
    }
}
