//! Polygons of the GeoJSON and KML supplies, in longitude/latitude: rings checked (finite
//! coordinates within ±180/±90, at least four positions) and closed when the first and last
//! positions differ (a repair the caller reports).

use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use serde_json::Value;

/// Most positions accepted in one geometry.
pub const MAX_POSITIONS: usize = 2_000_000;

/// A geometry with the number of rings that had to be closed.
#[derive(Debug)]
pub(crate) struct Parsed<G> {
    pub geometry: G,
    pub closed_rings: usize,
}

/// Builds a ring from positions; closes it when open (counted in `closed`).
pub(crate) fn ring(
    mut coords: Vec<Coord<f64>>,
    closed: &mut usize,
) -> Result<LineString<f64>, String> {
    if coords.first() != coords.last()
        && let Some(&first) = coords.first()
    {
        coords.push(first);
        *closed += 1;
    }
    if coords.len() < 4 {
        return Err(format!(
            "a ring of {} positions (at least 4 needed)",
            coords.len()
        ));
    }
    Ok(LineString::new(coords))
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

fn polygon(v: &Value, budget: &mut usize, closed: &mut usize) -> Result<Polygon<f64>, String> {
    let rings = array(v, "a polygon")?;
    let mut out = Vec::with_capacity(rings.len().min(1024));
    for r in rings {
        let positions = array(r, "a ring")?;
        *budget = budget
            .checked_sub(positions.len())
            .ok_or_else(|| format!("more than {MAX_POSITIONS} positions"))?;
        let coords = positions
            .iter()
            .map(position)
            .collect::<Result<Vec<_>, _>>()?;
        out.push(ring(coords, closed)?);
    }
    let mut rings = out.into_iter();
    let exterior = rings.next().ok_or("a polygon without rings")?;
    Ok(Polygon::new(exterior, rings.collect()))
}

/// A GeoJSON `Polygon` or `MultiPolygon` geometry object as a multipolygon.
pub(crate) fn geojson_areal(v: &Value) -> Result<Parsed<MultiPolygon<f64>>, String> {
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = v
        .get("coordinates")
        .ok_or("the geometry has no coordinates")?;
    let mut budget = MAX_POSITIONS;
    let mut closed = 0;
    let polygons = match kind {
        "Polygon" => vec![polygon(coords, &mut budget, &mut closed)?],
        "MultiPolygon" => array(coords, "coordinates")?
            .iter()
            .map(|p| polygon(p, &mut budget, &mut closed))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(format!(
                "geometry type {other:?}, expected Polygon or MultiPolygon"
            ));
        }
    };
    Ok(Parsed {
        geometry: MultiPolygon::new(polygons),
        closed_rings: closed,
    })
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

    #[test]
    fn polygons_are_checked_and_closed() {
        let v: Value = serde_json::from_str(
            r#"{"type":"Polygon","coordinates":[[[9.1,45.4],[9.2,45.4],[9.2,45.5]]]}"#,
        )
        .unwrap();
        let p = geojson_areal(&v).unwrap();
        assert_eq!(p.closed_rings, 1);
        assert_eq!(p.geometry.0[0].exterior().0.len(), 4);
        let bad: Value =
            serde_json::from_str(r#"{"type":"Polygon","coordinates":[[[9.1,45.4],[9.2,95.4]]]}"#)
                .unwrap();
        assert!(geojson_areal(&bad).unwrap_err().contains("longitude"));
        let line: Value =
            serde_json::from_str(r#"{"type":"LineString","coordinates":[]}"#).unwrap();
        assert!(geojson_areal(&line).is_err());
        let mut budget = 10;
        assert_eq!(
            kml_coordinates(" 9.1,45.4,0\n9.2,45.4 ", &mut budget)
                .unwrap()
                .len(),
            2
        );
        assert!(kml_coordinates("9.1;45.4", &mut budget).is_err());
    }
}
