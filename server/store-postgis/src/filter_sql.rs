//! Translation of the backend-neutral [`Filter`] into an SQL boolean expression.
//!
//! The expression has the semantics documented in `segit_query::filter` and implemented by
//! `segit_query::eval`:
//! - SQL's three-valued logic is the filter's Kleene logic (a null property makes a comparison
//!   unknown, `NOT unknown` is unknown, a row is selected only when the expression is true);
//! - text columns are `COLLATE "C"`, so comparisons and ordering follow UTF-8 byte order;
//! - `LIKE` always carries `ESCAPE '\'`; a pattern ending in a lone `\` matches a backslash;
//!   case-insensitive matching lower-cases both sides character by character (see [`fold_sql`]);
//! - spatial literals are in the storage CRS (`segit_query::eval::prepare`) and bound as WKB.
//!
//! Every literal is a bound parameter; identifiers go through [`quote_ident`].

use segit_query::{
    BBox, CmpOp, Collection, Filter, Property, PropertyType, QueryError, SpatialOp, Value,
};

use crate::params::{SqlBuilder, SqlParam};
use crate::sql::{GEOM_COLUMN, cast_type, has_geometry, quote_ident};
use segit_store::StoreError;

/// Collation used to lower-case text for case-insensitive `LIKE` (ICU root locale: full Unicode
/// lower-casing, no language-specific rules).
const FOLD_COLLATION: &str = "\"und-x-icu\"";

/// `expr` lower-cased character by character, as the reference evaluation folds text
/// (`char::to_lowercase` of each character). ICU's root lower-casing has one context-dependent
/// rule, the final sigma (`Σ` → `ς` at the end of a word); turning every capital sigma into `σ`
/// first leaves per-character mappings only, while an `ς` already in the text stays `ς`.
pub fn fold_sql(expr: &str) -> String {
    format!("lower(replace({expr}, 'Σ', 'σ') COLLATE {FOLD_COLLATION})")
}

/// The SQL expression of `filter` over `collection`'s table, binding literals into `b`.
///
/// Spatial literals and boxes must already be in the collection's storage CRS.
pub fn filter_sql(
    filter: &Filter,
    collection: &Collection,
    b: &mut SqlBuilder,
) -> Result<String, StoreError> {
    Ok(match filter {
        Filter::And(parts) => junction(parts, "AND", "TRUE", collection, b)?,
        Filter::Or(parts) => junction(parts, "OR", "FALSE", collection, b)?,
        Filter::Not(inner) => format!("(NOT {})", filter_sql(inner, collection, b)?),
        Filter::Compare {
            property,
            op,
            value,
        } => {
            let p = property_of(collection, property)?;
            let rhs = literal(p.ty, value, b);
            let col = operand(p, std::iter::once(value));
            format!("({col} {} {rhs})", cmp_op(*op))
        }
        Filter::Like {
            property,
            pattern,
            case_insensitive,
        } => {
            let p = property_of(collection, property)?;
            if p.ty != PropertyType::Text {
                return Err(QueryError::NotText {
                    operator: "LIKE",
                    property: p.name.clone(),
                }
                .into());
            }
            let col = quote_ident(&p.name);
            if *case_insensitive {
                let pat = b.bind(SqlParam::Text(fold_pattern(&like_pattern(pattern))));
                format!("({} LIKE {pat} ESCAPE E'\\\\')", fold_sql(&col))
            } else {
                let pat = b.bind(SqlParam::Text(like_pattern(pattern)));
                format!("({col} LIKE {pat} ESCAPE E'\\\\')")
            }
        }
        Filter::In { property, values } => {
            let p = property_of(collection, property)?;
            let col = operand(p, values.iter());
            let items: Vec<String> = values.iter().map(|v| literal(p.ty, v, b)).collect();
            if items.is_empty() {
                // unknown for a null property, false otherwise
                format!("(CASE WHEN {col} IS NULL THEN NULL::boolean ELSE FALSE END)")
            } else {
                format!("({col} IN ({}))", items.join(", "))
            }
        }
        Filter::Between {
            property,
            low,
            high,
        } => {
            let p = property_of(collection, property)?;
            // an incomparable bound is unknown, like a null one (Kleene AND of both ends)
            let lo = literal(p.ty, low, b);
            let hi = literal(p.ty, high, b);
            let col = operand(p, [low, high].into_iter());
            format!("({col} BETWEEN {lo} AND {hi})")
        }
        Filter::IsNull(property) => {
            let p = property_of(collection, property)?;
            format!("({} IS NULL)", quote_ident(&p.name))
        }
        Filter::Spatial { op, geometry, crs } => {
            if !has_geometry(collection) {
                return Ok(unknown());
            }
            if *crs != collection.storage_crs && crs.srid() != collection.storage_crs.srid() {
                return Err(StoreError::Backend(format!(
                    "spatial literal in {crs} was not transformed to the storage CRS {}",
                    collection.storage_crs
                )));
            }
            let mut wkb = Vec::new();
            segit_query::wkb::to_wkb(geometry, &mut wkb);
            let lit = format!(
                "ST_GeomFromWKB({}, {})",
                b.bind(SqlParam::Bytes(wkb)),
                collection.storage_crs.srid()
            );
            let geom = quote_ident(GEOM_COLUMN);
            if matches!(geometry, geo_types::Geometry::GeometryCollection(_)) {
                // PostGIS caches a prepared copy of a literal repeated across rows; for
                // GEOMETRYCOLLECTION literals that cache answers wrongly from the second row on
                // (seen with PostGIS 3.3 / GEOS 3.11). The DE-9IM pattern form does not use it.
                let (negate, pattern) = relate_pattern(*op);
                let not = if negate { "NOT " } else { "" };
                return Ok(format!("({not}ST_Relate({geom}, {lit}, '{pattern}'))"));
            }
            let func = match op {
                SpatialOp::Intersects => "ST_Intersects",
                SpatialOp::Within => "ST_Within",
                SpatialOp::Contains => "ST_Contains",
                SpatialOp::Disjoint => "ST_Disjoint",
            };
            format!("{func}({geom}, {lit})")
        }
        Filter::BBox(bbox) => bbox_sql(bbox, collection, b)?,
    })
}

/// The DE-9IM pattern of a spatial predicate (feature geometry first), and whether the pattern
/// describes its negation.
fn relate_pattern(op: SpatialOp) -> (bool, &'static str) {
    match op {
        SpatialOp::Intersects => (true, "FF*FF****"),
        SpatialOp::Disjoint => (false, "FF*FF****"),
        SpatialOp::Within => (false, "T*F**F***"),
        SpatialOp::Contains => (false, "T*****FF*"),
    }
}

/// `geom && box AND ST_Intersects(geom, box)` for a box in the storage CRS.
pub fn bbox_sql(
    bbox: &BBox,
    collection: &Collection,
    b: &mut SqlBuilder,
) -> Result<String, StoreError> {
    if !has_geometry(collection) {
        return Ok(unknown());
    }
    if bbox.crs != collection.storage_crs && bbox.crs.srid() != collection.storage_crs.srid() {
        return Err(StoreError::Backend(format!(
            "bbox in {} was not transformed to the storage CRS {}",
            bbox.crs, collection.storage_crs
        )));
    }
    let env = format!(
        "ST_MakeEnvelope({}, {}, {}, {}, {})",
        b.bind(SqlParam::Float(bbox.min_x)),
        b.bind(SqlParam::Float(bbox.min_y)),
        b.bind(SqlParam::Float(bbox.max_x)),
        b.bind(SqlParam::Float(bbox.max_y)),
        collection.storage_crs.srid()
    );
    let geom = quote_ident(GEOM_COLUMN);
    Ok(format!(
        "({geom} && {env} AND ST_Intersects({geom}, {env}))"
    ))
}

fn junction(
    parts: &[Filter],
    op: &str,
    empty: &str,
    collection: &Collection,
    b: &mut SqlBuilder,
) -> Result<String, StoreError> {
    if parts.is_empty() {
        return Ok(empty.to_owned());
    }
    let sql = parts
        .iter()
        .map(|f| filter_sql(f, collection, b))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("({})", sql.join(&format!(" {op} "))))
}

/// The property `name` of `collection`, or the query error naming it.
pub fn property_of<'c>(collection: &'c Collection, name: &str) -> Result<&'c Property, StoreError> {
    collection.property(name).ok_or_else(|| {
        QueryError::UnknownProperty {
            collection: collection.id.clone(),
            property: name.to_owned(),
        }
        .into()
    })
}

/// Always-unknown expression (a null boolean).
fn unknown() -> String {
    "NULL::boolean".to_owned()
}

fn cmp_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

/// The column as the left operand of a comparison with `values`: a date column compared with a
/// date-time literal is read as an instant at midnight UTC.
fn operand<'v>(p: &Property, mut values: impl Iterator<Item = &'v Value>) -> String {
    let col = quote_ident(&p.name);
    if p.ty == PropertyType::Date && values.any(|v| matches!(v, Value::DateTime(_))) {
        format!("({col}::timestamp AT TIME ZONE 'UTC')")
    } else {
        col
    }
}

/// Whether a literal can be compared with a column of type `ty` (the kinds
/// `segit_query::Value::compare` orders; null is comparable and yields unknown).
fn comparable(ty: PropertyType, v: &Value) -> bool {
    matches!(
        (ty, v),
        (_, Value::Null)
            | (PropertyType::Boolean, Value::Bool(_))
            | (
                PropertyType::Integer | PropertyType::Number,
                Value::Int(_) | Value::Float(_)
            )
            | (PropertyType::Text, Value::Text(_))
            | (
                PropertyType::Date | PropertyType::DateTime,
                Value::Date(_) | Value::DateTime(_)
            )
    )
}

/// A bound literal for a column of type `ty`, or a typed `NULL` for [`Value::Null`] and for
/// literals the column cannot be compared with (both make the comparison unknown, as
/// `Value::compare` does). A date compared with a date-time column counts as midnight UTC.
fn literal(ty: PropertyType, v: &Value, b: &mut SqlBuilder) -> String {
    if !comparable(ty, v) {
        return format!("NULL::{}", cast_type(ty));
    }
    let v = match (ty, v) {
        (PropertyType::DateTime, Value::Date(d)) => {
            Value::DateTime(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        }
        // a date-time against a date column: the column is cast by `operand`
        _ => v.clone(),
    };
    match SqlParam::from_value(&v) {
        Some(p) => b.bind(p),
        None => format!("NULL::{}", cast_type(ty)),
    }
}

/// The pattern PostgreSQL's `LIKE .. ESCAPE '\'` reads with segit's meaning: a trailing lone
/// backslash (an error in PostgreSQL) becomes an escaped backslash.
pub fn like_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 1);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\\' {
            match chars.next() {
                Some(n) => out.push(n),
                None => out.push('\\'),
            }
        }
    }
    out
}

/// Lower-cases the characters of a `LIKE` pattern one by one, as the reference evaluation
/// compiles case-insensitive patterns (`char::to_lowercase`, no context such as a final sigma);
/// escapes stay in front of what they escape.
pub fn fold_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{Geometry, point};
    use segit_query::{Crs, GeometryType};

    fn coll() -> Collection {
        Collection {
            id: "c".into(),
            title: String::new(),
            description: String::new(),
            keywords: vec![],
            geometry_type: GeometryType::Polygon,
            storage_crs: Crs::Epsg(7791),
            properties: vec![
                Property::new("n", PropertyType::Integer, "N"),
                Property::new("x", PropertyType::Number, "X"),
                Property::new("t", PropertyType::Text, "T"),
                Property::new("d", PropertyType::Date, "D"),
            ],
            temporal: None,
            extent: None,
        }
    }

    fn build(f: &Filter) -> (String, Vec<SqlParam>) {
        let mut b = SqlBuilder::default();
        let sql = filter_sql(f, &coll(), &mut b).expect("builds");
        (sql, b.params)
    }

    fn cmp(p: &str, op: CmpOp, v: impl Into<Value>) -> Filter {
        Filter::Compare {
            property: p.into(),
            op,
            value: v.into(),
        }
    }

    #[test]
    fn comparisons_bind_their_literals() {
        let (sql, params) = build(&cmp("n", CmpOp::Ge, 3_i64));
        assert_eq!(sql, "(\"n\" >= $1::bigint)");
        assert_eq!(params, vec![SqlParam::Int(3)]);
        let (sql, params) = build(&cmp("t", CmpOp::Ne, "a'b"));
        assert_eq!(sql, "(\"t\" <> $1::text)");
        assert_eq!(params, vec![SqlParam::Text("a'b".into())]);
        let (sql, params) = build(&cmp("n", CmpOp::Eq, Value::Null));
        assert_eq!(sql, "(\"n\" = NULL::bigint)");
        assert!(params.is_empty());
        // incomparable kinds are unknown, as in the reference evaluation
        assert_eq!(build(&cmp("t", CmpOp::Eq, 3_i64)).0, "(\"t\" = NULL::text)");
        // a date-time against a date column compares instants
        let at = Value::DateTime(chrono::DateTime::UNIX_EPOCH);
        let (sql, params) = build(&cmp("d", CmpOp::Lt, at));
        assert_eq!(
            sql,
            "((\"d\"::timestamp AT TIME ZONE 'UTC') < $1::timestamptz)"
        );
        assert_eq!(params.len(), 1);
    }

    #[test]
    fn boolean_structure_follows_the_filter() {
        let f = Filter::Not(Box::new(Filter::Or(vec![
            Filter::IsNull("t".into()),
            Filter::And(vec![cmp("n", CmpOp::Lt, 1_i64), cmp("x", CmpOp::Gt, 2.5)]),
        ])));
        let (sql, params) = build(&f);
        assert_eq!(
            sql,
            "(NOT ((\"t\" IS NULL) OR ((\"n\" < $1::bigint) AND (\"x\" > $2::double precision))))"
        );
        assert_eq!(params.len(), 2);
        assert_eq!(build(&Filter::And(vec![])).0, "TRUE");
        assert_eq!(build(&Filter::Or(vec![])).0, "FALSE");
    }

    #[test]
    fn like_escapes_and_folds_case() {
        let f = Filter::Like {
            property: "t".into(),
            pattern: "Via%".into(),
            case_insensitive: false,
        };
        assert_eq!(build(&f).0, "(\"t\" LIKE $1::text ESCAPE E'\\\\')");
        let f = Filter::Like {
            property: "t".into(),
            pattern: "VIA\\_%Σ".into(),
            case_insensitive: true,
        };
        let (sql, params) = build(&f);
        assert_eq!(
            sql,
            "(lower(replace(\"t\", 'Σ', 'σ') COLLATE \"und-x-icu\") LIKE $1::text ESCAPE E'\\\\')"
        );
        assert_eq!(params, vec![SqlParam::Text("via\\_%σ".into())]);
        let not_text = Filter::Like {
            property: "n".into(),
            pattern: "1%".into(),
            case_insensitive: false,
        };
        assert!(filter_sql(&not_text, &coll(), &mut SqlBuilder::default()).is_err());
    }

    #[test]
    fn like_patterns_keep_escapes_and_fix_a_trailing_backslash() {
        assert_eq!(like_pattern("a\\%b"), "a\\%b");
        assert_eq!(like_pattern("a\\"), "a\\\\");
        assert_eq!(like_pattern("\\\\"), "\\\\");
        assert_eq!(like_pattern("%ü_"), "%ü_");
    }

    #[test]
    fn in_between_and_is_null() {
        let f = Filter::In {
            property: "n".into(),
            values: vec![Value::Int(1), Value::Null, Value::Int(3)],
        };
        assert_eq!(
            build(&f).0,
            "(\"n\" IN ($1::bigint, NULL::bigint, $2::bigint))"
        );
        let empty = Filter::In {
            property: "n".into(),
            values: vec![],
        };
        assert_eq!(
            build(&empty).0,
            "(CASE WHEN \"n\" IS NULL THEN NULL::boolean ELSE FALSE END)"
        );
        let f = Filter::Between {
            property: "d".into(),
            low: Value::Date(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date")),
            high: Value::Null,
        };
        assert_eq!(build(&f).0, "(\"d\" BETWEEN $1::date AND NULL::date)");
    }

    #[test]
    fn spatial_literals_are_bound_as_wkb() {
        let f = Filter::Spatial {
            op: SpatialOp::Within,
            geometry: Geometry::Point(point!(x: 1.0, y: 2.0)),
            crs: Crs::Epsg(7791),
        };
        let (sql, params) = build(&f);
        assert_eq!(sql, "ST_Within(\"geom\", ST_GeomFromWKB($1::bytea, 7791))");
        assert!(matches!(&params[0], SqlParam::Bytes(w) if w.len() == 21));
        let other_crs = Filter::Spatial {
            op: SpatialOp::Within,
            geometry: Geometry::Point(point!(x: 1.0, y: 2.0)),
            crs: Crs::Crs84,
        };
        assert!(filter_sql(&other_crs, &coll(), &mut SqlBuilder::default()).is_err());
        let bbox = BBox::new(0.0, 1.0, 2.0, 3.0, Crs::Epsg(7791)).expect("bbox");
        let (sql, params) = build(&Filter::BBox(bbox));
        assert!(sql.starts_with("(\"geom\" && ST_MakeEnvelope("));
        assert_eq!(params.len(), 4);
    }

    #[test]
    fn collection_literals_use_relate_patterns() {
        let f = Filter::Spatial {
            op: SpatialOp::Intersects,
            geometry: Geometry::GeometryCollection(geo_types::GeometryCollection(vec![
                Geometry::Point(point!(x: 1.0, y: 2.0)),
            ])),
            crs: Crs::Epsg(7791),
        };
        assert_eq!(
            build(&f).0,
            "(NOT ST_Relate(\"geom\", ST_GeomFromWKB($1::bytea, 7791), 'FF*FF****'))"
        );
    }

    #[test]
    fn unknown_properties_are_query_errors() {
        let err = filter_sql(
            &Filter::IsNull("nope".into()),
            &coll(),
            &mut SqlBuilder::default(),
        );
        assert!(matches!(
            err,
            Err(StoreError::Query(QueryError::UnknownProperty { .. }))
        ));
    }
}
