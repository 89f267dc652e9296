//! The section parsers of the CXF reader (cxf.md §5): BORDO with its classification, TESTO,
//! SIMBOLO, FIDUCIALE, LINEA, RIFERIMENTO_RASTER, LIBRETTO.

use std::io::BufRead;

use geo_types::{Coord, LineString};
use segit_model::{Particella, SheetKey};

use super::{CxfReader, Fail, MAX_ISLANDS};
use crate::cartography::cxf_records::{
    AreaKind, CxfArea, CxfFiducial, CxfLine, CxfRasterReference, CxfRecord, CxfSurveyBook,
    CxfSymbol, CxfText, Label, MapKind,
};
use crate::cartography::repair;
use crate::diag::{Diagnostic, Item};

impl<R: BufRead> CxfReader<R> {
    pub(super) fn bordo(&mut self, line: u64) -> Result<Option<CxfRecord>, Fail> {
        let (code, code_line) = self.text("CODICE IDENTIFICATIVO")?;
        let height = self.small_int("DIMENSIONE")?;
        let angle = self.real("ANGOLO")?;
        let anchor = self.point("POSIZIONEX", "POSIZIONEY")?;
        let inner_point = self.point("PUNTOINTERNOX", "PUNTOINTERNOY")?;
        let (islands, islands_line) = self.count("NUMEROISOLE", MAX_ISLANDS)?;
        let (vertices, _) = self.count("NUMEROVERTICI", self.options.max_vertices)?;
        if islands > vertices {
            let why = format!("{islands} islands for {vertices} vertices");
            return Err(Fail::Bad(islands_line, "NUMEROISOLE", why, None));
        }
        let mut sizes = Vec::with_capacity(islands as usize);
        let mut used = 0u32;
        for _ in 0..islands {
            let (n, l) = self.count("TABISOLE", vertices)?;
            used = used.saturating_add(n);
            if used > vertices {
                let why = format!("island vertices exceed NUMEROVERTICI ({vertices})");
                return Err(Fail::Bad(l, "TABISOLE", why, None));
            }
            sizes.push(n as usize);
        }
        let mut coords = self.vertices(vertices)?;
        let kind = match self.classify(&code) {
            Ok(kind) => kind,
            Err(why) => {
                self.reject(code_line, Some("CODICE IDENTIFICATIVO"), why);
                return Ok(None);
            }
        };
        // split: outer ring first, then the islands in TABISOLE order
        let mut rings = Vec::with_capacity(sizes.len() + 1);
        let mut tail = coords.split_off((vertices - used) as usize);
        rings.push(coords);
        for n in sizes {
            let rest = tail.split_off(n.min(tail.len()));
            rings.push(std::mem::replace(&mut tail, rest));
        }
        let assembled = match repair::assemble(rings, self.options.invalid_polygons) {
            Ok(a) => a,
            Err(r) => {
                let field = if r.too_few_vertices {
                    "NUMEROVERTICI"
                } else {
                    "VERTICI"
                };
                self.reject(line, Some(field), format!("BORDO {code}: {}", r.reason));
                return Ok(None);
            }
        };
        for repair in &assembled.repairs {
            let d = Diagnostic::repaired(
                &self.file,
                line,
                Some("VERTICI"),
                format!("BORDO {code}: {repair}"),
            );
            self.pending.push_back(Item::Diagnostic(d));
        }
        let all: Vec<Coord<f64>> = assembled
            .geometry
            .0
            .iter()
            .flat_map(|p| p.exterior().0.iter().copied())
            .collect();
        let outside = self.outside(&all);
        if kind == AreaKind::SheetBoundary {
            self.boundary_inside = Some(outside.is_none());
        } else if let Some(c) = outside
            && self.boundary_inside == Some(true)
        {
            let aou = self
                .options
                .area_of_use
                .as_ref()
                .map_or_else(String::new, super::AreaOfUse::describe);
            self.reject(
                line,
                Some("VERTICI"),
                format!(
                    "BORDO {code}: ({}, {}) lies outside {aou}, while the sheet boundary lies \
                     inside it: broken coordinates, the area is not loaded",
                    c.x, c.y
                ),
            );
            return Ok(None);
        }
        self.warn_outside(line, "VERTICI", &all);
        if kind == (AreaKind::Building { host: None }) {
            let d = Diagnostic::warning(
                &self.file,
                code_line,
                Some("CODICE IDENTIFICATIVO"),
                format!("building '{code}': no parcel number before '+', no host parcel"),
            );
            self.pending.push_back(Item::Diagnostic(d));
        }
        let area = repair::area(&assembled.geometry);
        let point_on_surface = repair::point_on_surface(&assembled.geometry);
        Ok(Some(CxfRecord::Area(CxfArea {
            line,
            code,
            kind,
            label: Label {
                height,
                angle,
                anchor,
            },
            inner_point,
            islands,
            vertices,
            geometry: assembled.geometry,
            area,
            point_on_surface,
        })))
    }

    /// Classifies a BORDO code (cxf.md §5.1).
    pub(super) fn classify(&self, code: &str) -> Result<AreaKind, String> {
        let Some(header) = &self.header else {
            return Err("no header".to_owned());
        };
        let upper = code.to_ascii_uppercase();
        if upper.is_empty() {
            return Err("empty identifier".to_owned());
        }
        if upper == header.map_name.to_ascii_uppercase() || upper == header.sheet.to_string() {
            return Ok(AreaKind::SheetBoundary);
        }
        if upper.len() == 11 {
            return SheetKey::parse(&upper)
                .map(AreaKind::IndexSheet)
                .map_err(|e| format!("an 11-character code must be a sheet key: {e}"));
        }
        let land_book = header.kind == MapKind::LandBookMap && upper.len() >= 2;
        match upper.as_str() {
            "STRADA" => return Ok(AreaKind::Road),
            "ACQUA" => return Ok(AreaKind::Water),
            s if land_book && s.starts_with('S') => return Ok(AreaKind::Road),
            s if land_book && s.starts_with('A') => return Ok(AreaKind::Water),
            _ => {}
        }
        if let Some(host) = upper.strip_suffix('+') {
            let host = Particella::parse(host).ok().map(|p| header.sheet.parcel(p));
            return Ok(AreaKind::Building { host });
        }
        Particella::parse(&upper)
            .map(|p| AreaKind::Parcel(header.sheet.parcel(p)))
            .map_err(|e| format!("'{code}' is not a parcel number: {e}"))
    }

    pub(super) fn testo(&mut self, line: u64, external: bool) -> Result<Option<CxfRecord>, Fail> {
        let (text, text_line) = self.text("TESTO")?;
        let height = self.small_int("DIMENSIONE")?;
        let angle = self.real("ANGOLO")?;
        let position = self.point("POSIZIONEX", "POSIZIONEY")?;
        self.warn_outside(line, "POSIZIONE", &[position]);
        if looks_utf8(&text) {
            let d = Diagnostic::warning(
                &self.file,
                text_line,
                Some("TESTO"),
                format!("'{text}' looks like UTF-8 read as Latin-1 (CXF files are Latin-1)"),
            );
            self.pending.push_back(Item::Diagnostic(d));
        }
        let surface_right = text
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .and_then(|t| Particella::parse(t).ok());
        Ok(Some(CxfRecord::Text(CxfText {
            line,
            external,
            text,
            height,
            angle,
            position,
            surface_right,
        })))
    }

    pub(super) fn simbolo(&mut self, line: u64, external: bool) -> Result<Option<CxfRecord>, Fail> {
        let code = self.small_int("CODICE SIMBOLO")?;
        let angle = self.real("ANGOLO")?;
        let position = self.point("POSIZIONEX", "POSIZIONEY")?;
        self.warn_outside(line, "POSIZIONE", &[position]);
        Ok(Some(CxfRecord::Symbol(CxfSymbol {
            line,
            external,
            code,
            angle,
            position,
        })))
    }

    pub(super) fn fiduciale(
        &mut self,
        line: u64,
        external: bool,
    ) -> Result<Option<CxfRecord>, Fail> {
        let (number, _) = self.text("NUMERO IDENTIFICATIVO")?;
        let symbol = self.small_int("CODICE SIMBOLO")?;
        let position = self.point("POSIZIONEX", "POSIZIONEY")?;
        let label_position = self.point("PUNTORAPPRESENTAZIONEX", "PUNTORAPPRESENTAZIONEY")?;
        self.warn_outside(line, "POSIZIONE", &[position]);
        Ok(Some(CxfRecord::Fiducial(CxfFiducial {
            line,
            external,
            number,
            symbol,
            position,
            label_position,
        })))
    }

    pub(super) fn polyline(
        &mut self,
        line: u64,
        what: &str,
    ) -> Result<Option<LineString<f64>>, Fail> {
        let (n, n_line) = self.count("NUMEROVERTICI", self.options.max_vertices)?;
        let coords = self.vertices(n)?;
        if n < 2 {
            let why = format!("{what} with {n} vertices: at least 2 are needed");
            self.reject(n_line, Some("NUMEROVERTICI"), why);
            return Ok(None);
        }
        self.warn_outside(line, "VERTICI", &coords);
        Ok(Some(LineString::from(coords)))
    }

    pub(super) fn linea(&mut self, line: u64, external: bool) -> Result<Option<CxfRecord>, Fail> {
        let style = self.small_int("CODICE TIPO DI TRATTO")?;
        Ok(self.polyline(line, "LINEA")?.map(|geometry| {
            CxfRecord::Line(CxfLine {
                line,
                external,
                style,
                geometry,
            })
        }))
    }

    pub(super) fn raster(&mut self, line: u64) -> Result<Option<CxfRecord>, Fail> {
        let (raster, _) = self.text("FILE RASTER")?;
        let mut corners = [Coord { x: 0.0, y: 0.0 }; 4];
        for c in &mut corners {
            *c = self.point("VERTICE X", "VERTICE Y")?;
        }
        self.warn_outside(line, "VERTICI", &corners);
        Ok(Some(CxfRecord::RasterReference(CxfRasterReference {
            line,
            raster,
            corners,
        })))
    }

    pub(super) fn libretto(&mut self, line: u64) -> Result<Option<CxfRecord>, Fail> {
        let (protocol, _) = self.text("PROTOCOLLO")?;
        let style = self.small_int("TIPO DI TRATTO")?;
        Ok(self.polyline(line, "LIBRETTO")?.map(|geometry| {
            CxfRecord::SurveyBook(CxfSurveyBook {
                line,
                protocol,
                style,
                geometry,
            })
        }))
    }
}

/// Whether a text read as Latin-1 holds UTF-8 sequences of accented letters (`Ã` or `Â`
/// followed by a continuation byte), the mark of a UTF-8 file among Latin-1 supplies.
fn looks_utf8(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '\u{c2}' | '\u{c3}')
            && chars
                .peek()
                .is_some_and(|n| ('\u{80}'..='\u{bf}').contains(n))
        {
            return true;
        }
    }
    false
}
