//! Typed property values.
//!
//! Every property of a collection has one [`PropertyType`]; every value a store returns or a filter
//! compares is a [`Value`] of that type or [`Value::Null`]. Literals in filters are coerced to the
//! property's type once, at validation time ([`Value::coerce`]), so evaluation never compares
//! values of different kinds except integers with floats, which compare numerically.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The type of a collection property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PropertyType {
    /// true / false
    Boolean,
    /// 64-bit signed integer
    Integer,
    /// 64-bit float
    Number,
    /// UTF-8 text, compared by code point (byte order), never by locale
    Text,
    /// calendar date without time zone
    Date,
    /// instant in UTC
    DateTime,
}

impl PropertyType {
    /// JSON Schema `type` (and `format`) of this property type, as OGC API queryables expect.
    pub fn json_schema(self) -> (&'static str, Option<&'static str>) {
        match self {
            Self::Boolean => ("boolean", None),
            Self::Integer => ("integer", None),
            Self::Number => ("number", None),
            Self::Text => ("string", None),
            Self::Date => ("string", Some("date")),
            Self::DateTime => ("string", Some("date-time")),
        }
    }
}

/// A property value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// absent / SQL NULL
    Null,
    /// boolean
    Bool(bool),
    /// integer
    Int(i64),
    /// float
    Float(f64),
    /// text
    Text(String),
    /// date
    Date(NaiveDate),
    /// timestamp in UTC
    DateTime(DateTime<Utc>),
}

impl Value {
    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Converts a literal to `ty`, or explains why it cannot be.
    ///
    /// Text literals are parsed (`"12"` becomes an integer for an integer property, `"2024-01-31"`
    /// a date); integers widen to floats; a float with no fractional part narrows to an integer.
    /// `Null` stays `Null`.
    pub fn coerce(self, ty: PropertyType) -> Result<Value, String> {
        let bad = |v: &Value| Err(format!("{v} is not a valid {}", type_name(ty)));
        match (ty, self) {
            (_, Value::Null) => Ok(Value::Null),
            (PropertyType::Boolean, Value::Bool(b)) => Ok(Value::Bool(b)),
            (PropertyType::Boolean, Value::Text(t)) => match t.to_ascii_lowercase().as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => bad(&Value::Text(t)),
            },
            (PropertyType::Integer, Value::Int(i)) => Ok(Value::Int(i)),
            (PropertyType::Integer, Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Ok(Value::Int(f as i64))
            }
            (PropertyType::Integer, Value::Text(t)) => t
                .trim()
                .parse::<i64>()
                .map(Value::Int)
                .or_else(|_| bad(&Value::Text(t))),
            (PropertyType::Number, Value::Int(i)) => Ok(Value::Float(i as f64)),
            (PropertyType::Number, Value::Float(f)) if f.is_finite() => Ok(Value::Float(f)),
            (PropertyType::Number, Value::Text(t)) => match t.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Value::Float(f)),
                _ => bad(&Value::Text(t)),
            },
            (PropertyType::Text, Value::Text(t)) => Ok(Value::Text(t)),
            (PropertyType::Text, v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_))) => {
                Ok(Value::Text(v.to_string()))
            }
            (PropertyType::Date, Value::Date(d)) => Ok(Value::Date(d)),
            (PropertyType::Date, Value::Text(t)) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                .map(Value::Date)
                .or_else(|_| bad(&Value::Text(t))),
            (PropertyType::DateTime, Value::DateTime(d)) => Ok(Value::DateTime(d)),
            (PropertyType::DateTime, Value::Date(d)) => Ok(Value::DateTime(
                d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
            )),
            (PropertyType::DateTime, Value::Text(t)) => DateTime::parse_from_rfc3339(t.trim())
                .map(|d| Value::DateTime(d.with_timezone(&Utc)))
                .or_else(|_| bad(&Value::Text(t))),
            (_, v) => bad(&v),
        }
    }

    /// Total order between two non-null values of compatible kinds (integers and floats compare
    /// numerically); `None` when either is null or the kinds differ.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Float(b)) => (*a as f64).partial_cmp(b),
            (Value::Float(a), Value::Int(b)) => a.partial_cmp(&(*b as f64)),
            (Value::Float(a), Value::Float(b)) => a.partial_cmp(b),
            (Value::Text(a), Value::Text(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::DateTime(a), Value::DateTime(b)) => Some(a.cmp(b)),
            (Value::Date(a), Value::DateTime(b)) => {
                Some(a.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().cmp(b))
            }
            (Value::DateTime(a), Value::Date(b)) => {
                Some(a.cmp(&b.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()))
            }
            _ => None,
        }
    }
}

fn type_name(ty: PropertyType) -> &'static str {
    match ty {
        PropertyType::Boolean => "boolean",
        PropertyType::Integer => "integer",
        PropertyType::Number => "number",
        PropertyType::Text => "text",
        PropertyType::Date => "date (YYYY-MM-DD)",
        PropertyType::DateTime => "date-time (RFC 3339)",
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Text(t) => write!(f, "'{t}'"),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::DateTime(d) => write!(f, "{}", d.to_rfc3339()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Self {
        Value::Date(d)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coerces_text_literals_to_the_property_type() {
        assert_eq!(
            Value::from("12").coerce(PropertyType::Integer),
            Ok(Value::Int(12))
        );
        assert_eq!(
            Value::Int(3).coerce(PropertyType::Number),
            Ok(Value::Float(3.0))
        );
        assert!(Value::from("x").coerce(PropertyType::Integer).is_err());
        assert!(
            Value::from("2024-02-30")
                .coerce(PropertyType::Date)
                .is_err()
        );
        assert_eq!(Value::Null.coerce(PropertyType::Date), Ok(Value::Null));
    }

    #[test]
    fn compares_numbers_across_kinds_and_text_by_bytes() {
        assert_eq!(
            Value::Int(2).compare(&Value::Float(2.5)),
            Some(Ordering::Less)
        );
        assert_eq!(
            Value::from("Z").compare(&Value::from("a")),
            Some(Ordering::Less)
        );
        assert_eq!(Value::Null.compare(&Value::Int(1)), None);
    }
}
