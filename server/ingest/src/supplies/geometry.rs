//! Polygons of the GeoJSON, KML and GeoPackage supplies, assembled with the rules shared by the
//! cartography readers ([`crate::cartography::repair::assemble`]): open rings are closed and
//! reported as repairs, rings with fewer than three distinct vertices are rejected, rings are
//! reoriented (exterior counter-clockwise), and other invalidities (self-intersections,
//! crossing rings, islands outside the outer ring) are rejected or — with
//! [`InvalidPolygonPolicy::MakeValid`] — repaired and reported. Lon/lat positions are also
//! checked to be finite and within ±180 / ±90.

use geo_types::{Coord, MultiPolygon, Point};
use serde_json::Value;

use crate::cartography::repair::{InvalidPolygonPolicy, assemble};

/// Most positions accepted in one geometry.
pub const MAX_POSITIONS: usize = 2_000_000;

/// A geometry with the repairs made to it (one sentence each, empty when valid as written).
#[derive(Debug)]
pub(crate) struct Parsed<G> {
    pub geometry: G,
    pub repairs: Vec<String>,
}

/// Polygons as rings of positions (outer ring first), as written.
pub(crate) type RawPolygons = Vec<Vec<Vec<Coord<f64>>>>;

/// Assembles polygons from their rings; the result is one multipolygon with every part.
pub(crate) fn assemble_all(
    polygons: RawPolygons,
    policy: InvalidPolygonPolicy,
) -> Result<Parsed<MultiPolygon<f64>>, String> {
    let many = polygons.len() > 1;
    let mut parts = Vec::new();
    let mut repairs = Vec::new();
    for (i, rings) in polygons.into_iter().enumerate() {
        let which = |what: &str| {
            if many {
                format!("polygon {}: {what}", i + 1)
            } else {
                what.to_owned()
            }
        };
        let assembled = assemble(rings, policy).map_err(|r| which(&r.reason))?;
        repairs.extend(assembled.repairs.iter().map(|r| which(r)));
        parts.extend(assembled.geometry.0);
    }
    if parts.is_empty() {
        return Err("no polygon".into());
    }
    Ok(Parsed {
        geometry: MultiPolygon::new(parts),
        repairs,
    })
}

/// Checks one lon/lat position.
pub(crate) fn lon_lat(x: f64, y: f64) -> Result<Coord<f64>, String> {
    if !(x.is_finite()
        && y.is_finite()
        && (-180.0..=180.0).contains(&x)
        && (-90.0..=90.0).contains(&y))
    {
        return Err(format!("position ({x}, {y}) is not a longitude/latitude"));
    }
    Ok(Coord { x, y })
}

fn position(v: &Value) -> Result<Coord<f64>, String> {
    let Value::Array(parts) = v else {
        return Err("a position is not an array".into());
    };
    match parts.as_slice() {
        [x, y, ..] if parts.len() <= 3 => {
            let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) else {
                return Err("a position holds a non-number".into());
            };
            lon_lat(x, y)
        }
        _ => Err(format!("a position of {} numbers", parts.len())),
    }
}

fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(format!("{what} is not an array")),
    }
}

/// The rings of a GeoJSON polygon's coordinates.
fn rings(v: &Value, budget: &mut usize) -> Result<Vec<Vec<Coord<f64>>>, String> {
    let rings = array(v, "a polygon")?;
    let mut out = Vec::with_capacity(rings.len().min(1024));
    for r in rings {
        let positions = array(r, "a ring")?;
        *budget = budget
            .checked_sub(positions.len())
            .ok_or_else(|| format!("more than {MAX_POSITIONS} positions"))?;
        out.push(
            positions
                .iter()
                .map(position)
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    Ok(out)
}

/// A GeoJSON `Polygon` or `MultiPolygon` geometry object as a multipolygon.
pub(crate) fn geojson_areal(
    v: &Value,
    policy: InvalidPolygonPolicy,
) -> Result<Parsed<MultiPolygon<f64>>, String> {
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = v
        .get("coordinates")
        .ok_or("the geometry has no coordinates")?;
    let mut budget = MAX_POSITIONS;
    let polygons = match kind {
        "Polygon" => vec![rings(coords, &mut budget)?],
        "MultiPolygon" => array(coords, "coordinates")?
            .iter()
            .map(|p| rings(p, &mut budget))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(format!(
                "geometry type {other:?}, expected Polygon or MultiPolygon"
            ));
        }
    };
    assemble_all(polygons, policy)
}

/// A GeoJSON `Point` geometry object.
pub(crate) fn geojson_point(v: &Value) -> Result<Point<f64>, String> {
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
    if kind != "Point" {
        return Err(format!("geometry type {kind:?}, expected Point"));
    }
    let coords = v
        .get("coordinates")
        .ok_or("the geometry has no coordinates")?;
    position(coords).map(Point::from)
}

/// Parses KML `coordinates` text: tuples `lon,lat[,alt]` separated by blanks.
pub(crate) fn kml_coordinates(text: &str, budget: &mut usize) -> Result<Vec<Coord<f64>>, String> {
    let mut out = Vec::new();
    for tuple in text.split_whitespace() {
        *budget = budget
            .checked_sub(1)
            .ok_or_else(|| format!("more than {MAX_POSITIONS} positions"))?;
        let mut parts = tuple.split(',');
        let (Some(x), Some(y)) = (parts.next(), parts.next()) else {
            return Err(format!("{tuple:?} is not lon,lat"));
        };
        if parts.count() > 1 {
            return Err(format!("{tuple:?} has more than three values"));
        }
        let num = |s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| format!("{tuple:?} is not lon,lat"))
        };
        out.push(lon_lat(num(x)?, num(y)?)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        json: &str,
        policy: InvalidPolygonPolicy,
    ) -> Result<Parsed<MultiPolygon<f64>>, String> {
        geojson_areal(&serde_json::from_str(json).unwrap(), policy)
    }

    #[test]
    fn polygons_are_checked_closed_and_oriented() {
        let p = parse(
            r#"{"type":"Polygon","coordinates":[[[9.1,45.4],[9.1,45.5],[9.2,45.5]]]}"#,
            InvalidPolygonPolicy::Reject,
        )
        .unwrap();
        assert_eq!(p.repairs.len(), 1);
        let ring = &p.geometry.0[0].exterior().0;
        assert_eq!(ring.len(), 4);
        assert!(
            crate::cartography::repair::signed_area(ring) > 0.0,
            "counter-clockwise"
        );
        let bad = r#"{"type":"Polygon","coordinates":[[[9.1,45.4],[9.2,95.4],[9.2,45.4]]]}"#;
        assert!(
            parse(bad, InvalidPolygonPolicy::Reject)
                .unwrap_err()
                .contains("longitude")
        );
        let line = r#"{"type":"LineString","coordinates":[]}"#;
        assert!(parse(line, InvalidPolygonPolicy::Reject).is_err());
        let two = r#"{"type":"Polygon","coordinates":[[[9.1,45.4],[9.2,45.4],[9.1,45.4]]]}"#;
        assert!(
            parse(two, InvalidPolygonPolicy::Reject)
                .unwrap_err()
                .contains("distinct")
        );
    }

    #[test]
    fn self_intersections_rejected_or_repaired() {
        let bowtie = r#"{"type":"MultiPolygon","coordinates":[[[[9.0,45.0],[9.1,45.0],[9.0,45.1],[9.1,45.1],[9.0,45.0]]]]}"#;
        let err = parse(bowtie, InvalidPolygonPolicy::Reject).unwrap_err();
        assert!(err.contains("invalid polygon"), "{err}");
        let fixed = parse(bowtie, InvalidPolygonPolicy::MakeValid).unwrap();
        assert_eq!(fixed.geometry.0.len(), 2);
        assert!(fixed.repairs[0].contains("make-valid"));
    }

    #[test]
    fn kml_tuples() {
        let mut budget = 10;
        assert_eq!(
            kml_coordinates(" 9.1,45.4,0\n9.2,45.4 ", &mut budget)
                .unwrap()
                .len(),
            2
        );
        assert!(kml_coordinates("9.1;45.4", &mut budget).is_err());
        assert!(kml_coordinates("9.1,45.4,0,1", &mut budget).is_err());
    }
}
