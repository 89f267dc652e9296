//! Small pure SQL helpers: identifier quoting, property values to and from SQLite values, and
//! the `SELECT` / `ORDER BY` text of feature reads.

mod datetext;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rusqlite::Statement;
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
        Value::Date(d) => SqlValue::Text(match datetext::date(*d) {
            Some(t) => t.as_str().to_owned(),
            None => d.format("%Y-%m-%d").to_string(),
        }),
        Value::DateTime(d) => SqlValue::Text(match datetext::datetime(d) {
            Some(t) => t.as_str().to_owned(),
            None => d.format(DATETIME_FORMAT).to_string(),
        }),
    })
}

/// Binds the SQLite value of `value` (as [`to_sql`]) to parameter `index` (1-based) of
/// `stmt`; a date's text is written on the stack (SQLite copies bound text).
pub(crate) fn bind(stmt: &mut Statement<'_>, index: usize, value: &Value) -> rusqlite::Result<()> {
    let text = match value {
        Value::Date(d) => datetext::date(*d),
        Value::DateTime(d) => datetext::datetime(d),
        _ => None,
    };
    match text {
        Some(t) => stmt.raw_bind_parameter(index, t.as_str()),
        None => stmt.raw_bind_parameter(index, to_sql(value)),
    }
}

/// Reads a stored value as a property of type `ty`; `Err` describes what is wrong with it.
pub(crate) fn from_sql(value: ValueRef<'_>, ty: PropertyType) -> Result<Value, String> {
    let str = |bytes| std::str::from_utf8(bytes).map_err(|_| "text is not valid UTF-8".to_owned());
    let text = |bytes| str(bytes).map(str::to_owned);
    match (ty, value) {
        (_, ValueRef::Null) => Ok(Value::Null),
        (PropertyType::Boolean, ValueRef::Integer(i)) => Ok(Value::Bool(i != 0)),
        (PropertyType::Integer, ValueRef::Integer(i)) => Ok(Value::Int(i)),
        (PropertyType::Number, ValueRef::Real(f)) => Ok(Value::Float(f)),
        (PropertyType::Number, ValueRef::Integer(i)) => Ok(Value::Float(i as f64)),
        (PropertyType::Text, ValueRef::Text(t)) => text(t).map(Value::Text),
        (PropertyType::Text, ValueRef::Integer(i)) => Ok(Value::Text(i.to_string())),
        (PropertyType::Text, ValueRef::Real(f)) => Ok(Value::Text(f.to_string())),
        (PropertyType::Date, ValueRef::Text(t)) => parse_date(str(t)?).map(Value::Date),
        (PropertyType::DateTime, ValueRef::Text(t)) => parse_datetime(str(t)?).map(Value::DateTime),
        (ty, v) => Err(format!(
            "a stored {:?} value is not a valid {ty:?}",
            v.data_type()
        )),
    }
}

/// A date from text: the date of the first ten characters.
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    match datetext::parse_date(s.get(..10).unwrap_or(s).as_bytes()) {
        Some(d) => Ok(d),
        None => parse_date_chrono(s),
    }
}

/// A date-time from text (as [`parse_datetime_chrono`]).
fn parse_datetime(s: &str) -> Result<DateTime<Utc>, String> {
    match datetext::parse_datetime(s.as_bytes()) {
        Some(d) => Ok(d),
        None => parse_datetime_chrono(s),
    }
}

/// A date from text through chrono's parser: the date of the first ten characters.
fn parse_date_chrono(s: &str) -> Result<NaiveDate, String> {
    let head = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(head, "%Y-%m-%d").map_err(|_| format!("'{s}' is not a date"))
}

/// A date-time from text through chrono's parsers: RFC 3339, then a local-less date-time with
/// `T` or a space, then a date at midnight.
fn parse_datetime_chrono(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), format) {
            return Ok(d.and_utc());
        }
    }
    parse_date_chrono(s)
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
    use chrono::Datelike;

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

    /// The next number of a deterministic pseudo-random sequence (64-bit LCG, high bits).
    fn next(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *state >> 33
    }

    /// The stored text of `v` as [`to_sql`] gives it.
    fn stored_text(v: &Value) -> String {
        match to_sql(v) {
            ToSqlOutput::Owned(SqlValue::Text(t)) => t,
            other => panic!("not text: {other:?}"),
        }
    }

    /// `s` with one byte replaced, removed or added at a pseudo-random place.
    fn mutated(s: &str, state: &mut u64) -> String {
        const BYTES: &[u8] = b"0123456789-T:.Z +x";
        let mut b = s.as_bytes().to_vec();
        let at = next(state) as usize % (b.len() + 1);
        let c = BYTES[next(state) as usize % BYTES.len()];
        match next(state) % 3 {
            0 if at < b.len() => b[at] = c,
            1 if at < b.len() => {
                b.remove(at);
            }
            _ => b.insert(at, c),
        }
        String::from_utf8(b).unwrap()
    }

    /// Dates: every day of 1850–2150, then every 97th day of the years -5 to 10005.
    fn dates() -> Vec<NaiveDate> {
        let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        let near = day(1850).iter_days().take_while(|d| *d < day(2151));
        let far = day(-5)
            .iter_days()
            .step_by(97)
            .take_while(|d| *d < day(10006));
        near.chain(far).collect()
    }

    #[test]
    fn date_texts_equal_chrono_formatting_and_parsing() {
        let mut state = 7;
        let dates = dates();
        assert!(dates.len() > 140_000);
        for d in dates {
            let t = stored_text(&Value::Date(d));
            assert_eq!(t, d.format("%Y-%m-%d").to_string());
            assert_eq!(parse_date(&t), parse_date_chrono(&t), "{t}");
            if (0..=9999).contains(&d.year()) {
                assert_eq!(parse_date(&t), Ok(d));
            }
            let m = mutated(&t, &mut state);
            assert_eq!(parse_date(&m), parse_date_chrono(&m), "{m}");
        }
        for s in [
            "2024-02-30",
            "2023-02-29",
            "2024-00-01",
            "2024-13-01",
            "2024-1-01",
            "0000-01-01",
        ] {
            assert_eq!(parse_date(s), parse_date_chrono(s), "{s}");
        }
    }

    #[test]
    fn datetime_texts_equal_chrono_formatting_and_parsing() {
        let mut state = 11;
        let start = |y| {
            let day = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
            day.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
        };
        let (first, last) = (start(-3), start(10003));
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        let mut times = vec![leap];
        for i in 0..150_000_u64 {
            let span = u64::try_from(last - first).unwrap();
            // a third anywhere in the span, the rest in the years 1900–2100
            let secs = if i % 3 == 0 {
                first + i64::try_from(next(&mut state) * 4099 % span).unwrap()
            } else {
                -2_208_988_800 + i64::try_from(next(&mut state) % 6_311_433_600).unwrap()
            };
            let nanos = match i % 4 {
                0 => 0,
                1 => u32::try_from(next(&mut state) % 1000).unwrap() * 1_000_000,
                2 => 999_999_999,
                _ => u32::try_from(next(&mut state) % 1_000_000_000).unwrap(),
            };
            times.push(DateTime::from_timestamp(secs, nanos).unwrap());
        }
        for d in times {
            let t = stored_text(&Value::DateTime(d));
            assert_eq!(t, d.format(DATETIME_FORMAT).to_string());
            assert_eq!(parse_datetime(&t), parse_datetime_chrono(&t), "{t}");
            let m = mutated(&t, &mut state);
            assert_eq!(parse_datetime(&m), parse_datetime_chrono(&m), "{m}");
            assert_eq!(parse_date(&m), parse_date_chrono(&m), "{m}");
        }
        for s in [
            "2024-03-01T24:00:00.000Z",
            "2024-03-01T23:60:00.000Z",
            "2024-03-01T23:59:60.000Z",
            "2024-02-30T10:00:00.000Z",
            "2024-03-01t10:00:00.000Z",
            "2024-03-01T10:00:00.000z",
        ] {
            assert_eq!(parse_datetime(s), parse_datetime_chrono(s), "{s}");
        }
    }

    #[test]
    fn bound_values_equal_their_sqlite_values() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let dt = DateTime::parse_from_rfc3339("2024-03-01T10:20:30.123Z")
            .unwrap()
            .with_timezone(&Utc);
        let far = NaiveDate::from_ymd_opt(12_024, 1, 2).unwrap();
        let values = [
            Value::Null,
            Value::Bool(false),
            Value::Int(42),
            Value::Float(-0.5),
            Value::Text("via Roma".into()),
            Value::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
            Value::Date(far),
            Value::DateTime(dt),
            Value::DateTime(far.and_hms_opt(1, 2, 3).unwrap().and_utc()),
        ];
        let mut stmt = conn.prepare("SELECT ?1").unwrap();
        for v in values {
            bind(&mut stmt, 1, &v).unwrap();
            let mut rows = stmt.raw_query();
            let row = rows.next().unwrap().unwrap();
            let bound: SqlValue = row.get(0).unwrap();
            let expected = match to_sql(&v) {
                ToSqlOutput::Owned(o) => o,
                ToSqlOutput::Borrowed(ValueRef::Text(t)) => {
                    SqlValue::Text(String::from_utf8(t.to_vec()).unwrap())
                }
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(bound, expected, "{v:?}");
        }
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
