//! Topographic building footprints as an OGC GeoPackage (`dbt/edifici.gpkg`,
//! `shared/domain/other-supplies.md` §8): one feature table `edifici` with `fid`, `geom`
//! (POLYGON in the storage CRS, exterior counter-clockwise), `building_id`, `height_m`,
//! `floors`, `use_class`, `survey_date`. Written with SQLite directly: the GeoPackage
//! metadata tables, then the features as GeoPackage binary geometries (little-endian WKB with
//! an XY envelope).

use std::io;

use geo_types::{Coord, LineString, Polygon};
use rusqlite::{Connection, params};

use super::Ctx;
use super::text::iso;
use super::truth::{DefectKind, FileTruth, Outcome};

/// Path of the file in the supply.
pub const REL: &str = "dbt/edifici.gpkg";

fn to_io(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// The GeoPackage binary of a polygon.
pub fn gpkg_polygon(p: &Polygon<f64>, srs: i32) -> Vec<u8> {
    let rings: Vec<&LineString<f64>> = std::iter::once(p.exterior()).chain(p.interiors()).collect();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for c in &p.exterior().0 {
        (x0, x1, y0, y1) = (x0.min(c.x), x1.max(c.x), y0.min(c.y), y1.max(c.y));
    }
    let mut b = vec![b'G', b'P', 0, 0b0000_0011];
    b.extend(srs.to_le_bytes());
    for v in [x0, x1, y0, y1] {
        b.extend(v.to_le_bytes());
    }
    b.push(1);
    b.extend(3u32.to_le_bytes());
    b.extend((rings.len() as u32).to_le_bytes());
    for r in rings {
        b.extend((r.0.len() as u32).to_le_bytes());
        for c in &r.0 {
            b.extend(c.x.to_le_bytes());
            b.extend(c.y.to_le_bytes());
        }
    }
    b
}

const SCHEMA: &str = "
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10200;
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL,
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, town TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
CREATE TABLE edifici (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POLYGON,
  building_id TEXT, height_m REAL, floors INTEGER, use_class TEXT, survey_date DATE);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]', NULL),
  ('RDN2008 / UTM zone 32N (N-E)', 7791, 'EPSG', 7791, 'PROJCS[\"RDN2008 / UTM zone 32N\",GEOGCS[\"RDN2008\",DATUM[\"Rete_Dinamica_Nazionale_2008\",SPHEROID[\"GRS 1980\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",9],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]', NULL);
";

/// Writes `dbt/edifici.gpkg`.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let path = cx.root.join(REL);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    let srs = town.crs.srid() as i32;
    let mut conn = Connection::open(&path).map_err(to_io)?;
    conn.execute_batch(SCHEMA).map_err(to_io)?;
    let tx = conn.transaction().map_err(to_io)?;
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut rows = 0u64;
    {
        let mut insert = tx
            .prepare("INSERT INTO edifici (fid, geom, building_id, height_m, floors, use_class, survey_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .map_err(to_io)?;
        for b in &town.buildings {
            rows += 1;
            for c in &b.footprint.exterior().0 {
                (x0, y0, x1, y1) = (x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y));
            }
            insert
                .execute(params![
                    rows as i64,
                    gpkg_polygon(&b.footprint, srs),
                    b.id,
                    b.height_m,
                    i64::from(b.floors),
                    b.kind.use_class(),
                    iso(b.survey_date)
                ])
                .map_err(to_io)?;
        }
        if cx.malformed()
            && let Some(b) = town.buildings.first()
        {
            let c = b.footprint.exterior().0[0];
            let bow = LineString(vec![
                c,
                Coord {
                    x: c.x + 8.0,
                    y: c.y + 8.0,
                },
                Coord {
                    x: c.x + 8.0,
                    y: c.y,
                },
                Coord {
                    x: c.x,
                    y: c.y + 8.0,
                },
                c,
            ]);
            let fid = rows + 1;
            insert
                .execute(params![
                    fid as i64,
                    gpkg_polygon(&Polygon::new(bow, vec![]), srs),
                    format!("{}-X", b.id),
                    6.0,
                    2,
                    "altro",
                    iso(b.survey_date)
                ])
                .map_err(to_io)?;
            cx.rec.defect(
                REL,
                fid,
                Some("geom"),
                DefectKind::SelfIntersecting,
                Outcome::RepairedOrRejected,
            );
        }
    }
    let stamp = format!("{}T00:00:00.000Z", iso(town.extraction_date));
    tx.execute(
        "INSERT INTO gpkg_contents VALUES ('edifici', 'features', 'edifici', 'Topographic building footprints', ?1, ?2, ?3, ?4, ?5, ?6)",
        params![stamp, x0, y0, x1, y1, srs],
    )
    .map_err(to_io)?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('edifici', 'geom', 'POLYGON', ?1, 0, 0)",
        params![srs],
    )
    .map_err(to_io)?;
    tx.commit().map_err(to_io)?;
    drop(conn);
    let bytes = std::fs::metadata(&path)?.len();
    let planted = u64::from(cx.malformed() && !town.buildings.is_empty());
    cx.rec.expect("topo_buildings", rows);
    cx.rec.file(FileTruth {
        path: REL.to_owned(),
        kind: "topo-buildings".to_owned(),
        lines: 0,
        bytes,
        records: [("features".to_owned(), rows + planted)]
            .into_iter()
            .collect(),
        expected_loaded: rows,
        expected_rejected: 0,
        expected_either: planted,
    });
    Ok(())
}
