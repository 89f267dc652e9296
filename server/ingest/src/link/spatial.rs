//! Spatial links: the parcel that holds a building footprint (footprint ∩ parcel ≥ 50 % of the
//! footprint area, rules-catalogue.md "Join confidence"), found through a uniform grid of the
//! parcels' bounding boxes.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use geo::{Area, BooleanOps, BoundingRect};
use geo_types::{MultiPolygon, Rect};

use super::confidence::SPATIAL_MIN_SHARE;

/// Most grid cells one parcel may cover (larger parcels go to a list checked every time).
const MAX_CELLS_PER_ITEM: i64 = 4096;

/// Parcels indexed by a uniform grid.
#[derive(Debug)]
pub struct ParcelGrid<'a> {
    parcels: Vec<(&'a MultiPolygon<f64>, Rect<f64>)>,
    cell: f64,
    cells: HashMap<(i64, i64), Vec<usize>>,
    large: Vec<usize>,
}

impl<'a> ParcelGrid<'a> {
    /// Indexes `parcels` (empty geometries are skipped).
    pub fn new(parcels: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let parcels: Vec<_> = parcels
            .into_iter()
            .filter_map(|g| g.bounding_rect().map(|r| (g, r)))
            .collect();
        let mean_size = if parcels.is_empty() {
            1.0
        } else {
            parcels
                .iter()
                .map(|(_, r)| r.width().max(r.height()))
                .sum::<f64>()
                / parcels.len() as f64
        };
        let cell = if mean_size.is_finite() && mean_size > 0.0 {
            mean_size * 2.0
        } else {
            1.0
        };
        let mut grid = Self {
            parcels,
            cell,
            cells: HashMap::new(),
            large: Vec::new(),
        };
        for i in 0..grid.parcels.len() {
            let rect = grid.parcels[i].1;
            let (x0, y0, x1, y1) = grid.span(rect);
            if cells(x0, x1).saturating_mul(cells(y0, y1)) > MAX_CELLS_PER_ITEM {
                grid.large.push(i);
                continue;
            }
            for x in x0..=x1 {
                for y in y0..=y1 {
                    grid.cells.entry((x, y)).or_default().push(i);
                }
            }
        }
        grid
    }

    fn span(&self, r: Rect<f64>) -> (i64, i64, i64, i64) {
        let c = |v: f64| (v / self.cell).floor() as i64;
        (c(r.min().x), c(r.min().y), c(r.max().x), c(r.max().y))
    }

    /// The parcel (position in the input) holding the largest share of `footprint`, when that
    /// share is at least 50 % of the footprint area; with the share.
    pub fn host(&self, footprint: &MultiPolygon<f64>) -> Option<(usize, f64)> {
        let rect = footprint.bounding_rect()?;
        let area = footprint.unsigned_area();
        if !(area.is_finite() && area > 0.0) {
            return None;
        }
        let (x0, y0, x1, y1) = self.span(rect);
        let mut candidates: Vec<usize> = self.large.clone();
        if cells(x0, x1).saturating_mul(cells(y0, y1)) <= MAX_CELLS_PER_ITEM {
            for x in x0..=x1 {
                for y in y0..=y1 {
                    if let Some(list) = self.cells.get(&(x, y)) {
                        candidates.extend(list);
                    }
                }
            }
        } else {
            candidates.extend(0..self.parcels.len());
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(usize, f64)> = None;
        for i in candidates {
            let (parcel, prect) = self.parcels[i];
            if !intersects(prect, rect) {
                continue;
            }
            // geo's boolean operations assert on some degenerate inputs: such a pair is no link
            let Ok(inside) = catch_unwind(AssertUnwindSafe(|| {
                footprint.intersection(parcel).unsigned_area()
            })) else {
                continue;
            };
            let share = inside / area;
            if share >= SPATIAL_MIN_SHARE && best.is_none_or(|(_, s)| share > s) {
                best = Some((i, share));
            }
        }
        best
    }
}

/// Cells from `a` to `b` inclusive, without overflow on extreme coordinates.
fn cells(a: i64, b: i64) -> i64 {
    b.saturating_sub(a).saturating_add(1)
}

fn intersects(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{MultiPolygon, polygon};

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y),
            (x: x + side, y: y),
            (x: x + side, y: y + side),
            (x: x, y: y + side),
        ]])
    }

    #[test]
    fn the_host_holds_at_least_half_of_the_footprint() {
        let parcels = [square(0.0, 0.0, 10.0), square(10.0, 0.0, 10.0)];
        let grid = ParcelGrid::new(parcels.iter());
        // 56 % in the first parcel, 16 % in the second, 28 % outside both
        let (host, share) = grid.host(&square(3.0, 2.0, 10.0).clone()).unwrap();
        assert_eq!(host, 0);
        assert!((share - 0.56).abs() < 1e-9, "{share}");
        // entirely outside both; extreme coordinates find nothing and do not overflow
        assert_eq!(grid.host(&square(100.0, 100.0, 5.0)), None);
        assert_eq!(grid.host(&square(-1.0e300, -1.0e300, 1.0e300)), None);
        assert_eq!(grid.host(&square(1.0e300, 1.0e300, 1.0e10)), None);
        // split 50/50 between the two: the first reaching 50 % wins, never a worse one
        let (host, share) = grid.host(&square(5.0, 0.0, 10.0)).unwrap();
        assert_eq!(host, 0);
        assert!((share - 0.5).abs() < 1e-9);
    }
}
