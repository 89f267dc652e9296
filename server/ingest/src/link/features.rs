//! Reading link targets back from published features (this supply's and the store's), so that
//! a supply links against the whole integrated database, not only against itself.

use segit_query::{Feature, Value};

/// A text property.
pub(crate) fn text<'a>(f: &'a Feature, name: &str) -> Option<&'a str> {
    match f.property(name) {
        Some(Value::Text(t)) if !t.is_empty() => Some(t.as_str()),
        _ => None,
    }
}

/// An integer property.
pub(crate) fn int(f: &Feature, name: &str) -> Option<i64> {
    match f.property(name) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

/// Whether the feature's version is current (`valid_to` null).
pub(crate) fn is_current(f: &Feature) -> bool {
    f.property(crate::history::VALID_TO)
        .is_none_or(Value::is_null)
}
