//! GeoJSON supplies (RFC 7946, longitude/latitude): `omi/microzones.geojson` (§6),
//! `stradario/house_numbers.geojson` (§7) and `pgt/buildable_zones.geojson` (a **project
//! convention**, see [`BuildableZone`]).
//!
//! **Bounded whole-file parse**: a file is per municipality; it is read into memory up to
//! [`GeoJsonOptions::max_bytes`] (default 512 MiB; a larger file is one diagnostic and no
//! features), its `features` array is split into raw feature texts in one pass, and each
//! feature is then parsed and converted only when the iterator reaches it, so one bad feature
//! is one diagnostic and the rest of the file is read. Diagnostics and records carry the line
//! on which the feature starts.
//!
//! Reading choices: polygons follow the shared assembly rules (an open ring is closed, a
//! *repaired* diagnostic; a self-intersecting polygon is rejected, or repaired with
//! [`GeoJsonOptions::invalid_polygons`]); a feature whose geometry is not of the expected type, or whose key property
//! does not parse, is rejected naming the property (`geometry`, `address_key`…).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use geo_types::{MultiPolygon, Point};
use segit_model::{AddressKey, Belfiore, HouseNumber, ParcelKey};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::Located;
use super::geometry::{geojson_areal, geojson_point};
use crate::cartography::repair::InvalidPolygonPolicy;
use crate::diag::{Diagnostic, Item, Severity};

/// Options of the GeoJSON readers.
#[derive(Debug, Clone)]
pub struct GeoJsonOptions {
    /// Largest file read, in bytes.
    pub max_bytes: u64,
    /// Invalid polygons (self-intersections…): rejected (default) or repaired with make-valid.
    pub invalid_polygons: InvalidPolygonPolicy,
}

impl Default for GeoJsonOptions {
    fn default() -> Self {
        Self {
            max_bytes: 512 * 1024 * 1024,
            invalid_polygons: InvalidPolygonPolicy::Reject,
        }
    }
}

/// A cadastral microzone polygon of `microzones.geojson`.
#[derive(Debug, Clone, PartialEq)]
pub struct Microzone {
    /// `comune`: Belfiore code.
    pub belfiore: Belfiore,
    /// `microzona`: microzone number.
    pub microzone: u32,
    /// `omi_zona`: OMI zone code.
    pub omi_zone: Option<String>,
    /// `link_zona`: national OMI zone key.
    pub link_zone: Option<String>,
    /// The area, longitude/latitude.
    pub geometry: MultiPolygon<f64>,
}

/// A house-number point of `house_numbers.geojson`.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseNumberPoint {
    /// Address key and parcel served.
    pub house_number: HouseNumber,
    /// The entrance, longitude/latitude.
    pub point: Point<f64>,
}

/// A buildable zone of the municipal zoning plan (PGT/PRG), `pgt/buildable_zones.geojson`.
///
/// **Project convention** (the reference names the zoning plan's buildable zones and the
/// municipal reference values of L. 160/2019 c. 777 as the input of R23, rules-catalogue.md, but
/// gives no file layout): a GeoJSON FeatureCollection (RFC 7946, longitude/latitude, like the
/// other GeoJSON supplies), one feature per zone, `Polygon` or `MultiPolygon`, properties
/// `zone_id` (required, text), `name` (optional) and `reference_value_eur_per_m2` (optional
/// non-negative number: the reference value of building land deliberated by the municipality,
/// €/m²).
#[derive(Debug, Clone, PartialEq)]
pub struct BuildableZone {
    /// `zone_id`: zone id of the plan.
    pub zone_id: String,
    /// `name`: zone name, when given.
    pub name: Option<String>,
    /// `reference_value_eur_per_m2`: c. 777 reference value, €/m², when deliberated.
    pub reference_value_eur_per_m2: Option<f64>,
    /// The zone, longitude/latitude.
    pub geometry: MultiPolygon<f64>,
}

/// How one GeoJSON feature becomes a record.
pub trait GeoJsonFormat {
    /// The record.
    type Record;
    /// Converts one feature; findings about a kept feature go to `notes`;
    /// `Err((field, reason))` rejects the feature.
    fn parse(
        feature: &Value,
        options: &GeoJsonOptions,
        notes: &mut Vec<Note>,
    ) -> Result<Self::Record, (String, String)>;
}

/// Reader of a GeoJSON FeatureCollection of format `F`: yields `Item<Located<F::Record>>`.
pub struct GeoJsonReader<F: GeoJsonFormat> {
    file: PathBuf,
    options: GeoJsonOptions,
    text: String,
    spans: std::vec::IntoIter<(usize, usize)>,
    cursor: (usize, u64),
    pending: VecDeque<Item<Located<F::Record>>>,
    format: PhantomData<F>,
}

/// Reader of `microzones.geojson`: yields `Located<Microzone>`.
pub type MicrozonesReader = GeoJsonReader<MicrozoneFormat>;

/// Reader of `house_numbers.geojson`: yields `Located<HouseNumberPoint>`.
pub type HouseNumbersReader = GeoJsonReader<HouseNumberFormat>;

/// Reader of `buildable_zones.geojson`: yields `Located<BuildableZone>`.
pub type BuildableZonesReader = GeoJsonReader<BuildableZoneFormat>;

#[derive(Deserialize)]
struct Collection<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow)]
    features: Vec<&'a RawValue>,
}

impl<F: GeoJsonFormat> GeoJsonReader<F> {
    /// Reads `input`; `file` names it in diagnostics.
    pub fn new<R: Read>(input: R, file: &Path) -> Self {
        Self::with_options(input, file, &GeoJsonOptions::default())
    }

    /// Reads `input` with `options`.
    pub fn with_options<R: Read>(input: R, file: &Path, options: &GeoJsonOptions) -> Self {
        let mut reader = Self {
            file: file.to_path_buf(),
            options: options.clone(),
            text: String::new(),
            spans: Vec::new().into_iter(),
            cursor: (0, 1),
            pending: VecDeque::new(),
            format: PhantomData,
        };
        let mut bytes = Vec::new();
        let read = input
            .take(options.max_bytes.saturating_add(1))
            .read_to_end(&mut bytes);
        let fail = |line: u64, reason: String| {
            Item::Diagnostic(Diagnostic::rejected(file, line, None, reason))
        };
        if let Err(e) = read {
            reader
                .pending
                .push_back(fail(0, format!("the file cannot be read: {e}")));
            return reader;
        }
        if bytes.len() as u64 > options.max_bytes {
            reader.pending.push_back(fail(
                0,
                format!("the file exceeds {} bytes; not read", options.max_bytes),
            ));
            return reader;
        }
        if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            bytes.drain(..3);
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let line = line_at(e.as_bytes(), at);
                reader
                    .pending
                    .push_back(fail(line, "not valid UTF-8".into()));
                return reader;
            }
        };
        let spans = match serde_json::from_str::<Collection<'_>>(&text) {
            Err(e) => {
                reader.pending.push_back(fail(
                    e.line() as u64,
                    format!("not a GeoJSON FeatureCollection: {e}"),
                ));
                return reader;
            }
            Ok(c) if c.kind != "FeatureCollection" => {
                reader.pending.push_back(fail(
                    1,
                    format!("type {:?}, expected FeatureCollection", c.kind),
                ));
                return reader;
            }
            Ok(c) => {
                let base = text.as_ptr() as usize;
                c.features
                    .iter()
                    .map(|raw| {
                        let start = (raw.get().as_ptr() as usize).saturating_sub(base);
                        (start, start + raw.get().len())
                    })
                    .collect::<Vec<_>>()
            }
        };
        reader.text = text;
        reader.spans = spans.into_iter();
        reader
    }

    /// The line on which byte `offset` lies (offsets only grow).
    fn line_of(&mut self, offset: usize) -> u64 {
        let (from, line) = self.cursor;
        let added = self.text.as_bytes().get(from..offset).map_or(0, newlines);
        self.cursor = (offset.max(from), line + added);
        self.cursor.1
    }
}

impl<F: GeoJsonFormat> GeoJsonReader<F> {
    /// Opens a file with default options; a missing or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        let file = File::open(path).map_err(|e| {
            Diagnostic::rejected(path, 0, None, format!("the file cannot be opened: {e}"))
        })?;
        if file.metadata().is_ok_and(|m| m.len() == 0) {
            return Err(Diagnostic::rejected(path, 0, None, "the file is empty"));
        }
        Ok(Self::new(BufReader::new(file), path))
    }
}

/// Number of LF bytes in `bytes`.
fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |n, &b| n + u64::from(b == b'\n'))
}

fn line_at(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes.get(..offset).map_or(0, newlines)
}

impl<F: GeoJsonFormat> Iterator for GeoJsonReader<F> {
    type Item = Item<Located<F::Record>>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(item) = self.pending.pop_front() {
            return Some(item);
        }
        let (start, end) = self.spans.next()?;
        let line = self.line_of(start);
        let mut notes = Vec::new();
        let result = self
            .text
            .get(start..end)
            .ok_or_else(|| (String::new(), "feature outside the text".to_owned()))
            .and_then(|raw| {
                serde_json::from_str::<Value>(raw)
                    .map_err(|e| (String::new(), format!("not valid JSON: {e}")))
            })
            .and_then(|v| {
                if v.get("type").and_then(Value::as_str) != Some("Feature") {
                    return Err(("type".to_owned(), "not a GeoJSON Feature".to_owned()));
                }
                F::parse(&v, &self.options, &mut notes)
            });
        match result {
            Ok(record) => {
                for (severity, field, reason) in notes {
                    let d = Diagnostic {
                        severity,
                        ..Diagnostic::warning(&self.file, line, Some(&field), reason)
                    };
                    self.pending.push_back(Item::Diagnostic(d));
                }
                self.pending
                    .push_back(Item::Record(Located { line, record }));
            }
            Err((field, reason)) => {
                let field = (!field.is_empty()).then_some(field);
                self.pending
                    .push_back(Item::Diagnostic(Diagnostic::rejected(
                        &self.file,
                        line,
                        field.as_deref(),
                        reason,
                    )));
            }
        }
        self.pending.pop_front()
    }
}

/// A finding about a feature that is still read: severity, field, reason.
pub type Note = (Severity, String, String);

fn property<'a>(feature: &'a Value, name: &str) -> Option<&'a Value> {
    feature
        .get("properties")
        .and_then(|p| p.get(name))
        .filter(|v| !v.is_null())
}

fn string_property(feature: &Value, name: &str) -> Result<Option<String>, (String, String)> {
    match property(feature, name) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err((name.to_owned(), "not a string".to_owned())),
    }
}

/// An integer property written as a JSON number (or a string of digits).
fn integer_property(feature: &Value, name: &str) -> Result<Option<u32>, (String, String)> {
    let bad = || (name.to_owned(), "not a non-negative integer".to_owned());
    match property(feature, name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(bad),
        Some(Value::String(s)) => super::fields::unsigned::<u32>(s.trim())
            .map(Some)
            .map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

fn required<T>(v: Option<T>, name: &str) -> Result<T, (String, String)> {
    v.ok_or_else(|| (name.to_owned(), "missing property".to_owned()))
}

/// The `microzones.geojson` format.
#[derive(Debug)]
pub struct MicrozoneFormat;

impl GeoJsonFormat for MicrozoneFormat {
    type Record = Microzone;

    fn parse(
        feature: &Value,
        options: &GeoJsonOptions,
        notes: &mut Vec<Note>,
    ) -> Result<Microzone, (String, String)> {
        let comune = required(string_property(feature, "comune")?, "comune")?;
        let belfiore =
            Belfiore::parse(&comune).map_err(|e| ("comune".to_owned(), e.to_string()))?;
        let microzone = required(integer_property(feature, "microzona")?, "microzona")?;
        let geometry = areal_geometry(feature, options, notes)?;
        Ok(Microzone {
            belfiore,
            microzone,
            omi_zone: string_property(feature, "omi_zona")?,
            link_zone: string_property(feature, "link_zona")?,
            geometry,
        })
    }
}

/// A non-negative number property written as a JSON number (or a decimal string).
fn number_property(feature: &Value, name: &str) -> Result<Option<f64>, (String, String)> {
    let bad = || (name.to_owned(), "not a non-negative number".to_owned());
    let v = match property(feature, name) {
        None => return Ok(None),
        Some(Value::Number(n)) => n.as_f64().ok_or_else(bad)?,
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<f64>().map_err(|_| bad())?,
        Some(_) => return Err(bad()),
    };
    if v.is_finite() && v >= 0.0 {
        Ok(Some(v))
    } else {
        Err(bad())
    }
}

/// The `buildable_zones.geojson` format.
#[derive(Debug)]
pub struct BuildableZoneFormat;

impl GeoJsonFormat for BuildableZoneFormat {
    type Record = BuildableZone;

    fn parse(
        feature: &Value,
        options: &GeoJsonOptions,
        notes: &mut Vec<Note>,
    ) -> Result<BuildableZone, (String, String)> {
        let zone_id = required(string_property(feature, "zone_id")?, "zone_id")?;
        let reference_value_eur_per_m2 = number_property(feature, "reference_value_eur_per_m2")?;
        let geometry = areal_geometry(feature, options, notes)?;
        Ok(BuildableZone {
            zone_id,
            name: string_property(feature, "name")?,
            reference_value_eur_per_m2,
            geometry,
        })
    }
}

/// The `house_numbers.geojson` format.
#[derive(Debug)]
pub struct HouseNumberFormat;

impl GeoJsonFormat for HouseNumberFormat {
    type Record = HouseNumberPoint;

    fn parse(
        feature: &Value,
        _options: &GeoJsonOptions,
        notes: &mut Vec<Note>,
    ) -> Result<HouseNumberPoint, (String, String)> {
        let key = required(string_property(feature, "address_key")?, "address_key")?;
        let address_key =
            AddressKey::parse(&key).map_err(|e| ("address_key".to_owned(), e.to_string()))?;
        let parcel_key = string_property(feature, "parcel_key")?
            .map(|p| ParcelKey::parse(&p))
            .transpose()
            .map_err(|e| ("parcel_key".to_owned(), e.to_string()))?;
        let geometry = feature
            .get("geometry")
            .ok_or_else(|| ("geometry".to_owned(), "missing geometry".to_owned()))?;
        let point = geojson_point(geometry).map_err(|e| ("geometry".to_owned(), e))?;
        let mut differs = |field: &str, written: String, in_key: String| {
            if written != in_key {
                notes.push((
                    Severity::Warning,
                    field.to_owned(),
                    format!("{written:?} differs from the address key's {in_key:?}: key kept"),
                ));
            }
        };
        if let Some(code) = integer_property(feature, "street_code")? {
            differs(
                "street_code",
                code.to_string(),
                address_key.street_code().to_string(),
            );
        }
        if let Some(n) = integer_property(feature, "number")? {
            differs("number", n.to_string(), address_key.number().to_string());
        }
        let suffix = string_property(feature, "suffix")?.unwrap_or_default();
        differs(
            "suffix",
            suffix.to_uppercase(),
            address_key.suffix().unwrap_or_default().to_owned(),
        );
        Ok(HouseNumberPoint {
            house_number: HouseNumber {
                address_key,
                parcel_key,
            },
            point,
        })
    }
}

/// The areal geometry of `feature` (polygons repaired or rejected as `options` say; a repair is
/// noted on the `geometry` field).
fn areal_geometry(
    feature: &Value,
    options: &GeoJsonOptions,
    notes: &mut Vec<Note>,
) -> Result<MultiPolygon<f64>, (String, String)> {
    let geometry = feature
        .get("geometry")
        .ok_or_else(|| ("geometry".to_owned(), "missing geometry".to_owned()))?;
    let parsed = geojson_areal(geometry, options.invalid_polygons)
        .map_err(|e| ("geometry".to_owned(), e))?;
    if !parsed.repairs.is_empty() {
        notes.push((
            Severity::Repaired,
            "geometry".into(),
            parsed.repairs.join("; "),
        ));
    }
    Ok(parsed.geometry)
}
