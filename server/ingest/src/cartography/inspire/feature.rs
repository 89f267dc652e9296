//! Completing a GML feature: geometry elements as they end, then the checks and the record
//! when the feature ends.

use std::io::BufRead;

use chrono::{NaiveDate, NaiveDateTime};
use geo_types::MultiPolygon;
use segit_model::{ParcelKey, SheetKey};
use segit_query::Crs;

use super::{Feature, FeatureType, InspireReader, Role};
use crate::cartography::georef::AreaOfUse;
use crate::cartography::gml_geometry::{parse_coordinates, parse_pos_list};
use crate::cartography::inspire_records::{InspireFeature, InspireKind, ParcelClass};
use crate::cartography::repair;
use crate::diag::{Diagnostic, Item};

impl<R: BufRead> InspireReader<R> {
    fn area_of_use(&mut self, crs: Crs) -> Option<AreaOfUse> {
        *self
            .areas
            .entry(crs)
            .or_insert_with(|| AreaOfUse::italy(crs).ok())
    }

    pub(super) fn finish(&mut self, mut f: Feature) {
        let file = self.file.clone();
        let reject = |field: &str, reason: String| {
            Item::Diagnostic(Diagnostic::rejected(&file, f.line, Some(field), reason))
        };
        if let Some((field, reason)) = f.error.take() {
            return self.pending.push_back(reject(&field, reason));
        }
        if f.polygons.is_empty() {
            let item = reject("geometry", "feature without polygon geometry".to_owned());
            return self.pending.push_back(item);
        }
        let mut polygons = Vec::new();
        let mut repaired = Vec::new();
        for (i, rings) in std::mem::take(&mut f.polygons).into_iter().enumerate() {
            match repair::assemble(rings, self.options.invalid_polygons) {
                Ok(a) => {
                    repaired.extend(
                        a.repairs
                            .into_iter()
                            .map(|r| format!("polygon {}: {r}", i + 1)),
                    );
                    polygons.extend(a.geometry.0);
                }
                Err(r) => {
                    let item = reject("geometry", format!("polygon {}: {}", i + 1, r.reason));
                    return self.pending.push_back(item);
                }
            }
        }
        let reference = f
            .props
            .get("reference")
            .or(f.props.get("local_id"))
            .or(f.gml_id.as_ref())
            .cloned()
            .unwrap_or_default();
        let kind = match f.kind {
            FeatureType::Parcel => match ParcelKey::parse_inspire_id(&reference) {
                Ok(key) => {
                    let p = key.particella().as_str();
                    let class = if p.starts_with("STRADA") {
                        ParcelClass::Road
                    } else if p.starts_with("ACQUA") {
                        ParcelClass::Water
                    } else {
                        ParcelClass::Parcel
                    };
                    InspireKind::Parcel { key, class }
                }
                Err(e) => {
                    let item = reject("nationalCadastralReference", e.to_string());
                    return self.pending.push_back(item);
                }
            },
            FeatureType::Zoning => match SheetKey::parse_inspire_id(&reference) {
                Ok(sheet) => InspireKind::Zoning {
                    sheet,
                    level: f.props.get("level").cloned(),
                    level_name: f.props.get("level_name").cloned(),
                    scale: self.number(&f, "scale", "originalMapScaleDenominator"),
                },
                Err(e) => {
                    let item = reject("nationalCadastalZoningReference", e.to_string());
                    return self.pending.push_back(item);
                }
            },
        };
        self.cross_check(&f, &kind);
        for r in repaired {
            let d = Diagnostic::repaired(&self.file, f.line, Some("geometry"), r);
            self.pending.push_back(Item::Diagnostic(d));
        }
        let crs = f.crs.unwrap_or(Crs::Epsg(6706));
        let geometry = MultiPolygon(polygons);
        if let Some(aou) = self.area_of_use(crs) {
            let outside = geometry
                .0
                .iter()
                .flat_map(|p| p.exterior().0.iter())
                .find(|c| !aou.contains(**c));
            match outside {
                None => self.inside_seen = true,
                Some(c) if self.inside_seen => {
                    let item = reject(
                        "geometry",
                        format!(
                            "({}, {}) lies outside {}, while earlier features of the file lie \
                             inside it: broken coordinates, the feature is not loaded",
                            c.x,
                            c.y,
                            aou.describe()
                        ),
                    );
                    return self.pending.push_back(item);
                }
                Some(c) => {
                    let d = Diagnostic::warning(
                        &self.file,
                        f.line,
                        Some("geometry"),
                        format!("({}, {}) lies outside {}", c.x, c.y, aou.describe()),
                    );
                    self.pending.push_back(Item::Diagnostic(d));
                }
            }
        }
        let area_value = self.number(&f, "area", "areaValue");
        let begin_lifespan = f.props.get("begin").and_then(|s| {
            let parsed = parse_datetime(s);
            if parsed.is_none() {
                let d = Diagnostic::warning(
                    &self.file,
                    f.line,
                    Some("beginLifespanVersion"),
                    format!("'{s}' is not a date-time"),
                );
                self.pending.push_back(Item::Diagnostic(d));
            }
            parsed
        });
        let mut props = f.props;
        self.pending.push_back(Item::Record(InspireFeature {
            line: f.line,
            kind,
            gml_id: f.gml_id,
            local_id: props.remove("local_id"),
            namespace: props.remove("namespace"),
            reference,
            label: props.remove("label"),
            administrative_unit: props.remove("administrative_unit"),
            area_value,
            begin_lifespan,
            crs,
            geometry,
        }));
    }

    /// A numeric property, reported as a warning when it is not a number.
    fn number(&mut self, f: &Feature, key: &str, field: &str) -> Option<f64> {
        let s = f.props.get(key)?;
        let v = s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        if v.is_none() {
            let d = Diagnostic::warning(
                &self.file,
                f.line,
                Some(field),
                format!("'{s}' is not a number"),
            );
            self.pending.push_back(Item::Diagnostic(d));
        }
        v
    }

    /// Warns when the local id names another parcel or sheet than the reference.
    fn cross_check(&mut self, f: &Feature, kind: &InspireKind) {
        let Some(local) = f.props.get("local_id") else {
            return;
        };
        let same = match kind {
            InspireKind::Parcel { key, .. } => {
                ParcelKey::parse_inspire_id(local).ok().as_ref() == Some(key)
            }
            InspireKind::Zoning { sheet, .. } => {
                SheetKey::parse_inspire_id(local).ok().as_ref() == Some(sheet)
            }
        };
        if !same {
            let d = Diagnostic::warning(
                &self.file,
                f.line,
                Some("inspireId"),
                format!("local id {local} does not match the reference"),
            );
            self.pending.push_back(Item::Diagnostic(d));
        }
    }
}

/// Handles the end of a geometry element.
pub(super) fn geometry_end(
    f: &mut Feature,
    name: &str,
    max_positions: usize,
    legacy_east_north: bool,
) {
    match name {
        "posList" | "pos" | "coordinates" => {
            let Some((text, gml2)) = f.coords.take() else {
                return;
            };
            let (crs, north_first) = match f.srs.as_deref().map(gml_crs) {
                None => (Crs::Epsg(6706), true),
                Some(Some((c, legacy))) => (c, c.north_east() && !(legacy && legacy_east_north)),
                Some(None) => {
                    let srs = f.srs.clone().unwrap_or_default();
                    return f.fail("srsName", format!("unsupported CRS '{srs}'"));
                }
            };
            if f.crs.is_some_and(|c| c != crs) {
                return f.fail("srsName", "parts of the geometry in different CRSs");
            }
            f.crs = Some(crs);
            let Some(ring) = f.ring.as_mut() else {
                return f.fail("geometry", format!("{name} outside a LinearRing"));
            };
            let before = ring.len();
            let room = max_positions.saturating_sub(f.positions);
            let parsed = if gml2 {
                parse_coordinates(&text, north_first, ring, before + room)
            } else {
                parse_pos_list(&text, f.dim, north_first, ring, before + room)
            };
            f.positions += ring.len() - before;
            if let Err(e) = parsed {
                f.fail(name, e);
            }
        }
        "LinearRing" => {
            let Some(ring) = f.ring.take() else { return };
            let Some(polygon) = f.polygon.as_mut() else {
                return f.fail("geometry", "LinearRing outside a Polygon");
            };
            match f.role {
                Role::Exterior if polygon.exterior.is_some() => {
                    f.fail("exterior", "a polygon with two exterior rings");
                }
                Role::Exterior => polygon.exterior = Some(ring),
                Role::Interior => polygon.interiors.push(ring),
            }
        }
        "Polygon" | "PolygonPatch" => {
            let Some(p) = f.polygon.take() else { return };
            match p.into_rings() {
                Some(rings) => f.polygons.push(rings),
                None => f.fail("exterior", "a polygon without exterior ring"),
            }
        }
        _ => {}
    }
}

/// The CRS of an `srsName` and whether it is the legacy `EPSG:<code>` spelling. ETRS89
/// geographic (4258), the INSPIRE CRS, reads as RDN2008 (6706): the two agree at the sub-metre
/// level (crs.md §1) and share their axis order.
fn gml_crs(srs: &str) -> Option<(Crs, bool)> {
    let legacy = srs.trim().to_ascii_uppercase().starts_with("EPSG:");
    if let Ok(c) = Crs::parse(srs) {
        return Some((c, legacy));
    }
    let code = srs.trim().rsplit([':', '/']).next()?;
    (code == "4258").then_some((Crs::Epsg(6706), legacy))
}

/// Parses an xs:dateTime (offset ignored) or an xs:date.
fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.naive_local());
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
            return Some(dt);
        }
    }
    NaiveDate::parse_from_str(s.trim_end_matches('Z'), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}
