//! Polygon assembly and the quality rules of cxf.md §6 shared by the CXF and GML readers.
//!
//! - A ring whose last vertex differs from its first is **closed** by appending the first vertex
//!   (a sound repair, reported as `Repaired`).
//! - A ring with fewer than three distinct vertices cannot bound an area: the polygon is
//!   **rejected**.
//! - Ring roles come from position (outer ring first, then the islands in order), never from
//!   orientation; every ring is then **reoriented** for output (exterior counter-clockwise,
//!   interiors clockwise, X east / Y north). Reorientation is silent: the reference accepts
//!   either orientation.
//! - Other invalidities (self-intersections, crossing rings, islands outside the outer ring) are
//!   found with `geo`'s validation. By default the polygon is **rejected**; with
//!   [`InvalidPolygonPolicy::MakeValid`] it is repaired with `geo`'s constrained-triangulation
//!   make-valid (Ledoux et al. 2014, even-odd rule) and reported as `Repaired`.
//! - Coordinates beyond ±[`MAX_COORDINATE`] are rejected (no Italian CRS comes near it, and the
//!   geometric predicates overflow far beyond it). `geo`'s topology code asserts on some
//!   degenerate inputs; such an assertion is caught and the polygon rejected, so that bad input
//!   never stops a reader.

use std::panic::{AssertUnwindSafe, catch_unwind};

use geo::orient::Direction;
use geo::{Area, InteriorPoint, MakeValid, Orient, Validation};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};

/// Largest absolute coordinate accepted, in metres or degrees.
pub const MAX_COORDINATE: f64 = 1e9;

/// What to do with a polygon that is invalid for a reason other than an open ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvalidPolygonPolicy {
    /// reject the area (with a diagnostic): the default
    #[default]
    Reject,
    /// repair with make-valid (the result may have several parts) and report the repair
    MakeValid,
}

/// A polygon assembled from rings as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled {
    /// the geometry: one polygon, or several parts after a make-valid repair
    pub geometry: MultiPolygon<f64>,
    /// repairs made, one sentence each (empty when the input was valid as written)
    pub repairs: Vec<String>,
}

/// Why a polygon could not be assembled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// which ring (0 = outer, 1… = islands), when one ring is at fault
    pub ring: Option<usize>,
    /// a ring has fewer than three distinct vertices (or there is no ring): too few vertices
    /// rather than bad ones
    pub too_few_vertices: bool,
    /// what is wrong
    pub reason: String,
}

fn ring_name(index: usize) -> String {
    if index == 0 {
        "outer ring".to_owned()
    } else {
        format!("island {index}")
    }
}

/// Closes `ring` if needed; returns whether it was open.
fn close(ring: &mut Vec<Coord<f64>>) -> bool {
    match (ring.first().copied(), ring.last().copied()) {
        (Some(first), Some(last)) if first != last => {
            ring.push(first);
            true
        }
        _ => false,
    }
}

/// Number of distinct vertices of a closed ring (the closing vertex not counted twice).
fn distinct_vertices(ring: &[Coord<f64>]) -> usize {
    let body = ring.split_last().map_or(ring, |(_, rest)| rest);
    let mut n = 0;
    for (i, c) in body.iter().enumerate() {
        if !body.iter().take(i).any(|d| d == c) {
            n += 1;
            if n >= 3 {
                return n;
            }
        }
    }
    n
}

/// Builds a polygon from its outer ring and islands as written (any orientation, closed or not).
pub fn assemble(
    rings: Vec<Vec<Coord<f64>>>,
    policy: InvalidPolygonPolicy,
) -> Result<Assembled, Rejection> {
    let mut repairs = Vec::new();
    let mut closed = Vec::with_capacity(rings.len());
    for (i, mut ring) in rings.into_iter().enumerate() {
        let out_of_range = |v: f64| !v.is_finite() || v.abs() > MAX_COORDINATE;
        if let Some(bad) = ring
            .iter()
            .position(|c| out_of_range(c.x) || out_of_range(c.y))
        {
            return Err(Rejection {
                ring: Some(i),
                too_few_vertices: false,
                reason: format!(
                    "{} has vertex {} out of range (not finite or beyond ±{MAX_COORDINATE})",
                    ring_name(i),
                    bad + 1
                ),
            });
        }
        if close(&mut ring) {
            repairs.push(format!(
                "{} not closed: closed by repeating its first vertex",
                ring_name(i)
            ));
        }
        let distinct = distinct_vertices(&ring);
        if distinct < 3 {
            return Err(Rejection {
                ring: Some(i),
                too_few_vertices: true,
                reason: format!(
                    "{} has {distinct} distinct vertices, at least 3 are needed",
                    ring_name(i)
                ),
            });
        }
        closed.push(LineString::from(ring));
    }
    let mut iter = closed.into_iter();
    let Some(exterior) = iter.next() else {
        return Err(Rejection {
            ring: None,
            too_few_vertices: true,
            reason: "no rings".to_owned(),
        });
    };
    let polygon = Polygon::new(exterior, iter.collect()).orient(Direction::Default);
    let Ok(problems) = catch_unwind(AssertUnwindSafe(|| polygon.validation_errors())) else {
        return Err(Rejection {
            ring: None,
            too_few_vertices: false,
            reason: "the polygon's topology cannot be validated (degenerate geometry)".to_owned(),
        });
    };
    if problems.is_empty() {
        return Ok(Assembled {
            geometry: MultiPolygon(vec![polygon]),
            repairs,
        });
    }
    let what = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    match policy {
        InvalidPolygonPolicy::Reject => Err(Rejection {
            ring: None,
            too_few_vertices: false,
            reason: format!("invalid polygon: {what}"),
        }),
        InvalidPolygonPolicy::MakeValid => {
            match catch_unwind(AssertUnwindSafe(|| polygon.make_valid()))
                .map_err(|_| "make-valid failed on a degenerate geometry".to_owned())
                .and_then(|r| r.map_err(|e| format!("make-valid failed: {e:?}")))
            {
                Ok(mp) if !mp.0.is_empty() => {
                    repairs.push(format!(
                        "invalid polygon ({what}): repaired with make-valid into {} part(s)",
                        mp.0.len()
                    ));
                    Ok(Assembled {
                        geometry: mp.orient(Direction::Default),
                        repairs,
                    })
                }
                Ok(_) => Err(Rejection {
                    ring: None,
                    too_few_vertices: false,
                    reason: format!("invalid polygon ({what}) with no area left after make-valid"),
                }),
                Err(e) => Err(Rejection {
                    ring: None,
                    too_few_vertices: false,
                    reason: format!("invalid polygon ({what}); {e}"),
                }),
            }
        }
    }
}

/// Shoelace area of a ring (positive = counter-clockwise with X east / Y north).
pub fn signed_area(ring: &[Coord<f64>]) -> f64 {
    let twice: f64 = ring
        .windows(2)
        .map(|w| match w {
            [a, b] => a.x * b.y - b.x * a.y,
            _ => 0.0,
        })
        .sum();
    twice / 2.0
}

/// Area of a (multi)polygon in the square units of its CRS.
pub fn area(geometry: &MultiPolygon<f64>) -> f64 {
    geometry.unsigned_area()
}

/// A point guaranteed to lie inside the geometry (PUNTOINTERNO of a CXF is not trusted).
pub fn point_on_surface(geometry: &MultiPolygon<f64>) -> Option<Point<f64>> {
    geometry.interior_point()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    fn square(x: f64, y: f64, s: f64) -> Vec<Coord<f64>> {
        // clockwise, closed, as CXF writes outer rings
        vec![c(x, y), c(x, y + s), c(x + s, y + s), c(x + s, y), c(x, y)]
    }

    #[test]
    fn valid_polygon_is_reoriented_without_repair() {
        let mut hole = square(2.0, 2.0, 2.0);
        hole.reverse();
        let a = assemble(
            vec![square(0.0, 0.0, 10.0), hole],
            InvalidPolygonPolicy::Reject,
        )
        .unwrap();
        assert!(a.repairs.is_empty());
        let p = &a.geometry.0[0];
        assert!(signed_area(&p.exterior().0) > 0.0);
        assert!(signed_area(&p.interiors()[0].0) < 0.0);
        assert!((area(&a.geometry) - 96.0).abs() < 1e-9);
    }

    #[test]
    fn open_ring_is_closed_and_reported() {
        let mut ring = square(0.0, 0.0, 10.0);
        ring.pop();
        let a = assemble(vec![ring], InvalidPolygonPolicy::Reject).unwrap();
        assert_eq!(a.repairs.len(), 1);
        assert!(a.repairs[0].contains("outer ring not closed"));
        assert_eq!(a.geometry.0[0].exterior().0.len(), 5);
    }

    #[test]
    fn too_few_vertices_are_rejected() {
        let r = assemble(
            vec![vec![c(0.0, 0.0), c(1.0, 1.0), c(0.0, 0.0)]],
            InvalidPolygonPolicy::MakeValid,
        )
        .unwrap_err();
        assert_eq!(r.ring, Some(0));
        assert!(r.reason.contains("2 distinct vertices"));
    }

    #[test]
    fn bow_tie_is_rejected_or_made_valid() {
        let bow = vec![
            c(0.0, 0.0),
            c(10.0, 10.0),
            c(10.0, 0.0),
            c(0.0, 10.0),
            c(0.0, 0.0),
        ];
        let r = assemble(vec![bow.clone()], InvalidPolygonPolicy::Reject).unwrap_err();
        assert!(r.reason.contains("self-intersection"), "{}", r.reason);
        let a = assemble(vec![bow], InvalidPolygonPolicy::MakeValid).unwrap();
        assert_eq!(a.geometry.0.len(), 2);
        assert!((area(&a.geometry) - 50.0).abs() < 1e-6);
        assert!(a.repairs[0].contains("make-valid"));
    }

    #[test]
    fn point_on_surface_lies_inside() {
        let a = assemble(vec![square(0.0, 0.0, 4.0)], InvalidPolygonPolicy::Reject).unwrap();
        let p = point_on_surface(&a.geometry).unwrap();
        assert!(p.x() > 0.0 && p.x() < 4.0 && p.y() > 0.0 && p.y() < 4.0);
    }
}
