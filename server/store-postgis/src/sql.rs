//! Small pure builders for the static parts of segit's SQL: identifier quoting, table and column
//! names, DDL of collection tables and the catalog statements.
//!
//! Identifiers (schema, collection and property names) are only ever spliced into SQL through
//! [`quote_ident`]; every value is a bound parameter.

use segit_query::{Collection, GeometryType, PropertyType};

use segit_store::StoreError;

/// Name of the feature id column of every collection table.
pub const ID_COLUMN: &str = "id";
/// Name of the geometry column of every collection table.
pub const GEOM_COLUMN: &str = "geom";
/// Catalog table, one row per collection.
pub const CATALOG_TABLE: &str = "segit_collections";
/// Table recording applied migrations.
pub const MIGRATIONS_TABLE: &str = "segit_migrations";

/// Quotes an SQL identifier: wraps it in double quotes and doubles embedded double quotes.
///
/// NUL cannot appear in a PostgreSQL identifier; callers validate names first
/// ([`check_name`]), so a NUL here is dropped rather than sent.
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\"\""),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `"schema"."name"`.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// Checks a schema, collection or property name: 1–63 bytes (PostgreSQL truncates longer
/// identifiers silently), no NUL.
pub fn check_name(kind: &str, name: &str) -> Result<(), StoreError> {
    if name.is_empty() || name.len() > 63 || name.contains('\0') {
        return Err(StoreError::Conflict(format!(
            "{kind} name '{}' is not usable in PostgreSQL (1 to 63 bytes, no NUL)",
            name.escape_default()
        )));
    }
    Ok(())
}

/// The PostgreSQL column type of a property type (text columns compare by byte order).
pub fn column_type(ty: PropertyType) -> &'static str {
    match ty {
        PropertyType::Boolean => "boolean",
        PropertyType::Integer => "bigint",
        PropertyType::Number => "double precision",
        PropertyType::Text => "text COLLATE \"C\"",
        PropertyType::Date => "date",
        PropertyType::DateTime => "timestamptz",
    }
}

/// The type name used in a cast of a bound parameter of this property type (`$1::bigint`).
pub fn cast_type(ty: PropertyType) -> &'static str {
    match ty {
        PropertyType::Boolean => "boolean",
        PropertyType::Integer => "bigint",
        PropertyType::Number => "double precision",
        PropertyType::Text => "text",
        PropertyType::Date => "date",
        PropertyType::DateTime => "timestamptz",
    }
}

/// PostGIS geometry type modifier of a geometry type (`None` for attribute-only collections).
pub fn geometry_typmod(ty: GeometryType) -> Option<&'static str> {
    match ty {
        GeometryType::Point => Some("Point"),
        GeometryType::LineString => Some("LineString"),
        GeometryType::Polygon => Some("Polygon"),
        GeometryType::MultiPoint => Some("MultiPoint"),
        GeometryType::MultiLineString => Some("MultiLineString"),
        GeometryType::MultiPolygon => Some("MultiPolygon"),
        GeometryType::Geometry => Some("Geometry"),
        GeometryType::None => None,
    }
}

/// Whether the collection's table has a geometry column.
pub fn has_geometry(collection: &Collection) -> bool {
    geometry_typmod(collection.geometry_type).is_some()
}

/// Rejects collections whose names cannot be stored: bad identifiers, a property named like the
/// id or geometry column, duplicate property names.
pub fn check_collection(collection: &Collection) -> Result<(), StoreError> {
    check_name("collection", &collection.id)?;
    let mut seen: Vec<&str> = Vec::with_capacity(collection.properties.len());
    for p in &collection.properties {
        check_name("property", &p.name)?;
        if p.name == ID_COLUMN || p.name == GEOM_COLUMN {
            return Err(StoreError::Conflict(format!(
                "collection '{}': property name '{}' is reserved for the feature {}",
                collection.id,
                p.name,
                if p.name == ID_COLUMN {
                    "id"
                } else {
                    "geometry"
                }
            )));
        }
        if seen.contains(&p.name.as_str()) {
            return Err(StoreError::Conflict(format!(
                "collection '{}' lists property '{}' twice",
                collection.id, p.name
            )));
        }
        seen.push(&p.name);
    }
    Ok(())
}

/// `DROP TABLE IF EXISTS` of a collection table.
pub fn drop_collection_table(schema: &str, id: &str) -> String {
    format!("DROP TABLE IF EXISTS {}", qualified(schema, id))
}

/// Name of the table an ingest loads a (re)created collection into before it replaces the
/// published table at commit: unique per database session (`backend_pid`) and collection.
pub fn staging_table(backend_pid: i32, n: usize) -> String {
    format!("segit_stage_{backend_pid}_{n}")
}

/// `ALTER TABLE .. RENAME` of a table within `schema`.
pub fn rename_table(schema: &str, from: &str, to: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME TO {}",
        qualified(schema, from),
        quote_ident(to)
    )
}

/// `CREATE TABLE` of a collection's table named `table`: id, geometry (when the collection has
/// one), one column per property (NOT NULL when the property is required).
pub fn create_collection_table(schema: &str, table: &str, collection: &Collection) -> String {
    let mut cols = vec![format!(
        "{} text COLLATE \"C\" PRIMARY KEY",
        quote_ident(ID_COLUMN)
    )];
    if let Some(typmod) = geometry_typmod(collection.geometry_type) {
        cols.push(format!(
            "{} geometry({typmod}, {})",
            quote_ident(GEOM_COLUMN),
            collection.storage_crs.srid()
        ));
    }
    for p in &collection.properties {
        cols.push(format!(
            "{} {}{}",
            quote_ident(&p.name),
            column_type(p.ty),
            if p.nullable { "" } else { " NOT NULL" }
        ));
    }
    format!(
        "CREATE TABLE {} ({})",
        qualified(schema, table),
        cols.join(", ")
    )
}

/// `CREATE INDEX .. USING gist (geom)` of a collection table, when it has a geometry (the
/// index name is chosen by PostgreSQL, unique in the schema).
pub fn create_spatial_index(schema: &str, table: &str, collection: &Collection) -> Option<String> {
    has_geometry(collection).then(|| {
        format!(
            "CREATE INDEX ON {} USING gist ({})",
            qualified(schema, table),
            quote_ident(GEOM_COLUMN)
        )
    })
}

/// Upserts a catalog row, keeping the position of an existing collection and appending a new
/// one at the end. Parameters: `$1` id (text), `$2` definition (jsonb).
pub fn upsert_catalog(schema: &str) -> String {
    let t = qualified(schema, CATALOG_TABLE);
    format!(
        "INSERT INTO {t} (id, position, definition) \
         VALUES ($1::text, (SELECT coalesce(max(position), 0) + 1 FROM {t}), $2::jsonb) \
         ON CONFLICT (id) DO UPDATE SET definition = excluded.definition"
    )
}

/// Replaces a catalog definition. Parameters: `$1` id, `$2` definition.
pub fn update_catalog(schema: &str) -> String {
    format!(
        "UPDATE {} SET definition = $2::jsonb WHERE id = $1::text",
        qualified(schema, CATALOG_TABLE)
    )
}

/// All catalog definitions in publication order.
pub fn select_catalog(schema: &str) -> String {
    format!(
        "SELECT definition FROM {} ORDER BY position, id",
        qualified(schema, CATALOG_TABLE)
    )
}

/// One catalog definition. Parameter: `$1` id.
pub fn select_collection(schema: &str) -> String {
    format!(
        "SELECT definition FROM {} WHERE id = $1::text",
        qualified(schema, CATALOG_TABLE)
    )
}

/// `COPY` into the table `table` of a collection, columns in the order [`crate::copy`] writes.
pub fn copy_in(schema: &str, table: &str, collection: &Collection) -> String {
    let mut cols = vec![quote_ident(ID_COLUMN)];
    if has_geometry(collection) {
        cols.push(quote_ident(GEOM_COLUMN));
    }
    cols.extend(collection.properties.iter().map(|p| quote_ident(&p.name)));
    format!(
        "COPY {} ({}) FROM STDIN (FORMAT binary)",
        qualified(schema, table),
        cols.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use segit_query::{Crs, Property};

    fn parcels() -> Collection {
        Collection {
            id: "particelle".into(),
            title: "Particelle".into(),
            description: String::new(),
            keywords: vec![],
            geometry_type: GeometryType::MultiPolygon,
            storage_crs: Crs::Epsg(7791),
            properties: vec![
                Property::new("foglio", PropertyType::Integer, "Foglio").required(),
                Property::new("nome", PropertyType::Text, "Nome"),
                Property::new("area", PropertyType::Number, "Area"),
            ],
            temporal: None,
            extent: None,
        }
    }

    #[test]
    fn quotes_identifiers_and_doubles_quotes() {
        assert_eq!(quote_ident("abc"), "\"abc\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(
            quote_ident("x\"; DROP TABLE y; --"),
            "\"x\"\"; DROP TABLE y; --\""
        );
        assert_eq!(quote_ident("a\0b"), "\"ab\"");
        assert_eq!(qualified("s", "t"), "\"s\".\"t\"");
    }

    #[test]
    fn creates_collection_tables_with_typed_columns() {
        assert_eq!(
            create_collection_table("s", "particelle", &parcels()),
            "CREATE TABLE \"s\".\"particelle\" (\"id\" text COLLATE \"C\" PRIMARY KEY, \
             \"geom\" geometry(MultiPolygon, 7791), \"foglio\" bigint NOT NULL, \
             \"nome\" text COLLATE \"C\", \"area\" double precision)"
        );
        assert_eq!(
            create_spatial_index("s", "particelle", &parcels()).as_deref(),
            Some("CREATE INDEX ON \"s\".\"particelle\" USING gist (\"geom\")")
        );
        let mut table = parcels();
        table.geometry_type = GeometryType::None;
        assert!(!create_collection_table("s", "particelle", &table).contains("geom"));
        assert_eq!(create_spatial_index("s", "particelle", &table), None);
    }

    #[test]
    fn copy_lists_columns_in_write_order() {
        assert_eq!(
            copy_in("s", "particelle", &parcels()),
            "COPY \"s\".\"particelle\" (\"id\", \"geom\", \"foglio\", \"nome\", \"area\") \
             FROM STDIN (FORMAT binary)"
        );
    }

    #[test]
    fn rejects_unstorable_collections() {
        let mut c = parcels();
        assert!(check_collection(&c).is_ok());
        c.properties
            .push(Property::new("id", PropertyType::Text, "Id"));
        assert!(
            matches!(check_collection(&c), Err(StoreError::Conflict(m)) if m.contains("reserved"))
        );
        let mut c = parcels();
        c.properties
            .push(Property::new("nome", PropertyType::Text, "Nome"));
        assert!(check_collection(&c).is_err());
        let mut c = parcels();
        c.id = "x".repeat(64);
        assert!(check_collection(&c).is_err());
        assert!(check_name("schema", "").is_err());
    }

    #[test]
    fn staging_tables_are_renamed_into_place() {
        assert_eq!(staging_table(4242, 3), "segit_stage_4242_3");
        assert_eq!(
            rename_table("s", "segit_stage_1_0", "particelle"),
            "ALTER TABLE \"s\".\"segit_stage_1_0\" RENAME TO \"particelle\""
        );
    }

    #[test]
    fn catalog_statements_bind_values() {
        let up = upsert_catalog("s");
        assert!(up.contains("$1::text") && up.contains("$2::jsonb"));
        assert_eq!(
            select_collection("s"),
            "SELECT definition FROM \"s\".\"segit_collections\" WHERE id = $1::text"
        );
    }
}
