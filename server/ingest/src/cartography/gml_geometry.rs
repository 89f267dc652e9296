//! Geometry pieces of the GML reader: coordinate lists (`gml:posList`, `gml:pos`,
//! `gml:coordinates`) with axis order and dimension, and the polygons being built.

use geo_types::Coord;

/// Parses a `posList` / `pos` text of `dim`-dimensional positions into east/north coordinates
/// (swapping when the CRS is north first). Extra dimensions are dropped.
pub fn parse_pos_list(
    text: &str,
    dim: usize,
    north_first: bool,
    out: &mut Vec<Coord<f64>>,
    max: usize,
) -> Result<(), String> {
    if !(2..=3).contains(&dim) {
        return Err(format!("srsDimension {dim} is not 2 or 3"));
    }
    let mut values = [0.0_f64; 3];
    let mut n = 0;
    let mut count = 0usize;
    for token in text.split_ascii_whitespace() {
        let v: f64 = token
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("'{}' is not a number", truncate(token)))?;
        if let Some(slot) = values.get_mut(n) {
            *slot = v;
        }
        n += 1;
        count += 1;
        if n == dim {
            push(values, north_first, out, max)?;
            n = 0;
        }
    }
    if n != 0 {
        return Err(format!(
            "{count} numbers are not a multiple of srsDimension {dim}"
        ));
    }
    Ok(())
}

/// Parses a GML 2 `coordinates` text (`x,y x,y …`, axis order as for `posList`).
pub fn parse_coordinates(
    text: &str,
    north_first: bool,
    out: &mut Vec<Coord<f64>>,
    max: usize,
) -> Result<(), String> {
    for tuple in text.split_ascii_whitespace() {
        let mut values = [0.0_f64; 3];
        let mut n = 0;
        for part in tuple.split(',') {
            let v: f64 = part
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| format!("'{}' is not a coordinate tuple", truncate(tuple)))?;
            let slot = values
                .get_mut(n)
                .ok_or_else(|| format!("'{}' has more than 3 values", truncate(tuple)))?;
            *slot = v;
            n += 1;
        }
        if n < 2 {
            return Err(format!("'{}' is not a coordinate tuple", truncate(tuple)));
        }
        push(values, north_first, out, max)?;
    }
    Ok(())
}

fn push(
    values: [f64; 3],
    north_first: bool,
    out: &mut Vec<Coord<f64>>,
    max: usize,
) -> Result<(), String> {
    if out.len() >= max {
        return Err(format!("more than {max} positions in one feature"));
    }
    let [a, b, _] = values;
    out.push(if north_first {
        Coord { x: b, y: a }
    } else {
        Coord { x: a, y: b }
    });
    Ok(())
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(32) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Rings of the polygon being read.
#[derive(Debug, Default)]
pub struct PolygonBuilder {
    /// the exterior ring, once read
    pub exterior: Option<Vec<Coord<f64>>>,
    /// the interior rings read so far
    pub interiors: Vec<Vec<Coord<f64>>>,
}

impl PolygonBuilder {
    /// The rings, exterior first; `None` without exterior.
    pub fn into_rings(self) -> Option<Vec<Vec<Coord<f64>>>> {
        let mut rings = vec![self.exterior?];
        rings.extend(self.interiors);
        Some(rings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pos_list_swaps_latitude_first() {
        let mut out = Vec::new();
        parse_pos_list("45.1 9.2 45.3 9.4", 2, true, &mut out, 10).unwrap();
        assert_eq!(
            out,
            vec![Coord { x: 9.2, y: 45.1 }, Coord { x: 9.4, y: 45.3 }]
        );
        out.clear();
        parse_pos_list("1 2 3 4 5 6", 3, false, &mut out, 10).unwrap();
        assert_eq!(
            out,
            vec![Coord { x: 1.0, y: 2.0 }, Coord { x: 4.0, y: 5.0 }]
        );
    }

    #[test]
    fn pos_list_errors() {
        let mut out = Vec::new();
        assert!(
            parse_pos_list("1 2 3", 2, true, &mut out, 10)
                .unwrap_err()
                .contains("multiple")
        );
        assert!(
            parse_pos_list("1 x", 2, true, &mut out, 10)
                .unwrap_err()
                .contains("'x'")
        );
        assert!(parse_pos_list("1 NaN", 2, true, &mut out, 10).is_err());
        assert!(
            parse_pos_list("1 2 3 4", 2, true, &mut out, 1)
                .unwrap_err()
                .contains("more than")
        );
        assert!(parse_pos_list("1 2", 4, true, &mut out, 10).is_err());
    }

    #[test]
    fn gml2_coordinates() {
        let mut out = Vec::new();
        parse_coordinates("9.2,45.1 9.4,45.3", false, &mut out, 10).unwrap();
        assert_eq!(out[1], Coord { x: 9.4, y: 45.3 });
        assert!(parse_coordinates("9.2", false, &mut out, 10).is_err());
    }
}
