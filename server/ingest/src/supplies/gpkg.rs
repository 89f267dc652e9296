//! Topographic buildings `dbt/edifici.gpkg` (other-supplies.md §8): an OGC GeoPackage with one
//! feature table `edifici` (`fid`, `geom` POLYGON, `building_id`, `height_m`, `floors`,
//! `use_class`, `survey_date`), read with SQLite.
//!
//! Streaming: rows are fetched in pages ordered by `fid` ([`BuildingsReader::PAGE`] rows per
//! query), so memory does not grow with the table. Records carry the `fid` in
//! [`Located::line`] and diagnostics name the `fid` in their `line`. The reader needs a file
//! (SQLite cannot read a stream), so it has `open` only.
//!
//! Checked first: the `edifici` table is registered in `gpkg_geometry_columns` (its geometry
//! column and SRS come from there) and has the columns `fid`, the geometry column and
//! `building_id`; otherwise one diagnostic on line 0 and no rows. Missing attribute columns
//! (`height_m`, `floors`, `use_class`, `survey_date`) are read as unknown, with one warning.
//!
//! Geometry blobs: the GeoPackage binary header (magic `GP`, version, flags, SRS id, optional
//! envelope) is checked and skipped, then the WKB is decoded. A POLYGON or MULTIPOLYGON is
//! accepted; an empty or other geometry, or an undecodable blob, rejects the row. Footprints
//! follow the shared polygon assembly rules (open rings closed and reported, rings reoriented,
//! a self-intersecting footprint rejected — or repaired with make-valid, see
//! [`BuildingsReader::open_with`] — and always reported). A blob whose
//! SRS id differs from the column's is kept with a warning.
//!
//! Reading choices: `height_m` ≤ 0 or missing = unknown; `floors` 0, negative or missing =
//! unknown; `use_class` compared ignoring case, any other value = other; an impossible
//! `survey_date` rejects the row (§0.4); a value of the wrong type (text in `floors`) rejects
//! the row naming the column.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use geo_types::{Geometry, MultiPolygon};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use segit_model::{Building, BuildingUse};

use super::Located;
use super::fields::iso_date;
use super::geometry::{RawPolygons, assemble_all};
use crate::cartography::repair::InvalidPolygonPolicy;
use crate::diag::{Diagnostic, Item, Severity};

/// A topographic building footprint with its attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildingFootprint {
    /// `fid`.
    pub fid: i64,
    /// Attributes.
    pub building: Building,
    /// Footprint, in the CRS of [`BuildingFootprint::srs_id`].
    pub footprint: MultiPolygon<f64>,
    /// SRS id of the geometry column (`gpkg_geometry_columns.srs_id`, an EPSG code in practice).
    pub srs_id: i32,
}

/// Reader of `edifici.gpkg`: yields `Located<BuildingFootprint>` (`line` = `fid`).
pub struct BuildingsReader {
    connection: Connection,
    file: PathBuf,
    select: String,
    srs_id: i32,
    invalid_polygons: InvalidPolygonPolicy,
    after: Option<i64>,
    pending: VecDeque<Item<Located<BuildingFootprint>>>,
    done: bool,
}

/// Quotes an SQL identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl BuildingsReader {
    /// Rows fetched per query.
    pub const PAGE: usize = 1_000;

    /// Opens a GeoPackage read-only and checks its `edifici` table; a missing file, a file that
    /// is not a GeoPackage or a table without the needed columns is a diagnostic naming it.
    /// Invalid footprints (self-intersections…) are rejected.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Self::open_with(path, InvalidPolygonPolicy::Reject)
    }

    /// Opens a GeoPackage; `invalid_polygons` says whether invalid footprints are rejected or
    /// repaired with make-valid (reported either way).
    pub fn open_with(
        path: &Path,
        invalid_polygons: InvalidPolygonPolicy,
    ) -> Result<Self, Diagnostic> {
        let fail = |reason: String| Diagnostic::rejected(path, 0, None, reason);
        if !path.is_file() {
            return Err(fail("the file does not exist".into()));
        }
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| fail(format!("the file cannot be opened: {e}")))?;
        let (geom, srs_id): (String, i32) = connection
            .query_row(
                "SELECT column_name, srs_id FROM gpkg_geometry_columns \
                 WHERE lower(table_name) = 'edifici'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| {
                fail(format!(
                    "no table edifici registered in gpkg_geometry_columns: {e}"
                ))
            })?;
        let mut columns = Vec::new();
        {
            let mut stmt = connection
                .prepare("SELECT name FROM pragma_table_info('edifici')")
                .map_err(|e| fail(format!("cannot read the columns of edifici: {e}")))?;
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(|e| fail(format!("cannot read the columns of edifici: {e}")))?;
            for name in rows.flatten() {
                columns.push(name.to_ascii_lowercase());
            }
        }
        let has = |c: &str| columns.iter().any(|n| n == &c.to_ascii_lowercase());
        for required in ["fid", geom.as_str(), "building_id"] {
            if !has(required) {
                return Err(Diagnostic::rejected(
                    path,
                    0,
                    Some(required),
                    format!("table edifici has no column {required}"),
                ));
            }
        }
        let mut pending = VecDeque::new();
        let optional = ["height_m", "floors", "use_class", "survey_date"];
        let absent: Vec<&str> = optional.into_iter().filter(|c| !has(c)).collect();
        if let Some(first) = absent.first() {
            pending.push_back(Item::Diagnostic(Diagnostic::warning(
                path,
                0,
                Some(first),
                format!(
                    "table edifici has no column(s) {}: read as unknown",
                    absent.join(", ")
                ),
            )));
        }
        let select_list: Vec<String> = optional
            .iter()
            .map(|c| if has(c) { quote(c) } else { "NULL".into() })
            .collect();
        let select = format!(
            "SELECT fid, {}, building_id, {} FROM edifici \
             WHERE (?1 IS NULL OR fid > ?1) ORDER BY fid LIMIT {}",
            quote(&geom),
            select_list.join(", "),
            Self::PAGE
        );
        Ok(Self {
            connection,
            file: path.to_path_buf(),
            select,
            srs_id,
            invalid_polygons,
            after: None,
            pending,
            done: false,
        })
    }

    /// Reads the next page into `pending`.
    fn page(&mut self) {
        let file = self.file.clone();
        let srs_id = self.srs_id;
        let mut stmt = match self.connection.prepare_cached(&self.select) {
            Ok(s) => s,
            Err(e) => {
                self.done = true;
                self.pending
                    .push_back(Item::Diagnostic(Diagnostic::rejected(
                        &file,
                        0,
                        None,
                        format!("cannot query edifici: {e}"),
                    )));
                return;
            }
        };
        let mut rows = match stmt.query([self.after]) {
            Ok(r) => r,
            Err(e) => {
                self.done = true;
                self.pending
                    .push_back(Item::Diagnostic(Diagnostic::rejected(
                        &file,
                        0,
                        None,
                        format!("cannot query edifici: {e}"),
                    )));
                return;
            }
        };
        let mut count = 0;
        loop {
            let row = match rows.next() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(e) => {
                    self.done = true;
                    self.pending
                        .push_back(Item::Diagnostic(Diagnostic::rejected(
                            &file,
                            self.after.map_or(0, line_of),
                            None,
                            format!("cannot read edifici further: {e}"),
                        )));
                    return;
                }
            };
            count += 1;
            let Ok(ValueRef::Integer(fid)) = row.get_ref(0) else {
                {
                    self.done = true;
                    self.pending
                        .push_back(Item::Diagnostic(Diagnostic::rejected(
                            &file,
                            0,
                            Some("fid"),
                            "a fid that is not an integer; reading stops",
                        )));
                    return;
                }
            };
            self.after = Some(fid);
            let mut notes = Vec::new();
            match read_row(row, fid, srs_id, self.invalid_polygons, &mut notes) {
                Ok(record) => {
                    for (severity, field, reason) in notes {
                        self.pending.push_back(Item::Diagnostic(Diagnostic {
                            severity,
                            ..Diagnostic::warning(&file, line_of(fid), Some(field), reason)
                        }));
                    }
                    self.pending.push_back(Item::Record(Located {
                        line: line_of(fid),
                        record,
                    }));
                }
                Err((field, reason)) => {
                    self.pending
                        .push_back(Item::Diagnostic(Diagnostic::rejected(
                            &file,
                            line_of(fid),
                            Some(field),
                            reason,
                        )));
                }
            }
        }
        if count < Self::PAGE {
            self.done = true;
        }
    }
}

/// The `line` of a diagnostic or record: the fid (0 for a negative fid, which the record
/// still carries in [`BuildingFootprint::fid`]).
fn line_of(fid: i64) -> u64 {
    u64::try_from(fid).unwrap_or(0)
}

type RowError = (&'static str, String);

/// A finding about a row that is still read: severity, column, reason.
type RowNote = (Severity, &'static str, String);

fn read_row(
    row: &rusqlite::Row<'_>,
    fid: i64,
    srs_id: i32,
    policy: InvalidPolygonPolicy,
    notes: &mut Vec<RowNote>,
) -> Result<BuildingFootprint, RowError> {
    let value = |i: usize| row.get_ref(i).unwrap_or(ValueRef::Null);
    let footprint = match value(1) {
        ValueRef::Blob(b) => {
            let (blob_srs, geometry) = gpkg_geometry(b).map_err(|e| ("geom", e))?;
            if blob_srs != srs_id {
                notes.push((
                    Severity::Warning,
                    "geom",
                    format!("geometry SRS id {blob_srs}, the column declares {srs_id}: kept"),
                ));
            }
            let polygons = match geometry {
                Geometry::Polygon(p) => vec![p],
                Geometry::MultiPolygon(m) if !m.0.is_empty() => m.0,
                other => {
                    return Err((
                        "geom",
                        format!("{} geometry, expected a polygon", kind(&other)),
                    ));
                }
            };
            let rings: RawPolygons = polygons
                .into_iter()
                .map(|p| {
                    let (exterior, interiors) = p.into_inner();
                    std::iter::once(exterior)
                        .chain(interiors)
                        .map(|ring| ring.0)
                        .collect()
                })
                .collect();
            let parsed = assemble_all(rings, policy).map_err(|e| ("geom", e))?;
            if !parsed.repairs.is_empty() {
                notes.push((Severity::Repaired, "geom", parsed.repairs.join("; ")));
            }
            parsed.geometry
        }
        ValueRef::Null => return Err(("geom", "no geometry".into())),
        _ => return Err(("geom", "the geometry is not a blob".into())),
    };
    let building_id = match value(2) {
        ValueRef::Text(t) => String::from_utf8_lossy(t).trim().to_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Null => String::new(),
        _ => return Err(("building_id", "not text".into())),
    };
    if building_id.is_empty() {
        return Err(("building_id", "missing value".into()));
    }
    let height_m = match value(3) {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Real(r) if r.is_finite() => Some(r),
        ValueRef::Text(t) => Some(
            super::fields::decimal(String::from_utf8_lossy(t).trim())
                .map_err(|e| ("height_m", e))?,
        ),
        _ => return Err(("height_m", "not a number".into())),
    }
    .filter(|h| *h > 0.0);
    let floors = match value(4) {
        ValueRef::Null => None,
        ValueRef::Integer(i) => u32::try_from(i).ok(),
        ValueRef::Real(r) if r.fract() == 0.0 && r.is_finite() => u32::try_from(r as i64).ok(),
        ValueRef::Text(t) => Some(
            super::fields::unsigned::<u32>(String::from_utf8_lossy(t).trim())
                .map_err(|e| ("floors", e))?,
        ),
        _ => return Err(("floors", "not an integer".into())),
    }
    .filter(|f| *f > 0);
    let use_class = match value(5) {
        ValueRef::Text(t) => BuildingUse::from_use_class(&String::from_utf8_lossy(t)),
        _ => BuildingUse::Other,
    };
    let survey_date: Option<NaiveDate> = match value(6) {
        ValueRef::Null => None,
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            let s = s.trim();
            // A DATETIME written where a DATE is expected: the date part counts.
            let day = s
                .get(..10)
                .filter(|_| {
                    s.len() > 10
                        && s.as_bytes()
                            .get(10)
                            .is_some_and(|b| *b == b'T' || *b == b' ')
                })
                .unwrap_or(s);
            Some(iso_date(day).map_err(|e| ("survey_date", e))?)
        }
        _ => return Err(("survey_date", "not an ISO date".into())),
    };
    Ok(BuildingFootprint {
        fid,
        building: Building {
            building_id,
            height_m,
            floors,
            use_class,
            survey_date,
        },
        footprint,
        srs_id,
    })
}

fn kind(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "a point",
        Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => "a linear",
        Geometry::MultiPoint(_) => "a multipoint",
        Geometry::GeometryCollection(_) => "a collection",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "a polygon",
        Geometry::MultiPolygon(_) => "an empty multipolygon",
    }
}

/// Splits a GeoPackage geometry blob: returns the header's SRS id and the decoded geometry.
pub(crate) fn gpkg_geometry(blob: &[u8]) -> Result<(i32, Geometry<f64>), String> {
    let [b'G', b'P', version, flags, rest @ ..] = blob else {
        return Err("not a GeoPackage geometry (no GP header)".into());
    };
    if *version != 0 {
        return Err(format!("GeoPackage geometry version {version}, expected 0"));
    }
    if flags & 0b0010_0000 != 0 {
        return Err("extended GeoPackage geometry type".into());
    }
    let little = flags & 1 == 1;
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("invalid envelope indicator {e}")),
    };
    let Some((srs, rest)) = rest.split_first_chunk::<4>() else {
        return Err("truncated GeoPackage header".into());
    };
    let srs_id = if little {
        i32::from_le_bytes(*srs)
    } else {
        i32::from_be_bytes(*srs)
    };
    if flags & 0b0001_0000 != 0 {
        return Err("empty geometry".into());
    }
    let wkb = rest
        .get(envelope..)
        .ok_or_else(|| "truncated GeoPackage envelope".to_owned())?;
    let geometry = segit_query::wkb::from_wkb(wkb).map_err(|e| e.to_string())?;
    Ok((srs_id, geometry))
}

impl Iterator for BuildingsReader {
    type Item = Item<Located<BuildingFootprint>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            self.page();
        }
    }
}
