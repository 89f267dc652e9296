//! Transformation of query boxes between CRSs.
//!
//! The image of a box is curved, so its envelope is found on the edges: each edge is sampled
//! and the extreme samples are refined (the extremes of a region's image lie on its boundary as
//! long as no pole is inside). Boxes reaching beyond where the target projection is meaningful
//! (Web Mercator's ±85.05° latitude, 45° from a Transverse Mercator central meridian) are clipped
//! to that area first, so a world box asked of a UTM collection still selects everything there.

use super::Crs;
use super::transform::{Domain, Transformer};
use crate::error::QueryError;
use crate::query::BBox;

/// Points sampled per box edge (corners included).
const EDGE_POINTS: usize = 21;
/// Ternary-search steps around the best sample of each extreme.
const REFINE_STEPS: usize = 24;

/// The envelope of `bbox` transformed to `to`.
///
/// Each edge is sampled at 21 points; around the sample that is extreme in each output direction
/// (min/max east, min/max north) a ternary search finds the true extreme of the curved image of
/// the edge, so the result covers the whole transformed box. Geographic boxes are first clipped
/// to the area the target CRS can represent; a box entirely outside it is an error (see
/// [`transform_bbox_clipped`] to tell that case apart). A projected box that reaches beyond the
/// target's area is converted through CRS84 and clipped.
pub fn transform_bbox(bbox: &BBox, to: Crs) -> Result<BBox, QueryError> {
    transform_bbox_clipped(bbox, to)?.ok_or_else(|| {
        QueryError::Transform(format!(
            "bbox ({}, {}, {}, {}) in {} lies outside the area {to} can represent",
            bbox.min_x, bbox.min_y, bbox.max_x, bbox.max_y, bbox.crs
        ))
    })
}

/// Like [`transform_bbox`], but `Ok(None)` when the box lies entirely outside the area the
/// target CRS can represent (so nothing stored in that CRS can fall inside it).
pub fn transform_bbox_clipped(bbox: &BBox, to: Crs) -> Result<Option<BBox>, QueryError> {
    let tr = Transformer::new(bbox.crs, to)?;
    if tr.is_identity() {
        tr.transform_coord(bbox.min_x, bbox.min_y)?;
        tr.transform_coord(bbox.max_x, bbox.max_y)?;
        return BBox::new(bbox.min_x, bbox.min_y, bbox.max_x, bbox.max_y, to)
            .map(Some)
            .map_err(QueryError::Transform);
    }
    if tr.from_geographic {
        return match clip(bbox, tr.to_domain) {
            Some(clipped) => envelope(&tr, &clipped, to).map(Some),
            None => Ok(None),
        };
    }
    match envelope(&tr, bbox, to) {
        Err(direct) if !to.is_geographic() => {
            // beyond the target's domain: go through longitude/latitude and clip there
            let through = Transformer::new(bbox.crs, Crs::Crs84)?;
            let geographic = envelope(&through, bbox, Crs::Crs84).map_err(|_| direct)?;
            transform_bbox_clipped(&geographic, to)
        }
        other => other.map(Some),
    }
}

/// `bbox` (geographic) intersected with `domain`, `None` when they do not meet.
fn clip(bbox: &BBox, domain: Domain) -> Option<BBox> {
    let (min_x, min_y) = (bbox.min_x.max(domain.0), bbox.min_y.max(domain.1));
    let (max_x, max_y) = (bbox.max_x.min(domain.2), bbox.max_y.min(domain.3));
    (min_x <= max_x && min_y <= max_y).then_some(BBox {
        min_x,
        min_y,
        max_x,
        max_y,
        ..*bbox
    })
}

/// The envelope of the image of `src`'s boundary under `tr`.
fn envelope(tr: &Transformer, src: &BBox, to: Crs) -> Result<BBox, QueryError> {
    let corners = [
        (src.min_x, src.min_y),
        (src.max_x, src.min_y),
        (src.max_x, src.max_y),
        (src.min_x, src.max_y),
    ];
    // the extremes (min x, min y, max x, max y), each as the maximum of one objective
    let objectives: [fn((f64, f64)) -> f64; 4] = [|p| -p.0, |p| -p.1, |p| p.0, |p| p.1];
    let mut best = [f64::NEG_INFINITY; 4];
    let steps = (EDGE_POINTS - 1) as f64;
    for i in 0..4 {
        let (a, z) = (corners[i], corners[(i + 1) % 4]);
        let at = |s: f64| tr.transform_coord(a.0 + (z.0 - a.0) * s, a.1 + (z.1 - a.1) * s);
        let samples = (0..EDGE_POINTS)
            .map(|k| at(k as f64 / steps))
            .collect::<Result<Vec<_>, _>>()?;
        for (objective, best) in objectives.iter().zip(best.iter_mut()) {
            let (k, v) = samples.iter().map(|p| objective(*p)).enumerate().fold(
                (0, f64::NEG_INFINITY),
                |m, (k, v)| if v > m.1 { (k, v) } else { m },
            );
            *best = best.max(v);
            // the true extreme lies between the neighbours of the best sample
            let mut lo = k.saturating_sub(1) as f64 / steps;
            let mut hi = (k + 1).min(EDGE_POINTS - 1) as f64 / steps;
            for _ in 0..REFINE_STEPS {
                let m1 = lo + (hi - lo) / 3.0;
                let m2 = hi - (hi - lo) / 3.0;
                let (v1, v2) = (objective(at(m1)?), objective(at(m2)?));
                *best = best.max(v1).max(v2);
                if v1 < v2 {
                    lo = m1;
                } else {
                    hi = m2;
                }
            }
        }
    }
    BBox::new(-best[0], -best[1], best[2], best[3], to).map_err(QueryError::Transform)
}
