//! Low-level JSON writing into a byte buffer: strings, numbers, property values, GeoJSON
//! geometries and features. Geometries arrive in east/north order; `swap` writes them
//! north/east for CRSs whose official axis order is latitude first.

use geo_types::{Coord, Geometry, LineString, Polygon};
use segit_query::{Feature, Value};

use crate::common::links::Link;

/// Writes `s` as a JSON string literal.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if let Some(e) = esc {
            out.extend_from_slice(e);
        } else {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Writes a float in its shortest round-trip form; non-finite values become `null`.
pub fn write_f64(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        let mut buf = ryu::Buffer::new();
        out.extend_from_slice(buf.format_finite(x).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Writes an integer.
pub fn write_i64(out: &mut Vec<u8>, i: i64) {
    use std::io::Write;
    // writing into a Vec cannot fail
    let _ = write!(out, "{i}");
}

/// Writes a property value (dates as `YYYY-MM-DD`, date-times as RFC 3339 in UTC).
pub fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => write_i64(out, *i),
        Value::Float(x) => write_f64(out, *x),
        Value::Text(t) => write_str(out, t),
        Value::Date(d) => {
            use chrono::Datelike;
            use std::io::Write;
            // writing into a Vec cannot fail
            let _ = write!(out, "\"{:04}-{:02}-{:02}\"", d.year(), d.month(), d.day());
        }
        Value::DateTime(d) => {
            write_str(out, &d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        }
    }
}

fn write_coord(out: &mut Vec<u8>, c: Coord<f64>, swap: bool) {
    let (a, b) = if swap { (c.y, c.x) } else { (c.x, c.y) };
    out.push(b'[');
    write_f64(out, a);
    out.push(b',');
    write_f64(out, b);
    out.push(b']');
}

fn write_coords(out: &mut Vec<u8>, coords: impl Iterator<Item = Coord<f64>>, swap: bool) {
    out.push(b'[');
    for (i, c) in coords.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_coord(out, c, swap);
    }
    out.push(b']');
}

fn write_line(out: &mut Vec<u8>, l: &LineString<f64>, swap: bool) {
    write_coords(out, l.0.iter().copied(), swap);
}

fn write_polygon(out: &mut Vec<u8>, p: &Polygon<f64>, swap: bool) {
    out.push(b'[');
    write_line(out, p.exterior(), swap);
    for ring in p.interiors() {
        out.push(b',');
        write_line(out, ring, swap);
    }
    out.push(b']');
}

fn write_list<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

/// Writes a GeoJSON geometry object (`Line`, `Rect` and `Triangle` as their GeoJSON kin).
pub fn write_geometry(out: &mut Vec<u8>, g: &Geometry<f64>, swap: bool) {
    let kind: &[u8] = match g {
        Geometry::Point(_) => b"Point",
        Geometry::Line(_) | Geometry::LineString(_) => b"LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => b"Polygon",
        Geometry::MultiPoint(_) => b"MultiPoint",
        Geometry::MultiLineString(_) => b"MultiLineString",
        Geometry::MultiPolygon(_) => b"MultiPolygon",
        Geometry::GeometryCollection(c) => {
            out.extend_from_slice(br#"{"type":"GeometryCollection","geometries":"#);
            write_list(out, &c.0, |o, g| write_geometry(o, g, swap));
            out.push(b'}');
            return;
        }
    };
    out.extend_from_slice(br#"{"type":""#);
    out.extend_from_slice(kind);
    out.extend_from_slice(br#"","coordinates":"#);
    match g {
        Geometry::Point(p) => write_coord(out, p.0, swap),
        Geometry::Line(l) => write_coords(out, [l.start, l.end].into_iter(), swap),
        Geometry::LineString(l) => write_line(out, l, swap),
        Geometry::Polygon(p) => write_polygon(out, p, swap),
        Geometry::Rect(r) => write_polygon(out, &r.to_polygon(), swap),
        Geometry::Triangle(t) => write_polygon(out, &t.to_polygon(), swap),
        Geometry::MultiPoint(m) => write_coords(out, m.0.iter().map(|p| p.0), swap),
        Geometry::MultiLineString(m) => write_list(out, &m.0, |o, l| write_line(o, l, swap)),
        Geometry::MultiPolygon(m) => write_list(out, &m.0, |o, p| write_polygon(o, p, swap)),
        Geometry::GeometryCollection(_) => {}
    }
    out.push(b'}');
}

/// Writes a list of links as a JSON array.
pub fn write_links(out: &mut Vec<u8>, links: &[Link]) {
    write_list(out, links, |o, l| {
        o.extend_from_slice(br#"{"href":"#);
        write_str(o, &l.href);
        o.extend_from_slice(br#","rel":"#);
        write_str(o, &l.rel);
        o.extend_from_slice(br#","type":"#);
        write_str(o, &l.media_type);
        o.extend_from_slice(br#","title":"#);
        write_str(o, &l.title);
        o.push(b'}');
    });
}

/// Writes a GeoJSON Feature; `links` are added as a `links` member when given.
pub fn write_feature(out: &mut Vec<u8>, f: &Feature, swap: bool, links: Option<&[Link]>) {
    out.extend_from_slice(br#"{"type":"Feature","id":"#);
    write_str(out, &f.id);
    out.extend_from_slice(br#","geometry":"#);
    match &f.geometry {
        Some(g) => write_geometry(out, g, swap),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(br#","properties":{"#);
    for (i, (name, value)) in f.properties.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, name);
        out.push(b':');
        write_value(out, value);
    }
    out.push(b'}');
    if let Some(links) = links {
        out.extend_from_slice(br#","links":"#);
        write_links(out, links);
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{Geometry, point, polygon};

    fn to_json(f: impl FnOnce(&mut Vec<u8>)) -> serde_json::Value {
        let mut out = Vec::new();
        f(&mut out);
        serde_json::from_slice(&out).expect("valid JSON")
    }

    #[test]
    fn strings_are_escaped() {
        let v = to_json(|o| write_str(o, "a\"b\\c\nd\u{1}é"));
        assert_eq!(v, "a\"b\\c\nd\u{1}é");
    }

    #[test]
    fn features_are_valid_geojson_and_swap_axes_on_request() {
        let f = Feature {
            id: "p1".into(),
            geometry: Some(Geometry::Point(point! { x: 7.5, y: 45.25 })),
            properties: vec![
                ("n".into(), Value::Int(3)),
                ("x".into(), Value::Float(f64::NAN)),
                (
                    "d".into(),
                    Value::Date(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
                ),
            ],
        };
        let v = to_json(|o| write_feature(o, &f, false, None));
        assert_eq!(
            v["geometry"]["coordinates"],
            serde_json::json!([7.5, 45.25])
        );
        assert_eq!(v["properties"]["x"], serde_json::Value::Null);
        assert_eq!(v["properties"]["d"], "2024-02-29");
        let v = to_json(|o| write_feature(o, &f, true, None));
        assert_eq!(
            v["geometry"]["coordinates"],
            serde_json::json!([45.25, 7.5])
        );
    }

    #[test]
    fn polygons_keep_their_rings() {
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 0.1, y: 0.1), (x: 0.2, y: 0.1), (x: 0.2, y: 0.2), (x: 0.1, y: 0.1)]],
        );
        let v = to_json(|o| write_geometry(o, &Geometry::Polygon(p), false));
        assert_eq!(v["type"], "Polygon");
        assert_eq!(v["coordinates"].as_array().unwrap().len(), 2);
    }
}
