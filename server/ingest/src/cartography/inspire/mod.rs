//! Streaming reader of INSPIRE Cadastral Parcels GML (inspire-gml.md): `CadastralParcel` and
//! `CadastralZoning` features of the Agenzia's MapServer-flavoured files (`CP:` upper-case
//! properties, `CP:msGeometry`) and of the official encoding (`cp:` properties, `inspireId`,
//! `geometry`), matched by local name so that any prefix or namespace binding reads.
//!
//! - Geometry: `gml:Polygon` / `gml:PolygonPatch` (exterior + any number of interiors), inside
//!   `gml:MultiSurface` / `gml:Surface` or alone; rings as `gml:posList` (`srsDimension` 2 or 3),
//!   `gml:pos` sequences or GML 2 `gml:coordinates`. The CRS is the nearest `srsName` (EPSG 6706
//!   when none is given); axis order follows the CRS, so the latitude-first positions of 6706
//!   are swapped to east/north. Rings are closed, oriented and validated as for CXF
//!   ([`super::repair`]).
//! - Identifiers: the national cadastral (zoning) reference, else the INSPIRE local id, else the
//!   `gml:id`, parsed with `ParcelKey::parse_inspire_id` / `SheetKey::parse_inspire_id`.
//! - Safety: the XML is read event by event (never a tree of the file); a document type
//!   declaration is ignored and reported, and no entity other than the five predefined ones and
//!   character references is expanded (an unknown entity rejects its feature); element depth,
//!   the bytes of one event, property text and positions per feature are capped. Malformed XML
//!   is reported with its line and ends the reading (XML cannot be resynchronised).
//! - A feature that cannot be read is rejected with the line of its start tag; the others go on.
//! - Coordinates outside the area of use of the CRS (Italy): while no feature of the file lay
//!   inside it, the feature is kept and reported as a warning (the whole file may be misplaced:
//!   another CRS or axis order than declared); after one did, the feature is rejected (broken
//!   coordinates: publishing it would put a parcel thousands of kilometres away).
//! - Encoding: UTF-8 (the Agenzia's files are UTF-8); text that is not valid UTF-8 rejects its
//!   feature.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use geo_types::Coord;
use quick_xml::events::{BytesStart, Event};
use segit_query::Crs;

use super::georef::AreaOfUse;
use super::gml_geometry::PolygonBuilder;
pub use super::inspire_records::{InspireFeature, InspireKind, ParcelClass};
use super::repair::InvalidPolygonPolicy;
use crate::diag::{Diagnostic, Item};

mod feature;
use feature::geometry_end;

/// Options and caps of the GML reader.
#[derive(Debug, Clone)]
pub struct GmlOptions {
    /// what to do with invalid polygons
    pub invalid_polygons: InvalidPolygonPolicy,
    /// maximum element depth
    pub max_depth: usize,
    /// maximum bytes of one XML event (one tag, one text node)
    pub max_event_bytes: usize,
    /// maximum text of one property
    pub max_property_text: usize,
    /// maximum positions of one feature
    pub max_positions: usize,
    /// read the legacy `EPSG:<code>` spelling of `srsName` east/north (the WFS 1.0 / GML 2
    /// habit) instead of in the EPSG axis order; URN and URI spellings always follow the EPSG
    /// axis order (latitude first for 6706)
    pub legacy_srs_east_north: bool,
}

impl Default for GmlOptions {
    fn default() -> Self {
        Self {
            invalid_polygons: InvalidPolygonPolicy::Reject,
            max_depth: 64,
            max_event_bytes: 16 * 1024 * 1024,
            max_property_text: 64 * 1024,
            max_positions: 1_000_000,
            legacy_srs_east_north: false,
        }
    }
}

/// A `BufRead` that counts line ends consumed and caps the bytes of one event.
struct Counting<R> {
    inner: R,
    newlines: u64,
    event_bytes: usize,
    cap: usize,
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.event_bytes > self.cap {
            return Err(io::Error::other(format!(
                "one XML event is longer than {} bytes",
                self.cap
            )));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            self.newlines += buf[..n]
                .iter()
                .fold(0u64, |acc, &b| acc + u64::from(b == b'\n'));
        }
        self.event_bytes = self.event_bytes.saturating_add(amt);
        self.inner.consume(amt);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeatureType {
    Parcel,
    Zoning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Exterior,
    Interior,
}

/// What is known of the feature being read.
struct Feature {
    kind: FeatureType,
    depth: usize,
    line: u64,
    gml_id: Option<String>,
    props: HashMap<&'static str, String>,
    /// first-level child being read: (upper-case local name, is geometry)
    property: Option<(String, bool)>,
    href: Option<String>,
    text: String,
    srs: Option<String>,
    crs: Option<Crs>,
    dim: usize,
    role: Role,
    ring: Option<Vec<Coord<f64>>>,
    coords: Option<(String, bool)>,
    polygon: Option<PolygonBuilder>,
    polygons: Vec<Vec<Vec<Coord<f64>>>>,
    positions: usize,
    error: Option<(String, String)>,
}

impl Feature {
    fn fail(&mut self, field: &str, reason: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some((field.to_owned(), reason.into()));
        }
    }
}

/// Streaming reader of CadastralParcel / CadastralZoning features.
pub struct InspireReader<R> {
    xml: quick_xml::Reader<Counting<R>>,
    file: PathBuf,
    options: GmlOptions,
    buf: Vec<u8>,
    depth: usize,
    feature: Option<Feature>,
    pending: VecDeque<Item<InspireFeature>>,
    done: bool,
    areas: HashMap<Crs, Option<AreaOfUse>>,
    /// whether a feature read so far lies wholly inside the area of use of its CRS
    inside_seen: bool,
}

impl InspireReader<BufReader<File>> {
    /// Opens a GML file; a missing or empty file is a diagnostic naming it.
    pub fn open(path: &Path, options: GmlOptions) -> Result<Self, Diagnostic> {
        let file = File::open(path).map_err(|e| {
            Diagnostic::rejected(path, 0, None, format!("cannot open the GML file: {e}"))
        })?;
        if file.metadata().is_ok_and(|m| m.len() == 0) {
            return Err(Diagnostic::rejected(path, 0, None, "the GML file is empty"));
        }
        Ok(Self::with_options(BufReader::new(file), path, options))
    }
}

impl<R: BufRead> InspireReader<R> {
    /// Reads `input` (named `file` in diagnostics) with default options.
    pub fn new(input: R, file: &Path) -> Self {
        Self::with_options(input, file, GmlOptions::default())
    }

    /// Reads `input` (named `file` in diagnostics) with `options`.
    pub fn with_options(input: R, file: &Path, options: GmlOptions) -> Self {
        let counting = Counting {
            inner: input,
            newlines: 0,
            event_bytes: 0,
            cap: options.max_event_bytes,
        };
        let mut xml = quick_xml::Reader::from_reader(counting);
        let config = xml.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        Self {
            xml,
            file: file.to_path_buf(),
            options,
            buf: Vec::new(),
            depth: 0,
            feature: None,
            pending: VecDeque::new(),
            done: false,
            areas: HashMap::new(),
            inside_seen: false,
        }
    }

    fn line(&self) -> u64 {
        self.xml.get_ref().newlines + 1
    }

    fn stop(&mut self, reason: String) {
        let line = self.line();
        if let Some(f) = self.feature.take() {
            let d = Diagnostic::rejected(
                &self.file,
                f.line,
                None,
                format!("feature not complete: {reason}"),
            );
            self.pending.push_back(Item::Diagnostic(d));
        }
        self.pending
            .push_back(Item::Diagnostic(Diagnostic::rejected(
                &self.file, line, None, reason,
            )));
        self.done = true;
    }

    /// Reads one XML event and handles it.
    fn step(&mut self) {
        self.buf.clear();
        self.xml.get_mut().event_bytes = 0;
        let event = match self.xml.read_event_into(&mut self.buf) {
            Ok(e) => e.into_owned(),
            Err(e) => return self.stop(format!("malformed XML: {e}; reading stops")),
        };
        if self.xml.get_ref().event_bytes > self.options.max_event_bytes {
            return self.stop(format!(
                "one XML event is longer than {} bytes; reading stops",
                self.options.max_event_bytes
            ));
        }
        match event {
            Event::Start(e) => {
                self.depth += 1;
                if self.depth > self.options.max_depth {
                    return self.stop(format!(
                        "elements nested deeper than {}; reading stops",
                        self.options.max_depth
                    ));
                }
                self.start(&e);
            }
            Event::Empty(e) => {
                self.depth += 1;
                self.start(&e);
                self.end(&local(&e));
                self.depth -= 1;
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                self.end(&name);
                self.depth = self.depth.saturating_sub(1);
            }
            Event::Text(t) => match t.decode() {
                Ok(s) => self.text(&s),
                Err(e) => self.fail_feature("text", format!("text is not valid UTF-8: {e}")),
            },
            Event::CData(t) => match t.decode() {
                Ok(s) => self.text(&s),
                Err(e) => self.fail_feature("text", format!("CDATA is not valid UTF-8: {e}")),
            },
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => self.text(c.encode_utf8(&mut [0; 4])),
                Ok(None) => {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    match predefined(&name) {
                        Some(c) => self.text(c),
                        None => self.fail_feature(
                            "entity",
                            format!("entity &{name}; is not expanded (entities are disabled)"),
                        ),
                    }
                }
                Err(e) => self.fail_feature("entity", format!("bad character reference: {e}")),
            },
            Event::DocType(_) => {
                let d = Diagnostic::warning(
                    &self.file,
                    self.line(),
                    Some("DOCTYPE"),
                    "document type declaration ignored: its entities are not expanded",
                );
                self.pending.push_back(Item::Diagnostic(d));
            }
            Event::Eof => {
                if self.feature.is_some() {
                    return self.stop("the file ends inside a feature".to_owned());
                }
                self.done = true;
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }

    fn fail_feature(&mut self, field: &str, reason: String) {
        if let Some(f) = self.feature.as_mut() {
            f.fail(field, reason);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>) {
        let name = local(e);
        let Some(f) = self.feature.as_mut() else {
            let kind = match name.as_str() {
                "CadastralParcel" => FeatureType::Parcel,
                "CadastralZoning" => FeatureType::Zoning,
                _ => return,
            };
            let line = self.xml.get_ref().newlines + 1;
            self.feature = Some(Feature {
                kind,
                depth: self.depth,
                line,
                gml_id: attr(e, "id"),
                props: HashMap::new(),
                property: None,
                href: None,
                text: String::new(),
                srs: None,
                crs: None,
                dim: 2,
                role: Role::Exterior,
                ring: None,
                coords: None,
                polygon: None,
                polygons: Vec::new(),
                positions: 0,
                error: None,
            });
            return;
        };
        let rel = self.depth.saturating_sub(f.depth);
        f.text.clear();
        if rel == 1 {
            let upper = name.to_ascii_uppercase();
            let geometry = upper.contains("GEOMETRY");
            f.href = attr(e, "href");
            f.property = Some((upper, geometry));
            return;
        }
        if let Some(h) = attr(e, "href") {
            f.href = Some(h);
        }
        if !matches!(f.property, Some((_, true))) {
            return;
        }
        if let Some(srs) = attr(e, "srsName") {
            f.srs = Some(srs);
        }
        if let Some(dim) = attr(e, "srsDimension") {
            match dim.trim().parse() {
                Ok(d) => f.dim = d,
                Err(_) => f.fail("srsDimension", format!("'{dim}' is not a dimension")),
            }
        }
        match name.as_str() {
            "MultiSurface" | "MultiPolygon" | "Surface" | "CompositeSurface" | "surfaceMember"
            | "surfaceMembers" | "polygonMember" | "patches" => {}
            "Polygon" | "PolygonPatch" => f.polygon = Some(PolygonBuilder::default()),
            "exterior" | "outerBoundaryIs" => f.role = Role::Exterior,
            "interior" | "innerBoundaryIs" => f.role = Role::Interior,
            "LinearRing" => f.ring = Some(Vec::new()),
            "posList" | "pos" => f.coords = Some((String::new(), false)),
            "coordinates" => f.coords = Some((String::new(), true)),
            other => f.fail("geometry", format!("unsupported geometry element {other}")),
        }
    }

    fn text(&mut self, s: &str) {
        let cap = self.options.max_property_text;
        let Some(f) = self.feature.as_mut() else {
            return;
        };
        if let Some((text, _)) = f.coords.as_mut() {
            text.push_str(s);
        } else if f.text.len() + s.len() > cap {
            f.fail("text", format!("property text longer than {cap} bytes"));
        } else {
            f.text.push_str(s);
        }
    }

    fn end(&mut self, name: &str) {
        let max_positions = self.options.max_positions;
        let Some(f) = self.feature.as_mut() else {
            return;
        };
        let rel = self.depth.saturating_sub(f.depth);
        if rel == 0 {
            if let Some(f) = self.feature.take() {
                self.finish(f);
            }
            return;
        }
        let Some((property, geometry)) = f.property.clone() else {
            return;
        };
        if geometry && rel >= 2 {
            geometry_end(f, name, max_positions, self.options.legacy_srs_east_north);
            return;
        }
        let value = f.text.trim().to_owned();
        let key = match name.to_ascii_uppercase().as_str() {
            "LOCALID" | "INSPIREID_LOCALID" => Some("local_id"),
            "NAMESPACE" | "INSPIREID_NAMESPACE" => Some("namespace"),
            _ => None,
        };
        let key = key.or(match property.as_str() {
            _ if rel != 1 && !property.eq_ignore_ascii_case("levelName") => None,
            "NATIONALCADASTRALREFERENCE" => Some("reference"),
            "NATIONALCADASTRALZONINGREFERENCE" | "NATIONALCADASTALZONINGREFERENCE" => {
                Some("reference")
            }
            "LABEL" => Some("label"),
            "ADMINISTRATIVEUNIT" => Some("administrative_unit"),
            "AREAVALUE" => Some("area"),
            "BEGINLIFESPANVERSION" => Some("begin"),
            "LEVEL" => Some("level"),
            "LEVELNAME" => Some("level_name"),
            "ORIGINALMAPSCALEDENOMINATOR" => Some("scale"),
            _ => None,
        });
        let value = if value.is_empty() {
            // a link such as administrativeUnit xlink:href="#F205" or a code-list level
            f.href
                .as_deref()
                .map(|h| h.rsplit(['#', '/']).next().unwrap_or(h).to_owned())
                .unwrap_or_default()
        } else {
            value
        };
        if let Some(key) = key.filter(|_| !value.is_empty()) {
            f.props.insert(key, value);
        }
        if rel == 1 {
            f.property = None;
            f.href = None;
        }
    }
}

/// Local name of an element.
fn local(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

/// Value of the attribute with local name `name` (any prefix), unescaped.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name.as_bytes())
            .then(|| a.unescape_value().ok().map(std::borrow::Cow::into_owned))
            .flatten()
    })
}

fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

impl<R: BufRead> Iterator for InspireReader<R> {
    type Item = Item<InspireFeature>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            self.step();
        }
    }
}
