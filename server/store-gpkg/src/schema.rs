//! The GeoPackage file layer: creating a valid GeoPackage 1.3, checking that a file is one,
//! and the per-collection tables (feature table, R*Tree index with the specification's
//! triggers, `gpkg_contents` / `gpkg_geometry_columns` / `gpkg_extensions` rows and the
//! `segit_collections` catalog row).

use std::fmt::Write as _;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use segit_query::{Collection, GeometryType, PropertyType};
use segit_store::StoreError;

use crate::error::SqlContext;
use crate::sql::quote;
use crate::srs::{SPATIAL_REF_SYS, SrsDef};

/// `PRAGMA application_id` of a GeoPackage: ASCII "GPKG".
pub(crate) const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version` of a GeoPackage 1.3.
pub(crate) const USER_VERSION: i32 = 10300;
/// Name of the geometry column of every feature table.
pub(crate) const GEOM: &str = "geom";

/// The GeoPackage core tables plus segit's catalog table.
const CORE_TABLES: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
";

/// segit's catalog: each collection's definition as JSON, in publication order.
const CATALOG_TABLE: &str = "CREATE TABLE IF NOT EXISTS segit_collections (
  id TEXT NOT NULL PRIMARY KEY,
  position INTEGER NOT NULL,
  definition TEXT NOT NULL
)";

/// Writes the GeoPackage core tables and mandatory rows into an empty database.
pub(crate) fn create_core(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .ctx("setting application_id")?;
    conn.pragma_update(None, "user_version", USER_VERSION)
        .ctx("setting user_version")?;
    conn.execute_batch(CORE_TABLES)
        .ctx("creating the GeoPackage core tables")?;
    conn.execute_batch(CATALOG_TABLE)
        .ctx("creating the catalog table")?;
    for def in SPATIAL_REF_SYS {
        insert_srs(conn, def)?;
    }
    Ok(())
}

/// Writes one `gpkg_spatial_ref_sys` row unless a row with its `srs_id` exists.
fn insert_srs(conn: &Connection, s: &SrsDef) -> Result<(), StoreError> {
    let (name, description) = match s.srs_id {
        -1 => (
            s.name,
            "undefined cartesian coordinate reference system".to_owned(),
        ),
        0 => (
            s.name,
            "undefined geographic coordinate reference system".to_owned(),
        ),
        4326 => (
            "WGS 84 geodetic",
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid".to_owned(),
        ),
        _ => (s.name, format!("EPSG:{} {}", s.srs_id, s.name)),
    };
    conn.prepare_cached(
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, \
         organization_coordsys_id, definition, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut st| {
        st.execute(params![
            name,
            s.srs_id,
            s.organization,
            s.srs_id,
            s.definition,
            description
        ])
    })
    .ctx("writing the spatial reference systems")?;
    Ok(())
}

/// Makes sure `gpkg_spatial_ref_sys` defines `srs_id` (files written by other tools hold only
/// the systems they used).
fn ensure_srs(conn: &Connection, srs_id: u32) -> Result<(), StoreError> {
    let def = SPATIAL_REF_SYS
        .iter()
        .find(|d| i64::from(d.srs_id) == i64::from(srs_id))
        .ok_or_else(|| {
            StoreError::Query(segit_query::QueryError::UnsupportedCrs(format!(
                "EPSG:{srs_id}"
            )))
        })?;
    insert_srs(conn, def)
}

/// Checks that `conn` is a GeoPackage segit can use; `path` names the file in errors.
pub(crate) fn check(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let name = path.display();
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| match crate::error::map_sqlite("", &e) {
            StoreError::Corrupt(_) => {
                StoreError::Corrupt(format!("'{name}' is not a SQLite database file"))
            }
            other => other,
        })?;
    if app_id != APPLICATION_ID {
        return Err(StoreError::Corrupt(format!(
            "'{name}' is not a GeoPackage (application_id is 0x{app_id:08X}, expected 0x47504B47 'GPKG')"
        )));
    }
    for table in [
        "gpkg_contents",
        "gpkg_spatial_ref_sys",
        "gpkg_geometry_columns",
    ] {
        if !table_exists(conn, table)? {
            return Err(StoreError::Corrupt(format!(
                "'{name}' is not a valid GeoPackage: table {table} is missing"
            )));
        }
    }
    Ok(())
}

/// Makes sure the optional tables segit writes into exist (files made by other tools lack them).
pub(crate) fn ensure_support_tables(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(CATALOG_TABLE)
        .ctx("creating the catalog table")?;
    if !table_exists(conn, "gpkg_extensions")? {
        conn.execute_batch(
            "CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, \
             extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, \
             CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
        )
        .ctx("creating gpkg_extensions")?;
    }
    Ok(())
}

/// Whether a table (or view) named `name` exists.
pub(crate) fn table_exists(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
        [name],
        |_| Ok(()),
    )
    .optional()
    .map(|o| o.is_some())
    .ctx("reading the schema")
}

/// The declared SQL type of a property column (GeoPackage data types).
pub(crate) fn column_type(ty: PropertyType) -> &'static str {
    match ty {
        PropertyType::Boolean => "BOOLEAN",
        PropertyType::Integer => "INTEGER",
        PropertyType::Number => "REAL",
        PropertyType::Text => "TEXT",
        PropertyType::Date => "DATE",
        PropertyType::DateTime => "DATETIME",
    }
}

/// Checks that a collection's id and property names can become a table and its columns.
pub(crate) fn check_names(collection: &Collection) -> Result<(), StoreError> {
    let id = &collection.id;
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if !valid(id) {
        return Err(StoreError::Conflict(format!(
            "collection id '{id}' must be lower-case ASCII letters, digits and '_'"
        )));
    }
    if ["gpkg_", "rtree_", "sqlite_", "segit_"]
        .iter()
        .any(|p| id.starts_with(p))
    {
        return Err(StoreError::Conflict(format!(
            "collection id '{id}' uses a prefix reserved for GeoPackage tables"
        )));
    }
    for (i, p) in collection.properties.iter().enumerate() {
        if !valid(&p.name) || ["fid", "id", GEOM].contains(&p.name.as_str()) {
            return Err(StoreError::Conflict(format!(
                "property '{}' of collection '{id}' is not a valid column name (lower-case ASCII, \
                 digits, '_'; not fid, id or geom)",
                p.name
            )));
        }
        if collection.properties[..i].iter().any(|q| q.name == p.name) {
            return Err(StoreError::Conflict(format!(
                "property '{}' appears twice in collection '{id}'",
                p.name
            )));
        }
    }
    Ok(())
}

/// Removes a collection's table, index and metadata rows (nothing happens when it is absent).
/// Returns the catalog position it had.
pub(crate) fn drop_collection(conn: &Connection, id: &str) -> Result<Option<i64>, StoreError> {
    let position: Option<i64> = conn
        .query_row(
            "SELECT position FROM segit_collections WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading the catalog")?;
    let t = quote(id);
    let rtree = quote(&rtree_name(id));
    conn.execute_batch(&format!(
        "DROP TABLE IF EXISTS {rtree}; DROP TABLE IF EXISTS {t};"
    ))
    .ctx("dropping the collection table")?;
    for sql in [
        "DELETE FROM gpkg_extensions WHERE table_name = ?1",
        "DELETE FROM gpkg_geometry_columns WHERE table_name = ?1",
        "DELETE FROM gpkg_contents WHERE table_name = ?1",
        "DELETE FROM segit_collections WHERE id = ?1",
    ] {
        conn.execute(sql, [id])
            .ctx("removing the collection metadata")?;
    }
    Ok(position)
}

/// Creates the table, spatial index and metadata of `collection` (which must not exist).
pub(crate) fn create_collection(
    conn: &Connection,
    collection: &Collection,
    position: i64,
) -> Result<(), StoreError> {
    let id = &collection.id;
    let t = quote(id);
    let has_geom = collection.geometry_type != GeometryType::None;
    let srs_id = collection.storage_crs.srid();
    let mut columns = vec![
        "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_owned(),
        "id TEXT NOT NULL UNIQUE".to_owned(),
    ];
    if has_geom {
        columns.push(format!("{GEOM} {}", collection.geometry_type.ogc_name()));
    }
    for p in &collection.properties {
        let not_null = if p.nullable { "" } else { " NOT NULL" };
        columns.push(format!(
            "{} {}{not_null}",
            quote(&p.name),
            column_type(p.ty)
        ));
    }
    conn.execute_batch(&format!("CREATE TABLE {t} ({})", columns.join(", ")))
        .ctx("creating the collection table")?;
    if has_geom {
        ensure_srs(conn, srs_id)?;
    }
    let data_type = if has_geom { "features" } else { "attributes" };
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            data_type,
            id,
            collection.title,
            has_geom.then_some(srs_id)
        ],
    )
    .ctx("registering the collection in gpkg_contents")?;
    if has_geom {
        conn.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
            params![id, GEOM, collection.geometry_type.ogc_name(), srs_id],
        )
        .ctx("registering the geometry column")?;
        create_rtree(conn, id)?;
    }
    let definition = serde_json::to_string(collection)
        .map_err(|e| StoreError::Backend(format!("encoding collection '{id}': {e}")))?;
    conn.execute(
        "INSERT INTO segit_collections (id, position, definition) VALUES (?1, ?2, ?3)",
        params![id, position, definition],
    )
    .ctx("writing the catalog entry")?;
    Ok(())
}

/// The R*Tree index table of `table`'s geometry column.
pub(crate) fn rtree_name(table: &str) -> String {
    format!("rtree_{table}_{GEOM}")
}

/// Suffixes of the GeoPackage 1.3 triggers that keep an R*Tree index in step with its table.
const RTREE_TRIGGERS: [&str; 6] = [
    "insert", "update1", "update2", "update3", "update4", "delete",
];

/// Creates the GeoPackage 1.3 triggers that keep the R*Tree index of `table` in step with it.
pub(crate) fn create_rtree_triggers(conn: &Connection, table: &str) -> Result<(), StoreError> {
    let t = quote(table);
    let name = rtree_name(table);
    let r = quote(&name);
    let trig = |suffix: &str| quote(&format!("{name}_{suffix}"));
    let new_box = format!(
        "NEW.fid, ST_MinX(NEW.{GEOM}), ST_MaxX(NEW.{GEOM}), ST_MinY(NEW.{GEOM}), ST_MaxY(NEW.{GEOM})"
    );
    let sql = format!(
        "CREATE TRIGGER {insert} AFTER INSERT ON {t}
  WHEN (new.{GEOM} NOT NULL AND NOT ST_IsEmpty(NEW.{GEOM}))
BEGIN
  INSERT OR REPLACE INTO {r} VALUES ({new_box});
END;
CREATE TRIGGER {update1} AFTER UPDATE OF {GEOM} ON {t}
  WHEN OLD.fid = NEW.fid AND (NEW.{GEOM} NOTNULL AND NOT ST_IsEmpty(NEW.{GEOM}))
BEGIN
  INSERT OR REPLACE INTO {r} VALUES ({new_box});
END;
CREATE TRIGGER {update2} AFTER UPDATE OF {GEOM} ON {t}
  WHEN OLD.fid = NEW.fid AND (NEW.{GEOM} ISNULL OR ST_IsEmpty(NEW.{GEOM}))
BEGIN
  DELETE FROM {r} WHERE id = OLD.fid;
END;
CREATE TRIGGER {update3} AFTER UPDATE ON {t}
  WHEN OLD.fid != NEW.fid AND (NEW.{GEOM} NOTNULL AND NOT ST_IsEmpty(NEW.{GEOM}))
BEGIN
  DELETE FROM {r} WHERE id = OLD.fid;
  INSERT OR REPLACE INTO {r} VALUES ({new_box});
END;
CREATE TRIGGER {update4} AFTER UPDATE ON {t}
  WHEN OLD.fid != NEW.fid AND (NEW.{GEOM} ISNULL OR ST_IsEmpty(NEW.{GEOM}))
BEGIN
  DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER {delete} AFTER DELETE ON {t}
  WHEN old.{GEOM} NOT NULL
BEGIN
  DELETE FROM {r} WHERE id = OLD.fid;
END;",
        insert = trig(RTREE_TRIGGERS[0]),
        update1 = trig(RTREE_TRIGGERS[1]),
        update2 = trig(RTREE_TRIGGERS[2]),
        update3 = trig(RTREE_TRIGGERS[3]),
        update4 = trig(RTREE_TRIGGERS[4]),
        delete = trig(RTREE_TRIGGERS[5]),
    );
    conn.execute_batch(&sql)
        .ctx("creating the spatial index triggers")
}

/// Drops the triggers of the R*Tree index of `table`: the index is then kept by the caller,
/// until [`create_rtree_triggers`] puts them back.
pub(crate) fn drop_rtree_triggers(conn: &Connection, table: &str) -> Result<(), StoreError> {
    let name = rtree_name(table);
    let mut sql = String::new();
    for suffix in RTREE_TRIGGERS {
        let _ = writeln!(
            sql,
            "DROP TRIGGER IF EXISTS {};",
            quote(&format!("{name}_{suffix}"))
        );
    }
    conn.execute_batch(&sql)
        .ctx("dropping the spatial index triggers")
}

/// Creates the R*Tree index of `table` with the GeoPackage 1.3 triggers and its extension row.
fn create_rtree(conn: &Connection, table: &str) -> Result<(), StoreError> {
    let r = quote(&rtree_name(table));
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {r} USING rtree(id, minx, maxx, miny, maxy);"
    ))
    .ctx("creating the spatial index")?;
    create_rtree_triggers(conn, table)?;
    conn.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) \
         VALUES (?1, ?2, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', \
         'write-only')",
        params![table, GEOM],
    )
    .ctx("registering the spatial index extension")?;
    Ok(())
}
