//! Typed access to the properties of a stored feature, with the reason when a required value
//! is missing or malformed.

use chrono::NaiveDate;
use geo_types::{Geometry, MultiPolygon, Point};
use segit_model::{TaxId, Validity};
use segit_query::{Feature, Value};
use serde::de::DeserializeOwned;

use super::names::{VALID_FROM, VALID_TO};

/// Why a feature could not be converted.
pub(super) type Bad = String;

/// A stored feature being converted: its values come in the order of `names` (the properties
/// read, in schema order) and are found by position, so the store need not name them.
pub(super) struct Row<'a> {
    feature: &'a Feature,
    names: &'a [String],
}

impl<'a> Row<'a> {
    /// `feature`, whose values are those of `names` in that order.
    pub(super) fn new(feature: &'a Feature, names: &'a [String]) -> Self {
        Self { feature, names }
    }

    fn value(&self, name: &str) -> Option<&'a Value> {
        let i = self.names.iter().position(|n| n == name)?;
        self.feature
            .properties
            .get(i)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// Non-empty text.
    pub(super) fn text(&self, name: &str) -> Option<&'a str> {
        match self.value(name) {
            Some(Value::Text(t)) if !t.trim().is_empty() => Some(t.as_str()),
            _ => None,
        }
    }

    pub(super) fn owned(&self, name: &str) -> Option<String> {
        self.text(name).map(str::to_owned)
    }

    pub(super) fn req_text(&self, name: &str) -> Result<&'a str, Bad> {
        self.text(name).ok_or_else(|| format!("{name} missing"))
    }

    pub(super) fn int(&self, name: &str) -> Option<i64> {
        match self.value(name) {
            Some(Value::Int(i)) => Some(*i),
            Some(Value::Float(f)) if f.fract() == 0.0 && f.is_finite() =>
            {
                #[allow(clippy::cast_possible_truncation)]
                Some(*f as i64)
            }
            Some(Value::Text(t)) => t.trim().parse().ok(),
            _ => None,
        }
    }

    /// An integer property that must fit `T`.
    pub(super) fn opt<T: TryFrom<i64>>(&self, name: &str) -> Result<Option<T>, Bad> {
        self.int(name)
            .map(|i| T::try_from(i).map_err(|_| format!("{name} out of range: {i}")))
            .transpose()
    }

    pub(super) fn req<T: TryFrom<i64>>(&self, name: &str) -> Result<T, Bad> {
        self.opt(name)?.ok_or_else(|| format!("{name} missing"))
    }

    pub(super) fn num(&self, name: &str) -> Option<f64> {
        match self.value(name) {
            #[allow(clippy::cast_precision_loss)]
            Some(Value::Int(i)) => Some(*i as f64),
            Some(Value::Float(f)) if f.is_finite() => Some(*f),
            _ => None,
        }
    }

    pub(super) fn date(&self, name: &str) -> Option<NaiveDate> {
        match self.value(name) {
            Some(Value::Date(d)) => Some(*d),
            Some(Value::DateTime(t)) => Some(t.date_naive()),
            Some(Value::Text(t)) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok(),
            _ => None,
        }
    }

    pub(super) fn req_date(&self, name: &str) -> Result<NaiveDate, Bad> {
        self.date(name).ok_or_else(|| format!("{name} missing"))
    }

    /// The feature's validity (`valid_from` included, `valid_to` excluded).
    pub(super) fn validity(&self) -> Result<Validity, Bad> {
        let from = self.req_date(VALID_FROM)?;
        Validity::new(from, self.date(VALID_TO)).map_err(|e| e.to_string())
    }

    /// A codice fiscale as written.
    pub(super) fn tax_id(&self, name: &str) -> Result<Option<TaxId>, Bad> {
        self.text(name)
            .map(|t| TaxId::from_written(t).map_err(|e| format!("{name}: {e}")))
            .transpose()
    }

    /// Parses a text property with `parse`.
    pub(super) fn parsed<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, Bad> {
        self.text(name)
            .map(|t| parse(t).map_err(|e| format!("{name}: {e}")))
            .transpose()
    }

    pub(super) fn req_parsed<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, Bad> {
        self.parsed(name, parse)?
            .ok_or_else(|| format!("{name} missing"))
    }

    /// A serde enum from its written form (`"domestic"`, `"household resident"`…).
    pub(super) fn written<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Bad> {
        self.text(name)
            .map(|t| {
                serde_json::from_value(serde_json::Value::String(t.to_owned()))
                    .map_err(|_| format!("{name}: unknown value {t:?}"))
            })
            .transpose()
    }

    pub(super) fn req_written<T: DeserializeOwned>(&self, name: &str) -> Result<T, Bad> {
        self.written(name)?.ok_or_else(|| format!("{name} missing"))
    }

    /// Comma-separated text as a list of non-empty items.
    pub(super) fn list(&self, name: &str) -> Vec<&'a str> {
        self.text(name).map_or_else(Vec::new, |t| {
            t.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
    }

    /// The polygon geometry.
    pub(super) fn polygons(&self) -> Result<MultiPolygon<f64>, Bad> {
        match &self.feature.geometry {
            Some(Geometry::MultiPolygon(m)) => Ok(m.clone()),
            Some(Geometry::Polygon(p)) => Ok(MultiPolygon(vec![p.clone()])),
            Some(_) => Err("geometry is not a polygon".to_owned()),
            None => Err("geometry missing".to_owned()),
        }
    }

    /// The point geometry.
    pub(super) fn point(&self) -> Result<Point<f64>, Bad> {
        match &self.feature.geometry {
            Some(Geometry::Point(p)) => Ok(*p),
            Some(Geometry::MultiPoint(m)) if m.0.len() == 1 => Ok(m.0[0]),
            Some(_) => Err("geometry is not a point".to_owned()),
            None => Err("geometry missing".to_owned()),
        }
    }
}
