//! OMI zones and quotations (`shared/domain/other-supplies.md` §6): `QI_<id>_VALORI.csv`,
//! `QI_<id>_ZONE.csv` (title line, header line, `;` with a trailing `;`, decimal comma),
//! `<Belfiore>.kml` perimeters (lon,lat) and `microzones.geojson`.
//!
//! The generator has no market zones; they derive from the town's extent: a central band
//! `B1` around the historic centre, a semi-central ring `C1` and a peripheral ring `D1`
//! reaching the town's edge (each ring a polygon with the inner zone as its hole, so the
//! zones tile the town). Each zone is one cadastral microzone (1, 2, 3).

use std::fmt::Write as _;
use std::io;

use geo_types::{Coord, LineString, Polygon};
use segit_query::{Crs, Transformer};

use super::Ctx;
use super::text::{Encoding, comma_number};
use super::truth::{DefectKind, Outcome};

/// One OMI zone.
pub struct Zone {
    /// band letter
    pub fascia: &'static str,
    /// zone code
    pub code: &'static str,
    /// description
    pub description: &'static str,
    /// cadastral microzone
    pub microzone: u32,
    /// national key
    pub link: String,
    /// perimeter in the storage CRS
    pub polygon: Polygon<f64>,
    /// price level factor
    pub level: f64,
}

fn rect(cx: f64, cy: f64, hw: f64, hh: f64, clockwise: bool) -> LineString<f64> {
    let mut pts = vec![
        Coord {
            x: cx - hw,
            y: cy - hh,
        },
        Coord {
            x: cx + hw,
            y: cy - hh,
        },
        Coord {
            x: cx + hw,
            y: cy + hh,
        },
        Coord {
            x: cx - hw,
            y: cy + hh,
        },
        Coord {
            x: cx - hw,
            y: cy - hh,
        },
    ];
    if clockwise {
        pts.reverse();
    }
    LineString(
        pts.into_iter()
            .map(|c| Coord {
                x: c.x.round(),
                y: c.y.round(),
            })
            .collect(),
    )
}

/// The zones of the town.
pub fn zones(town: &crate::Municipality) -> Vec<Zone> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let (mut hx, mut hy, mut hn) = (0.0, 0.0, 0.0);
    for p in &town.parcels {
        for c in &p.geometry.exterior().0 {
            (x0, y0, x1, y1) = (x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y));
        }
        if p.census_zone == 1 {
            let c = crate::geom::centroid(&p.geometry);
            (hx, hy, hn) = (hx + c.x(), hy + c.y(), hn + 1.0);
        }
    }
    if x0 > x1 {
        return Vec::new();
    }
    let (cx, cy) = if hn > 0.0 {
        (hx / hn, hy / hn)
    } else {
        (f64::midpoint(x0, x1), f64::midpoint(y0, y1))
    };
    // half sizes reaching the far edge from the centre, plus a margin
    let hw = (cx - x0).max(x1 - cx) + 50.0;
    let hh = (cy - y0).max(y1 - cy) + 50.0;
    let b = (0.22 * hw, 0.22 * hh);
    let c = (0.55 * hw, 0.55 * hh);
    let link = |k: u32| format!("MI{:08}", 99_900 + k);
    vec![
        Zone {
            fascia: "B",
            code: "B1",
            description: "CENTRO STORICO",
            microzone: 1,
            link: link(1),
            polygon: Polygon::new(rect(cx, cy, b.0, b.1, false), vec![]),
            // the historic centre sells far above what its old buildings' rents say: the
            // c. 335 case (R26)
            level: 1.6,
        },
        Zone {
            fascia: "C",
            code: "C1",
            description: "SEMICENTRO",
            microzone: 2,
            link: link(2),
            polygon: Polygon::new(
                rect(cx, cy, c.0, c.1, false),
                vec![rect(cx, cy, b.0, b.1, true)],
            ),
            level: 1.0,
        },
        Zone {
            fascia: "D",
            code: "D1",
            description: "PERIFERIA E ZONA PRODUTTIVA",
            microzone: 3,
            link: link(3),
            polygon: Polygon::new(
                rect(cx, cy, hw, hh, false),
                vec![rect(cx, cy, c.0, c.1, true)],
            ),
            level: 0.8,
        },
    ]
}

fn lon_lat(t: &Transformer, ring: &LineString<f64>) -> io::Result<Vec<(f64, f64)>> {
    ring.0
        .iter()
        .map(|c| {
            t.transform_coord(c.x, c.y)
                .map_err(|e| io::Error::other(e.to_string()))
        })
        .collect()
}

const HEAD: &str =
    "Area_territoriale;Regione;Prov;Comune_ISTAT;Comune_cat;Sez;Comune_amm;Comune_descrizione";

/// Writes the OMI files.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let zones = zones(town);
    let t = Transformer::new(town.crs, Crs::Crs84).map_err(|e| io::Error::other(e.to_string()))?;
    // region code (Lombardy, 03) + ISTAT code, leading zero dropped (identifiers.md §1)
    let region_istat = format!("03{}", town.istat);
    let istat = region_istat.trim_start_matches('0');
    let common = format!(
        "NORD-OVEST;LOMBARDIA;MI;{istat};;;{};{}",
        town.belfiore,
        town.name.to_uppercase()
    );
    let id = format!("QI_{}_{}1", town.belfiore, town.tax_year);

    let rel = format!("omi/{id}_VALORI.csv");
    let mut out = cx.create(&rel, Encoding::Utf8, cx.opts.crlf)?;
    out.line(&format!(
        "Quotazioni OMI - Anno/Semestre {}/1;",
        town.tax_year
    ));
    out.line(&format!("{HEAD};Fascia;Zona;LinkZona;Cod_Tip;Descr_Tipologia;Stato;Stato_prev;Compr_min;Compr_max;Sup_NL_compr;Loc_min;Loc_max;Sup_NL_loc;"));
    let typologies = [
        (20, "Abitazioni civili", 1900.0),
        (1, "Ville e Villini", 2200.0),
        (6, "Uffici", 1700.0),
        (11, "Negozi", 1500.0),
        (13, "Box", 900.0),
    ];
    let mut rows = 0u64;
    for z in &zones {
        for (code, name, base) in typologies {
            let lo = (base * z.level / 50.0).round() * 50.0;
            let hi = lo * 1.35;
            out.line(&format!(
                "{common};{};{};{};{code};{name};NORMALE;P;{lo:.0};{hi:.0};L;{};{};L;",
                z.fascia,
                z.code,
                z.link,
                comma_number(lo / 190.0, 1),
                comma_number(hi / 190.0, 1)
            ));
            rows += 1;
        }
    }
    let loaded = rows;
    if cx.malformed()
        && let Some(z) = zones.first()
    {
        let line = out.line(&format!(
            "{common};{};{};{};21;Abitazioni di tipo economico;NORMALE;P;n.d.;1500;L;5,1;6,2;L;",
            z.fascia, z.code, z.link
        ));
        cx.rec.defect(
            &rel,
            line,
            Some("Compr_min"),
            DefectKind::NonNumeric,
            Outcome::Rejected,
        );
        rows += 1;
    }
    cx.rec.expect("omi_values", loaded);
    cx.save(out, "omi-values", &[("rows", rows)], loaded)?;

    let rel = format!("omi/{id}_ZONE.csv");
    let mut out = cx.create(&rel, Encoding::Utf8, cx.opts.crlf)?;
    out.line(&format!("Zone OMI - Anno/Semestre {}/1;", town.tax_year));
    out.line(&format!(
        "{HEAD};Fascia;Zona_Descr;Zona;LinkZona;Cod_tip_prev;Descr_tip_prev;Stato_prev;Microzona;"
    ));
    for z in &zones {
        out.line(&format!(
            "{common};{};'{}';{};{};20;Abitazioni civili;NORMALE;{};",
            z.fascia, z.description, z.code, z.link, z.microzone
        ));
    }
    cx.rec.expect("omi_zones", zones.len() as u64);
    cx.save(
        out,
        "omi-zones",
        &[("rows", zones.len() as u64)],
        zones.len() as u64,
    )?;

    let rel = format!("omi/{}.kml", town.belfiore);
    let mut out = cx.create(&rel, Encoding::Utf8, cx.opts.crlf)?;
    out.line(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.line(r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document>"#);
    out.line(&format!(
        "<name>{} - Anno/Semestre {}/1</name>",
        town.belfiore, town.tax_year
    ));
    for z in &zones {
        let ring = |r: &LineString<f64>| -> io::Result<String> {
            Ok(lon_lat(&t, r)?
                .iter()
                .map(|(x, y)| format!("{x:.7},{y:.7}"))
                .collect::<Vec<_>>()
                .join(" "))
        };
        let mut poly = format!(
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs>",
            ring(z.polygon.exterior())?
        );
        for h in z.polygon.interiors() {
            let _ = write!(
                poly,
                "<innerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></innerBoundaryIs>",
                ring(h)?
            );
        }
        poly.push_str("</Polygon>");
        out.line(&format!(
            "<Placemark><name>{}</name><ExtendedData><Data name=\"CODCOM\"><value>{}</value></Data><Data name=\"CODZONA\"><value>{}</value></Data><Data name=\"LINKZONA\"><value></value></Data></ExtendedData><MultiGeometry>{poly}</MultiGeometry></Placemark>",
            z.code, town.belfiore, z.code
        ));
    }
    out.line("</Document></kml>");
    cx.save(
        out,
        "omi-kml",
        &[("placemarks", zones.len() as u64)],
        zones.len() as u64,
    )?;

    let rel = "omi/microzones.geojson";
    let mut out = cx.create(rel, Encoding::Utf8, cx.opts.crlf)?;
    out.line(r#"{"type":"FeatureCollection","features":["#);
    for (k, z) in zones.iter().enumerate() {
        let mut rings = Vec::new();
        for r in std::iter::once(z.polygon.exterior()).chain(z.polygon.interiors()) {
            let pts: Vec<String> = lon_lat(&t, r)?
                .iter()
                .map(|(x, y)| format!("[{x:.7},{y:.7}]"))
                .collect();
            rings.push(format!("[{}]", pts.join(",")));
        }
        out.line(&format!(
            r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[{}]}},"properties":{{"comune":"{}","microzona":{},"omi_zona":"{}","link_zona":"{}"}}}}{}"#,
            rings.join(","),
            town.belfiore,
            z.microzone,
            z.code,
            z.link,
            if k + 1 < zones.len() { "," } else { "" }
        ));
    }
    out.line("]}");
    cx.rec.expect("microzones", zones.len() as u64);
    cx.save(
        out,
        "microzones",
        &[("features", zones.len() as u64)],
        zones.len() as u64,
    )
}
