//! The open INSPIRE cadastral data in the Agenzia's MapServer flavour
//! (`shared/domain/inspire-gml.md` §2, §5): `<Belfiore>_ple.gml` with one `CP:CadastralParcel`
//! per parcel and `<Belfiore>_map.gml` with one `CP:CadastralZoning` per sheet, GML 3.2 in
//! EPSG:6706 with **latitude first**.

use std::fmt::Write as _;
use std::io;

use geo_types::{Coord, LineString, Polygon};
use segit_query::{Crs, Transformer};

use super::Ctx;
use super::cartography::{sheet_bounds, sheets};
use super::text::Encoding;
use super::truth::{DefectKind, Outcome};

const HEAD: &str = r#"<wfs:FeatureCollection xmlns:CP="http://mapserver.gis.umn.edu/mapserver" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:wfs="http://www.opengis.net/wfs/2.0" numberMatched="{n}" numberReturned="{n}">"#;

fn to_io(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// `lat lon` pairs of a ring moved to EPSG:6706.
fn pos_list(t: &Transformer, ring: &LineString<f64>) -> io::Result<String> {
    let mut out = Vec::with_capacity(ring.0.len());
    for c in &ring.0 {
        let (lon, lat) = t.transform_coord(c.x, c.y).map_err(to_io)?;
        out.push(format!("{lat:.8} {lon:.8}"));
    }
    Ok(out.join(" "))
}

fn polygon(t: &Transformer, id: &str, p: &Polygon<f64>) -> io::Result<String> {
    let mut s = format!(
        r#"<gml:Polygon gml:id="{id}.1" srsName="urn:ogc:def:crs:EPSG::6706"><gml:exterior><gml:LinearRing><gml:posList srsDimension="2">{}</gml:posList></gml:LinearRing></gml:exterior>"#,
        pos_list(t, p.exterior())?
    );
    for h in p.interiors() {
        let _ = write!(
            s,
            r#"<gml:interior><gml:LinearRing><gml:posList srsDimension="2">{}</gml:posList></gml:LinearRing></gml:interior>"#,
            pos_list(t, h)?
        );
    }
    s.push_str("</gml:Polygon>");
    Ok(s)
}

fn parcel_member(belfiore: &str, key: &str, label: &str, geometry: &str) -> String {
    format!(
        "<wfs:member><CP:CadastralParcel gml:id=\"CadastralParcel.IT.AGE.PLA.{key}\"><CP:msGeometry>{geometry}</CP:msGeometry><CP:INSPIREID_LOCALID>IT.AGE.PLA.{key}</CP:INSPIREID_LOCALID><CP:INSPIREID_NAMESPACE>IT.AGE.PLA.</CP:INSPIREID_NAMESPACE><CP:LABEL>{label}</CP:LABEL><CP:NATIONALCADASTRALREFERENCE>{key}</CP:NATIONALCADASTRALREFERENCE><CP:ADMINISTRATIVEUNIT>{belfiore}</CP:ADMINISTRATIVEUNIT></CP:CadastralParcel></wfs:member>"
    )
}

/// Writes both GML files.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let t = Transformer::new(town.crs, Crs::Epsg(6706)).map_err(to_io)?;
    let rel = format!("cartografia/inspire/{}_ple.gml", town.belfiore);
    let mut out = cx.create(&rel, Encoding::Utf8, cx.opts.crlf)?;
    let planted = u64::from(cx.malformed());
    let n = town.parcels.len() as u64 + planted;
    out.line(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.line(&HEAD.replace("{n}", &n.to_string()));
    for p in &town.parcels {
        let id = format!("CadastralParcel.IT.AGE.PLA.{}", p.key);
        let g = polygon(&t, &id, &p.geometry)?;
        out.line(&parcel_member(town.belfiore, &p.key, &p.particella, &g));
    }
    if cx.malformed()
        && let Some(p) = town.parcels.first()
    {
        // a parcel whose coordinates lie near the North Pole: outside EPSG:6706's area (Italy)
        // after parcels inside it, rejected
        let key = format!("{}.9002", p.sheet_key);
        let g = format!(
            r#"<gml:Polygon gml:id="CadastralParcel.IT.AGE.PLA.{key}.1" srsName="urn:ogc:def:crs:EPSG::6706"><gml:exterior><gml:LinearRing><gml:posList srsDimension="2">89.10000000 150.00000000 89.10010000 150.00000000 89.10010000 150.00010000 89.10000000 150.00010000 89.10000000 150.00000000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#
        );
        let line = out.line(&parcel_member(town.belfiore, &key, "9002", &g));
        cx.rec.defect(
            &rel,
            line,
            Some("geometry"),
            DefectKind::OutsideCrsArea,
            Outcome::Rejected,
        );
    }
    out.line("</wfs:FeatureCollection>");
    cx.rec.expect("inspire_parcels", town.parcels.len() as u64);
    cx.save(out, "gml", &[("parcels", n)], town.parcels.len() as u64)?;

    let rel = format!("cartografia/inspire/{}_map.gml", town.belfiore);
    let mut out = cx.create(&rel, Encoding::Utf8, cx.opts.crlf)?;
    let sheets = sheets(town);
    out.line(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.line(&HEAD.replace("{n}", &sheets.len().to_string()));
    for (key, parcels) in &sheets {
        let (x0, y0, x1, y1) = sheet_bounds(town, parcels);
        let ring = LineString(vec![
            Coord { x: x0, y: y0 },
            Coord { x: x1, y: y0 },
            Coord { x: x1, y: y1 },
            Coord { x: x0, y: y1 },
            Coord { x: x0, y: y0 },
        ]);
        let id = format!("CadastralZoning.IT.AGE.MAP.{key}");
        let g = polygon(&t, &id, &Polygon::new(ring, vec![]))?;
        let label = key
            .get(5..9)
            .map_or(String::new(), |s| s.trim_start_matches('0').to_owned());
        out.line(&format!(
            "<wfs:member><CP:CadastralZoning gml:id=\"{id}\"><CP:msGeometry>{g}</CP:msGeometry><CP:INSPIREID_LOCALID>IT.AGE.MAP.{key}</CP:INSPIREID_LOCALID><CP:INSPIREID_NAMESPACE>IT.AGE.MAP.</CP:INSPIREID_NAMESPACE><CP:LABEL>{label}</CP:LABEL><CP:LEVEL>3rdOrder</CP:LEVEL><CP:LEVELNAME>Mappa Catastale</CP:LEVELNAME><CP:NATIONALCADASTRALZONINGREFERENCE>{key}</CP:NATIONALCADASTRALZONINGREFERENCE><CP:ADMINISTRATIVEUNIT>{}</CP:ADMINISTRATIVEUNIT></CP:CadastralZoning></wfs:member>",
            town.belfiore
        ));
    }
    out.line("</wfs:FeatureCollection>");
    cx.rec.expect("inspire_zonings", sheets.len() as u64);
    cx.save(
        out,
        "gml",
        &[("zonings", sheets.len() as u64)],
        sheets.len() as u64,
    )
}
