//! Planar geometry helpers of the generator: the local-to-storage frame, rings, areas and
//! centroids. Coordinates are metres; the storage CRS is EPSG:7791 (RDN2008 / UTM zone 32N).

use geo_types::{Coord, LineString, Point, Polygon};

/// Maps local generator coordinates (metres from the south-west corner of the street grid) to
/// the storage CRS: rotation about the local origin, then translation; rounded to centimetres.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    east: f64,
    north: f64,
    cos: f64,
    sin: f64,
}

impl Frame {
    /// A frame placing the local origin at (`east`, `north`) with the grid rotated by `degrees`
    /// counter-clockwise.
    pub fn new(east: f64, north: f64, degrees: f64) -> Self {
        let r = degrees.to_radians();
        Self {
            east,
            north,
            cos: r.cos(),
            sin: r.sin(),
        }
    }

    /// The storage coordinate of a local point.
    pub fn coord(&self, x: f64, y: f64) -> Coord<f64> {
        Coord {
            x: round_cm(self.east + x * self.cos - y * self.sin),
            y: round_cm(self.north + x * self.sin + y * self.cos),
        }
    }

    /// A storage point.
    pub fn point(&self, x: f64, y: f64) -> Point<f64> {
        Point(self.coord(x, y))
    }

    /// A storage line string from local vertices.
    pub fn line(&self, pts: &[(f64, f64)]) -> LineString<f64> {
        LineString(pts.iter().map(|&(x, y)| self.coord(x, y)).collect())
    }

    /// A storage polygon from local rings (exterior first), normalised: closed, without
    /// repeated vertices, exterior counter-clockwise and holes clockwise.
    pub fn polygon(&self, exterior: &[(f64, f64)], holes: &[Vec<(f64, f64)>]) -> Polygon<f64> {
        let ring = |pts: &[(f64, f64)], ccw: bool| {
            let mut c: Vec<Coord<f64>> = Vec::with_capacity(pts.len() + 1);
            for &(x, y) in pts {
                let p = self.coord(x, y);
                if c.last() != Some(&p) {
                    c.push(p);
                }
            }
            while c.len() > 1 && c.first() == c.last() {
                c.pop();
            }
            if (signed_area(&c) > 0.0) != ccw {
                c.reverse();
            }
            if let Some(first) = c.first().copied() {
                c.push(first);
            }
            LineString(c)
        };
        Polygon::new(
            ring(exterior, true),
            holes.iter().map(|h| ring(h, false)).collect(),
        )
    }
}

/// Rounds to centimetres.
pub fn round_cm(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Rounds to cents (euro) or to two decimals.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Signed area of an open or closed ring (positive when counter-clockwise).
pub fn signed_area(c: &[Coord<f64>]) -> f64 {
    if c.len() < 3 {
        return 0.0;
    }
    let mut s = 0.0;
    for i in 0..c.len() {
        let a = c[i];
        let b = c[(i + 1) % c.len()];
        s += a.x * b.y - b.x * a.y;
    }
    s / 2.0
}

/// Area of a polygon (exterior minus holes), in m², rounded to centimetres².
pub fn area(p: &Polygon<f64>) -> f64 {
    let outer = signed_area(&p.exterior().0).abs();
    let holes: f64 = p.interiors().iter().map(|h| signed_area(&h.0).abs()).sum();
    round2(outer - holes)
}

/// Centroid of a polygon's exterior ring (area-weighted), rounded to centimetres.
pub fn centroid(poly: &Polygon<f64>) -> Point<f64> {
    let ring = &poly.exterior().0;
    let Some(&origin) = ring.first() else {
        return Point(Coord { x: 0.0, y: 0.0 });
    };
    // Relative to the first vertex to keep precision with UTM-sized coordinates.
    let rel: Vec<(f64, f64)> = ring
        .iter()
        .map(|v| (v.x - origin.x, v.y - origin.y))
        .collect();
    let (mut sum_x, mut sum_y, mut twice_area) = (0.0, 0.0, 0.0);
    for (k, &(ax, ay)) in rel.iter().enumerate() {
        let (bx, by) = rel[(k + 1) % rel.len()];
        let cross = ax * by - bx * ay;
        twice_area += cross;
        sum_x += (ax + bx) * cross;
        sum_y += (ay + by) * cross;
    }
    if twice_area.abs() < 1e-9 {
        return Point(origin);
    }
    Point(Coord {
        x: round_cm(origin.x + sum_x / (3.0 * twice_area)),
        y: round_cm(origin.y + sum_y / (3.0 * twice_area)),
    })
}

/// Area of a local ring (no rounding), for sizing decisions before publication.
pub fn local_area(pts: &[(f64, f64)]) -> f64 {
    let mut s = 0.0;
    for i in 0..pts.len() {
        let (ax, ay) = pts[i];
        let (bx, by) = pts[(i + 1) % pts.len()];
        s += ax * by - bx * ay;
    }
    (s / 2.0).abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_are_closed_and_oriented() {
        let f = Frame::new(500_000.0, 5_000_000.0, 15.0);
        // clockwise input with a repeated vertex
        let p = f.polygon(
            &[
                (0.0, 0.0),
                (0.0, 10.0),
                (0.0, 10.0),
                (10.0, 10.0),
                (10.0, 0.0),
            ],
            &[vec![(2.0, 2.0), (4.0, 2.0), (4.0, 4.0), (2.0, 4.0)]],
        );
        let ext = &p.exterior().0;
        assert_eq!(ext.first(), ext.last());
        assert_eq!(ext.len(), 5);
        assert!(signed_area(ext) > 0.0);
        assert!(signed_area(&p.interiors()[0].0) < 0.0);
        assert!((area(&p) - 96.0).abs() < 0.05);
        let c = centroid(&f.polygon(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)], &[]));
        let expected = f.coord(5.0, 5.0);
        assert!((c.x() - expected.x).abs() < 0.02 && (c.y() - expected.y).abs() < 0.02);
    }
}
