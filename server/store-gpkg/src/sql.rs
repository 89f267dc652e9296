//! Small pure SQL helpers: identifier quoting, property values to and from SQLite values, and
//! the `SELECT` / `ORDER BY` text of feature reads.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use segit_query::{Collection, GeometryType, PropertyType, SortKey, Value};

/// The GeoPackage DATETIME text format (fixed width, so byte order is time order).
const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// Quotes an SQL identifier (double quotes, embedded quotes doubled).
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SQLite value stored for a property value that already has the property's type.
pub(crate) fn to_sql(value: &Value) -> ToSqlOutput<'_> {
    if let Value::Text(t) = value {
        return ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes()));
    }
    ToSqlOutput::Owned(match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Int(i) => SqlValue::Integer(*i),
        Value::Float(f) => SqlValue::Real(*f),
        Value::Text(t) => SqlValue::Text(t.clone()),
        Value::Date(d) => SqlValue::Text(d.format("%Y-%m-%d").to_string()),
        Value::DateTime(d) => SqlValue::Text(d.format(DATETIME_FORMAT).to_string()),
    })
}

/// Reads a stored value as a property of type `ty`; `Err` describes what is wrong with it.
pub(crate) fn from_sql(value: ValueRef<'_>, ty: PropertyType) -> Result<Value, String> {
    let text = |bytes: &[u8]| {
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| "text is not valid UTF-8".to_owned())
    };
    match (ty, value) {
        (_, ValueRef::Null) => Ok(Value::Null),
        (PropertyType::Boolean, ValueRef::Integer(i)) => Ok(Value::Bool(i != 0)),
        (PropertyType::Integer, ValueRef::Integer(i)) => Ok(Value::Int(i)),
        (PropertyType::Number, ValueRef::Real(f)) => Ok(Value::Float(f)),
        (PropertyType::Number, ValueRef::Integer(i)) => Ok(Value::Float(i as f64)),
        (PropertyType::Text, ValueRef::Text(t)) => text(t).map(Value::Text),
        (PropertyType::Text, ValueRef::Integer(i)) => Ok(Value::Text(i.to_string())),
        (PropertyType::Text, ValueRef::Real(f)) => Ok(Value::Text(f.to_string())),
        (PropertyType::Date, ValueRef::Text(t)) => parse_date(&text(t)?).map(Value::Date),
        (PropertyType::DateTime, ValueRef::Text(t)) => {
            parse_datetime(&text(t)?).map(Value::DateTime)
        }
        (ty, v) => Err(format!(
            "a stored {:?} value is not a valid {ty:?}",
            v.data_type()
        )),
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let head = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(head, "%Y-%m-%d").map_err(|_| format!("'{s}' is not a date"))
}

fn parse_datetime(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), format) {
            return Ok(d.and_utc());
        }
    }
    parse_date(s)
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        .map_err(|_| format!("'{s}' is not a date-time"))
}

/// Whether a collection's table has the geometry column.
pub(crate) fn has_geometry(collection: &Collection) -> bool {
    collection.geometry_type != GeometryType::None
}

/// `ORDER BY` text: each sort key (ascending with nulls last, descending with nulls first),
/// then the feature id ascending. SQLite's BINARY collation compares text byte by byte, which
/// is the code-point order of the reference semantics.
pub(crate) fn order_by(sort: &[SortKey], table: &str) -> String {
    let mut keys: Vec<String> = sort
        .iter()
        .map(|k| {
            let dir = if k.ascending {
                "ASC NULLS LAST"
            } else {
                "DESC NULLS FIRST"
            };
            format!("{table}.{} {dir}", quote(&k.property))
        })
        .collect();
    keys.push(format!("{table}.id ASC"));
    format!("ORDER BY {}", keys.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_identifiers() {
        assert_eq!(quote("a"), "\"a\"");
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn orders_by_keys_then_id() {
        let sort = vec![
            SortKey {
                property: "a".into(),
                ascending: true,
            },
            SortKey {
                property: "b".into(),
                ascending: false,
            },
        ];
        assert_eq!(
            order_by(&sort, "t"),
            "ORDER BY t.\"a\" ASC NULLS LAST, t.\"b\" DESC NULLS FIRST, t.id ASC"
        );
        assert_eq!(order_by(&[], "t"), "ORDER BY t.id ASC");
    }

    #[test]
    fn values_round_trip_through_sqlite_types() {
        let dt = DateTime::parse_from_rfc3339("2024-03-01T10:20:30.123Z")
            .unwrap()
            .with_timezone(&Utc);
        let cases = [
            (Value::Bool(true), PropertyType::Boolean),
            (Value::Int(-7), PropertyType::Integer),
            (Value::Float(2.5), PropertyType::Number),
            (Value::Text("Società 北京 🏠".into()), PropertyType::Text),
            (
                Value::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
                PropertyType::Date,
            ),
            (Value::DateTime(dt), PropertyType::DateTime),
            (Value::Null, PropertyType::Date),
        ];
        for (v, ty) in cases {
            let read = match to_sql(&v) {
                ToSqlOutput::Owned(o) => from_sql(ValueRef::from(&o), ty),
                ToSqlOutput::Borrowed(b) => from_sql(b, ty),
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(read, Ok(v.clone()), "{v:?}");
        }
        assert_eq!(
            from_sql(
                ValueRef::Text(b"2024-03-01 10:20:30"),
                PropertyType::DateTime
            ),
            Ok(Value::DateTime(
                DateTime::parse_from_rfc3339("2024-03-01T10:20:30Z")
                    .unwrap()
                    .with_timezone(&Utc)
            ))
        );
        assert!(from_sql(ValueRef::Text(b"nope"), PropertyType::Date).is_err());
        assert!(from_sql(ValueRef::Blob(b"x"), PropertyType::Integer).is_err());
    }
}
