//! Spatial index of the map parcels: a bulk-loaded R*-tree of their bounding boxes, refined
//! by exact intersection areas.

use geo::{Area, BooleanOps, BoundingRect};
use geo_types::MultiPolygon;
use rstar::{AABB, RTree, RTreeObject};

/// A bounding box in the tree, pointing to a parcel by index.
#[derive(Debug, Clone, Copy)]
struct Entry {
    index: usize,
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// R-tree over a list of polygons (by their index in that list).
#[derive(Debug, Default)]
pub struct ParcelIndex {
    tree: RTree<Entry>,
}

impl ParcelIndex {
    /// Bulk-loads the boxes of `polygons`; empty polygons are left out.
    pub fn build<'a>(polygons: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let entries: Vec<Entry> = polygons
            .into_iter()
            .enumerate()
            .filter_map(|(index, p)| {
                let r = p.bounding_rect()?;
                Some(Entry {
                    index,
                    envelope: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                })
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Indices of the polygons whose box meets the box of `geometry`, ascending.
    pub fn candidates(&self, geometry: &MultiPolygon<f64>) -> Vec<usize> {
        let Some(r) = geometry.bounding_rect() else {
            return Vec::new();
        };
        let bbox = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut out: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&bbox)
            .map(|e| e.index)
            .collect();
        out.sort_unstable();
        out
    }
}

/// Area of the intersection of two multipolygons, m².
pub fn intersection_area(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    a.intersection(b).unsigned_area()
}
