//! Features of the maps: building outlines with their host parcel, and the auxiliary layers
//! (roads, waters, texts, symbols, fiducials, lines, sheet boundaries).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo_types::{Geometry, LineString, MultiPolygon, Point};
use segit_model::ParcelKey;
use segit_query::{Collection, Feature, Value};

use super::cadastre::{MapParcel, UniqueIds};
use super::values::{feature, int, link_values, opt_num, opt_text, text};
use crate::cartography::{AreaKind, CxfArea, CxfSheet};
use crate::link::{Link, LinkMethod, LinkRates, ParcelGrid};

/// Building outlines with their host parcel: from the `nnn+` code, else spatially.
pub(crate) fn buildings(
    c: &Collection,
    sheets: &[CxfSheet],
    map: &BTreeMap<ParcelKey, MapParcel>,
    supply_date: NaiveDate,
    rates: &mut LinkRates,
) -> Vec<Feature> {
    let keys: Vec<&ParcelKey> = map.keys().collect();
    let grid = ParcelGrid::new(map.values().map(|m| &m.geometry));
    let mut ids = UniqueIds::default();
    let mut out = Vec::new();
    for sheet in sheets {
        let sheet_key = sheet.header.sheet.to_string();
        for b in &sheet.buildings {
            let spatial = grid.host(&b.geometry);
            let host = match &b.kind {
                AreaKind::Building { host: Some(k) } => {
                    Some((Link::new(k.clone(), LinkMethod::SourceKey), None))
                }
                _ => spatial.and_then(|(i, share)| {
                    keys.get(i)
                        .map(|k| (Link::new((*k).clone(), LinkMethod::Spatial), Some(share)))
                }),
            };
            rates.record("buildings", "parcel", host.as_ref().map(|(l, _)| l.method));
            let share = host
                .as_ref()
                .and_then(|(_, s)| *s)
                .or_else(|| spatial.map(|(_, s)| s));
            let key = ids.take(format!("{sheet_key}.{}", b.code));
            let mut values = vec![
                text(key.clone()),
                text(sheet_key.clone()),
                text(b.code.clone()),
                opt_num(Some(b.area)),
            ];
            values.extend(link_values(host.as_ref().map(|(l, _)| l), |k| {
                text(k.to_string())
            }));
            values.push(opt_num(share));
            let geometry = Some(Geometry::MultiPolygon(b.geometry.clone()));
            out.push(feature(c, key, geometry, values, supply_date, None));
        }
    }
    out
}

/// One auxiliary item before it becomes a feature.
struct Aux {
    line: u64,
    code: Option<String>,
    angle: Option<f64>,
    height: Option<i32>,
    geometry: Geometry<f64>,
}

fn area(a: &CxfArea) -> Aux {
    Aux {
        line: a.line,
        code: Some(a.code.clone()),
        angle: Some(a.label.angle),
        height: Some(a.label.height),
        geometry: Geometry::MultiPolygon(a.geometry.clone()),
    }
}

fn aux_items(sheet: &CxfSheet, layer: &str) -> Vec<Aux> {
    match layer {
        "map_sheets" => sheet.boundary.iter().map(area).collect(),
        "map_roads" => sheet.roads.iter().map(area).collect(),
        "map_waters" => sheet.waters.iter().map(area).collect(),
        "map_texts" => sheet
            .texts
            .iter()
            .map(|t| Aux {
                line: t.line,
                code: Some(t.text.clone()),
                angle: Some(t.angle),
                height: Some(t.height),
                geometry: Geometry::Point(Point(t.position)),
            })
            .collect(),
        "map_symbols" => sheet
            .symbols
            .iter()
            .map(|s| Aux {
                line: s.line,
                code: Some(s.code.to_string()),
                angle: Some(s.angle),
                height: None,
                geometry: Geometry::Point(Point(s.position)),
            })
            .collect(),
        "map_fiducials" => sheet
            .fiducials
            .iter()
            .map(|f| Aux {
                line: f.line,
                code: Some(f.number.clone()),
                angle: None,
                height: None,
                geometry: Geometry::Point(Point(f.position)),
            })
            .collect(),
        "map_lines" => sheet
            .lines
            .iter()
            .map(|l| Aux {
                line: l.line,
                code: Some(l.style.to_string()),
                angle: None,
                height: None,
                geometry: Geometry::LineString(LineString::clone(&l.geometry)),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Features of auxiliary layer `layer` (`map_sheets`, `map_roads`, … `map_lines`).
pub(crate) fn aux_layer(
    c: &Collection,
    layer: &str,
    sheets: &[CxfSheet],
    supply_date: NaiveDate,
) -> Vec<Feature> {
    let kind = layer.trim_start_matches("map_");
    let mut out = Vec::new();
    for sheet in sheets {
        let sheet_key = sheet.header.sheet.to_string();
        for (n, item) in aux_items(sheet, layer).into_iter().enumerate() {
            let key = format!("{sheet_key}/{kind}/{}", n + 1);
            let values = vec![
                text(key.clone()),
                text(sheet_key.clone()),
                int(item.line),
                opt_text(item.code),
                opt_num(item.angle),
                item.height.map_or(Value::Null, int),
            ];
            out.push(feature(
                c,
                key,
                Some(item.geometry),
                values,
                supply_date,
                None,
            ));
        }
    }
    out
}

/// Sheet boundaries: the sheet-boundary areas of the CXF maps and the CadastralZoning
/// features of the INSPIRE GML.
pub(crate) fn sheets(
    c: &Collection,
    sheets: &[CxfSheet],
    inspire: &[crate::cartography::InspireFeature],
    supply_date: NaiveDate,
) -> Vec<Feature> {
    let mut out = aux_layer(c, "map_sheets", sheets, supply_date);
    let mut ids = UniqueIds::default();
    for f in inspire {
        if let crate::cartography::InspireKind::Zoning { sheet, .. } = &f.kind {
            let sheet_key = sheet.to_string();
            let key = ids.take(format!("{sheet_key}/zoning/1"));
            let values = vec![
                text(key.clone()),
                text(sheet_key),
                int(f.line),
                opt_text(Some(&f.reference)),
                Value::Null,
                Value::Null,
            ];
            let geometry = Some(Geometry::MultiPolygon(f.geometry.clone()));
            out.push(feature(c, key, geometry, values, supply_date, None));
        }
    }
    out
}

/// The map parcels of the supply: CXF parcels, then GML parcels the CXF maps lack.
pub(crate) fn map_parcels(
    sheets: &[CxfSheet],
    inspire: &[crate::cartography::InspireFeature],
) -> BTreeMap<ParcelKey, MapParcel> {
    let mut map = BTreeMap::new();
    for sheet in sheets {
        for p in &sheet.parcels {
            map.entry(p.key.clone()).or_insert_with(|| MapParcel {
                geometry: p.geometry.clone(),
                source: "cxf",
                area: Some(p.area),
                declared: (!p.sup_areas.is_empty()).then(|| p.sup_areas.iter().sum()),
                from_supply: true,
            });
        }
    }
    for f in inspire {
        if let crate::cartography::InspireKind::Parcel {
            key,
            class: crate::cartography::ParcelClass::Parcel,
        } = &f.kind
        {
            map.entry(key.clone()).or_insert_with(|| MapParcel {
                geometry: MultiPolygon::clone(&f.geometry),
                source: "gml",
                area: f.area_value,
                declared: None,
                from_supply: true,
            });
        }
    }
    map
}
