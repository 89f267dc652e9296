//! Building features in schema order, and value shorthands.

use chrono::NaiveDate;
use geo_types::Geometry;
use segit_model::{PropertyId, Sezione, SubjectKind};
use segit_query::{Collection, Feature, Value};

use crate::history::validity;
use crate::link::Link;

/// A feature of collection `c`: `values` are the non-temporal properties in schema order,
/// followed by the validity `from` .. `to` (excluded).
pub(crate) fn feature(
    c: &Collection,
    id: String,
    geometry: Option<Geometry<f64>>,
    values: Vec<Value>,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Feature {
    debug_assert_eq!(values.len() + 3, c.properties.len(), "{}", c.id);
    let mut names = c.properties.iter().map(|p| p.name.clone());
    let mut properties = Vec::with_capacity(c.properties.len());
    // the values first: a name is taken only for a value
    properties.extend(values.into_iter().zip(names.by_ref()).map(|(v, n)| (n, v)));
    properties.extend(names.zip(validity(from, to)));
    Feature {
        id,
        geometry,
        properties,
    }
}

/// Text.
pub(crate) fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// Optional text (empty → null).
pub(crate) fn opt_text<S: AsRef<str>>(s: Option<S>) -> Value {
    match s {
        Some(s) if !s.as_ref().trim().is_empty() => Value::Text(s.as_ref().to_owned()),
        _ => Value::Null,
    }
}

/// Optional integer.
pub(crate) fn opt_int<I: TryInto<i64>>(i: Option<I>) -> Value {
    i.and_then(|i| i.try_into().ok())
        .map_or(Value::Null, Value::Int)
}

/// Integer.
pub(crate) fn int<I: TryInto<i64>>(i: I) -> Value {
    opt_int(Some(i))
}

/// Optional number (non-finite → null).
pub(crate) fn opt_num(f: Option<f64>) -> Value {
    f.filter(|f| f.is_finite())
        .map_or(Value::Null, Value::Float)
}

/// Optional date.
pub(crate) fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Null, Value::Date)
}

/// The three values of a link: target, method, confidence (nulls when not linked).
pub(crate) fn link_values<T>(
    link: Option<&Link<T>>,
    target: impl FnOnce(&T) -> Value,
) -> [Value; 3] {
    match link {
        Some(l) => [
            target(&l.target),
            text(l.method.name()),
            Value::Float(l.confidence()),
        ],
        None => [Value::Null, Value::Null, Value::Null],
    }
}

/// `Belfiore/section/id/F|T`.
pub(crate) fn property_ref(p: &PropertyId) -> String {
    format!(
        "{}/{}/{}/{}",
        p.belfiore,
        p.section.as_ref().map_or("", Sezione::as_str),
        p.id,
        p.kind.letter()
    )
}

/// `P` or `G`.
pub(crate) fn subject_letter(kind: SubjectKind) -> String {
    kind.letter().to_string()
}
