//! Reading the catalog (`segit_collections`) and computing collection extents from the data.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use segit_query::{BBox, Catalog, Collection, Crs, Extent, QueryError, Value, transform_bbox};
use segit_store::StoreError;

use crate::error::SqlContext;
use crate::schema::GEOM;
use crate::sql::{from_sql, has_geometry, quote};

fn parse(id: &str, json: &str) -> Result<Collection, StoreError> {
    serde_json::from_str(json).map_err(|e| {
        StoreError::Corrupt(format!(
            "the catalog entry of collection '{id}' is invalid: {e}"
        ))
    })
}

/// Every collection, in publication order.
pub(crate) fn read_catalog(conn: &Connection) -> Result<Catalog, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, definition FROM segit_collections ORDER BY position, id")
        .ctx("reading the catalog")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .ctx("reading the catalog")?;
    let mut collections = Vec::new();
    for row in rows {
        let (id, json) = row.ctx("reading the catalog")?;
        collections.push(parse(&id, &json)?);
    }
    Ok(Catalog { collections })
}

/// The collection `id`, or `QueryError::UnknownCollection`.
pub(crate) fn read_collection(conn: &Connection, id: &str) -> Result<Collection, StoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT definition FROM segit_collections WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .ctx("reading the catalog")?;
    match json {
        Some(json) => parse(id, &json),
        None => Err(QueryError::UnknownCollection(id.to_owned()).into()),
    }
}

/// The extent of `collection` computed from its rows: the exact envelope of the geometries
/// (from the GeoPackage headers) in CRS84, and the temporal extent from its temporal
/// properties. `None` when the collection has no features.
pub(crate) fn compute_extent(
    conn: &Connection,
    collection: &Collection,
) -> Result<Option<Extent>, StoreError> {
    let envelope = storage_envelope(conn, collection)?;
    extent_with_envelope(conn, collection, envelope)
}

/// [`compute_extent`] with the envelope of the geometries in the storage CRS already known.
pub(crate) fn extent_with_envelope(
    conn: &Connection,
    collection: &Collection,
    envelope: Option<BBox>,
) -> Result<Option<Extent>, StoreError> {
    let t = quote(&collection.id);
    // the count and the temporal aggregates in one scan of the table
    let property = |name: &str| {
        collection.property(name).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "collection '{}' names temporal property '{name}' but has no such property",
                collection.id
            ))
        })
    };
    let temporal = match &collection.temporal {
        Some(tp) => Some((
            property(&tp.start)?,
            tp.end.as_deref().map(property).transpose()?,
        )),
        None => None,
    };
    let aggregates = match temporal {
        None => String::new(),
        Some((start, None)) => {
            let s = quote(&start.name);
            format!(", MIN({s}), MAX({s})")
        }
        Some((start, Some(end))) => {
            let (s, e) = (quote(&start.name), quote(&end.name));
            format!(", MIN({s}), MAX({e}), COUNT(*) - COUNT({e})")
        }
    };
    let instant = |v: Value| match v {
        Value::DateTime(d) => Some(d),
        Value::Date(d) => d.and_hms_opt(0, 0, 0).map(|n| n.and_utc()),
        _ => None,
    };
    let corrupt = |e: String| StoreError::Corrupt(format!("collection '{}': {e}", collection.id));
    let columns = match temporal {
        None => 1,
        Some((_, None)) => 3,
        Some((_, Some(_))) => 4,
    };
    let row: Vec<rusqlite::types::Value> = conn
        .query_row(&format!("SELECT COUNT(*){aggregates} FROM {t}"), [], |r| {
            (0..columns).map(|i| r.get(i)).collect()
        })
        .ctx("computing the extent")?;
    let count = match row.first() {
        Some(rusqlite::types::Value::Integer(n)) => *n,
        _ => 0,
    };
    if count == 0 {
        return Ok(None);
    }
    let at =
        |i: usize, ty: segit_query::PropertyType| -> Result<Option<DateTime<Utc>>, StoreError> {
            let v = row
                .get(i)
                .map_or(rusqlite::types::ValueRef::Null, Into::into);
            Ok(instant(from_sql(v, ty).map_err(corrupt)?))
        };
    let temporal = match temporal {
        None => None,
        Some((start, end)) => {
            let first = at(1, start.ty)?;
            let last = match end {
                None => at(2, start.ty)?,
                Some(end) => match row.get(3) {
                    Some(rusqlite::types::Value::Integer(open)) if *open > 0 => None,
                    _ => at(2, end.ty)?,
                },
            };
            if first.is_none() && last.is_none() && end.is_none() {
                None
            } else {
                Some([first, last])
            }
        }
    };
    extent_from_parts(envelope, temporal)
}

/// The extent of a collection with features, from the envelope of its geometries in the
/// storage CRS and its temporal interval.
pub(crate) fn extent_from_parts(
    envelope: Option<BBox>,
    temporal: Option<[Option<DateTime<Utc>>; 2]>,
) -> Result<Option<Extent>, StoreError> {
    let bbox_crs84 = match envelope {
        Some(b) => {
            let b = transform_bbox(&b, Crs::Crs84)?;
            Some([b.min_x, b.min_y, b.max_x, b.max_y])
        }
        None => None,
    };
    Ok(Some(Extent {
        bbox_crs84,
        temporal,
    }))
}

/// The envelope of all geometries in the storage CRS (`None` without geometries).
pub(crate) fn storage_envelope(
    conn: &Connection,
    collection: &Collection,
) -> Result<Option<BBox>, StoreError> {
    if !has_geometry(collection) {
        return Ok(None);
    }
    let t = quote(&collection.id);
    let sql = format!(
        "SELECT MIN(ST_MinX({GEOM})), MIN(ST_MinY({GEOM})), MAX(ST_MaxX({GEOM})), \
         MAX(ST_MaxY({GEOM})) FROM {t} WHERE {GEOM} IS NOT NULL"
    );
    let env: [Option<f64>; 4] = conn
        .query_row(&sql, [], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
        })
        .ctx("computing the extent")?;
    match env {
        [Some(min_x), Some(min_y), Some(max_x), Some(max_y)] => {
            BBox::new(min_x, min_y, max_x, max_y, collection.storage_crs)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("collection '{}': {e}", collection.id)))
        }
        _ => Ok(None),
    }
}
