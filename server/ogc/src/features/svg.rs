//! Server-side map previews as inline SVG.
//!
//! Geometries in CRS84 are projected with a plain equirectangular projection whose longitudes
//! are scaled by cos(latitude) at the middle of the extent, then fitted to the drawing with a
//! small margin. Polygons are filled (even-odd, so holes stay holes), lines stroked, points
//! drawn as circles. No scripts, no external resources.

use std::fmt::Write;

use geo_types::{Coord, Geometry, LineString, Polygon};

use crate::features::html::escape;

/// One feature to draw: a tooltip title, an optional link, and its CRS84 geometry.
#[derive(Debug, Clone, Copy)]
pub struct MapItem<'a> {
    /// shown as the SVG `<title>` (tooltip)
    pub title: &'a str,
    /// where clicking the feature leads
    pub href: Option<&'a str>,
    /// geometry in CRS84
    pub geometry: &'a Geometry<f64>,
}

/// Maps CRS84 coordinates to drawing coordinates, centred on the extent.
struct Projection {
    k: f64,
    cx: f64,
    cy: f64,
    scale: f64,
    half_w: f64,
    half_h: f64,
}

impl Projection {
    fn fit(bbox: [f64; 4], width: f64, height: f64) -> Self {
        let [min_lon, min_lat, max_lon, max_lat] = bbox;
        let k = f64::midpoint(min_lat, max_lat).to_radians().cos().max(0.01);
        // a single point or a flat extent still gets a finite scale
        let w = ((max_lon - min_lon) * k).max(1e-4);
        let h = (max_lat - min_lat).max(1e-4);
        Self {
            k,
            cx: f64::midpoint(min_lon, max_lon) * k,
            cy: f64::midpoint(min_lat, max_lat),
            scale: (width / w).min(height / h) * 0.92,
            half_w: width / 2.0,
            half_h: height / 2.0,
        }
    }

    fn apply(&self, c: Coord<f64>) -> (f64, f64) {
        (
            (c.x * self.k - self.cx) * self.scale + self.half_w,
            (self.cy - c.y) * self.scale + self.half_h,
        )
    }
}

/// The preview of `items` in a `width` × `height` drawing, or `None` when none has a finite
/// coordinate.
pub fn map_svg(items: &[MapItem<'_>], width: f64, height: f64) -> Option<String> {
    let bbox = extent(items.iter().map(|i| i.geometry))?;
    let p = Projection::fit(bbox, width, height);
    let mut out = String::with_capacity(256 + items.len() * 128);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="map preview"><rect width="100%" height="100%" fill="#eef3f7"/>"##
    );
    for item in items {
        if let Some(href) = item.href {
            let _ = write!(out, r#"<a href="{}">"#, escape(href));
        }
        let _ = write!(out, "<g><title>{}</title>", escape(item.title));
        draw(&mut out, item.geometry, &p);
        out.push_str("</g>");
        if item.href.is_some() {
            out.push_str("</a>");
        }
    }
    out.push_str("</svg>");
    Some(out)
}

/// [min lon, min lat, max lon, max lat] of every finite coordinate.
fn extent<'a>(geoms: impl Iterator<Item = &'a Geometry<f64>>) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for g in geoms {
        visit_coords(g, &mut |c| {
            if c.x.is_finite() && c.y.is_finite() {
                b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
            }
        });
    }
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

fn visit_coords(g: &Geometry<f64>, f: &mut impl FnMut(Coord<f64>)) {
    match g {
        Geometry::Point(p) => f(p.0),
        Geometry::Line(l) => {
            f(l.start);
            f(l.end);
        }
        Geometry::LineString(l) => l.0.iter().copied().for_each(f),
        Geometry::Polygon(p) => {
            polygon_rings(p).for_each(|r| r.0.iter().copied().for_each(&mut *f));
        }
        Geometry::MultiPoint(m) => m.0.iter().for_each(|p| f(p.0)),
        Geometry::MultiLineString(m) => {
            m.0.iter()
                .for_each(|l| l.0.iter().copied().for_each(&mut *f));
        }
        Geometry::MultiPolygon(m) => m.0.iter().for_each(|p| {
            polygon_rings(p).for_each(|r| r.0.iter().copied().for_each(&mut *f));
        }),
        Geometry::GeometryCollection(c) => c.0.iter().for_each(|g| visit_coords(g, f)),
        Geometry::Rect(r) => visit_coords(&Geometry::Polygon(r.to_polygon()), f),
        Geometry::Triangle(t) => visit_coords(&Geometry::Polygon(t.to_polygon()), f),
    }
}

fn polygon_rings(p: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

fn draw(out: &mut String, g: &Geometry<f64>, p: &Projection) {
    match g {
        Geometry::Point(pt) => circle(out, pt.0, p),
        Geometry::MultiPoint(m) => m.0.iter().for_each(|pt| circle(out, pt.0, p)),
        Geometry::Line(l) => line(out, &LineString::from(vec![l.start, l.end]), p),
        Geometry::LineString(l) => line(out, l, p),
        Geometry::MultiLineString(m) => m.0.iter().for_each(|l| line(out, l, p)),
        Geometry::Polygon(poly) => polygon(out, std::slice::from_ref(poly), p),
        Geometry::MultiPolygon(m) => polygon(out, &m.0, p),
        Geometry::Rect(r) => polygon(out, &[r.to_polygon()], p),
        Geometry::Triangle(t) => polygon(out, &[t.to_polygon()], p),
        Geometry::GeometryCollection(c) => c.0.iter().for_each(|g| draw(out, g, p)),
    }
}

fn circle(out: &mut String, c: Coord<f64>, p: &Projection) {
    let (x, y) = p.apply(c);
    let _ = write!(
        out,
        r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#d9480f" stroke="#fff" stroke-width="1"/>"##
    );
}

fn path_data(out: &mut String, ring: &LineString<f64>, p: &Projection, close: bool) {
    for (i, c) in ring.0.iter().enumerate() {
        let (x, y) = p.apply(*c);
        let _ = write!(out, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
    }
    if close && !ring.0.is_empty() {
        out.push('Z');
    }
}

fn line(out: &mut String, l: &LineString<f64>, p: &Projection) {
    out.push_str(r#"<path d=""#);
    path_data(out, l, p, false);
    out.push_str(r##"" fill="none" stroke="#1c7ed6" stroke-width="2"/>"##);
}

fn polygon(out: &mut String, polys: &[Polygon<f64>], p: &Projection) {
    out.push_str(r#"<path d=""#);
    for poly in polys {
        polygon_rings(poly).for_each(|r| path_data(out, r, p, true));
    }
    out.push_str(
        r##"" fill="#4dabf7" fill-opacity="0.45" fill-rule="evenodd" stroke="#1864ab" stroke-width="1"/>"##,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{point, polygon};

    #[test]
    fn fits_features_inside_the_drawing() {
        let parcel = Geometry::Polygon(polygon![
            (x: 7.0, y: 45.0), (x: 7.1, y: 45.0), (x: 7.1, y: 45.1), (x: 7.0, y: 45.0)
        ]);
        let well = Geometry::Point(point! { x: 7.05, y: 45.05 });
        let items = [
            MapItem {
                title: "a<b>",
                href: Some("/x?a=1&b=2"),
                geometry: &parcel,
            },
            MapItem {
                title: "b",
                href: None,
                geometry: &well,
            },
        ];
        let svg = map_svg(&items, 600.0, 400.0).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a&lt;b&gt;") && svg.contains("/x?a=1&amp;b=2"));
        assert!(svg.contains("<circle") && svg.contains("evenodd"));
        let bbox = extent(items.iter().map(|i| i.geometry)).unwrap();
        let p = Projection::fit(bbox, 600.0, 400.0);
        for c in [(7.0, 45.0), (7.1, 45.1)] {
            let (x, y) = p.apply(Coord { x: c.0, y: c.1 });
            assert!(
                (0.0..=600.0).contains(&x) && (0.0..=400.0).contains(&y),
                "{x},{y}"
            );
        }
    }

    #[test]
    fn nothing_to_draw_gives_no_map() {
        assert!(map_svg(&[], 600.0, 400.0).is_none());
    }
}
