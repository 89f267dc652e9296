//! Filter validation (literal coercion), preparation (CRS of literals) and evaluation against a
//! feature.
//!
//! The evaluation here is the reference semantics of [`crate::filter`]; the GeoPackage backend
//! uses it directly and the PostGIS SQL builder is tested against it. The life of a filter:
//! [`coerce_filter`] at validation (types), [`prepare`] once per query (geometry literals and
//! boxes into the storage CRS), then [`evaluate`] per feature.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use geo::{Contains, CoordsIter, Intersects};
use geo_types::Geometry;

use crate::catalog::{Collection, TemporalProperties};
use crate::crs::{Crs, Transformer, transform_bbox};
use crate::error::QueryError;
use crate::feature::Feature;
use crate::filter::{CmpOp, Filter, SpatialOp};
use crate::query::DatetimeInterval;
use crate::value::{PropertyType, Value};

/// Coerces every literal in `filter` to its property's type; fails on unknown properties,
/// values that do not fit, `LIKE` on a non-text property, or geometry literals with non-finite
/// coordinates.
pub fn coerce_filter(filter: Filter, collection: &Collection) -> Result<Filter, QueryError> {
    let ty = |property: &str| {
        collection
            .property(property)
            .map(|p| p.ty)
            .ok_or_else(|| QueryError::UnknownProperty {
                collection: collection.id.clone(),
                property: property.to_owned(),
            })
    };
    let coerce = |property: &str, value: Value, ty: PropertyType| {
        value.coerce(ty).map_err(|reason| QueryError::InvalidValue {
            property: property.to_owned(),
            reason,
        })
    };
    Ok(match filter {
        Filter::And(v) => Filter::And(
            v.into_iter()
                .map(|f| coerce_filter(f, collection))
                .collect::<Result<_, _>>()?,
        ),
        Filter::Or(v) => Filter::Or(
            v.into_iter()
                .map(|f| coerce_filter(f, collection))
                .collect::<Result<_, _>>()?,
        ),
        Filter::Not(f) => Filter::Not(Box::new(coerce_filter(*f, collection)?)),
        Filter::Compare {
            property,
            op,
            value,
        } => {
            let value = coerce(&property, value, ty(&property)?)?;
            Filter::Compare {
                property,
                op,
                value,
            }
        }
        Filter::Like {
            property,
            pattern,
            case_insensitive,
        } => {
            if ty(&property)? != PropertyType::Text {
                return Err(QueryError::NotText {
                    operator: "LIKE",
                    property,
                });
            }
            Filter::Like {
                property,
                pattern,
                case_insensitive,
            }
        }
        Filter::In { property, values } => {
            let t = ty(&property)?;
            let values = values
                .into_iter()
                .map(|v| coerce(&property, v, t))
                .collect::<Result<_, _>>()?;
            Filter::In { property, values }
        }
        Filter::Between {
            property,
            low,
            high,
        } => {
            let t = ty(&property)?;
            let low = coerce(&property, low, t)?;
            let high = coerce(&property, high, t)?;
            Filter::Between {
                property,
                low,
                high,
            }
        }
        Filter::IsNull(property) => {
            ty(&property)?;
            Filter::IsNull(property)
        }
        Filter::Spatial { op, geometry, crs } => {
            if geometry
                .coords_iter()
                .any(|c| !c.x.is_finite() || !c.y.is_finite())
            {
                return Err(QueryError::InvalidGeometry(
                    "geometry literal with non-finite coordinates".into(),
                ));
            }
            Filter::Spatial { op, geometry, crs }
        }
        Filter::BBox(b) => Filter::BBox(b),
    })
}

/// Transforms every geometry literal and box of `filter` into `storage_crs`, once per query, so
/// that [`evaluate`] (and SQL builders) compare geometries in one CRS. Boxes become the envelope
/// of their densified image ([`transform_bbox`]): a `BBox` stays a `BBox`. A box entirely outside
/// the area the storage CRS can represent is a [`QueryError::Transform`]; callers that prefer an
/// empty answer check with [`crate::crs::transform_bbox_clipped`] first.
pub fn prepare(filter: Filter, storage_crs: Crs) -> Result<Filter, QueryError> {
    Ok(match filter {
        Filter::And(v) => Filter::And(
            v.into_iter()
                .map(|f| prepare(f, storage_crs))
                .collect::<Result<_, _>>()?,
        ),
        Filter::Or(v) => Filter::Or(
            v.into_iter()
                .map(|f| prepare(f, storage_crs))
                .collect::<Result<_, _>>()?,
        ),
        Filter::Not(f) => Filter::Not(Box::new(prepare(*f, storage_crs)?)),
        Filter::Spatial {
            op,
            mut geometry,
            crs,
        } => {
            Transformer::new(crs, storage_crs)?.transform_geometry(&mut geometry)?;
            Filter::Spatial {
                op,
                geometry,
                crs: storage_crs,
            }
        }
        Filter::BBox(b) => Filter::BBox(transform_bbox(&b, storage_crs)?),
        other => other,
    })
}

/// Kleene conjunction of three-valued results.
fn and3(items: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for v in items {
        match v {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

/// Kleene disjunction of three-valued results.
fn or3(items: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for v in items {
        match v {
            Some(true) => return Some(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown { None } else { Some(false) }
}

/// The non-null value of `property`, or `None` (unknown) when it is null or absent.
fn known<'f>(feature: &'f Feature, property: &str) -> Option<&'f Value> {
    feature.property(property).filter(|v| !v.is_null())
}

fn cmp(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}

/// Evaluates `filter` on `feature` with three-valued logic: `Some(true)`, `Some(false)`, or
/// `None` for unknown (a null operand). Geometry literals and boxes must already be in the
/// feature's CRS ([`prepare`]). A feature is selected only on `Some(true)`.
pub fn evaluate(filter: &Filter, feature: &Feature) -> Option<bool> {
    match filter {
        Filter::And(v) => and3(v.iter().map(|f| evaluate(f, feature))),
        Filter::Or(v) => or3(v.iter().map(|f| evaluate(f, feature))),
        Filter::Not(f) => evaluate(f, feature).map(|b| !b),
        Filter::Compare {
            property,
            op,
            value,
        } => {
            let ord = known(feature, property)?.compare(value)?;
            Some(cmp(*op, ord))
        }
        Filter::Like {
            property,
            pattern,
            case_insensitive,
        } => match known(feature, property)? {
            Value::Text(t) => Some(like_matches(pattern, t, *case_insensitive)),
            _ => None,
        },
        Filter::In { property, values } => {
            let v = known(feature, property)?;
            or3(values
                .iter()
                .map(|x| v.compare(x).map(|o| o == Ordering::Equal)))
        }
        Filter::Between {
            property,
            low,
            high,
        } => {
            let v = known(feature, property)?;
            and3(
                [
                    v.compare(low).map(|o| o != Ordering::Less),
                    v.compare(high).map(|o| o != Ordering::Greater),
                ]
                .into_iter(),
            )
        }
        Filter::IsNull(property) => Some(feature.property(property).is_none_or(Value::is_null)),
        Filter::Spatial { op, geometry, .. } => {
            let g = feature.geometry.as_ref().filter(|g| finite(g))?;
            if !finite(geometry) {
                return None;
            }
            Some(match op {
                SpatialOp::Intersects => g.intersects(geometry),
                SpatialOp::Disjoint => !g.intersects(geometry),
                SpatialOp::Within => geometry.contains(g),
                SpatialOp::Contains => g.contains(geometry),
            })
        }
        Filter::BBox(b) => {
            let g = feature.geometry.as_ref().filter(|g| finite(g))?;
            Some(g.intersects(&b.to_polygon()))
        }
    }
}

/// Whether every coordinate of `g` is a finite number (spatial predicates are unknown otherwise).
fn finite(g: &Geometry<f64>) -> bool {
    g.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite())
}

/// One element of a compiled `LIKE` pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// exactly this character
    Char(char),
    /// `_`: any one character
    One,
    /// `%`: any run of characters, also empty
    Run,
}

fn compile(pattern: &str, fold: bool) -> Vec<Token> {
    let mut out = Vec::with_capacity(pattern.len());
    let literal = |c: char, out: &mut Vec<Token>| {
        if fold {
            out.extend(c.to_lowercase().map(Token::Char));
        } else {
            out.push(Token::Char(c));
        }
    };
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => {
                // consecutive runs are one run
                if out.last() != Some(&Token::Run) {
                    out.push(Token::Run);
                }
            }
            '_' => out.push(Token::One),
            // a trailing backslash stands for itself
            '\\' => literal(chars.next().unwrap_or('\\'), &mut out),
            c => literal(c, &mut out),
        }
    }
    out
}

/// SQL/CQL2 `LIKE`: `%` matches any run (also empty), `_` exactly one character (a Unicode scalar
/// value, not a byte), `\` escapes the next character. With `case_insensitive` both sides are
/// Unicode lower-cased character by character (`char::to_lowercase`), so `_` stands for one
/// character of the folded text. Runs in O(pattern × text) at worst, with no exponential backtracking.
pub fn like_matches(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    let pat = compile(pattern, case_insensitive);
    // folded character by character, like the pattern (no context-dependent final sigma)
    let text: Vec<char> = if case_insensitive {
        text.chars().flat_map(char::to_lowercase).collect()
    } else {
        text.chars().collect()
    };
    let (mut p, mut t) = (0, 0);
    // position of the last `%` seen and the text position it is currently matched up to
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pat.get(p) {
            Some(Token::One) => {
                p += 1;
                t += 1;
            }
            Some(Token::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            Some(Token::Run) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    // let the last `%` swallow one more character and retry
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|tok| *tok == Token::Run)
}

/// A date or date-time value as an instant (dates at midnight UTC); `None` for other values.
fn instant(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::DateTime(d) => Some(*d),
        Value::Date(d) => d.and_hms_opt(0, 0, 0).map(|n| n.and_utc()),
        _ => None,
    }
}

/// Whether the feature's validity intersects `interval`, both ends inclusive.
///
/// The validity starts at the `temporal.start` property and ends at `temporal.end` (null: still
/// valid, open end) or, for collections of instants (`end: None`), at the start itself. Dates
/// count as midnight UTC. A feature whose start is null or not a date is not selected.
pub fn datetime_matches(
    interval: &DatetimeInterval,
    temporal: &TemporalProperties,
    feature: &Feature,
) -> bool {
    let Some(start) = feature.property(&temporal.start).and_then(instant) else {
        return false;
    };
    let end = match &temporal.end {
        None => Some(start),
        Some(name) => feature.property(name).and_then(instant),
    };
    let starts_in_time = interval.end.is_none_or(|ie| start <= ie);
    let ends_in_time = match (interval.start, end) {
        (None, _) | (_, None) => true,
        (Some(is), Some(e)) => e >= is,
    };
    starts_in_time && ends_in_time
}
