//! Builders of the reading statements: feature pages, counts, single features and extents.
//!
//! A [`Selection`] holds a query's selecting parts already prepared for SQL (box and spatial
//! literals in the storage CRS, see `segit_query::eval::prepare`); the builders here turn it into SQL with
//! bound values and never touch a database.

use chrono::{DateTime, Utc};
use segit_query::{
    BBox, Collection, DatetimeInterval, Filter, Property, PropertyType, QueryError, SortKey,
};
use segit_store::StoreError;

use crate::filter_sql::{bbox_sql, filter_sql, property_of};
use crate::params::{SqlBuilder, SqlParam};
use crate::sql::{GEOM_COLUMN, ID_COLUMN, has_geometry, qualified, quote_ident};

/// The selecting parts of a query, ready for SQL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// box in the storage CRS
    pub bbox: Option<BBox>,
    /// temporal selection
    pub datetime: Option<DatetimeInterval>,
    /// filter with spatial literals in the storage CRS
    pub filter: Option<Filter>,
}

/// What a feature page returns and in which order.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<'a> {
    /// properties to return, in output order
    pub properties: Vec<&'a Property>,
    /// return the geometry (as WKB)
    pub with_geometry: bool,
    /// sort keys before the id tie-breaker
    pub sort: &'a [SortKey],
    /// features to skip
    pub offset: u64,
    /// maximum number of features
    pub limit: Option<u64>,
}

/// The `WHERE` condition of a selection (`TRUE` when nothing is selected by it).
pub fn where_sql(
    selection: &Selection,
    collection: &Collection,
    b: &mut SqlBuilder,
) -> Result<String, StoreError> {
    let mut parts = Vec::new();
    if let Some(bbox) = &selection.bbox {
        parts.push(bbox_sql(bbox, collection, b)?);
    }
    if let Some(interval) = &selection.datetime {
        parts.push(datetime_sql(interval, collection, b)?);
    }
    if let Some(filter) = &selection.filter {
        parts.push(filter_sql(filter, collection, b)?);
    }
    Ok(if parts.is_empty() {
        "TRUE".to_owned()
    } else {
        parts.join(" AND ")
    })
}

/// A date or date-time column as an instant (dates at midnight UTC, as `segit_query::eval`).
fn instant_sql(p: &Property) -> Result<String, StoreError> {
    let col = quote_ident(&p.name);
    match p.ty {
        PropertyType::DateTime => Ok(col),
        PropertyType::Date => Ok(format!("({col}::timestamp AT TIME ZONE 'UTC')")),
        _ => Err(StoreError::Corrupt(format!(
            "temporal property '{}' is neither a date nor a date-time",
            p.name
        ))),
    }
}

/// The validity of a feature intersects `interval` (both ends inclusive); see
/// `segit_query::eval::datetime_matches`: the validity runs from the start property to the end
/// property (null end: open), or is the start instant when the collection has no end property;
/// a null start never matches.
pub fn datetime_sql(
    interval: &DatetimeInterval,
    collection: &Collection,
    b: &mut SqlBuilder,
) -> Result<String, StoreError> {
    let temporal = collection
        .temporal
        .as_ref()
        .ok_or_else(|| QueryError::NotTemporal(collection.id.clone()))?;
    let start = instant_sql(property_of(collection, &temporal.start)?)?;
    let end = match &temporal.end {
        Some(name) => Some(instant_sql(property_of(collection, name)?)?),
        None => None,
    };
    let mut parts = vec![format!("{start} IS NOT NULL")];
    if let Some(ie) = interval.end {
        parts.push(format!("{start} <= {}", bind_instant(ie, b)));
    }
    if let Some(is) = interval.start {
        let is = bind_instant(is, b);
        parts.push(match &end {
            Some(end) => format!("({end} IS NULL OR {end} >= {is})"),
            None => format!("{start} >= {is}"),
        });
    }
    Ok(format!("({})", parts.join(" AND ")))
}

fn bind_instant(t: DateTime<Utc>, b: &mut SqlBuilder) -> String {
    b.bind(SqlParam::DateTime(t))
}

/// `ORDER BY` of a page: sort keys (ascending nulls last, descending nulls first), then id.
pub fn order_sql(collection: &Collection, sort: &[SortKey]) -> Result<String, StoreError> {
    let mut keys = Vec::with_capacity(sort.len() + 1);
    for k in sort {
        let p = property_of(collection, &k.property)?;
        keys.push(format!(
            "{} {}",
            quote_ident(&p.name),
            if k.ascending {
                "ASC NULLS LAST"
            } else {
                "DESC NULLS FIRST"
            }
        ));
    }
    keys.push(format!("{} ASC", quote_ident(ID_COLUMN)));
    Ok(keys.join(", "))
}

/// Output columns: id, then the geometry as WKB (when asked and present), then properties.
pub fn columns_sql(
    collection: &Collection,
    properties: &[&Property],
    with_geometry: bool,
) -> String {
    let mut cols = vec![quote_ident(ID_COLUMN)];
    if with_geometry && has_geometry(collection) {
        cols.push(format!("ST_AsBinary({})", quote_ident(GEOM_COLUMN)));
    }
    cols.extend(properties.iter().map(|p| quote_ident(&p.name)));
    cols.join(", ")
}

/// The statement of one page of features.
pub fn select_page(
    schema: &str,
    collection: &Collection,
    selection: &Selection,
    page: &Page<'_>,
) -> Result<SqlBuilder, StoreError> {
    let mut b = SqlBuilder::default();
    let cond = where_sql(selection, collection, &mut b)?;
    let order = order_sql(collection, page.sort)?;
    b.text = format!(
        "SELECT {} FROM {} WHERE {cond} ORDER BY {order}",
        columns_sql(collection, &page.properties, page.with_geometry),
        qualified(schema, &collection.id)
    );
    if let Some(limit) = page.limit {
        let l = b.bind(SqlParam::Int(clamp_i64(limit)));
        b.push(" LIMIT ");
        b.push(&l);
    }
    if page.offset > 0 {
        let o = b.bind(SqlParam::Int(clamp_i64(page.offset)));
        b.push(" OFFSET ");
        b.push(&o);
    }
    Ok(b)
}

fn clamp_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The statement counting the features of a selection.
pub fn select_count(
    schema: &str,
    collection: &Collection,
    selection: &Selection,
) -> Result<SqlBuilder, StoreError> {
    let mut b = SqlBuilder::default();
    let cond = where_sql(selection, collection, &mut b)?;
    b.text = format!(
        "SELECT count(*) FROM {} WHERE {cond}",
        qualified(schema, &collection.id)
    );
    Ok(b)
}

/// The statement of one feature by id (`$1`).
pub fn select_one(
    schema: &str,
    collection: &Collection,
    properties: &[&Property],
    with_geometry: bool,
) -> String {
    format!(
        "SELECT {} FROM {} WHERE {} = $1::text",
        columns_sql(collection, properties, with_geometry),
        qualified(schema, &collection.id),
        quote_ident(ID_COLUMN)
    )
}

/// The statement of a collection's extent: envelope of the geometries (min x, min y, max x,
/// max y, null when there are none) in the storage CRS, then the temporal bounds as instants
/// (earliest start, latest end or start, whether any end is open), then the row count.
pub fn select_extent(schema: &str, collection: &Collection) -> Result<String, StoreError> {
    let mut cols = Vec::new();
    if has_geometry(collection) {
        cols.push("ST_XMin(e.b), ST_YMin(e.b), ST_XMax(e.b), ST_YMax(e.b)".to_owned());
    } else {
        cols.push(
            "NULL::double precision, NULL::double precision, NULL::double precision, NULL::double precision"
                .to_owned(),
        );
    }
    let mut inner = vec!["count(*) AS n".to_owned()];
    if has_geometry(collection) {
        inner.push(format!("ST_Extent({}) AS b", quote_ident(GEOM_COLUMN)));
    }
    if let Some(t) = &collection.temporal {
        let start = instant_sql(property_of(collection, &t.start)?)?;
        inner.push(format!("min({start}) AS t0"));
        if let Some(end) = &t.end {
            let end = instant_sql(property_of(collection, end)?)?;
            inner.push(format!("max({end}) AS t1"));
            // any null end leaves the extent open, as in the GeoPackage backend
            inner.push(format!("coalesce(bool_or({end} IS NULL), false) AS open"));
        } else {
            inner.push(format!("max({start}) AS t1"));
            inner.push("false AS open".to_owned());
        }
        cols.push("e.t0, e.t1, e.open".to_owned());
    } else {
        cols.push("NULL::timestamptz, NULL::timestamptz, false".to_owned());
    }
    cols.push("e.n".to_owned());
    Ok(format!(
        "SELECT {} FROM (SELECT {} FROM {}) AS e",
        cols.join(", "),
        inner.join(", "),
        qualified(schema, &collection.id)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use segit_query::{CmpOp, Crs, GeometryType, TemporalProperties, Value};

    fn coll() -> Collection {
        Collection {
            id: "imm".into(),
            title: String::new(),
            description: String::new(),
            keywords: vec![],
            geometry_type: GeometryType::Point,
            storage_crs: Crs::Epsg(7791),
            properties: vec![
                Property::new("nome", PropertyType::Text, "Nome"),
                Property::new("dal", PropertyType::Date, "Dal"),
                Property::new("al", PropertyType::DateTime, "Al"),
            ],
            temporal: Some(TemporalProperties {
                start: "dal".into(),
                end: Some("al".into()),
            }),
            extent: None,
        }
    }

    fn instant(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc3339")
            .with_timezone(&Utc)
    }

    #[test]
    fn pages_sort_then_break_ties_by_id_and_bind_paging() {
        let c = coll();
        let sort = [SortKey {
            property: "nome".into(),
            ascending: false,
        }];
        let page = Page {
            properties: vec![&c.properties[0]],
            with_geometry: true,
            sort: &sort,
            offset: 20,
            limit: Some(10),
        };
        let sel = Selection {
            filter: Some(Filter::Compare {
                property: "nome".into(),
                op: CmpOp::Eq,
                value: Value::from("x"),
            }),
            ..Selection::default()
        };
        let b = select_page("s", &c, &sel, &page).expect("builds");
        assert_eq!(
            b.text,
            "SELECT \"id\", ST_AsBinary(\"geom\"), \"nome\" FROM \"s\".\"imm\" \
             WHERE (\"nome\" = $1::text) ORDER BY \"nome\" DESC NULLS FIRST, \"id\" ASC \
             LIMIT $2::bigint OFFSET $3::bigint"
        );
        assert_eq!(
            b.params,
            vec![
                SqlParam::Text("x".into()),
                SqlParam::Int(10),
                SqlParam::Int(20)
            ]
        );
        let count = select_count("s", &c, &sel).expect("builds");
        assert_eq!(
            count.text,
            "SELECT count(*) FROM \"s\".\"imm\" WHERE (\"nome\" = $1::text)"
        );
    }

    #[test]
    fn no_selection_selects_everything_and_geometry_can_be_left_out() {
        let c = coll();
        let page = Page {
            properties: vec![],
            with_geometry: false,
            sort: &[],
            offset: 0,
            limit: None,
        };
        let b = select_page("s", &c, &Selection::default(), &page).expect("builds");
        assert_eq!(
            b.text,
            "SELECT \"id\" FROM \"s\".\"imm\" WHERE TRUE ORDER BY \"id\" ASC"
        );
        assert!(b.params.is_empty());
    }

    #[test]
    fn datetime_follows_the_reference_semantics() {
        let c = coll();
        let mut b = SqlBuilder::default();
        let interval = DatetimeInterval {
            start: Some(instant("2020-01-01T00:00:00Z")),
            end: Some(instant("2020-12-31T00:00:00Z")),
        };
        let sql = datetime_sql(&interval, &c, &mut b).expect("builds");
        assert_eq!(
            sql,
            "((\"dal\"::timestamp AT TIME ZONE 'UTC') IS NOT NULL AND \
             (\"dal\"::timestamp AT TIME ZONE 'UTC') <= $1::timestamptz AND \
             (\"al\" IS NULL OR \"al\" >= $2::timestamptz))"
        );
        let mut instants = c.clone();
        instants.temporal = Some(TemporalProperties {
            start: "al".into(),
            end: None,
        });
        let open = DatetimeInterval {
            start: Some(instant("2020-01-01T00:00:00Z")),
            end: None,
        };
        let sql = datetime_sql(&open, &instants, &mut SqlBuilder::default()).expect("builds");
        assert_eq!(sql, "(\"al\" IS NOT NULL AND \"al\" >= $1::timestamptz)");
        let mut plain = c;
        plain.temporal = None;
        assert!(matches!(
            datetime_sql(&open, &plain, &mut SqlBuilder::default()),
            Err(StoreError::Query(QueryError::NotTemporal(_)))
        ));
    }

    #[test]
    fn unknown_sort_keys_are_query_errors() {
        let sort = [SortKey {
            property: "nope".into(),
            ascending: true,
        }];
        assert!(matches!(
            order_sql(&coll(), &sort),
            Err(StoreError::Query(QueryError::UnknownProperty { .. }))
        ));
    }

    #[test]
    fn single_features_and_extents() {
        let c = coll();
        assert_eq!(
            select_one("s", &c, &[&c.properties[1]], false),
            "SELECT \"id\", \"dal\" FROM \"s\".\"imm\" WHERE \"id\" = $1::text"
        );
        let e = select_extent("s", &c).expect("builds");
        assert!(e.starts_with("SELECT ST_XMin(e.b)"));
        assert!(e.contains("ST_Extent(\"geom\") AS b"));
        assert!(e.contains("max(\"al\") AS t1"));
    }
}
