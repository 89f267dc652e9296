//! The temporal properties every published collection carries, and their values.

use chrono::{DateTime, Days, NaiveDate, Utc};
use segit_query::{Feature, Property, PropertyType, TemporalProperties, Value};

/// Start of validity (date, included).
pub const VALID_FROM: &str = "valid_from";
/// End of validity (date, excluded; null while current).
pub const VALID_TO: &str = "valid_to";
/// Last instant of validity (`valid_to` − 1 s; null while current): the temporal end.
pub const VALID_UNTIL: &str = "valid_until";

/// The three temporal properties, in schema order.
pub fn temporal_properties() -> Vec<Property> {
    vec![
        Property::new(VALID_FROM, PropertyType::Date, "Valid from (included)").required(),
        Property::new(
            VALID_TO,
            PropertyType::Date,
            "Valid to (excluded); empty while current",
        ),
        Property::new(
            VALID_UNTIL,
            PropertyType::DateTime,
            "Last instant of validity; empty while current",
        ),
    ]
}

/// The catalogue's temporal properties.
pub fn catalogue_temporal() -> TemporalProperties {
    TemporalProperties {
        start: VALID_FROM.to_owned(),
        end: Some(VALID_UNTIL.to_owned()),
    }
}

/// The last instant before `to` (exclusive end date).
pub fn last_instant(to: NaiveDate) -> Option<DateTime<Utc>> {
    let day = to.checked_sub_days(Days::new(1))?;
    day.and_hms_opt(23, 59, 59).map(|t| t.and_utc())
}

/// The values of the three temporal properties for validity `from` .. `to` (excluded).
pub fn validity_values(from: NaiveDate, to: Option<NaiveDate>) -> [(String, Value); 3] {
    let [start, end, until] = validity(from, to);
    [
        (VALID_FROM.to_owned(), start),
        (VALID_TO.to_owned(), end),
        (VALID_UNTIL.to_owned(), until),
    ]
}

/// The values alone of [`validity_values`], in schema order.
pub fn validity(from: NaiveDate, to: Option<NaiveDate>) -> [Value; 3] {
    [
        Value::Date(from),
        to.map_or(Value::Null, Value::Date),
        to.and_then(last_instant)
            .map_or(Value::Null, Value::DateTime),
    ]
}

/// Sets property `name` of `feature` (appended when absent).
pub fn set_property(feature: &mut Feature, name: &str, value: Value) {
    match feature.properties.iter_mut().find(|(n, _)| n == name) {
        Some((_, v)) => *v = value,
        None => feature.properties.push((name.to_owned(), value)),
    }
}

/// Closes `feature` on `to` (excluded).
pub fn close(feature: &mut Feature, to: NaiveDate) {
    set_property(feature, VALID_TO, Value::Date(to));
    set_property(
        feature,
        VALID_UNTIL,
        last_instant(to).map_or(Value::Null, Value::DateTime),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_instant_is_the_second_before_the_end() {
        let to = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            last_instant(to).unwrap().to_rfc3339(),
            "2024-02-29T23:59:59+00:00"
        );
        let [_, (_, end), (_, until)] = validity_values(to, None);
        assert_eq!((end, until), (Value::Null, Value::Null));
    }
}
