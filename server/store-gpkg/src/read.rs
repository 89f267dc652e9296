//! Answering feature queries from a read connection.
//!
//! A [`Plan`] is built once per query: the R*Tree prefilter box (from the query's bbox and the
//! top-level spatial conjuncts of the filter, in the storage CRS), the residual filter evaluated
//! exactly with the reference semantics, the projection and the output transformation. Without
//! a residual filter, counting and paging are done by SQL (`COUNT(*)`, `LIMIT`/`OFFSET`);
//! otherwise rows are scanned in order, evaluated, counted and paged here.

use geo::BoundingRect;
use rusqlite::{Connection, Row};
use segit_query::eval::{datetime_matches, evaluate, prepare};
use segit_query::{
    BBox, Collection, DatetimeInterval, Feature, FeatureQuery, Filter, SpatialOp,
    TemporalProperties, Transformer, transform_bbox,
};
use segit_store::StoreError;

use crate::error::SqlContext;
use crate::schema::GEOM;
use crate::sql::{from_sql, has_geometry, order_by, quote};

/// How one query is answered.
#[derive(Debug)]
pub(crate) struct Plan {
    /// the collection asked for
    pub collection: Collection,
    /// prefilter box in the storage CRS, from the R*Tree
    rtree_box: Option<BBox>,
    /// exact selection in the storage CRS (bbox and filter)
    residual: Option<Filter>,
    /// temporal selection
    datetime: Option<(DatetimeInterval, TemporalProperties)>,
    /// `ORDER BY` text
    order: String,
    /// the query has sort keys (beyond the id)
    sorted: bool,
    offset: u64,
    limit: Option<u64>,
    /// what is returned
    output: Output,
    /// properties the residual filter and the datetime test read (indices)
    eval_props: Vec<usize>,
    /// whether the residual filter reads the geometry
    eval_geom: bool,
}

/// Shape of the returned features.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    /// indices of the returned properties, in schema order
    props: Vec<usize>,
    /// geometries are returned
    with_geometry: bool,
    /// properties are returned with their names
    names: bool,
    /// storage → output CRS (`None` when the numbers do not change)
    transformer: Option<Transformer>,
}

impl Output {
    /// All properties, with geometry, in `crs`.
    pub(crate) fn full(collection: &Collection, crs: segit_query::Crs) -> Result<Self, StoreError> {
        let t = Transformer::new(collection.storage_crs, crs)?;
        Ok(Self {
            props: (0..collection.properties.len()).collect(),
            with_geometry: has_geometry(collection),
            names: true,
            transformer: (!t.is_identity()).then_some(t),
        })
    }
}

fn has_spatial(filter: &Filter) -> bool {
    match filter {
        Filter::And(v) | Filter::Or(v) => v.iter().any(has_spatial),
        Filter::Not(f) => has_spatial(f),
        Filter::Spatial { .. } | Filter::BBox(_) => true,
        _ => false,
    }
}

/// The box that every selected feature's envelope must intersect, from the top-level
/// conjuncts of a prepared filter (bbox, intersects, within, contains).
fn prefilter_box(filter: &Filter) -> Option<BBox> {
    let conjuncts: &[Filter] = match filter {
        Filter::And(v) => v,
        f => std::slice::from_ref(f),
    };
    let mut acc: Option<BBox> = None;
    for f in conjuncts {
        let b = match f {
            Filter::BBox(b) => Some(*b),
            Filter::Spatial {
                op: SpatialOp::Intersects | SpatialOp::Within | SpatialOp::Contains,
                geometry,
                crs,
            } => geometry.bounding_rect().map(|r| BBox {
                min_x: r.min().x,
                min_y: r.min().y,
                max_x: r.max().x,
                max_y: r.max().y,
                crs: *crs,
            }),
            _ => None,
        };
        if let Some(b) = b {
            acc = Some(match acc {
                None => b,
                Some(a) => BBox {
                    min_x: a.min_x.max(b.min_x),
                    min_y: a.min_y.max(b.min_y),
                    max_x: a.max_x.min(b.max_x),
                    max_y: a.max_y.min(b.max_y),
                    crs: a.crs,
                },
            });
        }
    }
    acc
}

impl Plan {
    /// Plans `query` over `collection` (the query was validated by the caller).
    pub(crate) fn new(query: &FeatureQuery, collection: Collection) -> Result<Self, StoreError> {
        let storage = collection.storage_crs;
        let mut residual = match &query.filter {
            Some(f) => Some(prepare(f.clone(), storage)?),
            None => None,
        };
        if let Some(b) = &query.bbox {
            let b = Filter::BBox(transform_bbox(b, storage)?);
            residual = Some(match residual {
                Some(f) => b.and(f),
                None => b,
            });
        }
        let rtree_box = match &residual {
            Some(f) if has_geometry(&collection) => prefilter_box(f),
            _ => None,
        };
        let datetime = match (query.datetime, &collection.temporal) {
            (Some(i), Some(tp)) => Some((i, tp.clone())),
            (Some(_), None) => {
                return Err(segit_query::QueryError::NotTemporal(collection.id.clone()).into());
            }
            _ => None,
        };
        let index = |name: &str| collection.properties.iter().position(|p| p.name == name);
        let mut eval_props: Vec<usize> = Vec::new();
        if let Some(f) = &residual {
            eval_props.extend(f.properties().into_iter().filter_map(index));
        }
        if let Some((_, tp)) = &datetime {
            eval_props.extend(index(&tp.start));
            eval_props.extend(tp.end.as_deref().and_then(index));
        }
        eval_props.sort_unstable();
        eval_props.dedup();
        let props = match &query.properties {
            None => (0..collection.properties.len()).collect(),
            Some(names) => (0..collection.properties.len())
                .filter(|&i| names.iter().any(|n| *n == collection.properties[i].name))
                .collect(),
        };
        let transformer = Transformer::new(storage, query.output_crs)?;
        let output = Output {
            props,
            with_geometry: query.with_geometry && has_geometry(&collection),
            names: query.property_names,
            transformer: (!transformer.is_identity()).then_some(transformer),
        };
        Ok(Self {
            eval_geom: residual.as_ref().is_some_and(has_spatial) && has_geometry(&collection),
            order: order_by(&query.sort, "t"),
            sorted: !query.sort.is_empty(),
            collection,
            rtree_box,
            residual,
            datetime,
            offset: query.offset,
            limit: query.limit,
            output,
            eval_props,
        })
    }

    /// Whether every selected row is selected by SQL alone (no per-row evaluation).
    fn sql_only(&self) -> bool {
        self.residual.is_none() && self.datetime.is_none()
    }

    /// `FROM` clause (the table as `t`, joined to its R*Tree when prefiltering) and parameters.
    fn source_clause(&self) -> (String, Vec<f64>) {
        let t = quote(&self.collection.id);
        match &self.rtree_box {
            Some(b) => {
                let r = quote(&format!("rtree_{}_{GEOM}", self.collection.id));
                (
                    format!(
                        "{r} AS r CROSS JOIN {t} AS t ON t.fid = r.id WHERE r.minx <= ?1 AND \
                         r.maxx >= ?2 AND r.miny <= ?3 AND r.maxy >= ?4"
                    ),
                    vec![b.max_x, b.min_x, b.max_y, b.min_y],
                )
            }
            None => (format!("{t} AS t"), Vec::new()),
        }
    }

    fn select(&self) -> String {
        let (from, _) = self.source_clause();
        format!("SELECT {} FROM {from} {}", self.columns(), self.order)
    }

    /// The selected columns of `t`: id, geometry when present, every property; a column
    /// neither returned nor read by the per-row tests is selected as `NULL`, so SQLite does
    /// not extract it (positions stay those of the schema).
    fn columns(&self) -> String {
        let mut cols = vec!["t.id".to_owned()];
        if has_geometry(&self.collection) {
            cols.push(if self.output.with_geometry || self.eval_geom {
                format!("t.{GEOM}")
            } else {
                "NULL".to_owned()
            });
        }
        cols.extend(self.collection.properties.iter().enumerate().map(|(i, p)| {
            if self.output.props.contains(&i) || self.eval_props.contains(&i) {
                format!("t.{}", quote(&p.name))
            } else {
                "NULL".to_owned()
            }
        }));
        cols.join(", ")
    }

    /// Runs the plan, handing each returned feature to `emit` (which returns `false` when the
    /// consumer has gone, ending the scan); returns the number of features matched before
    /// paging.
    pub(crate) fn run(
        &self,
        conn: &Connection,
        mut emit: impl FnMut(Feature) -> bool,
    ) -> Result<u64, StoreError> {
        self.scan(conn, Some(&mut emit))
    }

    /// Number of matching features.
    pub(crate) fn count(&self, conn: &Connection) -> Result<u64, StoreError> {
        self.scan(conn, None)
    }

    fn scan(
        &self,
        conn: &Connection,
        mut emit: Option<&mut dyn FnMut(Feature) -> bool>,
    ) -> Result<u64, StoreError> {
        if self.sql_only() {
            let matched = self.count_sql(conn)?;
            let Some(emit) = emit else {
                return Ok(matched);
            };
            if self.limit == Some(0) || self.offset >= matched {
                return Ok(matched);
            }
            let offset = i64::try_from(self.offset).unwrap_or(i64::MAX);
            let limit = self
                .limit
                .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
            let sql = if self.sorted {
                // Sort only keys and row ids, then read the page's rows: the sorter then
                // carries no geometries.
                let t = quote(&self.collection.id);
                format!(
                    "SELECT {} FROM (SELECT t.fid AS page_fid FROM {t} AS t {order} LIMIT {limit} \
                     OFFSET {offset}) AS page CROSS JOIN {t} AS t ON t.fid = page.page_fid {order}",
                    self.columns(),
                    order = self.order
                )
            } else {
                format!("{} LIMIT {limit} OFFSET {offset}", self.select())
            };
            let mut stmt = conn.prepare_cached(&sql).ctx("reading features")?;
            let mut rows = stmt.query([]).ctx("reading features")?;
            while let Some(row) = rows.next().ctx("reading features")? {
                let f = self.decode_output(row, self.output.with_geometry)?;
                if !emit(self.finish(f)?) {
                    break;
                }
            }
            return Ok(matched);
        }
        let (_, params) = self.source_clause();
        let mut stmt = conn
            .prepare_cached(&self.select())
            .ctx("reading features")?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .ctx("reading features")?;
        let mut matched: u64 = 0;
        let mut returned: u64 = 0;
        while let Some(row) = rows.next().ctx("reading features")? {
            let probe = self.decode(row, &self.eval_props, self.eval_geom)?;
            if !self.selects(&probe) {
                continue;
            }
            matched += 1;
            let Some(emit) = emit.as_mut() else {
                continue;
            };
            if matched > self.offset && self.limit.is_none_or(|l| returned < l) {
                let mut f = self.decode_output(row, false)?;
                if self.output.with_geometry {
                    f.geometry = match probe.geometry {
                        Some(g) => Some(g),
                        None => self.decode_geometry(row)?,
                    };
                }
                returned += 1;
                if !emit(self.finish(f)?) {
                    break;
                }
            }
        }
        Ok(matched)
    }

    fn count_sql(&self, conn: &Connection) -> Result<u64, StoreError> {
        let (from, params) = self.source_clause();
        let n: i64 = conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM {from}"))
            .and_then(|mut s| s.query_row(rusqlite::params_from_iter(params), |r| r.get(0)))
            .ctx("counting features")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn selects(&self, f: &Feature) -> bool {
        self.residual
            .as_ref()
            .is_none_or(|r| evaluate(r, f) == Some(true))
            && self
                .datetime
                .as_ref()
                .is_none_or(|(i, tp)| datetime_matches(i, tp, f))
    }

    fn decode_geometry(
        &self,
        row: &Row<'_>,
    ) -> Result<Option<geo_types::Geometry<f64>>, StoreError> {
        decode_geometry(&self.collection, row)
    }

    /// A feature with the properties `props` (named: the residual filter reads them).
    fn decode(
        &self,
        row: &Row<'_>,
        props: &[usize],
        geometry: bool,
    ) -> Result<Feature, StoreError> {
        decode_row(&self.collection, row, props, geometry, true)
    }

    /// A returned feature: the output's properties, named as the query asks.
    fn decode_output(&self, row: &Row<'_>, geometry: bool) -> Result<Feature, StoreError> {
        decode_row(
            &self.collection,
            row,
            &self.output.props,
            geometry,
            self.output.names,
        )
    }

    /// Applies the output transformation.
    fn finish(&self, mut f: Feature) -> Result<Feature, StoreError> {
        finish(&self.output, &mut f)?;
        Ok(f)
    }
}

/// Transforms a decoded feature's geometry to the output CRS.
pub(crate) fn finish(output: &Output, f: &mut Feature) -> Result<(), StoreError> {
    if let (Some(t), Some(g)) = (&output.transformer, f.geometry.as_mut()) {
        t.transform_geometry(g)?;
    }
    Ok(())
}

/// Decodes the geometry column (index 1) of a row.
fn decode_geometry(
    collection: &Collection,
    row: &Row<'_>,
) -> Result<Option<geo_types::Geometry<f64>>, StoreError> {
    if !has_geometry(collection) {
        return Ok(None);
    }
    match row.get_ref(1).ctx("reading a geometry")? {
        rusqlite::types::ValueRef::Null => Ok(None),
        rusqlite::types::ValueRef::Blob(b) => crate::geom::decode(b).map(Some).map_err(|e| {
            StoreError::Corrupt(format!("a geometry of collection '{}': {e}", collection.id))
        }),
        _ => Err(StoreError::Corrupt(format!(
            "a geometry of collection '{}' is not a blob",
            collection.id
        ))),
    }
}

/// Decodes a row of `SELECT id, [geom,] props...` into a feature with the properties `props`
/// (indices, in order), named when `names` (else with empty names), and, when `geometry`, the
/// geometry in the storage CRS.
pub(crate) fn decode_row(
    collection: &Collection,
    row: &Row<'_>,
    props: &[usize],
    geometry: bool,
    names: bool,
) -> Result<Feature, StoreError> {
    let id: String = row.get(0).ctx("reading a feature id")?;
    let base = if has_geometry(collection) { 2 } else { 1 };
    let mut properties = Vec::with_capacity(props.len());
    for &i in props {
        let p = &collection.properties[i];
        let raw = row.get_ref(base + i).ctx("reading a property")?;
        let v = from_sql(raw, p.ty).map_err(|e| {
            StoreError::Corrupt(format!(
                "property '{}' of feature '{id}' in collection '{}': {e}",
                p.name, collection.id
            ))
        })?;
        let name = if names { p.name.clone() } else { String::new() };
        properties.push((name, v));
    }
    let geometry = if geometry {
        decode_geometry(collection, row)?
    } else {
        None
    };
    Ok(Feature {
        id,
        geometry,
        properties,
    })
}

/// One feature by id, fully decoded, in the output's CRS.
pub(crate) fn get(
    conn: &Connection,
    collection: &Collection,
    id: &str,
    output: &Output,
) -> Result<Option<Feature>, StoreError> {
    let mut cols = vec!["id".to_owned()];
    if has_geometry(collection) {
        cols.push(GEOM.to_owned());
    }
    cols.extend(collection.properties.iter().map(|p| quote(&p.name)));
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1",
        cols.join(", "),
        quote(&collection.id)
    );
    let mut stmt = conn.prepare_cached(&sql).ctx("reading a feature")?;
    let mut rows = stmt.query([id]).ctx("reading a feature")?;
    let Some(row) = rows.next().ctx("reading a feature")? else {
        return Ok(None);
    };
    let mut f = decode_row(
        collection,
        row,
        &output.props,
        output.with_geometry,
        output.names,
    )?;
    finish(output, &mut f)?;
    Ok(Some(f))
}
