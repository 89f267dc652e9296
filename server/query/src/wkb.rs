//! Well-Known Binary geometry codec shared by the GeoPackage and PostGIS stores.
//!
//! [`to_wkb`] writes little-endian ISO WKB in two dimensions. [`from_wkb`] reads both byte orders,
//! ISO type codes (`1000`/`2000`/`3000` offsets for Z/M/ZM) and PostGIS EWKB flags (Z, M, SRID);
//! the SRID is skipped and Z/M ordinates are dropped. Every count read from the input is checked
//! against the bytes that remain before anything is allocated, and nesting is bounded, so bad
//! input yields [`QueryError::InvalidGeometry`], never a panic or a huge allocation.
//!
//! Empty geometries: an empty point (written by PostGIS and GeoPackage as `POINT(NaN NaN)`) is
//! read as an empty `MultiPoint`, since `geo_types` has no empty point; empty multi geometries and
//! collections read as such.

use geo_types::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};

use crate::error::QueryError;

const POINT: u32 = 1;
const LINESTRING: u32 = 2;
const POLYGON: u32 = 3;
const MULTIPOINT: u32 = 4;
const MULTILINESTRING: u32 = 5;
const MULTIPOLYGON: u32 = 6;
const COLLECTION: u32 = 7;

const EWKB_Z: u32 = 0x8000_0000;
const EWKB_M: u32 = 0x4000_0000;
const EWKB_SRID: u32 = 0x2000_0000;

/// Deepest nesting of geometry collections accepted.
const MAX_DEPTH: usize = 32;

/// Appends `g` to `out` as little-endian ISO WKB (2D).
///
/// `Line`, `Rect` and `Triangle` are written as a line string and polygons respectively.
pub fn to_wkb(g: &Geometry<f64>, out: &mut Vec<u8>) {
    match g {
        Geometry::Point(p) => {
            header(out, POINT);
            coord(out, p.0);
        }
        Geometry::Line(l) => {
            header(out, LINESTRING);
            count(out, 2);
            coord(out, l.start);
            coord(out, l.end);
        }
        Geometry::LineString(ls) => {
            header(out, LINESTRING);
            line(out, ls);
        }
        Geometry::Polygon(p) => polygon(out, p),
        Geometry::MultiPoint(mp) => {
            header(out, MULTIPOINT);
            count(out, mp.0.len());
            for p in &mp.0 {
                header(out, POINT);
                coord(out, p.0);
            }
        }
        Geometry::MultiLineString(ml) => {
            header(out, MULTILINESTRING);
            count(out, ml.0.len());
            for ls in &ml.0 {
                header(out, LINESTRING);
                line(out, ls);
            }
        }
        Geometry::MultiPolygon(mp) => {
            header(out, MULTIPOLYGON);
            count(out, mp.0.len());
            for p in &mp.0 {
                polygon(out, p);
            }
        }
        Geometry::GeometryCollection(gc) => {
            header(out, COLLECTION);
            count(out, gc.0.len());
            for g in &gc.0 {
                to_wkb(g, out);
            }
        }
        Geometry::Rect(r) => polygon(out, &r.to_polygon()),
        Geometry::Triangle(t) => polygon(out, &t.to_polygon()),
    }
}

fn header(out: &mut Vec<u8>, ty: u32) {
    out.push(1);
    out.extend_from_slice(&ty.to_le_bytes());
}

fn count(out: &mut Vec<u8>, n: usize) {
    // geometries with more than u32::MAX parts cannot exist in memory on any supported target
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn coord(out: &mut Vec<u8>, c: Coord<f64>) {
    out.extend_from_slice(&c.x.to_le_bytes());
    out.extend_from_slice(&c.y.to_le_bytes());
}

fn line(out: &mut Vec<u8>, ls: &LineString<f64>) {
    count(out, ls.0.len());
    for c in &ls.0 {
        coord(out, *c);
    }
}

fn polygon(out: &mut Vec<u8>, p: &Polygon<f64>) {
    header(out, POLYGON);
    if p.exterior().0.is_empty() && p.interiors().is_empty() {
        count(out, 0);
        return;
    }
    count(out, 1 + p.interiors().len());
    line(out, p.exterior());
    for ring in p.interiors() {
        line(out, ring);
    }
}

/// Reads one WKB or EWKB geometry; the input must hold exactly one geometry.
pub fn from_wkb(bytes: &[u8]) -> Result<Geometry<f64>, QueryError> {
    let mut r = Reader { bytes, pos: 0 };
    let g = r.geometry(0)?;
    if r.pos != bytes.len() {
        return Err(invalid(format!(
            "{} trailing bytes after the geometry",
            bytes.len() - r.pos
        )));
    }
    Ok(g)
}

fn invalid(msg: impl Into<String>) -> QueryError {
    QueryError::InvalidGeometry(format!("WKB: {}", msg.into()))
}

/// Byte order and dimensions of one geometry.
#[derive(Clone, Copy)]
struct Header {
    little: bool,
    ty: u32,
    dims: usize,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], QueryError> {
        let end = self.pos.checked_add(N).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| invalid(format!("truncated at byte {}", self.pos)))?;
        let mut buf = [0u8; N];
        buf.copy_from_slice(&self.bytes[self.pos..end]);
        self.pos = end;
        Ok(buf)
    }

    fn u32(&mut self, little: bool) -> Result<u32, QueryError> {
        let b = self.take::<4>()?;
        Ok(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Result<f64, QueryError> {
        let b = self.take::<8>()?;
        Ok(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// A count of items each at least `min_size` bytes long, checked against the input left.
    fn count(&mut self, little: bool, min_size: usize) -> Result<usize, QueryError> {
        let n = self.u32(little)? as usize;
        if n.saturating_mul(min_size) > self.remaining() {
            return Err(invalid(format!(
                "count {n} at byte {} exceeds the remaining input",
                self.pos - 4
            )));
        }
        Ok(n)
    }

    fn header(&mut self) -> Result<Header, QueryError> {
        let little = match self.take::<1>()? {
            [0] => false,
            [1] => true,
            [b] => return Err(invalid(format!("bad byte order marker {b}"))),
        };
        let raw = self.u32(little)?;
        let (mut z, mut m) = (raw & EWKB_Z != 0, raw & EWKB_M != 0);
        if raw & EWKB_SRID != 0 {
            self.u32(little)?;
        }
        let code = raw & !(EWKB_Z | EWKB_M | EWKB_SRID);
        let ty = code % 1000;
        match code / 1000 {
            0 => {}
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => return Err(invalid(format!("unknown geometry type code {code}"))),
        }
        Ok(Header {
            little,
            ty,
            dims: 2 + usize::from(z) + usize::from(m),
        })
    }

    fn coord(&mut self, h: Header) -> Result<Coord<f64>, QueryError> {
        let x = self.f64(h.little)?;
        let y = self.f64(h.little)?;
        for _ in 2..h.dims {
            self.f64(h.little)?;
        }
        Ok(Coord { x, y })
    }

    fn line(&mut self, h: Header) -> Result<LineString<f64>, QueryError> {
        let n = self.count(h.little, 8 * h.dims)?;
        let mut coords = Vec::with_capacity(n);
        for _ in 0..n {
            coords.push(self.coord(h)?);
        }
        Ok(LineString(coords))
    }

    fn polygon(&mut self, h: Header) -> Result<Polygon<f64>, QueryError> {
        let n = self.count(h.little, 4)?;
        if n == 0 {
            return Ok(Polygon::new(LineString(Vec::new()), Vec::new()));
        }
        let exterior = self.line(h)?;
        let mut interiors = Vec::with_capacity(n - 1);
        for _ in 1..n {
            interiors.push(self.line(h)?);
        }
        Ok(Polygon::new(exterior, interiors))
    }

    /// Reads a member of a multi geometry, which must be of type `want`.
    fn member(&mut self, want: u32) -> Result<Header, QueryError> {
        let h = self.header()?;
        if h.ty == want {
            Ok(h)
        } else {
            Err(invalid(format!(
                "a multi geometry member of type {} where type {want} is required",
                h.ty
            )))
        }
    }

    fn geometry(&mut self, depth: usize) -> Result<Geometry<f64>, QueryError> {
        if depth > MAX_DEPTH {
            return Err(invalid("geometry collections nested too deeply"));
        }
        let h = self.header()?;
        let g = match h.ty {
            POINT => {
                let c = self.coord(h)?;
                if c.x.is_nan() && c.y.is_nan() {
                    Geometry::MultiPoint(MultiPoint(Vec::new()))
                } else {
                    Geometry::Point(Point(c))
                }
            }
            LINESTRING => Geometry::LineString(self.line(h)?),
            POLYGON => Geometry::Polygon(self.polygon(h)?),
            MULTIPOINT => {
                let n = self.count(h.little, 21)?;
                let mut points = Vec::with_capacity(n);
                for _ in 0..n {
                    let m = self.member(POINT)?;
                    let c = self.coord(m)?;
                    // empty members carry no point
                    if !(c.x.is_nan() && c.y.is_nan()) {
                        points.push(Point(c));
                    }
                }
                Geometry::MultiPoint(MultiPoint(points))
            }
            MULTILINESTRING => {
                let n = self.count(h.little, 9)?;
                let mut lines = Vec::with_capacity(n);
                for _ in 0..n {
                    let m = self.member(LINESTRING)?;
                    lines.push(self.line(m)?);
                }
                Geometry::MultiLineString(MultiLineString(lines))
            }
            MULTIPOLYGON => {
                let n = self.count(h.little, 9)?;
                let mut polygons = Vec::with_capacity(n);
                for _ in 0..n {
                    let m = self.member(POLYGON)?;
                    polygons.push(self.polygon(m)?);
                }
                Geometry::MultiPolygon(MultiPolygon(polygons))
            }
            COLLECTION => {
                let n = self.count(h.little, 5)?;
                let mut parts = Vec::with_capacity(n);
                for _ in 0..n {
                    parts.push(self.geometry(depth + 1)?);
                }
                Geometry::GeometryCollection(GeometryCollection(parts))
            }
            other => return Err(invalid(format!("unsupported geometry type {other}"))),
        };
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use geo_types::{Line, Rect, Triangle, coord, line_string, point, polygon};
    use proptest::prelude::*;

    use super::*;

    fn round_trip(g: &Geometry<f64>) -> Geometry<f64> {
        let mut buf = Vec::new();
        to_wkb(g, &mut buf);
        from_wkb(&buf).unwrap()
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn writes_little_endian_iso_point() {
        let mut buf = Vec::new();
        to_wkb(&Geometry::Point(point!(x: 1.0, y: 2.0)), &mut buf);
        // PostGIS: SELECT ST_AsBinary('POINT(1 2)'::geometry, 'NDR')
        assert_eq!(buf, hex("0101000000000000000000f03f0000000000000040"));
    }

    #[test]
    fn reads_big_endian_and_ewkb_with_srid_and_z() {
        // SELECT ST_AsBinary('POINT(1 2)'::geometry, 'XDR')
        let be = hex("00000000013ff00000000000004000000000000000");
        assert_eq!(
            from_wkb(&be).unwrap(),
            Geometry::Point(point!(x: 1.0, y: 2.0))
        );
        // SELECT ST_AsEWKB('SRID=4326;POINT(1 2 3)'::geometry): Z and SRID flags
        let ewkb = hex("01010000a0e6100000000000000000f03f00000000000000400000000000000840");
        assert_eq!(
            from_wkb(&ewkb).unwrap(),
            Geometry::Point(point!(x: 1.0, y: 2.0))
        );
        // ISO POINT ZM (type 3001)
        let mut zm = vec![1];
        zm.extend_from_slice(&3001u32.to_le_bytes());
        for v in [1.0f64, 2.0, 3.0, 4.0] {
            zm.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(
            from_wkb(&zm).unwrap(),
            Geometry::Point(point!(x: 1.0, y: 2.0))
        );
        // ISO LINESTRING M (type 2002), two points
        let mut lm = vec![1];
        lm.extend_from_slice(&2002u32.to_le_bytes());
        lm.extend_from_slice(&2u32.to_le_bytes());
        for v in [1.0f64, 2.0, 9.0, 3.0, 4.0, 9.0] {
            lm.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(
            from_wkb(&lm).unwrap(),
            Geometry::LineString(line_string![(x: 1.0, y: 2.0), (x: 3.0, y: 4.0)])
        );
    }

    #[test]
    fn round_trips_every_type() {
        let poly = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 1.0)]],
        );
        let ls = line_string![(x: 1.5, y: -2.5), (x: 3.0, y: 4.0)];
        let cases = vec![
            Geometry::Point(point!(x: 9.19, y: 45.46)),
            Geometry::LineString(ls.clone()),
            Geometry::Polygon(poly.clone()),
            Geometry::MultiPoint(MultiPoint(vec![
                point!(x: 1.0, y: 2.0),
                point!(x: 3.0, y: 4.0),
            ])),
            Geometry::MultiLineString(MultiLineString(vec![ls.clone(), ls])),
            Geometry::MultiPolygon(MultiPolygon(vec![poly.clone(), poly.clone()])),
            Geometry::GeometryCollection(GeometryCollection(vec![
                Geometry::Point(point!(x: 1.0, y: 2.0)),
                Geometry::GeometryCollection(GeometryCollection(vec![Geometry::Polygon(poly)])),
            ])),
            Geometry::GeometryCollection(GeometryCollection(Vec::new())),
            Geometry::MultiPolygon(MultiPolygon(Vec::new())),
            Geometry::LineString(LineString(Vec::new())),
        ];
        for g in cases {
            assert_eq!(round_trip(&g), g);
        }
    }

    #[test]
    fn writes_line_rect_and_triangle_as_simple_features() {
        let line = Geometry::Line(Line::new(coord! {x: 0.0, y: 0.0}, coord! {x: 1.0, y: 1.0}));
        assert_eq!(
            round_trip(&line),
            Geometry::LineString(line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0)])
        );
        let rect = Rect::new(coord! {x: 0.0, y: 0.0}, coord! {x: 2.0, y: 1.0});
        assert_eq!(
            round_trip(&Geometry::Rect(rect)),
            Geometry::Polygon(rect.to_polygon())
        );
        let tri = Triangle::new(
            coord! {x: 0.0, y: 0.0},
            coord! {x: 1.0, y: 0.0},
            coord! {x: 0.0, y: 1.0},
        );
        assert_eq!(
            round_trip(&Geometry::Triangle(tri)),
            Geometry::Polygon(tri.to_polygon())
        );
    }

    #[test]
    fn empty_geometries() {
        // SELECT ST_AsBinary('POINT EMPTY'::geometry)
        let empty_point = hex("0101000000000000000000f87f000000000000f87f");
        assert_eq!(
            from_wkb(&empty_point).unwrap(),
            Geometry::MultiPoint(MultiPoint(Vec::new()))
        );
        // an empty polygon written and read back
        let empty = Geometry::Polygon(Polygon::new(LineString(Vec::new()), Vec::new()));
        let mut buf = Vec::new();
        to_wkb(&empty, &mut buf);
        assert_eq!(buf, hex("010300000000000000"));
        assert_eq!(from_wkb(&buf).unwrap(), empty);
        // GEOMETRYCOLLECTION EMPTY
        assert_eq!(
            from_wkb(&hex("010700000000000000")).unwrap(),
            Geometry::GeometryCollection(GeometryCollection(Vec::new()))
        );
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let bad: Vec<Vec<u8>> = vec![
            vec![],
            vec![1],
            vec![2, 1, 0, 0, 0],
            hex("0101000000000000000000f03f"),   // truncated point
            hex("0102000000ffffffff"),           // huge count
            hex("0103000000ffffff7f"),           // huge ring count
            hex("0107000000ffffffff"),           // huge collection
            hex("0104000000010000000102000000"), // point member of the wrong type
            hex("0111000000"),                   // unsupported type 17
            hex("0101100000"),                   // unknown dimension code 4097
            hex("0101000000000000000000f03f000000000000004000"), // trailing byte
        ];
        for b in bad {
            assert!(
                matches!(from_wkb(&b), Err(QueryError::InvalidGeometry(_))),
                "{b:02x?}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let mut buf = Vec::new();
        for _ in 0..100 {
            buf.extend_from_slice(&hex("010700000001000000"));
        }
        buf.extend_from_slice(&hex("010700000000000000"));
        assert!(matches!(
            from_wkb(&buf),
            Err(QueryError::InvalidGeometry(_))
        ));
    }

    fn coord_strategy() -> impl Strategy<Value = Coord<f64>> {
        (-1e7f64..1e7, -1e7f64..1e7).prop_map(|(x, y)| Coord { x, y })
    }

    fn line_strategy() -> impl Strategy<Value = LineString<f64>> {
        prop::collection::vec(coord_strategy(), 0..8).prop_map(LineString)
    }

    fn polygon_strategy() -> impl Strategy<Value = Polygon<f64>> {
        (
            line_strategy(),
            prop::collection::vec(line_strategy(), 0..3),
        )
            .prop_map(|(e, i)| {
                let p = Polygon::new(e, i);
                // geo_types closes rings; an empty exterior with holes cannot be written as WKB
                if p.exterior().0.is_empty() {
                    Polygon::new(LineString(Vec::new()), Vec::new())
                } else {
                    p
                }
            })
    }

    fn geometry_strategy() -> impl Strategy<Value = Geometry<f64>> {
        let leaf = prop_oneof![
            coord_strategy().prop_map(|c| Geometry::Point(Point(c))),
            line_strategy().prop_map(Geometry::LineString),
            polygon_strategy().prop_map(Geometry::Polygon),
            prop::collection::vec(coord_strategy(), 0..5)
                .prop_map(|v| Geometry::MultiPoint(MultiPoint(v.into_iter().map(Point).collect()))),
            prop::collection::vec(line_strategy(), 0..4)
                .prop_map(|v| Geometry::MultiLineString(MultiLineString(v))),
            prop::collection::vec(polygon_strategy(), 0..3)
                .prop_map(|v| Geometry::MultiPolygon(MultiPolygon(v))),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop::collection::vec(inner, 0..4)
                .prop_map(|v| Geometry::GeometryCollection(GeometryCollection(v)))
        })
    }

    proptest! {
        #[test]
        fn wkb_round_trip(g in geometry_strategy()) {
            prop_assert_eq!(round_trip(&g), g);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            prop_assert!(matches!(
                from_wkb(&bytes),
                Ok(_) | Err(QueryError::InvalidGeometry(_))
            ));
        }

        #[test]
        fn corrupted_bytes_never_panic(
            g in geometry_strategy(),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let mut buf = Vec::new();
            to_wkb(&g, &mut buf);
            let i = at.index(buf.len());
            buf[i] = byte;
            prop_assert!(matches!(
                from_wkb(&buf),
                Ok(_) | Err(QueryError::InvalidGeometry(_))
            ));
        }

        #[test]
        fn truncations_are_errors(g in geometry_strategy(), cut in 1usize..64) {
            let mut buf = Vec::new();
            to_wkb(&g, &mut buf);
            let cut = cut.min(buf.len());
            prop_assert!(from_wkb(&buf[..buf.len() - cut]).is_err());
        }
    }
}
