//! GeoPackage geometry blobs: the `GP` header (version, flags, `srs_id`, envelope) followed by
//! standard WKB, as defined in GeoPackage 1.3 §2.1.3, plus the `ST_*` SQL functions the
//! specification's R*Tree triggers call.

use geo::BoundingRect;
use geo_types::Geometry;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;

/// Flags byte bit 0: little-endian header values.
const LITTLE_ENDIAN: u8 = 0x01;
/// Flags byte bits 1-3 = 1: envelope is [minx, maxx, miny, maxy].
const ENVELOPE_XY: u8 = 0x02;
/// Flags byte bit 4: empty geometry.
const EMPTY: u8 = 0x10;
/// Flags byte bit 5: extended (non-standard) geometry type.
const EXTENDED: u8 = 0x20;

/// An envelope [min x, max x, min y, max y] as the GeoPackage header stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Envelope {
    /// minimum x
    pub min_x: f64,
    /// maximum x
    pub max_x: f64,
    /// minimum y
    pub min_y: f64,
    /// maximum y
    pub max_y: f64,
}

/// Writes `geometry` as a GeoPackage geometry blob with `srs_id` and an xy envelope into `out`
/// (cleared first) and returns that envelope. Empty geometries get the empty flag and no
/// envelope.
pub(crate) fn encode(geometry: &Geometry<f64>, srs_id: i32, out: &mut Vec<u8>) -> Option<Envelope> {
    out.clear();
    let rect = geometry.bounding_rect();
    out.extend_from_slice(b"GP");
    out.push(0);
    out.push(if rect.is_some() {
        ENVELOPE_XY | LITTLE_ENDIAN
    } else {
        EMPTY | LITTLE_ENDIAN
    });
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(r) = rect {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    segit_query::wkb::to_wkb(geometry, out);
    rect.map(|r| Envelope {
        min_x: r.min().x,
        max_x: r.max().x,
        min_y: r.min().y,
        max_y: r.max().y,
    })
}

/// The parts of a blob's header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Header {
    /// `srs_id` of the geometry
    pub srs_id: i32,
    /// the empty flag
    pub empty: bool,
    /// the envelope, when the header carries one
    pub envelope: Option<Envelope>,
    /// offset of the WKB after the header
    pub wkb_offset: usize,
}

/// Parses the header of a GeoPackage geometry blob.
pub(crate) fn header(blob: &[u8]) -> Result<Header, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("geometry blob does not start with the GeoPackage 'GP' magic".into());
    }
    if blob[2] != 0 {
        return Err(format!(
            "unsupported GeoPackage geometry version {}",
            blob[2]
        ));
    }
    let flags = blob[3];
    if flags & EXTENDED != 0 {
        return Err("extended GeoPackage geometry types are not supported".into());
    }
    let le = flags & LITTLE_ENDIAN != 0;
    let f64_at = |i: usize| -> f64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&blob[i..i + 8]);
        if le {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        }
    };
    let mut srs = [0u8; 4];
    srs.copy_from_slice(&blob[4..8]);
    let srs_id = if le {
        i32::from_le_bytes(srs)
    } else {
        i32::from_be_bytes(srs)
    };
    let envelope_len = match (flags >> 1) & 0x07 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        n => return Err(format!("invalid GeoPackage envelope indicator {n}")),
    };
    let wkb_offset = 8 + envelope_len;
    if blob.len() < wkb_offset {
        return Err("geometry blob is shorter than its header".into());
    }
    let envelope = (envelope_len > 0).then(|| Envelope {
        min_x: f64_at(8),
        max_x: f64_at(16),
        min_y: f64_at(24),
        max_y: f64_at(32),
    });
    Ok(Header {
        srs_id,
        empty: flags & EMPTY != 0,
        envelope,
        wkb_offset,
    })
}

/// Decodes a GeoPackage geometry blob into a geometry.
pub(crate) fn decode(blob: &[u8]) -> Result<Geometry<f64>, String> {
    let h = header(blob)?;
    segit_query::wkb::from_wkb(&blob[h.wkb_offset..]).map_err(|e| e.to_string())
}

/// The envelope of a blob: from the header when present, else computed from the WKB; `None`
/// for empty geometries.
pub(crate) fn envelope(blob: &[u8]) -> Result<Option<Envelope>, String> {
    let h = header(blob)?;
    if h.empty {
        return Ok(None);
    }
    if let Some(e) = h.envelope {
        return Ok(Some(e));
    }
    let g = segit_query::wkb::from_wkb(&blob[h.wkb_offset..]).map_err(|e| e.to_string())?;
    Ok(g.bounding_rect().map(|r| Envelope {
        min_x: r.min().x,
        max_x: r.max().x,
        min_y: r.min().y,
        max_y: r.max().y,
    }))
}

/// Picks one bound of an envelope.
type Bound = fn(&Envelope) -> f64;

/// The envelope of the blob in argument 0 of an SQL function call; `None` for NULL.
fn envelope_arg(ctx: &rusqlite::functions::Context<'_>) -> rusqlite::Result<Option<Envelope>> {
    match ctx.get_raw(0) {
        ValueRef::Null => Ok(None),
        ValueRef::Blob(blob) => {
            envelope(blob).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
        }
        _ => Err(rusqlite::Error::UserFunctionError(
            "the argument is not a GeoPackage geometry blob".into(),
        )),
    }
}

/// Registers `ST_MinX`, `ST_MaxX`, `ST_MinY`, `ST_MaxY` and `ST_IsEmpty` (GeoPackage SQL
/// functions used by the R*Tree index triggers) on `conn`.
pub(crate) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let bounds: [(&str, Bound); 4] = [
        ("ST_MinX", |e| e.min_x),
        ("ST_MaxX", |e| e.max_x),
        ("ST_MinY", |e| e.min_y),
        ("ST_MaxY", |e| e.max_y),
    ];
    for (name, bound) in bounds {
        conn.create_scalar_function(name, 1, flags, move |ctx| {
            Ok(envelope_arg(ctx)?.as_ref().map(bound))
        })?;
    }
    conn.create_scalar_function("ST_IsEmpty", 1, flags, |ctx| {
        if matches!(ctx.get_raw(0), ValueRef::Null) {
            return Ok(None);
        }
        Ok(Some(i64::from(envelope_arg(ctx)?.is_none())))
    })
}

#[cfg(test)]
mod tests {
    use geo_types::{MultiPolygon, Point, Polygon, coord};

    use super::*;

    #[test]
    fn blobs_round_trip_with_header_and_envelope() {
        let square = Polygon::new(
            geo_types::LineString::new(vec![
                coord! { x: 1.0, y: 2.0 },
                coord! { x: 4.0, y: 2.0 },
                coord! { x: 4.0, y: 7.0 },
                coord! { x: 1.0, y: 2.0 },
            ]),
            vec![],
        );
        let mut buf = Vec::new();
        for g in [
            Geometry::Point(Point::new(514_000.5, 5_034_000.25)),
            Geometry::Polygon(square),
        ] {
            encode(&g, 7791, &mut buf);
            assert_eq!(&buf[..4], b"GP\x00\x03");
            let h = header(&buf).unwrap();
            assert_eq!((h.srs_id, h.empty, h.wkb_offset), (7791, false, 40));
            assert_eq!(decode(&buf).unwrap(), g);
        }
        let env = envelope(&buf).unwrap().unwrap();
        assert_eq!(
            env,
            Envelope {
                min_x: 1.0,
                max_x: 4.0,
                min_y: 2.0,
                max_y: 7.0
            }
        );
    }

    #[test]
    fn empty_geometries_have_the_empty_flag_and_no_envelope() {
        let mut buf = Vec::new();
        encode(
            &Geometry::MultiPolygon(MultiPolygon(vec![])),
            4326,
            &mut buf,
        );
        let h = header(&buf).unwrap();
        assert!(h.empty && h.envelope.is_none());
        assert_eq!(envelope(&buf).unwrap(), None);
    }

    #[test]
    fn rejects_bad_blobs() {
        assert!(header(b"XX\x00\x01\x00\x00\x00\x00").is_err());
        assert!(header(b"GP").is_err());
        assert!(header(b"GP\x01\x01\x00\x00\x00\x00").is_err());
        assert!(header(b"GP\x00\x0f\x00\x00\x00\x00").is_err());
        assert!(header(b"GP\x00\x03\x00\x00\x00\x00\x00").is_err());
        assert!(decode(b"GP\x00\x01\x00\x00\x00\x00\x01\x01").is_err());
    }

    #[test]
    fn sql_functions_read_envelopes() {
        let conn = Connection::open_in_memory().unwrap();
        register_functions(&conn).unwrap();
        let mut buf = Vec::new();
        encode(&Geometry::Point(Point::new(3.0, 4.0)), 4326, &mut buf);
        let (min_x, max_y, empty): (f64, f64, i64) = conn
            .query_row(
                "SELECT ST_MinX(?1), ST_MaxY(?1), ST_IsEmpty(?1)",
                [&buf],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((min_x, max_y, empty), (3.0, 4.0, 0));
        let null: Option<f64> = conn
            .query_row("SELECT ST_MinX(NULL)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(null, None);
        assert!(
            conn.query_row("SELECT ST_MinX(x'0102')", [], |r| r.get::<_, f64>(0))
                .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_blobs_never_panic(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let _ = (header(&bytes), decode(&bytes), envelope(&bytes));
        }

        #[test]
        fn arbitrary_bodies_behind_a_header_never_panic(
            flags in 0u8..16,
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let mut blob = vec![b'G', b'P', 0, flags, 0, 0, 0, 0];
            blob.extend(body);
            let _ = (header(&blob), decode(&blob), envelope(&blob));
        }
    }
}
