//! Extents computed from a collection's rows, with the same rules as the GeoPackage backend:
//! `None` for an empty collection; the envelope of the geometries in the storage CRS
//! transformed to CRS84 in Rust ([`transform_bbox`]); the temporal extent from the earliest start
//! to the latest end (open when any end is null), or to the latest start for instants.

use chrono::{DateTime, Utc};
use segit_query::crs::transform_bbox;
use segit_query::{BBox, Collection, Crs, Extent};
use segit_store::StoreError;
use tokio_postgres::GenericClient;

use crate::error::pg_error;
use crate::select::select_extent;

/// The extent of `collection` in `schema`, from its current rows as `client` sees them.
pub async fn compute_extent(
    client: &impl GenericClient,
    schema: &str,
    collection: &Collection,
) -> Result<Option<Extent>, StoreError> {
    let sql = select_extent(schema, collection)?;
    let row = client
        .query_one(&sql, &[])
        .await
        .map_err(|e| pg_error(&e, "computing an extent", schema))?;
    let get_err = |e: tokio_postgres::Error| pg_error(&e, "computing an extent", schema);
    let envelope: [Option<f64>; 4] = [
        row.try_get(0).map_err(get_err)?,
        row.try_get(1).map_err(get_err)?,
        row.try_get(2).map_err(get_err)?,
        row.try_get(3).map_err(get_err)?,
    ];
    let first: Option<DateTime<Utc>> = row.try_get(4).map_err(get_err)?;
    let last: Option<DateTime<Utc>> = row.try_get(5).map_err(get_err)?;
    let open: bool = row.try_get(6).map_err(get_err)?;
    let count: i64 = row.try_get(7).map_err(get_err)?;
    extent_from(collection, count, envelope, first, last, open)
}

/// Assembles an extent from the aggregates of [`select_extent`].
pub fn extent_from(
    collection: &Collection,
    count: i64,
    envelope: [Option<f64>; 4],
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    open: bool,
) -> Result<Option<Extent>, StoreError> {
    if count == 0 {
        return Ok(None);
    }
    let bbox_crs84 = match envelope {
        [Some(a), Some(b), Some(c), Some(d)] => {
            let stored = BBox::new(a, b, c, d, collection.storage_crs)
                .map_err(|e| StoreError::Corrupt(format!("collection '{}': {e}", collection.id)))?;
            let b = transform_bbox(&stored, Crs::Crs84)?;
            Some([b.min_x, b.min_y, b.max_x, b.max_y])
        }
        _ => None,
    };
    let temporal = match &collection.temporal {
        None => None,
        Some(t) => {
            let last = if t.end.is_some() && open { None } else { last };
            if first.is_none() && last.is_none() && t.end.is_none() {
                None
            } else {
                Some([first, last])
            }
        }
    };
    Ok(Some(Extent {
        bbox_crs84,
        temporal,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use segit_query::{GeometryType, Property, PropertyType, TemporalProperties};

    fn coll(end: Option<&str>) -> Collection {
        Collection {
            id: "c".into(),
            title: String::new(),
            description: String::new(),
            keywords: vec![],
            geometry_type: GeometryType::Point,
            storage_crs: Crs::Epsg(7791),
            properties: vec![
                Property::new("dal", PropertyType::Date, "Dal"),
                Property::new("al", PropertyType::Date, "Al"),
            ],
            temporal: Some(TemporalProperties {
                start: "dal".into(),
                end: end.map(str::to_owned),
            }),
            extent: None,
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc3339")
            .with_timezone(&Utc)
    }

    #[test]
    fn empty_collections_have_no_extent() {
        let e = extent_from(&coll(None), 0, [None; 4], None, None, false).expect("ok");
        assert_eq!(e, None);
    }

    #[test]
    fn envelopes_go_to_crs84_and_open_ends_stay_open() {
        let env = [
            Some(500_000.0),
            Some(5_000_000.0),
            Some(510_000.0),
            Some(5_010_000.0),
        ];
        let e = extent_from(
            &coll(Some("al")),
            3,
            env,
            Some(t("2020-01-01T00:00:00Z")),
            Some(t("2021-01-01T00:00:00Z")),
            true,
        )
        .expect("ok")
        .expect("some");
        let b = e.bbox_crs84.expect("bbox");
        assert!((b[0] - 9.0).abs() < 0.01 && b[1] > 45.0 && b[1] < 45.2);
        assert_eq!(e.temporal, Some([Some(t("2020-01-01T00:00:00Z")), None]));
        let closed = extent_from(
            &coll(Some("al")),
            3,
            [None; 4],
            Some(t("2020-01-01T00:00:00Z")),
            Some(t("2021-01-01T00:00:00Z")),
            false,
        )
        .expect("ok")
        .expect("some");
        assert_eq!(closed.bbox_crs84, None);
        assert_eq!(
            closed.temporal,
            Some([
                Some(t("2020-01-01T00:00:00Z")),
                Some(t("2021-01-01T00:00:00Z"))
            ])
        );
        let instants = extent_from(&coll(None), 1, [None; 4], None, None, false)
            .expect("ok")
            .expect("some");
        assert_eq!(instants.temporal, None);
    }
}
