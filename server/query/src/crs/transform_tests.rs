//! Transformation tests: the PROJ 9.5 test vectors of `domain/crs.md` §3, round trips for every
//! supported CRS, Web Mercator, bbox densification and out-of-domain input.

use geo_types::{Geometry, LineString, Point, Polygon};

use super::{Crs, HelmertSet, Transformer, proj_string, transform_bbox, transform_bbox_clipped};
use crate::error::QueryError;
use crate::query::BBox;

const MILANO: (f64, f64) = (9.191_383, 45.464_211);
const CATANIA: (f64, f64) = (15.087_269, 37.502_669);

fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64, what: &str) {
    let d = ((got.0 - want.0).powi(2) + (got.1 - want.1).powi(2)).sqrt();
    assert!(d <= tol, "{what}: got {got:?}, want {want:?}, off by {d}");
}

fn forward(to: u32, helmert: HelmertSet, p: (f64, f64)) -> (f64, f64) {
    Transformer::with_helmert(Crs::Epsg(4326), Crs::Epsg(to), helmert)
        .unwrap()
        .transform_coord(p.0, p.1)
        .unwrap()
}

#[test]
fn milano_gauss_boaga_west_with_mainland_helmert() {
    let got = forward(3003, HelmertSet::Mainland, MILANO);
    assert_close(got, (1_514_989.61, 5_034_558.29), 0.01, "Milano 3003");
    // the default is the mainland set
    let t = Transformer::new(Crs::Crs84, Crs::Epsg(3003)).unwrap();
    assert_close(
        t.transform_coord(MILANO.0, MILANO.1).unwrap(),
        (1_514_989.61, 5_034_558.29),
        0.01,
        "Milano 3003 default",
    );
}

#[test]
fn milano_utm32_is_the_same_in_rdn2008_etrs89_and_wgs84() {
    for code in [7791, 6707, 25832, 32632] {
        let got = forward(code, HelmertSet::Mainland, MILANO);
        assert_close(
            got,
            (514_961.61, 5_034_538.27),
            0.01,
            &format!("Milano {code}"),
        );
    }
}

#[test]
fn catania_gauss_boaga_east_sicily_and_mainland() {
    let sicily = forward(3004, HelmertSet::Sicily, CATANIA);
    assert_close(
        sicily,
        (2_527_715.89, 4_150_637.70),
        0.01,
        "Catania 3004 Sicily",
    );
    let mainland = forward(3004, HelmertSet::Mainland, CATANIA);
    assert_close(
        mainland,
        (2_527_719.96, 4_150_641.35),
        0.01,
        "Catania 3004 mainland",
    );
    // the two sets differ by about 5.5 m
    let d = ((sicily.0 - mainland.0).powi(2) + (sicily.1 - mainland.1).powi(2)).sqrt();
    assert!((5.0..6.0).contains(&d), "{d}");
}

#[test]
fn catania_utm33() {
    for code in [7792, 6708, 25833, 32633] {
        let got = forward(code, HelmertSet::Sicily, CATANIA);
        assert_close(
            got,
            (507_713.44, 4_150_641.02),
            0.01,
            &format!("Catania {code}"),
        );
    }
}

#[test]
fn sardinia_set_differs_from_mainland() {
    // Cagliari
    let p = (9.11, 39.22);
    let sardinia = forward(3003, HelmertSet::Sardinia, p);
    let mainland = forward(3003, HelmertSet::Mainland, p);
    let d = ((sardinia.0 - mainland.0).powi(2) + (sardinia.1 - mainland.1).powi(2)).sqrt();
    assert!(d > 1.0 && d < 100.0, "{d}");
    let back = Transformer::with_helmert(Crs::Epsg(3003), Crs::Crs84, HelmertSet::Sardinia)
        .unwrap()
        .transform_coord(sardinia.0, sardinia.1)
        .unwrap();
    // the Helmert inverse is the transposed small-angle matrix, as in PROJ: exact to about 1 mm
    assert_close(back, p, 2e-8, "Sardinia round trip");
}

fn all_crs() -> Vec<Crs> {
    let mut v: Vec<Crs> = Crs::SUPPORTED_EPSG.iter().map(|c| Crs::Epsg(*c)).collect();
    v.push(Crs::Crs84);
    v
}

#[test]
fn round_trips_between_every_pair() {
    // a point each zone handles well: Lombardy for zone 32 / Ovest, Sicily for zone 33 / Est
    for (lonlat, helmert) in [
        (MILANO, HelmertSet::Mainland),
        (CATANIA, HelmertSet::Sicily),
    ] {
        for from in all_crs() {
            let start = Transformer::with_helmert(Crs::Crs84, from, helmert)
                .unwrap()
                .transform_coord(lonlat.0, lonlat.1)
                .unwrap();
            for to in all_crs() {
                let monte_mario = |c: Crs| matches!(c.srid(), 3003 | 3004);
                // the Helmert inverse is exact to about 1 mm (transposed small-angle rotation)
                let shift = monte_mario(from) != monte_mario(to);
                let (geo_tol, metre_tol) = if shift { (2e-8, 2e-3) } else { (1e-9, 1e-4) };
                let there = Transformer::with_helmert(from, to, helmert).unwrap();
                let back = Transformer::with_helmert(to, from, helmert).unwrap();
                let mid = there.transform_coord(start.0, start.1).unwrap();
                let end = back.transform_coord(mid.0, mid.1).unwrap();
                let tol = if from.is_geographic() {
                    geo_tol
                } else {
                    metre_tol
                };
                assert_close(end, start, tol, &format!("{from} -> {to} -> {from}"));
                // going through CRS84 agrees with the direct path
                let via = Transformer::with_helmert(Crs::Crs84, to, helmert)
                    .unwrap()
                    .transform_coord(lonlat.0, lonlat.1)
                    .unwrap();
                let tol = if to.is_geographic() {
                    geo_tol
                } else {
                    metre_tol
                };
                assert_close(
                    mid,
                    via,
                    tol,
                    &format!("{from} -> {to} direct vs via CRS84"),
                );
            }
        }
    }
}

#[test]
fn identities_keep_numbers() {
    for (a, b) in [
        (Crs::Crs84, Crs::Epsg(4326)),
        (Crs::Epsg(4326), Crs::Epsg(6706)),
        (Crs::Epsg(7791), Crs::Epsg(6707)),
        (Crs::Epsg(25832), Crs::Epsg(7791)),
        (Crs::Epsg(6708), Crs::Epsg(25833)),
        (Crs::Epsg(3003), Crs::Epsg(3003)),
    ] {
        let t = Transformer::new(a, b).unwrap();
        assert!(t.is_identity(), "{a} -> {b}");
        assert_eq!(t.transform_coord(12.5, 41.9).unwrap(), (12.5, 41.9));
    }
    assert!(
        !Transformer::new(Crs::Epsg(3003), Crs::Epsg(7791))
            .unwrap()
            .is_identity()
    );
    assert!(
        !Transformer::new(Crs::Epsg(4326), Crs::Epsg(3857))
            .unwrap()
            .is_identity()
    );
}

#[test]
fn web_mercator() {
    let t = Transformer::new(Crs::Crs84, Crs::Epsg(3857)).unwrap();
    assert_close(
        t.transform_coord(0.0, 0.0).unwrap(),
        (0.0, 0.0),
        1e-6,
        "origin",
    );
    // x = R·λ, y = R·ln(tan(π/4 + φ/2)) on the 6 378 137 m sphere
    let r = 6_378_137.0_f64;
    let (lon, lat) = MILANO;
    let want = (
        r * lon.to_radians(),
        r * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
            .tan()
            .ln(),
    );
    assert_close(
        t.transform_coord(lon, lat).unwrap(),
        want,
        1e-6,
        "Milano 3857",
    );
    assert_close(
        t.transform_coord(180.0, 85.051_128_779_806_59).unwrap(),
        (20_037_508.342_789_244, 20_037_508.342_789_244),
        1e-3,
        "corner",
    );
}

#[test]
fn out_of_domain_input_is_a_transform_error() {
    let t = Transformer::new(Crs::Crs84, Crs::Epsg(7791)).unwrap();
    for (x, y) in [
        (f64::NAN, 45.0),
        (9.0, f64::NAN),
        (f64::INFINITY, 45.0),
        (9.0, 90.5),
        (9.0, -91.0),
        (181.0, 45.0),
    ] {
        assert!(
            matches!(t.transform_coord(x, y), Err(QueryError::Transform(_))),
            "({x}, {y})"
        );
    }
    let id = Transformer::new(Crs::Crs84, Crs::Epsg(4326)).unwrap();
    assert!(matches!(
        id.transform_coord(0.0, 95.0),
        Err(QueryError::Transform(_))
    ));
    let projected = Transformer::new(Crs::Epsg(7791), Crs::Crs84).unwrap();
    assert!(matches!(
        projected.transform_coord(f64::NAN, 1.0),
        Err(QueryError::Transform(_))
    ));
    // a pole cannot be shown in Web Mercator
    let merc = Transformer::new(Crs::Crs84, Crs::Epsg(3857)).unwrap();
    assert!(matches!(
        merc.transform_coord(0.0, 90.0),
        Err(QueryError::Transform(_))
    ));
}

#[test]
fn unsupported_codes_are_rejected() {
    assert!(matches!(
        Transformer::new(Crs::Epsg(2154), Crs::Crs84),
        Err(QueryError::UnsupportedCrs(_))
    ));
}

#[test]
fn transforms_geometries_in_place() {
    let t = Transformer::new(Crs::Crs84, Crs::Epsg(7791)).unwrap();
    let ring = LineString::from(vec![(9.1, 45.4), (9.3, 45.4), (9.3, 45.5), (9.1, 45.4)]);
    let hole = LineString::from(vec![
        (9.2, 45.42),
        (9.22, 45.42),
        (9.21, 45.44),
        (9.2, 45.42),
    ]);
    let mut g = Geometry::Polygon(Polygon::new(ring.clone(), vec![hole.clone()]));
    t.transform_geometry(&mut g).unwrap();
    let Geometry::Polygon(p) = &g else {
        panic!("type changed")
    };
    for (orig, got) in ring.coords().zip(p.exterior().coords()) {
        let want = t.transform_coord(orig.x, orig.y).unwrap();
        assert_eq!((got.x, got.y), want);
    }
    assert_eq!(p.interiors().len(), 1);
    let first = p.interiors()[0].0[0];
    assert_eq!((first.x, first.y), t.transform_coord(9.2, 45.42).unwrap());
    let mut bad = Geometry::Point(Point::new(9.0, 99.0));
    assert!(t.transform_geometry(&mut bad).is_err());
}

#[test]
fn bbox_is_the_envelope_of_densified_edges() {
    let b = BBox::new(8.5, 45.0, 11.4, 46.6, Crs::Crs84).unwrap();
    let out = transform_bbox(&b, Crs::Epsg(7791)).unwrap();
    assert_eq!(out.crs, Crs::Epsg(7791));
    let tr = Transformer::new(Crs::Crs84, Crs::Epsg(7791)).unwrap();
    // every densified edge point (and the corners) lies inside the result
    for i in 0..=1000 {
        let frac = f64::from(i) / 1000.0;
        let x = 8.5 + 2.9 * frac;
        let y = 45.0 + 1.6 * frac;
        for (px, py) in [(x, 45.0), (x, 46.6), (8.5, y), (11.4, y)] {
            let (tx, ty) = tr.transform_coord(px, py).unwrap();
            let slack = 1e-3; // the extremes are refined between samples
            assert!(tx >= out.min_x - slack && tx <= out.max_x + slack, "{tx}");
            assert!(ty >= out.min_y - slack && ty <= out.max_y + slack, "{ty}");
        }
    }
    // the northern edge bulges north at the central meridian: more than the corners' northing
    let corner = tr.transform_coord(8.5, 46.6).unwrap();
    assert!(out.max_y > corner.1 + 10.0, "{} vs {}", out.max_y, corner.1);
    // identity keeps numbers, only the CRS label changes
    let same = transform_bbox(&b, Crs::Epsg(4326)).unwrap();
    assert_eq!(
        (same.min_x, same.max_y, same.crs),
        (8.5, 46.6, Crs::Epsg(4326))
    );
    // world boxes to Web Mercator are clamped
    let world = BBox::new(-180.0, -90.0, 180.0, 90.0, Crs::Crs84).unwrap();
    let merc = transform_bbox(&world, Crs::Epsg(3857)).unwrap();
    assert!((merc.max_y - 20_037_508.34).abs() < 0.01, "{}", merc.max_y);
}

#[test]
fn proj_strings_carry_the_datum() {
    let s = proj_string(Crs::Epsg(3004), HelmertSet::Sicily).unwrap();
    assert!(s.contains("+towgs84=-50.2,-50.4,84.8"), "{s}");
    assert!(s.contains("+lon_0=15"), "{s}");
    let s = proj_string(Crs::Epsg(7791), HelmertSet::Mainland).unwrap();
    assert!(
        s.contains("+towgs84=0,0,0,0,0,0,0") && s.contains("+zone=32"),
        "{s}"
    );
    let s = proj_string(Crs::Epsg(32633), HelmertSet::Mainland).unwrap();
    assert!(s.contains("+datum=WGS84") && s.contains("+zone=33"), "{s}");
    let s = proj_string(Crs::Epsg(3857), HelmertSet::Mainland).unwrap();
    assert!(s.contains("+nadgrids=@null"), "{s}");
}

#[test]
fn transformer_is_shareable_and_fast() {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<Transformer>();
    // building a transformer reuses the parsed projections
    let start = std::time::Instant::now();
    for _ in 0..1_000 {
        Transformer::new(Crs::Epsg(3003), Crs::Epsg(3857)).unwrap();
    }
    let build = start.elapsed();
    let t = Transformer::new(Crs::Epsg(3003), Crs::Epsg(3857)).unwrap();
    let start = std::time::Instant::now();
    let n = 20_000;
    let mut sum = 0.0;
    for i in 0..n {
        let (x, y) = t
            .transform_coord(1_514_989.61 + f64::from(i % 1000), 5_034_558.29)
            .unwrap();
        sum += x + y;
    }
    let run = start.elapsed();
    eprintln!(
        "Transformer::new: {:?} each; 3003 -> 3857: {:?} per point",
        build / 1_000,
        run / n
    );
    assert!(sum.is_finite());
    // generous bounds that hold even for unoptimised builds on a slow machine
    assert!(build.as_secs_f64() < 0.5, "{build:?}");
    assert!(run.as_secs_f64() < 2.0, "{run:?}");
}

#[test]
fn bboxes_beyond_the_target_area_are_clipped() {
    let milano_7791 = (514_961.61, 5_034_538.27);
    let inside = |b: &BBox, p: (f64, f64)| {
        b.min_x <= p.0 && p.0 <= b.max_x && b.min_y <= p.1 && p.1 <= b.max_y
    };
    // a world box asked of a UTM collection covers everything the zone can show
    let world = BBox::new(-180.0, -90.0, 180.0, 90.0, Crs::Crs84).unwrap();
    let utm = transform_bbox(&world, Crs::Epsg(7791)).unwrap();
    assert!(inside(&utm, milano_7791), "{utm:?}");
    let gb = transform_bbox(&world, Crs::Epsg(3004)).unwrap();
    assert!(gb.min_y < 0.0 && gb.max_y > 9_000_000.0, "{gb:?}");
    // a projected world box goes through longitude/latitude
    let merc_world = BBox::new(
        -20_037_508.34,
        -20_037_508.34,
        20_037_508.34,
        20_037_508.34,
        Crs::Epsg(3857),
    )
    .unwrap();
    let from_merc = transform_bbox(&merc_world, Crs::Epsg(7791)).unwrap();
    assert!(inside(&from_merc, milano_7791), "{from_merc:?}");
    // a box on the other side of the world has no image in zone 32
    let far = BBox::new(150.0, -10.0, 160.0, 10.0, Crs::Crs84).unwrap();
    assert!(matches!(
        transform_bbox(&far, Crs::Epsg(7791)),
        Err(QueryError::Transform(_))
    ));
    assert_eq!(transform_bbox_clipped(&far, Crs::Epsg(7791)), Ok(None));
    assert_eq!(
        transform_bbox_clipped(&world, Crs::Epsg(7791)),
        Ok(Some(utm))
    );
    // Gauss-Boaga to UTM: a small box stays small and in place
    let gb_box = BBox::new(
        1_510_000.0,
        5_030_000.0,
        1_520_000.0,
        5_040_000.0,
        Crs::Epsg(3003),
    )
    .unwrap();
    let u = transform_bbox(&gb_box, Crs::Epsg(7791)).unwrap();
    assert!((u.max_x - u.min_x - 10_000.0).abs() < 50.0, "{u:?}");
    assert!(inside(&u, milano_7791), "{u:?}");
}

mod robustness {
    use proptest::prelude::*;

    use super::*;

    fn any_crs() -> impl Strategy<Value = Crs> {
        prop::sample::select(all_crs())
    }

    fn any_number() -> impl Strategy<Value = f64> {
        prop_oneof![
            -200.0f64..200.0,
            -3e7f64..3e7,
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
        ]
    }

    proptest! {
        #[test]
        fn any_input_gives_a_finite_result_or_a_transform_error(
            from in any_crs(),
            to in any_crs(),
            x in any_number(),
            y in any_number(),
        ) {
            let t = Transformer::new(from, to).unwrap();
            match t.transform_coord(x, y) {
                Ok((a, b)) => prop_assert!(a.is_finite() && b.is_finite()),
                Err(e) => prop_assert!(matches!(e, QueryError::Transform(_)), "{e:?}"),
            }
        }

        #[test]
        fn any_box_gives_a_box_or_a_transform_error(
            from in any_crs(),
            to in any_crs(),
            x in any_number(),
            y in any_number(),
            w in 0.0f64..1e6,
            h in 0.0f64..1e6,
        ) {
            if let Ok(b) = BBox::new(x, y, x + w, y + h, from) {
                match transform_bbox(&b, to) {
                    Ok(out) => prop_assert!(out.min_x <= out.max_x && out.min_y <= out.max_y),
                    Err(e) => prop_assert!(matches!(e, QueryError::Transform(_)), "{e:?}"),
                }
            }
        }
    }
}
