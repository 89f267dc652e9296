//! Compares `segit_query::crs::Transformer` with PostGIS `ST_Transform(geom, from_proj, to_proj)`
//! (PROJ underneath) using the very same PROJ strings, on point grids over Lombardy, Sicily (with
//! both Helmert sets) and central Italy (across the 12°E zone border, every supported CRS), for
//! every pair of the CRSs used there. Results must agree within 1 mm.
//!
//! Needs a PostgreSQL server with the PostGIS extension available at `SEGIT_TEST_PG_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`). The test creates a throw-away
//! database `segit_crs_<unique>`, and drops it afterwards. An unreachable server fails the test.

mod common;

use segit_query::Crs;
use segit_query::crs::{HelmertSet, Transformer, proj_string};
use tokio_postgres::Client;
/// Metres per degree of latitude (enough to express a geographic difference in millimetres).
const METRES_PER_DEGREE: f64 = 111_320.0;
const TOLERANCE_M: f64 = 0.001;

struct Region {
    name: &'static str,
    lon: (f64, f64),
    lat: (f64, f64),
    helmert: HelmertSet,
    crs: Vec<Crs>,
}

fn regions() -> Vec<Region> {
    let epsg = |codes: &[u32]| codes.iter().map(|c| Crs::Epsg(*c)).collect::<Vec<_>>();
    let mut lombardy = epsg(&[6707, 7791, 25832, 32632, 3003, 6706, 4326, 3857]);
    lombardy.push(Crs::Crs84);
    let sicily = epsg(&[6708, 7792, 25833, 32633, 3004, 6706, 4326, 3857]);
    let mut every = epsg(&Crs::SUPPORTED_EPSG);
    every.push(Crs::Crs84);
    vec![
        // straddles 12°E: both zones, every supported CRS, across zones too
        Region {
            name: "central Italy",
            lon: (10.5, 13.5),
            lat: (41.9, 44.4),
            helmert: HelmertSet::Mainland,
            crs: every,
        },
        Region {
            name: "Lombardy",
            lon: (8.55, 11.35),
            lat: (44.75, 46.55),
            helmert: HelmertSet::Mainland,
            crs: lombardy,
        },
        Region {
            name: "Sicily (Sicilian Helmert)",
            lon: (12.45, 15.6),
            lat: (36.7, 38.25),
            helmert: HelmertSet::Sicily,
            crs: sicily.clone(),
        },
        Region {
            name: "Sicily (mainland Helmert)",
            lon: (12.45, 15.6),
            lat: (36.7, 38.25),
            helmert: HelmertSet::Mainland,
            crs: sicily,
        },
    ]
}

/// A 7 × 7 grid over the region, in CRS84.
fn grid(r: &Region) -> Vec<(f64, f64)> {
    let n = 7;
    let mut out = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            let fx = i as f64 / (n - 1) as f64;
            let fy = j as f64 / (n - 1) as f64;
            out.push((
                r.lon.0 + (r.lon.1 - r.lon.0) * fx,
                r.lat.0 + (r.lat.1 - r.lat.0) * fy,
            ));
        }
    }
    out
}

/// Distance between two results in metres (geographic differences converted at the latitude).
fn distance_m(crs: Crs, a: (f64, f64), b: (f64, f64)) -> f64 {
    if crs.is_geographic() {
        let dx = (a.0 - b.0) * METRES_PER_DEGREE * a.1.to_radians().cos();
        let dy = (a.1 - b.1) * METRES_PER_DEGREE;
        dx.hypot(dy)
    } else {
        (a.0 - b.0).hypot(a.1 - b.1)
    }
}

async fn postgis_transform(
    db: &Client,
    from: &str,
    to: &str,
    points: &[(f64, f64)],
) -> Vec<(f64, f64)> {
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let rows = db
        .query(
            // one multipoint per call, so PROJ sets the transformation up once
            "WITH mp AS (
                 SELECT ST_Transform(ST_Collect(ARRAY(
                     SELECT ST_MakePoint(x, y)
                     FROM unnest($3::float8[], $4::float8[]) WITH ORDINALITY AS t(x, y, i)
                     ORDER BY i
                 )), $1::text, $2::text) AS g
             )
             SELECT ST_X(d.geom), ST_Y(d.geom) FROM mp, ST_DumpPoints(mp.g) AS d
             ORDER BY d.path[1]",
            &[&from, &to, &xs, &ys],
        )
        .await
        .unwrap_or_else(|e| panic!("ST_Transform from '{from}' to '{to}': {e}"));
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// Every pair of every region; returns the failures and the number of comparisons.
async fn compare_all(db: &Client) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut compared = 0;
    for region in regions() {
        let lonlat = grid(&region);
        for &from in &region.crs {
            let to_source =
                Transformer::with_helmert(Crs::Crs84, from, region.helmert).expect("supported CRS");
            let input: Vec<(f64, f64)> = lonlat
                .iter()
                .map(|p| {
                    to_source
                        .transform_coord(p.0, p.1)
                        .expect("grid point in the domain")
                })
                .collect();
            let from_proj = proj_string(from, region.helmert).expect("supported CRS");
            for &to in &region.crs {
                if to == from {
                    continue;
                }
                let to_proj = proj_string(to, region.helmert).expect("supported CRS");
                let t = Transformer::with_helmert(from, to, region.helmert).expect("supported CRS");
                let theirs = postgis_transform(db, &from_proj, &to_proj, &input).await;
                let mut worst = (0.0, (0.0, 0.0), (0.0, 0.0));
                for (p, their) in input.iter().zip(&theirs) {
                    let ours = t.transform_coord(p.0, p.1).expect("point in the domain");
                    let d = distance_m(to, ours, *their);
                    if d > worst.0 {
                        worst = (d, ours, *their);
                    }
                    compared += 1;
                }
                if worst.0 > TOLERANCE_M || theirs.len() != input.len() {
                    failures.push(format!(
                        "{}: {from} -> {to}: off by {:.4} m (ours {:?}, PostGIS {:?})",
                        region.name, worst.0, worst.1, worst.2
                    ));
                }
            }
        }
    }
    (failures, compared)
}

#[tokio::test]
async fn transformations_agree_with_postgis_within_a_millimetre() {
    let (failures, compared) = common::with_postgis("segit_crs", compare_all).await;
    assert!(compared > 5_000, "only {compared} points compared");
    assert!(
        failures.is_empty(),
        "{} of the pairs disagree with PostGIS:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
