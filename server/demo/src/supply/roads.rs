//! The road area of a sheet: the sheet boundary with the blocks as islands
//! (`shared/domain/cxf.md` §5.1 project convention: a single `STRADA` BORDO whose islands are
//! the blocks between the streets).
//!
//! The blocks are the union of the sheet's parcels, found by edge cancellation: parcels of a
//! block share their vertices, so every edge between two parcels appears once in each
//! direction and cancels; the edges left form the block outlines. Vertices closer than
//! [`SNAP_CM`] centimetres (the same corner computed twice, rounded differently) are merged
//! first. When the outlines are still not simple rings (an edge meets a vertex in its
//! middle), no road area is drawn.

use std::collections::BTreeMap;

use geo_types::{Coord, Polygon};

use crate::geom::signed_area;

type Key = (i64, i64);

/// Vertices at most this many centimetres apart on both axes are one vertex.
pub const SNAP_CM: i64 = 3;

/// The representative of `i` in a union-find forest (with path halving).
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Maps every vertex to the smallest vertex of its cluster of near-coincident vertices.
fn snap_map(vertices: &mut Vec<Key>) -> BTreeMap<Key, Key> {
    vertices.sort_unstable();
    vertices.dedup();
    let mut parent: Vec<usize> = (0..vertices.len()).collect();
    for i in 0..vertices.len() {
        for j in i + 1..vertices.len() {
            if vertices[j].0 - vertices[i].0 > SNAP_CM {
                break;
            }
            if (vertices[j].1 - vertices[i].1).abs() <= SNAP_CM {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    (0..vertices.len())
        .map(|i| (vertices[i], vertices[root(&mut parent, i)]))
        .collect()
}

fn key(c: Coord<f64>) -> Key {
    ((c.x * 100.0).round() as i64, (c.y * 100.0).round() as i64)
}

fn coord(k: Key) -> Coord<f64> {
    Coord {
        x: k.0 as f64 / 100.0,
        y: k.1 as f64 / 100.0,
    }
}

/// The outlines of the union of `parcels` (each counter-clockwise, closed), or `None` when the
/// union is not a set of disjoint simple polygons without holes, or its area differs from the
/// parcels' total by more than a square metre.
pub fn block_outlines(parcels: &[&Polygon<f64>]) -> Option<Vec<Vec<Coord<f64>>>> {
    let mut edges: BTreeMap<(Key, Key), u32> = BTreeMap::new();
    let mut total = 0.0;
    let mut vertices: Vec<Key> = parcels
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter().map(|&c| key(c)))
        .collect();
    let snap = snap_map(&mut vertices);
    for p in parcels {
        total += crate::geom::area(p);
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let mut pts: Vec<Key> = ring
                .0
                .iter()
                .map(|&c| snap.get(&key(c)).copied().unwrap_or(key(c)))
                .collect();
            if pts.first() != pts.last()
                && let Some(&f) = pts.first()
            {
                pts.push(f);
            }
            // exterior counter-clockwise, holes clockwise, whatever the input
            let ccw = signed_area(&ring.0) > 0.0;
            let want_ccw = std::ptr::eq(ring, p.exterior());
            if ccw != want_ccw {
                pts.reverse();
            }
            for w in pts.windows(2) {
                let (a, b) = (w[0], w[1]);
                if a == b {
                    continue;
                }
                if let Some(n) = edges.get_mut(&(b, a)) {
                    *n -= 1;
                    if *n == 0 {
                        edges.remove(&(b, a));
                    }
                } else {
                    *edges.entry((a, b)).or_default() += 1;
                }
            }
        }
    }
    let mut next: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
    for (&(a, b), &n) in &edges {
        if n != 1 {
            return None;
        }
        next.entry(a).or_default().push(b);
    }
    // an outline vertex inside another outline edge: parcels meeting in a T, not a union
    for &(a, b) in edges.keys() {
        if next
            .keys()
            .any(|&v| v != a && v != b && inside_segment(v, a, b))
        {
            return None;
        }
    }
    let mut rings = Vec::new();
    let mut union = 0.0;
    while let Some((&start, _)) = next.iter().next() {
        let mut ring = vec![coord(start)];
        let (mut from, mut at) = (start, start);
        loop {
            let to = take_next(&mut next, from, at)?;
            ring.push(coord(to));
            (from, at) = (at, to);
            if to == start {
                break;
            }
        }
        let area = signed_area(&ring);
        if area <= 0.0 {
            return None;
        }
        union += area;
        rings.push(ring);
    }
    ((union - total).abs() <= 1.0).then_some(rings)
}

/// Whether `v` lies on the segment `a`–`b`, strictly between its ends.
fn inside_segment(v: Key, a: Key, b: Key) -> bool {
    let cross = (i128::from(b.0) - i128::from(a.0)) * (i128::from(v.1) - i128::from(a.1))
        - (i128::from(b.1) - i128::from(a.1)) * (i128::from(v.0) - i128::from(a.0));
    let within = |p: i64, q: i64, x: i64| p.min(q) <= x && x <= p.max(q);
    cross == 0 && within(a.0, b.0, v.0) && within(a.1, b.1, v.1)
}

/// Removes and returns the edge leaving `at` after arriving from `from`: at a vertex where
/// two outlines touch, the leftmost turn, which keeps each outline a simple ring.
fn take_next(next: &mut BTreeMap<Key, Vec<Key>>, from: Key, at: Key) -> Option<Key> {
    let out = next.get_mut(&at)?;
    let pick = if out.len() == 1 || from == at {
        0
    } else {
        let din = ((at.0 - from.0) as f64, (at.1 - from.1) as f64);
        let turn = |to: &Key| {
            let dout = ((to.0 - at.0) as f64, (to.1 - at.1) as f64);
            (din.0 * dout.1 - din.1 * dout.0).atan2(din.0 * dout.0 + din.1 * dout.1)
        };
        (0..out.len()).max_by(|&i, &j| turn(&out[i]).total_cmp(&turn(&out[j])))?
    };
    let to = out.swap_remove(pick);
    if out.is_empty() {
        next.remove(&at);
    }
    Some(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::LineString;

    fn square(x: f64, y: f64, s: f64) -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]),
            vec![],
        )
    }

    #[test]
    fn two_touching_squares_make_one_outline_and_a_gap_two() {
        let (a, b, c) = (
            square(0.0, 0.0, 10.0),
            square(10.0, 0.0, 10.0),
            square(30.0, 0.0, 5.0),
        );
        let rings = block_outlines(&[&a, &b, &c]).unwrap();
        assert_eq!(rings.len(), 2);
        let areas: Vec<f64> = rings.iter().map(|r| signed_area(r)).collect();
        assert!(areas.contains(&200.0) && areas.contains(&25.0));
    }

    #[test]
    fn squares_touching_at_a_corner_give_two_rings() {
        let (a, b) = (square(0.0, 0.0, 10.0), square(10.0, 10.0, 10.0));
        let rings = block_outlines(&[&a, &b]).unwrap();
        assert_eq!(rings.len(), 2);
        assert!(
            rings
                .iter()
                .all(|r| r.len() == 5 && (signed_area(r) - 100.0).abs() < 1e-9)
        );
    }

    #[test]
    fn corners_a_centimetre_apart_are_one_corner() {
        let a = square(0.0, 0.0, 10.0);
        let b = Polygon::new(
            LineString::from(vec![
                (10.01, 0.0),
                (20.0, 0.0),
                (20.0, 10.0),
                (10.0, 10.01),
                (10.01, 0.0),
            ]),
            vec![],
        );
        let rings = block_outlines(&[&a, &b]).unwrap();
        assert_eq!(rings.len(), 1);
    }

    #[test]
    fn a_t_junction_gives_none() {
        let a = square(0.0, 0.0, 10.0);
        let b = square(10.0, 0.0, 5.0);
        assert!(block_outlines(&[&a, &b]).is_none());
    }
}
