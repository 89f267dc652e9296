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
    let count: i64 = conn
        .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
        .ctx("counting features")?;
    if count == 0 {
        return Ok(None);
    }
    let bbox_crs84 = match envelope {
        Some(b) => {
            let b = transform_bbox(&b, Crs::Crs84)?;
            Some([b.min_x, b.min_y, b.max_x, b.max_y])
        }
        None => None,
    };
    let temporal = match &collection.temporal {
        Some(tp) => temporal_extent(conn, collection, &tp.start, tp.end.as_deref())?,
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

fn temporal_extent(
    conn: &Connection,
    collection: &Collection,
    start: &str,
    end: Option<&str>,
) -> Result<Option<[Option<DateTime<Utc>>; 2]>, StoreError> {
    let t = quote(&collection.id);
    let instant = |name: &str, agg: &str| -> Result<Option<DateTime<Utc>>, StoreError> {
        let Some(p) = collection.property(name) else {
            return Err(StoreError::Corrupt(format!(
                "collection '{}' names temporal property '{name}' but has no such property",
                collection.id
            )));
        };
        let sql = format!("SELECT {agg}({}) FROM {t}", quote(name));
        let v = conn
            .query_row(&sql, [], |r| r.get_ref(0).map(|v| from_sql(v, p.ty)))
            .ctx("computing the temporal extent")?
            .map_err(|e| StoreError::Corrupt(format!("collection '{}': {e}", collection.id)))?;
        Ok(match v {
            Value::DateTime(d) => Some(d),
            Value::Date(d) => d.and_hms_opt(0, 0, 0).map(|n| n.and_utc()),
            _ => None,
        })
    };
    let first = instant(start, "MIN")?;
    let last = match end {
        None => instant(start, "MAX")?,
        Some(end) => {
            let open: i64 = conn
                .query_row(
                    &format!("SELECT COUNT(*) FROM {t} WHERE {} IS NULL", quote(end)),
                    [],
                    |r| r.get(0),
                )
                .ctx("computing the temporal extent")?;
            if open > 0 { None } else { instant(end, "MAX")? }
        }
    };
    if first.is_none() && last.is_none() && end.is_none() {
        return Ok(None);
    }
    Ok(Some([first, last]))
}
