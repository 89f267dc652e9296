//! OMI zone perimeters `omi/<Belfiore>.kml` (other-supplies.md §6): one `Placemark` per zone
//! with `ExtendedData` `CODCOM` (Belfiore), `CODZONA` (zone code) and an empty `LINKZONA`, and
//! a `MultiGeometry` of polygons in lon,lat. The document name carries `Anno/Semestre YYYY/S`.
//!
//! Streaming: one placemark at a time; lines are counted as the XML is consumed, so diagnostics
//! and records carry the line where the placemark ends. Bounded: element depth, the size of one
//! XML event and the positions of one geometry are capped ([`KmlOptions`]).
//!
//! Reading choices: `ExtendedData` is read as `Data`/`value` pairs or as `SchemaData`/
//! `SimpleData` (both KML forms); a bare `Polygon` is accepted like a `MultiGeometry` of one;
//! polygons follow the shared assembly rules (an open ring is closed, a *repaired* diagnostic; a
//! self-intersecting polygon is rejected, or repaired with [`KmlOptions::invalid_polygons`]);
//! a placemark without `CODCOM`, `CODZONA` or
//! any polygon is rejected naming that field. Malformed XML stops the reading with one
//! diagnostic (the placemarks already yielded stay valid).

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use geo_types::{Coord, MultiPolygon};
use quick_xml::events::{BytesStart, Event};
use segit_model::Belfiore;

use super::Located;
use super::geometry::{MAX_POSITIONS, RawPolygons, assemble_all, kml_coordinates};
use crate::cartography::repair::InvalidPolygonPolicy;
use crate::diag::{Diagnostic, Item};

/// Options of the KML reader.
#[derive(Debug, Clone)]
pub struct KmlOptions {
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Largest XML event (one tag or one text node, e.g. a `coordinates` list), in bytes.
    pub max_event_bytes: usize,
    /// Invalid polygons (self-intersections…): rejected (default) or repaired with make-valid.
    pub invalid_polygons: InvalidPolygonPolicy,
}

impl Default for KmlOptions {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_event_bytes: 64 * 1024 * 1024,
            invalid_polygons: InvalidPolygonPolicy::Reject,
        }
    }
}

/// The perimeter of one OMI zone.
#[derive(Debug, Clone, PartialEq)]
pub struct OmiPerimeter {
    /// `CODCOM`: Belfiore code.
    pub belfiore: Belfiore,
    /// `CODZONA`: zone code (joins `Zona` of the CSV files).
    pub zone: String,
    /// `LINKZONA` when filled (the Agenzia leaves it empty).
    pub link_zone: Option<String>,
    /// The placemark's `name`.
    pub name: Option<String>,
    /// Year and semester from the document name (`Anno/Semestre 2023/2`), when present.
    pub period: Option<(i32, u8)>,
    /// The zone, longitude/latitude.
    pub geometry: MultiPolygon<f64>,
}

/// Counts newlines as the XML reader consumes bytes.
struct Counting<R> {
    inner: R,
    newlines: u64,
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
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            self.newlines += buf[..n].iter().fold(0, |c, &b| c + u64::from(b == b'\n'));
        }
        self.inner.consume(amt);
    }
}

/// A placemark being read.
#[derive(Default)]
struct Placemark {
    data: HashMap<String, String>,
    name: Option<String>,
    polygons: RawPolygons,
    exterior: Option<Vec<Coord<f64>>>,
    interiors: Vec<Vec<Coord<f64>>>,
    budget: usize,
    error: Option<(String, String)>,
}

/// Reader of an OMI KML file: yields `Located<OmiPerimeter>`.
pub struct OmiPerimetersReader<R> {
    xml: quick_xml::Reader<Counting<R>>,
    file: PathBuf,
    options: KmlOptions,
    buf: Vec<u8>,
    path: Vec<String>,
    text: String,
    data_name: Option<String>,
    period: Option<(i32, u8)>,
    placemark: Option<Placemark>,
    pending: VecDeque<Item<Located<OmiPerimeter>>>,
    done: bool,
}

impl<R: BufRead> OmiPerimetersReader<R> {
    /// Reads `input`; `file` names it in diagnostics.
    pub fn new(input: R, file: &Path) -> Self {
        Self::with_options(input, file, KmlOptions::default())
    }

    /// Reads `input` with `options`.
    pub fn with_options(input: R, file: &Path, options: KmlOptions) -> Self {
        let mut xml = quick_xml::Reader::from_reader(Counting {
            inner: input,
            newlines: 0,
        });
        let config = xml.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        Self {
            xml,
            file: file.to_path_buf(),
            options,
            buf: Vec::new(),
            path: Vec::new(),
            text: String::new(),
            data_name: None,
            period: None,
            placemark: None,
            pending: VecDeque::new(),
            done: false,
        }
    }

    fn line(&self) -> u64 {
        self.xml.get_ref().newlines + 1
    }

    fn stop(&mut self, reason: String) {
        let d = Diagnostic::rejected(&self.file, self.line(), None, reason);
        self.pending.push_back(Item::Diagnostic(d));
        self.done = true;
    }

    fn fail(&mut self, field: &str, reason: String) {
        if let Some(p) = self.placemark.as_mut()
            && p.error.is_none()
        {
            p.error = Some((field.to_owned(), reason));
        }
    }

    fn parent(&self) -> Option<&str> {
        self.path.iter().rev().nth(1).map(String::as_str)
    }

    fn start(&mut self, e: &BytesStart<'_>) {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        self.text.clear();
        match name.as_str() {
            "Placemark" => {
                self.placemark = Some(Placemark {
                    budget: MAX_POSITIONS,
                    ..Placemark::default()
                });
            }
            "Data" | "SimpleData" => {
                self.data_name = e.attributes().flatten().find_map(|a| {
                    (a.key.local_name().as_ref() == b"name")
                        .then(|| a.unescape_value().ok().map(|v| v.trim().to_uppercase()))
                        .flatten()
                });
            }
            _ => {}
        }
        self.path.push(name);
    }

    fn end(&mut self) {
        let Some(name) = self.path.last().cloned() else {
            return;
        };
        let text = std::mem::take(&mut self.text);
        let parent = self.parent().map(str::to_owned);
        match name.as_str() {
            "name" if parent.as_deref() == Some("Document") => {
                self.period = period(&text);
            }
            "name" if parent.as_deref() == Some("Placemark") => {
                if let Some(p) = self.placemark.as_mut() {
                    p.name = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
                }
            }
            "value" | "SimpleData" => {
                if let (Some(p), Some(key)) = (self.placemark.as_mut(), self.data_name.clone()) {
                    p.data.insert(key, text.trim().to_owned());
                }
            }
            "coordinates" => self.coordinates(&text),
            "Polygon" => {
                if let Some(p) = self.placemark.as_mut() {
                    if let Some(exterior) = p.exterior.take() {
                        let mut rings = vec![exterior];
                        rings.append(&mut p.interiors);
                        p.polygons.push(rings);
                    } else {
                        p.interiors.clear();
                        self.fail("geometry", "a polygon without outer boundary".into());
                    }
                }
            }
            "Placemark" => self.finish(),
            _ => {}
        }
        self.path.pop();
    }

    fn coordinates(&mut self, text: &str) {
        let outer = self.path.iter().any(|n| n == "outerBoundaryIs");
        let inner = self.path.iter().any(|n| n == "innerBoundaryIs");
        let Some(p) = self.placemark.as_mut() else {
            return;
        };
        if !(outer || inner) || p.error.is_some() {
            return;
        }
        match kml_coordinates(text, &mut p.budget) {
            Ok(r) if outer => p.exterior = Some(r),
            Ok(r) => p.interiors.push(r),
            Err(e) => self.fail("coordinates", e),
        }
    }

    fn finish(&mut self) {
        let Some(p) = self.placemark.take() else {
            return;
        };
        let line = self.line();
        let reject = |field: &str, reason: String| {
            Item::Diagnostic(Diagnostic::rejected(&self.file, line, Some(field), reason))
        };
        if let Some((field, reason)) = p.error {
            self.pending.push_back(reject(&field, reason));
            return;
        }
        let value = |key: &str| p.data.get(key).filter(|v| !v.is_empty()).cloned();
        let Some(codcom) = value("CODCOM") else {
            self.pending
                .push_back(reject("CODCOM", "missing CODCOM".into()));
            return;
        };
        let belfiore = match Belfiore::parse(&codcom) {
            Ok(b) => b,
            Err(e) => {
                self.pending.push_back(reject("CODCOM", e.to_string()));
                return;
            }
        };
        let Some(zone) = value("CODZONA") else {
            self.pending
                .push_back(reject("CODZONA", "missing CODZONA".into()));
            return;
        };
        let link_zone = value("LINKZONA");
        let parsed = match assemble_all(p.polygons, self.options.invalid_polygons) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.pending.push_back(reject("geometry", e));
                return;
            }
        };
        if !parsed.repairs.is_empty() {
            let d = Diagnostic::repaired(
                &self.file,
                line,
                Some("geometry"),
                parsed.repairs.join("; "),
            );
            self.pending.push_back(Item::Diagnostic(d));
        }
        self.pending.push_back(Item::Record(Located {
            line,
            record: OmiPerimeter {
                belfiore,
                zone,
                link_zone,
                name: p.name,
                period: self.period,
                geometry: parsed.geometry,
            },
        }));
    }

    fn push_text(&mut self, s: &str) {
        if self.text.len() + s.len() > self.options.max_event_bytes {
            self.fail(
                "text",
                format!("text longer than {} bytes", self.options.max_event_bytes),
            );
            return;
        }
        self.text.push_str(s);
    }

    fn step(&mut self) {
        self.buf.clear();
        let event = match self.xml.read_event_into(&mut self.buf) {
            Ok(e) => e.into_owned(),
            Err(e) => return self.stop(format!("malformed XML: {e}; reading stops")),
        };
        if self.buf.len() > self.options.max_event_bytes {
            return self.stop(format!(
                "one XML event is longer than {} bytes; reading stops",
                self.options.max_event_bytes
            ));
        }
        match event {
            Event::Start(e) => {
                if self.path.len() >= self.options.max_depth {
                    return self.stop(format!(
                        "elements nested deeper than {}; reading stops",
                        self.options.max_depth
                    ));
                }
                self.start(&e);
            }
            Event::Empty(e) => {
                self.start(&e);
                self.end();
            }
            Event::End(_) => self.end(),
            Event::Text(t) => match t.decode() {
                Ok(s) => self.push_text(&s),
                Err(e) => self.fail("text", format!("text is not valid UTF-8: {e}")),
            },
            Event::CData(t) => match t.decode() {
                Ok(s) => self.push_text(&s),
                Err(e) => self.fail("text", format!("CDATA is not valid UTF-8: {e}")),
            },
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => match name.as_str() {
                        "amp" => Some("&".into()),
                        "lt" => Some("<".into()),
                        "gt" => Some(">".into()),
                        "quot" => Some("\"".into()),
                        "apos" => Some("'".into()),
                        _ => None,
                    },
                };
                match c {
                    Some(c) => self.push_text(&c),
                    None => self.fail("text", format!("entity &{name}; is not expanded")),
                }
            }
            Event::Eof => {
                if self.placemark.is_some() {
                    return self.stop("the file ends inside a placemark".into());
                }
                self.done = true;
            }
            Event::DocType(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
}

/// Year and semester from a document name containing `YYYY/S` (`Anno/Semestre 2023/2`).
fn period(name: &str) -> Option<(i32, u8)> {
    let after = name
        .find("Semestre")
        .map_or(name, |i| name.get(i + "Semestre".len()..).unwrap_or(""));
    after.split_whitespace().find_map(|token| {
        let (y, s) = token.split_once('/')?;
        let year: i32 = y.parse().ok().filter(|y| (1900..=9999).contains(y))?;
        let semester: u8 = s.parse().ok().filter(|s| *s == 1 || *s == 2)?;
        Some((year, semester))
    })
}

impl OmiPerimetersReader<BufReader<File>> {
    /// Opens a file; a missing, unreadable or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Ok(Self::new(super::open_file(path)?, path))
    }
}

impl<R: BufRead> Iterator for OmiPerimetersReader<R> {
    type Item = Item<Located<OmiPerimeter>>;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_from_document_name() {
        assert_eq!(period("MILANO - Anno/Semestre 2023/2"), Some((2023, 2)));
        assert_eq!(period("Zone OMI 2021/1"), Some((2021, 1)));
        assert_eq!(period("Zone OMI"), None);
        assert_eq!(period("Anno/Semestre 2023/3"), None);
    }
}
